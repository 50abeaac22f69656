"""The whole `govmodels report` and the analysis alone, at 10, 100 and 1,000 cases, side by side in one run.

Packages come from `govmodels.synthetic.synthetic_dataset(n, seed=0)`: a documented, seeded generator of realistic packages
(cases at mixed administrative levels practising one to three model families, 10–30 figures each, with 余/约 bounds, ranges,
rates with printed bases, flows with and without periods, base and micro grids). Each package is saved to a temporary folder
and loaded back, as a user's would be.

For each size:
(a) the whole report: `govmodels report --data DIR --out OUT` in a fresh process (import, load and validate, compare,
    figures, HTML and Markdown), wall time and that process's peak RSS;
(b) the analysis alone: `govmodels.compare.compare(ds)` (observation view, metrics registry, flags, grid table, funnel,
    disclosure, design features, family figures), best of 3 in this process.
Then the growth exponent log(t1000 / t100) / log(10) of each: 1 means cost proportional to the number of cases.

    python benchmarks/bench_report.py

Last line: report_s_1000=<s> exponent=<e> peak_rss_gib=<x>
"""
import math, os, subprocess, sys, tempfile, time
from pathlib import Path

from govmodels.compare import compare
from govmodels.data import load, save
from govmodels.synthetic import synthetic_dataset

SIZES = (10, 100, 1000)
GOVMODELS = Path(sys.executable).parent/'govmodels'


def best_of(fn, repeat=3):
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter(); fn(); out.append(time.perf_counter() - t0)
    return min(out)


def run_report(data, out):
    "Wall time and peak RSS (GiB) of one `govmodels report` process."
    t0 = time.perf_counter()
    p = subprocess.Popen([str(GOVMODELS), 'report', '--data', str(data), '--out', str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0: sys.exit(f"govmodels report failed on {data}: {p.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss / 2**20


def main():
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in SIZES:
            data = save(synthetic_dataset(n, seed=0), Path(tmp)/f'pkg{n}')
            ds = load(data)
            analysis = best_of(lambda: compare(ds))
            report, rss = run_report(data, Path(tmp)/f'rep{n}')
            rows[n] = (report, analysis, rss, len(ds.observations))
            print(f"cases={n:5d} figures={len(ds.observations):6d} report_s={report:7.2f} analysis_s={analysis:6.2f} peak_rss_gib={rss:.2f}", flush=True)
    exp = lambda i: math.log(rows[1000][i] / rows[100][i]) / math.log(10)
    print(f"growth 100 -> 1000 cases: report exponent={exp(0):.2f}, analysis exponent={exp(1):.2f}")
    print(f"report_s_1000={rows[1000][0]:.2f} exponent={exp(0):.2f} peak_rss_gib={max(r[2] for r in rows.values()):.2f}")


if __name__ == '__main__':
    main()
