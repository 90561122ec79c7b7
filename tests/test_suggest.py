"""Properties and known answers of ``suggest``: smoothing, the rate of change, the six rules, the dispatch.

Expected values come from the formulas written out here (or from plain transcriptions of fastai's
loops kept in this file), never from the code under test.
"""

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from minigrad_lr.suggest import (
    METHODS,
    NoSuggestionError,
    RunningEMA,
    Suggestion,
    ema,
    loss_change,
    minimum,
    sma,
    sma_derivative,
    slide,
    steep,
    steepest,
    suggest_all,
    suggest_lr,
    valley,
)
from strategies import finite_losses, loss_curves, losses_with_non_finite

RULES = {"sma_derivative": sma_derivative, "steepest": steepest, "steep": steep,
         "minimum": minimum, "valley": valley, "slide": slide}

# --- extra strategies (local to this file) -------------------------------------------------------------

betas = st.floats(min_value=0.0, max_value=0.999)


@st.composite
def range_test_curves(draw, integer=False, non_finite=False):
    """Curves shaped like a range test's: a parabola falling to a bottom and rising again, plus noise;
    on an integer grid if asked (sums, differences and scaling by 2**k are then exact, so ties stay
    ties), with a few NaN/inf points if asked."""
    n = draw(st.integers(2, 150))
    bottom = draw(st.floats(0.2, 1.0))
    noise = draw(st.lists(st.integers(0, 300) if integer else st.floats(0.0, 1.0), min_size=n, max_size=n))
    losses = 1e4 * (np.linspace(0.0, 1.0, n) - bottom) ** 2 + np.asarray(noise, dtype=np.float64)
    if integer:
        losses = np.round(losses)
    if non_finite:
        for i in draw(st.lists(st.integers(0, n - 1), max_size=3)):
            losses[i] = draw(st.sampled_from([np.nan, np.inf]))
    return losses


# Losses on an integer grid: i.i.d. (many ties) or range-test shaped.
integer_curves = st.one_of(
    st.lists(st.integers(0, 10**6), min_size=1, max_size=120).map(lambda v: np.asarray(v, dtype=np.float64)),
    range_test_curves(integer=True),
)
# Few distinct values: many exact ties, the hard case for valley's tie-breaking.
tied_curves = st.lists(st.integers(0, 6), min_size=1, max_size=60).map(lambda v: np.asarray(v, dtype=np.float64))
# The awkward curves every rule must survive: short, flat, monotone, with NaN and inf.
awkward_curves = st.one_of(
    loss_curves(min_size=0, max_size=30, elements=losses_with_non_finite),
    st.tuples(st.integers(0, 30), finite_losses).map(lambda t: np.full(t[0], t[1])),
    loss_curves(min_size=0, max_size=30).map(np.sort),
    loss_curves(min_size=0, max_size=30).map(lambda x: np.sort(x)[::-1].copy()),
    st.integers(0, 30).map(lambda n: np.full(n, np.nan)),
)
# Rule options small enough to leave candidates on short curves, and the defaults.
rule_options = {
    "sma_derivative": st.fixed_dictionaries({"sma": st.integers(1, 25), "skip_start": st.integers(0, 12), "skip_end": st.integers(0, 6)}),
    "steepest": st.fixed_dictionaries({"skip_start": st.integers(0, 12), "skip_end": st.integers(0, 6)}),
    "steep": st.just({}),
    "minimum": st.just({}),
    "valley": st.just({}),
    "slide": st.fixed_dictionaries({"lr_diff": st.integers(1, 20), "thresh": st.floats(0.0, 1.0)}),
}
methods = st.sampled_from(METHODS)


def lrs_for(n):
    """A range test's learning rates: 1e-7 to 10, growing by a constant factor."""
    return np.geomspace(1e-7, 10.0, n) if n > 1 else np.full(n, 1e-3)


def window(method, n, options):
    """The candidate indices [lo, hi) of each rule, written out from DESIGN.md's table."""
    if method == "sma_derivative":
        return max(options["sma"], options["skip_start"]), n - options["skip_end"]
    if method == "steepest":
        return options["skip_start"], n - options["skip_end"]
    if method == "steep":
        return 0, n - 1
    if method == "slide":
        return 0, n - options["lr_diff"]
    return 0, n


