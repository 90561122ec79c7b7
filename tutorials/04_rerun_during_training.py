# %% [markdown]
# # 4. Re-running the finder during training
#
# The article closes with a remark: the best learning rate is not a constant of the problem. It depends
# on where the weights are, so it changes as training goes on, and it is worth re-running the range
# test now and then. This tutorial checks that claim on the digits.
#
# `fit` trains the model and, every `rerun_finder_every` steps, runs the range test from the current
# weights. The range test puts the weights and the optimizer back exactly as it found them, so the
# re-runs only *observe* training: the model ends bit for bit the same with or without them (the test
# suite checks this). The range tests read their own stream of mini-batches for the same reason.
#
# Setup: the MLP with layers of 64, 64 and 10 units, SGD with momentum 0.9 at a cautious constant
# learning rate of 0.02 (so that training takes a few epochs and we can watch it), 80% of the digits for
# training and 20% held out, mini-batches of 64, so one epoch is 22 steps. We train for 8 epochs and
# re-run the finder before each epoch and after the last one, with three seeds.

# %%
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import minigrad_lr as mg
from minigrad_lr.plots import save_figure

SEEDS = (0, 1, 2)
EPOCHS = 8
HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
FIGURES = Path(os.environ.get("MINIGRAD_LR_FIGURES") or HERE.parent / "figures")


X, y = mg.load_digits()
order = np.random.default_rng(0).permutation(len(X))
train, held_out = order[: int(0.8 * len(X))], order[int(0.8 * len(X)):]
X_train, y_train, X_val, y_val = X[train], y[train], X[held_out], y[held_out]
steps_per_epoch = len(X_train) // 64


def train_and_watch(seed):
    """Train for EPOCHS epochs, re-running the range test every epoch; return the model and fit's History."""
    model = mg.MLP([64, 64, 10], seed=seed)
    optimizer = mg.SGD(model.parameters(), lr=0.02, momentum=0.9)
    history = mg.fit(model, optimizer, mg.batches(X_train, y_train, 64, seed=seed), EPOCHS * steps_per_epoch,
                     val=(X_val, y_val), eval_every=steps_per_epoch, rerun_finder_every=steps_per_epoch,
                     finder_batches=mg.batches(X_train, y_train, 64, seed=100 + seed))
    return model, optimizer, history


runs = {seed: train_and_watch(seed) for seed in SEEDS}
histories = {seed: history for seed, (_, _, history) in runs.items()}


def suggested(history):
    """The sma_derivative suggestion of each re-run, NaN where the rule found no fall to read."""
    return np.array([np.nan if s is None else s.lr for s in history.suggestions])


print("epoch  " + "  ".join(f"{'seed ' + str(s):>10}" for s in SEEDS) + "   val loss (seed 0)")
for epoch in range(EPOCHS + 1):
    cells = "  ".join(f"{suggested(histories[s])[epoch]:>10.3g}" for s in SEEDS)
    print(f"{epoch:>5}  {cells}   {histories[0].val_losses[epoch]:.3f}")

# %% [markdown]
# ## What the re-runs show
#
# Before training (epoch 0) the suggestion is about 0.5, as in tutorial 2. While the validation loss
# falls from 2.3 to about 0.5 (epochs 3 to 5) the suggestion drifts down to about half of that, and once
# the model is nearly trained (epochs 6 to 8) it drops by another order of magnitude and scatters
# widely between seeds. The claim holds: the learning rate at which the loss falls fastest shrinks as
# training goes on. The scatter at the end is the range test losing its footing; the next figure shows
# why.

# %%
table = np.array([suggested(h) for h in histories.values()])  # seeds × re-runs
early, middle, late = table[:, 0], table[:, 3:6].ravel(), table[:, 6:].ravel()
medians = [np.nanmedian(part) for part in (early, middle, late)]
print("median suggestion: epoch 0 {:.3g}, epochs 3-5 {:.3g}, epochs 6-8 {:.3g}".format(*medians))
assert medians[0] > medians[1] > medians[2]
assert medians[1] < 0.75 * medians[0] and medians[2] < medians[0] / 5
for history in histories.values():
    assert history.val_losses[-1] < 0.2 * history.val_losses[0]  # training itself went well

# %% [markdown]
# ## The curves, epoch by epoch
#
# Left: the suggestion against the epoch, one line per seed (log scale). Middle: the learning rate at
# which each range test stopped because the loss blew up. Right: the smoothed range-test curves of
# seed 0 at a few epochs. At epoch 0 there is the textbook shape: plateau, fall, blow-up. Each later
# curve starts lower (the model has learned), its fall is shallower, and it blows up earlier: the
# trained network sits in a narrower valley, which a smaller step already overshoots. The blow-up point
# moves left by about a factor of two within the first epoch or two and then stays near lr = 1, while
# the suggestion keeps falling.

