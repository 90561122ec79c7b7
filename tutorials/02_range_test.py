# %% [markdown]
# # 2. The learning-rate range test, step by step
#
# Tutorial 1 found a good learning rate by training five times. The range test (Leslie Smith, *Cyclical
# Learning Rates for Training Neural Networks*, 2017, §3.3; popularised by fast.ai) needs one short run:
#
# 1. start with a learning rate far too small to learn anything (here 1e-7);
# 2. after every mini-batch, multiply the learning rate by the same factor, so that it reaches a value
#    far too large (here 10) after 100 mini-batches;
# 3. record the loss of every mini-batch; stop early when the loss runs away (more than 4 times the
#    best loss so far);
# 4. read a good learning rate off the curve of loss against learning rate;
# 5. put the weights and the optimizer back as they were, so that real training starts fresh.
#
# We use the same network, data and optimizer as tutorial 1: an MLP with layers of 64, 64 and 10 units
# on the bundled digits, SGD with momentum 0.9, mini-batches of 64, everything seeded.

# %%
import matplotlib.pyplot as plt
import numpy as np

import minigrad_lr as mg
from minigrad_lr.plots import (
    figures_folder,
    plot_loss_change,
    plot_loss_change_sma,
    plot_lr_schedule,
    plot_range_test,
    save_figure,
)

SEED = 0  # the one seed behind the weights and the order of the batches
FIGURES = figures_folder()  # $MINIGRAD_LR_FIGURES, else figures/ of this checkout, else ./figures
print(f"figures go to {FIGURES}")


# %% [markdown]
# ## Running the test
#
# `lr_range_test` does steps 1–5 above. It returns a `RangeTestResult` holding, for every mini-batch it
# actually trained on, the learning rate (`lrs`), the raw loss of that batch before the update
# (`losses`) and a smoothed copy of the losses (`smoothed`), plus the reason it stopped.

# %%
X, y = mg.load_digits()
model = mg.MLP([64, 64, 10], seed=SEED)
optimizer = mg.SGD(model.parameters(), lr=0.1, momentum=0.9)  # the test overwrites lr at every step
weights_before = model.state_dict()

start_lr, end_lr, num_iter = 1e-7, 10.0, 100
result = mg.lr_range_test(model, optimizer, mg.batches(X, y, batch_size=64, seed=SEED),
                          start_lr=start_lr, end_lr=end_lr, num_iter=num_iter)
n = len(result)
print(f"{n} of {num_iter} steps, stopped: {result.stop_reason}, last lr {result.lrs[-1]:.3g}, "
      f"last loss {result.losses[-1]:.3f}, lowest loss {result.losses.min():.3f}")

after = model.state_dict()
assert all(np.array_equal(weights_before[name], after[name]) for name in after)  # weights put back
assert optimizer.lr == 0.1  # ... and the optimizer too

# %% [markdown]
# ## Figure 2: the learning rate grows after every mini-batch
#
# Step i uses `lr_i = start_lr · q^i` with `q = (end_lr / start_lr)^(1/(num_iter − 1))`: every step
# multiplies the learning rate by the same factor q, here `(1e8)^(1/99) ≈ 1.205`, about 20% per step.
# On a logarithmic axis that is a straight line. The test stopped before the end of the plan (dotted)
# because the loss ran away.

# %%
q = (end_lr / start_lr) ** (1 / (num_iter - 1))
print(f"q = {q:.4f}; first lr {result.lrs[0]:g}, last planned lr {start_lr * q ** (num_iter - 1):g}")
assert result.lrs[0] == start_lr
assert np.allclose(result.lrs[1:] / result.lrs[:-1], q, rtol=1e-12)  # geometric: a constant ratio
assert result.stop_reason == "diverged" and n < num_iter

fig, ax = plt.subplots(figsize=(6.5, 4.2), layout="constrained")
planned = mg.range_lrs(start_lr, end_lr, num_iter)  # the whole schedule, as the test computes it
ax.plot(planned, ":", color="0.5", label=f"planned, up to end_lr = {end_lr:g}")
plot_lr_schedule(result, ax=ax, label=f"used: stopped at step {n} ({result.stop_reason})")
ax.legend(loc="upper left", fontsize="small")
save_figure(fig, FIGURES / "fig2_lr_schedule.png")

