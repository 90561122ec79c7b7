"""``python -m minigrad_lr.bench lr-free``: the learning-rate-free optimizers, measured with the suggestions' yardstick.

DoG and DAdaptSGD are held against SGD with momentum 0.9, DAdaptAdam and Prodigy against Adam
(``LR_FREE``). For each task of ``TASKS`` (those of ``python -m minigrad_lr.bench quality``):

1. the ground truth of each tuned optimizer, 25 lrs (1e-5 … 10) × 6 seeds, and find_lr's regret and
   cost on it, measured as the quality command measures them (``suggestion_quality``);
2. each lr-free optimizer trained from the same 6 seeds for the same budget at its default lr = 1.0,
   and at the multipliers 0.1 … 10 (``MULTIPLIERS``): its regret against the tuned optimizer's best
   grid lr (mean validation loss over the seeds, as for a rule), the seed spread of its final
   validation loss, and its adapted step at the end against the best grid lr (``adapted_step``);
3. the range test over its multiplier: the article's rule and find_lr from 5 seeds, their median
   multiplier trained from the 6 seeds and scored in the same way.

One run per seed costs 1/25 of a 25-point sweep's training steps; the wall-clock column adds that an
lr-free step costs more than an SGD or Adam step.
"""

import argparse
import time
from dataclasses import dataclass
from functools import partial

import numpy as np

from ..dadaptation import DAdaptAdam, DAdaptSGD
from ..data import batches
from ..dog import DoG
from ..losses import softmax_cross_entropy
from ..prodigy import Prodigy
from ..quality import FIND_LR, KNOWN_RULES, find_lr_rule, percent, suggestion_quality
from ..sweep import lr_sweep, regret, run_jobs
from ..train import fit
from .quality import QUALITY_OPTIMIZERS, TASKS
from .timing import best_seconds

SMA = "SMA derivative (the article)"
LR_FREE = {"DoG": (DoG, "SGD m=0.9"), "DAdaptSGD": (DAdaptSGD, "SGD m=0.9"), "DAdaptAdam": (DAdaptAdam, "Adam"),
           "Prodigy": (Prodigy, "Adam")}  # name: (class, the tuned optimizer of QUALITY_OPTIMIZERS it is held against)
STEP_PER_LR = {"SGD m=0.9": 1 / (1 - 0.9), "Adam": 1.0}  # a tuned optimizer's step per unit lr (see adapted_step)
MULTIPLIERS = np.logspace(-1, 1, 5)  # 0.1 … 10, a half decade apart; 1.0 (the default) exactly in the middle
GRID = np.logspace(-5, 1, 25)


def lr_free_optimizer(cls, params, lr):
    """``cls(params, lr=lr)``: ``partial(lr_free_optimizer, DoG)`` is a picklable (params, lr) -> optimizer.

    DoG's second positional argument is reps_rel, not lr (as in its package), so ``cls`` itself would not do.
    """
    return cls(params, lr=lr)


def adapted_step(optimizer):
    """The lr-free optimizer's present step size, in the units of the lr of the optimizer it is held against.

    DoG's η and DAdaptSGD's λ = d · lr / ‖g_0‖ multiply the gradient; SGD with momentum μ moves
    lr / (1 − μ) per unit gradient once its buffer has filled (``STEP_PER_LR``: 10 × lr for μ = 0.9).
    DAdaptAdam and Prodigy move d · lr · (1 − β1^t) / √(1 − β2^t) times Adam's m̂ / √v̂ without
    bias correction (their default), d · lr with it; Adam moves lr times the same (t: the next step's).
    """
    if isinstance(optimizer, DoG):
        return optimizer.eta
    if isinstance(optimizer, DAdaptSGD):
        return optimizer.d * optimizer.lr / optimizer.g0_norm
    beta1, beta2 = optimizer.betas
    t = optimizer.t + 1
    bias = 1.0 if optimizer.use_bias_correction else (1 - beta1**t) / (1 - beta2**t) ** 0.5
    return optimizer.d * optimizer.lr * bias


def adapted_steps(make_model, make_optimizer, data, seed, steps, batch_size, lr=1.0):
    """Train as one run of ``lr_sweep`` does and return ``adapted_step`` after every step.

    Returns
    -------
    (ndarray of shape (steps_done,), float)
        The adapted steps, and the final validation loss (the sweep's, bit for bit, for a run whose losses
        stayed finite).
    """
    X_train, y_train, X_val, y_val = data
    model = make_model(seed)
    optimizer = make_optimizer(model.parameters(), lr)
    batch_iter, trace = batches(X_train, y_train, batch_size, seed=seed), []
    for _ in range(steps):
        if fit(model, optimizer, batch_iter, 1).stop_reason != "completed":
            break
        trace.append(adapted_step(optimizer))
    return np.array(trace), float(softmax_cross_entropy(model(X_val), y_val)[0])


