# %% [markdown]
# # 5. From the range test to a schedule
#
# The range test gives a learning rate, but few people train at one learning rate from start to
# finish. A *schedule* changes the learning rate as training goes on: it decays in steps, decays
# smoothly, restarts, or cycles up and down. This tutorial
#
# 1. draws every schedule in `minigrad_lr.schedules` over the same run, with its learning rates read
#    off one range test;
# 2. trains the same network on the digits with six of them, five seeds each, and compares the
#    validation loss and accuracy;
# 3. asks what matters more on this problem: the shape of the schedule, or the learning rate it is
#    built around;
# 4. and says what a problem this small can and cannot tell us.
#
# Setup, as in tutorial 4: the MLP with layers of 64, 64 and 10 units, SGD with momentum 0.9, 80% of
# the digits for training (a fixed permutation) and 20% held out for validation, mini-batches of 64, so
# one epoch is 22 steps. Every run lasts 8 epochs, 176 steps.

# %%
from functools import partial

import matplotlib.pyplot as plt
import numpy as np

import minigrad_lr as mg
from minigrad_lr.plots import figures_folder, save_figure

SEEDS = (0, 1, 2, 3, 4)  # each seed sets the initial weights and the order of the batches
EPOCHS, BATCH = 8, 64
FIGURES = figures_folder()  # $MINIGRAD_LR_FIGURES, else figures/ of this checkout, else ./figures
print(f"figures go to {FIGURES}")


X, y = mg.load_digits()
order = np.random.default_rng(0).permutation(len(X))
train_rows, val_rows = order[: int(0.8 * len(X))], order[int(0.8 * len(X)):]
X_train, y_train, X_val, y_val = X[train_rows], y[train_rows], X[val_rows], y[val_rows]
EPOCH = len(X_train) // BATCH  # steps per epoch (the last, incomplete batch of each epoch is dropped)
STEPS = EPOCHS * EPOCH
print(f"{len(X_train)} training and {len(X_val)} validation images; {EPOCH} steps per epoch, {STEPS} in all")
assert (EPOCH, STEPS) == (22, 176)

# %% [markdown]
# ## One range test, three numbers
#
# We run the range test of tutorial 2 once, on the training split, from the weights of seed 0, and read
# three learning rates off it:
#
# * **the suggestion** `lr`: the article's rule (`sma_derivative`), where the loss falls fastest. It is
#   the starting lr of the decaying schedules, and `one_cycle_max_lr` returns it as 1cycle's peak.
# * **CLR's bounds**: `cyclic_bounds` takes the same point as `max_lr` and a quarter of it as
#   `base_lr` (Smith: "1/3 or 1/4 of max_lr").
# * **a cautious constant**: fastai's `minimum` rule, a tenth of the lr where the smoothed loss is lowest
#   within the window fastai reads (it leaves out the last 5 steps). The smoothed loss lags behind the
#   raw one and is still falling at the end of that window, so on this curve the rule lands on the same
#   step as the suggestion, and its lr is exactly `lr`/10.
#
# These numbers are fixed before training; the seeds below vary the weights and the batches, not the
# learning rates.

# %%
model = mg.MLP([64, 64, 10], seed=0)
result = mg.lr_range_test(model, mg.SGD(model.parameters(), lr=0.1, momentum=0.9),
                          mg.batches(X_train, y_train, BATCH, seed=0))
lr = result.suggest("sma_derivative").lr
base_lr, max_lr = mg.cyclic_bounds(result, rule="loss")
peak_lr = mg.one_cycle_max_lr(result)
cautious_lr = result.suggest("minimum").lr
print(f"suggestion lr = {lr:.3f}; CLR bounds {base_lr:.3f} .. {max_lr:.3f}; 1cycle max_lr = {peak_lr:.3f}; "
      f"minimum rule {cautious_lr:.4f}")
assert max_lr == peak_lr == lr and np.isclose(base_lr, lr / 4)
assert result.suggest("minimum").index == result.suggest("sma_derivative").index
assert np.isclose(cautious_lr, lr / 10)
assert 0.2 < lr < 1  # tutorial 2 found about the same on all the digits

