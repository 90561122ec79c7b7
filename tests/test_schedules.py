"""Schedules: the range test's ``range_lrs``, then the training schedules of torch.optim.lr_scheduler.

Expected values come from the formulas worked by hand, from properties (bounds, periods, halving), or from
torch's schedulers driving a dummy optimizer (skipped when torch is not installed, as in CI).
"""

import inspect
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from minigrad_lr.result import RangeTestResult
from minigrad_lr.rules import NoSuggestionError
from minigrad_lr.schedules import (
    ReduceLROnPlateau,
    cosine_annealing,
    cosine_warm_restarts,
    cyclic,
    cyclic_bounds,
    exponential_decay,
    one_cycle,
    one_cycle_max_lr,
    one_cycle_momentum,
    range_lrs,
    step_decay,
)
from minigrad_lr.suggest import suggest_lr
from strategies import lrs as base_lrs

# A start lr and a factor of at least 10 up to the end lr, and a number of steps.
starts = st.floats(min_value=1e-9, max_value=1.0)
factors = st.floats(min_value=10.0, max_value=1e10)
steps = st.integers(min_value=2, max_value=500)
modes = st.sampled_from(["exp", "linear"])


@given(starts, factors, steps, modes)
def test_length_is_num_iter(start, factor, n, mode):
    """Property: one lr per step."""
    assert range_lrs(start, start * factor, n, mode).shape == (n,)


@given(starts, factors, steps, modes)
def test_first_is_start_and_last_is_end_exactly(start, factor, n, mode):
    """Property: the first step uses exactly start_lr and the last exactly end_lr (no rounding)."""
    end = start * factor
    lrs = range_lrs(start, end, n, mode)
    assert lrs[0] == start and lrs[-1] == end


@given(starts, factors, steps, modes)
def test_strictly_increasing(start, factor, n, mode):
    """Property: every step has a larger lr than the one before."""
    assert np.all(np.diff(range_lrs(start, start * factor, n, mode)) > 0)


@given(starts, factors, steps)
def test_exp_has_constant_ratio(start, factor, n):
    """Property (exp): lr_{i+1}/lr_i = (end/start)^(1/(n-1)) for every i, to rounding."""
    lrs = range_lrs(start, start * factor, n, "exp")
    q = factor ** (1.0 / (n - 1))
    np.testing.assert_allclose(lrs[1:] / lrs[:-1], q, rtol=1e-9)


@given(starts, factors, steps)
def test_linear_has_constant_difference(start, factor, n):
    """Property (linear): lr_{i+1} − lr_i = (end − start)/(n − 1) for every i, to rounding."""
    end = start * factor
    lrs = range_lrs(start, end, n, "linear")
    np.testing.assert_allclose(np.diff(lrs), (end - start) / (n - 1), rtol=1e-6)


def test_article_example():
    """1e-7 -> 10 in 100 steps: 8 decades in 99 multiplications, so the lr grows ~20.45% per batch."""
    lrs = range_lrs(1e-7, 10.0, 100)
    assert lrs[1] / lrs[0] == pytest.approx(10 ** (8 / 99))
    assert lrs[1] / lrs[0] == pytest.approx(1.2045, abs=1e-4)


def test_linear_steps_are_exact_fractions():
    assert range_lrs(1.0, 2.0, 5, "linear").tolist() == [1.0, 1.25, 1.5, 1.75, 2.0]


@pytest.mark.parametrize(
    "args, error, words",
    [
        ((0.0, 1.0, 10, "exp"), ValueError, "start_lr"),
        ((0.0, 1.0, 10, "linear"), ValueError, "start_lr"),
        ((-1e-3, 1.0, 10, "exp"), ValueError, "start_lr"),
        ((-1e-3, 1.0, 10, "linear"), ValueError, "start_lr"),
        ((1.0, 1.0, 10, "exp"), ValueError, "end_lr"),
        ((1.0, 0.5, 10, "linear"), ValueError, "end_lr"),
        ((1e-3, 1.0, 1, "exp"), ValueError, "num_iter"),
        ((1e-3, 1.0, 0, "exp"), ValueError, "num_iter"),
        ((1e-3, 1.0, 10.0, "exp"), TypeError, "num_iter"),
        ((1e-3, 1.0, True, "exp"), TypeError, "num_iter"),
        ((math.nan, 1.0, 10, "exp"), ValueError, "start_lr"),
        ((1e-3, math.inf, 10, "exp"), ValueError, "end_lr"),
        ((1e-3, "1", 10, "exp"), TypeError, "end_lr"),
        ((1e-3, 1.0, 10, "cosine"), ValueError, "mode"),
        ((1.0, 1.0 + 1e-15, 100, "exp"), ValueError, "too close"),
    ],
)
def test_bad_arguments_are_rejected_by_name(args, error, words):
    with pytest.raises(error, match=words):
        range_lrs(*args)


# ==================================================================================================
# Training schedules: step, exponential, cosine, warm restarts, cyclic, 1cycle, plateau
# ==================================================================================================

# Extra strategies (local to this file).
any_steps = st.integers(min_value=0, max_value=5000)
short_steps = st.integers(min_value=0, max_value=200)  # short enough that gamma**step stays a normal float
decays = st.floats(min_value=0.1, max_value=1.0)  # gamma in (0, 1]
fractions = st.floats(min_value=0.0, max_value=1.0)  # eta_min = fraction · base_lr
period_lengths = st.integers(min_value=1, max_value=50)
modes_cyclic = st.sampled_from(["triangular", "triangular2", "exp_range"])
strategies_1cycle = st.sampled_from(["cos", "linear"])
momentum_pairs = st.tuples(st.floats(0.0, 0.9), st.floats(0.01, 0.09)).map(lambda bd: (bd[0], bd[0] + bd[1]))


