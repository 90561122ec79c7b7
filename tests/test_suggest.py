"""Applying the rules to a result: which curve each rule reads, how it is cut, how options are routed.

Expected values come from the rules applied to the curve cut by hand, or from known answers on
hand-made curves.
"""

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from minigrad_lr.rules import NoSuggestionError, Refusal, minimum, slide, steep, valley
from minigrad_lr.suggest import METHODS, suggest_all, suggest_lr

from strategies import loss_curves, losses_with_non_finite, lrs_for, range_test_curves

FASTAI_RULES = {"steep": steep, "minimum": minimum, "valley": valley, "slide": slide}


def result_of(losses, smoothed=None, num_iter=None, val_losses=None):
    """A stand-in for RangeTestResult with just the attributes suggest_lr reads."""
    losses = np.asarray(losses, dtype=np.float64)
    return SimpleNamespace(lrs=lrs_for(len(losses)), losses=losses,
                           smoothed=losses if smoothed is None else np.asarray(smoothed, dtype=np.float64),
                           val_losses=val_losses, num_iter=len(losses) if num_iter is None else num_iter)



# --- suggest_lr and suggest_all ---------------------------------------------------------------------------


@given(st.sampled_from(list(FASTAI_RULES)),
       st.one_of(loss_curves(min_size=0, max_size=120, elements=losses_with_non_finite),
                 range_test_curves(non_finite=True)),
       st.integers(1, 300))
def test_fastai_rules_read_the_cut_curve(method, smoothed, num_iter):
    """Property: a fastai rule on a result = the rule on smoothed[num_iter//10 : n−5] cut before the first
    non-finite loss, with the index shifted by num_iter//10 (min_drop=0: the raw losses are a stand-in)."""
    result = result_of(np.ones(len(smoothed)), smoothed, num_iter=num_iter)
    start = num_iter // 10
    stop = max(start, len(smoothed) - 5)
    for j in range(start, stop):
        if not np.isfinite(smoothed[j]):
            stop = j
            break
    try:
        expected = FASTAI_RULES[method](result.lrs[start:stop], smoothed[start:stop])
    except NoSuggestionError:
        with pytest.raises(NoSuggestionError, match=method):
            suggest_lr(result, method, min_drop=0)
        return
    got = suggest_lr(result, method, min_drop=0)
    assert (got.index, got.lr, got.loss) == (expected.index + start, expected.lr, expected.loss)


def test_suggest_lr_minimum_skips_both_ends_and_stops_at_nan():
    """Known answer: lower points in the first num_iter//10, in the last 5 and after a NaN are not read."""
    smoothed = (np.arange(100) - 50.0) ** 2 + 10.0
    smoothed[5], smoothed[97] = 0.0, 0.0   # skipped ends
    result = result_of(np.ones(100), smoothed, num_iter=100)
    assert suggest_lr(result, "minimum", min_drop=0).index == 50
    smoothed[45] = np.nan                   # cut: only points 10 … 44 remain
    assert suggest_lr(result, "minimum", min_drop=0).index == 44


def test_suggest_lr_sma_derivative_reads_raw_losses_on_the_whole_curve():
    """Known answer: the default rule reads the raw losses (not the smoothed ones) and skips by its own options."""
    raw = 1000.0 - np.cumsum(np.maximum(0.0, 30.0 - np.abs(np.arange(100) - 50.0)))
    result = result_of(raw, smoothed=np.linspace(3.0, 1.0, 100), num_iter=1000)
    s = suggest_lr(result, k=21)
    assert (s.method, s.index, s.loss) == ("sma_derivative", 60, raw[60])
    assert suggest_lr(result, k=21, skip_start=70).index == 70  # the fall is steepest at the window's edge


