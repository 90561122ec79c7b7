"""How good is a suggestion rule? Its suggestions from several seeds, scored against a sweep.

    RangeTestRule        a known rule, run as its own library runs it (its smoothing, its stop rule)
    find_lr_rule         ``find_lr`` as a rule
    KNOWN_RULES          the six known rules with their libraries' settings
    EVALUATED_RULES      those and find_lr: the rules ``suggestion_quality`` scores by default
    suggestion_quality   per optimizer × rule: median suggestion, regret, spread and cost (``Quality``)

A rule runs from every seed; the median of its suggestions (on a log scale) is trained from the
ground-truth seeds for the full budget, and its regret is taken against the best lr of a sweep
(``sweep.lr_sweep``, ``sweep.regret``). ``python -m minigrad_lr.bench quality`` prints these tables
on four tasks.

References
----------
L. N. Smith, "Cyclical Learning Rates for Training Neural Networks", WACV 2017, §3.3 (the range test).
"""

import math
from dataclasses import dataclass, field

import numpy as np

from ._checks import check_seeds
from .data import batches
from .finder import lr_range_test
from .losses import softmax_cross_entropy
from .lr_search import lr_search
from .rules import NoSuggestionError
from .suggest import suggest_lr
from .sweep import lr_sweep, median_lr, regret, run_jobs, spread, start_pair

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
FIND_LR = "find_lr (this package)"
EVALUATED_RULES = {**KNOWN_RULES, FIND_LR: find_lr_rule}


def run_rule(rule, make_model, make_optimizer, X, y, seed, epochs, batch_size, start=None):
    """One job of ``suggestion_quality``: a model and optimizer from ``seed`` (or from ``start``), then ``rule``.

    Returns the rule's answer, ``(lr or None, training steps spent)``.
    """
    model, optimizer = start_pair(make_model, make_optimizer, seed, 1e-3, start)  # every rule sets its own lrs
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
    captured : float
        The share of the best improvement the median suggestion achieved, ``SweepResult.captured``.
    """

    optimizer: str
    rule: str
    suggestions: np.ndarray
    median_lr: float
    best_lr: float
    regret: float
    spread: float
    cost: float
    captured: float = math.nan


@dataclass
class Quality:
    """``suggestion_quality``'s answer: the ground truth per optimizer, and one row per optimizer × rule."""

    sweeps: dict
    rows: list = field(default_factory=list)

    def row(self, optimizer, rule):
        """The row of one optimizer and one rule."""
        return next(r for r in self.rows if r.optimizer == optimizer and r.rule == rule)

    def markdown(self):
        """A markdown table: per rule, the regret with each optimizer, then the worst regret, spread and cost."""
        optimizers = list(self.sweeps)
        lines = ["| rule | " + " | ".join(optimizers) + " | worst regret | worst spread | cost |",
                 "|---|" + "---:|" * (len(optimizers) + 3)]
        for rule in dict.fromkeys(r.rule for r in self.rows):
            rows = [self.row(o, rule) for o in optimizers]
            lines.append(f"| {rule} | " + " | ".join(percent(r.regret) for r in rows)
                         + f" | {percent(max(r.regret for r in rows))} | {max(r.spread for r in rows):.2f}"
                         + f" | {percent(max(r.cost for r in rows), 1)} |")
        return "\n".join(lines)


def suggestion_quality(make_model, optimizers, data, *, epochs, batch_size, rules=None, seeds=range(5),
                       truth_seeds=range(6), grid=None, loss=softmax_cross_entropy, start=None, sweeps=None,
                       executor=None, progress=True):
    """Score suggestion rules against a sweep: median suggestion, regret, spread and cost per optimizer × rule.

    Parameters
    ----------
    make_model : callable, seed -> model
    optimizers : dict of str to callable (params, lr) -> Optimizer
    data : (X_train, y_train, X_val, y_val)
        The rules see the training part only; the validation part is the ground truth's.
    epochs, batch_size : int
        The training budget the lr is for (as in ``lr_sweep``).
    rules : dict of str to rule, default ``EVALUATED_RULES`` (the six known rules and find_lr)
        A rule is a picklable callable ``rule(model, optimizer, X, y, *, epochs, batch_size, seed)``
        returning ``(lr or None, training steps spent)``; see ``RangeTestRule``.
    seeds : sequence of int, default 0 … 4
        Each rule runs once per seed, from ``make_model(seed)``.
    truth_seeds : sequence of int, default 0 … 5
        Seeds of the ground truth: of the sweep, and of the runs that score each median suggestion.
        Three are too few: the best lr of the grid then changes from one set of seeds to the next.
    grid : array_like, default ``np.logspace(-5, 1, 25)``
    start : Checkpoint, optional
        Score the re-run of a rule in the middle of training: the rules, the sweep and the scoring runs
        all start from these weights (and this optimizer state, if it holds one). The optimizer state
        belongs to one kind of optimizer: pass a single one in ``optimizers`` with it.
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
    rules = EVALUATED_RULES if rules is None else rules
    grid = np.logspace(-5, 1, 25) if grid is None else grid
    seeds, truth_seeds = check_seeds("seeds", seeds), check_seeds("truth_seeds", truth_seeds)
    sweeps = dict(sweeps or {})
    for name, make_optimizer in optimizers.items():
        if name not in sweeps:
            sweeps[name] = lr_sweep(make_model, make_optimizer, data, grid, epochs=epochs, seeds=truth_seeds,
                                    batch_size=batch_size, loss=loss, start=start, executor=executor,
                                    progress=progress)
    X_train, y_train = data[0], data[1]
    jobs = [(rule, make_model, optimizers[o], X_train, y_train, seed, epochs, batch_size, start)
            for o in optimizers for rule in rules.values() for seed in seeds]
    answers = iter(run_jobs(run_rule, jobs, executor, progress, desc="rules"))
    quality = Quality(sweeps)
    for o in optimizers:
        for name in rules:
            lrs, steps = zip(*(next(answers) for _ in seeds))
            suggestions = np.array([math.nan if lr is None else lr for lr in lrs])
            quality.rows.append(QualityRow(o, name, suggestions, median_lr(suggestions), sweeps[o].best_lr, math.nan,
                                           spread(suggestions), np.mean(steps) / (len(grid) * sweeps[o].steps)))
    _score_medians(quality, make_model, optimizers, data, epochs, batch_size, truth_seeds, loss, start, executor,
                   progress)
    return quality


def _score_medians(quality, make_model, optimizers, data, epochs, batch_size, truth_seeds, loss, start, executor,
                   progress):
    """Fill in each row's regret and captured share: one small sweep per optimizer over the distinct medians."""
    for o, make_optimizer in optimizers.items():
        rows = [r for r in quality.rows if r.optimizer == o]
        lrs = sorted({r.median_lr for r in rows if math.isfinite(r.median_lr)})
        loss_at = {}  # empty when no rule suggested anything: every regret is then +inf
        if lrs:
            at = lr_sweep(make_model, make_optimizer, data, lrs, epochs=epochs, seeds=truth_seeds,
                          batch_size=batch_size, loss=loss, start=start, executor=executor, progress=progress)
            loss_at = dict(zip(lrs, at.mean_val_loss()))
        truth = quality.sweeps[o]
        for r in rows:
            val_loss = loss_at.get(r.median_lr, math.inf)
            r.regret, r.captured = regret(val_loss, truth.best_val_loss), truth.captured(val_loss)


def percent(x, digits=0):
    """``x`` as a percentage with ``digits`` decimals (0.123 -> "12%"); "—" for inf and NaN."""
    return "—" if not math.isfinite(x) else f"{100 * x:.{digits}f}%"
