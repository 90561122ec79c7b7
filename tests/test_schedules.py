"""Schedules: the range test's ``range_lrs``, then the decays of torch.optim.lr_scheduler (step, exponential,
cosine, warm restarts).

Expected values come from the formulas worked by hand, from properties (bounds, periods, restarts), or from
torch's schedulers driving a dummy optimizer (skipped when torch is not installed, as in CI).
"""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from minigrad_lr.schedules import cosine_annealing, cosine_warm_restarts, exponential_decay, range_lrs, step_decay

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
        ((1.0, 1.0 + 1e-15, 100, "exp"), ValueError, r"num_iter=100 .* float64 has only 6 values"),
        ((1.5, 1.5000000000000004, 3, "exp"), ValueError, r"too close .* \(mode='exp' rounds two steps"),
        ((1e-300, 1e300, 100, "exp"), ValueError, r"ratio end_lr / start_lr = 1e\+300 / 1e-300 overflows float64"),
        ((5e-324, 1.0, 10, "exp"), ValueError, "ratio end_lr / start_lr .* overflows"),
        ((1e-7, 10.0, 10**30, "exp"), ValueError, "num_iter=1000000000000000000000000000000"),
        ((10**400, 10**401, 10, "exp"), ValueError, "start_lr must fit in a float64"),
        ((1e-3, 1.0, np.float64(10.0), "exp"), TypeError, "num_iter"),
        ((1e-3, None, 10, "exp"), TypeError, "end_lr"),
        ((1e-3, 1.0, 10, None), ValueError, "mode"),
    ],
)
def test_bad_arguments_are_rejected_by_name(args, error, words):
    with pytest.raises(error, match=words):
        range_lrs(*args)


def test_a_range_too_wide_for_exp_is_fine_for_linear():
    """1e-300 → 1e300 overflows exp's ratio, but linear steps of 1e300/99 are ordinary floats."""
    lrs = range_lrs(1e-300, 1e300, 100, "linear")
    assert lrs[0] == 1e-300 and lrs[-1] == 1e300 and np.all(np.diff(lrs) > 0)


def test_numpy_scalars_give_the_same_range():
    """np.float64 lrs and an np.int64 num_iter are numbers like any other."""
    expected = range_lrs(1e-4, 1.0, 7)
    assert range_lrs(np.float64(1e-4), np.float64(1.0), np.int64(7)).tobytes() == expected.tobytes()


# ==================================================================================================
# Training schedules: step, exponential, cosine, warm restarts
# ==================================================================================================

# Extra strategies (local to this file).
short_steps = st.integers(min_value=0, max_value=200)  # short enough that gamma**step stays a normal float
decays = st.floats(min_value=0.1, max_value=1.0)  # gamma in (0, 1]
fractions = st.floats(min_value=0.0, max_value=1.0)  # eta_min = fraction · base_lr


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
    assert cosine_annealing(step + 2 * total, base_lr, total, eta_min) == pytest.approx(
        lr, rel=1e-9, abs=1e-12 * base_lr
    )
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


# --- agreement with torch.optim.lr_scheduler (skipped when torch is not installed, as in CI) ----------
#
# StepLR, ExponentialLR and CosineAnnealingLR are chainable: they update the previous lr, so their rounding
# accumulates over the steps (measured over 300 steps: up to 2e-15 relative); torch's closed form of the warm
# restarts agrees exactly. We compare to rtol 1e-12, with an absolute floor of 1e-12 · base_lr for values at
# or near 0 (cosine minima).


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


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
]


@pytest.mark.parametrize("ours, our_options, torch_name, torch_options, base_lr", TORCH_CASES,
                         ids=[f"{case[2]}-{i}" for i, case in enumerate(TORCH_CASES)])
def test_agrees_with_torch(torch, ours, our_options, torch_name, torch_options, base_lr):
    """Our closed form, step by step, equals torch's scheduler (tolerance: see the comment above)."""
    torch_class = getattr(torch.optim.lr_scheduler, torch_name)
    theirs = torch_values(torch, lambda opt: torch_class(opt, **torch_options), lr=base_lr)
    mine = [ours(step, **our_options) for step in range(N_TORCH_STEPS)]
    np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-12 * base_lr)


