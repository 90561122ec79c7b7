"""``python -m minigrad_lr.bench quality --rerun``: the finder re-run from checkpoints, against ground truth.

A re-run of the finder in the middle of training asks: "from where training stands, which constant lr is
best for the rest of the budget?" The truth is a sweep from that state. For every task of
``quality.TASKS`` and every optimizer of ``quality.QUALITY_OPTIMIZERS``:

1. **Checkpoints.** Train ``task.make_model(0)`` with the optimizer at ``find_lr``'s answer for the
   untrained model (seed 0, the task's budget), on batches of seed ``TRAIN_SEED``; save the weights and
   the optimizer's state after ``early`` epochs (1: the loss still falling fast) and after ``late``
   epochs (``LATE`` × the task's budget: near convergence). ``checkpoints`` builds them.
2. **Two ways to continue** from each checkpoint: a *fresh* optimizer of the same kind (a saved model
   trained on) and the *continued* one, in the state training left it (a re-run inside ``fit``).
3. **Truth**: a sweep of ``GRID`` (25 lrs, 1e-6 … 10) × 6 seeds of batch order, each run the task's
   budget from the checkpoint; v0 is the checkpoint's own validation loss.
4. **Every rule** runs from the checkpoint from 5 seeds (``suggestion_quality(..., start=...)``); its
   median suggestion, trained from the truth seeds, gives the regret, val / best − 1, and the captured
   share, (v0 − val) / (v0 − best).

``RERUN_TARGETS`` are the ones ``find_lr`` is held to over all tasks × optimizers × checkpoints × starts.

**Does re-running pay?** ``schedule_runs`` trains each task for ``PAYS_EPOCHS`` × its budget from
``make_model(seed)``, 5 seeds, four ways: the constant lr of ``find_lr``'s first answer; step decay from
it (÷10 at half-time); 1cycle with ``max_lr`` read off ``find_lr``'s first range test
(``one_cycle_max``); and ``fit`` re-running ``find_lr`` before every epoch and following its answer.
"""

import time
from functools import partial

import numpy as np

from ..cyclical import one_cycle
from ..data import batches
from ..lr_bounds import one_cycle_max_lr
from ..lr_search import find_lr, lr_search
from ..quality import FIND_LR, KNOWN_RULES, percent, suggestion_quality
from ..rules import NoSuggestionError
from ..schedules import step_decay
from ..sweep import Checkpoint, run_jobs
from ..train import fit

GRID = np.logspace(-6, 1, 25)
LATE = 4  # the late checkpoint: LATE × the task's budget of training
TRAIN_SEED = 1000  # the batch order of the training that makes the checkpoints (the rules use 0 … 4)
ARTICLE = "SMA derivative (the article)"
PAYS_EPOCHS = 2  # "does re-running pay?" trains for twice the task's budget
SCHEDULES = ("constant", "step decay", "1cycle", "re-run every epoch")
RERUN_TARGETS = {"worst regret": 0.20, "median regret": 0.05, "least captured": 0.80, "worst spread": 0.30}


def checkpoints(task, make_optimizer):
    """``{"early": Checkpoint, "late": Checkpoint}``: one training run of ``task`` with ``make_optimizer``.

    The lr is ``find_lr``'s for the untrained model and the task's budget; the run trains 1 epoch, saves,
    then trains on to ``LATE × task.epochs`` epochs and saves again (weights and optimizer state).
    """
    X_train, y_train = task.data()[:2]
    per_epoch = len(X_train) // task.batch_size
    model = task.make_model(0)
    optimizer = make_optimizer(model.parameters(), 1e-3)
    optimizer.lr = find_lr(model, optimizer, X_train, y_train, epochs=task.epochs, batch_size=task.batch_size).lr
    training = batches(X_train, y_train, task.batch_size, seed=TRAIN_SEED)
    fit(model, optimizer, training, per_epoch)
    early = Checkpoint.of(model, optimizer)
    fit(model, optimizer, training, (LATE * task.epochs - 1) * per_epoch)
    return {"early": early, "late": Checkpoint.of(model, optimizer)}


