"""Every argument check of the package, in one place: each error names the argument and its value.

A check takes the argument's name (as the caller spells it, e.g. ``"betas[0]"``) and its value, and
returns the value converted to a plain Python type (float, int, bool), so that a NumPy scalar never
reaches an update rule and silently changes a float32 array into float64. It raises ``TypeError``
for a value of the wrong type and ``ValueError`` for a value of the right type but out of range.
"""

import math
import numbers

import numpy as np


def check_real(name, value):
    """Return ``value`` as a Python float; TypeError if it is not a real number, ValueError if not finite."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} of type {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def check_non_negative(name, value):
    """Return ``value`` as a finite Python float >= 0."""
    value = check_real(name, value)
    if value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return value


def check_positive(name, value):
    """Return ``value`` as a finite Python float > 0."""
    value = check_real(name, value)
    if value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return value


def check_fraction(name, value):
    """Return ``value`` as a Python float in [0, 1) (a decay rate such as β or α)."""
    value = check_real(name, value)
    if not 0 <= value < 1:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")
    return value


def check_positive_int(name, value, minimum=1):
    """Return ``value`` as a Python int >= ``minimum``; TypeError for non-integers (bool included)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} of type {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(value)


def check_flag(name, value):
    """Return ``value`` as a Python bool; TypeError for anything but True/False (no truthy strings)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_choice(name, value, choices):
    """Return ``value`` if it is one of ``choices``; ValueError naming the argument otherwise."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {value!r}")
    return value


def check_number(name, value):
    """Return ``value`` as a Python float; TypeError if it is not a real number. NaN and ±inf pass (a metric)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} of type {type(value).__name__}")
    return float(value)


def check_decay(name, value):
    """Return ``value`` as a Python float in (0, 1] (a factor that shrinks, such as a decay's γ)."""
    value = check_real(name, value)
    if not 0 < value <= 1:
        raise ValueError(f"{name} must be in (0, 1], got {value!r}")
    return value


def check_open_fraction(name, value):
    """Return ``value`` as a Python float in (0, 1), both ends excluded."""
    value = check_real(name, value)
    if not 0 < value < 1:
        raise ValueError(f"{name} must be in (0, 1), got {value!r}")
    return value


def check_up_to(name, value, limit_name, limit):
    """Return ``value`` as a Python float in [0, limit], where ``limit`` is the argument ``limit_name``."""
    value = check_real(name, value)
    if not 0 <= value <= limit:
        raise ValueError(f"{name} must be in [0, {limit_name}={limit!r}], got {value!r}")
    return value


def _bound(bound, bound_name):
    """How an error message names a bound: ``base_lr=0.01`` for an argument, ``1.0`` for a constant."""
    return f"{bound!r}" if bound_name is None else f"{bound_name}={bound!r}"


def check_at_least(name, value, bound, bound_name=None):
    """Return ``value`` as a Python float >= ``bound`` (a constant, or the argument ``bound_name``)."""
    value = check_real(name, value)
    if value < bound:
        raise ValueError(f"{name} must be >= {_bound(bound, bound_name)}, got {value!r}")
    return value


def check_greater(name, value, bound, bound_name=None):
    """Return ``value`` as a Python float > ``bound`` (a constant, or the argument ``bound_name``)."""
    value = check_real(name, value)
    if value <= bound:
        raise ValueError(f"{name} must be > {_bound(bound, bound_name)}, got {value!r}")
    return value


def check_one_cycle(step, total_steps, pct_start, anneal_strategy, three_phase):
    """Return the arguments 1cycle's lr and momentum share, as Python values.

    ``0 <= step < total_steps`` (torch's ``OneCycleLR`` raises past the end); ``pct_start`` in (0, 1) with
    ``pct_start · total_steps > 1``, so that the warm-up ends after step 0; with ``three_phase``,
    ``2 · pct_start · total_steps − 2 < total_steps − 1``, so that the third phase has steps.
    """
    total_steps = check_positive_int("total_steps", total_steps)
    step = check_positive_int("step", step, minimum=0)
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
