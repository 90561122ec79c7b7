"""Ground truth for the learning rate: brute-force sweeps, and how good a suggestion rule is against them.

A range test *suggests* a learning rate; nothing in it says whether the suggestion is any good. The
only honest check is the expensive one: train at many learning rates, from several seeds, for the
budget you care about, and see which one ends lowest on held-out data. This module does that, and
then scores a rule by how close its suggestion comes:

    lr_sweep             train at every lr of a grid × every seed; a table of final validation losses
    regret               val loss at the suggestion ÷ the best val loss of the grid − 1 (0: as good as the best)
    spread               standard deviation of log10(suggested lr) over seeds: how much a rule wobbles
    suggestion_quality   both, for every optimizer × rule, against a sweep (the tables of the README)

Every run is one call of the top-level function ``train_and_score``, so the sweep can be spread over
the processes of a ``concurrent.futures.ProcessPoolExecutor`` (or a cluster: dask.distributed's
``client.get_executor()`` has the same ``submit`` interface) and gives the same numbers as in the
calling process: each run builds its model from its seed and reads its batches in an order drawn
from that seed, and nothing else is random.

``python -m minigrad_lr.bench quality`` (``quality_main``) prints the full tables on four tasks.

References
----------
L. N. Smith, "Cyclical Learning Rates for Training Neural Networks", WACV 2017, §3.3 (the range test).
J. Bergstra, Y. Bengio, "Random Search for Hyper-Parameter Optimization", JMLR 13 (2012): sweeps as the baseline.
"""

import argparse
import math
import numbers
import time
from dataclasses import dataclass, field
from functools import partial

import numpy as np
from tqdm.auto import tqdm

from ._checks import check_positive_int
from .data import batches, load_digits, make_spirals, train_val_split
from .finder import lr_range_test
from .losses import softmax_cross_entropy
from .lr_search import lr_search
from .nn import MLP
from .optim import SGD, Adagrad, Adam, RMSProp
from .suggest import NoSuggestionError, suggest_lr
from .train import fit

DIVERGED = 4.0  # a run ending with over 4 × its initial validation loss diverged


# --- one run, and the sweep ---------------------------------------------------------------------------