@st.composite
def one_cycle_settings(draw, three_phase=st.booleans()):
    """total_steps a multiple of 8 and pct_start a multiple of 1/8, so pct_start·T − 1 is an exact integer
    (the step where the warm-up ends); at least 2 warm-up steps; three phases need pct_start < 1/2."""
    three = draw(three_phase)
    total = 8 * draw(st.integers(min_value=2, max_value=25))
    pct = draw(st.sampled_from([0.125, 0.25, 0.375] if three else [0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875]))
    return dict(total_steps=total, pct_start=pct, anneal_strategy=draw(strategies_1cycle), three_phase=three)


def within(value, low, high, rel=1e-12):
    """low <= value <= high, with a slack of rel·max(|low|, |high|) for the rounding of low + (high − low)·s."""
    slack = rel * max(abs(low), abs(high))
    return low - slack <= value <= high + slack


# --- step decay and exponential decay -----------------------------------------------------------------

@given(short_steps, base_lrs, period_lengths, decays)
def test_step_decay_is_constant_between_decays(step, base_lr, step_size, gamma):
    """Property: every step of a block of step_size steps has the lr of the block's first step."""
    first = step - step % step_size
    assert step_decay(step, base_lr, step_size, gamma) == step_decay(first, base_lr, step_size, gamma)


@given(short_steps, base_lrs, period_lengths, decays)
def test_step_decay_multiplies_by_gamma_every_step_size(step, base_lr, step_size, gamma):
    """Property: step_size steps later the lr is gamma times smaller."""
    later = step_decay(step + step_size, base_lr, step_size, gamma)
    assert later == pytest.approx(gamma * step_decay(step, base_lr, step_size, gamma), rel=1e-12)


@given(any_steps, base_lrs, period_lengths, decays)
def test_step_decay_within_bounds(step, base_lr, step_size, gamma):
    """Property: 0 <= lr <= base_lr, and lr == base_lr for the first step_size steps."""
    lr = step_decay(step, base_lr, step_size, gamma)
    assert 0 <= lr <= base_lr
    assert step_decay(step % step_size, base_lr, step_size, gamma) == base_lr


@given(short_steps, base_lrs, decays)
def test_exponential_decay_has_constant_ratio_gamma(step, base_lr, gamma):
    """Property: lr(step + 1) / lr(step) == gamma, and lr(0) == base_lr exactly."""
    ratio = exponential_decay(step + 1, base_lr, gamma) / exponential_decay(step, base_lr, gamma)
    assert ratio == pytest.approx(gamma, rel=1e-12)
    assert exponential_decay(0, base_lr, gamma) == base_lr


@given(any_steps, base_lrs, decays)
def test_exponential_decay_within_bounds(step, base_lr, gamma):
    """Property: 0 <= lr <= base_lr (it may underflow to 0 after many steps)."""
    assert 0 <= exponential_decay(step, base_lr, gamma) <= base_lr


# --- cosine annealing and warm restarts -------------------------------------------------------------

@given(any_steps, base_lrs, st.integers(1, 500), fractions)
def test_cosine_within_bounds(step, base_lr, total, fraction):
    """Property: eta_min <= lr <= base_lr at every step, also past total_steps."""
    eta_min = fraction * base_lr
    assert within(cosine_annealing(step, base_lr, total, eta_min), eta_min, base_lr)


@given(base_lrs, st.integers(1, 500), fractions)
def test_cosine_endpoints_and_midpoint(base_lr, total, fraction):
    """Property: base_lr at step 0, eta_min at total_steps, their mean at total_steps / 2."""
    eta_min = fraction * base_lr
    assert cosine_annealing(0, base_lr, total, eta_min) == pytest.approx(base_lr, rel=1e-15)
    assert cosine_annealing(total, base_lr, total, eta_min) == pytest.approx(eta_min, rel=1e-15, abs=1e-300)
    assert cosine_annealing(2 * total, base_lr, 2 * total, eta_min) == pytest.approx(eta_min, abs=1e-15 * base_lr)
    assert cosine_annealing(total, base_lr, 2 * total, eta_min) == pytest.approx((base_lr + eta_min) / 2, rel=1e-12)


@given(st.integers(0, 1000), base_lrs, st.integers(1, 500), fractions)
def test_cosine_is_periodic_after_total_steps(step, base_lr, total, fraction):
    """Property (the documented convention, torch's closed form): past total_steps the lr climbs back,
    mirror-symmetric about total_steps and periodic with period 2 · total_steps."""
    eta_min = fraction * base_lr
    lr = cosine_annealing(step, base_lr, total, eta_min)
    assert cosine_annealing(step + 2 * total, base_lr, total, eta_min) == pytest.approx(lr, rel=1e-9, abs=1e-12 * base_lr)
    assert cosine_annealing(2 * total - step % (2 * total), base_lr, total, eta_min) == pytest.approx(
        lr, rel=1e-9, abs=1e-12 * base_lr
    )


@given(any_steps, base_lrs, st.integers(1, 50), st.integers(1, 4), fractions)
def test_warm_restarts_within_bounds(step, base_lr, T_0, T_mult, fraction):
    """Property: eta_min <= lr <= base_lr at every step."""
    eta_min = fraction * base_lr
    assert within(cosine_warm_restarts(step, base_lr, T_0, T_mult, eta_min), eta_min, base_lr)


