"""Cyclical schedules: CLR's triangles, 1cycle and its momentum, as torch's CyclicLR and OneCycleLR.

Expected values come from the formulas worked by hand, from properties (bounds, periods, halving, mirror
images), or from torch's schedulers driving a dummy optimizer (skipped when torch is not installed, as in CI).
"""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from minigrad_lr.cyclical import cyclic, one_cycle, one_cycle_momentum

from schedule_helpers import (
    N_TORCH_STEPS,
    as_numpy,
    as_numpy64,
    assert_names_argument_and_value,
    assert_rejects,
    assert_torch_defaults,
    hostile_cases,
    torch_values,
    within,
)
from strategies import lrs as base_lrs
from strategies import period_lengths
from strategies import schedule_steps as any_steps

# Extra strategies (local to this file).
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


# --- agreement with torch.optim.lr_scheduler (skipped when torch is not installed, as in CI) ----------
#
# CyclicLR finds the position in the cycle in floating point (x = 1 + step/period − cycle) where we use
# integers (measured over 300 steps: up to 1.3e-14 relative); torch's closed form of OneCycleLR agrees
# exactly. We compare to rtol 1e-12, with an absolute floor of 1e-12 · base_lr for values at or near 0.


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


TORCH_CASES = [
    # (our function, its keyword arguments, torch class name, torch's keyword arguments, base lr)
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
    n = min(N_TORCH_STEPS, our_options.get("total_steps", N_TORCH_STEPS))  # 1cycle ends at total_steps
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


@pytest.mark.parametrize("ours, torch_name", [
    (cyclic, "CyclicLR"), (one_cycle, "OneCycleLR"), (one_cycle_momentum, "OneCycleLR"),
])
def test_defaults_are_torchs(torch, ours, torch_name):
    """Every optional argument we share with torch's scheduler has torch's default."""
    assert_torch_defaults(torch, ours, torch_name)


# --- bad arguments ---------------------------------------------------------------------------------------

GOOD = dict(
    cyclic=dict(step=3, base_lr=0.01, max_lr=0.1, step_size_up=10),
    one_cycle=dict(step=3, total_steps=100, max_lr=0.1),
    one_cycle_momentum=dict(step=3, total_steps=100),
)
FUNCTIONS = {f.__name__: f for f in (cyclic, one_cycle, one_cycle_momentum)}

BAD = [
    # (function name, the bad argument, its value, error)
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
]


@pytest.mark.parametrize("name, argument, value, error", BAD, ids=[f"{n}-{a}={v!r}" for n, a, v, _ in BAD])
def test_cyclical_schedules_reject_bad_arguments_by_name(name, argument, value, error):
    """A bad value raises ValueError (a bad type TypeError) whose message names the argument."""
    assert_rejects(FUNCTIONS[name], GOOD[name], argument, value, error)


def test_three_phase_one_cycle_needs_room_for_its_third_phase():
    """pct_start 0.55 of 10 steps: torch's second phase would end at step 9 = total_steps − 1, so its third
    phase (down to min_lr) would never run; rejected, naming pct_start."""
    with pytest.raises(ValueError, match="pct_start"):
        one_cycle(0, 10, 0.1, pct_start=0.55, three_phase=True)


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_numpy_arguments_give_a_python_float(name):
    """NumPy scalars in, a Python float out (a NumPy float64 lr would upcast float32 parameters)."""
    assert type(FUNCTIONS[name](**as_numpy(GOOD[name]))) is float


# --- hostile arguments: wrong types, NaN, ±inf, huge ints, for every argument -------------------------

FULL = dict(
    cyclic=dict(step=3, base_lr=0.01, max_lr=0.1, step_size_up=10, step_size_down=5, mode="exp_range", gamma=0.99),
    one_cycle=dict(step=3, total_steps=100, max_lr=0.1, pct_start=0.3, anneal_strategy="linear", div_factor=25.0,
                   final_div_factor=1e4, three_phase=True),
    one_cycle_momentum=dict(step=3, total_steps=100, pct_start=0.3, anneal_strategy="linear", base_momentum=0.85,
                            max_momentum=0.95, three_phase=True),
)
HOSTILE_CASES = (
    hostile_cases(cyclic, dict(step="step", base_lr="real", max_lr="real", step_size_up="step",
                               step_size_down="step", mode="choice", gamma="real"))
    + hostile_cases(one_cycle, dict(step="step", total_steps="step", max_lr="real", pct_start="real",
                                    anneal_strategy="choice", div_factor="real", final_div_factor="real",
                                    three_phase="flag"))
    + hostile_cases(one_cycle_momentum, dict(step="step", total_steps="step", pct_start="real",
                                             anneal_strategy="choice", base_momentum="real", max_momentum="real",
                                             three_phase="flag"))
)
HOSTILE_CASES = [case for case in HOSTILE_CASES if case.id != "cyclic-step_size_down=None"]  # None: step_size_up


@pytest.mark.parametrize("function, argument, value, error", HOSTILE_CASES)
def test_hostile_arguments_are_rejected_naming_argument_and_value(function, argument, value, error):
    """Every wrong type (str, None, list, bool, a float for an int) is a TypeError, every NaN, ±inf, int too large
    for float64, negative count or count past 2**53 a ValueError; the message names the argument and the value."""
    assert_names_argument_and_value(function, FULL[function.__name__], argument, value, error)


@pytest.mark.parametrize("name", list(FULL))
def test_numpy_scalars_are_numbers(name):
    """np.float64 and np.int64 arguments give exactly what Python floats and ints give."""
    function = FUNCTIONS[name]
    assert function(**as_numpy64(FULL[name])) == function(**FULL[name])


def test_steps_up_to_2_to_the_53_are_fine():
    """The largest count float64 holds exactly is a valid step and total_steps."""
    last = 2**53 - 1
    assert 0.01 <= cyclic(last, 0.01, 0.1, 2**52, mode="exp_range", gamma=0.5) <= 0.1
    assert one_cycle(last, 2**53, 0.1) == pytest.approx(0.1 / 25 / 1e4)
    assert one_cycle_momentum(last, 2**53) == pytest.approx(0.95)
