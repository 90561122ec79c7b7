"""Learning-rate schedules, each a pure function of the step.

The first one is the schedule of the range test itself: a learning rate that grows
from ``start_lr`` to ``end_lr`` over ``num_iter`` mini-batches.

The others are the training schedules of ``torch.optim.lr_scheduler``, written as closed forms
``lr = f(step, ...)`` with torch's defaults and values (step 0 is the lr before the first
``scheduler.step()``), so ``f(step)`` can be called for any step, in any order::

    step_decay            StepLR                       base_lr · γ^⌊step / step_size⌋
    exponential_decay     ExponentialLR                base_lr · γ^step
    cosine_annealing      CosineAnnealingLR            η_min + (base_lr − η_min)(1 + cos(π·step/T))/2
    cosine_warm_restarts  CosineAnnealingWarmRestarts  the same, restarted after T_0, T_0·T_mult, ... steps
    cyclic                CyclicLR                     triangles between base_lr and max_lr
    one_cycle             OneCycleLR                   warm up to max_lr, anneal far below the start
    one_cycle_momentum    OneCycleLR's momentum        the mirror image, between 0.95 and 0.85
    ReduceLROnPlateau     ReduceLROnPlateau            a class: lr × factor when the metric stalls

References
----------
L. N. Smith, "Cyclical Learning Rates for Training Neural Networks", WACV 2017, §3.3.
D. Perez (davidtvs), pytorch-lr-finder: ``ExponentialLR`` / ``LinearLR`` reach ``end_lr`` on the last step.
I. Loshchilov and F. Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts", ICLR 2017.
L. N. Smith and N. Topin, "Super-Convergence: Very Fast Training of Neural Networks Using Large
Learning Rates", 2017 (arXiv:1708.07120); fastai's two-phase variant is OneCycleLR's default.
PyTorch, ``torch/optim/lr_scheduler.py``: the defaults and edge cases followed here.
"""


import math
import numbers

import numpy as np

from ._checks import check_choice, check_positive_int, check_real

RANGE_MODES = ("exp", "linear")


def range_lrs(start_lr, end_lr, num_iter, mode="exp"):
    """The learning rate of every step of a range test.

    Parameters
    ----------
    start_lr : float
        Learning rate of the first step, used exactly; > 0 in both modes (a step at lr 0 teaches
        nothing, and the curve is read on a log axis).
    end_lr : float
        Learning rate of the last step, used exactly; > ``start_lr``.
    num_iter : int
        Number of steps, >= 2.
    mode : {"exp", "linear"}
        How the learning rate grows.

    Returns
    -------
    lrs : ndarray of float64, shape (num_iter,)
        Strictly increasing; ``lrs[0] == start_lr`` and ``lrs[-1] == end_lr`` exactly.

    Notes
    -----
    With n = ``num_iter`` and i = 0 … n−1::

        exp:     lr_i = start · (end / start) ** (i / (n − 1))
        linear:  lr_i = start + (end − start) · i / (n − 1)

    In "exp" mode the lr is multiplied by the same factor q = (end/start) ** (1/(n−1)) after every
    mini-batch, so the points are evenly spaced on a log axis. The last value is set to ``end_lr``
    exactly (the formula can miss it by one rounding). This is pytorch-lr-finder's convention; fastai's
    ``lr_find`` never reaches ``end_lr`` and PyTorch Lightning's squares its first step.
    """
    start_lr = check_real("start_lr", start_lr)
    end_lr = check_real("end_lr", end_lr)
    num_iter = check_positive_int("num_iter", num_iter, minimum=2)
    if mode not in RANGE_MODES:
        raise ValueError(f"mode must be one of {RANGE_MODES}, got {mode!r}")
    if start_lr <= 0:
        raise ValueError(f"start_lr must be > 0 (the curve is read on a log axis), got {start_lr!r}")
    if end_lr <= start_lr:
        raise ValueError(f"end_lr must be greater than start_lr, got end_lr={end_lr!r} <= start_lr={start_lr!r}")

    fraction = np.arange(num_iter) / (num_iter - 1)  # i / (n − 1), from 0 to 1
    if mode == "exp":
        lrs = start_lr * (end_lr / start_lr) ** fraction
    else:
        lrs = start_lr + (end_lr - start_lr) * fraction
    lrs[0], lrs[-1] = start_lr, end_lr
    if not np.all(np.diff(lrs) > 0):
        raise ValueError(
            f"start_lr={start_lr!r} and end_lr={end_lr!r} are too close for {num_iter} distinct "
            "float64 learning rates; widen the range or lower num_iter"
        )
    return lrs


