"""Properties of the proportion intervals (Hypothesis)."""
import numpy as np
from hypothesis import given, settings, strategies as st
from statsmodels.stats.proportion import proportion_confint

from govmodels.metrics import CI_METHODS, proportion

methods = st.sampled_from(list(CI_METHODS))


def ends(r):
    "The interval a result states: its bounds, or the estimate itself when every input is exact (interval_kind 'none')."
    return (r.estimate, r.estimate) if r.interval_kind == 'none' else (r.lower, r.upper)


@st.composite
def bounded_counts(draw):
    "n with bounds, and a count with bounds that never exceed the lower bound of n."
    n_lo = draw(st.integers(1, 5000)); n_hi = n_lo + draw(st.integers(0, 500))
    n = draw(st.integers(n_lo, n_hi))
    c_lo = draw(st.integers(0, n_lo)); c_hi = draw(st.integers(c_lo, n_lo))
    c = draw(st.integers(c_lo, c_hi))
    return c, c_lo, c_hi, n, n_lo, n_hi


@settings(max_examples=300, deadline=None)
@given(bounded_counts(), methods)
def test_interval_contains_estimate_and_bounds(x, method):
    c, c_lo, c_hi, n, n_lo, n_hi = x
    r = proportion(c, n, c_lo, c_hi, n_lo, n_hi, method=method).iloc[0]
    eps = 1e-12
    lo, hi = ends(r)
    assert r.model_lower - eps <= lo <= r.estimate <= hi <= r.model_upper + eps
    assert (r.interval_kind == 'none') == (c_lo == c_hi and n_lo == n_hi)


@settings(max_examples=300, deadline=None)
@given(bounded_counts(), st.integers(0, 50), st.integers(0, 50), methods)
def test_widening_an_input_bound_never_narrows_the_interval(x, widen_c, widen_n, method):
    c, c_lo, c_hi, n, n_lo, n_hi = x
    narrow = proportion(c, n, c_lo, c_hi, n_lo, n_hi, method=method).iloc[0]
    wide = proportion(c, n, max(0, c_lo - widen_c), c_hi, n_lo, n_hi + widen_n, method=method).iloc[0]
    assert wide.model_lower <= narrow.model_lower + 1e-12 and wide.model_upper >= narrow.model_upper - 1e-12


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5000), st.data(), methods)
def test_exact_inputs_agree_with_statsmodels(n, data, method):
    c = data.draw(st.integers(0, n))
    r = proportion(c, n, method=method, alpha=0.1).iloc[0]
    lo, hi = proportion_confint(c, n, alpha=0.1, method=CI_METHODS[method])
    if method == 'jeffreys':  # Brown, Cai & DasGupta's boundary modification
        lo, hi = (0.0 if c == 0 else lo), (1.0 if c == n else hi)
    assert (r.model_lower, r.model_upper) == (lo, hi) and r.interval_kind == 'none' and r.model == f'binomial ({method})'


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 5000), st.data())
def test_more_successes_never_lower_the_interval(n, data):
    c = data.draw(st.integers(0, n - 1))
    a, b = proportion(c, n).iloc[0], proportion(c + 1, n).iloc[0]
    assert b.model_lower >= a.model_lower and b.model_upper >= a.model_upper and b.estimate > a.estimate


# --- intensities ---------------------------------------------------------------------------------
from govmodels.metrics import intensity  # noqa: E402


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 100_000), st.integers(0, 1000), st.floats(0.5, 1e6), st.floats(0, 1e5),
       st.sampled_from([1.0, 10_000.0]))
def test_intensity_interval_contains_bounds_and_widens(c, extra_c, e, extra_e, per):
    narrow = intensity(c, e, per=per).iloc[0]
    wide = intensity(c, e, per=per, count_upper=c + extra_c, exposure_upper=e + extra_e).iloc[0]
    for r in (narrow, wide):
        lo, hi = ends(r)
        assert r.model_lower <= lo * (1 + 1e-12) and lo <= r.estimate <= hi
        assert hi <= r.model_upper * (1 + 1e-12)
    assert wide.model_lower <= narrow.model_lower * (1 + 1e-12) and wide.model_upper >= narrow.model_upper * (1 - 1e-12)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 100_000), st.floats(0.5, 1e6))
def test_intensity_rises_with_the_count_and_falls_with_exposure(c, e):
    base, more, wider = (intensity(c, e).iloc[0], intensity(c + 1, e).iloc[0], intensity(c, 2 * e).iloc[0])
    assert more.estimate > base.estimate and more.model_upper > base.model_upper and more.model_lower >= base.model_lower
    assert wider.estimate <= base.estimate and wider.model_upper < base.model_upper


# --- ratios of published stocks (interval arithmetic) ---------------------------------------------
from govmodels.metrics import ratio, branching_factors  # noqa: E402

positive = st.floats(1e-3, 1e7, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(positive, positive, st.floats(0, 1e6), st.floats(0, 1e6), st.floats(0, 0.999))
def test_ratio_bounds_contain_estimate_and_widen(a, b, extra_a, extra_b, shrink_b):
    narrow = ratio(a, b).iloc[0]
    assert narrow.interval_kind == 'none' and np.isnan(narrow.lower) and np.isnan(narrow.upper)
    wide = ratio(a, b, numerator_upper=a + extra_a, denominator_lower=b * (1 - shrink_b), denominator_upper=b + extra_b).iloc[0]
    lo, hi = ends(wide)
    assert lo <= wide.estimate <= hi
    assert lo <= narrow.estimate <= hi


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 10_000), min_size=2, max_size=6))
def test_branching_factors_multiply_to_the_overall_ratio(counts):
    bf = branching_factors(counts)
    assert len(bf) == len(counts) - 1
    assert abs(bf.estimate.prod() - counts[-1] / counts[0]) <= 1e-9 * counts[-1] / counts[0]