def rerun_quality(task, optimizers, *, rules=None, seeds=range(5), truth_seeds=range(6), grid=None, executor=None,
                  progress=False):
    """Every rule re-run from every checkpoint of ``task``: a list of ``(optimizer, stage, start, QualityRow)``.

    ``stage`` is "early" or "late", ``start`` "fresh" or "continued" (see the module docstring); the rows
    come from ``suggestion_quality(..., start=checkpoint)``, with ``row.captured`` filled in.
    """
    rules = {ARTICLE: KNOWN_RULES[ARTICLE]} if rules is None else rules
    grid = GRID if grid is None else grid
    out = []
    for o, make_optimizer in optimizers.items():
        for stage, saved in checkpoints(task, make_optimizer).items():
            for start, checkpoint in (("fresh", saved.fresh()), ("continued", saved)):
                quality = suggestion_quality(task.make_model, {o: make_optimizer}, task.data(), epochs=task.epochs,
                                             batch_size=task.batch_size, rules=rules, seeds=seeds,
                                             truth_seeds=truth_seeds, grid=grid, start=checkpoint,
                                             executor=executor, progress=progress)
                out += [(o, stage, start, quality.sweeps[o], row) for row in quality.rows]
    return out


def rerun_targets(rows):
    """``find_lr``'s rows against ``RERUN_TARGETS``: {name: (measured, target, met)}."""
    regrets = np.array([r.regret for r in rows])
    measured = {"worst regret": float(regrets.max()), "median regret": float(np.median(regrets)),
                "least captured": min(r.captured for r in rows), "worst spread": max(r.spread for r in rows)}
    return {name: (value, RERUN_TARGETS[name],
                   value >= RERUN_TARGETS[name] if name == "least captured" else value <= RERUN_TARGETS[name])
            for name, value in measured.items()}


def main(names, tasks, optimizers, rules, *, seeds, truth_seeds, executor, progress):
    """Print the re-run tables for ``names`` (tasks of ``tasks``); returns the find_lr rows."""
    print(f"\n# Re-running the finder from checkpoints: regret against a {len(GRID)}-point sweep "
          f"({GRID[0]:g} … {GRID[-1]:g}) from the checkpoint with {truth_seeds} seeds; captured = "
          f"(v0 − val) / (v0 − best); the rules from {seeds} seeds.")
    find_rows = []
    for name in names:
        task, begun = tasks[name], time.perf_counter()
        rows = rerun_quality(task, optimizers, rules=rules, seeds=range(seeds), truth_seeds=range(truth_seeds),
                             executor=executor, progress=progress)
        print(f"\n## {name}, re-run: {LATE * task.epochs} epochs late, 1 early, then {task.epochs} more "
              f"({time.perf_counter() - begun:.0f} s)\n")
        print("| optimizer | checkpoint | optimizer state | v0 | best lr | best val | rule | median lr | "
              "regret | captured | spread |")
        print("|---|---|---|---:|---:|---:|---|---:|---:|---:|---:|")
        for o, stage, start, sweep, r in rows:
            print(f"| {o} | {stage} | {start} | {sweep.start_val_loss:.3f} | {sweep.best_lr:.3g} | "
                  f"{sweep.best_val_loss:.3f} | {r.rule} | {r.median_lr:.3g} | {percent(r.regret, 1)} | "
                  f"{percent(r.captured)} | {r.spread:.2f} |")
        find_rows += [r for *_, r in rows if r.rule == FIND_LR]
    if find_rows:
        print(f"\n| target ({FIND_LR}, re-run) | measured | target | met |\n|---|---:|---:|---|")
        for target, (value, bound, met) in rerun_targets(find_rows).items():
            shown = f"{value:.2f}" if "spread" in target else percent(value, 1)
            limit = f"{bound:.2f}" if "spread" in target else percent(bound)
            relation = "≥" if target == "least captured" else "≤"
            print(f"| {target} | {shown} | {relation} {limit} | {'yes' if met else 'NO'} |")
    return find_rows