# %% [markdown]
# ## Figure 1: every schedule over one run
#
# Each schedule is a pure function of the step, so drawing one is a list comprehension. The four
# panels:
#
# * **Decay** (log axis). *Step decay* divides the lr by 10 every 3 epochs; *exponential decay*
#   multiplies it by the same factor every step, chosen so that it ends 100 times lower, which is a
#   straight line on a log axis; *cosine annealing* follows half a cosine from `lr` down to 0. On a
#   log axis the cosine looks flat for most of the run and then plunges: it spends most of its steps
#   at a large fraction of `lr` (half the run above `lr`/2).
# * **Warm restarts** (SGDR, log axis): the same half cosine squeezed into 2 epochs and run four times
#   in a row; the lr jumps back to `lr` every 44 steps.
# * **Cyclical learning rates** (linear axis, where triangles look like triangles): the lr climbs from
#   `base_lr` to `max_lr` in one epoch and comes back down in the next. *triangular* repeats the same
#   triangle, *triangular2* halves its height every cycle, *exp_range* multiplies it by `gamma` every
#   step (here chosen so that the height would be 10 times smaller at the last step).
# * **1cycle**: one warm-up from `max_lr`/25 to `max_lr` over the first 30% of the run, then a long
#   cosine descent to `max_lr`/25 / 10⁴. Its momentum (right axis) mirrors it, from 0.95 down to 0.85
#   and back: the momentum is lowest where the lr is highest.

# %%
steps = np.arange(STEPS)
epochs = steps / EPOCH  # x axis of every plot: training time in epochs


def curve(schedule):
    """The values of a schedule (a function of the step) at every step of the run."""
    return np.array([schedule(step) for step in steps])


decays = {
    "constant": curve(lambda step: lr),
    "step decay (÷10 every 3 epochs)": curve(partial(mg.step_decay, base_lr=lr, step_size=3 * EPOCH)),
    "exponential (÷100 over the run)": curve(partial(mg.exponential_decay, base_lr=lr,
                                                     gamma=0.01 ** (1 / (STEPS - 1)))),
    "cosine annealing": curve(partial(mg.cosine_annealing, base_lr=lr, total_steps=STEPS)),
}
restarts = curve(partial(mg.cosine_warm_restarts, base_lr=lr, T_0=2 * EPOCH))
shrink = 0.1 ** (1 / (STEPS - 1))  # exp_range's gamma: the height is 10 times smaller at the last step
cyclical = {mode: curve(partial(mg.cyclic, base_lr=base_lr, max_lr=max_lr, step_size_up=EPOCH, mode=mode,
                                gamma=shrink))
            for mode in ("triangular", "triangular2", "exp_range")}
cycle_lr = curve(partial(mg.one_cycle, total_steps=STEPS, max_lr=peak_lr))
cycle_momentum = curve(partial(mg.one_cycle_momentum, total_steps=STEPS))