def fastai_valley_index(losses):
    """fastai's ``valley``, transcribed as it is: the O(n²) double loop and its index (may be < 0)."""
    n = len(losses)
    max_start, max_end = 0, 0
    lds = [1] * n
    for i in range(1, n):
        for j in range(0, i):
            if (losses[i] < losses[j]) and (lds[i] < lds[j] + 1):
                lds[i] = lds[j] + 1
            if lds[max_end] < lds[i]:
                max_end = i
                max_start = max_end - lds[max_end]
    sections = (max_end - max_start) / 3
    return max_start + int(sections) + int(sections / 2), max(lds)


def fastai_slide_index(losses, lr_diff, thresh):
    """fastai's ``slide``, transcribed as it is (negative indices from the right), as a positive index."""
    loss_grad = np.gradient(losses)
    r_idx = -1
    l_idx = r_idx - lr_diff
    local_min = l_idx
    while (l_idx >= -len(losses)) and (abs(loss_grad[r_idx] - loss_grad[l_idx]) > thresh):
        local_min = l_idx
        r_idx -= 1
        l_idx -= 1
    return local_min % len(losses)


def result_of(losses, smoothed=None, num_iter=None, val_losses=None):
    """A stand-in for RangeTestResult with just the attributes suggest_lr reads."""
    losses = np.asarray(losses, dtype=np.float64)
    return SimpleNamespace(lrs=lrs_for(len(losses)), losses=losses,
                           smoothed=losses if smoothed is None else np.asarray(smoothed, dtype=np.float64),
                           val_losses=val_losses, num_iter=len(losses) if num_iter is None else num_iter)


# --- ema --------------------------------------------------------------------------------------------------


@given(st.integers(1, 200), finite_losses, betas)
def test_ema_constant_in_constant_out(n, c, beta):
    """Property: a constant curve stays that constant (to rounding), from the first point on.
    (atol: a subnormal constant such as 5e-324 underflows when multiplied by 1 − β.)"""
    np.testing.assert_allclose(ema(np.full(n, c), beta), c, rtol=1e-10, atol=1e-300)


@given(loss_curves(), betas)
def test_ema_first_output_is_first_input(losses, beta):
    """Property: the debiasing makes out_0 = loss_0 (no start near 0)."""
    assert ema(losses, beta)[0] == pytest.approx(losses[0], rel=1e-14)


@given(loss_curves(), betas)
def test_ema_within_running_min_and_max(losses, beta):
    """Property: every output is a weighted mean, so it lies within min and max of the inputs so far."""
    out, tol = ema(losses, beta), 1e-10 * max(1.0, losses.max())
    assert np.all(out >= np.minimum.accumulate(losses) - tol)
    assert np.all(out <= np.maximum.accumulate(losses) + tol)


@given(loss_curves(min_size=0, elements=losses_with_non_finite))
def test_ema_beta_zero_is_identity(losses):
    """Property: beta = 0 returns the losses unchanged, bit for bit, NaN and inf included."""
    assert np.array_equal(ema(losses, 0.0), losses, equal_nan=True)


@given(loss_curves(), betas)
def test_ema_equals_running_ema(losses, beta):
    """Property: feeding RunningEMA one loss at a time gives ema's values bit for bit."""
    average = RunningEMA(beta)
    assert np.array_equal([average.update(x) for x in losses], ema(losses, beta))


@given(loss_curves(max_size=40), betas)
def test_ema_equals_weighted_mean_formula(losses, beta):
    """Property: out_i = Σ_j (1−β) β^(i−j) loss_j / (1 − β^(i+1)), summed directly."""
    i = np.arange(len(losses))
    weights = np.where(i[None, :] <= i[:, None], (1 - beta) * beta ** np.maximum(i[:, None] - i[None, :], 0), 0.0)
    expected = weights @ losses / (1 - beta ** (i + 1))
    np.testing.assert_allclose(ema(losses, beta), expected, rtol=1e-9, atol=1e-9)


def test_ema_known_values():
    """Known answer: beta = 0.5 on [2, 4] gives [2, (0.5·0.5·2 + 0.5·4) / 0.75 = 10/3]."""
    np.testing.assert_allclose(ema([2.0, 4.0], 0.5), [2.0, 10 / 3], rtol=1e-15)


