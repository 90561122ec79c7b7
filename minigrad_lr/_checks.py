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


def check_callable(name, value):
    """Return ``value`` if it can be called (a loss, a model factory, ...); TypeError naming it otherwise."""
    if not callable(value):
        raise TypeError(f"{name} must be callable, got {value!r}")
    return value


def check_train_val(name, data):
    """Return ``data`` if it is a tuple or list ``(X_train, y_train, X_val, y_val)``; TypeError otherwise."""
    if not (isinstance(data, (tuple, list)) and len(data) == 4):
        raise TypeError(f"{name} must be a tuple (X_train, y_train, X_val, y_val), got {type(data).__name__}"
                        + (f" of length {len(data)}" if isinstance(data, (tuple, list)) else ""))
    return data


def check_lr_grid(name, value):
    """Return ``value`` as a non-empty 1-D float64 array of finite learning rates > 0 (a sweep's grid)."""
    try:
        lrs = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a 1-D array of learning rates, got {type(value).__name__}") from None
    if lrs.ndim != 1 or lrs.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {lrs.shape}")
    if not np.all(np.isfinite(lrs) & (lrs > 0)):
        raise ValueError(f"{name} must be finite and > 0, got {lrs.tolist()}")
    return lrs


def check_seeds(name, value):
    """Return ``value`` as a non-empty tuple of Python ints >= 0; TypeError for a single int (use range(n))."""
    if isinstance(value, (numbers.Integral, str, bytes)):
        raise TypeError(f"{name} must be a sequence of ints such as range(5), got {value!r}")
    seeds = tuple(check_positive_int(f"{name}[{i}]", seed, minimum=0) for i, seed in enumerate(value))
    if not seeds:
        raise ValueError(f"{name} must hold at least one seed, got an empty sequence")
    return seeds


def check_executor(name, value):
    """Return ``value`` if it is None or has a ``submit`` method (a ``concurrent.futures.Executor``)."""
    if value is not None and not callable(getattr(value, "submit", None)):
        raise TypeError(f"{name} must be a concurrent.futures.Executor (with submit), got {type(value).__name__}")
    return value
