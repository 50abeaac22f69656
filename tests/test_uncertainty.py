"""uncertainty(): estimators against SALib, rank summaries against brute force, base scores against composite."""
import numpy as np
import pandas as pd
import pytest
from SALib.analyze import sobol as sobol_analyze

from govmodels import composite as C
from govmodels.uncertainty import uncertainty


def table(n=7, k=4, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.uniform(1, 100, (n, k)), columns=[f'i{j}' for j in range(k)], index=[f'u{i}' for i in range(n)])


CHOICES = dict(normalizations=('minmax', 'rank', 'vector'), weightings=('equal', 'critic'), aggregations=('arithmetic', 'topsis'),
               concentration=30)


def test_sensitivity_indices_match_salib():
    df = table()
    res = uncertainty(df, **CHOICES, n_draws=1200, random_state=5, keep_draws=True)
    assert res.design == 'sobol' and res.draws.shape == (res.n_draws, len(df))
    problem = {'num_vars': len(res.factors), 'names': res.factors, 'bounds': [[0, 1]] * len(res.factors)}
    for j, unit in enumerate(df.index):
        y = res.draws[:, j].astype(float)
        if y.var() == 0: continue
        si = sobol_analyze.analyze(problem, y, calc_second_order=False, num_resamples=2, seed=1)
        np.testing.assert_allclose(res.sensitivity_by_unit.loc[unit, 'first_order'].to_numpy(), si['S1'], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(res.sensitivity_by_unit.loc[unit, 'total'].to_numpy(), si['ST'], rtol=1e-9, atol=1e-12)


def test_rank_summaries_match_brute_force():
    df = table(9, 5, seed=2)
    res = uncertainty(df, **CHOICES, n_draws=3000, random_state=1, keep_draws=True, sensitivity=False)
    d = res.draws
    for q, col in ((0.05, 'rank_p05'), (0.5, 'median_rank'), (0.95, 'rank_p95')):
        np.testing.assert_array_equal(res.ranks[col].to_numpy(), np.quantile(d, q, axis=0, method='inverted_cdf'))
    shift = np.abs(d - res.ranks.base_rank.to_numpy()).mean(axis=0)
    np.testing.assert_allclose(res.ranks.mean_rank_shift.to_numpy(), shift, rtol=1e-12)
    assert (np.sort(d, axis=1) == np.arange(1, len(df) + 1)).all()          # every draw ranks every unit once


@pytest.mark.parametrize('agg', ['arithmetic', 'topsis', 'grey_relational', 'geometric'])
def test_base_scores_agree_with_composite(agg):
    df = table(12, 5, seed=3)
    hib = [True, False, True, True, False]
    res = uncertainty(df, hib, normalizations=('minmax',), weightings=('entropy',), aggregations=(agg,), n_draws=10, random_state=0)
    w = C.entropy_weights(df, hib)
    want = {'arithmetic': lambda: C.aggregate(C.normalize_indicators(df, 'minmax', hib), w),
            'topsis': lambda: C.topsis(df, w, hib, normalization='minmax'),
            'grey_relational': lambda: C.grey_relational(df, w, hib),
            'geometric': lambda: C.aggregate(C.normalize_indicators(df, 'minmax', hib, range=(1, 100)), w, 'geometric')}[agg]()
    np.testing.assert_allclose(res.ranks.base_score.to_numpy(), want.to_numpy(), rtol=1e-12)


@pytest.mark.parametrize('rho', [0.2, 1.0])
def test_grey_relational_rho_by_hand(rho):
    """The distinguishing coefficient reaches the scores of both entry points; grades written out from Deng's formula."""
    df = table(6, 3, seed=8)
    r = (df - df.min()) / (df.max() - df.min())
    delta = r.max() - r                                   # distance of each unit to the best value of each indicator
    lo, hi = delta.to_numpy().min(), delta.to_numpy().max()
    want = ((lo + rho * hi) / (delta + rho * hi)).mean(axis=1).to_numpy()   # equal weights
    res = uncertainty(df, aggregations=('grey_relational',), rho=rho, n_draws=10, random_state=0)
    np.testing.assert_allclose(res.ranks.base_score.to_numpy(), want, rtol=1e-12)
    np.testing.assert_allclose(C.grey_relational(df, rho=rho).to_numpy(), want, rtol=1e-12)
    assert res.base['rho'] == rho

@pytest.mark.parametrize('agg', ['arithmetic', 'topsis'])
def test_a_copied_unit_ties_and_pushes_the_others_down_by_one(agg):
    """Ties share the best rank of their run (1, 2, 2, 4): a unit and its copy get the same rank in every draw, and each
    other unit ranks exactly as without the copy, one place lower in the draws where the copied unit is ahead of it."""
    df = table(40, 5, seed=6)
    with_copy = pd.concat([df, df.iloc[[3]].rename(index={'u3': 'copy'})])
    kw = dict(normalizations=('minmax',), aggregations=(agg,), concentration=4, n_draws=2000, sensitivity=False, keep_draws=True)
    a, b = uncertainty(df, random_state=9, **kw), uncertainty(with_copy, random_state=9, **kw)
    assert (b.draws[:, 3] == b.draws[:, -1]).all() and (b.draws[:, 3] == a.draws[:, 3]).all()
    others = np.arange(len(df)) != 3
    behind = a.draws[:, others] > a.draws[:, [3]]
    np.testing.assert_array_equal(b.draws[:, :-1][:, others], a.draws[:, others] + behind)
    assert b.ranks.loc['u3', ['base_rank', 'rank_p05', 'rank_p95']].tolist() == b.ranks.loc['copy', ['base_rank', 'rank_p05', 'rank_p95']].tolist()

def test_tight_dirichlet_keeps_the_base_ranking():
    df = table(15, 6, seed=4)
    res = uncertainty(df, aggregations=('topsis',), normalizations=('vector',), concentration=1e9, n_draws=500, random_state=0)
    assert (res.ranks.rank_p05 == res.ranks.base_rank).all() and (res.ranks.rank_p95 == res.ranks.base_rank).all()


def test_data_bounds_move_ranks_only_where_bounds_overlap():
    df = pd.DataFrame({'a': [10.0, 20, 30, 40], 'b': [1.0, 2, 3, 4]}, index=list('wxyz'))
    lo, hi = df.copy(), df.copy()
    lo.loc['x'], hi.loc['x'] = [20.0, 2.0], [35.0, 3.5]          # x may overtake y, never z
    res = uncertainty(df, lower=lo, upper=hi, n_draws=400, random_state=0).ranks
    assert res.loc['z', ['rank_p05', 'rank_p95']].tolist() == [1, 1] and res.loc['w', 'rank_p95'] == 4
    assert res.loc['x', 'rank_p05'] == 2 and res.loc['x', 'rank_p95'] == 3


def test_seeded_runs_are_identical_and_inputs_are_checked():
    df = table()
    a = uncertainty(df, **CHOICES, n_draws=300, random_state=9)
    b = uncertainty(df, **CHOICES, n_draws=300, random_state=9)
    pd.testing.assert_frame_equal(a.ranks, b.ranks); pd.testing.assert_frame_equal(a.sensitivity, b.sensitivity)
    with pytest.raises(ValueError, match='concentration must be > 0'): uncertainty(df, concentration=0)
    with pytest.raises(ValueError, match='n_draws must be a positive integer'): uncertainty(df, n_draws=0)
    with pytest.raises(ValueError, match='lower <= df <= upper'): uncertainty(df, lower=df + 1, upper=df + 2)


def test_units_with_the_same_exact_figures_tie_when_data_are_drawn():
    """Drawing within bounds: two units printed with the same exact figures (zero-width bounds) are the same in every draw and tie."""
    df = table(30, 4, seed=11)
    df.iloc[29] = df.iloc[0].to_numpy()
    lo, hi = df * 0.8, df * 1.2
    lo.iloc[[0, 29]] = hi.iloc[[0, 29]] = df.iloc[[0, 29]].to_numpy()
    res = uncertainty(df, lower=lo, upper=hi, aggregations=('topsis',), n_draws=400, random_state=2, sensitivity=False, keep_draws=True)
    assert (res.draws[:, 0] == res.draws[:, 29]).all() and res.draws[:, 0].std() > 0