@pytest.mark.parametrize("beta", [1.0, -0.1, 1.5, float("nan")])
def test_ema_rejects_beta_outside_unit_interval(beta):
    """Bad input: beta must lie in [0, 1)."""
    with pytest.raises(ValueError, match="beta"):
        ema([1.0, 2.0], beta)
    with pytest.raises(ValueError, match="beta"):
        RunningEMA(beta)


def test_ema_rejects_bad_types():
    """Bad input: a non-numeric beta or a 2-D curve."""
    with pytest.raises(TypeError, match="beta"):
        ema([1.0], "0.9")
    with pytest.raises(ValueError, match="1-D"):
        ema(np.ones((2, 2)))


# --- sma and loss_change ---------------------------------------------------------------------------------


@given(integer_curves, st.integers(1, 30))
def test_loss_change_is_mean_of_last_k_differences(losses, k):
    """Property: d_i equals the mean of the last k first differences (exactly, on integer losses); NaN for i < k."""
    d, diffs = loss_change(losses, k), np.diff(losses)
    assert np.all(np.isnan(d[:k]))
    expected = [np.mean(diffs[i - k:i]) for i in range(k, len(losses))]
    assert np.array_equal(d[k:], expected)


@given(st.integers(2, 100), st.integers(-1000, 1000), st.integers(-1000, 1000), st.integers(1, 30))
def test_loss_change_of_linear_loss_is_constant(n, a, b, k):
    """Property: for loss_i = a + b·i the rate of change is b wherever it is defined."""
    d = loss_change(a + b * np.arange(n, dtype=np.float64), k)
    assert np.all(d[k:] == b)


@given(loss_curves(max_size=60), st.integers(1, 10))
def test_sma_is_trailing_window_mean(x, window):
    """Property: out_i is the mean of x[i−window+1 … i] for i >= window − 1 and NaN before."""
    out = sma(x, window)
    assert out.shape == x.shape and np.all(np.isnan(out[:window - 1]))
    expected = [sum(x[i - window + 1:i + 1]) / window for i in range(window - 1, len(x))]
    np.testing.assert_allclose(out[window - 1:], expected, rtol=1e-12, atol=1e-9)


@given(loss_curves(min_size=2, max_size=60), st.integers(1, 10))
def test_loss_change_is_sma_of_differences(losses, k):
    """Property: loss_change(x, k) equals sma(diff(x), k) shifted by one (the telescoping sum)."""
    np.testing.assert_allclose(loss_change(losses, k)[1:], sma(np.diff(losses), k), rtol=1e-9, atol=1e-6)


@pytest.mark.parametrize("bad, error", [(0, ValueError), (-3, ValueError), (2.0, TypeError), (True, TypeError)])
def test_window_and_k_must_be_positive_ints(bad, error):
    """Bad input: window and k are ints >= 1."""
    with pytest.raises(error, match="window"):
        sma([1.0, 2.0], bad)
    with pytest.raises(error, match="k"):
        loss_change([1.0, 2.0], bad)


# --- every rule: properties ------------------------------------------------------------------------------


@st.composite
def method_curve_options(draw, curves=st.one_of(loss_curves(max_size=120), range_test_curves())):
    method = draw(methods)
    return method, draw(curves), draw(rule_options[method])


@given(method_curve_options())
def test_rule_index_lies_in_its_window(case):
    """Property: the chosen index lies in the rule's window, at a finite loss, and `loss` is that loss."""
    method, losses, options = case
    try:
        s = RULES[method](lrs_for(len(losses)), losses, **options)
    except NoSuggestionError:
        return
    lo, hi = window(method, len(losses), options)
    assert lo <= s.index < hi
    assert np.isfinite(s.loss) and s.loss == losses[s.index] and s.method == method


@given(method_curve_options(curves=st.one_of(loss_curves(max_size=120, elements=losses_with_non_finite),
                                             range_test_curves(non_finite=True))))
def test_rule_lr_is_a_tested_lr(case):
    """Property: the lr is the tested lr at the index (a tenth of it for minimum), never NaN, never off the grid."""
    method, losses, options = case
    lrs = lrs_for(len(losses))
    try:
        s = RULES[method](lrs, losses, **options)
    except NoSuggestionError:
        return
    assert s.lr == (lrs[s.index] / 10 if method == "minimum" else lrs[s.index])
    assert np.isfinite(losses[s.index])


