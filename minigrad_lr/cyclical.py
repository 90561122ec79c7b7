"""Schedules that go up and down: cyclical learning rates and 1cycle, each a pure function of the step.

References
----------
L. N. Smith, "Cyclical Learning Rates for Training Neural Networks", WACV 2017, §3.1.
L. N. Smith and N. Topin, "Super-Convergence: Very Fast Training of Neural Networks Using Large
Learning Rates", 2017 (arXiv:1708.07120); fastai's two-phase variant is OneCycleLR's default.
L. N. Smith, "A disciplined approach to neural network hyper-parameters: Part 1", 2018
(arXiv:1803.09820), §4: the momentum that mirrors the lr.
PyTorch ``torch.optim.lr_scheduler.CyclicLR`` (after bckenstler/CLR) and ``OneCycleLR``: the defaults
and edge cases followed here.

::

    cyclic              CyclicLR               triangles between base_lr and max_lr
    one_cycle           OneCycleLR             warm up to max_lr, anneal far below the start
    one_cycle_momentum  OneCycleLR's momentum  the mirror image, between 0.95 and 0.85

As in ``schedules``, ``step`` is an int in [0, 2**53] counting mini-batches, step 0 is torch's value
before the first ``scheduler.step()``, and every function returns a Python float.
"""

import math

from ._checks import (
    check_at_least,
    check_choice,
    check_decay,
    check_fraction,
    check_one_cycle,
    check_positive,
    check_step,
    check_up_to,
)

CYCLIC_MODES = ("triangular", "triangular2", "exp_range")


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
    """
    step = check_step("step", step)
    base_lr = check_positive("base_lr", base_lr)
    max_lr = check_at_least("max_lr", max_lr, base_lr, "base_lr")
    up = check_step("step_size_up", step_size_up, minimum=1)
    down = up if step_size_down is None else check_step("step_size_down", step_size_down, minimum=1)
    mode = check_choice("mode", mode, CYCLIC_MODES)
    gamma = check_decay("gamma", gamma)

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
    """From ``start`` (pct = 0) to ``end`` (pct = 1): half a cosine ("cos") or a straight line ("linear").

    Written in the order of torch's ``OneCycleLR._annealing_cos``, which rounds differently from
    ``schedules``' cosine (torch's ``CosineAnnealingLR``): each agrees with its torch scheduler exactly.
    """
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
        The peak lr, > 0; the range test suggests it (``lr_bounds.one_cycle_max_lr``).
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
    """
    step, total_steps, pct_start, anneal_strategy, three_phase = check_one_cycle(
        step, total_steps, pct_start, anneal_strategy, three_phase
    )
    max_lr = check_positive("max_lr", max_lr)
    div_factor = check_at_least("div_factor", div_factor, 1.0)  # the warm-up starts below max_lr
    final_div_factor = check_at_least("final_div_factor", final_div_factor, 1.0)  # the end is below the start

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

    ``step``, ``total_steps``, ``pct_start``, ``anneal_strategy`` and ``three_phase`` are ``one_cycle``'s
    (pass the same values to both). ``base_momentum``, the momentum at the lr's peak, is in
    [0, max_momentum], default 0.85; ``max_momentum``, at the start and the end, in [0, 1), default 0.95.
    The result, in [base_momentum, max_momentum], is SGD's ``momentum``; for Adam torch sets β₁.

    The phases and shapes are ``one_cycle``'s, with the momentum going the other way::

        two phases:    max → base,  base → max
        three phases:  max → base,  base → max,  max → max (constant)

    A large lr with a small momentum, and the reverse: Smith & Topin find the two work against each other
    otherwise.
    """
    step, total_steps, pct_start, anneal_strategy, three_phase = check_one_cycle(
        step, total_steps, pct_start, anneal_strategy, three_phase
    )
    max_momentum = check_fraction("max_momentum", max_momentum)
    base_momentum = check_up_to("base_momentum", base_momentum, "max_momentum", max_momentum)

    if three_phase:
        phases = [(max_momentum, base_momentum), (base_momentum, max_momentum), (max_momentum, max_momentum)]
    else:
        phases = [(max_momentum, base_momentum), (base_momentum, max_momentum)]
    phase, pct = _one_cycle_phase(step, total_steps, pct_start, three_phase)
    start, end = phases[phase]
    return _anneal(start, end, pct, anneal_strategy)