# The facts stated above.
assert np.allclose(decays["step decay (÷10 every 3 epochs)"][[0, 66, 132]], [lr, lr / 10, lr / 100])
assert np.isclose(decays["exponential (÷100 over the run)"][-1], lr / 100)
assert np.allclose(np.diff(np.log(decays["exponential (÷100 over the run)"])), np.log(0.01) / (STEPS - 1))
assert np.isclose(decays["cosine annealing"][STEPS // 2], lr / 2)  # half the run above lr/2
assert np.all(restarts[::44] == lr) and np.all(np.diff(restarts)[np.arange(STEPS - 1) % 44 != 43] < 0)
tops = steps[EPOCH::2 * EPOCH]  # the steps at the top of each triangle
heights = cyclical["triangular2"][tops] - base_lr
assert np.allclose(heights[1:] / heights[:-1], 0.5) and np.isclose(heights[0], max_lr - base_lr)
assert np.allclose(cyclical["exp_range"][tops] - base_lr, (max_lr - base_lr) * shrink ** tops)
assert np.isclose(cycle_lr[0], peak_lr / 25) and np.isclose(cycle_lr.max(), peak_lr, rtol=1e-3)
assert np.argmax(cycle_lr) == round(0.3 * STEPS) - 1 and np.isclose(cycle_lr[-1], peak_lr / 25e4)
assert np.argmin(cycle_momentum) == np.argmax(cycle_lr)
assert np.isclose(cycle_momentum.min(), 0.85, atol=1e-4) and cycle_momentum[0] == cycle_momentum[-1] == 0.95

COLORS = {"constant": "tab:blue", "step decay (÷10 every 3 epochs)": "tab:orange",
          "exponential (÷100 over the run)": "tab:brown", "cosine annealing": "tab:green"}
fig, axes = plt.subplots(2, 2, figsize=(11.5, 7.5), sharex=True, layout="constrained")
ax = axes[0, 0]
for name, values in decays.items():
    ax.plot(epochs, values, color=COLORS[name], label=name)
ax.set_yscale("log")
ax.set_ylim(1e-5, 1.5)
ax.set_title(f"Decay from the finder's suggestion, lr = {lr:.2f}")

ax = axes[0, 1]
ax.plot(epochs, restarts, color="tab:green", label="cosine with warm restarts,\nT_0 = 2 epochs, T_mult = 1")
ax.set_yscale("log")
ax.set_ylim(1e-5, 1.5)
ax.set_title("SGDR: the cosine, restarted every 2 epochs")

ax = axes[1, 0]
for (mode, values), color in zip(cyclical.items(), ("tab:purple", "tab:red", "tab:pink")):
    ax.plot(epochs, values, color=color, label=mode if mode != "exp_range" else "exp_range (γ^step)")
# No triangle goes above max_lr or below base_lr, so the labels go above and below the bounds.
for value, text, offset, va in ((max_lr, f"max_lr = {max_lr:.2f} (the suggestion)", 3, "bottom"),
                                (base_lr, f"base_lr = max_lr/4 = {base_lr:.2f}", -3, "top")):
    ax.axhline(value, color="0.4", ls=":", lw=1)
    ax.annotate(text, (EPOCHS, value), xytext=(-4, offset), textcoords="offset points", ha="right", va=va,
                fontsize="small", color="0.3")
ax.set_ylim(0, 1.45 * max_lr)
ax.set_title("Cyclical learning rates (Smith), bounds from cyclic_bounds")

ax = axes[1, 1]
ax.plot(epochs, cycle_lr, color="tab:red", label=f"lr, max_lr = {peak_lr:.2f}")
ax.set_ylim(0, 1.15 * peak_lr)
ax.set_title(f"1cycle, max_lr from one_cycle_max_lr (ends at {cycle_lr[-1]:.1e})")
twin = ax.twinx()
twin.plot(epochs, cycle_momentum, color="0.35", ls="--", label="momentum (right axis)")
twin.set_ylim(0.84, 0.96)
twin.set_ylabel("momentum")
lines = ax.get_lines() + twin.get_lines()
ax.legend(lines, [line.get_label() for line in lines], loc="upper right", fontsize="small")

for ax in axes.flat:
    ax.set_ylabel("learning rate")
    ax.grid(True, which="major", alpha=0.3)
    if ax is not axes[1, 1]:
        ax.legend(loc="lower left" if ax.get_yscale() == "log" else "upper center", fontsize="small",
                  ncol=1 if ax.get_yscale() == "log" else 3)
for ax in axes[1]:
    ax.set_xlabel(f"epoch ({EPOCH} mini-batches each)")
fig.suptitle(f"Every schedule over one run of {STEPS} steps, learning rates from one range test")
save_figure(fig, FIGURES / "fig_schedules.png")

# %% [markdown]
# ## Six ways to train the same network
#
# Now we train with six schedules, from the same three numbers:
#
# | schedule | learning rate | momentum |
# |---|---|---|
# | constant | the suggestion `lr`, throughout | 0.9 |
# | constant, cautious | `lr`/10 (the `minimum` rule), throughout | 0.9 |
# | step decay | `lr`, ÷10 after epochs 3 and 6 | 0.9 |
# | cosine | `lr` → 0 | 0.9 |
# | CLR triangular2 | between `lr`/4 and `lr`, 2 epochs up and 2 down, height halved each cycle | 0.9 |
# | 1cycle | `lr`/25 → `lr` → `lr`/25e4 | 0.95 → 0.85 → 0.95 |
#
# CLR's half-cycle is 2 epochs here, the short end of Smith's advice (2 to 10 epochs): our run has only
# room for two cycles. (Figure 1 drew 1-epoch half-cycles to show more of them.)
#
# Each schedule is trained with the five seeds; `fit` records the validation loss and accuracy every
# half epoch. The table reports the values after the last step: the mean and the standard deviation
# over the seeds (n − 1 in the denominator), and the worst seed's loss.

# %%
HALF_EPOCH = EPOCH // 2


def make_plans(result):
    """The six schedules of the table, from one range test: {name: (lr schedule, momentum schedule or None)}."""
    lr = result.suggest("sma_derivative").lr
    cautious_lr = result.suggest("minimum").lr
    base_lr, max_lr = mg.cyclic_bounds(result, rule="loss")
    return {
        "constant": (lambda step: lr, None),
        "constant, cautious": (lambda step: cautious_lr, None),
        "step decay": (partial(mg.step_decay, base_lr=lr, step_size=3 * EPOCH), None),
        "cosine": (partial(mg.cosine_annealing, base_lr=lr, total_steps=STEPS), None),
        "CLR triangular2": (partial(mg.cyclic, base_lr=base_lr, max_lr=max_lr, step_size_up=2 * EPOCH,
                                    mode="triangular2"), None),
        "1cycle": (partial(mg.one_cycle, total_steps=STEPS, max_lr=mg.one_cycle_max_lr(result)),
                   partial(mg.one_cycle_momentum, total_steps=STEPS)),
    }


PLANS = make_plans(result)
PLAN_COLORS = dict(zip(PLANS, ("tab:blue", "tab:cyan", "tab:orange", "tab:green", "tab:purple", "tab:red")))


def train(schedule, momentum_schedule, seed, make_optimizer=lambda params: mg.SGD(params, momentum=0.9),
          eval_every=HALF_EPOCH):
    """Train a fresh MLP for STEPS steps with the given schedules; return fit's History.

    ``eval_every=None`` evaluates only before and after training, for runs that only go into a table.
    """
    model = mg.MLP([64, 64, 10], seed=seed)
    return mg.fit(model, make_optimizer(model.parameters()), mg.batches(X_train, y_train, BATCH, seed=seed),
                  STEPS, schedule=schedule, momentum_schedule=momentum_schedule, val=(X_val, y_val),
                  eval_every=eval_every)


def summarise(histories):
    """Final validation loss and accuracy of each run, as arrays over the seeds."""
    return (np.array([h.val_losses[-1] for h in histories]), np.array([h.val_accuracies[-1] for h in histories]))


def print_table(runs):
    width = max(len(name) for name in runs)
    print(f"{'schedule':<{width}} {'val loss, mean ± std':>21} {'worst seed':>11} {'val accuracy, mean ± std':>25}")
    for name, histories in runs.items():
        loss, accuracy = summarise(histories)
        print(f"{name:<{width}} {loss.mean():>12.3f} ± {loss.std(ddof=1):.3f} {loss.max():>11.3f} "
              f"{100 * accuracy.mean():>16.1f}% ± {100 * accuracy.std(ddof=1):.1f}")


runs = {name: [train(schedule, momentum, seed) for seed in SEEDS] for name, (schedule, momentum) in PLANS.items()}
print(f"SGD, momentum 0.9; {len(SEEDS)} seeds; after {EPOCHS} epochs; {len(X_val)} validation images")
print_table(runs)
assert all(h.stop_reason == "completed" for histories in runs.values() for h in histories)

# %% [markdown]
# ## Figure 2: validation loss and accuracy during training
#
# The top panel repeats the learning rate of each schedule, so that what happens below can be read
# against it; the lines below are the means over the five seeds, the bands run from the best seed to
# the worst (one colour per schedule in all three panels).

# %%
eval_epochs = np.array(runs["constant"][0].eval_steps) / EPOCH
fig, axes = plt.subplots(3, 1, figsize=(9, 10), sharex=True, layout="constrained",
                         gridspec_kw={"height_ratios": [1, 1.4, 1.4]})
for name, histories in runs.items():
    color = PLAN_COLORS[name]
    axes[0].plot(epochs, histories[0].lrs, color=color, label=name)
    for ax, values in ((axes[1], [h.val_losses for h in histories]),
                       (axes[2], [100 * np.array(h.val_accuracies) for h in histories])):
        values = np.array(values)
        ax.plot(eval_epochs, values.mean(axis=0), ".-", color=color, label=name)
        ax.fill_between(eval_epochs, values.min(axis=0), values.max(axis=0), color=color, alpha=0.15, lw=0)
axes[0].set_yscale("log")
axes[0].set_ylim(1e-6, 1.5)
axes[0].set_ylabel("learning rate")
axes[0].set_title("The learning rate of each schedule")
axes[0].legend(loc="lower left", fontsize="small", ncol=2)
axes[1].set_yscale("log")
axes[1].set_ylim(0.03, 3)
axes[1].set_ylabel("validation loss (cross-entropy)")
axes[1].set_title(f"Validation loss: mean of {len(SEEDS)} seeds, band from best to worst seed")
axes[1].legend(loc="upper right", fontsize="small", ncol=2)
axes[2].set_ylim(85, 100)
axes[2].set_ylabel("validation accuracy (%)")
axes[2].set_title("Validation accuracy (the axis starts at 85%: the first epochs lie below)")
axes[2].set_xlabel(f"epoch ({EPOCH} mini-batches each)")
for ax in axes:
    ax.grid(True, which="major", alpha=0.3)
save_figure(fig, FIGURES / "fig_schedules_training.png")

# %% [markdown]
# ## What the table shows
#
# **Changing the lr matters.** The four schedules that change the lr during the run — step decay,
# cosine, CLR and 1cycle — each finish with about half the validation loss of either constant, and with
# a higher accuracy. This is the one large effect in the table, and it holds seed by seed: the worst
# of the 20 scheduled runs is better than the best run at the cautious constant. The two constants fail
# in opposite ways, as figure 2 shows:
#
# * at the suggestion the loss falls quickly, then stops improving and jumps around: each step is too
#   large to settle into a minimum. The mean curve had been more than 20% lower than its final value at
#   an earlier half epoch, and the final loss is by far the most variable from seed to seed (a standard
#   deviation more than three times that of any schedule): it depends on where the last step landed;
# * at a tenth of it, training is smooth but slow: the mean loss is still falling at every half epoch up
#   to the end. With more epochs it would catch up; in this budget it cannot.
#
# A schedule gets both: large steps while they make progress, smaller ones at the end to let the weights
# settle. The curves of all four schedules end within 10% of their own lowest point. It does not take
# much: CLR ends at `lr`/4, still higher than the cautious constant, and does as well as the others.
#
# 1cycle starts slowest of the four: it warms up from `lr`/25, and after one epoch its validation loss
# is still more than twice cosine's. By epoch 3 the gap has nearly closed, and the slow start costs
# nothing at the end.
#
# **The four schedules are close.** Their mean final losses lie within 0.025 of each other, less than
# two seed standard deviations apart, and their accuracies within a percent (a percent is under four of
# the 360 validation images). Step decay ends highest of the four here, but that rests on choices we
# made — where it drops and by how much — as much as on the schedule itself; the order of the other three
# changes with the seeds, with CLR's cycle length and with 1cycle's phases, and we do not read it.

# %%
loss = {name: summarise(histories)[0] for name, histories in runs.items()}
accuracy = {name: summarise(histories)[1] for name, histories in runs.items()}
constants = ("constant", "constant, cautious")
scheduled = ("step decay", "cosine", "CLR triangular2", "1cycle")
for c in constants:
    for a in scheduled:
        assert loss[c].mean() > 1.5 * loss[a].mean()  # about half the loss, with room for seed noise
        assert accuracy[c].mean() < accuracy[a].mean()
assert max(loss[a].max() for a in scheduled) < loss["constant, cautious"].min()  # seed by seed
assert loss["constant"].std(ddof=1) > 3 * max(loss[a].std(ddof=1) for a in scheduled)  # the noisiest
mean_curve = {name: np.mean([h.val_losses for h in histories], axis=0) for name, histories in runs.items()}
assert mean_curve["constant"].min() < 0.8 * mean_curve["constant"][-1]  # the large constant ends above its best
assert np.all(np.diff(mean_curve["constant, cautious"]) < 0)  # the small one is still falling at the end
assert all(mean_curve[a][-1] <= 1.1 * mean_curve[a].min() for a in scheduled)  # the schedules end near their best
clr_end = runs["CLR triangular2"][0].lrs[-1]
assert cautious_lr < clr_end < 1.05 * base_lr  # CLR ends at about lr/4, above the cautious constant
epoch_1, epoch_3 = list(eval_epochs).index(1), list(eval_epochs).index(3)
assert mean_curve["1cycle"][epoch_1] > 2 * mean_curve["cosine"][epoch_1]  # the warm-up starts slowly ...
assert mean_curve["1cycle"][epoch_3] < 1.5 * mean_curve["cosine"][epoch_3]  # ... and has nearly caught up
means = [loss[a].mean() for a in scheduled]
assert max(means) - min(means) < 0.025  # the schedules are close ...
assert max(means) - min(means) < 2 * max(loss[a].std(ddof=1) for a in scheduled)  # ... on the scale of the noise
assert loss["step decay"].mean() == max(means)
assert max(accuracy[a].mean() for a in scheduled) - min(accuracy[a].mean() for a in scheduled) < 0.01

# %% [markdown]
# ## The learning rate matters more than the shape
#
# All four schedules above were built around the same number, the finder's suggestion. How much does
# that number matter? We train 1cycle again with its peak taken from two other readings of the same
# curve:
#
# * the lr where the smoothed loss is lowest over the whole curve, about 2.5 times larger. Because
#   the average lags, that is the very last step of the test, where the raw loss had already run away
#   and stopped it: an easy misreading of the smoothed curve;
# * the `minimum` rule, 10 times smaller.
#
# Moving the peak by these factors costs far more than swapping one schedule for another: in both
# directions the final loss ends more than 0.05 above every schedule's row in the table above. Too high,
# and the result depends on luck: the spread between seeds is more than five times larger, and the
# worst seed ends more than four times above the suggestion's mean. Too low, and 8 epochs are not
# enough: every seed ends more than four times higher. This is the case for running the range test at
# all: it puts the peak in the right place, and the shape of the schedule matters much less.

# %%
lowest_lr = result.lrs[np.argmin(result.smoothed)]
peak_runs = {f"sma_derivative (the suggestion), {peak_lr:.3f}": runs["1cycle"]}  # trained above
for name, value in (("lowest smoothed loss", lowest_lr), ("minimum rule", cautious_lr)):
    peak_runs[f"{name}, {value:.3f}"] = [train(partial(mg.one_cycle, total_steps=STEPS, max_lr=value),
                                               partial(mg.one_cycle_momentum, total_steps=STEPS), seed,
                                               eval_every=None)
                                         for seed in SEEDS]
print(f"1cycle with max_lr from three readings of the range test; {len(SEEDS)} seeds")
print_table(peak_runs)

suggested, too_high, too_low = (summarise(histories)[0] for histories in peak_runs.values())
assert 2 < lowest_lr / peak_lr < 3
assert np.argmin(result.smoothed) == len(result) - 1 and result.stop_reason == "diverged"
assert min(too_high.mean(), too_low.mean()) > max(loss[a].mean() for a in scheduled) + 0.05
assert too_high.std(ddof=1) > 5 * suggested.std(ddof=1) and too_high.max() > 4 * suggested.mean()
assert too_low.min() > 4 * suggested.mean()

# %% [markdown]
# ## The same comparison with Adam
#
# Does any of this depend on SGD? We repeat the six runs with Adam (torch's defaults apart from the lr),
# after a range test of Adam's own: its suggestion is about eight times smaller than SGD's (tutorial 3
# explains why). For 1cycle, the momentum schedule drives Adam's β₁ between 0.95 and 0.85, as torch's
# `OneCycleLR` does. To keep the tutorial quick, this check uses three of the five seeds and records
# only the final validation loss.

# %%
model = mg.MLP([64, 64, 10], seed=0)
adam_result = mg.lr_range_test(model, mg.Adam(model.parameters()), mg.batches(X_train, y_train, BATCH, seed=0))
adam_lr = adam_result.suggest("sma_derivative").lr
adam_runs = {name: [train(schedule, momentum, seed, make_optimizer=mg.Adam, eval_every=None) for seed in SEEDS[:3]]
             for name, (schedule, momentum) in make_plans(adam_result).items()}
print(f"Adam: suggestion lr = {adam_lr:.4f} ({lr / adam_lr:.0f} times below SGD's); "
      f"{len(SEEDS[:3])} seeds; after {EPOCHS} epochs")
print_table(adam_runs)

# %% [markdown]
# The picture is the same: both constants end with more than one and a half times (mostly about twice)
# the loss of every schedule, and the four schedules lie within 0.03 of each other.

# %%
adam_loss = {name: summarise(histories)[0] for name, histories in adam_runs.items()}
assert 5 < lr / adam_lr < 20
for c in constants:
    for a in scheduled:
        assert adam_loss[c].mean() > 1.5 * adam_loss[a].mean()
adam_means = [adam_loss[a].mean() for a in scheduled]
assert max(adam_means) - min(adam_means) < 0.03

# %% [markdown]
# ## What this small problem does and does not show
#
# It shows, across seeds:
#
# * within a fixed budget of epochs, a constant learning rate, large or small, is clearly beaten by any
#   of the four schedules that start from the finder's numbers and end lower (with SGD and with Adam);
# * the lr a schedule is built around matters more than the schedule's shape: a 1cycle peak 2.5 times
#   too high or 10 times too low costs more than any choice among the four schedules (with SGD);
# * the range test gives that lr from one run of fewer than 100 mini-batches.
#
# It does not show which schedule is best. On 1,437 training images of 8×8 digits, this MLP reaches
# about 98% validation accuracy with any of the four, and the differences between step decay, cosine,
# CLR and 1cycle are of the order of the differences between seeds. Nor does it say anything about
# large models and data sets: there, long runs, weight decay, batch norm and data augmentation all
# interact with the schedule, and claims such as 1cycle's "super-convergence" (Smith & Topin, 2017)
# were made with deep residual networks on CIFAR-10 and ImageNet, not on a problem that trains in a
# second. Nothing here says which schedule wins on ImageNet.

# %%
assert len(result) < 100
assert all(accuracy[a].mean() > 0.975 for a in scheduled)  # about 98%

# %% [markdown]
# ## Exercises
#
# Worked solutions: `tutorials/solutions/05_schedules.py`.
#
# 1. The 1cycle panel of figure 1 says that the schedule ends at 1.7e-06. Where does that number come
#    from, and at which step (and epoch) does the lr peak? *Look at the panel's title and at the
#    defaults of `one_cycle` (pct_start, div_factor, final_div_factor).*
# 2. On the log axis of figure 1's first panel, cosine annealing looks flat for most of the run and then
#    plunges. For what fraction of the run is it above lr/10, and above lr/100? *Look at the green
#    curve, and solve (1 + cos(π·t/T))/2 = 1/10.*
# 3. *Coding.* Build 1cycle by hand from this tutorial's range test: max_lr from the test (the
#    sma_derivative suggestion), initial_lr = max_lr/div_factor with div_factor = 25, half a cosine up to
#    max_lr over the first 30% of the run and down to initial_lr/10⁴ over the rest, and the momentum as
#    its mirror image between 0.95 and 0.85. Compare every step with `mg.one_cycle` and
#    `mg.one_cycle_momentum`, then train with your schedule from the five seeds: do you get the table's
#    1cycle row?
# 4. *Coding.* Take 1cycle apart: train it again without the warm-up (div_factor = 1, so that it starts
#    at max_lr) and, separately, without the momentum cycle (momentum 0.9 throughout). Which of the two
#    parts matters on this problem? Compare with what moving max_lr did (the table "1cycle with max_lr
#    from three readings").