# %% [markdown]
# ## Figure 3: loss against learning rate
#
# This is the curve the test is for. Read it from left to right:
#
# * **Plateau.** For learning rates up to about 1e-3 the loss stays near its starting value,
#   ln 10 ≈ 2.3: the steps are too small to change anything in a few dozen batches.
# * **Fall.** Then the loss starts to drop, faster and faster. This is the useful range: the learning
#   rate is large enough to learn, and not yet too large.
# * **Blow-up.** Past its lowest point the loss shoots up, and the test stops as soon as it exceeds
#   4 times the best loss seen.
#
# The grey curve is the raw loss of each batch, the blue one its exponential moving average (β = 0.98,
# fastai's smoothing). The average is easier to read but it *lags*: it reaches its lowest point at a
# larger learning rate than the raw loss does. Keep in mind, too, that the x axis is also a time axis:
# the loss at lr = 0.1 is the loss after 75 batches of training at ever-growing rates, not the loss
# that a run at 0.1 would reach.
#
# The dashed lines mark the suggestion of each rule the package knows (next section).

# %%
plateau = result.lrs <= 1e-3
i_raw, i_smooth = int(np.argmin(result.losses)), int(np.argmin(result.smoothed))
low, high = result.losses[plateau].min(), result.losses[plateau].max()
print(f"plateau (lr <= 1e-3): losses from {low:.3f} to {high:.3f}")
print(f"lowest raw loss {result.losses[i_raw]:.3f} at lr {result.lrs[i_raw]:.3g}; "
      f"lowest smoothed loss {result.smoothed[i_smooth]:.3f} at lr {result.lrs[i_smooth]:.3g}")
assert np.all(np.abs(result.losses[plateau] - np.log(10)) < 0.1)  # plateau near ln 10
assert result.losses[-1] > 4 * result.losses.min()  # the blow-up that stopped the test
assert i_smooth > i_raw  # the smoothed curve lags
assert np.searchsorted(result.lrs, 0.1) == 75  # lr passes 0.1 after 75 batches

fig, ax = plt.subplots(figsize=(8, 5), layout="constrained")
plot_range_test(result, ax=ax)
save_figure(fig, FIGURES / "fig3_loss_vs_lr.png")

# %% [markdown]
# ## Figures 4 and 5: the rate of change of the loss
#
# We want the learning rate where the loss falls *fastest*. The article's recipe: look at how much the
# loss changes from one step to the next. Raw, `loss_i − loss_{i−1}` (figure 4) is useless: each batch
# is a different sample of the data, so the difference is mostly noise, and the only thing that stands
# out is the wild swings at the end.
#
# Averaging the last k = 20 differences (a simple moving average, figure 5) cancels most of the noise.
# The sum of 20 consecutive differences telescopes, so the average is simply
# `d_i = (loss_i − loss_{i−20}) / 20`: like the raw difference it carries the noise of just two
# batches, but divided by 20. On the plateau, where the loss has no trend and only noise is left, the
# spread of the raw differences is indeed roughly 20 times that of the averaged ones (26 here, printed
# below). Because the learning rate grows by the same factor every step, d_i measures how fast the loss
# falls per unit of log(lr). The **SMA-derivative** rule picks the learning rate at the most negative
# d_i, skipping the first 10 and last 5 points (and the first 20, where d is not defined). That dot is
# the article's suggestion, and the loss is falling there.

# %%
k, lo, hi = 20, 20, n - 5  # the rule's window [max(k, skip_start), n − skip_end)
raw_change, sma_change = mg.loss_change(result.losses, 1), mg.loss_change(result.losses, k)
pick = result.suggest("sma_derivative")
flat = plateau & (np.arange(n) >= k)  # plateau points where d is defined
noise_raw, noise_sma = np.std(raw_change[flat]), np.std(sma_change[flat])
print(f"sma_derivative: lr {pick.lr:.3g} at step {pick.index}, d = {sma_change[pick.index]:.4f} per step")
print(f"spread (std) on the plateau, {flat.sum()} points: raw difference {noise_raw:.4f}, "
      f"SMA difference {noise_sma:.4f}, ratio {noise_raw / noise_sma:.0f}")
assert pick.index == lo + np.nanargmin(sma_change[lo:hi])  # the minimum of the curve in figure 5
assert sma_change[pick.index] < 0  # the loss is falling there: the raw loss over the last 20 steps ...
assert np.gradient(result.smoothed)[pick.index] < 0  # ... and the smoothed loss
assert 10 < noise_raw / noise_sma < 40  # averaging over 20 steps divides the noise by about 20

fig, ax = plt.subplots(figsize=(7, 4.2), layout="constrained")
plot_loss_change(result, ax=ax)
save_figure(fig, FIGURES / "fig4_loss_change_raw.png")

fig, ax = plt.subplots(figsize=(7, 4.2), layout="constrained")
plot_loss_change_sma(result, ax=ax, k=k)
save_figure(fig, FIGURES / "fig5_loss_change_sma.png")

