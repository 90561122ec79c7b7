"""Properties and known answers of the six suggestion rules, pure functions of (lrs, losses).

Expected values come from the formulas written out here (or from plain transcriptions of fastai's
loops kept in this file), never from the code under test.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from minigrad_lr.rules import (
    NoSuggestionError,
    Suggestion,
    minimum,
    slide,
    sma_derivative,
    steep,
    steepest,
    valley,
)

from strategies import finite_losses, integer_curves, loss_curves, losses_with_non_finite, lrs_for, range_test_curves

RULES = {"sma_derivative": sma_derivative, "steepest": steepest, "steep": steep,
         "minimum": minimum, "valley": valley, "slide": slide}
METHODS = tuple(RULES)

# --- extra strategies (local to this file) -------------------------------------------------------------

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
    "sma_derivative": st.fixed_dictionaries({"k": st.integers(1, 25), "skip_start": st.integers(0, 12),
                                             "skip_end": st.integers(0, 6)}),
    "steepest": st.fixed_dictionaries({"skip_start": st.integers(0, 12), "skip_end": st.integers(0, 6)}),
    "steep": st.just({}),
    "minimum": st.just({}),
    "valley": st.just({}),
    "slide": st.fixed_dictionaries({"lr_diff": st.integers(1, 20), "thresh": st.floats(0.0, 1.0)}),
}
methods = st.sampled_from(METHODS)


def window(method, n, options):
    """The candidate indices [lo, hi) of each rule: sma_derivative reads i in [max(k, skip_start), n − skip_end)
    (d_i needs loss_{i−k}), steepest [skip_start, n − skip_end), steep [0, n − 1) (lr_i is the left end of
    the segment i, i+1), slide [0, n − lr_diff) (l is compared with l + lr_diff), minimum and valley all n."""
    if method == "sma_derivative":
        return max(options["k"], options["skip_start"]), n - options["skip_end"]
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


@given(st.one_of(tied_curves, loss_curves(max_size=80), range_test_curves()), st.integers(1, 20),
       st.sampled_from([0.0, 0.005, 1.0, 100.0]))
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
    assert sma_derivative(LRS100, losses, k=21).index == 60


def test_sma_derivative_reads_raw_scale_with_any_c():
    """Known answer: scaling the tent curve by 0.37 or 3.3 keeps the answer at 60."""
    losses = 1000.0 - np.cumsum(np.maximum(0.0, 30.0 - np.abs(np.arange(100) - 50.0)))
    for c in (0.37, 3.3):
        assert sma_derivative(LRS100, c * losses, k=21).index == 60


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
    ("sma_derivative", {"k": 0}, ValueError, r"\bk must be"),
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


def test_suggestion_is_frozen():
    """A Suggestion cannot be changed after the fact."""
    s = Suggestion(1e-3, 4, "valley", 0.5)
    with pytest.raises(AttributeError):
        s.lr = 1.0


@pytest.mark.parametrize("losses, words", [
    pytest.param(np.linspace(3.0, 1.0, 100) * (1 + 1j), "losses must hold numbers.*complex128", id="complex"),
    pytest.param(np.linspace(3.0, 1.0, 100) > 2, "losses must hold numbers.*bool", id="bool"),
    pytest.param(np.array([1.0, None] * 50), "losses must hold numbers.*object", id="object with None"),
])
@pytest.mark.parametrize("method", METHODS)
def test_rules_reject_curves_numpy_would_mangle(method, losses, words):
    """Bad input: NumPy would drop an imaginary part or read True as 1 and None as NaN; every rule refuses."""
    with pytest.raises(TypeError, match=words):
        RULES[method](LRS100, losses)
