"""The range test's schedule and the decaying training schedules, each a pure function of the step.

References
----------
L. N. Smith, "Cyclical Learning Rates for Training Neural Networks", WACV 2017, §3.3: the range test.
D. Perez (davidtvs), pytorch-lr-finder: ``ExponentialLR`` / ``LinearLR`` reach ``end_lr`` on the last step.
I. Loshchilov and F. Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts", ICLR 2017, eq. 5.
PyTorch, ``torch/optim/lr_scheduler.py``: the defaults and edge cases followed here.

``range_lrs`` is the schedule of the range test itself: a learning rate that grows from ``start_lr`` to
``end_lr`` over ``num_iter`` mini-batches. The others are schedules of ``torch.optim.lr_scheduler``
written as closed forms ``lr = f(step, ...)``, as nanoGPT writes its ``get_lr(it)``::

    step_decay            StepLR                       base_lr · γ^⌊step / step_size⌋
    exponential_decay     ExponentialLR                base_lr · γ^step
    cosine_annealing      CosineAnnealingLR            η_min + (base_lr − η_min)(1 + cos(π·step/T))/2
    cosine_warm_restarts  CosineAnnealingWarmRestarts  the same, restarted after T_0, T_0·T_mult, ... steps

Every training schedule takes ``step``, an int >= 0 (mini-batches or epochs: whatever the caller
counts), and ``base_lr`` > 0, the lr of step 0; it returns a Python float. Step 0 is torch's lr before
the first ``scheduler.step()``, so ``f(step)`` equals torch's lr after ``step`` calls, and can be called
for any step, in any order. torch also accepts γ > 1 (a growing lr); here γ is in (0, 1]: a decay must
decay, and growth is the range test's job. Every count of steps (``step``, ``step_size``, ``T_0``, ...)
is at most 2**53, the largest integer up to which float64 holds every count exactly.
"""

import math

import numpy as np

from ._checks import check_decay, check_positive, check_range, check_step, check_up_to


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
    start_lr, end_lr, num_iter, mode = check_range(start_lr, end_lr, num_iter, mode)

    fraction = np.arange(num_iter) / (num_iter - 1)  # i / (n − 1), from 0 to 1
    if mode == "exp":
        lrs = start_lr * (end_lr / start_lr) ** fraction
    else:
        lrs = start_lr + (end_lr - start_lr) * fraction
    lrs[0], lrs[-1] = start_lr, end_lr
    if not np.all(np.diff(lrs) > 0):
        raise ValueError(
            f"start_lr={start_lr!r} and end_lr={end_lr!r} are too close for num_iter={num_iter} distinct "
            f"float64 learning rates (mode={mode!r} rounds two steps to the same value); widen the range "
            "or lower num_iter"
        )
    return lrs


def step_decay(step, base_lr, step_size, gamma=0.1):
    """Step decay: ``lr = base_lr · gamma ^ ⌊step / step_size⌋`` (torch's ``StepLR``).

    ``step_size`` (int >= 1) is the number of steps between two decays; ``gamma`` in (0, 1] the factor of
    each, default 0.1 as in torch. This is ``StepLR``'s closed form (``_get_closed_form_lr``); its
    chainable form multiplies the current lr by gamma at every multiple of ``step_size``, which gives the
    same values up to accumulated rounding.

    References
    ----------
    PyTorch ``torch.optim.lr_scheduler.StepLR``; the "step annealing" of the article (e.g. lr ÷ 10
    every 30 epochs on ImageNet, He et al. 2016).
    """
    step = check_step("step", step)
    base_lr = check_positive("base_lr", base_lr)
    step_size = check_step("step_size", step_size, minimum=1)
    gamma = check_decay("gamma", gamma)
    return base_lr * gamma ** (step // step_size)


def exponential_decay(step, base_lr, gamma):
    """Exponential decay: ``lr = base_lr · gamma ^ step`` (torch's ``ExponentialLR``).

    ``gamma`` in (0, 1] is the factor per step (torch has no default). The lr underflows to 0.0 after
    very many steps. This is ``ExponentialLR``'s closed form; its chainable form multiplies by gamma once
    per step, which differs only by accumulated rounding.

    References
    ----------
    PyTorch ``torch.optim.lr_scheduler.ExponentialLR``.
    """
    step = check_step("step", step)
    base_lr = check_positive("base_lr", base_lr)
    gamma = check_decay("gamma", gamma)
    return base_lr * gamma**step


def _half_cosine(step, T, base_lr, eta_min):
    """η_min + (base_lr − η_min)(1 + cos(π·step/T))/2: base_lr at step 0, η_min at step T (torch's order)."""
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * step / T)) / 2