def seconds_per_run(task, make_optimizer, lr, seed=0):
    """Wall-clock seconds of one full-budget training run (best of 3), validation left out."""
    X_train, y_train = task.data()[:2]
    steps = task.epochs * (len(X_train) // task.batch_size)

    def train():
        model = task.make_model(seed)
        fit(model, make_optimizer(model.parameters(), lr), batches(X_train, y_train, task.batch_size, seed=seed), steps)

    return best_seconds(train)


@dataclass
class LRFreeRow:
    """How one lr-free optimizer did on one task, against its tuned optimizer's sweep.

    Attributes
    ----------
    task, optimizer, against : str
    regret : float
        At lr = 1: mean final validation loss over the truth seeds ÷ the tuned optimizer's best grid mean − 1.
    val_losses, tuned_val_losses : ndarray, shape (truth seeds,)
        Final validation losses at lr = 1, and the tuned optimizer's at its best grid lr.
    multiplier_regrets : ndarray, shape (len(MULTIPLIERS),)
        The regret at each multiplier of ``MULTIPLIERS``.
    final_step, best_step : float
        Median over the truth seeds of ``adapted_step`` after the last step (NaN for a run whose first
        loss was not finite); the tuned optimizer's best
        grid lr × ``STEP_PER_LR``.
    range_tests : dict of str to QualityRow
        The article's rule and find_lr run on the multiplier (their median multiplier, regret, spread, cost).
    cost, wall_cost : float
        One run's training steps ÷ a 25-point sweep's (one seed); the same in seconds.
    """

    task: str
    optimizer: str
    against: str
    regret: float
    val_losses: np.ndarray
    tuned_val_losses: np.ndarray
    multiplier_regrets: np.ndarray
    final_step: float
    best_step: float
    range_tests: dict
    cost: float
    wall_cost: float


def measure(name, seeds, truth_seeds, executor=None, progress=False):
    """One task of ``TASKS``: (``Quality`` of find_lr on the tuned optimizers, an ``LRFreeRow`` per ``LR_FREE``)."""
    task, tuned = TASKS[name], {o: QUALITY_OPTIMIZERS[o] for o in STEP_PER_LR}
    data, shared = task.data(), dict(epochs=task.epochs, batch_size=task.batch_size, executor=executor,
                                     progress=progress)
    truth = suggestion_quality(task.make_model, tuned, data, rules={FIND_LR: find_lr_rule}, seeds=seeds,
                               truth_seeds=truth_seeds, grid=GRID, **shared)
    makers = {o: partial(lr_free_optimizer, cls) for o, (cls, _) in LR_FREE.items()}
    # the range test over the multiplier, scored against the tuned optimizer's sweep (its best lr is the yardstick)
    ranged = suggestion_quality(task.make_model, makers, data, rules={SMA: KNOWN_RULES[SMA], FIND_LR: find_lr_rule},
                                seeds=seeds, truth_seeds=truth_seeds, grid=GRID,
                                sweeps={o: truth.sweeps[against] for o, (_, against) in LR_FREE.items()}, **shared)
    steps = next(iter(truth.sweeps.values())).steps  # the budget, the same for every optimizer
    jobs = [(task.make_model, makers[o], data, seed, steps, task.batch_size) for o in LR_FREE for seed in truth_seeds]
    traces = iter(run_jobs(adapted_steps, jobs, executor, progress, desc="adapted steps"))
    tuned_seconds = {o: seconds_per_run(task, make, truth.sweeps[o].best_lr) for o, make in tuned.items()}
    rows = []
    for o, (_, against) in LR_FREE.items():
        sweep, best = truth.sweeps[against], truth.sweeps[against].best_val_loss
        at = lr_sweep(task.make_model, makers[o], data, MULTIPLIERS, seeds=truth_seeds, **shared)
        default = int(np.flatnonzero(MULTIPLIERS == 1.0)[0])
        final_steps = [trace[-1] if trace.size else np.nan for trace, _ in (next(traces) for _ in truth_seeds)]
        wall = seconds_per_run(task, makers[o], 1.0) / (len(GRID) * tuned_seconds[against])
        rows.append(LRFreeRow(name, o, against, regret(at.mean_val_loss()[default], best), at.val_losses[default],
                              sweep.val_losses[sweep.best_index], regret(at.mean_val_loss(), best),
                              float(np.median(final_steps)), sweep.best_lr * STEP_PER_LR[against],
                              {rule: ranged.row(o, rule) for rule in (SMA, FIND_LR)}, 1 / len(GRID), wall))
    return truth, rows


def task_markdown(truth, rows):
    """One task's table: per lr-free optimizer, its regret, seed spread, adapted step, multipliers and cost."""
    lines = [f"ground truth, {o}: best lr {s.best_lr:.3g}, val loss {s.best_val_loss:.3f} ± "
             f"{s.val_losses[s.best_index].std():.3f} (std over seeds); find_lr: median lr "
             f"{truth.row(o, FIND_LR).median_lr:.3g}, regret {percent(truth.row(o, FIND_LR).regret)}, cost "
             f"{percent(truth.row(o, FIND_LR).cost, 1)} of the sweep" for o, s in truth.sweeps.items()]
    multipliers = ", ".join(f"{m:.2g}" for m in MULTIPLIERS)
    lines += ["", "| optimizer | against | regret at lr = 1 | val loss ± std | tuned's ± std | step at the end "
              f"| best lr as a step | regret at lr = {multipliers} | SMA derivative: lr (regret; spread) "
              "| find_lr: lr (regret; spread) | cost: steps | cost: seconds |", "|---|---|" + "---:|" * 10]
    for r in rows:
        lines.append(f"| {r.optimizer} | {r.against} | {percent(r.regret)} | {r.val_losses.mean():.3f} ± "
                     f"{r.val_losses.std():.3f} | {r.tuned_val_losses.mean():.3f} ± {r.tuned_val_losses.std():.3f} "
                     f"| {r.final_step:.3g} | {r.best_step:.3g} | "
                     + ", ".join(percent(x) for x in r.multiplier_regrets)
                     + f" | {range_test_cell(r.range_tests[SMA])} | {range_test_cell(r.range_tests[FIND_LR])} "
                     f"| {percent(r.cost, 1)} | {percent(r.wall_cost, 1)} |")
    return "\n".join(lines)


def range_test_cell(row):
    """A rule's answer for the multiplier: median (regret; spread in decades), and how many seeds got no answer."""
    refused = int(np.isnan(row.suggestions).sum())
    if refused == len(row.suggestions):
        return f"no answer ({refused} of {refused} seeds)"
    cell = f"{row.median_lr:.2g} ({percent(row.regret)}; spread {row.spread:.2f})"
    return cell + (f", {refused} of {len(row.suggestions)} seeds no answer" if refused else "")


def summary_markdown(results):
    """Every task side by side: each lr-free optimizer's regret at lr = 1, and find_lr's on the tuned optimizers."""
    names = list(results)
    lines = ["| optimizer | " + " | ".join(names) + " | cost (steps, of the sweep) |",
             "|---|" + "---:|" * (len(names) + 1)]
    for o, (_, against) in LR_FREE.items():
        rows = [next(r for r in results[name][1] if r.optimizer == o) for name in names]
        lines.append(f"| {o} (lr = 1, against {against}) | " + " | ".join(percent(r.regret) for r in rows)
                     + f" | {percent(rows[0].cost, 1)} |")
    for o in STEP_PER_LR:
        rows = [results[name][0].row(o, FIND_LR) for name in names]
        low, high = (percent(f([r.cost for r in rows])) for f in (min, max))
        lines.append(f"| find_lr with {o} | " + " | ".join(percent(r.regret) for r in rows)
                     + f" | {low if low == high else f'{low}–{high}'} |")
    return "\n".join(lines)


def main(argv=None):
    """``python -m minigrad_lr.bench lr-free``: the lr-free optimizers on every task against the tuned ones' sweeps.
    Returns 0."""
    parser = argparse.ArgumentParser(prog="python -m minigrad_lr.bench lr-free",
                                     description="Do we still need a finder? The lr-free optimizers at their "
                                                 "defaults against the best lr of a sweep.")
    parser.add_argument("--tasks", default=",".join(TASKS), help=f"comma-separated, from {', '.join(TASKS)}")
    parser.add_argument("--seeds", type=int, default=5, help="range tests over the multiplier (seeds 0 … n−1), "
                                                              "default 5")
    parser.add_argument("--truth-seeds", type=int, default=6, help="seeds of the ground truth and of the lr-free "
                                                                    "runs, default 6")
    parser.add_argument("--workers", type=int, default=1, help="processes (ProcessPoolExecutor); 1 runs here")
    parser.add_argument("--progress", action="store_true", help="tqdm progress bars")
    args = parser.parse_args(argv)
    names = args.tasks.split(",")
    for name in names:
        if name not in TASKS:
            parser.error(f"unknown task {name!r}; choose from {', '.join(TASKS)}")
    print(f"Regret = mean final val loss over {args.truth_seeds} seeds ÷ the best of a {len(GRID)}-point sweep "
          f"({GRID[0]:g} … {GRID[-1]:g}) of the tuned optimizer − 1; ± = std over those seeds; step = adapted step "
          "in the tuned optimizer's lr units (SGD m=0.9: lr / (1 − 0.9)); range tests from "
          f"{args.seeds} seeds; cost = one run ÷ the sweep (one seed).")
    executor = None
    if args.workers > 1:
        from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415 (only when asked for)
        executor = ProcessPoolExecutor(args.workers)
    results = {}
    try:
        for name in names:
            start = time.perf_counter()
            results[name] = measure(name, range(args.seeds), range(args.truth_seeds), executor, args.progress)
            print(f"\n## {name}: {TASKS[name].about} ({time.perf_counter() - start:.0f} s)\n")
            print(task_markdown(*results[name]))
    finally:
        if executor is not None:
            executor.shutdown()
    print("\n## Every task: regret against the best lr of the tuned optimizer's sweep\n")
    print(summary_markdown(results))
    return 0