@given(st.sampled_from([m for m in METHODS if m != "slide"]), integer_curves, st.integers(-20, 20))
def test_rule_unchanged_when_losses_scaled_by_power_of_two(method, losses, k):
    """Property: multiplying the losses by c = 2^k > 0 does not change the answer (all rules but slide).

    Powers of two scale every difference and slope exactly, so exact ties stay ties; with other c a
    rounding error can split a tie that the rules break towards the first index.
    """
    assert _outcome(method, losses) == _outcome(method, losses * 2.0**k)


@given(st.sampled_from(["minimum", "valley"]), integer_curves, st.floats(1e-3, 1e3))
def test_order_rules_unchanged_when_losses_scaled_by_any_c(method, losses, c):
    """Property: minimum and valley only compare losses, so any c > 0 leaves their answer unchanged."""
    assert _outcome(method, losses) == _outcome(method, losses * c)


@given(methods, integer_curves, st.integers(-10**6, 10**6))
def test_rule_unchanged_when_losses_shifted(method, losses, shift):
    """Property: adding a constant to the losses does not change the index (every rule uses only differences
    or comparisons; slide's threshold applies to differences of gradients)."""
    assert _outcome(method, losses) == _outcome(method, losses + shift)


@given(methods, awkward_curves)
def test_rule_survives_short_flat_monotone_and_nan_curves(method, losses):
    """Property: on awkward curves a rule returns a Suggestion or raises NoSuggestionError, nothing else."""
    lrs = lrs_for(len(losses))
    try:
        s = RULES[method](lrs, losses)
    except NoSuggestionError as err:
        assert isinstance(err, ValueError) and str(err)
        return
    assert isinstance(s, Suggestion) and np.isfinite(s.lr) and np.isfinite(s.loss)
    assert 0 <= s.index < len(losses)


@given(methods, st.integers(0, 40), finite_losses)
def test_flat_curve_gives_no_fall(method, n, c):
    """Property: on a flat curve the rules that look for a fall (all but minimum and slide) find none."""
    if method in ("minimum", "slide"):
        return
    with pytest.raises(NoSuggestionError):
        RULES[method](lrs_for(n), np.full(n, c))


def _outcome(method, losses):
    """(lr, index) of a rule's answer, or None when it has none."""
    try:
        s = RULES[method](lrs_for(len(losses)), losses)
    except NoSuggestionError:
        return None
    return s.lr, s.index


# --- valley against fastai's O(n²) loop ------------------------------------------------------------------


@given(st.one_of(tied_curves, loss_curves(max_size=80), range_test_curves(integer=True)))
def test_valley_equals_fastai_double_loop(losses):
    """Property: the O(n log n) valley picks fastai's index, ties included; where fastai's index is
    meaningless (the loss never falls, L = 1, or the index is negative and would wrap) it raises."""
    expected, longest = fastai_valley_index(losses.tolist())
    if longest < 2 or expected < 0:
        with pytest.raises(NoSuggestionError):
            valley(lrs_for(len(losses)), losses)
    else:
        assert valley(lrs_for(len(losses)), losses).index == expected


@given(st.one_of(tied_curves, loss_curves(max_size=80), range_test_curves()), st.integers(1, 20), st.sampled_from([0.0, 0.005, 1.0, 100.0]))
def test_slide_equals_fastai_loop(losses, lr_diff, thresh):
    """Property: slide's vectorised comparison returns the index of fastai's right-to-left walk."""
    if len(losses) <= lr_diff:
        with pytest.raises(NoSuggestionError):
            slide(lrs_for(len(losses)), losses, lr_diff=lr_diff, thresh=thresh)
    else:
        s = slide(lrs_for(len(losses)), losses, lr_diff=lr_diff, thresh=thresh)
        assert s.index == fastai_slide_index(losses, lr_diff, thresh)


def test_valley_ignores_nan_points():
    """Known answer: NaN points are dropped before the search, so the index is that of the finite curve."""
    finite = np.array([5.0, 4.0, 3.0, 2.0, 1.0, 2.0])  # L = 5 ending at 4: index -1 + 1 + 0 = 0 → shifted below
    with_nan = np.array([5.0, np.nan, 4.0, 3.0, np.nan, 2.0, 1.0, 2.0])
    assert valley(lrs_for(6), finite).index == 0
    assert valley(lrs_for(8), with_nan).index == 0
    assert fastai_valley_index(finite.tolist())[0] == 0


