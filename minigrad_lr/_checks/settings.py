"""Checks of a schedule's arguments that need more than one number: the range test's lrs, 1cycle's
phases, the stop rule's factor."""

import math

import numpy as np

from .values import (
    check_choice,
    check_flag,
    check_greater,
    check_open_fraction,
    check_positive,
    check_positive_int,
    check_real,
    check_step,
    show_int,
)

RANGE_MODES = ("exp", "linear")


def check_range(start_lr, end_lr, num_iter, mode):
    """Return the range test's schedule as Python values: 0 < start_lr < end_lr, num_iter >= 2, mode in RANGE_MODES.

    Also ValueError when float64 cannot hold the schedule: fewer than ``num_iter`` float64 values lie between
    ``start_lr`` and ``end_lr``, or (mode "exp") the ratio ``end_lr / start_lr`` overflows.
    """
    start_lr = check_positive("start_lr", start_lr)
    end_lr = check_greater("end_lr", end_lr, start_lr, "start_lr")
    num_iter = check_positive_int("num_iter", num_iter, minimum=2)
    mode = check_choice("mode", mode, RANGE_MODES)
    # Positive float64s are ordered as their bit patterns read as integers: this counts those in [start, end].
    start_bits, end_bits = np.array([start_lr, end_lr]).view(np.int64).tolist()
    available = end_bits - start_bits + 1
    if num_iter > available:
        raise ValueError(
            f"start_lr={start_lr!r} and end_lr={end_lr!r} are too close for num_iter={show_int(num_iter)} "
            f"distinct learning rates: float64 has only {available} values from one to the other; "
            "widen the range or lower num_iter"
        )
    if mode == "exp" and not math.isfinite(end_lr / start_lr):
        raise ValueError(
            f"the ratio end_lr / start_lr = {end_lr!r} / {start_lr!r} overflows float64, and mode='exp' "
            "multiplies start_lr by its powers; raise start_lr, lower end_lr, or use mode='linear'"
        )
    return start_lr, end_lr, num_iter, mode


def check_one_cycle(step, total_steps, pct_start, anneal_strategy, three_phase):
    """Return the arguments 1cycle's lr and momentum share, as Python values.

    ``0 <= step < total_steps`` (torch's ``OneCycleLR`` raises past the end); ``pct_start`` in (0, 1) with
    ``pct_start · total_steps > 1``, so that the warm-up ends after step 0; with ``three_phase``,
    ``2 · pct_start · total_steps − 2 < total_steps − 1``, so that the third phase has steps.
    """
    total_steps = check_step("total_steps", total_steps, minimum=1)
    step = check_step("step", step)
    if step >= total_steps:
        raise ValueError(
            f"step must be < total_steps={total_steps} (torch's OneCycleLR raises past the end), got {step}"
        )
    pct_start = check_open_fraction("pct_start", pct_start)
    if float(pct_start * total_steps) <= 1:
        raise ValueError(
            f"pct_start * total_steps must be > 1 so that the warm-up ends after step 0, got "
            f"pct_start={pct_start!r} * total_steps={total_steps} = {pct_start * total_steps!r}"
        )
    anneal_strategy = check_choice("anneal_strategy", anneal_strategy, ("cos", "linear"))
    three_phase = check_flag("three_phase", three_phase)
    if three_phase and float(2 * pct_start * total_steps) - 2 >= total_steps - 1:
        raise ValueError(
            f"with three_phase=True, pct_start must leave steps for the third phase "
            f"(2 * pct_start * total_steps - 2 < total_steps - 1), got pct_start={pct_start!r}, "
            f"total_steps={total_steps}"
        )
    return step, total_steps, pct_start, anneal_strategy, three_phase


def check_stop_factor(name, value):
    """Return ``value`` as a Python float > 1, or None (the range test's stop rule turned off)."""
    if value is None:
        return None
    value = check_real(name, value)
    if value <= 1:
        raise ValueError(f"{name} must be > 1 (or None to disable the rule), got {value!r}")
    return value
