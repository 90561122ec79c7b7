"""Checks of the model, its optimizer and what training code hands them: dtypes, sizes, parameters,
the optimizer's state, gradients, batches and what a loss function returns."""

import numbers
from collections.abc import Sequence

import numpy as np

from .arrays import check_float_ndarray
from .values import check_number, check_positive_int

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def check_dtype(dtype):
    """Return ``dtype`` as a NumPy dtype, float32 or float64 (None, which NumPy reads as float64, is refused)."""
    if dtype is None:
        raise TypeError("dtype must be np.float32 or np.float64, got None")
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype must be np.float32 or np.float64, got {dtype!r}") from None
    if dtype not in FLOAT_DTYPES:
        raise ValueError(f"dtype must be np.float32 or np.float64, got {dtype}")
    return dtype


def check_sizes(sizes):
    """Return ``sizes`` (an MLP's widths) as a tuple of >= 2 positive Python ints."""
    if isinstance(sizes, str) or not isinstance(sizes, (Sequence, np.ndarray)):
        raise TypeError(f"sizes must be a sequence of ints such as [64, 32, 10], got {sizes!r}")
    if len(sizes) < 2:
        raise ValueError(f"sizes must hold at least 2 widths (input and output), got {list(sizes)}")
    for n in sizes:
        if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"sizes must hold ints, got {list(sizes)}")
        if n < 1:
            raise ValueError(f"sizes must hold positive widths, got {list(sizes)}")
    return tuple(int(n) for n in sizes)


def check_generator(name, value):
    """Return ``value`` as a ``np.random.Generator``: a Generator as it is, an int >= 0 as its seed.

    None (fresh entropy from the operating system) is refused: every random number comes from a seed.
    """
    if isinstance(value, np.random.Generator):
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a np.random.Generator or an int seed >= 0, got {value!r} "
                        f"of type {type(value).__name__}")
    return np.random.default_rng(check_positive_int(name, value, minimum=0))


def check_params(params):
    """Return ``params`` as a non-empty list of distinct Parameters holding float32 or float64 arrays.

    float16 is refused: eps = 1e-8 rounds to 0 in it, and Adam's first step divides 0 by 0.
    """
    from ..nn import Parameter  # here, not at the top: nn itself imports this module

    if isinstance(params, Parameter):
        raise TypeError(f"params must be a list of Parameter objects, got a single {params!r}; wrap it in a list")
    try:
        params = list(params)
    except TypeError:
        hint = ": pass model.parameters()" if callable(getattr(params, "parameters", None)) else ""
        raise TypeError(f"params must be an iterable of Parameter objects, got {type(params).__name__}{hint}") from None
    if not params:
        raise ValueError("params must hold at least one Parameter, got an empty list")
    seen = set()
    for i, p in enumerate(params):
        if not isinstance(p, Parameter):
            raise TypeError(f"params[{i}] must be a minigrad_lr.nn.Parameter, got {type(p).__name__}")
        if not (isinstance(p.data, np.ndarray) and p.data.dtype in FLOAT_DTYPES):
            raise TypeError(f"params[{i}] ({p.name!r}) must hold a float ndarray (float32 or float64), "
                            f"got {type(p.data).__name__} of dtype {getattr(p.data, 'dtype', None)}")
        if id(p) in seen:
            raise ValueError(f"params[{i}] ({p.name!r}) appears more than once in params")
        seen.add(id(p))
    return params