# --- known answers on hand-made curves --------------------------------------------------------------------


LRS100 = lrs_for(100)


def test_steep_finds_the_cliff():
    """Known answer: a slow decline with one cliff between points 40 and 41 → steep returns lr_40."""
    losses = 5.0 - 0.01 * np.arange(100) - 2.0 * (np.arange(100) >= 41)
    s = steep(LRS100, losses)
    assert (s.index, s.lr) == (40, LRS100[40])


def test_steepest_finds_the_cliff():
    """Known answer: the centred differences at 40 and 41 both span the cliff; the first (40) wins the tie."""
    losses = 5.0 - 0.01 * np.arange(100) - 2.0 * (np.arange(100) >= 41)
    assert steepest(LRS100, losses).index == 40


def test_sma_derivative_finds_the_window_centred_on_the_steepest_fall():
    """Known answer: the loss falls by a tent-shaped amount peaking at step 50; the 21-step window
    centred on it ends at step 60, where d_i = (loss_i − loss_{i−21}) / 21 is most negative."""
    drops = np.maximum(0.0, 30.0 - np.abs(np.arange(100) - 50.0))  # loss_i − loss_{i−1} = −drops_i
    losses = 1000.0 - np.cumsum(drops)
    assert sma_derivative(LRS100, losses, sma=21).index == 60


def test_sma_derivative_reads_raw_scale_with_any_c():
    """Known answer: scaling the tent curve by 0.37 or 3.3 keeps the answer at 60."""
    losses = 1000.0 - np.cumsum(np.maximum(0.0, 30.0 - np.abs(np.arange(100) - 50.0)))
    for c in (0.37, 3.3):
        assert sma_derivative(LRS100, c * losses, sma=21).index == 60


def test_minimum_is_a_tenth_of_the_lr_at_the_lowest_loss():
    """Known answer: a parabola with its bottom at point 30 → lr_30 / 10, loss read at 30."""
    losses = (np.arange(100) - 30.0) ** 2 + 1.0
    s = minimum(LRS100, losses)
    assert (s.index, s.lr, s.loss) == (30, LRS100[30] / 10, 1.0)


def test_valley_in_the_middle_of_the_longest_fall():
    """Known answer: flat for 10 points, a strict fall over points 10…39, then a rise. The longest fall has
    L = 31 (one flat point + 30) and first ends at 39; start = 39 − 31 = 8; index 8 + 10 + 5 = 23."""
    losses = np.concatenate([np.full(10, 10.0), 9.0 - 0.1 * np.arange(30), 6.1 + 0.2 * np.arange(1, 61)])
    assert valley(LRS100, losses).index == 23


def test_slide_stops_where_the_gradient_settles():
    """Known answer: gradient −0.1 on points 0…28, then a quadratic blow-up. Walking left, the first
    pair (l, l+15) with equal gradients has l + 15 = 28 (g_28 is the last pure −0.1), so l* = 13 and
    fastai returns lr_{l*+1} = lr_14."""
    i = np.arange(60.0)
    losses = np.where(i <= 29, -0.1 * i, -2.9 + 0.5 * (i - 29) ** 2)
    lrs = lrs_for(60)
    assert slide(lrs, losses).index == 14 == fastai_slide_index(losses, 15, 0.005)


def test_rules_reject_a_monotone_rise():
    """Known answer: on a rising curve there is no fall: sma_derivative, steepest, steep and valley raise."""
    losses = np.linspace(1.0, 3.0, 100)
    for method in ("sma_derivative", "steepest", "steep", "valley"):
        with pytest.raises(NoSuggestionError, match="fall"):
            RULES[method](LRS100, losses)


def test_rules_ignore_nan_points():
    """Known answer: a NaN in the middle of the cliff curve is never chosen; the cliff is still found."""
    losses = 5.0 - 0.01 * np.arange(100) - 2.0 * (np.arange(100) >= 41)
    losses[60] = np.nan
    assert steep(LRS100, losses).index == 40
    assert minimum(LRS100, losses).index == 99
    # NaN at 39: g_38 and g_40 are NaN, g_39 sits on a NaN loss; g_41 = (loss_42 − loss_40) / 2 spans the cliff
    assert steepest(LRS100, np.where(np.arange(100) == 39, np.nan, losses)).index == 41


