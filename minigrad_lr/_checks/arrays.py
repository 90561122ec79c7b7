"""Checks of arrays: real and finite arrays, data sets, a range test's curve, a sweep's grid of lrs."""

import math
import numbers

import numpy as np

from .values import check_positive_int


def check_real_array(name, value, kinds="biuf"):
    """Return ``np.asarray(value)`` if it holds real numbers of the dtype kinds ``kinds`` (b bool, i int,
    u unsigned, f float); TypeError for complex, object or string data, ValueError for a ragged list."""
    try:
        array = np.asarray(value)
    except ValueError:
        raise ValueError(f"{name} must be a rectangular array, got a ragged {type(value).__name__} "
                         "(rows of different lengths)") from None
    if array.dtype.kind not in kinds:
        what = "real numbers (bool, int or float)" if "b" in kinds else "numbers (int or float)"
        raise TypeError(f"{name} must hold {what}, got dtype {array.dtype}"
                        + (f" ({type(value).__name__})" if not isinstance(value, np.ndarray) else ""))
    return array


def check_finite_array(name, array):
    """ValueError unless every entry of the real ndarray ``array`` is finite; the message counts the others."""
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        bad = np.count_nonzero(~np.isfinite(array))
        raise ValueError(f"{name} must be finite, got {bad} NaN or inf value(s)")
    return array


def check_float_ndarray(name, value, dtype=None):
    """Return ``value`` if it is an ndarray of a float dtype (of ``dtype`` when given); TypeError otherwise.

    A layer takes its arrays as they are, so that nothing changes dtype silently (``MLP.forward``
    converts its input first; a layer used on its own does not).
    """
    if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
        raise TypeError(f"{name} must be an ndarray of floats, got {type(value).__name__}"
                        + (f" of dtype {value.dtype}" if isinstance(value, np.ndarray) else ""))
    if dtype is not None and value.dtype != dtype:
        raise TypeError(f"{name} must have the layer's dtype {np.dtype(dtype)}, got {value.dtype} "
                        f"(convert it with .astype(np.{np.dtype(dtype)}); an MLP's forward and backward do it for you)")
    return value


def check_float64_variable(name, value):
    """Return ``value`` if it is a writable float64 ndarray, which finite differences perturb in place."""
    if not isinstance(value, np.ndarray) or value.dtype != np.float64:
        raise TypeError(f"{name} must be a float64 ndarray (float32 is too coarse for finite differences), "
                        f"got {type(value).__name__} of dtype {getattr(value, 'dtype', None)}")
    if not value.flags.writeable:
        raise ValueError(f"{name} must be writable: its entries are perturbed in place (and restored); pass a copy")
    return value


def check_scalar_output(name, value):
    """Return ``value`` unchanged if it is a finite real number, such as the loss a function returned."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        hint = "; a loss function returns (loss, gradient): take its [0]" if isinstance(value, tuple) else ""
        raise TypeError(f"{name} must be a real number{hint}, got {type(value).__name__}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def check_data(X, y):
    """Return X as a 2-D real array and y as a 1-D array of the same, non-zero length, both finite."""
    X, y = check_real_array("X", X), check_real_array("y", y)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (N, D), got shape {X.shape}")
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D (N,), got shape {y.shape}")
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same length, got len(X) = {len(X)} and len(y) = {len(y)}")
    if len(X) == 0:
        raise ValueError("X and y must hold at least one sample, got 0")
    return check_finite_array("X", X), check_finite_array("y", y)


def check_data_pair(name, value):
    """Return ``value``, an ``(X, y)`` pair of finite real arrays of one non-zero length, as two arrays.

    Unlike ``check_data`` it takes y of any number of dimensions (regression targets).
    """
    if not (isinstance(value, tuple) and len(value) == 2):
        raise TypeError(f"{name} must be an (X, y) pair, got {type(value).__name__}")
    X, y = check_real_array(f"{name}[0] (X)", value[0]), check_real_array(f"{name}[1] (y)", value[1])
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y) or len(X) == 0:
        raise ValueError(f"{name} must hold X and y of one non-zero length, got shapes {X.shape} and {y.shape}")
    return check_finite_array(f"{name}[0] (X)", X), check_finite_array(f"{name}[1] (y)", y)


def check_train_val(name, data):
    """Return ``data`` if it is a tuple or list ``(X_train, y_train, X_val, y_val)``; TypeError otherwise."""
    if not (isinstance(data, (tuple, list)) and len(data) == 4):
        raise TypeError(f"{name} must be a tuple (X_train, y_train, X_val, y_val), got {type(data).__name__}"
                        + (f" of length {len(data)}" if isinstance(data, (tuple, list)) else ""))
    return data


def check_curve(name, value):
    """Return ``value`` as a 1-D float64 array (a copy only when the dtype changes); ints and floats only."""
    array = check_real_array(name, value, kinds="iuf").astype(np.float64, copy=False)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {array.shape}")
    return array


def check_lrs_and_losses(lrs, losses):
    """Return a range test's curve as two 1-D float64 arrays of one length, lrs positive, finite, increasing."""
    lrs, losses = check_curve("lrs", lrs), check_curve("losses", losses)
    if lrs.shape != losses.shape:
        raise ValueError(f"lrs and losses must have the same length, got {lrs.size} and {losses.size}")
    bad = ~(np.isfinite(lrs) & (lrs > 0))
    if np.any(bad):
        i = int(np.argmax(bad))
        raise ValueError(f"lrs must be positive and finite, got lrs[{i}] = {float(lrs[i])!r}")
    if np.any(np.diff(lrs) <= 0):
        i = int(np.argmax(np.diff(lrs) <= 0)) + 1
        raise ValueError(f"lrs must be strictly increasing, as a range test records them, got lrs[{i}] = "
                         f"{float(lrs[i])!r} after lrs[{i - 1}] = {float(lrs[i - 1])!r}")
    return lrs, losses


def check_skip_window(n, skip_start, skip_end):
    """Return the window ``[skip_start, n − skip_end)`` of a curve of n points (possibly empty); both ints >= 0."""
    skip_start = check_positive_int("skip_start", skip_start, minimum=0)
    skip_end = check_positive_int("skip_end", skip_end, minimum=0)
    return skip_start, n - skip_end


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