def test_suggest_lr_steepest_reads_smoothed_with_its_own_skips():
    """Known answer: steepest reads `smoothed` on the whole curve; skip_start/skip_end move its window."""
    i = np.arange(100)
    smoothed = 5.0 - 0.01 * i - 2.0 * (i >= 41) - 1.0 * (i >= 71)  # a big cliff after 40, a smaller one after 70
    result = result_of(np.linspace(1.0, 3.0, 100), smoothed, num_iter=1000)
    assert suggest_lr(result, "steepest", min_drop=0).index == 40
    assert suggest_lr(result, "steepest", skip_start=50, min_drop=0).index == 70


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


def test_suggest_all_gives_every_refusal_with_its_reason():
    """Known answer: on a flat curve every rule refuses, saying the loss fell by 0.0%; without the
    min_drop check (min_drop=0) only minimum and slide can answer, and the others say why not."""
    result = result_of(np.full(100, 2.0))
    picks = suggest_all(result)
    assert list(picks) == list(METHODS)
    for method, refusal in picks.items():
        assert isinstance(refusal, Refusal) and not refusal and refusal.lr is None and refusal.method == method
        assert refusal.reason.startswith(f"{method}: the mean loss of 5 batches fell by only 0.0% (from 2 ")
    picks = suggest_all(result, min_drop=0)
    assert [m for m, s in picks.items() if s] == ["minimum", "slide"]
    assert "valley needs the loss to fall at least once" in picks["valley"].reason


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
    with pytest.raises(ValueError, match=r"\bk must be"):
        suggest_all(result, k=0)
    with pytest.raises(ValueError, match="fastest"):
        suggest_all(result, methods=("fastest",))
    with pytest.raises(TypeError, match="methods"):
        suggest_all(result, methods="valley")
    with pytest.raises(ValueError, match="val_losses"):
        suggest_all(result, use_val=True)


# --- a suggestion only where the loss fell ------------------------------------------------------------------


@st.composite
def curves_that_never_fall(draw):
    """Curves whose every point lies at or above c while the first five lie in [c, 1.05 c]: flat, rising,
    noisy within 5%, or spiking, maybe ending in NaN or inf. No mean of 5 batches falls 10% below the start."""
    n = draw(st.integers(5, 120))
    c = draw(st.floats(1e-3, 1e3))
    head = draw(st.lists(st.floats(0.0, 0.05), min_size=min(n, 5), max_size=min(n, 5)))
    tail = draw(st.lists(st.floats(0.0, 10.0), min_size=n - len(head), max_size=n - len(head)))
    losses = c * (1.0 + np.asarray(head + tail, dtype=np.float64))
    if n > 5 and draw(st.booleans()):
        losses[-1] = draw(st.sampled_from([np.nan, np.inf]))
    return losses


@given(curves_that_never_fall(), st.sampled_from(METHODS))
def test_every_rule_refuses_a_curve_that_never_fell(losses, method):
    """Property: on a curve with no fall, every rule refuses, saying how much the loss fell (< 10%)
    and what to try; suggest_all gives the refusal for every rule."""
    result = result_of(losses, smoothed=losses, num_iter=len(losses))
    with pytest.raises(NoSuggestionError, match=rf"{method}: the mean loss of 5 batches fell by only .* "
                                                r"less than min_drop = 10%.*end_lr"):
        suggest_lr(result, method)
    assert not any(suggest_all(result).values())


@given(st.integers(40, 150), st.floats(0.4, 0.9), st.floats(0.1, 100.0), st.data())
def test_the_articles_rule_answers_a_clear_fall_inside_the_tested_range(n, bottom, scale, data):
    """Property: on a curve that falls clearly (a range test's parabola, noise under 1% of its height),
    the article's rule answers, at a point inside its window and an lr inside the tested range."""
    noise = np.asarray(data.draw(st.lists(st.floats(0.0, 0.01), min_size=n, max_size=n)))
    losses = scale * ((np.linspace(0.0, 1.0, n) - bottom) ** 2 + noise + 0.01)
    result = result_of(losses, smoothed=losses, num_iter=n)
    s = suggest_lr(result)
    assert 20 <= s.index < n - 5
    assert result.lrs[0] <= s.lr <= result.lrs[-1] and s.lr == result.lrs[s.index]