@given(base_lrs, st.integers(1, 30), st.integers(1, 4), st.floats(0.0, 0.5))
def test_warm_restarts_jump_back_to_base_lr_at_each_restart(base_lr, T_0, T_mult, fraction):
    """Property: restarts happen after T_0, T_0·T_mult, T_0·T_mult², ... steps; there the lr is base_lr
    again, up from the lowest value of the run that just ended."""
    eta_min = fraction * base_lr
    restart, run = 0, T_0
    for _ in range(4):
        restart += run  # a run of `run` steps ends here
        at = cosine_warm_restarts(restart, base_lr, T_0, T_mult, eta_min)
        before = cosine_warm_restarts(restart - 1, base_lr, T_0, T_mult, eta_min)
        assert at == pytest.approx(base_lr, rel=1e-15)
        assert before < at or run == 1  # a run of one step never leaves base_lr
        run *= T_mult


@given(any_steps, base_lrs, st.integers(1, 50), fractions)
def test_warm_restarts_with_T_mult_1_repeat_cosine_annealing(step, base_lr, T_0, fraction):
    """Property: with T_mult = 1, SGDR is cosine annealing over T_0 steps, restarted every T_0 steps."""
    eta_min = fraction * base_lr
    assert cosine_warm_restarts(step, base_lr, T_0, 1, eta_min) == cosine_annealing(step % T_0, base_lr, T_0, eta_min)


# --- cyclical learning rates ----------------------------------------------------------------------

@st.composite
def cyclic_settings(draw, mode=modes_cyclic):
    """base_lr, max_lr above it, and the rest of cyclic's arguments."""
    base_lr = draw(base_lrs)
    return dict(
        base_lr=base_lr,
        max_lr=base_lr * draw(st.floats(1.0, 1e4)),
        step_size_up=draw(period_lengths),
        step_size_down=draw(st.none() | period_lengths),
        mode=draw(mode),
        gamma=draw(st.floats(0.9, 1.0)),
    )


@given(any_steps, cyclic_settings())
def test_cyclic_within_bounds(step, settings):
    """Property: base_lr <= lr <= max_lr in every mode."""
    assert within(cyclic(step, **settings), settings["base_lr"], settings["max_lr"])


@given(any_steps, cyclic_settings(mode=st.just("triangular")))
def test_triangular_is_periodic_with_period_up_plus_down(step, settings):
    """Property: "triangular" repeats exactly every step_size_up + step_size_down steps."""
    up = settings["step_size_up"]
    period = up + (settings["step_size_down"] or up)
    assert cyclic(step + period, **settings) == cyclic(step, **settings)


@given(st.integers(0, 100), cyclic_settings(mode=st.just("triangular")))
def test_triangular_touches_both_bounds_every_cycle(cycle, settings):
    """Property: each cycle starts at base_lr and peaks at max_lr after step_size_up steps."""
    up = settings["step_size_up"]
    start = cycle * (up + (settings["step_size_down"] or up))
    assert cyclic(start, **settings) == settings["base_lr"]
    assert cyclic(start + up, **settings) == pytest.approx(settings["max_lr"], rel=1e-15)


@given(st.integers(0, 400), cyclic_settings(mode=st.just("triangular2")))
def test_triangular2_amplitude_halves_each_cycle(step, settings):
    """Property: one cycle later the height above base_lr is half what it was."""
    base_lr, up = settings["base_lr"], settings["step_size_up"]
    period = up + (settings["step_size_down"] or up)
    height, next_height = cyclic(step, **settings) - base_lr, cyclic(step + period, **settings) - base_lr
    assert next_height == pytest.approx(height / 2, abs=1e-12 * settings["max_lr"])


@given(st.integers(0, 400), cyclic_settings(mode=st.just("exp_range")))
def test_exp_range_scales_the_triangle_by_gamma_to_the_step(step, settings):
    """Property: the height above base_lr is gamma**step times the "triangular" one."""
    base_lr, gamma = settings["base_lr"], settings["gamma"]
    height = cyclic(step, **settings) - base_lr
    triangle_height = cyclic(step, **{**settings, "mode": "triangular"}) - base_lr
    assert height == pytest.approx(gamma**step * triangle_height, abs=1e-12 * settings["max_lr"])


def test_cyclic_by_hand():
    """base 1, max 3, up 2, down 4: 1, 2, 3, 2.5, 2, 1.5, then the next cycle (triangular2: half height)."""
    assert [cyclic(s, 1.0, 3.0, 2, 4) for s in range(8)] == [1.0, 2.0, 3.0, 2.5, 2.0, 1.5, 1.0, 2.0]
    assert [cyclic(s, 1.0, 3.0, 2, 4, mode="triangular2") for s in range(6, 10)] == [1.0, 1.5, 2.0, 1.75]
    assert cyclic(1, 1.0, 3.0, 2, 4, mode="exp_range", gamma=0.5) == 1.0 + 2.0 * 0.5 * 0.5


# --- 1cycle ---------------------------------------------------------------------------------------------

@given(one_cycle_settings(), base_lrs, st.floats(1.0, 100.0), st.floats(1.0, 1e5))
def test_one_cycle_start_peak_and_end(settings, max_lr, div_factor, final_div_factor):
    """Property: starts at max_lr/div_factor, reaches max_lr where the first phase ends
    (step pct_start·T − 1), and ends at max_lr/(div_factor·final_div_factor) on step T − 1; with three
    phases it is back at max_lr/div_factor where the second phase ends (step 2·pct_start·T − 2)."""
    T, pct = settings["total_steps"], settings["pct_start"]

    def lr(step):
        return one_cycle(step, max_lr=max_lr, div_factor=div_factor, final_div_factor=final_div_factor, **settings)

    assert lr(0) == pytest.approx(max_lr / div_factor, rel=1e-12)
    assert lr(int(pct * T) - 1) == pytest.approx(max_lr, rel=1e-12)
    assert lr(T - 1) == pytest.approx(max_lr / (div_factor * final_div_factor), rel=1e-12)
    if settings["three_phase"]:
        assert lr(int(2 * pct * T) - 2) == pytest.approx(max_lr / div_factor, rel=1e-12)


