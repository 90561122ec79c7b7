"""Reading a schedule's learning rates off a range test: 1cycle's ``max_lr`` and CLR's two bounds.

References
----------
L. N. Smith, "Cyclical Learning Rates for Training Neural Networks", WACV 2017, §3.3: the bounds read
off the accuracy curve, and "set base_lr to 1/3 or 1/4 of max_lr".
L. N. Smith and N. Topin, "Super-Convergence: Very Fast Training of Neural Networks Using Large
Learning Rates", 2017 (arXiv:1708.07120): max_lr, the largest lr at which the range test still trains.

The schedules themselves (``schedules``, ``cyclical``) know nothing of the range test; this module
turns a ``RangeTestResult`` into their arguments, with the rules of ``suggest``.
"""

import numpy as np

from ._checks import check_choice, check_curve, check_greater, check_lrs_and_losses, check_positive_int
from .rules import NoSuggestionError
from .smoothing import sma
from .suggest import METHODS, suggest_lr

BOUND_RULES = ("loss", "accuracy")


def one_cycle_max_lr(result, method="sma_derivative"):
    """The ``max_lr`` of ``one_cycle`` read from a range test: the lr where the loss falls fastest.

    1cycle starts at max_lr / div_factor (25) and anneals far below it, so most of its steps use a
    fraction of max_lr, and max_lr itself can sit at the fast end of the useful range: the rule
    ``method`` picks it (see ``suggest``). Smith & Topin take the largest lr at which the range
    test still trains; the steepest point just before the loss bottoms out is a robust reading of it.

    Tutorial 05 (``python tutorials/05_schedules.py``, its table "1cycle with max_lr from three
    readings": digits 80/20, MLP 64-64-10, SGD with momentum 0.9, 8 epochs, validation loss over
    5 seeds): 1cycle with the sma_derivative pick (0.42) ends at 0.052 ± 0.008; with the lr of the
    lowest smoothed loss (1.07, where the loss is already blowing up) at 0.18 ± 0.09; with fastai's
    minimum/10 (0.042) at 0.28 ± 0.01.

    Returns
    -------
    max_lr : float
    """
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
        Bad arguments (each is checked, whichever rule reads it), or (a ``NoSuggestionError``) a curve
        on which the rule finds nothing: no fall in the loss, no rise in the accuracy, or accuracies
        that are NaN (a regression loss).
    """
    rule = check_choice("rule", rule, BOUND_RULES)
    ratio = check_greater("ratio", ratio, 1.0)  # max_lr / base_lr
    method = check_choice("method", method, METHODS)
    window = check_positive_int("window", window)
    if rule == "loss":
        max_lr = suggest_lr(result, method).lr
        return max_lr / ratio, max_lr

    lrs, accuracies = _read_accuracies(result)
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
    return float(lrs[start - lag]), float(lrs[top - lag])


def _read_accuracies(result):
    """The lrs and batch accuracies of ``result``, checked: lrs as every rule needs them, one accuracy per lr."""
    missing = [a for a in ("lrs", "losses", "accuracies") if not hasattr(result, a)]
    if missing:
        raise TypeError(f"result must be a RangeTestResult (lrs, losses, accuracies); "
                        f"{type(result).__name__} has no {', '.join(missing)}")
    lrs, _ = check_lrs_and_losses(result.lrs, result.losses)
    accuracies = check_curve("result.accuracies", result.accuracies)
    if accuracies.shape != lrs.shape:
        raise ValueError(f"result.accuracies must hold one value per lr ({lrs.size}), got {accuracies.size}")
    return lrs, accuracies