def schedule_runs(task, make_optimizer, seed):
    """One seed of "does re-running pay?": ``{schedule: final validation loss, "re-run lrs": [...]}``.

    Every schedule trains ``make_model(seed)`` for ``PAYS_EPOCHS × task.epochs`` epochs on batches of
    ``seed``; the re-running one calls ``find_lr`` (seed ``seed``) before each epoch for the epochs left.
    """
    X_train, y_train, X_val, y_val = task.data()
    per_epoch = len(X_train) // task.batch_size
    epochs = PAYS_EPOCHS * task.epochs
    steps = epochs * per_epoch
    model = task.make_model(seed)
    first = lr_search(model, make_optimizer(model.parameters(), 1e-3), X_train, y_train, epochs=epochs,
                      batch_size=task.batch_size, seed=seed)
    lr = first.suggestion.lr
    schedules = {"constant": None, "step decay": partial(step_decay, base_lr=lr, step_size=steps // 2),
                 "1cycle": partial(one_cycle, total_steps=steps, max_lr=one_cycle_max(first)),
                 "re-run every epoch": None}
    out = {}
    for name, schedule in schedules.items():
        model = task.make_model(seed)
        optimizer = make_optimizer(model.parameters(), lr)
        rerun = {} if name != "re-run every epoch" else dict(
            rerun_finder_every=per_epoch, finder_data=(X_train, y_train), follow_finder=True,
            finder_options={"batch_size": task.batch_size, "seed": seed})
        history = fit(model, optimizer, batches(X_train, y_train, task.batch_size, seed=seed), steps,
                      schedule=schedule, val=(X_val, y_val), **rerun)
        out[name] = history.final_val_loss if history.stop_reason == "completed" else float("inf")
        if rerun:
            out["re-run lrs"] = [s.lr for s in history.suggestions]
    return out


def one_cycle_max(search):
    """1cycle's ``max_lr`` from ``find_lr``'s range test: ``one_cycle_max_lr`` (the sma_derivative pick), or,
    where that rule refuses the 65-step curve, the anchor (the lr of the lowest smoothed loss)."""
    try:
        return one_cycle_max_lr(search.range_test)
    except NoSuggestionError:
        return search.anchor


def does_rerunning_pay(task, optimizers, seeds=range(5), executor=None, progress=False):
    """``{optimizer: [schedule_runs(...)[0] for each seed]}``, the runs spread over ``executor``."""
    jobs = [(task, make_optimizer, seed) for make_optimizer in optimizers.values() for seed in seeds]
    results = iter(run_jobs(schedule_runs, jobs, executor, progress, desc="schedules"))
    return {o: [next(results) for _ in seeds] for o in optimizers}


def print_pays(name, task, runs):
    """The table of ``does_rerunning_pay``: mean ± std of the final validation loss per schedule."""
    print(f"\n## Does re-running pay? {name}: {PAYS_EPOCHS * task.epochs} epochs, {len(next(iter(runs.values())))} "
          "seeds, final validation loss (mean ± std)\n")
    print("| optimizer | " + " | ".join(SCHEDULES) + " | re-run lrs (seed 0, per epoch) |")
    print("|---|" + "---:|" * len(SCHEDULES) + "---|")
    for o, seeds in runs.items():
        cells = []
        for schedule in SCHEDULES:
            values = np.array([r[schedule] for r in seeds])
            cells.append(f"{values.mean():.3f} ± {values.std():.3f}")
        lrs = " ".join(f"{lr:.2g}" for lr in seeds[0]["re-run lrs"])
        print(f"| {o} | " + " | ".join(cells) + f" | {lrs} |")
