"""Every composite method that pymcdm or scikit-criteria also implements, compared on random matrices to 1e-9."""
import warnings

import numpy as np
import pandas as pd
import pytest

from govmodels import composite as C

pymcdm = pytest.importorskip('pymcdm')
skc = pytest.importorskip('skcriteria')
from pymcdm import normalizations as pn, weights as pw  # noqa: E402
from pymcdm.methods import TOPSIS  # noqa: E402
from skcriteria.preprocessing import weighters  # noqa: E402
from skcriteria.agg.topsis import TOPSIS as SkTOPSIS  # noqa: E402

SEEDS = range(25)


def problem(seed):
    rng = np.random.default_rng(seed)
    n, k = rng.integers(3, 40), rng.integers(2, 9)
    m = rng.uniform(0.5, 100, (n, k)) * rng.uniform(0.01, 10, k)
    hib = rng.random(k) < 0.6
    w = rng.dirichlet(np.ones(k))
    return pd.DataFrame(m, columns=[f'i{j}' for j in range(k)]), hib, w


@pytest.mark.parametrize('seed', SEEDS)
def test_entropy_raw_convention_matches_pymcdm_and_skcriteria(seed):
    df, hib, _ = problem(seed)
    ours = C.entropy_weights(df, convention='raw').to_numpy()
    np.testing.assert_allclose(ours, pw.entropy_weights(df.to_numpy()), rtol=0, atol=1e-9)
    sk = weighters.EntropyWeighter().transform(skc.mkdm(df.to_numpy(), objectives=[max] * df.shape[1])).weights.to_numpy()
    np.testing.assert_allclose(ours, sk, rtol=0, atol=1e-9)


@pytest.mark.parametrize('seed', SEEDS)
def test_critic_matches_pymcdm_and_skcriteria(seed):
    df, _, _ = problem(seed)
    ours = C.critic_weights(df).to_numpy()
    np.testing.assert_allclose(ours, pw.critic_weights(df.to_numpy()), rtol=0, atol=1e-9)
    sk = weighters.CRITIC().transform(skc.mkdm(df.to_numpy(), objectives=[max] * df.shape[1])).weights.to_numpy()
    np.testing.assert_allclose(ours, sk, rtol=0, atol=1e-9)


@pytest.mark.parametrize('seed', SEEDS)
@pytest.mark.parametrize('ours,theirs', [('minmax', pn.minmax_normalization), ('vector', pn.vector_normalization)])
def test_normalisations_match_pymcdm(seed, ours, theirs):
    df, hib, _ = problem(seed)
    got = C.normalize_indicators(df, ours, hib).to_numpy()
    want = np.column_stack([theirs(df.iloc[:, j].to_numpy(), cost=not hib[j]) for j in range(df.shape[1])])
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)


@pytest.mark.parametrize('seed', SEEDS)
@pytest.mark.parametrize('norm,theirs', [('minmax', pn.minmax_normalization), ('vector', pn.vector_normalization)])
def test_topsis_matches_pymcdm(seed, norm, theirs):
    df, hib, w = problem(seed)
    got = C.topsis(df, w, hib, normalization=norm).to_numpy()
    want = TOPSIS(theirs)(df.to_numpy(), w, np.where(hib, 1, -1))
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)


@pytest.mark.parametrize('seed', SEEDS)
def test_topsis_without_normalisation_matches_skcriteria(seed):
    df, hib, w = problem(seed)
    dm = skc.mkdm(df.to_numpy(), objectives=[max if h else min for h in hib], weights=w)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        want = SkTOPSIS().evaluate(dm).e_.similarity
    np.testing.assert_allclose(C.topsis(df, w, hib, normalization=None).to_numpy(), want, rtol=0, atol=1e-9)


def test_textbook_and_raw_entropy_differ_and_zeros_never_raise():
    df = pd.DataFrame({'a': [0.0, 1, 2, 3], 'b': [5.0, 5, 5, 5], 'c': [0.0, 0, 0, 0]})
    t, r = C.entropy_weights(df), C.entropy_weights(df, convention='raw')
    assert np.isclose(t.sum(), 1) and np.isclose(r.sum(), 1)
    assert t['b'] == 0 and t['c'] == 0            # no variation, no weight
    with pytest.raises(ValueError, match="convention must be"): C.entropy_weights(df, convention='chinese')
    with pytest.raises(ValueError, match="needs values >= 0"): C.entropy_weights(df - 10, convention='raw')


@pytest.mark.parametrize('scale', [1e306, 1e-306])
def test_values_near_the_float_limits_give_the_scores_of_the_same_values_scaled(scale):
    """Every method is unchanged when the data are multiplied by one positive factor; near the limits of floating point
    it must still be, with no overflow or underflow (numpy warnings are errors here)."""
    rng = np.random.default_rng(4)
    df = pd.DataFrame(rng.uniform(0.1, 1.7, (9, 4)), columns=list('abcd'))
    hib = [True, False, True, True]
    big = df * scale
    calls = {'minmax': lambda d: C.normalize_indicators(d, 'minmax', hib), 'zscore': lambda d: C.normalize_indicators(d, 'zscore', hib),
             'vector': lambda d: C.normalize_indicators(d, 'vector', hib),
             'target': lambda d: C.normalize_indicators(d, 'target', hib, target=d.max() * np.array([1.0, 0.0, 1.0, 1.0]) + d.min() * np.array([0, 1, 0, 0])),
             'entropy': lambda d: C.entropy_weights(d, hib), 'entropy_raw': lambda d: C.entropy_weights(d, hib, convention='raw'),
             'critic': lambda d: C.critic_weights(d, hib), 'pca': lambda d: C.pca_weights(d, hib),
             'topsis': lambda d: C.topsis(d, None, hib), 'topsis_raw': lambda d: C.topsis(d, None, hib, normalization=None),
             'grey': lambda d: C.grey_relational(d, None, hib)}
    for name, f in calls.items():
        with warnings.catch_warnings():
            warnings.simplefilter('error')
            got = np.asarray(f(big), dtype=float)
        assert np.isfinite(got).all(), name
        np.testing.assert_allclose(got, np.asarray(f(df), dtype=float), rtol=1e-9, atol=1e-12, err_msg=name)