# %% [markdown]
# ## Six rules, six answers
#
# "Where the loss falls fastest" can be read off the curve in more than one way, and the libraries that
# implement the range test do not agree:
#
# | rule | reads | picks |
# |---|---|---|
# | `sma_derivative` | raw loss | most negative 20-step average change (the article, keras_lr_finder) |
# | `steepest` | smoothed loss | most negative gradient of the curve (pytorch-lr-finder) |
# | `steep` | smoothed loss | most negative slope per unit of log(lr) (fastai) |
# | `minimum` | smoothed loss | the lr of the lowest loss, divided by 10 (fastai) |
# | `valley` | smoothed loss | the middle of the longest falling stretch (fastai's default) |
# | `slide` | smoothed loss | walking in from the right, where the slope stops changing (fastai) |
#
# On this curve they fall into three groups (the assertions below check each statement):
#
# * the three *steepest-point* rules agree within a factor of 2, at the steep end of the fall, shortly
#   before the blow-up (`sma_derivative` and `steepest` even pick the same step, so they share one
#   dashed line and one legend entry in figure 3);
# * `minimum` backs off by a factor of 10 from the lowest point it sees on the lagging smoothed curve
#   and lands several times lower;
# * `valley` and `slide` pick learning rates about a hundred times smaller, where the smoothed loss has
#   barely left the plateau (less than 1% below its level at the start of the window the rules read).
#
# Tutorial 1's winner among five fixed learning rates, 0.1, lies between `minimum`'s pick and the
# steepest-point rules. None of the rules is "right": the steepest-point rules mark the end of the
# useful range, just before the blow-up, while `valley` and `slide` mark its beginning, where the loss
# starts to fall. Either way, the range test narrows a search over eight orders of magnitude down to
# about two, in a single run of fewer than 100 mini-batches.

# %%
picks = result.suggestions()
print(f"{'rule':<15} {'reads':<9} {'lr':>9} {'step':>5} {'loss there':>11}")
for method, s in picks.items():
    reads = "raw" if method == "sma_derivative" else "smoothed"
    print(f"{method:<15} {reads:<9} {s.lr:>9.3g} {s.index:>5} {s.loss:>11.3f}")
spread = max(s.lr for s in picks.values()) / min(s.lr for s in picks.values())
print(f"largest / smallest suggestion: {spread:.0f}")

assert set(picks) == set(mg.METHODS)  # every rule found something on this curve
steepest_point = [picks[m].lr for m in ("sma_derivative", "steepest", "steep")]
cautious = [picks[m].lr for m in ("valley", "slide")]
assert max(steepest_point) / min(steepest_point) < 2
assert all(picks[m].index >= n - 10 for m in ("sma_derivative", "steepest", "steep"))  # near the end
assert picks["sma_derivative"].index == picks["steepest"].index
assert picks["minimum"].lr < min(steepest_point) / 3
assert 50 < min(steepest_point) / max(cautious)  # about a hundred times smaller
assert spread < 1000  # all six picks within three orders of magnitude
plateau_level = result.smoothed[num_iter // 10]  # where the fastai rules start reading
assert all(result.smoothed[picks[m].index] > 0.99 * plateau_level for m in ("valley", "slide"))
assert picks["minimum"].lr < 0.1 < min(steepest_point)

# %% [markdown]
# ## Exercises
#
# Worked solutions: `tutorials/solutions/02_range_test.py`.
#
# 1. The curve of figure 5 starts at about lr = 4·10⁻⁶, not at 1e-7 where the test starts, and only its
#    right end is dotted. Why, on both counts? *Look at the definition of d_i, at the rule's window
#    [max(k, skip_start), n − skip_end), and at q.*
# 2. In figure 3 the smoothed loss reaches its lowest point later than the raw loss. How many steps
#    later, and by what factor is its learning rate larger? *Look at the printed lowest raw and smoothed
#    losses and at q.*
# 3. *Coding.* Implement the SMA-derivative rule from its formula with plain NumPy: d_i = (loss_i −
#    loss_{i−k})/k for i ≥ k, and the lr at the most negative d_i with i in [max(k, 10), n − 5). Check
#    your pick against `mg.suggest_lr(result, k=k)` for k = 5, 10, 20 and 40.
# 4. *Coding.* keras_lr_finder's `get_best_lr` pads d with zeros for i < k and takes the argmin over
#    [10, n − 5) whatever its sign. Run a range test whose end_lr is too low (1e-7 to 1e-3 in 100
#    steps) and apply both keras's rule and `mg.suggest_lr`. What does each answer, and by how much did
#    the loss fall?
# 5. *Coding.* The text says that averaging over k = 20 steps divides the noise of the loss change by
#    about 20. Measure the ratio std(raw difference) / std(d_i) on the plateau for k = 2, 5, 10 and 20:
#    does it grow like k?
