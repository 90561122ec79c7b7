"""ReduceLROnPlateau: lower the lr when a measured metric stops improving.

References
----------
PyTorch ``torch.optim.lr_scheduler.ReduceLROnPlateau`` (after Keras' ``ReduceLROnPlateau``): the
defaults, the order of the updates and the edge cases followed here.

The one schedule that is not a pure function of the step: it reads a metric (typically the validation
loss, once per epoch), so it keeps state between calls.
"""

import math

from ._checks import (
    check_choice,
    check_fraction,
    check_non_negative,
    check_number,
    check_open_fraction,
    check_positive,
    check_positive_int,
    check_up_to,
)


class ReduceLROnPlateau:
    """Lower the lr when a metric stops improving (torch's ``ReduceLROnPlateau``).

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
    """

    def __init__(self, lr, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0.0, eps=1e-8):
        self.lr = check_positive("lr", lr)
        self.mode = check_choice("mode", mode, ("min", "max"))
        self.factor = check_open_fraction("factor", factor)
        self.patience = check_positive_int("patience", patience, minimum=0)
        self.threshold_mode = check_choice("threshold_mode", threshold_mode, ("rel", "abs"))
        if self.threshold_mode == "rel":  # best · (1 ∓ threshold) must keep the sign of best
            self.threshold = check_fraction("threshold", threshold)
        else:
            self.threshold = check_non_negative("threshold", threshold)
        self.cooldown = check_positive_int("cooldown", cooldown, minimum=0)
        self.min_lr = check_up_to("min_lr", min_lr, "lr", self.lr)
        self.eps = check_non_negative("eps", eps)
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
        """Record one measurement of the metric (NaN counts as a bad epoch); return the lr to use from now on."""
        metric = check_number("metric", metric)
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
