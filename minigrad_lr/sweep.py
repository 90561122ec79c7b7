"""Ground truth for the learning rate: train at every lr of a grid from several seeds, and regret against it.

A range test *suggests* a learning rate; nothing in it says whether the suggestion is any good. The
only honest check is the expensive one: train at many learning rates, from several seeds, for the
budget you care about, and see which one ends lowest on held-out data.

    Checkpoint  where the runs start: a model's weights and, optionally, its optimizer's state
    lr_sweep    train at every lr of a grid × every seed; a table of final validation losses
    regret      val loss at a suggestion ÷ the best val loss of the grid − 1 (0: as good as the best)
    spread      standard deviation of log10(suggested lr) over seeds: how much a rule wobbles
    median_lr   the middle of several suggestions, on a log scale

``quality.suggestion_quality`` scores the suggestion rules with these.

A sweep starts from scratch (``make_model(seed)``) or from a ``Checkpoint``: the weights a training run
reached and, if it is given, the optimizer's state as that run left it. From a checkpoint the seed
only orders the batches. The truth for a re-run of the finder late in training is such a sweep: the
best constant lr for the rest of the budget, from where training stands.

Every run is one call of the top-level function ``train_and_score``, so the sweep can be spread over
the processes of a ``concurrent.futures.ProcessPoolExecutor`` (or a cluster: dask.distributed's
``client.get_executor()`` has the same ``submit`` interface) and gives the same numbers as in the
calling process: each run builds its model from its seed and reads its batches in an order drawn
from that seed, and nothing else is random. The numbers are the same to the last bit when every process uses the same
number of BLAS threads; otherwise the matrix products may sum in another order and agree to about 1e-6
(float32). dask's workers default to one BLAS thread (``OMP_NUM_THREADS=1`` and its siblings).

References
----------
J. Bergstra, Y. Bengio, "Random Search for Hyper-Parameter Optimization", JMLR 13 (2012): sweeps as the baseline.
"""

import math
from dataclasses import dataclass

import numpy as np

from ._checks import (
    check_callable,
    check_executor,
    check_flag,
    check_lr_grid,
    check_positive_int,
    check_seeds,
    check_train_val,
)
from .data import batches
from .losses import softmax_cross_entropy
from .progress import progress_bar
from .train import fit

DIVERGED = 4.0  # a run ending with over 4 × its initial validation loss diverged