# %%
blow_ups = np.array([[r.lrs[-1] for r in h.finder_results] for h in histories.values()])  # seeds × re-runs
print("lr at which each range test stopped (rows: seeds, columns: epochs)")
print(np.array2string(blow_ups, precision=2))
assert all(r.stop_reason == "diverged" for h in histories.values() for r in h.finder_results)
first, last = np.exp(np.log(blow_ups[:, 0]).mean()), np.exp(np.log(blow_ups[:, 5:]).mean())
print(f"geometric mean blow-up lr: epoch 0 {first:.2g}, epochs 5-8 {last:.2g}")
assert last < first / 1.5

fig, (left, middle, right) = plt.subplots(1, 3, figsize=(15, 4.5), layout="constrained")
epochs = np.arange(EPOCHS + 1)
for seed in SEEDS:
    left.plot(epochs, suggested(histories[seed]), "o-", label=f"seed {seed}")
    middle.plot(epochs, blow_ups[seed], "o-", label=f"seed {seed}")
for ax, what in ((left, "suggested lr (sma_derivative)"), (middle, "lr at which the loss blew up")):
    ax.set_yscale("log")
    ax.set_xlabel("epoch (range test run before it; 8 = after training)")
    ax.set_ylabel(f"{what}, log scale")
    ax.legend(fontsize="small")
    ax.grid(True, which="both", alpha=0.3)
left.set_title("The suggestion falls as training goes on")
middle.set_title("So does the point where the loss blows up")

shown = (0, 2, 4, 6, 8)
colors = plt.cm.viridis(np.linspace(0, 0.85, len(shown)))
for color, epoch in zip(colors, shown):
    result = histories[0].finder_results[epoch]
    right.plot(result.lrs, result.smoothed, color=color, lw=2, label=f"before epoch {epoch}" if epoch < EPOCHS
               else "after training")
right.set_xscale("log")
right.set_xlabel("learning rate (log scale)")
right.set_ylabel("training loss (smoothed)")
right.set_title("Range tests of seed 0 during training")
right.legend(fontsize="small", loc="lower left")
right.grid(True, which="major", alpha=0.3)
save_figure(fig, FIGURES / "fig_rerun_during_training.png")

# %% [markdown]
# ## When the finder misleads: a trained model
#
# Train the same models further, at the faster rate of 0.1, until the validation loss is near 0.1, and
# run the range test once more. The best batch loss is now a few hundredths, and with the article's raw
# stop rule a single unlucky batch with 4 times that loss counts as a blow-up: the test stops almost at
# once, at learning rates far too small to hurt, and there is no fall left on the curve for any rule to
# read. Stopping on the smoothed loss (`stop_on="smoothed"`) is not fooled by one batch and runs on to
# the real blow-up; but its curve is flat until then, so its suggestions say little too.

# %%
trained = {}  # (seed, stop_on) -> range test of the trained model
for seed, (model, optimizer, _) in runs.items():
    optimizer.lr = 0.1
    more = mg.fit(model, optimizer, mg.batches(X_train, y_train, 64, seed=50 + seed), 8 * steps_per_epoch,
                  val=(X_val, y_val))
    print(f"seed {seed}: validation loss after 8 more epochs {more.final_val_loss:.3f}")
    for stop_on in ("raw", "smoothed"):
        trained[seed, stop_on] = mg.lr_range_test(
            model, optimizer, mg.batches(X_train, y_train, 64, seed=200 + seed), stop_on=stop_on)
for stop_on in ("raw", "smoothed"):
    stops = [trained[seed, stop_on].lrs[-1] for seed in SEEDS]
    print(f"stop_on={stop_on!r}: stopped at lr " + ", ".join(f"{lr:.2g}" for lr in stops))
assert sum(trained[seed, "raw"].lrs[-1] < 1e-3 for seed in SEEDS) >= 2  # tripped by noise, in most seeds
assert all(trained[seed, "smoothed"].lrs[-1] > 0.3 for seed in SEEDS)  # ran on to the real blow-up

fig, ax = plt.subplots(figsize=(7, 4.2), layout="constrained")
for stop_on in ("smoothed", "raw"):
    result = trained[0, stop_on]
    ax.plot(result.lrs, result.losses, lw=1.2, label=f"stop_on={stop_on!r}: {len(result)} steps, raw loss")
ax.set_xscale("log")
ax.set_xlabel("learning rate (log scale)")
ax.set_ylabel("training loss (raw)")
ax.set_title("Range test on a trained model (seed 0)")
ax.legend(fontsize="small", loc="upper left")
ax.grid(True, which="major", alpha=0.3)
save_figure(fig, FIGURES / "fig_trained_model_range_test.png")

# %% [markdown]
# ## What to take away
#
# * Re-running the finder is cheap here (100 steps, about 4.5 epochs' worth of mini-batches), and it
#   changes nothing in training: the range test restores everything (the test suite checks that
#   training with and without re-runs ends with bit-identical weights).
# * As training goes on, both the suggestion and the point where the loss blows up move to smaller
#   learning rates. A learning rate picked at the start is too large later: one argument for the
#   annealing schedules of tutorial 5.
# * On a trained model the range test's curve has no fall left to read, and the raw-loss stop rule
#   fires on noise. For re-runs late in training, use `stop_on="smoothed"` and watch where the loss
#   blows up rather than where it falls fastest.
