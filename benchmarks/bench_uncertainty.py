"""Rank uncertainty with TOPSIS and Dirichlet weights, side by side in one run:

(a)  govmodels.uncertainty: TOPSIS, 10,000 weight draws, 1,000 units × 20 indicators, rank intervals;
(b)  the same weight draws through pymcdm's TOPSIS, one call per draw with validation=False, then ranking;
(b') the same with pymcdm's default call (validation on), on a subsample of draws, scaled up;
(c)  the floor: two float64 matrix products (1000 × 20) @ (20 × 10000) and one np.argsort along the rows of a
     C-contiguous 10000 × 1000 float64 array: the work no exact rank distribution can avoid;
then the peak RSS of a run on 100,000 units × 25 indicators × 10,000 draws reporting rank intervals (a subprocess).

Data: a seeded generator (uniform values with a latent factor, see `table`); times are the best of 3 runs.

    python benchmarks/bench_uncertainty.py [--skip-rss]

Last line: speedup_vs_pymcdm=<b/a> speedup_vs_pymcdm_default=<b'/a> ratio_to_floor=<a/c> peak_rss_gib=<x>
"""
import argparse, subprocess, sys, time

import numpy as np
import pandas as pd

from govmodels.uncertainty import uncertainty

N_UNITS, N_IND, N_DRAWS = 1000, 20, 10_000


def table(n, k, seed=0):
    rng = np.random.default_rng(seed)
    latent = rng.random(n)[:, None]
    return pd.DataFrame(1 + 99 * (0.6 * latent + 0.4 * rng.random((n, k))), columns=[f'i{j}' for j in range(k)])


def best_of(fn, repeat=3):
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter(); fn(); out.append(time.perf_counter() - t0)
    return min(out)


RSS_SCRIPT = """
import resource, numpy as np, pandas as pd, sys
sys.path.insert(0, 'benchmarks')
from bench_uncertainty import table
from govmodels.uncertainty import uncertainty
df = table(100_000, 25, seed=1)
r = uncertainty(df, aggregations=('topsis',), normalizations=('vector',), concentration=200, n_draws=10_000, random_state=0, progress=False)
assert r.ranks.rank_p05.le(r.ranks.rank_p95).all()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--skip-rss', action='store_true', help='skip the 100,000-unit memory run')
    a = p.parse_args(argv)
    df = table(N_UNITS, N_IND)
    rng = np.random.default_rng(42)
    W = rng.dirichlet(np.full(N_IND, 200 / N_IND), size=N_DRAWS)            # the shared weight draws
    hib = np.ones(N_IND, dtype=bool)

    run_a = lambda: uncertainty(df, hib, aggregations=('topsis',), normalizations=('vector',), weight_draws=W,
                                n_draws=N_DRAWS, sensitivity=False, random_state=0, progress=False)
    t_a = best_of(run_a)

    from pymcdm.methods import TOPSIS
    from pymcdm import normalizations as pn
    topsis = TOPSIS(pn.vector_normalization)
    m, types = df.to_numpy(), np.ones(N_IND, dtype=int)
    def run_b(draws=N_DRAWS, validation=False):
        ranks = np.empty((draws, N_UNITS), dtype=np.int64)
        for i in range(draws):
            pref = topsis(m, W[i], types, validation=validation)
            ranks[i] = (-pref).argsort().argsort() + 1
        q = np.quantile(ranks, [0.05, 0.5, 0.95], axis=0)
        return q
    t_b = best_of(run_b, 1)
    sub = 500
    t_b_default = best_of(lambda: run_b(sub, True), 1) * N_DRAWS / sub

    A = np.ascontiguousarray(df.to_numpy())
    Wt = np.ascontiguousarray(W.T)
    S = np.empty((N_DRAWS, N_UNITS))
    S[:] = np.random.default_rng(0).random((N_DRAWS, N_UNITS))          # C-contiguous draws × units
    def floor():
        A @ Wt; A @ Wt
        np.argsort(S, axis=1)
    t_c = best_of(floor)

    res = run_a()
    print(f'(a) govmodels {t_a:.3f} s; (b) pymcdm validation=False {t_b:.2f} s; (b\') pymcdm default {t_b_default:.1f} s (scaled from {sub}); '
          f'(c) floor {t_c:.3f} s', file=sys.stderr)
    print(f'rank intervals: median width {np.median(res.ranks.rank_p95 - res.ranks.rank_p05):.0f} ranks', file=sys.stderr)

    rss = float('nan')
    if not a.skip_rss:
        out = subprocess.run([sys.executable, '-c', RSS_SCRIPT], capture_output=True, text=True)
        if out.returncode != 0: print(out.stderr[-2000:], file=sys.stderr)
        else: rss = int(out.stdout.strip().splitlines()[-1]) / 2**20      # ru_maxrss is in KiB on Linux
    print(f'speedup_vs_pymcdm={t_b / t_a:.1f} speedup_vs_pymcdm_default={t_b_default / t_a:.1f} ratio_to_floor={t_a / t_c:.2f} peak_rss_gib={rss:.2f}')


if __name__ == '__main__':
    main()
