# %% [markdown]
# # 7. Do we still need a finder?
#
# Tutorials 2 to 6 looked for *the* learning rate. A family of optimizers says the question can be
# skipped: they estimate their own step size while they train, from how far the weights have moved
# and how large the gradients were.
#
# * **DoG**, "distance over gradients" (Ivgi, Hinder and Carmon, 2023): SGD with the step
#   η_t = r̄_t / √G_t, the largest distance from the starting point so far over the root of the summed
#   squared gradient norms. It starts from a tiny distance, r̄_1 = 10⁻⁶ · (1 + ‖x_0‖).
# * **D-Adaptation** (Defazio and Mishchenko, 2023), in an SGD and an Adam version: d estimates the
#   distance D from the start to a solution, starts at d0 = 10⁻⁶ and only ever rises.
# * **Prodigy** (Mishchenko and Defazio, 2024): D-Adaptation for Adam with recent steps weighted more,
#   so that d grows faster.
#
# Each still has an `lr`, but it *multiplies* the adapted step, and the authors advise leaving it at
# its default, 1. This tutorial holds them to tutorial 6's yardstick: trained once at their defaults,
# how close do they come to the best lr of a sweep, and at what cost? DoG and DAdaptSGD take SGD's
# kind of step, so they are held against SGD with momentum 0.9; DAdaptAdam and Prodigy against Adam.
# Their code follows the authors' PyTorch packages (`dog-optimizer`, `dadaptation`, `prodigyopt`):
# same defaults, same arithmetic; the tests check it step by step.
#
# Setup as in tutorial 6: the MLP 64-64-10 (ReLU) on the digits, 80% for training and 20% for
# validation, mini-batches of 64, 5 epochs = 110 steps per run. To run in seconds it uses tutorial 6's
# 13-point grid and 3 seeds, on the digits only. The benchmark behind the README's table,
# `python -m minigrad_lr.bench lr-free`, does the same with a 25-point grid and 6 seeds on four tasks
# (about 2 minutes on two cores).

# %%
from functools import partial

import matplotlib.pyplot as plt
import numpy as np

import minigrad_lr as mg
from minigrad_lr.bench.lr_free import STEP_PER_LR, adapted_steps, lr_free_optimizer
from minigrad_lr.lr_search import lr_search
from minigrad_lr.plots import figures_folder, save_figure
from minigrad_lr.sweep import lr_sweep, regret

TRUTH_SEEDS = (0, 1, 2)  # each seed sets the initial weights and the order of the batches of one run
EPOCHS, BATCH = 5, 64
GRID = np.logspace(-3.5, 0.5, 13)  # 3.2e-4 … 3.2, a third of a decade apart
FIGURES = figures_folder()  # $MINIGRAD_LR_FIGURES, else figures/ of this checkout, else ./figures
print(f"figures go to {FIGURES}")