# --- bad input to the rules -------------------------------------------------------------------------------


@pytest.mark.parametrize("lrs, losses, error, match", [
    (np.ones((2, 3)), np.ones((2, 3)), ValueError, "1-D"),
    (lrs_for(3), np.ones(4), ValueError, "same length"),
    (np.array([1e-3, -1.0, 1.0]), np.ones(3), ValueError, "positive"),
    (np.array([1e-3, np.nan, 1.0]), np.ones(3), ValueError, "finite"),
    (np.array([1e-3, 1e-3, 1.0]), np.ones(3), ValueError, "increasing"),
    (lrs_for(2), ["a", "b"], TypeError, "losses"),
])
@pytest.mark.parametrize("method", METHODS)
def test_rules_reject_bad_curves(method, lrs, losses, error, match):
    """Bad input: every rule validates lrs and losses with the same helper."""
    with pytest.raises(error, match=match):
        RULES[method](lrs, losses)


@pytest.mark.parametrize("method, options, error, match", [
    ("sma_derivative", {"sma": 0}, ValueError, "sma"),
    ("sma_derivative", {"skip_start": -1}, ValueError, "skip_start"),
    ("steepest", {"skip_end": 1.5}, TypeError, "skip_end"),
    ("slide", {"lr_diff": 0}, ValueError, "lr_diff"),
    ("slide", {"thresh": -0.1}, ValueError, "thresh"),
    ("slide", {"thresh": float("inf")}, ValueError, "thresh"),
])
def test_rules_reject_bad_options(method, options, error, match):
    """Bad input: options are checked and named in the message (these are not 'no suggestion' errors)."""
    with pytest.raises(error, match=match) as info:
        RULES[method](LRS100, np.linspace(3.0, 1.0, 100), **options)
    assert not isinstance(info.value, NoSuggestionError)


# --- suggest_lr and suggest_all ---------------------------------------------------------------------------


@given(st.sampled_from(["steep", "minimum", "valley", "slide"]),
       st.one_of(loss_curves(min_size=0, max_size=120, elements=losses_with_non_finite), range_test_curves(non_finite=True)),
       st.integers(1, 300))
def test_fastai_rules_read_the_cut_curve(method, smoothed, num_iter):
    """Property: a fastai rule on a result = the rule on smoothed[num_iter//10 : n−5] cut before the first
    non-finite loss, with the index shifted by num_iter//10."""
    result = result_of(np.ones(len(smoothed)), smoothed, num_iter=num_iter)
    start = num_iter // 10
    stop = max(start, len(smoothed) - 5)
    for j in range(start, stop):
        if not np.isfinite(smoothed[j]):
            stop = j
            break
    try:
        expected = RULES[method](result.lrs[start:stop], smoothed[start:stop])
    except NoSuggestionError:
        with pytest.raises(NoSuggestionError, match=method):
            suggest_lr(result, method)
        return
    got = suggest_lr(result, method)
    assert (got.index, got.lr, got.loss) == (expected.index + start, expected.lr, expected.loss)


def test_suggest_lr_minimum_skips_both_ends_and_stops_at_nan():
    """Known answer: lower points in the first num_iter//10, in the last 5 and after a NaN are not read."""
    smoothed = (np.arange(100) - 50.0) ** 2 + 10.0
    smoothed[5], smoothed[97] = 0.0, 0.0   # skipped ends
    result = result_of(np.ones(100), smoothed, num_iter=100)
    assert suggest_lr(result, "minimum").index == 50
    smoothed[45] = np.nan                   # cut: only points 10 … 44 remain
    assert suggest_lr(result, "minimum").index == 44


def test_suggest_lr_sma_derivative_reads_raw_losses_on_the_whole_curve():
    """Known answer: the default rule reads the raw losses (not the smoothed ones) and skips by its own options."""
    raw = 1000.0 - np.cumsum(np.maximum(0.0, 30.0 - np.abs(np.arange(100) - 50.0)))
    result = result_of(raw, smoothed=np.linspace(3.0, 1.0, 100), num_iter=1000)
    s = suggest_lr(result, sma=21)
    assert (s.method, s.index, s.loss) == ("sma_derivative", 60, raw[60])
    assert suggest_lr(result, sma=21, skip_start=70).index == 70  # the fall is steepest at the window's edge