@given(one_cycle_settings(), base_lrs, st.floats(1.0, 100.0), st.floats(1.0, 1e5), st.data())
def test_one_cycle_within_bounds(settings, max_lr, div_factor, final_div_factor, data):
    """Property: max_lr/(div_factor·final_div_factor) <= lr <= max_lr at every step."""
    step = data.draw(st.integers(0, settings["total_steps"] - 1))
    lr = one_cycle(step, max_lr=max_lr, div_factor=div_factor, final_div_factor=final_div_factor, **settings)
    assert within(lr, max_lr / (div_factor * final_div_factor), max_lr)


@given(one_cycle_settings(three_phase=st.just(False)), base_lrs)
def test_one_cycle_rises_then_falls(settings, max_lr):
    """Property (two phases): the lr never decreases up to the peak and never increases after it."""
    T, peak = settings["total_steps"], int(settings["pct_start"] * settings["total_steps"]) - 1
    lrs = np.array([one_cycle(s, max_lr=max_lr, **settings) for s in range(T)])
    assert np.all(np.diff(lrs[: peak + 1]) >= 0) and np.all(np.diff(lrs[peak:]) <= 0)


@given(one_cycle_settings(), momentum_pairs, st.data())
def test_one_cycle_momentum_within_bounds(settings, momenta, data):
    """Property: base_momentum <= momentum <= max_momentum at every step."""
    base_momentum, max_momentum = momenta
    step = data.draw(st.integers(0, settings["total_steps"] - 1))
    momentum = one_cycle_momentum(step, base_momentum=base_momentum, max_momentum=max_momentum, **settings)
    assert within(momentum, base_momentum, max_momentum)


@given(one_cycle_settings(three_phase=st.just(False)), base_lrs, st.floats(2.0, 100.0), momentum_pairs)
def test_one_cycle_momentum_mirrors_the_lr(settings, max_lr, div_factor, momenta):
    """Property (two phases): max_momentum at the start and the end, base_momentum at the lr's peak, and
    in between the momentum has gone down exactly the fraction of its range that the lr has gone up:
    (max_m − m)/(max_m − base_m) = (lr − low)/(max_lr − low), low = the phase's lowest lr."""
    base_momentum, max_momentum = momenta
    T, peak = settings["total_steps"], int(settings["pct_start"] * settings["total_steps"]) - 1
    initial_lr = max_lr / div_factor
    min_lr = initial_lr / 1e4
    for step in range(T):
        lr = one_cycle(step, max_lr=max_lr, div_factor=div_factor, **settings)
        m = one_cycle_momentum(step, base_momentum=base_momentum, max_momentum=max_momentum, **settings)
        low = initial_lr if step <= peak else min_lr
        assert (max_momentum - m) / (max_momentum - base_momentum) == pytest.approx(
            (lr - low) / (max_lr - low), abs=1e-9
        )
        if step in (0, T - 1):
            assert m == pytest.approx(max_momentum, rel=1e-12)
        if step == peak:
            assert m == pytest.approx(base_momentum, rel=1e-12)


def test_one_cycle_by_hand():
    """T = 10, pct_start 0.3 (warm-up ends at step 2), linear, max 1, div 4, final div 5: 0.25 → 1 in
    2 steps, then 1 → 0.05 over 7 steps; momentum 0.95 → 0.85 → 0.95 the same way."""
    lrs = [one_cycle(s, 10, 1.0, anneal_strategy="linear", div_factor=4.0, final_div_factor=5.0) for s in range(10)]
    np.testing.assert_allclose(lrs, [0.25, 0.625, 1.0] + [1.0 - 0.95 * k / 7 for k in range(1, 8)], rtol=1e-12)
    momenta = [one_cycle_momentum(s, 10, anneal_strategy="linear") for s in range(10)]
    np.testing.assert_allclose(momenta, [0.95, 0.9, 0.85] + [0.85 + 0.1 * k / 7 for k in range(1, 8)], rtol=1e-12)


# --- ReduceLROnPlateau -------------------------------------------------------------------------------

@st.composite
def plateau_runs(draw):
    """Settings for ReduceLROnPlateau and a sequence of metrics with plateaus (rounded random walks)."""
    settings = dict(
        lr=draw(base_lrs),
        mode=draw(st.sampled_from(["min", "max"])),
        factor=draw(st.floats(0.05, 0.95)),
        patience=draw(st.integers(0, 5)),
        threshold_mode=draw(st.sampled_from(["rel", "abs"])),
        threshold=draw(st.sampled_from([0.0, 1e-4, 0.01])),
        cooldown=draw(st.integers(0, 4)),
    )
    settings["min_lr"] = settings["lr"] * draw(st.sampled_from([0.0, 1e-3, 0.5]))
    metrics = draw(st.lists(st.integers(-2, 2), min_size=1, max_size=60).map(lambda d: (10.0 + np.cumsum(d)).tolist()))
    return settings, metrics