def train_and_score(make_model, make_optimizer, data, lr, seed, steps, batch_size, loss=softmax_cross_entropy):
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

    Returns
    -------
    (val_loss, val_accuracy, diverged) : (float, float, bool)
        A run *diverged* when its final validation loss is more than ``DIVERGED`` = 4 times the one
        before training (the article's "4 × the best loss" rule, read at the two ends of the run), or
        when a training loss or the final validation loss was not finite; in the second case val_loss
        is +inf and the accuracy NaN, so that the run ranks below every finished one.
    """
    X_train, y_train, X_val, y_val = data
    model = make_model(seed)
    optimizer = make_optimizer(model.parameters(), lr)
    history = fit(model, optimizer, batches(X_train, y_train, batch_size, seed=seed), steps, loss=loss,
                  val=(X_val, y_val))
    val_loss = history.final_val_loss
    if history.stop_reason != "completed" or not math.isfinite(val_loss):
        return math.inf, math.nan, True
    return val_loss, history.val_accuracies[-1], val_loss > DIVERGED * history.val_losses[0]


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
    """

    lrs: np.ndarray
    seeds: tuple
    val_losses: np.ndarray
    val_accuracies: np.ndarray
    diverged: np.ndarray
    steps: int
    epochs: int
    batch_size: int

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

    @property
    def cost(self):
        """Training steps the whole sweep took: L × S × steps."""
        return self.val_losses.size * self.steps


def lr_sweep(make_model, make_optimizer, data, lrs, *, epochs, seeds, batch_size, loss=softmax_cross_entropy,
             executor=None, progress=True):
    """Train at every learning rate of ``lrs`` from every seed of ``seeds``; return the final validation losses.

    Parameters
    ----------
    make_model : callable, seed -> model
        Builds a fresh model from a seed, e.g. ``functools.partial(mlp, sizes=(64, 64, 10))`` (see ``mlp``).
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
    executor : concurrent.futures.Executor, optional
        Runs the L × S jobs (``executor.submit(train_and_score, ...)``); None runs them here, one after
        the other. Results are the same either way, bit for bit. With a ``ProcessPoolExecutor``,
        ``make_model`` and ``make_optimizer`` must pickle: module-level functions, classes and
        ``functools.partial`` of them do, lambdas and nested functions do not. A dask.distributed
        cluster works the same way: pass ``client.get_executor()``.
    progress : bool, default True
        A tqdm progress bar over the runs.

    Returns
    -------
    SweepResult
    """
    X_train, y_train, X_val, y_val = _check_data(data)
    lrs = _check_lrs(lrs)
    seeds = _check_seeds(seeds)
    epochs = check_positive_int("epochs", epochs)
    batch_size = check_positive_int("batch_size", batch_size)
    for name, fn in (("make_model", make_model), ("make_optimizer", make_optimizer), ("loss", loss)):
        if not callable(fn):
            raise TypeError(f"{name} must be callable, got {fn!r}")
    if batch_size > len(X_train):
        raise ValueError(f"batch_size must be <= len(X_train) = {len(X_train)}, got {batch_size}")
    steps = epochs * (len(X_train) // batch_size)
    jobs = [(make_model, make_optimizer, data, float(lr), seed, steps, batch_size, loss) for lr in lrs for seed in seeds]
    results = run_jobs(train_and_score, jobs, executor, progress, desc="lr sweep")
    shape = (len(lrs), len(seeds))
    val_losses, val_accuracies, diverged = (np.array(column).reshape(shape) for column in zip(*results))
    return SweepResult(lrs=lrs, seeds=seeds, val_losses=val_losses.astype(np.float64),
                       val_accuracies=val_accuracies.astype(np.float64), diverged=diverged.astype(bool),
                       steps=steps, epochs=epochs, batch_size=batch_size)


def run_jobs(fn, jobs, executor=None, progress=True, desc=None):
    """``[fn(*args) for args in jobs]``, here or through ``executor.submit``; results in the order of ``jobs``.

    Only ``submit`` and ``Future.result`` are used, the interface that ``concurrent.futures`` executors and
    dask.distributed's ``client.get_executor()`` share.
    """
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise TypeError(f"executor must be a concurrent.futures.Executor (with submit), got {type(executor).__name__}")
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be True or False, got {progress!r}")
    with tqdm(total=len(jobs), disable=not progress, desc=desc) as bar:
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


# --- the rules being scored --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RangeTestRule:
    """A known rule run as its own library runs it: a range test 1e-7 → 10 in 100 steps, then one suggestion.

    Calling it, ``rule(model, optimizer, X, y, epochs=..., batch_size=..., seed=...)``, returns
    ``(lr or None, training steps spent)``; ``epochs`` is ignored (the range test does not know the budget).
    """

    method: str
    smooth: float = 0.98
    stop_factor: float = 4.0
    stop_on: str = "smoothed"

    def __call__(self, model, optimizer, X, y, *, epochs, batch_size, seed):
        result = lr_range_test(model, optimizer, batches(X, y, batch_size, seed=seed), start_lr=1e-7, end_lr=10.0,
                               num_iter=100, smooth=self.smooth, stop_factor=self.stop_factor, stop_on=self.stop_on)
        try:
            return suggest_lr(result, self.method).lr, len(result)
        except NoSuggestionError:
            return None, len(result)


def find_lr_rule(model, optimizer, X, y, *, epochs, batch_size, seed):
    """``find_lr`` as a rule to be scored: (lr, training steps spent), read off ``lr_search``."""
    search = lr_search(model, optimizer, X, y, epochs=epochs, batch_size=batch_size, seed=seed)
    return search.suggestion.lr, search.steps


KNOWN_RULES = {
    "steepest (pytorch-lr-finder)": RangeTestRule("steepest", smooth=0.95, stop_factor=5.0, stop_on="smoothed"),
    "valley (fastai default)": RangeTestRule("valley"),
    "slide (fastai)": RangeTestRule("slide"),
    "minimum/10 (fastai)": RangeTestRule("minimum"),
    "steep (fastai)": RangeTestRule("steep"),
    "SMA derivative (the article)": RangeTestRule("sma_derivative", stop_on="raw"),
}
RULES = {**KNOWN_RULES, "find_lr (this package)": find_lr_rule}


def run_rule(rule, make_model, make_optimizer, X, y, seed, epochs, batch_size):
    """One job of ``suggestion_quality``: a fresh model and optimizer from ``seed``, then ``rule``; (lr or None, steps)."""
    model = make_model(seed)
    optimizer = make_optimizer(model.parameters(), 1e-3)  # every rule sets its own lrs
    return rule(model, optimizer, X, y, epochs=epochs, batch_size=batch_size, seed=seed)


@dataclass
class QualityRow:
    """How one rule did with one optimizer.

    Attributes
    ----------
    optimizer, rule : str
    suggestions : ndarray, shape (n_seeds,)
        The lr suggested from each seed (NaN where the rule suggested nothing).
    median_lr : float
        ``median_lr(suggestions)``.
    best_lr : float
        The ground truth: the sweep's best lr.
    regret : float
        Of the median suggestion, trained from the ground-truth seeds, against the sweep's best.
    spread : float
        ``spread(suggestions)``, in decades.
    cost : float
        Mean training steps one suggestion took, as a fraction of one seed's sweep (L × budget).
    """

    optimizer: str
    rule: str
    suggestions: np.ndarray
    median_lr: float
    best_lr: float
    regret: float
    spread: float
    cost: float


@dataclass
class Quality:
    """``suggestion_quality``'s answer: the ground truth per optimizer, and one row per optimizer × rule."""

    sweeps: dict
    rows: list = field(default_factory=list)

    def row(self, optimizer, rule):
        """The row of one optimizer and one rule."""
        return next(r for r in self.rows if r.optimizer == optimizer and r.rule == rule)

    def markdown(self):
        """The issue's table: per rule, the regret with each optimizer, then the worst regret, spread and cost."""
        optimizers = list(self.sweeps)
        lines = ["| rule | " + " | ".join(optimizers) + " | worst regret | worst spread | cost |",
                 "|---|" + "---:|" * (len(optimizers) + 3)]
        for rule in dict.fromkeys(r.rule for r in self.rows):
            rows = [self.row(o, rule) for o in optimizers]
            lines.append(f"| {rule} | " + " | ".join(_percent(r.regret) for r in rows)
                         + f" | {_percent(max(r.regret for r in rows))} | {max(r.spread for r in rows):.2f}"
                         + f" | {_percent(max(r.cost for r in rows), 1)} |")
        return "\n".join(lines)


def suggestion_quality(make_model, optimizers, data, *, epochs, batch_size, rules=None, seeds=range(5),
                       truth_seeds=range(6), grid=None, loss=softmax_cross_entropy, sweeps=None, executor=None,
                       progress=True):
    """Score suggestion rules against a sweep: median suggestion, regret, spread and cost per optimizer × rule.

    Parameters
    ----------
    make_model : callable, seed -> model
    optimizers : dict of str to callable (params, lr) -> Optimizer
    data : (X_train, y_train, X_val, y_val)
        The rules see the training part only; the validation part is the ground truth's.
    epochs, batch_size : int
        The training budget the lr is for (as in ``lr_sweep``).
    rules : dict of str to rule, default ``RULES`` (the six known rules and find_lr)
        A rule is a picklable callable ``rule(model, optimizer, X, y, *, epochs, batch_size, seed)``
        returning ``(lr or None, training steps spent)``; see ``RangeTestRule``.
    seeds : sequence of int, default 0 … 4
        Each rule runs once per seed, from ``make_model(seed)``.
    truth_seeds : sequence of int, default 0 … 5
        Seeds of the ground truth: of the sweep, and of the runs that score each median suggestion.
        Three are too few: the best lr of the grid then changes from one set of seeds to the next.
    grid : array_like, default ``np.logspace(-5, 1, 25)``
    sweeps : dict of str to SweepResult, optional
        Ground truth already computed (per optimizer, with ``truth_seeds``); missing ones are swept.
    executor, progress
        As in ``lr_sweep``.

    Returns
    -------
    Quality

    Notes
    -----
    For each optimizer and rule: run the rule from every seed; take the median of its suggestions on a
    log scale; train at that lr from every truth seed for the full budget and average the final
    validation losses; ``regret = that / the sweep's best mean − 1``. One number per rule and optimizer,
    measured the same way as the sweep it is compared with. ``cost`` counts training steps (range test
    steps and training runs alike) and leaves out the cheaper forward passes of validation.
    """
    rules = RULES if rules is None else rules
    grid = np.logspace(-5, 1, 25) if grid is None else grid
    seeds, truth_seeds = _check_seeds(seeds), _check_seeds(truth_seeds)
    sweeps = dict(sweeps or {})
    for name, make_optimizer in optimizers.items():
        if name not in sweeps:
            sweeps[name] = lr_sweep(make_model, make_optimizer, data, grid, epochs=epochs, seeds=truth_seeds,
                                    batch_size=batch_size, loss=loss, executor=executor, progress=progress)
    X_train, y_train = data[0], data[1]
    jobs = [(rule, make_model, optimizers[o], X_train, y_train, seed, epochs, batch_size)
            for o in optimizers for rule in rules.values() for seed in seeds]
    answers = iter(run_jobs(run_rule, jobs, executor, progress, desc="rules"))
    quality = Quality(sweeps)
    for o in optimizers:
        for name in rules:
            lrs, steps = zip(*(next(answers) for _ in seeds))
            suggestions = np.array([math.nan if lr is None else lr for lr in lrs])
            quality.rows.append(QualityRow(o, name, suggestions, median_lr(suggestions), sweeps[o].best_lr, math.nan,
                                           spread(suggestions), np.mean(steps) / (len(grid) * sweeps[o].steps)))
    _score_medians(quality, make_model, optimizers, data, epochs, batch_size, truth_seeds, loss, executor, progress)
    return quality


def _score_medians(quality, make_model, optimizers, data, epochs, batch_size, truth_seeds, loss, executor, progress):
    """Fill in each row's regret: one small sweep per optimizer over the distinct median suggestions."""
    for o, make_optimizer in optimizers.items():
        rows = [r for r in quality.rows if r.optimizer == o]
        lrs = sorted({r.median_lr for r in rows if math.isfinite(r.median_lr)})
        if lrs:
            at = lr_sweep(make_model, make_optimizer, data, lrs, epochs=epochs, seeds=truth_seeds,
                          batch_size=batch_size, loss=loss, executor=executor, progress=progress)
            loss_at = dict(zip(lrs, at.mean_val_loss()))
        for r in rows:
            r.regret = regret(loss_at[r.median_lr], quality.sweeps[o].best_val_loss) if r.median_lr in loss_at else math.inf


def _percent(x, digits=0):
    return "—" if not math.isfinite(x) else f"{100 * x:.{digits}f}%"


# --- the benchmark: ``python -m minigrad_lr.bench quality`` ------------------------------------------------


def mlp(seed, sizes, activation="relu"):
    """``MLP(sizes, activation, seed)`` with the seed first: ``partial(mlp, sizes=...)`` is a picklable make_model."""
    return MLP(list(sizes), activation=activation, seed=seed)


@dataclass(frozen=True)
class Task:
    """A benchmark problem: the data (split 80/20 with seed 0), the network, and the budget the lr is for."""

    name: str
    load: object  # () -> (X, y)
    make_model: object  # seed -> model
    epochs: int
    batch_size: int
    about: str

    def data(self):
        """(X_train, y_train, X_val, y_val)."""
        return train_val_split(*self.load(), fraction=0.2, seed=0)


TASKS = {
    "digits": Task("digits", load_digits, partial(mlp, sizes=(64, 64, 10)), 5, 64,
                   "bundled digits, MLP 64-64-10 ReLU, batch 64, 5 epochs (the issue's setting)"),
    "spirals": Task("spirals", partial(make_spirals, n_per_class=500, noise=0.4, seed=0),
                    partial(mlp, sizes=(2, 64, 64, 3)), 10, 32,
                    "3 overlapping spirals (500 points each, noise 0.4), MLP 2-64-64-3 ReLU, batch 32, 10 epochs"),
    "deep_tanh": Task("deep_tanh", load_digits, partial(mlp, sizes=(64, 64, 64, 64, 64, 10), activation="tanh"),
                      5, 64, "digits, MLP 64-64-64-64-64-10 Tanh, batch 64, 5 epochs"),
    "small_batch": Task("small_batch", load_digits, partial(mlp, sizes=(64, 128, 10)), 2, 16,
                        "digits, MLP 64-128-10 ReLU, batch 16 (noisy), 2 epochs"),
}
OPTIMIZERS = {"SGD m=0.9": partial(SGD, momentum=0.9), "Adam": Adam, "RMSProp": RMSProp, "Adagrad": Adagrad}
FIND_LR = "find_lr (this package)"
TARGETS = {"worst regret": 0.20, "median regret": 0.05, "pairs with regret <= 10%": 0.75, "worst spread": 0.25,
           "worst cost": 0.15}


def targets(rows):
    """find_lr's rows of every task against the issue's targets: {name: (measured, target, met)}."""
    regrets = np.array([r.regret for r in rows])
    measured = {"worst regret": regrets.max(), "median regret": float(np.median(regrets)),
                "pairs with regret <= 10%": float(np.mean(regrets <= 0.10)),
                "worst spread": max(r.spread for r in rows), "worst cost": max(r.cost for r in rows)}
    return {name: (value, TARGETS[name], value >= TARGETS[name] if name.startswith("pairs") else value <= TARGETS[name])
            for name, value in measured.items()}


def wall_clock_cost(task, make_optimizer, grid_size=25, seed=0):
    """Seconds of one find_lr ÷ seconds of ``grid_size`` full-budget runs (in this process, best of 3 each)."""
    X_train, y_train = task.data()[:2]
    steps = task.epochs * (len(X_train) // task.batch_size)

    def train():
        model = task.make_model(seed)
        fit(model, make_optimizer(model.parameters(), 1e-3), batches(X_train, y_train, task.batch_size, seed=seed), steps)

    def find():
        model = task.make_model(seed)
        lr_search(model, make_optimizer(model.parameters(), 1e-3), X_train, y_train, epochs=task.epochs,
                  batch_size=task.batch_size, seed=seed)

    return min(_seconds(find) for _ in range(3)) / (grid_size * min(_seconds(train) for _ in range(3)))


def _seconds(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def quality_main(argv=None):
    """``python -m minigrad_lr.bench quality``: every rule against the ground truth, on every task; then find_lr's targets."""
    parser = argparse.ArgumentParser(prog="python -m minigrad_lr.bench quality",
                                     description="How good are the suggestions? Regret, spread and cost per rule.")
    parser.add_argument("--tasks", default=",".join(TASKS), help=f"comma-separated, from {', '.join(TASKS)}")
    parser.add_argument("--seeds", type=int, default=5, help="runs of each rule (seeds 0 … n−1), default 5")
    parser.add_argument("--truth-seeds", type=int, default=6, help="seeds of the ground truth, default 6")
    parser.add_argument("--workers", type=int, default=1, help="processes (ProcessPoolExecutor); 1 runs here")
    parser.add_argument("--find-lr-only", action="store_true", help="score find_lr alone (skips the six known rules)")
    parser.add_argument("--progress", action="store_true", help="tqdm progress bars")
    args = parser.parse_args(argv)
    names = args.tasks.split(",")
    for name in names:
        if name not in TASKS:
            parser.error(f"unknown task {name!r}; choose from {', '.join(TASKS)}")
    rules = {FIND_LR: find_lr_rule} if args.find_lr_only else RULES
    grid = np.logspace(-5, 1, 25)
    print(f"Regret of the median suggestion over {args.seeds} seeds against a {len(grid)}-point sweep "
          f"({grid[0]:g} … {grid[-1]:g}) with {args.truth_seeds} seeds; spread = std of log10(lr) over seeds; "
          "cost = training steps per suggestion ÷ the sweep's (one seed).")
    executor = None
    if args.workers > 1:
        from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415 (only when asked for)
        executor = ProcessPoolExecutor(args.workers)
    find_rows = []
    try:
        for name in names:
            task = TASKS[name]
            start = time.perf_counter()
            quality = suggestion_quality(task.make_model, OPTIMIZERS, task.data(), epochs=task.epochs,
                                         batch_size=task.batch_size, rules=rules, seeds=range(args.seeds),
                                         truth_seeds=range(args.truth_seeds), grid=grid, executor=executor,
                                         progress=args.progress)
            print(f"\n## {name}: {task.about} ({time.perf_counter() - start:.0f} s)\n")
            for o, sweep in quality.sweeps.items():
                accuracy = sweep.mean_val_accuracy()[sweep.best_index]
                print(f"ground truth, {o}: best lr {sweep.best_lr:.3g}, val loss {sweep.best_val_loss:.3f}, "
                      f"accuracy {accuracy:.3f}, budget {sweep.steps} steps")
            print("\n" + quality.markdown())
            find_rows += [(name, r) for r in quality.rows if r.rule == FIND_LR]
    finally:
        if executor is not None:
            executor.shutdown()
    print(f"\n## {FIND_LR}, every task\n")
    print("| task | optimizer | median lr | best lr of the grid | regret | spread | cost (steps) |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, r in find_rows:
        print(f"| {name} | {r.optimizer} | {r.median_lr:.3g} | {r.best_lr:.3g} | {_percent(r.regret, 1)} "
              f"| {r.spread:.2f} | {_percent(r.cost, 1)} |")
    print("\n| target | measured | target | met |\n|---|---:|---:|---|")
    for target, (value, bound, met) in targets([r for _, r in find_rows]).items():
        shown = f"{value:.2f}" if "spread" in target else _percent(value, 1)
        limit = f"{bound:.2f}" if "spread" in target else _percent(bound)
        print(f"| {target} | {shown} | {'≥' if target.startswith('pairs') else '≤'} {limit} | {'yes' if met else 'NO'} |")
    walls = {name: wall_clock_cost(TASKS[name], Adam) for name in names}
    print("\nwall-clock cost of find_lr (Adam, seed 0; held-out evaluations included) ÷ the sweep's: "
          + ", ".join(f"{name} {_percent(value, 1)}" for name, value in walls.items()))
    return 0


# --- checks -------------------------------------------------------------------------------------------------


def _check_data(data):
    if not (isinstance(data, (tuple, list)) and len(data) == 4):
        raise TypeError(f"data must be a tuple (X_train, y_train, X_val, y_val), got {type(data).__name__}"
                        + (f" of length {len(data)}" if isinstance(data, (tuple, list)) else ""))
    return data


def _check_lrs(lrs):
    try:
        lrs = np.array(lrs, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"lrs must be a 1-D array of learning rates, got {type(lrs).__name__}") from None
    if lrs.ndim != 1 or lrs.size == 0:
        raise ValueError(f"lrs must be a non-empty 1-D array, got shape {lrs.shape}")
    if not np.all(np.isfinite(lrs) & (lrs > 0)):
        raise ValueError(f"lrs must be finite and > 0, got {lrs.tolist()}")
    return lrs


def _check_seeds(seeds):
    if isinstance(seeds, numbers.Integral) or isinstance(seeds, (str, bytes)):
        raise TypeError(f"seeds must be a sequence of ints such as range(5), got {seeds!r}")
    seeds = tuple(check_positive_int("seed", s, minimum=0) for s in seeds)
    if not seeds:
        raise ValueError("seeds must hold at least one seed, got an empty sequence")
    return seeds
