"""Argument checks shared by the public functions: each error names the argument and its value."""

import math
import numbers


def check_real(name, value):
    """Return ``value`` as a Python float; TypeError if it is not a real number, ValueError if not finite."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} of type {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def check_positive_int(name, value, minimum=1):
    """Return ``value`` as a Python int >= ``minimum``; TypeError for non-integers (bool included)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} of type {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(value)


def check_choice(name, value, choices):
    """Return ``value`` if it is one of ``choices``; ValueError naming the argument otherwise."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {value!r}")
    return value