def test_suggest_lr_steepest_reads_smoothed_with_its_own_skips():
    """Known answer: steepest reads `smoothed` on the whole curve; skip_start/skip_end move its window."""
    i = np.arange(100)
    smoothed = 5.0 - 0.01 * i - 2.0 * (i >= 41) - 1.0 * (i >= 71)  # a big cliff after 40, a smaller one after 70
    result = result_of(np.linspace(1.0, 3.0, 100), smoothed, num_iter=1000)
    assert suggest_lr(result, "steepest").index == 40
    assert suggest_lr(result, "steepest", skip_start=50).index == 70


def test_suggest_lr_use_val_reads_validation_losses():
    """Known answer: use_val=True reads val_losses (unsmoothed) for every rule."""
    val = (np.arange(100) - 70.0) ** 2
    result = result_of((np.arange(100) - 30.0) ** 2, val_losses=val)
    assert suggest_lr(result, "minimum", use_val=True).index == 70
    assert suggest_lr(result, "minimum").index == 30


def test_suggest_lr_bad_input():
    """Bad input: unknown method (message lists METHODS), unknown option (named), use_val without
    validation losses, a result without the attributes, bad num_iter."""
    result = result_of(np.linspace(3.0, 1.0, 100))
    with pytest.raises(ValueError) as info:
        suggest_lr(result, "fastest")
    assert all(m in str(info.value) for m in METHODS)
    with pytest.raises(TypeError, match="lr_diff"):
        suggest_lr(result, "valley", lr_diff=3)
    with pytest.raises(TypeError, match="smoothing"):
        suggest_lr(result, smoothing=3)
    with pytest.raises(ValueError, match="val_losses"):
        suggest_lr(result, use_val=True)
    with pytest.raises(TypeError, match="smoothed"):
        suggest_lr(SimpleNamespace(lrs=result.lrs, losses=result.losses))
    with pytest.raises(ValueError, match="num_iter"):
        suggest_lr(result_of(np.ones(20), num_iter=0), "valley")
    with pytest.raises(NoSuggestionError, match="empty"):
        suggest_lr(result, skip_start=100)  # window longer than the curve: "no suggestion", saying why


def test_suggest_all_keeps_only_rules_that_suggest():
    """Known answer: on a flat curve only minimum and slide can answer; the others are left out."""
    result = result_of(np.full(100, 2.0))
    assert list(suggest_all(result)) == ["minimum", "slide"]


def test_suggest_all_matches_suggest_lr_and_routes_options():
    """Known answer: each entry equals suggest_lr for that method; options go to the rules that take them."""
    losses = (np.arange(100) - 70.0) ** 2 / 100 + 1.0
    result = result_of(losses, num_iter=100)
    all_ = suggest_all(result, skip_start=30, lr_diff=5)
    assert list(all_) == list(METHODS)
    assert all_["steepest"] == suggest_lr(result, "steepest", skip_start=30)
    assert all_["sma_derivative"] == suggest_lr(result, skip_start=30)
    assert all_["slide"] == suggest_lr(result, "slide", lr_diff=5)
    assert all_["valley"] == suggest_lr(result, "valley")
    assert list(suggest_all(result, methods=("valley", "minimum"))) == ["valley", "minimum"]


def test_suggest_all_bad_input_still_raises():
    """Bad input: suggest_all skips only 'no suggestion'; bad methods, options or use_val still raise."""
    result = result_of(np.linspace(3.0, 1.0, 100))
    with pytest.raises(TypeError, match="lr_diff"):
        suggest_all(result, methods=("valley",), lr_diff=3)
    with pytest.raises(ValueError, match="sma"):
        suggest_all(result, sma=0)
    with pytest.raises(ValueError, match="fastest"):
        suggest_all(result, methods=("fastest",))
    with pytest.raises(TypeError, match="methods"):
        suggest_all(result, methods="valley")
    with pytest.raises(ValueError, match="val_losses"):
        suggest_all(result, use_val=True)


def test_suggestion_is_frozen():
    """A Suggestion cannot be changed after the fact."""
    s = Suggestion(1e-3, 4, "valley", 0.5)
    with pytest.raises(AttributeError):
        s.lr = 1.0
