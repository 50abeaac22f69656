"""`govmodels validate` on packages of growing size, side by side with its floor, in one run.

Packages come from `govmodels.synthetic.synthetic_dataset(n, seed=0)` (realistic distinct values: cases at mixed levels,
10–30 figures each, bounds, ranges, rates with bases, periods), saved to a temporary folder. For each size, in fresh processes:
(a) `govmodels validate DIR`: schema reading and typing of every cell, then the domain rules; wall time and peak RSS;
(b) the floor: pandas' C parser reading every CSV of the package as text (`read_csv(dtype=str)`), no typing, no checks:
    the least any validator must do;
(c) the start-up alone (`import govmodels.cli`; `import pandas` for the floor): subtracted from the times, so they and the
    growth exponent are about the data, and from the memory, read as what the data adds.
Then the ratio (a)/(b), the growth exponent log(t_big / t_small) / log(rows_big / rows_small) between the two largest
packages (1 = proportional to the rows), and the memory the data adds per MB of CSV.

    python benchmarks/bench_validate.py            # 500 and 5,000 cases (about 10,000 and 100,000 figures)
    python benchmarks/bench_validate.py --big      # and 50,000 cases (about 1,000,000 figures, 150 MB of CSV)

Last line: validate_s=<s> rows=<n> exponent=<e> ratio_to_floor=<r> rss_mb_per_csv_mb=<m>
"""
import argparse, math, os, subprocess, sys, tempfile, time
from pathlib import Path

FLOOR = "import sys, pathlib, pandas as pd\n[pd.read_csv(p, dtype=str, keep_default_na=False) for p in pathlib.Path(sys.argv[1]).glob('*.csv')]"
MAKE = ("import sys\nfrom govmodels.data import save\nfrom govmodels.synthetic import synthetic_dataset\n"
        "ds = synthetic_dataset(int(sys.argv[1]), seed=0)\nsave(ds, sys.argv[2])\nprint(len(ds.observations))")


def run(args):
    """Wall time (s) and peak RSS (MB) of one fresh process. Linux counts in a child's peak the memory of the process that
    started it, so this process stays small: packages are made in a child of their own (MAKE), not here."""
    t0 = time.perf_counter()
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0: sys.exit(f"{' '.join(map(str, args))} failed: {p.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--big', action='store_true', help='add a package of 50,000 cases (about 1,000,000 figures)')
    sizes = (500, 5000, 50000) if ap.parse_args().big else (500, 5000)
    py, exe = sys.executable, Path(sys.executable).parent/'govmodels'
    base_t, base_rss = min(run([py, '-c', 'import govmodels.cli']) for _ in range(5))       # start-up, subtracted below
    floor_base_t, _ = min(run([py, '-c', 'import pandas']) for _ in range(5))
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            d = Path(tmp)/f'pkg{n}'
            figures = int(subprocess.run([py, '-c', MAKE, str(n), str(d)], capture_output=True, text=True, check=True).stdout)
            mb = sum(p.stat().st_size for p in Path(d).glob('*.csv')) / 1e6
            t, rss = run([str(exe), 'validate', str(d)])
            floor, floor_rss = run([py, '-c', FLOOR, str(d)])
            t, floor = t - base_t, floor - floor_base_t
            rows[n] = (figures, t, floor, rss, mb)
            print(f"cases={n:6d} figures={figures:8d} csv_mb={mb:7.1f} validate_s={t:6.2f} floor_s={floor:6.2f} "
                  f"ratio={t / floor:5.2f} peak_rss_mb={rss:7.0f} floor_rss_mb={floor_rss:6.0f} added_mb_per_csv_mb={(rss - base_rss) / mb:5.1f}", flush=True)
    small, big = rows[sizes[-2]], rows[sizes[-1]]                          # the two largest: start-up weighs least there
    exponent = math.log(big[1] / small[1]) / math.log(big[0] / small[0])
    floor_exponent = math.log(big[2] / small[2]) / math.log(big[0] / small[0])
    print(f"start-up alone (subtracted from the times above): govmodels {base_t:.2f} s, pandas {floor_base_t:.2f} s; govmodels peak_rss_mb={base_rss:.0f}; growth {small[0]} -> {big[0]} figures: exponent={exponent:.2f} (the floor's: {floor_exponent:.2f})")
    print(f"validate_s={big[1]:.2f} rows={big[0]} exponent={exponent:.2f} ratio_to_floor={big[1] / big[2]:.2f} "
          f"rss_mb_per_csv_mb={(big[3] - base_rss) / big[4]:.1f}")


if __name__ == '__main__':
    main()
