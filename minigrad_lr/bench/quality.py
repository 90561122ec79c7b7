"""``python -m minigrad_lr.bench quality``: every suggestion rule against the ground truth, on four tasks.

For each task of ``TASKS`` and each optimizer of ``QUALITY_OPTIMIZERS``, ``suggestion_quality`` sweeps
25 lrs (1e-5 … 10) with 6 seeds for the ground truth and runs every rule of ``EVALUATED_RULES`` from
5 seeds; the tables give each rule's regret, spread and cost, then find_lr's rows of every task against
the ``TARGETS`` it is held to, and its wall-clock cost (``wall_clock_cost``). It takes several minutes
(``--workers`` spreads the runs over processes, ``--scheduler`` over a dask.distributed cluster).
``--rerun`` scores the rules re-run from checkpoints instead, and asks whether re-running pays
(``rerun``).
"""

import argparse
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

import numpy as np

from ..adaptive import Adagrad, Adam, RMSProp
from ..data import batches, load_digits, make_spirals, train_val_split
from ..lr_search import lr_search
from ..nn import MLP
from ..optim import SGD
from ..quality import EVALUATED_RULES, FIND_LR, find_lr_rule, percent, suggestion_quality
from ..train import fit
from . import rerun
from .timing import best_seconds


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
QUALITY_OPTIMIZERS = {"SGD m=0.9": partial(SGD, momentum=0.9), "Adam": Adam, "RMSProp": RMSProp, "Adagrad": Adagrad}
TARGETS = {"worst regret": 0.20, "median regret": 0.05, "pairs with regret <= 10%": 0.75, "worst spread": 0.25,
           "worst cost": 0.15}


def targets(rows):
    """find_lr's rows of every task against ``TARGETS``: {name: (measured, target, met)}."""
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
        optimizer = make_optimizer(model.parameters(), 1e-3)
        fit(model, optimizer, batches(X_train, y_train, task.batch_size, seed=seed), steps)

    def find():
        model = task.make_model(seed)
        lr_search(model, make_optimizer(model.parameters(), 1e-3), X_train, y_train, epochs=task.epochs,
                  batch_size=task.batch_size, seed=seed)

    return best_seconds(find) / (grid_size * best_seconds(train))


def main(argv=None):
    """``python -m minigrad_lr.bench quality``: every rule against the ground truth, on every task; then
    find_lr's targets. Returns 0."""
    parser = argparse.ArgumentParser(prog="python -m minigrad_lr.bench quality",
                                     description="How good are the suggestions? Regret, spread and cost per rule.")
    parser.add_argument("--tasks", default=",".join(TASKS), help=f"comma-separated, from {', '.join(TASKS)}")
    parser.add_argument("--seeds", type=int, default=5, help="runs of each rule (seeds 0 … n−1), default 5")
    parser.add_argument("--truth-seeds", type=int, default=6, help="seeds of the ground truth, default 6")
    parser.add_argument("--workers", type=int, default=1, help="processes (ProcessPoolExecutor); 1 runs here")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="run on a dask.distributed cluster (pip install '.[distributed]'), e.g. tcp://host:8786")
    parser.add_argument("--rerun", action="store_true",
                        help="the rules re-run from early and late checkpoints, and whether re-running pays")
    parser.add_argument("--find-lr-only", action="store_true", help="score find_lr alone (skips the six known rules)")
    parser.add_argument("--progress", action="store_true", help="tqdm progress bars")
    args = parser.parse_args(argv)
    names = args.tasks.split(",")
    for name in names:
        if name not in TASKS:
            parser.error(f"unknown task {name!r}; choose from {', '.join(TASKS)}")
    rules = {FIND_LR: find_lr_rule} if args.find_lr_only else EVALUATED_RULES
    with executor_for(args) as executor:
        if args.rerun:
            rerun.main(names, TASKS, QUALITY_OPTIMIZERS, rules, seeds=args.seeds, truth_seeds=args.truth_seeds,
                       executor=executor, progress=args.progress)
            for name in names:
                rerun.print_pays(name, TASKS[name], rerun.does_rerunning_pay(
                    TASKS[name], QUALITY_OPTIMIZERS, seeds=range(args.seeds), executor=executor,
                    progress=args.progress))
        else:
            untrained(names, rules, args, executor)
    return 0


@contextmanager
def executor_for(args):
    """A dask.distributed executor (``--scheduler``), a process pool (``--workers`` > 1), or None (here)."""
    if args.scheduler:
        from distributed import Client  # noqa: PLC0415 (the optional extra, only when asked for)

        with Client(args.scheduler) as client:
            yield client.get_executor()
    elif args.workers > 1:
        with ProcessPoolExecutor(args.workers) as pool:
            yield pool
    else:
        yield None


def untrained(names, rules, args, executor):
    """The tables for untrained models: every rule on every task, then find_lr against ``TARGETS``."""
    grid = np.logspace(-5, 1, 25)
    print(f"Regret of the median suggestion over {args.seeds} seeds against a {len(grid)}-point sweep "
          f"({grid[0]:g} … {grid[-1]:g}) with {args.truth_seeds} seeds; spread = std of log10(lr) over seeds; "
          "cost = training steps per suggestion ÷ the sweep's (one seed).")
    find_rows = []
    for name in names:
        task = TASKS[name]
        start = time.perf_counter()
        quality = suggestion_quality(task.make_model, QUALITY_OPTIMIZERS, task.data(), epochs=task.epochs,
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
    print(f"\n## {FIND_LR}, every task\n")
    print("| task | optimizer | median lr | best lr of the grid | regret | spread | cost (steps) |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, r in find_rows:
        print(f"| {name} | {r.optimizer} | {r.median_lr:.3g} | {r.best_lr:.3g} | {percent(r.regret, 1)} "
              f"| {r.spread:.2f} | {percent(r.cost, 1)} |")
    print("\n| target | measured | target | met |\n|---|---:|---:|---|")
    for target, (value, bound, met) in targets([r for _, r in find_rows]).items():
        shown = f"{value:.2f}" if "spread" in target else percent(value, 1)
        limit = f"{bound:.2f}" if "spread" in target else percent(bound)
        relation = "≥" if target.startswith("pairs") else "≤"
        print(f"| {target} | {shown} | {relation} {limit} | {'yes' if met else 'NO'} |")
    walls = {name: wall_clock_cost(TASKS[name], Adam) for name in names}
    print("\nwall-clock cost of find_lr (Adam, seed 0; held-out evaluations included) ÷ the sweep's: "
          + ", ".join(f"{name} {percent(value, 1)}" for name, value in walls.items()))