X, y = mg.load_digits()
order = np.random.default_rng(0).permutation(len(X))
train_rows, val_rows = order[: int(0.8 * len(X))], order[int(0.8 * len(X)):]
X_train, y_train, X_val, y_val = X[train_rows], y[train_rows], X[val_rows], y[val_rows]
DATA = (X_train, y_train, X_val, y_val)
BUDGET = EPOCHS * (len(X_train) // BATCH)  # training steps of one run
print(f"{len(X_train)} training and {len(X_val)} validation images; a run is {BUDGET} steps")
assert BUDGET == 110


def make_model(seed):
    """A fresh MLP 64-64-10 (ReLU), its weights drawn from ``seed``."""
    return mg.MLP([64, 64, 10], seed=seed)


TUNED = {"SGD m=0.9": partial(mg.SGD, momentum=0.9), "Adam": mg.Adam}
LR_FREE = {"DoG": (mg.DoG, "SGD m=0.9"), "DAdaptSGD": (mg.DAdaptSGD, "SGD m=0.9"),
           "DAdaptAdam": (mg.DAdaptAdam, "Adam"), "Prodigy": (mg.Prodigy, "Adam")}
MAKERS = {name: partial(lr_free_optimizer, cls) for name, (cls, _) in LR_FREE.items()}  # (params, lr) -> optimizer
COLORS = {"DoG": "tab:red", "DAdaptSGD": "tab:orange", "DAdaptAdam": "tab:purple", "Prodigy": "tab:green"}

# %% [markdown]
# ## The ground truth, and one run each
#
# First the sweeps of the two tuned optimizers: 13 lrs × 3 seeds each. Then each lr-free optimizer
# trained from the same 3 seeds at lr = 1, for the same 110 steps. `lr_sweep` with the grid `[1.0]`
# does exactly that, so both are scored the same way: the regret is the mean validation loss over the
# seeds ÷ the best mean of the tuned optimizer's grid − 1, as in tutorial 6. `lr_free_optimizer(cls,
# params, lr)` builds `cls(params, lr=lr)`: DoG's second positional argument is `reps_rel`, not `lr`.

# %%
sweeps = {name: lr_sweep(make_model, make, DATA, GRID, epochs=EPOCHS, seeds=TRUTH_SEEDS, batch_size=BATCH,
                         progress=False) for name, make in TUNED.items()}
for name, sweep in sweeps.items():
    losses = sweep.val_losses[sweep.best_index]
    print(f"{name:<10} best lr of the grid {sweep.best_lr:<7.3g} val loss {losses.mean():.3f} ± {losses.std():.3f} "
          f"(std over seeds), accuracy {sweep.mean_val_accuracy()[sweep.best_index]:.1%}")
assert all(0 < sweep.best_index < len(GRID) - 1 for sweep in sweeps.values())  # the best lies inside the grid

runs = {name: lr_sweep(make_model, MAKERS[name], DATA, [1.0], epochs=EPOCHS, seeds=TRUTH_SEEDS, batch_size=BATCH,
                       progress=False) for name in LR_FREE}
regrets = {name: regret(runs[name].mean_val_loss()[0], sweeps[against].best_val_loss)
           for name, (_, against) in LR_FREE.items()}
print(f"\n{'optimizer':<11} {'against':<10} {'val loss per seed':<22} {'mean ± std':<14} {'accuracy':>8} {'regret':>7}")
for name, (_, against) in LR_FREE.items():
    losses = runs[name].val_losses[0]
    print(f"{name:<11} {against:<10} {np.array2string(losses, precision=3):<22} "
          f"{losses.mean():.3f} ± {losses.std():.3f}  {runs[name].mean_val_accuracy()[0]:>8.1%} "
          f"{100 * regrets[name]:>6.0f}%")

# %% [markdown]
# ## Figure 1: against the grid
#
# Each panel is one tuned optimizer: its validation loss after 5 epochs against the lr (the mean of
# the 3 seeds, the band from the best seed to the worst). The lr-free optimizers have no lr to put on
# the x axis: each is a horizontal line at its mean validation loss, its band the best and worst seed.
# The dotted line is 20% above the best of the grid.

# %%
fig, axes = plt.subplots(1, 2, figsize=(13, 4.8), sharey=True, layout="constrained")
for ax, (tuned, sweep) in zip(axes, sweeps.items()):
    ax.fill_between(sweep.lrs, sweep.val_losses.min(axis=1), sweep.val_losses.max(axis=1), color="tab:blue",
                    alpha=0.2, lw=0)
    ax.plot(sweep.lrs, sweep.mean_val_loss(), ".-", color="tab:blue", lw=2,
            label=f"{tuned} at each lr: mean of {len(TRUTH_SEEDS)} seeds")
    ax.axhline(1.2 * sweep.best_val_loss, color="0.4", ls=":", lw=1.2, label="20% above the best of the grid")
    for name in (n for n, (_, against) in LR_FREE.items() if against == tuned):
        losses = runs[name].val_losses[0]
        ax.axhspan(losses.min(), losses.max(), color=COLORS[name], alpha=0.12, lw=0)
        ax.axhline(losses.mean(), color=COLORS[name], ls="--", lw=2,
                   label=f"{name} at lr = 1: regret {100 * regrets[name]:.0f}%")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(0.03, 5)
    ax.set_xlabel("learning rate of the tuned optimizer (log scale)")
    ax.set_title(f"{tuned}: best lr of the grid {sweep.best_lr:.2g}")
    ax.legend(fontsize="small", loc="upper left")
    ax.grid(True, which="major", alpha=0.3)
axes[0].set_ylabel(f"validation loss after {EPOCHS} epochs (log)")
fig.suptitle("The lr-free optimizers at their defaults against a sweep of the tuned ones (digits, MLP 64-64-10)")
save_figure(fig, FIGURES / "fig_lr_free_vs_grid.png")

# %% [markdown]
# **What figure 1 shows.** On this budget, three of the four are far off:
#
# * **DoG and DAdaptSGD** end near ln 10 ≈ 2.30, the loss of a uniform guess over the 10 classes: more
#   than ten times the best loss of SGD's grid (regrets over 1000%). A worse constant lr is hard to
#   find on SGD's curve.
# * **DAdaptAdam** lands within 20% of Adam's best from two seeds and fails from the third: the mean
#   is several times the best, and its seed spread is the largest of all.
# * **Prodigy** is the one that works: within 25% of the best lr of Adam's grid, from one run per seed.
#
# Why? The answer is in how their step sizes move.

# %%
sgd_like, adam_like = ("DoG", "DAdaptSGD"), ("DAdaptAdam", "Prodigy")
assert all(regrets[name] > 10 for name in sgd_like)
assert all(1.5 < runs[name].mean_val_loss()[0] < 2.5 for name in sgd_like)
dadapt_adam = runs["DAdaptAdam"].val_losses[0]
assert np.sum(dadapt_adam < 1.2 * sweeps["Adam"].best_val_loss) == 2 and dadapt_adam.max() > 1.0
assert regrets["DAdaptAdam"] > 2
assert dadapt_adam.std() == max(runs[name].val_losses[0].std() for name in LR_FREE)
assert 0 < regrets["Prodigy"] < 0.25

# %% [markdown]
# ## Figure 2: the adapted step against the grid's best lr
#
# `adapted_steps` trains exactly as one run of the sweep does and records, after every step, the
# step size the optimizer has adapted, in the units of the tuned optimizer's lr (`adapted_step`):
#
# * DoG's η and DAdaptSGD's λ = d · lr / ‖g_0‖ multiply the gradient, as plain SGD's lr does. SGD with
#   momentum μ moves lr / (1 − μ) per unit gradient once its buffer has filled, so the grid's best lr
#   is drawn as its step, lr / (1 − 0.9), ten times the lr.
# * DAdaptAdam and Prodigy have no bias correction by default: their step is d · (1 − β1^t) / √(1 − β2^t)
#   times Adam's direction m̂ / √v̂, where Adam's is lr times it. Early on the factor is large (3.2 at
#   t = 1, 6.6 at t = 11, 3.1 at t = 111): the dashed lines show d alone.
#
# The lines are the median of the 3 seeds, the bands the smallest and largest.

# %%
traces, trace_losses = {}, {}
for name in LR_FREE:
    steps_and_losses = [adapted_steps(make_model, MAKERS[name], DATA, seed, BUDGET, BATCH) for seed in TRUTH_SEEDS]
    traces[name] = np.array([trace for trace, _ in steps_and_losses])  # (seeds, steps)
    trace_losses[name] = np.array([loss for _, loss in steps_and_losses])
    assert np.array_equal(trace_losses[name], runs[name].val_losses[0])  # the very runs of figure 1
best_step = {tuned: sweep.best_lr * STEP_PER_LR[tuned] for tuned, sweep in sweeps.items()}
t_next = np.arange(2, BUDGET + 2)  # after k steps, the next step is t = k + 1


def bias_at(t):
    """(1 − β1^t) / √(1 − β2^t): Adam's bias correction, which d alone leaves out (β = 0.9, 0.999)."""
    return (1 - 0.9**t) / np.sqrt(1 - 0.999**t)


assert [round(bias_at(t), 1) for t in (1, 11, 111)] == [3.2, 6.6, 3.1]  # the factors quoted above

fig, axes = plt.subplots(1, 2, figsize=(13, 4.8), layout="constrained")
steps = np.arange(1, BUDGET + 1)
for ax, tuned, names in ((axes[0], "SGD m=0.9", sgd_like), (axes[1], "Adam", adam_like)):
    for name in names:
        trace = traces[name]
        ax.fill_between(steps, trace.min(axis=0), trace.max(axis=0), color=COLORS[name], alpha=0.15, lw=0)
        ax.plot(steps, np.median(trace, axis=0), color=COLORS[name], lw=2, label=f"{name}: adapted step")
        if tuned == "Adam":
            ax.plot(steps, np.median(trace, axis=0) / bias_at(t_next), color=COLORS[name], ls="--", lw=1.2,
                    label=f"{name}: d alone")
    lr = sweeps[tuned].best_lr
    ax.axhline(best_step[tuned], color="tab:blue", lw=2, label=f"{tuned}'s best lr of the grid as a step"
               + (f": {lr:.2g} / (1 − 0.9) = {best_step[tuned]:.2g}" if tuned != "Adam" else f": {lr:.2g}"))
    ax.set_yscale("log")
    ax.set_xlabel("training step")
    ax.set_ylabel(f"step size, in {tuned}'s lr units (log)")
    ax.set_title(f"{' and '.join(names)} against {tuned}")
    ax.legend(fontsize="small", loc="lower right")
    ax.grid(True, which="major", alpha=0.3)
fig.suptitle(f"The adapted step over training, from d0 or r_ε to where it ends after {BUDGET} steps")
save_figure(fig, FIGURES / "fig_lr_free_step_size.png")

# %% [markdown]
# **What figure 2 shows.**
#
# * **DoG spends the budget warming up.** Its first step is r_ε / ‖g_1‖, about 10⁻⁵, and can grow only
#   as fast as the weights move away from where they started: about ten times every 25 steps. After
#   110 steps it is still below SGD's best step, and the network has hardly trained. DoG never
#   overshoots, but in 5 epochs it never arrives either (exercise 2 gives it 20).
# * **DAdaptSGD gets to the right size too fast, without momentum.** Its step grows about ten times
#   every five steps, reaches 3.2 by step 40 and stays there (d never falls). That is SGD m=0.9's best
#   step counted as lr / (1 − 0.9), but the count holds for a filled momentum buffer, which averages
#   ten gradients into each step. DAdaptSGD's momentum is 0 by default, and then it *is* plain SGD at
#   the adapted step; plain SGD at lr 3.2 ends no better than a guess from every seed (checked below,
#   where plain SGD at 1.0 trains well).
# * **DAdaptAdam overshoots Adam's best lr** by six times at its peak, after about 10 steps, and is
#   still three times above it at the end (counting the missing bias correction): on the edge where
#   two seeds train well and one does not.
# * **Prodigy rises past Adam's best lr within some 15 steps**, peaks at about three times it and ends
#   within a factor of two. The rise is a built-in warm-up, which a constant lr does not have: that is how Prodigy
#   can beat the best *constant* lr of a grid (it does on two of the benchmark's four tasks).

# %%
dog, dsgd = np.median(traces["DoG"], axis=0), np.median(traces["DAdaptSGD"], axis=0)
assert 1e-6 < dog[0] < 1e-4 and np.all(dog < best_step["SGD m=0.9"]) and dog[-1] > 1e3 * dog[0]
assert 5 < dog[49] / dog[24] < 20  # about ten times in 25 steps
assert 5 < dsgd[29] / dsgd[24] < 20 and np.all(abs(dsgd[39:] / best_step["SGD m=0.9"] - 1) < 0.05)
assert np.all(np.diff(traces["DAdaptSGD"], axis=1) >= 0)  # d never falls
assert np.all(runs["DAdaptSGD"].mean_val_accuracy() < 0.2)  # no better than a guess
plain = lr_sweep(make_model, mg.SGD, DATA, [1.0, best_step["SGD m=0.9"]], epochs=EPOCHS, seeds=TRUTH_SEEDS,
                 batch_size=BATCH, progress=False)
print(f"plain SGD (no momentum) at lr 1.0 and {best_step['SGD m=0.9']:.2g}: accuracy "
      + " and ".join(f"{a:.1%}" for a in plain.mean_val_accuracy()))
assert plain.mean_val_accuracy()[0] > 0.9 and np.all(plain.val_accuracies[1] < 0.2)
dadapt = np.median(traces["DAdaptAdam"], axis=0) / best_step["Adam"]
assert 5 < dadapt.max() < 7 and np.argmax(dadapt) < 15 and 2.5 < dadapt[-1] < 3.5
prodigy = np.median(traces["Prodigy"], axis=0) / best_step["Adam"]
assert np.argmax(prodigy >= 1) < 15 and 2.5 < prodigy.max() < 3.5 and 1 < prodigy[-1] < 2

# %% [markdown]
# ## And the range test over their multiplier?
#
# Their `lr` is a number like any other, so one can run the range test over it. It says nothing: the
# adapted step is d · lr, d starts at 10⁻⁶ and grows only as the weights move, and at lr = 10⁻⁷ … 10 the
# product stays too small to move them within 100 steps. The loss never falls the 10% that every rule
# requires before it answers (tutorial 2), for any of the four.

# %%
for name, make in MAKERS.items():
    model = make_model(0)
    result = mg.lr_range_test(model, make(model.parameters(), 1.0), mg.batches(X_train, y_train, BATCH, seed=0),
                              start_lr=1e-7, end_lr=10.0, num_iter=100)
    answers = mg.suggest_all(result)
    print(f"{name:<11} {result.stop_reason:<9} after {len(result)} steps; {answers['sma_derivative'].reason[:72]} …")
    assert all(answer.lr is None for answer in answers.values())  # every rule refuses

# %% [markdown]
# `find_lr` still gives an answer, because it lets training decide (tutorial 6): its range test is
# flat, so its anchor falls back to a third of where the test ended (10 / 3), and its eight short
# training runs, multipliers from 0.033 to 9.4, pick one. For DAdaptAdam that rescues the failing
# seed (a regret of 20% or less instead of over 600%); for Prodigy it adds nothing to lr = 1. It costs
# a little more than `find_lr` on Adam itself, about 4.3 runs against 3.6: its held-out loss did not
# fall in the first range test either, so, as for a trained model, it runs a second one that stops on
# the held-out loss. The answers are alike: here, from one search each, all three land within 30% of
# the best of Adam's grid (the benchmark's table below has the medians of 5 searches).

# %%
found = {}
for name, make in (("DAdaptAdam", MAKERS["DAdaptAdam"]), ("Prodigy", MAKERS["Prodigy"]), ("Adam", mg.Adam)):
    model = make_model(0)
    search = lr_search(model, make(model.parameters(), 1.0), X_train, y_train, epochs=EPOCHS, batch_size=BATCH,
                       seed=0)
    at = lr_sweep(make_model, make, DATA, [search.suggestion.lr], epochs=EPOCHS, seeds=TRUTH_SEEDS, batch_size=BATCH,
                  progress=False)
    found[name] = (search, regret(at.mean_val_loss()[0], sweeps["Adam"].best_val_loss))
    print(f"find_lr for {name:<10}: anchor {search.anchor:.3g}, answer {search.suggestion.lr:.3g}, regret "
          f"{100 * found[name][1]:.0f}% against Adam's grid, {search.steps} steps ({search.steps / BUDGET:.1f} runs)")
assert found["DAdaptAdam"][0].anchor == found["Prodigy"][0].anchor == 10 / 3  # the fallback: the test said nothing
assert found["DAdaptAdam"][1] <= 0.2 and regrets["DAdaptAdam"] > 6  # rescued
assert found["Prodigy"][1] > regrets["Prodigy"]  # nothing gained over lr = 1
assert all(r < 0.3 for _, r in found.values())  # alike, Adam's own lr tuned the same way included
assert all(3.5 < search.steps / BUDGET < 4.5 for search, _ in found.values())
assert found["Adam"][0].steps < found["Prodigy"][0].steps == found["DAdaptAdam"][0].steps  # the second test

# %% [markdown]
# ## Do we still need a finder?
#
# On this problem, for these budgets: yes, for three of the four, and for all of them to know whether
# the answer is good. The benchmark (`python -m minigrad_lr.bench lr-free`: 25-point grid, 6 seeds,
# four tasks; quoted, not re-run here) gives the regret at lr = 1 against the best lr of the tuned
# optimizer's grid:
#
# | optimizer | digits | spirals | deep Tanh | batch 16 | cost (steps, of a sweep) |
# |---|--:|--:|--:|--:|--:|
# | DoG (against SGD m=0.9) | 1531% | 95% | 948% | 1345% | 4% |
# | DAdaptSGD (against SGD m=0.9) | 1755% | 204% | 93927% | 660% | 4% |
# | DAdaptAdam (against Adam) | 239% | 145% | 1551% | 41% | 4% |
# | Prodigy (against Adam) | 14% | −1% | 287% | −11% | 4% |
# | `find_lr` with SGD m=0.9 | 4% | −1% | −2% | 8% | 13–15% |
# | `find_lr` with Adam | 3% | 19% | −2% | 9% | 13–14% |
#
# * **Prodigy is a real alternative to tuning Adam's lr**, at a quarter of `find_lr`'s cost in steps:
#   within 15% of the best lr of a sweep on three tasks of four, better than the best constant lr on
#   two. It fails on the deep Tanh network (287%, some seeds fine, others not): one run tells you
#   nothing about whether you are on such a problem.
# * **DoG and D-Adaptation, at their defaults, do not work on budgets this short.** DoG is slow to
#   start (its authors pair it with iterate averaging and long runs), DAdaptSGD overshoots, DAdaptAdam
#   overshoots less. The cost of a tuned run is paid in steps that do not train.
# * **The range test over their multiplier tells nothing**: the article's rule refused on 76 of the
#   benchmark's 80 range tests (4 optimizers × 4 tasks × 5 seeds). `find_lr` over the multiplier
#   helps (DAdaptAdam within 26% on three tasks, 154% on the fourth; Prodigy within 24% on all four),
#   but it costs as much as `find_lr` on Adam, which does about as well (within 19%).
# * Their steps cost more: one run of DAdaptAdam or Prodigy took 5–12% of a sweep's wall-clock time
#   against 4% of its steps.
#
# The measurements are small MLPs trained for 110 to 370 steps; the papers report their methods on
# long runs of large networks, where a warm-up of a hundred steps is cheap. Measure on your own
# problem before trusting either claim, this tutorial's included.

# %% [markdown]
# ## Exercises
#
# 1. In figure 2, after how many steps does DoG's step (the median of the 3 seeds) first reach a
#    hundredth of SGD's best step? What fraction of the 110-step budget is that?
# 2. Give DoG 20 epochs (440 steps) instead of 5, and sweep SGD m=0.9 over `np.logspace(-2, 0, 5)` for
#    the same budget. How far behind is DoG then?
# 3. The authors' examples use DAdaptSGD with momentum 0.9. Train `mg.DAdaptSGD(params, momentum=0.9)`
#    from the 3 seeds: does momentum save it on this budget?
# 4. Prodigy's authors tune `d_coef` (which multiplies the estimate d̂) rather than `lr` (which
#    multiplies the step). Train Prodigy with `d_coef=0.5` and with `lr=0.5`: are they the same knob?
# 5. Train Prodigy at lr = 1 for 30 steps, then run the range test over its multiplier from 1e-3 to
#    100. Do the rules answer now? Would you train at the article's suggestion?