@pytest.mark.parametrize("ours, torch_name", [
    (step_decay, "StepLR"), (cosine_annealing, "CosineAnnealingLR"),  # ExponentialLR: gamma has no default
    (cosine_warm_restarts, "CosineAnnealingWarmRestarts"),
])
def test_defaults_are_torchs(torch, ours, torch_name):
    """Every optional argument we share with torch's scheduler has torch's default."""
    assert_torch_defaults(torch, ours, torch_name)


# --- bad arguments ---------------------------------------------------------------------------------------

GOOD = dict(
    step_decay=dict(step=3, base_lr=0.1, step_size=10),
    exponential_decay=dict(step=3, base_lr=0.1, gamma=0.9),
    cosine_annealing=dict(step=3, base_lr=0.1, total_steps=10),
    cosine_warm_restarts=dict(step=3, base_lr=0.1, T_0=10),
)
FUNCTIONS = {f.__name__: f for f in (step_decay, exponential_decay, cosine_annealing, cosine_warm_restarts)}

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
]


@pytest.mark.parametrize("name, argument, value, error", BAD, ids=[f"{n}-{a}={v!r}" for n, a, v, _ in BAD])
def test_training_schedules_reject_bad_arguments_by_name(name, argument, value, error):
    """A bad value raises ValueError (a bad type TypeError) whose message names the argument."""
    assert_rejects(FUNCTIONS[name], GOOD[name], argument, value, error)


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_numpy_arguments_give_a_python_float(name):
    """NumPy scalars in, a Python float out (a NumPy float64 lr would upcast float32 parameters)."""
    assert type(FUNCTIONS[name](**as_numpy(GOOD[name]))) is float


# --- hostile arguments: wrong types, NaN, ±inf, huge ints, for every argument -------------------------

FULL = {**GOOD, "range_lrs": dict(start_lr=1e-3, end_lr=1.0, num_iter=10, mode="exp")}
FULL["step_decay"] = {**GOOD["step_decay"], "gamma": 0.5}
FULL["cosine_annealing"] = {**GOOD["cosine_annealing"], "eta_min": 0.01}
FULL["cosine_warm_restarts"] = {**GOOD["cosine_warm_restarts"], "T_mult": 2, "eta_min": 0.01}
HOSTILE_CASES = (
    hostile_cases(range_lrs, dict(start_lr="real", end_lr="real", num_iter="int", mode="choice"))
    + hostile_cases(step_decay, dict(step="step", base_lr="real", step_size="step", gamma="real"))
    + hostile_cases(exponential_decay, dict(step="step", base_lr="real", gamma="real"))
    + hostile_cases(cosine_annealing, dict(step="step", base_lr="real", total_steps="step", eta_min="real"))
    + hostile_cases(cosine_warm_restarts, dict(step="step", base_lr="real", T_0="step", T_mult="step", eta_min="real"))
)


@pytest.mark.parametrize("function, argument, value, error", HOSTILE_CASES)
def test_hostile_arguments_are_rejected_naming_argument_and_value(function, argument, value, error):
    """Every wrong type (str, None, list, bool, a float for an int) is a TypeError, every NaN, ±inf, int too large
    for float64, negative count or count past 2**53 a ValueError; the message names the argument and the value."""
    assert_names_argument_and_value(function, FULL[function.__name__], argument, value, error)


@pytest.mark.parametrize("name", [name for name in FULL if name != "range_lrs"])
def test_numpy_scalars_are_numbers(name):
    """np.float64 and np.int64 arguments give exactly what Python floats and ints give."""
    function = FUNCTIONS[name]
    assert function(**as_numpy64(FULL[name])) == function(**FULL[name])


def test_steps_up_to_2_to_the_53_are_fine():
    """The largest count float64 holds exactly is a valid step: the decays underflow, the cosines stay in range."""
    step = 2**53
    assert exponential_decay(step, 0.1, 0.9) == 0.0 and step_decay(step, 0.1, 1, 0.5) == 0.0
    assert 0.0 <= cosine_annealing(step, 0.1, step) <= 0.1
    assert 0.0 <= cosine_warm_restarts(step, 0.1, 1, step) <= 0.1