# --------------------------------------------------------------------------------------------------
# Training schedules: torch.optim.lr_scheduler as closed forms, lr = f(step, ...)
# --------------------------------------------------------------------------------------------------

CYCLIC_MODES = ("triangular", "triangular2", "exp_range")
ANNEAL_STRATEGIES = ("cos", "linear")


def _check_step(step):
    """The step: an int >= 0; step 0 is the lr of the first mini-batch (or epoch)."""
    return check_positive_int("step", step, minimum=0)


def _check_positive(name, value):
    """A finite real number > 0, as a Python float."""
    value = check_real(name, value)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return value


def _check_decay(name, value):
    """A decay factor in (0, 1], as a Python float."""
    value = check_real(name, value)
    if not 0 < value <= 1:
        raise ValueError(f"{name} must be in (0, 1], got {value!r}")
    return value


def _check_eta_min(eta_min, base_lr):
    """The floor of a cosine schedule: 0 <= eta_min <= base_lr."""
    eta_min = check_real("eta_min", eta_min)
    if not 0 <= eta_min <= base_lr:
        raise ValueError(f"eta_min must be in [0, base_lr={base_lr!r}], got {eta_min!r}")
    return eta_min


def _half_cosine(step, T, base_lr, eta_min):
    """η_min + (base_lr − η_min)(1 + cos(π·step/T))/2: base_lr at step 0, η_min at step T."""
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * step / T)) / 2