# --- one run, and the sweep ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """A starting state for training runs: a model's weights and, optionally, its optimizer's state.

    Attributes
    ----------
    model : dict of str to ndarray
        ``model.state_dict()``.
    optimizer : dict or None
        ``optimizer.state_dict()`` (buffers, step count, hyper-parameters), or None for a fresh optimizer.
    """

    model: dict
    optimizer: dict | None = None

    @classmethod
    def of(cls, model, optimizer=None):
        """Copies of ``model``'s weights and, when given, of ``optimizer``'s whole state."""
        return cls(model.state_dict(), None if optimizer is None else optimizer.state_dict())

    def fresh(self):
        """The same weights with a fresh optimizer: a saved model trained on by a new optimizer."""
        return Checkpoint(self.model)

    def load(self, model, optimizer, lr):
        """Put the weights (and the optimizer state, if saved) into ``model`` and ``optimizer``; set the lr."""
        model.load_state_dict(self.model)
        if self.optimizer is not None:
            optimizer.load_state_dict(self.optimizer)
        optimizer.lr = lr


def start_pair(make_model, make_optimizer, seed, lr, start=None):
    """``make_model(seed)`` and ``make_optimizer(its parameters, lr)``, both loaded from ``start`` if given."""
    model = make_model(seed)
    optimizer = make_optimizer(model.parameters(), lr)
    if start is not None:
        start.load(model, optimizer, lr)
    return model, optimizer


def train_and_score(make_model, make_optimizer, data, lr, seed, steps, batch_size, loss=softmax_cross_entropy,
                    start=None):
    """Train one model at one constant lr and return its final validation loss and accuracy.

    The unit of work of a sweep: a top-level function of picklable arguments, so that an executor can
    run it in another process.

    Parameters
    ----------
    make_model : callable, seed -> model
    make_optimizer : callable, (params, lr) -> Optimizer
    data : (X_train, y_train, X_val, y_val)
    lr : float
    seed : int
        Seeds the model (``make_model(seed)``) and the order of the batches (``batches(..., seed=seed)``).
    steps : int
        Number of mini-batches of training.
    batch_size : int
    loss : callable, default softmax_cross_entropy
    start : Checkpoint, optional
        Start from these weights (and optimizer state) instead of ``make_model(seed)``'s.

    Returns
    -------
    (val_loss, val_accuracy, diverged, start_val_loss) : (float, float, bool, float)
        A run *diverged* when its final validation loss is more than ``DIVERGED`` = 4 times the one
        before training (the article's "4 × the best loss" rule, read at the two ends of the run), or
        when a training loss or the final validation loss was not finite; in the second case val_loss
        is +inf and the accuracy NaN, so that the run ranks below every finished one.
        ``start_val_loss`` is the validation loss before training.
    """
    X_train, y_train, X_val, y_val = data
    model, optimizer = start_pair(make_model, make_optimizer, seed, lr, start)
    history = fit(model, optimizer, batches(X_train, y_train, batch_size, seed=seed), steps, loss=loss,
                  val=(X_val, y_val))
    val_loss, v0 = history.final_val_loss, history.val_losses[0]
    if history.stop_reason != "completed" or not math.isfinite(val_loss):
        return math.inf, math.nan, True, v0
    return val_loss, history.val_accuracies[-1], val_loss > DIVERGED * v0, v0


@dataclass
class SweepResult:
    """The table a sweep fills: one row per lr, one column per seed.

    Attributes
    ----------
    lrs : ndarray of float64, shape (L,)
    seeds : tuple of int, length S
    val_losses : ndarray of float64, shape (L, S)
        Final validation loss of each run; +inf where the run diverged.
    val_accuracies : ndarray of float64, shape (L, S)
        Final validation accuracy; NaN where the run diverged (or the labels are not classes).
    diverged : ndarray of bool, shape (L, S)
        Runs whose validation loss ended over 4 times where it started, or not finite (``train_and_score``).
    steps : int
        Training steps of every run: the budget, ``epochs × (len(X_train) // batch_size)``.
    epochs, batch_size : int
    start_val_loss : float
        v0, the mean validation loss before training (over seeds; one value from a checkpoint).
    """

    lrs: np.ndarray
    seeds: tuple
    val_losses: np.ndarray
    val_accuracies: np.ndarray
    diverged: np.ndarray
    steps: int
    epochs: int
    batch_size: int
    start_val_loss: float = math.nan

    def mean_val_loss(self):
        """Mean over seeds, shape (L,): +inf for an lr where any seed diverged."""
        return self.val_losses.mean(axis=1)

    def mean_val_accuracy(self):
        """Mean over seeds, shape (L,): NaN for an lr where any seed diverged."""
        return self.val_accuracies.mean(axis=1)

    @property
    def best_index(self):
        """Row of the lowest mean validation loss (the first one on ties)."""
        return int(np.argmin(self.mean_val_loss()))

    @property
    def best_lr(self):
        """The lr of the grid with the lowest mean validation loss: the ground truth."""
        return float(self.lrs[self.best_index])

    @property
    def best_val_loss(self):
        """That lowest mean validation loss."""
        return float(self.mean_val_loss()[self.best_index])

    def captured(self, val_loss):
        """The share of the best improvement a run ending at ``val_loss`` achieved: (v0 − val_loss) / (v0 − best).

        1 is as good as the best lr of the grid, 0 no better than not training at all, negative worse
        than where it started. NaN when the grid's best does not improve on v0.
        """
        gain = self.start_val_loss - self.best_val_loss
        return (self.start_val_loss - val_loss) / gain if gain > 0 else math.nan

    @property
    def cost(self):
        """Training steps the whole sweep took: L × S × steps."""
        return self.val_losses.size * self.steps


def lr_sweep(make_model, make_optimizer, data, lrs, *, epochs, seeds, batch_size, loss=softmax_cross_entropy,
             start=None, executor=None, progress=True):
    """Train at every learning rate of ``lrs`` from every seed of ``seeds``; return the final validation losses.

    Parameters
    ----------
    make_model : callable, seed -> model
        Builds a fresh model from a seed, e.g. a function ``make_model(seed)`` returning
        ``MLP([64, 64, 10], seed=seed)``.
    make_optimizer : callable, (params, lr) -> Optimizer
        e.g. ``Adam`` itself, or ``functools.partial(SGD, momentum=0.9)``.
    data : (X_train, y_train, X_val, y_val)
        Training data (read in mini-batches) and validation data (scored once, after training).
    lrs : array_like of float > 0, shape (L,)
        The grid, e.g. ``np.logspace(-5, 1, 25)``.
    epochs : int >= 1
        The training budget: every run takes ``epochs × (len(X_train) // batch_size)`` steps (the last,
        incomplete batch of each epoch is dropped).
    seeds : sequence of int >= 0, length S
        One run per seed and lr; the seed fixes the initial weights and the order of the batches.
    batch_size : int >= 1
    loss : callable, default softmax_cross_entropy
    start : Checkpoint, optional
        Every run starts from these weights and, if it holds one, this optimizer state (its lr replaced
        by the run's); None: from ``make_model(seed)`` and a fresh optimizer.
    executor : concurrent.futures.Executor, optional
        Runs the L × S jobs (``executor.submit(train_and_score, ...)``); None runs them here, one after
        the other. Results are the same either way (see the module docstring on BLAS threads). With a
        ``ProcessPoolExecutor``,
        ``make_model`` and ``make_optimizer`` must pickle: module-level functions, classes and
        ``functools.partial`` of them do, lambdas and nested functions do not. A dask.distributed
        cluster works the same way: pass ``client.get_executor()``.
    progress : bool, default True
        A tqdm progress bar over the runs.

    Returns
    -------
    SweepResult
    """
    X_train = check_train_val("data", data)[0]
    lrs = check_lr_grid("lrs", lrs)
    seeds = check_seeds("seeds", seeds)
    epochs = check_positive_int("epochs", epochs)
    batch_size = check_positive_int("batch_size", batch_size)
    for name, fn in (("make_model", make_model), ("make_optimizer", make_optimizer), ("loss", loss)):
        check_callable(name, fn)
    if batch_size > len(X_train):
        raise ValueError(f"batch_size must be <= len(X_train) = {len(X_train)}, got {batch_size}")
    steps = epochs * (len(X_train) // batch_size)
    if start is not None and not isinstance(start, Checkpoint):
        raise TypeError(f"start must be a Checkpoint or None, got {type(start).__name__}")
    jobs = [(make_model, make_optimizer, data, float(lr), seed, steps, batch_size, loss, start)
            for lr in lrs for seed in seeds]
    results = run_jobs(train_and_score, jobs, executor, progress, desc="lr sweep")
    shape = (len(lrs), len(seeds))
    val_losses, val_accuracies, diverged, v0 = (np.array(column).reshape(shape) for column in zip(*results))
    return SweepResult(lrs=lrs, seeds=seeds, val_losses=val_losses.astype(np.float64),
                       val_accuracies=val_accuracies.astype(np.float64), diverged=diverged.astype(bool),
                       steps=steps, epochs=epochs, batch_size=batch_size, start_val_loss=float(v0[0].mean()))


def run_jobs(fn, jobs, executor=None, progress=True, desc=None):
    """``[fn(*args) for args in jobs]``, here or through ``executor.submit``; results in the order of ``jobs``.

    Only ``submit`` and ``Future.result`` are used, the interface that ``concurrent.futures`` executors and
    dask.distributed's ``client.get_executor()`` share.
    """
    check_executor("executor", executor)
    check_flag("progress", progress)
    with progress_bar(len(jobs), desc, progress) as bar:
        if executor is None:
            results = []
            for args in jobs:
                results.append(fn(*args))
                bar.update()
            return results
        futures = [executor.submit(fn, *args) for args in jobs]
        results = []
        for future in futures:
            results.append(future.result())
            bar.update()
        return results


# --- scoring a suggestion --------------------------------------------------------------------------------


def regret(val_loss, best_val_loss):
    """How much worse than the best: ``val_loss / best_val_loss − 1``.

    0 means as good as the best lr of the grid, 0.2 means a validation loss 20% higher; negative when a
    suggestion between grid points beats them all; +inf when it diverged. Losses must be > 0.
    """
    return val_loss / best_val_loss - 1


def spread(lrs):
    """Standard deviation (over seeds, ddof = 0) of log10(lr): 0.3 means the suggestions wobble by a factor of about 2.

    NaN entries (a seed where the rule suggested nothing) are left out; NaN when none is left.
    """
    logs = np.log10(np.asarray(lrs, dtype=np.float64))
    logs = logs[np.isfinite(logs)]
    return float(np.std(logs)) if logs.size else math.nan


def median_lr(lrs):
    """The median of the suggestions on a log scale, ``10 ** median(log10 lr)``, ignoring NaN (NaN if all are)."""
    logs = np.log10(np.asarray(lrs, dtype=np.float64))
    logs = logs[np.isfinite(logs)]
    return float(10 ** np.median(logs)) if logs.size else math.nan
