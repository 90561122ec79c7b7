# %% [markdown]
# # 1. Why the learning rate matters
#
# Gradient descent moves the parameters a little way against the gradient at every step,
# `θ ← θ − lr · ∇J(θ)`. The learning rate `lr` decides how far. Too small, and training crawls; too
# large, and every step overshoots, so the loss goes up instead of down. This tutorial shows both
# failures, first on a one-parameter cost where everything can be computed by hand, then on a real
# network, where we try a handful of learning rates by brute force ("the naive approach").
#
# Run it as a script (`python tutorials/01_learning_rate_matters.py`) or open it as a notebook. It
# writes its figures into `figures/` (or into the folder named by `MINIGRAD_LR_FIGURES`), and every
# claim made in the text below is checked by an `assert` in the cell that follows it.

# %%
import matplotlib.pyplot as plt
import numpy as np

import minigrad_lr as mg
from minigrad_lr.plots import figures_folder, plot_gradient_descent, plot_loss_curves, save_figure

SEED = 0  # the one seed behind the weights and the order of the batches
FIGURES = figures_folder()  # $MINIGRAD_LR_FIGURES, else figures/ of this checkout, else ./figures
print(f"figures go to {FIGURES}")


# %% [markdown]
# ## A cost we can solve by hand
#
# Take one parameter θ and the bowl `J(θ) = a·θ²/2`. Its gradient is `J'(θ) = a·θ`, so one step of
# gradient descent is
#
#     θ ← θ − lr · a · θ = (1 − lr·a) · θ.
#
# Every step multiplies θ by the same number `r = 1 − lr·a`, and after k steps `θ_k = r^k · θ_0`.
# Everything follows from the size and sign of r:
#
# * `lr < 1/a`: `0 < r < 1`. θ shrinks towards the minimum without ever crossing it — slowly when lr
#   is tiny (r is close to 1).
# * `1/a < lr < 2/a`: `−1 < r < 0`. θ jumps to the other side of the minimum at every step, but the
#   jumps shrink: it still converges.
# * `lr > 2/a`: `r < −1`. θ jumps across the minimum and lands further out every time: it diverges.
#
# So the curvature `a` sets the scale: `2/a` is the largest learning rate that works at all. A steep
# bowl (large a) needs a small learning rate. A real network's loss has many directions with many
# different curvatures, and the steepest one sets the limit.
#
# Below, `a = 2`, so the thresholds are `1/a = 0.5` and `2/a = 1`. We run the iteration ourselves and
# check the three behaviours before we draw them.

# %%
a, theta0, steps = 2.0, 1.0, 8
small, middle, large = 0.1, 0.75, 1.1  # below 1/a, between 1/a and 2/a, above 2/a


def gradient_descent(lr, theta=theta0, steps=steps):
    """The iterates θ_0 … θ_steps of gradient descent on J(θ) = a·θ²/2, one update at a time."""
    thetas = [theta]
    for _ in range(steps):
        theta = theta - lr * (a * theta)  # θ ← θ − lr · J'(θ)
        thetas.append(theta)
    return np.array(thetas)


for lr in (small, middle, large):
    print(f"lr = {lr:<5}  r = 1 - lr*a = {1 - lr * a:+.2f}  theta_k: {np.round(gradient_descent(lr), 3)}")

thetas = gradient_descent(small)  # small step: stays on one side, always moving down
assert np.all(thetas > 0) and np.all(np.diff(thetas) < 0)
thetas = gradient_descent(middle)  # crosses the minimum every step, but |θ| shrinks
assert np.all(np.sign(thetas[1:]) == -np.sign(thetas[:-1])) and np.all(np.diff(np.abs(thetas)) < 0)
thetas = gradient_descent(large)  # crosses every step and |θ| grows: divergence
assert np.all(np.sign(thetas[1:]) == -np.sign(thetas[:-1])) and np.all(np.diff(np.abs(thetas)) > 0)

# %% [markdown]
# **Figure 1.** The iterates drawn on the cost, each joined to the next by an arrow. Top: the small
# step creeps down one side of the bowl. Middle: the steps cross the minimum but shrink. Bottom: the
# large step zig-zags across the minimum with growing amplitude — note the bottom panel's much wider
# axes.

# %%
fig, axes = plt.subplots(3, 1, figsize=(6.5, 10), layout="constrained")
for ax, lr in zip(axes, (small, middle, large)):
    plot_gradient_descent(a, lr, theta0=theta0, steps=steps, ax=ax)
fig.suptitle(f"Gradient descent on J(θ) = a·θ²/2 with a = {a:g}\n"
             f"monotone for lr < 1/a = {1 / a:g}, converges for lr < 2/a = {2 / a:g}, diverges above")
save_figure(fig, FIGURES / "fig1_gradient_descent.png")

# %% [markdown]
# ## The naive approach: try a few learning rates
#
# On a real network we cannot compute `2/a`. The obvious thing to do is to try several learning rates
# and watch the loss. Here is that experiment on the bundled handwritten digits (1,797 images of 8×8
# pixels, 10 classes): a multi-layer perceptron with layers of 64, 64 and 10 units, trained by SGD with
# momentum 0.9 on mini-batches of 64, for 100 mini-batches, with learning rates 1, 0.1, 0.01, 0.001 and
# 0.0001.
#
# For a fair comparison every run must start from the *same* weights and see the *same* batches in the
# same order: we save the initial weights once and load them back before each run, and we rebuild the
# batch iterator from the same seed. The training loop is the whole data flow of the package:
# batch → forward → loss → backward → optimizer step.

