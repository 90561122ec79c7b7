"""Learning-rate schedules, each a pure function of the step.

The first one is the schedule of the range test itself: a learning rate that grows
from ``start_lr`` to ``end_lr`` over ``num_iter`` mini-batches.

References
----------
L. N. Smith, "Cyclical Learning Rates for Training Neural Networks", WACV 2017, §3.3.
D. Perez (davidtvs), pytorch-lr-finder: ``ExponentialLR`` / ``LinearLR`` reach ``end_lr`` on the last step.
"""


import numpy as np

from ._checks import check_positive_int, check_real

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