def check_model_and_optimizer(model, optimizer):
    """TypeError unless ``model`` looks like an MLP and ``optimizer`` is one of ours; ValueError unless the
    optimizer holds the model's own parameters, the same objects in the same order.

    The second mistake is easy to make in a notebook (build the model again after the optimizer) and
    gives no error by itself: the test would train nothing and read a flat curve.
    """
    from ..optim import Optimizer  # here, not at the top: optim itself imports this module

    if isinstance(model, type):
        raise TypeError(f"model must be a model built from its class, e.g. {model.__name__}([64, 32, 10]), "
                        f"got the class {model.__name__} itself")
    if not (callable(model) and all(callable(getattr(model, name, None)) for name in ("parameters", "backward"))):
        raise TypeError("model must be callable and have parameters() and backward() (an MLP), "
                        f"got {type(model).__name__}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a minigrad_lr Optimizer (SGD, Adam, ...), got {type(optimizer).__name__}")
    mine, theirs = model.parameters(), optimizer.params
    if len(mine) != len(theirs) or any(p is not q for p, q in zip(mine, theirs)):
        held = "the same parameters in another order" if {id(p) for p in mine} == {id(q) for q in theirs} else (
            "parameters of another model" if not {id(p) for p in mine} & {id(q) for q in theirs}
            else "only some of them")
        raise ValueError(
            f"optimizer does not hold this model's parameters ({', '.join(p.name for p in mine)}): it holds {held}. "
            "Build the optimizer from model.parameters() after the model, e.g. Adam(model.parameters())"
        )


def check_buffers(name, saved, params):
    """Check ``saved``, the optimizer state ``name`` of a state_dict: one array per parameter, its shape and dtype."""
    if not isinstance(saved, (list, tuple)):
        raise TypeError(f"state_dict[{name!r}] must be a list of arrays, one per parameter, got {type(saved).__name__}")
    if len(saved) != len(params):
        raise ValueError(f"state_dict[{name!r}] must hold one array per parameter ({len(params)}), got {len(saved)}")
    for i, (array, p) in enumerate(zip(saved, params)):
        if not isinstance(array, np.ndarray):
            raise TypeError(f"state_dict[{name!r}][{i}] must be an ndarray, got {type(array).__name__}")
        if array.shape != p.data.shape:
            raise ValueError(f"state_dict[{name!r}][{i}] has shape {array.shape}, but parameter {p.name!r} "
                             f"has shape {p.data.shape}")
        if array.dtype != p.data.dtype:
            raise ValueError(f"state_dict[{name!r}][{i}] has dtype {array.dtype}, but parameter {p.name!r} "
                             f"has dtype {p.data.dtype}")


def check_dout(dout, shape, dtype):
    """Return ``dout`` (d loss / d output of a layer) if it is a float ndarray of the output's shape and dtype."""
    check_float_ndarray("dout", dout, dtype)
    if dout.shape != shape:
        raise ValueError(f"dout must have shape {shape} (as the output), got {dout.shape}")
    return dout


def check_loss_output(name, value):
    """Return ``(float(loss), dout)`` from ``value``, what a loss function returned: a pair whose first entry
    is a real number (NaN and ±inf pass: the range test records them) or a 0-d array."""
    if not (isinstance(value, (tuple, list)) and len(value) == 2):
        length = f" of length {len(value)}" if isinstance(value, (tuple, list)) else ""
        raise TypeError(f"{name} must return a pair (loss, d loss / d output) such as softmax_cross_entropy's, "
                        f"got {type(value).__name__}{length}")
    loss, dout = value
    if isinstance(loss, np.ndarray) and loss.ndim == 0:
        loss = loss[()]
    return check_number(f"{name}(output, y)[0]", loss), dout


def check_iterable(name, value):
    """Return ``iter(value)``; TypeError naming ``name`` if ``value`` cannot be iterated."""
    try:
        return iter(value)
    except TypeError:
        raise TypeError(f"{name} must be an iterable of (x, y) pairs, got {type(value).__name__}") from None


def check_batch(i, pair):
    """Return ``pair``, the i-th batch taken, if it is an ``(x, y)`` tuple; TypeError otherwise."""
    if not (isinstance(pair, tuple) and len(pair) == 2):
        raise TypeError(f"batches must yield (x, y) pairs; batch {i} is a {type(pair).__name__}")
    return pair


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
