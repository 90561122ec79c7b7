"""ReduceLROnPlateau: the lr cut when a metric stalls, as torch's ReduceLROnPlateau.

Expected values come from runs worked by hand, from properties (never up, patience, cooldown), or from
torch's scheduler fed the same metrics (skipped when torch is not installed, as in CI).
"""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from minigrad_lr.plateau import ReduceLROnPlateau

from schedule_helpers import (
    HUGE,
    N_TORCH_STEPS,
    as_numpy64,
    assert_names_argument_and_value,
    assert_rejects,
    assert_torch_defaults,
    hostile_cases,
)
from strategies import lrs as base_lrs


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

@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


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


def test_defaults_are_torchs(torch):
    """Every optional argument we share with torch's scheduler has torch's default."""
    assert_torch_defaults(torch, ReduceLROnPlateau, "ReduceLROnPlateau")


# --- bad arguments ---------------------------------------------------------------------------------------

GOOD = dict(lr=0.1)

BAD = [
    # (the bad argument, its value, error)
    ("lr", 0.0, ValueError),
    ("mode", "minimum", ValueError),
    ("factor", 1.0, ValueError),
    ("factor", 0.0, ValueError),
    ("patience", -1, ValueError),
    ("patience", 2.0, TypeError),
    ("threshold", -1e-4, ValueError),
    ("threshold", 1.0, ValueError),
    ("threshold_mode", "relative", ValueError),
    ("cooldown", -1, ValueError),
    ("min_lr", 0.2, ValueError),
    ("min_lr", -1.0, ValueError),
    ("eps", -1e-8, ValueError),
    ("eps", math.nan, ValueError),
]


@pytest.mark.parametrize("argument, value, error", BAD, ids=[f"{a}={v!r}" for a, v, _ in BAD])
def test_plateau_rejects_bad_arguments_by_name(argument, value, error):
    """A bad value raises ValueError (a bad type TypeError) whose message names the argument."""
    assert_rejects(ReduceLROnPlateau, GOOD, argument, value, error)


@pytest.mark.parametrize("metric, error", [("1.0", TypeError), (None, TypeError), (True, TypeError)])
def test_plateau_step_rejects_a_metric_that_is_not_a_number(metric, error):
    """step(metric) names the argument when it is not a real number."""
    with pytest.raises(error, match="metric"):
        ReduceLROnPlateau(0.1).step(metric)


def test_numpy_arguments_give_a_python_float():
    """NumPy scalars in, a Python float out (a NumPy float64 lr would upcast float32 parameters)."""
    plateau = ReduceLROnPlateau(np.float32(0.1), patience=0)
    assert type(plateau.lr) is float and type(plateau.step(np.float64(1.0))) is float


# --- hostile arguments: wrong types, NaN, ±inf, huge ints, for every argument -------------------------

FULL = dict(lr=0.1, mode="max", factor=0.5, patience=2, threshold=1e-3, threshold_mode="abs", cooldown=1,
            min_lr=0.001, eps=1e-9)
HOSTILE_CASES = hostile_cases(ReduceLROnPlateau, dict(
    lr="real", mode="choice", factor="real", patience="int", threshold="real", threshold_mode="choice",
    cooldown="int", min_lr="real", eps="real"))


@pytest.mark.parametrize("function, argument, value, error", HOSTILE_CASES)
def test_hostile_arguments_are_rejected_naming_argument_and_value(function, argument, value, error):
    """Every wrong type (str, None, list, bool, a float for an int) is a TypeError, every NaN, ±inf, int too large
    for float64 or negative count a ValueError; the message names the argument and the value."""
    assert_names_argument_and_value(function, FULL, argument, value, error)


@pytest.mark.parametrize("metric, error", [([1.0], TypeError), (np.array(1.0), TypeError), (1 + 0j, TypeError),
                                           (HUGE, ValueError)])
def test_plateau_step_rejects_a_metric_that_no_float_holds(metric, error):
    """A list, an array, a complex number: TypeError; an int too large for float64: ValueError. Both name it."""
    with pytest.raises(error, match="metric"):
        ReduceLROnPlateau(0.1).step(metric)


@pytest.mark.parametrize("metric", [math.nan, math.inf, -math.inf, np.float64(math.nan)])
def test_plateau_step_takes_non_finite_metrics_as_torch_does(metric):
    """NaN is never an improvement (a bad epoch); in "min" mode +inf is not one either, −inf is."""
    plateau = ReduceLROnPlateau(0.1, patience=0)
    plateau.step(1.0)
    plateau.step(metric)
    assert plateau.num_bad_epochs == 0 and (plateau.lr == 0.1) == (metric == -math.inf)


def test_numpy_scalars_are_numbers():
    """np.float64 and np.int64 arguments give exactly what Python floats and ints give."""
    ours, theirs = ReduceLROnPlateau(**as_numpy64(FULL)), ReduceLROnPlateau(**FULL)
    for metric in (1.0, 0.5, 0.5, 0.5, 0.5, 2.0):
        assert ours.step(np.float64(metric)) == theirs.step(metric)