@pytest.mark.parametrize("losses", [[1.0], [2.0, 1.0, 0.5, 0.2], [np.nan] * 30, [np.inf, 1.0, 1.0, 1.0, 1.0]])
def test_a_curve_without_a_finite_5_batch_mean_is_refused(losses):
    """Known answer: fewer than 5 points, or no window of 5 finite ones: no rule answers, and the reason says so."""
    result = result_of(losses, num_iter=len(losses))
    for method in METHODS:
        with pytest.raises(NoSuggestionError, match=rf"{method}: there is no finite mean loss of 5 batches among "
                                                    rf"the {len(losses)} recorded points.*raise num_iter"):
            suggest_lr(result, method)


def test_min_drop_is_an_option_with_a_checked_value():
    """Known answer: a curve that fell by 20% passes min_drop = 0.1 and is refused at 0.3; bad values
    of min_drop are errors naming it."""
    losses = np.concatenate([np.full(40, 1.0), np.linspace(1.0, 0.8, 30), np.full(30, 0.8)])
    result = result_of(losses, num_iter=100)
    assert suggest_lr(result, "minimum").lr > 0
    with pytest.raises(NoSuggestionError, match=r"fell by only 20\.0% \(from 1 at the start to at best 0\.8\)"):
        suggest_lr(result, "minimum", min_drop=0.3)
    for bad, error in ((1.0, ValueError), (-0.1, ValueError), (np.nan, ValueError), ("0.1", TypeError)):
        with pytest.raises(error, match="min_drop"):
            suggest_lr(result, min_drop=bad)


def test_use_val_judges_the_fall_on_the_validation_losses():
    """Known answer: with use_val the validation losses are judged (they fell), not the training losses
    (flat here)."""
    val = np.linspace(2.0, 1.0, 60)
    result = result_of(np.full(60, 2.0), val_losses=val, num_iter=60)
    assert suggest_lr(result, "minimum", use_val=True).index == 54  # fastai's cut drops the last 5 points
    with pytest.raises(NoSuggestionError, match="mean loss of 5 batches fell by only 0.0%"):
        suggest_lr(result, "minimum")


def test_a_test_stopped_within_five_steps_points_to_the_smoothed_stop_rule():
    """Known answer: a trained model's test stopped as 'diverged' after 2 steps (batch noise): the refusal
    says so and points to stop_on='smoothed' and find_lr, not to num_iter."""
    result = result_of([0.02, 0.09], num_iter=100)
    result.stop_reason = "diverged"
    with pytest.raises(NoSuggestionError, match=r"stopped after 2 steps.*one noisy batch.*stop_on='smoothed'"):
        suggest_lr(result)


def test_the_demos_rmsprop_run_fell_clearly_though_its_smoothed_loss_barely_did():
    """The claim of the module docstring, on the run of `python -m minigrad_lr.demo --optimizer rmsprop`:
    the 5-batch means fall by over 20%, the β = 0.98 average by under 10%, and the rules answer."""
    import minigrad_lr as mg

    X, y = mg.load_digits()
    model = mg.MLP([64, 64, 10], seed=0)
    result = mg.lr_range_test(model, mg.RMSProp(model.parameters()), mg.batches(X, y, 64, seed=0))
    means = mg.sma(result.losses, 5)
    assert (means[4] - np.nanmin(means)) / means[4] > 0.2
    assert (result.smoothed[0] - result.smoothed.min()) / result.smoothed[0] < 0.1
    assert all(suggest_all(result).values())


@pytest.mark.parametrize("methods, words", [
    pytest.param(None, "methods must be a sequence of names such as .*, got None", id="None"),
    pytest.param(3, "methods must be a sequence of names such as .*, got 3", id="int"),
])
def test_suggest_all_names_methods_that_are_not_a_sequence(methods, words):
    with pytest.raises(TypeError, match=words):
        suggest_all(result_of(np.linspace(3.0, 1.0, 100)), methods=methods)
