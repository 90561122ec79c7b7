"""What a range test recorded: ``RangeTestResult``, with its suggestions, its plot and its files.

Saving and loading (CSV for a spreadsheet, JSON for an exact round trip) are in ``file_format``.
"""

from dataclasses import dataclass, field

import numpy as np

from ._checks import (
    check_flag,
    check_model_and_optimizer,
)
from .suggest import METHODS, suggest_all, suggest_lr

ARRAYS = ("lrs", "losses", "smoothed", "accuracies", "val_losses")


@dataclass(repr=False)
class RangeTestResult:
    """What one range test recorded, step by step, and the settings it ran with.

    Attributes
    ----------
    lrs, losses, smoothed, accuracies : ndarray of float64, shape (n,)
        For each step actually taken: the learning rate, the raw loss of the batch (computed before
        the update), its debiased moving average, and the batch accuracy (NaN when the labels are not
        class indices, e.g. for regression).
    val_losses : ndarray of float64, shape (n,), or None
        Mean loss over the fixed validation batches after each step (NaN on a step that stopped the
        test with a non-finite loss, since no update was made); None without ``val_batches``.
    stop_reason : {"completed", "diverged", "non_finite"}
    start_lr, end_lr, num_iter, mode, smooth, stop_factor, stop_on, accumulation_steps
        The settings of the test (``num_iter`` is the configured number of steps, ``len(lrs)`` the
        number actually taken).
    initial_state : tuple or None
        After ``lr_range_test(..., restore=False)``: the model's and optimizer's state from before the
        test, for ``restore``; None otherwise (the test restored it itself). Not saved to files.
    """

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    accuracies: np.ndarray
    val_losses: np.ndarray | None
    stop_reason: str
    start_lr: float
    end_lr: float
    num_iter: int
    mode: str = "exp"
    smooth: float = 0.98
    stop_factor: float | None = 4.0
    stop_on: str = "raw"
    accumulation_steps: int = 1
    initial_state: tuple | None = field(default=None, compare=False)

    SETTINGS = ("start_lr", "end_lr", "num_iter", "mode", "smooth", "stop_factor", "stop_on", "accumulation_steps")

    def __len__(self):
        return len(self.lrs)

    def __repr__(self):
        """One line: steps taken, how the test ended, the lr range covered, the best loss and its lr."""
        n = len(self.lrs)
        if n == 0:
            return f"RangeTestResult(0 of {self.num_iter} steps, {self.stop_reason})"
        finite = np.isfinite(self.losses)
        best = int(np.argmin(np.where(finite, self.losses, np.inf))) if finite.any() else None
        best_text = f", best loss {self.losses[best]:.4g} at lr {self.lrs[best]:.3g}" if best is not None else ""
        return (f"RangeTestResult({n} of {self.num_iter} steps, {self.stop_reason}, "
                f"lr {self.lrs[0]:.3g} to {self.lrs[-1]:.3g}{best_text})")

    def restore(self, model, optimizer):
        """Put back the model's and optimizer's state from before a test run with ``restore=False``.

        ``model`` and ``optimizer`` must be the ones the test ran on (the optimizer holding the model's
        parameters); ValueError when the test kept no state (it restored it itself, ``restore=True``).
        """
        from .finder import restore_state  # here: finder imports this module

        check_model_and_optimizer(model, optimizer)
        if self.initial_state is None:
            raise ValueError("this result holds no state to restore: lr_range_test(restore=True), the default, "
                             "already put the model and optimizer back")
        data, _, _ = self.initial_state
        shapes = [p.data.shape for p in model.parameters()]
        if [d.shape for d in data] != shapes:
            raise ValueError(f"model does not match the one this test ran on: parameter shapes {shapes}, "
                             f"but the saved state has {[d.shape for d in data]}")
        restore_state(model, optimizer, self.initial_state)

    @property
    def settings(self):
        """The settings the test ran with, as a dict (pass them to ``lr_range_test`` to run it again)."""
        return {name: getattr(self, name) for name in self.SETTINGS}

    def suggest(self, method="sma_derivative", **options):
        """The suggestion of one rule; see ``suggest.suggest_lr`` and ``suggest.METHODS``."""
        return suggest_lr(self, method, **options)

    def suggestions(self, **options):
        """Every rule's suggestion at once, as a dict; see ``suggest.suggest_all``."""
        return suggest_all(self, **options)

    def plot(self, ax=None, *, methods=METHODS, use_val=False, skip_start=0, skip_end=0, show=False):
        """Loss against lr (log axis) with each rule's suggestion, or its refusal, marked; returns the Axes.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Where to draw (default: a new figure).
        methods : sequence of str, default every rule
        use_val : bool, default False
            Draw the validation losses (recorded with ``val_batches``) and the rules' answers on them.
        skip_start, skip_end : int >= 0, default 0
            Points left out of the drawing at both ends (pytorch-lr-finder's ``plot`` skips 10 and 5); the
            rules still read the whole curve.
        show : bool, default False
            Call ``matplotlib.pyplot.show()`` after drawing (a script's window; a notebook shows the figure
            anyway).
        """
        from .plots import plot_range_test  # matplotlib is imported only when a plot is asked for

        ax = plot_range_test(self, ax=ax, methods=methods, use_val=use_val, skip_start=skip_start,
                             skip_end=skip_end)
        if check_flag("show", show):
            import matplotlib.pyplot as plt

            plt.show()
        return ax

    def to_csv(self, path):
        """Write one header row, then one row per step: step, lr, loss, smoothed, accuracy[, val_loss].

        Written atomically, and only a result that ``from_json`` would accept (``file_format``).
        """
        from . import file_format  # here, not at the top: file_format imports this module

        file_format.write_csv(self, path)

    def to_json(self, path):
        """Write the whole result (arrays and settings); ``from_json`` reads it back exactly.

        Written atomically, and only a result that ``from_json`` would accept (``file_format``).
        """
        from . import file_format

        file_format.write_json(self, path)

    @classmethod
    def from_json(cls, path):
        """Read a result written by ``to_json``; every float comes back bit for bit.

        The whole file is checked first (``file_format.read_document``): a ValueError (bad value) or
        TypeError (bad type) begins with the path and names the key, e.g. ``r.json: losses[3] must be a
        number, got None``.
        """
        from . import file_format

        return cls(**file_format.read_json(path))