@given(plateau_runs())
def test_plateau_never_raises_the_lr_nor_goes_below_min_lr(run):
    """Property: the lr never increases, never drops below min_lr, and every change multiplies it by factor
    (or stops it at min_lr)."""
    settings, metrics = run
    plateau = ReduceLROnPlateau(**settings)
    lr = settings["lr"]
    for metric in metrics:
        new_lr = plateau.step(metric)
        assert settings["min_lr"] <= new_lr <= lr
        assert new_lr in (lr, lr * settings["factor"], settings["min_lr"])
        lr = new_lr


@given(plateau_runs())
def test_plateau_waits_for_patience_and_cooldown(run):
    """Property: the first cut comes after at least patience + 1 bad epochs (the first epoch is always an
    improvement), so at step index >= patience + 1; two cuts are at least cooldown + patience + 1 steps apart."""
    settings, metrics = run
    plateau = ReduceLROnPlateau(**settings)
    lrs = [settings["lr"]] + [plateau.step(m) for m in metrics]
    cuts = [i - 1 for i in range(1, len(lrs)) if lrs[i] < lrs[i - 1]]  # index of the step that cut
    if cuts:
        assert cuts[0] >= settings["patience"] + 1
    assert all(b - a >= settings["cooldown"] + settings["patience"] + 1 for a, b in zip(cuts, cuts[1:]))


@pytest.mark.parametrize("patience, cooldown", [(0, 0), (2, 0), (3, 2), (10, 5)])
def test_plateau_on_a_flat_metric_by_hand(patience, cooldown):
    """A metric that never improves after the first step: halved at step patience + 1, then every
    cooldown + patience + 1 steps."""
    plateau = ReduceLROnPlateau(1.0, factor=0.5, patience=patience, cooldown=cooldown, eps=0.0)
    got = [plateau.step(3.0) for _ in range(40)]
    cuts = range(patience + 1, 40, cooldown + patience + 1)
    expected = [0.5 ** sum(c <= i for c in cuts) for i in range(40)]
    assert got == expected


@pytest.mark.parametrize("mode, sign", [("min", -1.0), ("max", 1.0)])
def test_plateau_keeps_the_lr_while_the_metric_improves(mode, sign):
    """Each metric better than the last by 1% (> threshold 1e-4 relative): the lr never changes."""
    plateau = ReduceLROnPlateau(0.1, mode=mode, patience=0)
    assert {plateau.step(1.0 + sign * 0.01 * i) for i in range(50)} == {0.1}


def test_plateau_eps_skips_tiny_cuts_and_nan_is_a_bad_epoch():
    """lr 1e-8 × 0.1 would lower it by 9e-9 <= eps = 1e-8: skipped. NaN never improves on the best."""
    plateau = ReduceLROnPlateau(1e-8, patience=0)
    assert [plateau.step(1.0) for _ in range(5)] == [1e-8] * 5
    plateau = ReduceLROnPlateau(1.0, patience=1)
    assert [plateau.step(m) for m in (1.0, math.nan, math.nan)] == [1.0, 1.0, pytest.approx(0.1)]
    assert plateau.best == 1.0


# --- agreement with torch.optim.lr_scheduler (skipped when torch is not installed, as in CI) ----------
#
# torch's schedulers drive a dummy SGD optimizer over one float64 parameter; the lr in its param group
# before the first scheduler.step() is step 0. StepLR, ExponentialLR and CosineAnnealingLR are chainable:
# they update the previous lr, so their rounding accumulates over the steps; CyclicLR finds the position in
# the cycle in floating point (x = 1 + step/period − cycle) where we use integers. Measured over 300 steps:
# up to 2e-15 relative for the chainable ones, 1.3e-14 for CyclicLR; the closed forms in torch
# (warm restarts, OneCycleLR) agree exactly. We compare to rtol 1e-12, with an absolute floor of
# 1e-12 · base_lr for values at or near 0 (cosine minima).

N_TORCH_STEPS = 300


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def torch_values(torch, make_scheduler, lr=1.0, n=N_TORCH_STEPS, key="lr"):
    """The first n values of param_groups[0][key] under the scheduler make_scheduler(optimizer) builds."""
    param = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([param], lr=lr, momentum=0.9)
    scheduler = make_scheduler(optimizer)
    values = [optimizer.param_groups[0][key]]
    for _ in range(n - 1):
        optimizer.step()  # no gradient: a no-op, but torch wants it before scheduler.step()
        scheduler.step()
        values.append(optimizer.param_groups[0][key])
    return values


