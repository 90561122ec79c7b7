"""Checks of plain values: numbers, counts, flags, choices, names, callables and paths.

Each returns the value as a plain Python type (float, int, bool), so that a NumPy scalar never reaches
an update rule and silently turns a float32 array into float64.
"""

import inspect
import math
import numbers
import os

import numpy as np


def check_real(name, value):
    """Return ``value`` as a Python float; TypeError if it is not a real number, ValueError if not finite.

    A ``Suggestion`` counts as its lr, so that ``SGD(params, lr=result.suggest())`` works.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        from ..rules import Suggestion  # here, not at the top: rules itself imports this module

        if isinstance(value, Suggestion):
            return check_real(name, value.lr)
        raise TypeError(f"{name} must be a real number, got {value!r} of type {type(value).__name__}")
    value = to_float(name, value)
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
    """Return ``value`` as a Python float in [0, 1) (a decay rate such as β or α, a smoothing factor)."""
    value = check_real(name, value)
    if not 0 <= value < 1:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")
    return value


def check_open_fraction(name, value):
    """Return ``value`` as a Python float in (0, 1), both ends excluded."""
    value = check_real(name, value)
    if not 0 < value < 1:
        raise ValueError(f"{name} must be in (0, 1), got {value!r}")
    return value


def check_decay(name, value):
    """Return ``value`` as a Python float in (0, 1] (a factor that shrinks, such as a decay's γ)."""
    value = check_real(name, value)
    if not 0 < value <= 1:
        raise ValueError(f"{name} must be in (0, 1], got {value!r}")
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


def check_number(name, value):
    """Return ``value`` as a Python float; TypeError if it is not a real number. NaN and ±inf pass (a metric)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} of type {type(value).__name__}")
    return to_float(name, value)


def show_int(value):
    """An int as an error message shows it: in full, or by its size when it is too long to read (or to print)."""
    return repr(value) if value.bit_length() <= 128 else f"an int of {value.bit_length()} bits"


def to_float(name, value):
    """``float(value)`` for a real number; ValueError naming ``name`` when it is too large for float64."""
    try:
        return float(value)
    except OverflowError:
        shown = show_int(value) if isinstance(value, numbers.Integral) else repr(value)
        raise ValueError(f"{name} must fit in a float64, got {shown}") from None


MAX_STEP = 2**53  # float64 holds every integer up to 2**53 exactly; the schedules compute with float(step)


def check_step(name, value, minimum=0):
    """Return ``value`` as a Python int in [minimum, 2**53]: a count of steps, which the schedules use as a float."""
    value = check_positive_int(name, value, minimum)
    if value > MAX_STEP:
        raise ValueError(f"{name} must be <= 2**53 (the largest count float64 holds exactly), got {show_int(value)}")
    return value


def check_positive_int(name, value, minimum=1):
    """Return ``value`` as a Python int >= ``minimum``; TypeError for non-integers (bool included)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} of type {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(value)


def check_betas(name, betas):
    """Return ``betas`` (a tuple, list or 1-D array) as a pair of Python floats, each in [0, 1) (Adam's β1, β2)."""
    if not (isinstance(betas, (tuple, list)) or isinstance(betas, np.ndarray) and betas.ndim == 1) or len(betas) != 2:
        raise TypeError(f"{name} must be a pair (beta1, beta2), got {betas!r}")
    return (check_fraction(f"{name}[0]", betas[0]), check_fraction(f"{name}[1]", betas[1]))


def check_growth_rate(name, value):
    """Return ``value`` as a Python float >= 1, ``inf`` allowed: the largest factor of growth in one step."""
    value = check_number(name, value)
    if not value >= 1:  # also rejects nan
        raise ValueError(f"{name} must be >= 1 (inf for no limit), got {value!r}")
    return value


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


def check_string(name, value):
    """Return ``value`` if it is a str (a name); TypeError otherwise."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {value!r} of type {type(value).__name__}")
    return value


def check_names(name, value, choices):
    """Return ``value`` as a tuple of entries of ``choices`` (e.g. method names); a single str is a TypeError."""
    if isinstance(value, str):
        raise TypeError(f"{name} must be a sequence of names such as ({choices[0]!r},), got the string {value!r}")
    try:
        names = tuple(value)
    except TypeError:
        raise TypeError(f"{name} must be a sequence of names such as ({choices[0]!r},), got {value!r}") from None
    for entry in names:
        check_choice(f"each of {name}", entry, choices)
    return names


def check_callable(name, value):
    """Return ``value`` if it can be called (a loss, a model factory, ...); TypeError naming it otherwise."""
    if not callable(value):
        raise TypeError(f"{name} must be callable, got {value!r}")
    return value


def check_no_argument_callable(name, value):
    """Return ``value`` if it can be called with no arguments (such as ``lambda: loss(...)``); TypeError otherwise."""
    check_callable(name, value)
    try:
        inspect.signature(value).bind()
    except TypeError:
        raise TypeError(f"{name} must take no arguments (e.g. lambda: loss(model(X), y)[0]), "
                        f"got one with signature {inspect.signature(value)}") from None
    except ValueError:  # some built-ins have no signature to read: let the call decide
        pass
    return value


def check_path(name, value):
    """Return ``value`` (a str or os.PathLike, not empty) as a str, for a file to read or write."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a str or os.PathLike (a file path), got {value!r} of type "
                        f"{type(value).__name__}")
    value = os.fsdecode(os.fspath(value))
    if not value:
        raise ValueError(f"{name} must name a file, got an empty path")
    return value


def check_executor(name, value):
    """Return ``value`` if it is None or has a ``submit`` method (a ``concurrent.futures.Executor``)."""
    if value is not None and not callable(getattr(value, "submit", None)):
        raise TypeError(f"{name} must be a concurrent.futures.Executor (with submit), got {type(value).__name__}")


def check_seeds(name, value):
    """Return ``value`` as a non-empty tuple of Python ints >= 0; TypeError for a single int (use range(n))."""
    if isinstance(value, (numbers.Integral, str, bytes)):
        raise TypeError(f"{name} must be a sequence of ints such as range(5), got {value!r}")
    seeds = tuple(check_positive_int(f"{name}[{i}]", seed, minimum=0) for i, seed in enumerate(value))
    if not seeds:
        raise ValueError(f"{name} must hold at least one seed, got an empty sequence")
    return seeds
