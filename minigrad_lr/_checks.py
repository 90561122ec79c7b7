"""Every argument check of the package, in one place: each error names the argument and its value.

A check takes the argument's name (as the caller spells it, e.g. ``"betas[0]"``) and its value, and
returns the value converted to a plain Python type (float, int, bool), so that a NumPy scalar never
reaches an update rule and silently changes a float32 array into float64. It raises ``TypeError``
for a value of the wrong type and ``ValueError`` for a value of the right type but out of range.
"""

import inspect
import math
import numbers
import os
from collections.abc import Sequence

import numpy as np


def check_real(name, value):
    """Return ``value`` as a Python float; TypeError if it is not a real number, ValueError if not finite.

    A ``Suggestion`` counts as its lr, so that ``SGD(params, lr=result.suggest())`` works.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        from .rules import Suggestion  # here, not at the top: rules itself imports this module

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


def check_betas(name, betas):
    """Return ``betas`` (a tuple, list or 1-D array) as a pair of Python floats, each in [0, 1) (Adam's β1, β2)."""
    if not (isinstance(betas, (tuple, list)) or isinstance(betas, np.ndarray) and betas.ndim == 1) or len(betas) != 2:
        raise TypeError(f"{name} must be a pair (beta1, beta2), got {betas!r}")
    return (check_fraction(f"{name}[0]", betas[0]), check_fraction(f"{name}[1]", betas[1]))


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


# --- data ------------------------------------------------------------------------------------------


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


# --- the model and its optimizer -------------------------------------------------------------------

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


def check_params(params):
    """Return ``params`` as a non-empty list of distinct Parameters holding float32 or float64 arrays.

    float16 is refused: eps = 1e-8 rounds to 0 in it, and Adam's first step divides 0 by 0.
    """
    from .nn import Parameter  # here, not at the top: nn itself imports this module

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
    from .optim import Optimizer  # here, not at the top: optim itself imports this module

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


# --- schedules -------------------------------------------------------------------------------------


def check_number(name, value):
    """Return ``value`` as a Python float; TypeError if it is not a real number. NaN and ±inf pass (a metric)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} of type {type(value).__name__}")
    return to_float(name, value)


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


# --- the range test and its curve ------------------------------------------------------------------


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


# --- sweeps and find_lr -----------------------------------------------------------------------


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


# --- the learning-rate-free optimizers ------------------------------------------------------------


def check_growth_rate(name, value):
    """Return ``value`` as a Python float >= 1, ``inf`` allowed: the largest factor of growth in one step."""
    value = check_number(name, value)
    if not value >= 1:  # also rejects nan
        raise ValueError(f"{name} must be >= 1 (inf for no limit), got {value!r}")
    return value


# --- numbers too large for float64, counts of steps, the range test's schedule, paths -----------------


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


def check_path(name, value):
    """Return ``value`` (a str or os.PathLike, not empty) as a str, for a file to read or write."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a str or os.PathLike (a file path), got {value!r} of type "
                        f"{type(value).__name__}")
    value = os.fsdecode(os.fspath(value))
    if not value:
        raise ValueError(f"{name} must name a file, got an empty path")
    return value


# --- arrays, layers, and what user code returns --------------------------------------------------


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


def check_dout(dout, shape, dtype):
    """Return ``dout`` (d loss / d output of a layer) if it is a float ndarray of the output's shape and dtype."""
    check_float_ndarray("dout", dout, dtype)
    if dout.shape != shape:
        raise ValueError(f"dout must have shape {shape} (as the output), got {dout.shape}")
    return dout


def check_string(name, value):
    """Return ``value`` if it is a str (a name); TypeError otherwise."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {value!r} of type {type(value).__name__}")
    return value


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