TORCH_CASES = [
    # (our function, its keyword arguments, torch class name, torch's keyword arguments, base lr)
    (step_decay, dict(base_lr=0.1, step_size=7, gamma=0.5), "StepLR", dict(step_size=7, gamma=0.5), 0.1),
    (step_decay, dict(base_lr=1.0, step_size=30), "StepLR", dict(step_size=30), 1.0),
    (exponential_decay, dict(base_lr=0.1, gamma=0.99), "ExponentialLR", dict(gamma=0.99), 0.1),
    (exponential_decay, dict(base_lr=2e-3, gamma=0.9), "ExponentialLR", dict(gamma=0.9), 2e-3),
    (cosine_annealing, dict(base_lr=0.1, total_steps=100), "CosineAnnealingLR", dict(T_max=100), 0.1),
    (cosine_annealing, dict(base_lr=1.0, total_steps=37, eta_min=1e-3), "CosineAnnealingLR",
     dict(T_max=37, eta_min=1e-3), 1.0),
    (cosine_annealing, dict(base_lr=0.5, total_steps=1), "CosineAnnealingLR", dict(T_max=1), 0.5),
    (cosine_warm_restarts, dict(base_lr=0.1, T_0=10), "CosineAnnealingWarmRestarts", dict(T_0=10), 0.1),
    (cosine_warm_restarts, dict(base_lr=1.0, T_0=5, T_mult=2, eta_min=1e-3), "CosineAnnealingWarmRestarts",
     dict(T_0=5, T_mult=2, eta_min=1e-3), 1.0),
    (cosine_warm_restarts, dict(base_lr=0.5, T_0=1, T_mult=3), "CosineAnnealingWarmRestarts",
     dict(T_0=1, T_mult=3), 0.5),
    (cyclic, dict(base_lr=1e-3, max_lr=0.1, step_size_up=20), "CyclicLR",
     dict(base_lr=1e-3, max_lr=0.1, step_size_up=20), 1e-3),
    (cyclic, dict(base_lr=0.01, max_lr=1.0, step_size_up=10, step_size_down=30, mode="triangular2"), "CyclicLR",
     dict(base_lr=0.01, max_lr=1.0, step_size_up=10, step_size_down=30, mode="triangular2"), 0.01),
    (cyclic, dict(base_lr=0.01, max_lr=1.0, step_size_up=15, mode="exp_range", gamma=0.99), "CyclicLR",
     dict(base_lr=0.01, max_lr=1.0, step_size_up=15, mode="exp_range", gamma=0.99), 0.01),
    (cyclic, dict(base_lr=0.1, max_lr=0.3, step_size_up=7, step_size_down=3), "CyclicLR",
     dict(base_lr=0.1, max_lr=0.3, step_size_up=7, step_size_down=3), 0.1),
    (one_cycle, dict(total_steps=300, max_lr=0.1), "OneCycleLR", dict(total_steps=300, max_lr=0.1), 0.1),
    (one_cycle, dict(total_steps=301, max_lr=1.0, pct_start=0.25, anneal_strategy="linear", div_factor=10.0,
                     final_div_factor=100.0), "OneCycleLR",
     dict(total_steps=301, max_lr=1.0, pct_start=0.25, anneal_strategy="linear", div_factor=10.0,
          final_div_factor=100.0), 1.0),
    (one_cycle, dict(total_steps=300, max_lr=0.5, three_phase=True), "OneCycleLR",
     dict(total_steps=300, max_lr=0.5, three_phase=True), 0.5),
    (one_cycle, dict(total_steps=30, max_lr=0.2, pct_start=0.05), "OneCycleLR",
     dict(total_steps=30, max_lr=0.2, pct_start=0.05), 0.2),
]


@pytest.mark.parametrize("ours, our_options, torch_name, torch_options, base_lr", TORCH_CASES,
                         ids=[f"{case[2]}-{i}" for i, case in enumerate(TORCH_CASES)])
def test_agrees_with_torch(torch, ours, our_options, torch_name, torch_options, base_lr):
    """Our closed form, step by step, equals torch's scheduler (tolerance: see the comment above)."""
    torch_class = getattr(torch.optim.lr_scheduler, torch_name)
    n = min(N_TORCH_STEPS, our_options.get("total_steps", N_TORCH_STEPS) if ours is one_cycle else N_TORCH_STEPS)
    theirs = torch_values(torch, lambda opt: torch_class(opt, **torch_options), lr=base_lr, n=n)
    mine = [ours(step, **our_options) for step in range(n)]
    np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-12 * base_lr)


@pytest.mark.parametrize("options", [dict(), dict(pct_start=0.25, anneal_strategy="linear"), dict(three_phase=True),
                                     dict(base_momentum=0.8, max_momentum=0.99, pct_start=0.4)])
def test_one_cycle_momentum_agrees_with_torch(torch, options):
    """Our momentum companion equals the momentum torch's OneCycleLR writes into SGD's param group."""
    theirs = torch_values(
        torch, lambda opt: torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=200, **options),
        n=200, key="momentum",
    )
    mine = [one_cycle_momentum(step, 200, **options) for step in range(200)]
    np.testing.assert_allclose(mine, theirs, rtol=1e-12)


@pytest.mark.parametrize("options", [
    dict(),
    dict(mode="max", patience=2, cooldown=3, factor=0.5),
    dict(patience=0, threshold_mode="abs", threshold=0.5, min_lr=1e-3),
    dict(patience=3, threshold=0.01, cooldown=1, min_lr=0.02, factor=0.3),
])
def test_plateau_agrees_with_torch(torch, options):
    """The same metrics give the same lr after every step, exactly (both do the same multiplications)."""
    rng = np.random.default_rng(0)
    metrics = (10.0 + np.cumsum(rng.integers(-2, 3, size=N_TORCH_STEPS))).tolist()  # a walk with plateaus
    param = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([param], lr=1.0)
    theirs_scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, **options)
    mine = ReduceLROnPlateau(1.0, **options)
    for metric in metrics:
        theirs_scheduler.step(metric)
        assert mine.step(metric) == optimizer.param_groups[0]["lr"]
    assert mine.lr < 1.0  # the walk did trigger cuts


@pytest.mark.parametrize("ours, torch_name", [
    (step_decay, "StepLR"), (cosine_annealing, "CosineAnnealingLR"),  # ExponentialLR: gamma has no default
    (cosine_warm_restarts, "CosineAnnealingWarmRestarts"), (cyclic, "CyclicLR"), (one_cycle, "OneCycleLR"),
    (one_cycle_momentum, "OneCycleLR"), (ReduceLROnPlateau, "ReduceLROnPlateau"),
])
def test_defaults_are_torchs(torch, ours, torch_name):
    """Every optional argument we share with torch's scheduler has torch's default."""
    theirs = inspect.signature(getattr(torch.optim.lr_scheduler, torch_name)).parameters
    shared = [p for p in inspect.signature(ours).parameters.values()
              if p.name in theirs and p.default is not inspect.Parameter.empty]
    assert shared
    for p in shared:
        assert p.default == theirs[p.name].default, p.name