# %%
X, y = mg.load_digits()
model = mg.MLP([64, 64, 10], seed=SEED)
initial_weights = model.state_dict()
num_iter, lrs = 100, (1.0, 0.1, 0.01, 0.001, 0.0001)


def train(lr):
    """Train from the initial weights for num_iter mini-batches at a fixed lr; return the raw losses."""
    model.load_state_dict(initial_weights)
    optimizer = mg.SGD(model.parameters(), lr=lr, momentum=0.9)
    stream = mg.batches(X, y, batch_size=64, shuffle=True, seed=SEED)
    losses = []
    for _ in range(num_iter):
        xb, yb = next(stream)
        loss, dlogits = mg.softmax_cross_entropy(model(xb), yb)
        optimizer.zero_grad()
        model.backward(dlogits)
        optimizer.step()
        losses.append(loss)
    return np.array(losses)


curves = {lr: train(lr) for lr in lrs}
first = curves[0.1][0]
end = {lr: losses[-10:].mean() for lr, losses in curves.items()}  # mean over the last 10 batches
early = {lr: losses[1:11].mean() for lr, losses in curves.items()}  # mean over batches 1 … 10
print(f"loss of the first batch (before any update): {first:.3f}")
print(f"{'lr':>8} {'batches 1-10':>13} {'last 10':>9} {'highest':>9}")
for lr, losses in curves.items():
    print(f"{lr:>8g} {early[lr]:>13.3f} {end[lr]:>9.3f} {losses.max():>9.3f}")

# %% [markdown]
# **Figure: the naive approach.** Left: the raw loss of each mini-batch. Right: the same curves
# smoothed by an exponential moving average (β = 0.9), which makes the trends easier to compare. What
# the table above and the figure show:
#
# * Every run starts from the same loss, close to ln 10 ≈ 2.30: the untrained network spreads its
#   guesses almost evenly over the 10 classes.
# * **lr = 0.1 wins**: it ends with the lowest loss of the five.
# * **lr = 1 is too large**: it drops fastest during the first ten batches, but then it jumps around;
#   some batches have a higher loss than at the start, and it ends well above lr = 0.1.
# * **lr = 0.01 is too small**: it learns, steadily but slowly.
# * **lr = 0.001 and 0.0001 are far too small**: after 100 batches the loss has hardly moved (less than
#   5% below the start).
#
# The lesson, and its cost: the good learning rate sits in a narrow band between "too slow to notice"
# and "unstable", and finding it this way took five full runs — and we only know that 0.1 beats its
# neighbours, not what lies between 0.1 and 1. The range test of tutorial 2 scans the whole range in a
# single run.

# %%
assert all(losses[0] == first for losses in curves.values())  # same weights, same first batch
assert abs(first - np.log(10)) < 0.05
assert min(end, key=end.get) == 0.1  # lr = 0.1 ends lowest
assert min(early, key=early.get) == 1.0  # lr = 1 falls fastest at first ...
assert curves[1.0].max() > first and end[1.0] > end[0.1]  # ... but jumps above the start and ends higher
assert end[0.01] < 0.95 * first and end[0.01] > end[0.1]  # lr = 0.01 learns, slowly
assert end[0.001] > 0.95 * first and end[0.0001] > 0.95 * first  # the two smallest barely move

fig, (raw, smooth) = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
plot_loss_curves(curves, ax=raw)
raw.set_title("Raw loss of each mini-batch")
plot_loss_curves({lr: mg.ema(losses, 0.9) for lr, losses in curves.items()}, ax=smooth)
smooth.set_title("Smoothed (exponential moving average, β = 0.9)")
smooth.set_ylabel("training loss (smoothed)")
fig.suptitle("The naive approach: SGD (momentum 0.9) on digits, same start, five learning rates")
save_figure(fig, FIGURES / "fig_naive_approach.png")

# %% [markdown]
# ## Exercises
#
# Worked solutions: `tutorials/solutions/01_learning_rate_matters.py`.
#
# 1. In the middle panel of figure 1 (lr = 0.75) the iterates cross the minimum at every step. By what
#    factor does |θ| shrink per step, and after how many steps is it below 0.01? *Look at r = 1 − lr·a
#    and at the printed iterates θ_k.*
# 2. Which learning rate reaches the minimum of this bowl fastest, and in how many steps? What would its
#    panel of figure 1 look like? *Look at the three cases of r: which value of r is best?*
# 3. In the table of the naive approach every learning rate, even 0.0001, has a batch whose loss is
#    higher than the first batch's (2.287). Do they all overshoot? How large is the excess for lr = 1,
#    and for the others? *Look at the column "highest" and at the left panel of the naive-approach
#    figure; then compute the losses of the same 100 batches at the initial weights, without training.*
# 4. *Coding.* Take another bowl, J(θ) = a·θ²/2 with a = 5. Predict 1/a and 2/a, then find both
#    numerically: run gradient descent for a fine grid of learning rates, classify each run as monotone,
#    oscillating but converging, or diverging, and read the two boundaries off the grid. Check the three
#    regimes of figure 1 at lr = 0.1, 0.3 and 0.5.
# 5. *Coding.* A bowl with two directions, J(θ) = (a₁·θ₁² + a₂·θ₂²)/2 with a₁ = 1 and a₂ = 10. Find
#    the largest learning rate at which gradient descent converges, and check the claim that the
#    steepest direction sets the limit. Close to that limit, how many steps does the flat direction need
#    to shrink by a factor of 100?