def step_decay(step, base_lr, step_size, gamma=0.1):
    """Step decay: the lr is multiplied by ``gamma`` every ``step_size`` steps (torch's ``StepLR``).

    Parameters
    ----------
    step : int
        The step, >= 0 (mini-batches or epochs: whatever the caller counts).
    base_lr : float
        The lr of steps 0 … step_size − 1; > 0.
    step_size : int
        Steps between two decays, >= 1.
    gamma : float
        Factor applied at each decay, in (0, 1]; default 0.1 as in torch.

    Returns
    -------
    lr : float

    Notes
    -----
    ::

        lr = base_lr · gamma ^ ⌊step / step_size⌋

    This is ``StepLR``'s closed form (``_get_closed_form_lr``). Its chainable form multiplies the current
    lr by gamma at every multiple of ``step_size``, which gives the same values up to accumulated
    rounding. torch also accepts gamma > 1 (a growing lr); here a decay must decay.

    References
    ----------
    PyTorch ``torch.optim.lr_scheduler.StepLR``; the "step annealing" of the article (e.g. lr ÷ 10
    every 30 epochs on ImageNet, He et al. 2016).
    """
    step = _check_step(step)
    base_lr = _check_positive("base_lr", base_lr)
    step_size = check_positive_int("step_size", step_size)
    gamma = _check_decay("gamma", gamma)
    return base_lr * gamma ** (step // step_size)


def exponential_decay(step, base_lr, gamma):
    """Exponential decay: the lr is multiplied by ``gamma`` after every step (torch's ``ExponentialLR``).

    Parameters
    ----------
    step : int
        The step, >= 0.
    base_lr : float
        The lr of step 0; > 0.
    gamma : float
        Factor per step, in (0, 1] (torch has no default).

    Returns
    -------
    lr : float
        In [0, base_lr]; it underflows to 0.0 after very many steps.

    Notes
    -----
    ::

        lr = base_lr · gamma ^ step

    ``ExponentialLR``'s closed form; its chainable form multiplies by gamma once per step, which
    differs only by accumulated rounding. Growth (gamma > 1) is the range test's job: see ``range_lrs``.

    References
    ----------
    PyTorch ``torch.optim.lr_scheduler.ExponentialLR``.
    """
    step = _check_step(step)
    base_lr = _check_positive("base_lr", base_lr)
    gamma = _check_decay("gamma", gamma)
    return base_lr * gamma**step


def cosine_annealing(step, base_lr, total_steps, eta_min=0.0):
    """Cosine annealing from ``base_lr`` down to ``eta_min`` over ``total_steps`` (torch's ``CosineAnnealingLR``).

    Parameters
    ----------
    step : int
        The step, >= 0.
    base_lr : float
        The lr of step 0; > 0.
    total_steps : int
        Steps to reach ``eta_min`` (torch's ``T_max``), >= 1.
    eta_min : float
        The lowest lr, in [0, base_lr]; default 0.

    Returns
    -------
    lr : float
        In [eta_min, base_lr].

    Notes
    -----
    With T = ``total_steps``::

        lr = η_min + (base_lr − η_min) · (1 + cos(π · step / T)) / 2

    base_lr at step 0, η_min at step T, halfway at step T/2. **After T steps the formula is periodic**
    with period 2T: the lr climbs back to base_lr at step 2T, falls again, and so on. This is what
    torch does too: its closed form is this formula, and its recursive (chainable) form follows the
    same curve past T_max (it special-cases the step after each minimum, where the recursion would
    divide by zero). To stay at η_min after the end, call it with ``min(step, total_steps)``.

    References
    ----------
    I. Loshchilov and F. Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts", ICLR 2017, eq. 5
    (one run, no restart). PyTorch ``torch.optim.lr_scheduler.CosineAnnealingLR``.
    """
    step = _check_step(step)
    base_lr = _check_positive("base_lr", base_lr)
    total_steps = check_positive_int("total_steps", total_steps)
    eta_min = _check_eta_min(eta_min, base_lr)
    return _half_cosine(step, total_steps, base_lr, eta_min)


def cosine_warm_restarts(step, base_lr, T_0, T_mult=1, eta_min=0.0):
    """Cosine annealing with warm restarts, SGDR (torch's ``CosineAnnealingWarmRestarts``).

    Parameters
    ----------
    step : int
        The step, >= 0.
    base_lr : float
        The lr at step 0 and at every restart (η_max); > 0.
    T_0 : int
        Length of the first run, >= 1.
    T_mult : int
        Each run is ``T_mult`` times longer than the one before, >= 1; default 1 (equal runs).
    eta_min : float
        The lowest lr, in [0, base_lr]; default 0.

    Returns
    -------
    lr : float
        In [eta_min, base_lr].

    Notes
    -----
    Runs last T_0, T_0·T_mult, T_0·T_mult², … steps. In a run of T_i steps that began T_cur steps ago::

        lr = η_min + (base_lr − η_min) · (1 + cos(π · T_cur / T_i)) / 2

    so the lr jumps back to base_lr at steps T_0, T_0 + T_0·T_mult, …, and never quite reaches η_min
    (T_cur < T_i). T_cur and T_i are found by counting whole runs with integers, as torch's
    ``step()`` without an argument does; torch's ``step(epoch)`` instead takes a floating-point
    logarithm, which can misplace a restart by rounding.

    References
    ----------
    I. Loshchilov and F. Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts", ICLR 2017, eq. 5.
    PyTorch ``torch.optim.lr_scheduler.CosineAnnealingWarmRestarts``.
    """
    step = _check_step(step)
    base_lr = _check_positive("base_lr", base_lr)
    T_0 = check_positive_int("T_0", T_0)
    T_mult = check_positive_int("T_mult", T_mult)
    eta_min = _check_eta_min(eta_min, base_lr)
    if T_mult == 1:
        T_i, T_cur = T_0, step % T_0
    else:
        T_i, T_cur = T_0, step
        while T_cur >= T_i:  # skip whole runs: T_0, T_0·T_mult, T_0·T_mult², ...
            T_cur -= T_i
            T_i *= T_mult
    return _half_cosine(T_cur, T_i, base_lr, eta_min)


def cyclic(step, base_lr, max_lr, step_size_up=2000, step_size_down=None, mode="triangular", gamma=1.0):
    """Cyclical learning rates: triangles between ``base_lr`` and ``max_lr`` (Smith; torch's ``CyclicLR``).

    Parameters
    ----------
    step : int
        The step (mini-batch), >= 0.
    base_lr : float
        The lower bound, reached at the start of every cycle; > 0.
    max_lr : float
        The upper bound, >= base_lr; reached at the peak of every cycle in "triangular" mode only.
    step_size_up : int
        Steps from base_lr up to the peak, >= 1; default 2000 as in torch.
    step_size_down : int or None
        Steps from the peak back down, >= 1; None (default) means ``step_size_up``.
    mode : {"triangular", "triangular2", "exp_range"}
        How the height of the triangles changes (torch's built-in policies).
    gamma : float
        The per-step factor of "exp_range", in (0, 1]; default 1.0. Ignored by the other modes.

    Returns
    -------
    lr : float
        In [base_lr, max_lr].

    Notes
    -----
    A cycle lasts up + down steps. With cycle = 1, 2, … and p = step mod (up + down)::

        triangle = p / up                  while p <= up   (rising edge, 0 → 1)
                   (up + down − p) / down  after           (falling edge, 1 → 0)
        scale    = 1                       "triangular"
                   1 / 2^(cycle − 1)       "triangular2"   (the height halves every cycle)
                   gamma^step              "exp_range"     (the height shrinks every step)
        lr = base_lr + (max_lr − base_lr) · triangle · scale

    These are torch's values with its default ``scale_mode`` for each mode ("cycle" for the
    triangles, "iterations" for exp_range). torch finds the position in the cycle with floating point
    (x = 1 + step/(up + down) − cycle); integer arithmetic here makes the schedule exactly periodic.
    torch accepts float step sizes and any gamma; here they are ints >= 1 and gamma in (0, 1].

    References
    ----------
    L. N. Smith, "Cyclical Learning Rates for Training Neural Networks", WACV 2017, §3.1.
    PyTorch ``torch.optim.lr_scheduler.CyclicLR`` (after bckenstler/CLR).
    """
    step = _check_step(step)
    base_lr = _check_positive("base_lr", base_lr)
    max_lr = check_real("max_lr", max_lr)
    if max_lr < base_lr:
        raise ValueError(f"max_lr must be >= base_lr={base_lr!r}, got {max_lr!r}")
    up = check_positive_int("step_size_up", step_size_up)
    down = up if step_size_down is None else check_positive_int("step_size_down", step_size_down)
    mode = check_choice("mode", mode, CYCLIC_MODES)
    gamma = _check_decay("gamma", gamma)

    cycle = step // (up + down) + 1  # 1, 2, 3, ...
    p = step % (up + down)  # steps since this cycle began
    if p <= up:
        triangle = p / up
    else:
        triangle = (up + down - p) / down
    if mode == "triangular":
        scale = 1.0
    elif mode == "triangular2":
        scale = 0.5 ** (cycle - 1)
    else:  # "exp_range"
        scale = gamma**step
    return base_lr + (max_lr - base_lr) * triangle * scale


def _check_one_cycle(step, total_steps, pct_start, anneal_strategy, three_phase):
    """Validate the arguments 1cycle's lr and momentum share; return them as Python values."""
    total_steps = check_positive_int("total_steps", total_steps)
    step = _check_step(step)
    if step >= total_steps:
        raise ValueError(
            f"step must be < total_steps={total_steps} (torch's OneCycleLR raises past the end), got {step}"
        )
    pct_start = check_real("pct_start", pct_start)
    if not 0 < pct_start < 1:
        raise ValueError(f"pct_start must be in (0, 1), got {pct_start!r}")
    if float(pct_start * total_steps) <= 1:
        raise ValueError(
            f"pct_start * total_steps must be > 1 so that the warm-up ends after step 0, got "
            f"pct_start={pct_start!r} * total_steps={total_steps} = {pct_start * total_steps!r}"
        )
    anneal_strategy = check_choice("anneal_strategy", anneal_strategy, ANNEAL_STRATEGIES)
    if not isinstance(three_phase, bool):
        raise TypeError(f"three_phase must be a bool, got {three_phase!r} of type {type(three_phase).__name__}")
    if three_phase and float(2 * pct_start * total_steps) - 2 >= total_steps - 1:
        raise ValueError(
            f"with three_phase=True, pct_start must leave steps for the third phase "
            f"(2 * pct_start * total_steps - 2 < total_steps - 1), got pct_start={pct_start!r}, "
            f"total_steps={total_steps}"
        )
    return step, total_steps, pct_start, anneal_strategy, three_phase


def _one_cycle_phase(step, total_steps, pct_start, three_phase):
    """Which phase of 1cycle ``step`` is in (0, 1 or 2) and how far through it (pct, 0 → 1).

    The phases end at torch's (possibly fractional) steps and each starts where the last one ended::

        two phases:    pct_start·T − 1,  T − 1
        three phases:  pct_start·T − 1,  2·pct_start·T − 2,  T − 1
    """
    ends = [float(pct_start * total_steps) - 1]
    if three_phase:
        ends.append(float(2 * pct_start * total_steps) - 2)
    ends.append(total_steps - 1)
    start = 0.0
    for phase, end in enumerate(ends):
        if step <= end or phase == len(ends) - 1:
            return phase, (step - start) / (end - start)
        start = end


def _anneal(start, end, pct, strategy):
    """From ``start`` (pct = 0) to ``end`` (pct = 1): half a cosine ("cos") or a straight line ("linear")."""
    if strategy == "cos":
        return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
    return (end - start) * pct + start


def one_cycle(step, total_steps, max_lr, pct_start=0.3, anneal_strategy="cos", div_factor=25.0,
              final_div_factor=1e4, three_phase=False):
    """The 1cycle policy: warm up to ``max_lr``, then anneal far below the start (torch's ``OneCycleLR``).

    Parameters
    ----------
    step : int
        The step (mini-batch), 0 <= step < total_steps.
    total_steps : int
        Length of the whole schedule, >= 1 (and pct_start · total_steps > 1, see Notes).
    max_lr : float
        The peak lr, > 0; the range test suggests it.
    pct_start : float
        Fraction of the steps spent warming up, in (0, 1); default 0.3.
    anneal_strategy : {"cos", "linear"}
        Shape of every phase: half a cosine (default) or a straight line.
    div_factor : float
        initial_lr = max_lr / div_factor; >= 1, default 25.
    final_div_factor : float
        min_lr = initial_lr / final_div_factor; >= 1, default 1e4.
    three_phase : bool
        False (default, fastai's variant): up, then down to min_lr. True (the paper's): up, back down to
        initial_lr symmetrically, then down to min_lr.

    Returns
    -------
    lr : float
        In [min_lr, max_lr].

    Notes
    -----
    With T = ``total_steps``, the phases end at the (fractional) steps torch uses::

        phase       two phases (default)          three phases
        1  ends at  pct_start·T − 1:  initial → max    pct_start·T − 1:     initial → max
        2  ends at  T − 1:            max → min_lr     2·pct_start·T − 2:   max → initial
        3  ends at                                     T − 1:               initial → min_lr

    Each phase starts where the last ended; inside it, pct = (step − start)/(end − start) runs from
    0 to 1 and::

        cos:     lr = end + (start − end) · (1 + cos(π · pct)) / 2
        linear:  lr = start + (end − start) · pct

    So step 0 is max_lr/div_factor, step pct_start·T − 1 (when it is an integer) is max_lr, and step
    T − 1 is max_lr/(div_factor · final_div_factor).

    Conventions: torch raises at step > T but computes a value past the end at step T; here step must
    be < T. When pct_start·T <= 1 torch's first phase ends before step 0: it starts part-way down the
    second phase (or divides by zero when pct_start·T == 1); here that is a ValueError. With
    three_phase, torch never reaches the third phase when 2·pct_start·T − 2 >= T − 1 (pct_start of
    about 0.5 or more) and so never reaches min_lr; here that is a ValueError too.

    References
    ----------
    L. N. Smith and N. Topin, "Super-Convergence: Very Fast Training of Neural Networks Using Large
    Learning Rates", 2017 (arXiv:1708.07120). PyTorch ``torch.optim.lr_scheduler.OneCycleLR``.
    """
    step, total_steps, pct_start, anneal_strategy, three_phase = _check_one_cycle(
        step, total_steps, pct_start, anneal_strategy, three_phase
    )
    max_lr = _check_positive("max_lr", max_lr)
    div_factor = check_real("div_factor", div_factor)
    if div_factor < 1:
        raise ValueError(f"div_factor must be >= 1 (the warm-up starts below max_lr), got {div_factor!r}")
    final_div_factor = check_real("final_div_factor", final_div_factor)
    if final_div_factor < 1:
        raise ValueError(f"final_div_factor must be >= 1 (the end is below the start), got {final_div_factor!r}")

    initial_lr = max_lr / div_factor
    min_lr = initial_lr / final_div_factor
    if three_phase:
        phases = [(initial_lr, max_lr), (max_lr, initial_lr), (initial_lr, min_lr)]
    else:
        phases = [(initial_lr, max_lr), (max_lr, min_lr)]
    phase, pct = _one_cycle_phase(step, total_steps, pct_start, three_phase)
    start, end = phases[phase]
    return _anneal(start, end, pct, anneal_strategy)


def one_cycle_momentum(step, total_steps, pct_start=0.3, anneal_strategy="cos", base_momentum=0.85,
                       max_momentum=0.95, three_phase=False):
    """The momentum that goes with ``one_cycle``: its mirror image (torch's ``OneCycleLR``, cycle_momentum=True).

    Parameters
    ----------
    step, total_steps, pct_start, anneal_strategy, three_phase
        As in ``one_cycle`` (use the same values for both).
    base_momentum : float
        The momentum at the lr's peak, in [0, max_momentum]; default 0.85.
    max_momentum : float
        The momentum at the start and the end, in [base_momentum, 1); default 0.95.

    Returns
    -------
    momentum : float
        In [base_momentum, max_momentum]. For SGD it is ``momentum``; for Adam torch sets β₁.

    Notes
    -----
    Same phases and shapes as ``one_cycle``, with the momentum going the other way::

        two phases:    max → base,  base → max
        three phases:  max → base,  base → max,  max → max (constant)

    A large lr with a small momentum, and the reverse: Smith & Topin find the two work against each other
    otherwise.

    References
    ----------
    L. N. Smith, "A disciplined approach to neural network hyper-parameters: Part 1", 2018
    (arXiv:1803.09820), §4. PyTorch ``torch.optim.lr_scheduler.OneCycleLR``.
    """
    step, total_steps, pct_start, anneal_strategy, three_phase = _check_one_cycle(
        step, total_steps, pct_start, anneal_strategy, three_phase
    )
    max_momentum = check_real("max_momentum", max_momentum)
    if not 0 <= max_momentum < 1:
        raise ValueError(f"max_momentum must be in [0, 1), got {max_momentum!r}")
    base_momentum = check_real("base_momentum", base_momentum)
    if not 0 <= base_momentum <= max_momentum:
        raise ValueError(f"base_momentum must be in [0, max_momentum={max_momentum!r}], got {base_momentum!r}")

    if three_phase:
        phases = [(max_momentum, base_momentum), (base_momentum, max_momentum), (max_momentum, max_momentum)]
    else:
        phases = [(max_momentum, base_momentum), (base_momentum, max_momentum)]
    phase, pct = _one_cycle_phase(step, total_steps, pct_start, three_phase)
    start, end = phases[phase]
    return _anneal(start, end, pct, anneal_strategy)


class ReduceLROnPlateau:
    """Lower the lr when a metric stops improving (torch's ``ReduceLROnPlateau``).

    The only schedule here that needs state: it reads a measured metric (typically the validation loss
    once per epoch), not the step.

    Parameters
    ----------
    lr : float
        The starting lr, > 0.
    mode : {"min", "max"}
        Whether the metric should go down (a loss; default) or up (an accuracy).
    factor : float
        new lr = lr · factor, in (0, 1); default 0.1.
    patience : int
        Bad epochs tolerated, >= 0; the lr is lowered at the (patience + 1)-th in a row. Default 10.
    threshold : float
        How much better than the best a metric must be to count as an improvement, >= 0 (and < 1 in
        "rel" mode); default 1e-4.
    threshold_mode : {"rel", "abs"}
        "rel" (default): better than best · (1 ∓ threshold); "abs": better than best ∓ threshold.
    cooldown : int
        Epochs after a reduction during which bad epochs are not counted, >= 0; default 0.
    min_lr : float
        The lr never goes below this, in [0, lr]; default 0.
    eps : float
        A reduction smaller than this is skipped, >= 0; default 1e-8.

    Attributes
    ----------
    lr : float
        The current lr.
    best : float
        The best metric so far (inf, or −inf in "max" mode, before the first step).
    num_bad_epochs : int
        Epochs in a row without improvement (bad epochs during cooldown are not counted).
    cooldown_counter : int
        Epochs of cooldown left.

    Notes
    -----
    Each ``step(metric)`` does, in torch's order::

        if metric improves on best:  best = metric;  num_bad_epochs = 0      (mode "min", "rel":
        else:                        num_bad_epochs += 1                       metric < best · (1 − threshold))
        if cooldown_counter > 0:     cooldown_counter −= 1;  num_bad_epochs = 0
        if num_bad_epochs > patience:
            new = max(lr · factor, min_lr)
            if lr − new > eps:  lr = new
            cooldown_counter = cooldown;  num_bad_epochs = 0

    The first metric always improves on the starting best (±inf), so with patience p and a metric that
    never improves again, the lr first drops at the (p + 2)-th step, then every cooldown + p + 1 steps.
    A NaN metric is never an improvement: it counts as a bad epoch, as in torch. In "rel" mode the
    threshold scales with |best| only for positive metrics (torch's rule: best · (1 − threshold)).
    torch accepts factor 0 and min_lr > lr; here factor is in (0, 1) and min_lr <= lr.

    References
    ----------
    PyTorch ``torch.optim.lr_scheduler.ReduceLROnPlateau`` (after Keras' ``ReduceLROnPlateau``).
    """

    def __init__(self, lr, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0.0, eps=1e-8):
        self.lr = _check_positive("lr", lr)
        self.mode = check_choice("mode", mode, ("min", "max"))
        self.factor = check_real("factor", factor)
        if not 0 < self.factor < 1:
            raise ValueError(f"factor must be in (0, 1), got {self.factor!r}")
        self.patience = check_positive_int("patience", patience, minimum=0)
        self.threshold_mode = check_choice("threshold_mode", threshold_mode, ("rel", "abs"))
        self.threshold = check_real("threshold", threshold)
        if self.threshold < 0 or (self.threshold_mode == "rel" and self.threshold >= 1):
            raise ValueError(f"threshold must be >= 0 (and < 1 when threshold_mode='rel'), got {self.threshold!r}")
        self.cooldown = check_positive_int("cooldown", cooldown, minimum=0)
        self.min_lr = check_real("min_lr", min_lr)
        if not 0 <= self.min_lr <= self.lr:
            raise ValueError(f"min_lr must be in [0, lr={self.lr!r}], got {self.min_lr!r}")
        self.eps = check_real("eps", eps)
        if self.eps < 0:
            raise ValueError(f"eps must be >= 0, got {self.eps!r}")
        self.best = math.inf if self.mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0

    def is_improvement(self, metric):
        """Whether ``metric`` beats ``self.best`` by more than the threshold."""
        if self.mode == "min":
            if self.threshold_mode == "rel":
                return metric < self.best * (1 - self.threshold)
            return metric < self.best - self.threshold
        if self.threshold_mode == "rel":
            return metric > self.best * (1 + self.threshold)
        return metric > self.best + self.threshold

    def step(self, metric):
        """Record one measurement of the metric and return the lr to use from now on.

        Parameters
        ----------
        metric : float
            The monitored quantity (e.g. the validation loss); NaN counts as a bad epoch.

        Returns
        -------
        lr : float
        """
        if isinstance(metric, bool) or not isinstance(metric, numbers.Real):
            raise TypeError(f"metric must be a real number, got {metric!r} of type {type(metric).__name__}")
        metric = float(metric)
        if self.is_improvement(metric):
            self.best = metric
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:  # just lowered: let the new lr settle before counting bad epochs
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            new_lr = max(self.lr * self.factor, self.min_lr)
            if self.lr - new_lr > self.eps:  # skip reductions too small to matter (e.g. at min_lr)
                self.lr = new_lr
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        return self.lr

    def __repr__(self):
        return (f"ReduceLROnPlateau(lr={self.lr!r}, best={self.best!r}, num_bad_epochs={self.num_bad_epochs}, "
                f"cooldown_counter={self.cooldown_counter})")


# --- From a range test to a schedule ---------------------------------------------------------------

BOUND_RULES = ("loss", "accuracy")


def one_cycle_max_lr(result, method="sma_derivative"):
    """The ``max_lr`` of ``one_cycle`` read from a range test: the lr where the loss falls fastest.

    1cycle starts at max_lr / div_factor (25) and anneals far below it, so most of its steps use a
    fraction of max_lr, and max_lr itself can sit at the fast end of the useful range: the rule
    ``method`` picks it (see ``suggest``). Smith & Topin take the largest lr at which the range
    test still trains; the steepest point just before the loss bottoms out is a robust reading of it.

    Measured in ``tutorials/05_schedules.py`` (digits 80/20, MLP 64-64-10, SGD with momentum 0.9,
    8 epochs, validation loss over 5 seeds): 1cycle with the sma_derivative pick (0.42) ended at
    0.052 ± 0.008; with the lr of the lowest smoothed loss (1.07, where the loss is already blowing
    up) at 0.18 ± 0.09; with fastai's minimum/10 (0.042) at 0.28 ± 0.01.

    Returns
    -------
    max_lr : float
    """
    from .suggest import suggest_lr  # the rules live in suggest; schedules stays importable on its own

    return suggest_lr(result, method).lr


def cyclic_bounds(result, rule="loss", ratio=4.0, method="sma_derivative", window=10):
    """``(base_lr, max_lr)`` for ``cyclic`` read from a range test, by one of Smith's two rules.

    Parameters
    ----------
    result : RangeTestResult
    rule : {"loss", "accuracy"}
        "loss" (default): ``max_lr`` is the suggestion of ``method`` (where the loss falls fastest)
        and ``base_lr = max_lr / ratio`` — Smith: "set base_lr to 1/3 or 1/4 of max_lr".
        "accuracy": Smith's reading of the accuracy curve (CLR §3.3): ``base_lr`` where the accuracy
        starts to rise, ``max_lr`` where it stops rising. The batch accuracies are averaged over
        ``window`` steps (a trailing moving average: the EMA of the loss, β = 0.98, lags far too much
        for this); "stops rising" is its maximum, and "starts to rise" the step after the last one
        (before the maximum) where it is still below 10% of its rise from its lowest point. Both
        are moved back by (window − 1) // 2 steps, the lag of the trailing mean.
    ratio : float > 1, default 4.0
        max_lr / base_lr for the "loss" rule.
    method : str, default "sma_derivative"
        The suggestion rule that gives max_lr for the "loss" rule.
    window : int >= 1, default 10
        The moving average of the "accuracy" rule.

    Returns
    -------
    base_lr, max_lr : float
        With base_lr < max_lr, both inside the tested range (base_lr = max_lr / ratio may lie below it).

    Raises
    ------
    ValueError
        Bad arguments, or (a ``NoSuggestionError``) a curve on which the rule finds nothing: no fall in
        the loss, no rise in the accuracy, or accuracies that are NaN (a regression loss).
    """
    from .rules import NoSuggestionError
    from .smoothing import sma
    from .suggest import suggest_lr

    rule = check_choice("rule", rule, BOUND_RULES)
    window = check_positive_int("window", window)
    if rule == "loss":
        ratio = check_real("ratio", ratio)
        if ratio <= 1:
            raise ValueError(f"ratio must be > 1 (max_lr / base_lr), got {ratio!r}")
        max_lr = suggest_lr(result, method).lr
        return max_lr / ratio, max_lr

    accuracies = np.asarray(result.accuracies, dtype=np.float64)
    if len(accuracies) < 2 or not np.all(np.isfinite(accuracies)):
        raise NoSuggestionError("the accuracy rule needs finite batch accuracies (a classification range test)")
    smoothed = sma(accuracies, window)  # NaN for the first window − 1 steps
    if not np.any(np.isfinite(smoothed)):
        raise NoSuggestionError(f"the accuracy rule needs more than window={window} steps, got {len(accuracies)}")
    lag = (window - 1) // 2  # a trailing mean over `window` steps is centred this many steps back
    top = int(np.nanargmax(smoothed))  # where the accuracy stops rising
    low = np.nanmin(smoothed[: top + 1])
    if smoothed[top] <= low:
        raise NoSuggestionError("the smoothed accuracy never rises: no bounds to read")
    # Walk back from the top to the last step still below 10% of the rise: noise on the plateau
    # before it cannot then pass for the start of the rise.
    below = np.flatnonzero(~(smoothed[:top] >= low + 0.1 * (smoothed[top] - low)))  # NaN counts as below
    start = int(below[-1]) + 1
    if start >= top:
        raise NoSuggestionError("the accuracy rises in a single step: base_lr and max_lr would coincide")
    return float(result.lrs[start - lag]), float(result.lrs[top - lag])