# --- bad arguments ---------------------------------------------------------------------------------------

GOOD = dict(
    step_decay=dict(step=3, base_lr=0.1, step_size=10),
    exponential_decay=dict(step=3, base_lr=0.1, gamma=0.9),
    cosine_annealing=dict(step=3, base_lr=0.1, total_steps=10),
    cosine_warm_restarts=dict(step=3, base_lr=0.1, T_0=10),
    cyclic=dict(step=3, base_lr=0.01, max_lr=0.1, step_size_up=10),
    one_cycle=dict(step=3, total_steps=100, max_lr=0.1),
    one_cycle_momentum=dict(step=3, total_steps=100),
    ReduceLROnPlateau=dict(lr=0.1),
)
FUNCTIONS = {f.__name__: f for f in (step_decay, exponential_decay, cosine_annealing, cosine_warm_restarts, cyclic,
                                      one_cycle, one_cycle_momentum, ReduceLROnPlateau)}

BAD = [
    # (function name, the bad argument, its value, error)
    ("step_decay", "step", -1, ValueError),
    ("step_decay", "step", 1.0, TypeError),
    ("step_decay", "step", True, TypeError),
    ("step_decay", "base_lr", 0.0, ValueError),
    ("step_decay", "base_lr", -0.1, ValueError),
    ("step_decay", "base_lr", math.nan, ValueError),
    ("step_decay", "base_lr", "0.1", TypeError),
    ("step_decay", "step_size", 0, ValueError),
    ("step_decay", "gamma", 0.0, ValueError),
    ("step_decay", "gamma", 1.5, ValueError),
    ("exponential_decay", "gamma", -0.5, ValueError),
    ("exponential_decay", "gamma", math.inf, ValueError),
    ("exponential_decay", "base_lr", math.inf, ValueError),
    ("cosine_annealing", "total_steps", 0, ValueError),
    ("cosine_annealing", "total_steps", 10.0, TypeError),
    ("cosine_annealing", "eta_min", -1e-3, ValueError),
    ("cosine_annealing", "eta_min", 0.2, ValueError),
    ("cosine_warm_restarts", "T_0", 0, ValueError),
    ("cosine_warm_restarts", "T_mult", 0, ValueError),
    ("cosine_warm_restarts", "T_mult", 1.5, TypeError),
    ("cosine_warm_restarts", "step", -3, ValueError),
    ("cyclic", "max_lr", 0.001, ValueError),
    ("cyclic", "step_size_up", 0, ValueError),
    ("cyclic", "step_size_down", 0, ValueError),
    ("cyclic", "step_size_down", 2.5, TypeError),
    ("cyclic", "mode", "triangle", ValueError),
    ("cyclic", "mode", None, ValueError),
    ("cyclic", "gamma", 0.0, ValueError),
    ("cyclic", "gamma", 1.01, ValueError),
    ("one_cycle", "step", 100, ValueError),
    ("one_cycle", "step", -1, ValueError),
    ("one_cycle", "total_steps", 0, ValueError),
    ("one_cycle", "total_steps", 3, ValueError),  # pct_start · total_steps = 0.9: no warm-up step
    ("one_cycle", "max_lr", 0.0, ValueError),
    ("one_cycle", "pct_start", 0.0, ValueError),
    ("one_cycle", "pct_start", 1.0, ValueError),
    ("one_cycle", "pct_start", 0.01, ValueError),  # pct_start · total_steps = 1: torch divides by zero
    ("one_cycle", "pct_start", math.nan, ValueError),
    ("one_cycle", "anneal_strategy", "cosine", ValueError),
    ("one_cycle", "div_factor", 0.5, ValueError),
    ("one_cycle", "final_div_factor", 0.0, ValueError),
    ("one_cycle", "three_phase", 1, TypeError),
    ("one_cycle_momentum", "step", 101, ValueError),
    ("one_cycle_momentum", "base_momentum", 0.99, ValueError),
    ("one_cycle_momentum", "base_momentum", -0.1, ValueError),
    ("one_cycle_momentum", "max_momentum", 1.0, ValueError),
    ("one_cycle_momentum", "anneal_strategy", "lin", ValueError),
    ("ReduceLROnPlateau", "lr", 0.0, ValueError),
    ("ReduceLROnPlateau", "mode", "minimum", ValueError),
    ("ReduceLROnPlateau", "factor", 1.0, ValueError),
    ("ReduceLROnPlateau", "factor", 0.0, ValueError),
    ("ReduceLROnPlateau", "patience", -1, ValueError),
    ("ReduceLROnPlateau", "patience", 2.0, TypeError),
    ("ReduceLROnPlateau", "threshold", -1e-4, ValueError),
    ("ReduceLROnPlateau", "threshold", 1.0, ValueError),
    ("ReduceLROnPlateau", "threshold_mode", "relative", ValueError),
    ("ReduceLROnPlateau", "cooldown", -1, ValueError),
    ("ReduceLROnPlateau", "min_lr", 0.2, ValueError),
    ("ReduceLROnPlateau", "min_lr", -1.0, ValueError),
    ("ReduceLROnPlateau", "eps", -1e-8, ValueError),
    ("ReduceLROnPlateau", "eps", math.nan, ValueError),
]


