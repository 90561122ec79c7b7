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


def check_beta(name, value):
    """Return ``value`` as a Python float in [0, 1), a smoothing factor β (0: no smoothing)."""
    value = check_real(name, value)
    if not 0 <= value < 1:
        raise ValueError(f"the smoothing factor {name} must be in [0, 1) (0: no smoothing), got {value!r}")
    return value


def check_stop_factor(name, value):
    """Return ``value`` as a Python float > 1, or None (the range test's stop rule turned off)."""
    if value is None:
        return None
    value = check_real(name, value)
    if value <= 1:
        raise ValueError(f"{name} must be > 1 (or None to disable the rule), got {value!r}")
    return value


def check_val_batches(name, value):
    """Return ``value`` as a non-empty list of (x, y) pairs, or None."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
        raise TypeError(f"{name} must be a list of (x, y) pairs, got {type(value).__name__}")
    value = list(value)
    if not value:
        raise ValueError(f"{name} must hold at least one (x, y) pair, got an empty list")
    for j, pair in enumerate(value):
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise TypeError(f"{name}[{j}] must be an (x, y) pair, got {type(pair).__name__}")
    return value


def check_curve(name, value):
    """Return ``value`` as a 1-D float64 array (a copy only when the dtype changes)."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a 1-D array of numbers, got {type(value).__name__}") from None
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {array.shape}")
    return array


def check_lrs_and_losses(lrs, losses):
    """Return a range test's curve as two 1-D float64 arrays of one length, lrs positive, finite, increasing."""
    lrs, losses = check_curve("lrs", lrs), check_curve("losses", losses)
    if lrs.shape != losses.shape:
        raise ValueError(f"lrs and losses must have the same length, got {lrs.size} and {losses.size}")
    if not (np.all(np.isfinite(lrs)) and np.all(lrs > 0)):
        raise ValueError(f"lrs must be positive and finite, got min {lrs.min()!r}, max {lrs.max()!r}")
    if np.any(np.diff(lrs) <= 0):
        raise ValueError("lrs must be strictly increasing, as a range test records them")
    return lrs, losses


def check_skip_window(n, skip_start, skip_end):
    """Return the window ``[skip_start, n − skip_end)`` of a curve of n points (possibly empty); both ints >= 0."""
    skip_start = check_positive_int("skip_start", skip_start, minimum=0)
    skip_end = check_positive_int("skip_end", skip_end, minimum=0)
    return skip_start, n - skip_end