def cosine_annealing(step, base_lr, total_steps, eta_min=0.0):
    """Cosine annealing from ``base_lr`` down to ``eta_min`` over ``total_steps`` (torch's ``CosineAnnealingLR``).

    With T = ``total_steps`` (torch's ``T_max``, int >= 1) and ``eta_min`` in [0, base_lr], default 0::

        lr = η_min + (base_lr − η_min) · (1 + cos(π · step / T)) / 2

    base_lr at step 0, η_min at step T, halfway at step T/2. **After T steps the formula is periodic**
    with period 2T: the lr climbs back to base_lr at step 2T, falls again, and so on. This is what
    torch does too: its closed form is this formula, and its recursive (chainable) form follows the
    same curve past T_max (it special-cases the step after each minimum, where the recursion would
    divide by zero). To stay at η_min after the end, call it with ``min(step, total_steps)``.

    References
    ----------
    I. Loshchilov and F. Hutter, SGDR, eq. 5 (one run, no restart).
    PyTorch ``torch.optim.lr_scheduler.CosineAnnealingLR``.
    """
    step = check_step("step", step)
    base_lr = check_positive("base_lr", base_lr)
    total_steps = check_step("total_steps", total_steps, minimum=1)
    eta_min = check_up_to("eta_min", eta_min, "base_lr", base_lr)
    return _half_cosine(step, total_steps, base_lr, eta_min)


def cosine_warm_restarts(step, base_lr, T_0, T_mult=1, eta_min=0.0):
    """Cosine annealing with warm restarts, SGDR (torch's ``CosineAnnealingWarmRestarts``).

    Runs last T_0, T_0·T_mult, T_0·T_mult², … steps (``T_0`` >= 1; ``T_mult`` >= 1, default 1: equal
    runs). In a run of T_i steps that began T_cur steps ago, with ``eta_min`` in [0, base_lr], default 0::

        lr = η_min + (base_lr − η_min) · (1 + cos(π · T_cur / T_i)) / 2

    so the lr jumps back to base_lr (η_max) at steps T_0, T_0 + T_0·T_mult, …, and never quite reaches
    η_min (T_cur < T_i). T_cur and T_i are found by counting whole runs with integers, as torch's
    ``step()`` without an argument does; torch's ``step(epoch)`` instead takes a floating-point
    logarithm, which can misplace a restart by rounding.

    References
    ----------
    I. Loshchilov and F. Hutter, SGDR, eq. 5. PyTorch ``torch.optim.lr_scheduler.CosineAnnealingWarmRestarts``.
    """
    step = check_step("step", step)
    base_lr = check_positive("base_lr", base_lr)
    T_0 = check_step("T_0", T_0, minimum=1)
    T_mult = check_step("T_mult", T_mult, minimum=1)
    eta_min = check_up_to("eta_min", eta_min, "base_lr", base_lr)
    if T_mult == 1:
        T_i, T_cur = T_0, step % T_0
    else:
        T_i, T_cur = T_0, step
        while T_cur >= T_i:  # skip whole runs: T_0, T_0·T_mult, T_0·T_mult², ...
            T_cur -= T_i
            T_i *= T_mult
    return _half_cosine(T_cur, T_i, base_lr, eta_min)