@pytest.mark.parametrize("name, argument, value, error", BAD, ids=[f"{n}-{a}={v!r}" for n, a, v, _ in BAD])
def test_training_schedules_reject_bad_arguments_by_name(name, argument, value, error):
    """A bad value raises ValueError (a bad type TypeError) whose message names the argument."""
    FUNCTIONS[name](**GOOD[name])  # the good arguments are fine
    with pytest.raises(error, match=argument):
        FUNCTIONS[name](**{**GOOD[name], argument: value})


def test_three_phase_one_cycle_needs_room_for_its_third_phase():
    """pct_start 0.55 of 10 steps: torch's second phase would end at step 9 = total_steps − 1, so its third
    phase (down to min_lr) would never run; rejected, naming pct_start."""
    with pytest.raises(ValueError, match="pct_start"):
        one_cycle(0, 10, 0.1, pct_start=0.55, three_phase=True)


@pytest.mark.parametrize("metric, error", [("1.0", TypeError), (None, TypeError), (True, TypeError)])
def test_plateau_step_rejects_a_metric_that_is_not_a_number(metric, error):
    """step(metric) names the argument when it is not a real number."""
    with pytest.raises(error, match="metric"):
        ReduceLROnPlateau(0.1).step(metric)


@pytest.mark.parametrize("name", ["step_decay", "exponential_decay", "cosine_annealing", "cosine_warm_restarts",
                                  "cyclic", "one_cycle", "one_cycle_momentum"])
def test_numpy_arguments_give_a_python_float(name):
    """NumPy scalars in, a Python float out (a NumPy float64 lr would upcast float32 parameters)."""
    arguments = {k: (np.int64(v) if isinstance(v, int) else np.float32(v)) for k, v in GOOD[name].items()}
    assert type(FUNCTIONS[name](**arguments)) is float
    plateau = ReduceLROnPlateau(np.float32(0.1), patience=0)
    assert type(plateau.lr) is float and type(plateau.step(np.float64(1.0))) is float


# --- From a range test to a schedule ---------------------------------------------------------------


def range_result(accuracies, n=80):
    """A range test over 1e-5 … 1 with a textbook loss (flat, fall, blow-up) and the given accuracies."""
    lrs = range_lrs(1e-5, 1.0, n)
    x = np.log10(lrs)
    losses = 2.3 - 1.5 / (1 + np.exp(-4 * (x + 2))) + 3 * np.exp(4 * (x - 0.1))
    return RangeTestResult(lrs=lrs, losses=losses, smoothed=losses, accuracies=np.asarray(accuracies, float),
                           val_losses=None, stop_reason="completed", start_lr=1e-5, end_lr=1.0, num_iter=n)


def rising_accuracies(n=80, spike=None):
    """0.1 until step 40, +0.05 per step up to 0.9 at step 56, flat, then a fall after step 70."""
    acc = np.full(n, 0.1)
    acc[40:57] = 0.1 + 0.05 * np.arange(17)
    acc[57:70] = 0.9
    acc[70:] = 0.5
    if spike is not None:
        acc[spike] = 0.5
    return acc


def test_one_cycle_max_lr_is_the_rules_suggestion():
    result = range_result(rising_accuracies())
    for method in ("sma_derivative", "steep", "minimum"):
        assert one_cycle_max_lr(result, method) == suggest_lr(result, method).lr


@pytest.mark.parametrize("ratio", [3.0, 4.0, 10.0])
def test_cyclic_bounds_loss_rule(ratio):
    """max_lr is the rule's suggestion and base_lr = max_lr / ratio (Smith: 1/3 or 1/4)."""
    result = range_result(rising_accuracies())
    base_lr, max_lr = cyclic_bounds(result, ratio=ratio)
    assert max_lr == suggest_lr(result, "sma_derivative").lr and base_lr == max_lr / ratio


def test_cyclic_bounds_accuracy_rule_reads_the_rise():
    """With no averaging: the rise starts at the first step past 10% of it (0.1 → 0.18: step 42) and
    stops at the first step at the top (0.9: step 56); a spike on the plateau does not fool it."""
    for spike in (None, 5):
        result = range_result(rising_accuracies(spike=spike))
        base_lr, max_lr = cyclic_bounds(result, rule="accuracy", window=1)
        assert (base_lr, max_lr) == (result.lrs[42], result.lrs[56])


def test_cyclic_bounds_accuracy_rule_with_averaging_stays_inside_the_rise():
    result = range_result(rising_accuracies())
    base_lr, max_lr = cyclic_bounds(result, rule="accuracy")
    assert result.lrs[40] <= base_lr < max_lr <= result.lrs[69]


@pytest.mark.parametrize(
    "accuracies, words",
    [
        (np.full(80, np.nan), "finite batch accuracies"),
        (np.full(80, 0.3), "never rises"),
        (np.linspace(0.9, 0.1, 80), "never rises"),
        (np.r_[np.full(40, 0.1), np.full(40, 0.9)], "single step"),
    ],
)
def test_cyclic_bounds_accuracy_rule_says_why_it_cannot_answer(accuracies, words):
    with pytest.raises(NoSuggestionError, match=words):
        cyclic_bounds(range_result(accuracies), rule="accuracy", window=1)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"rule": "lowest"}, ValueError, "rule"),
        ({"ratio": 1.0}, ValueError, "ratio"),
        ({"ratio": "4"}, TypeError, "ratio"),
        ({"window": 0}, ValueError, "window"),
        ({"method": "best"}, ValueError, "method"),
    ],
)
def test_cyclic_bounds_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        cyclic_bounds(range_result(rising_accuracies()), **kwargs)
