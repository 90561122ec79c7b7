# %% [markdown]
# # Solutions to the exercises of tutorial 1: why the learning rate matters
#
# Each section answers one exercise in prose, then checks every number and claim of the answer with an
# `assert`. Run it as a script (`python tutorials/solutions/01_learning_rate_matters.py`); it writes no
# files.

# %%
import numpy as np

import minigrad_lr as mg

SEED = 0  # the tutorial's seed: its weights and the order of its batches


def gradient_descent(a, lr, theta0=1.0, steps=8):
    """The iterates θ_0 … θ_steps of gradient descent on J(θ) = a·θ²/2 (gradient a·θ), as in the tutorial."""
    thetas = [theta0]
    for _ in range(steps):
        thetas.append(thetas[-1] - lr * a * thetas[-1])  # θ ← θ − lr · J'(θ)
    return np.array(thetas)


# %% [markdown]
# ## Exercise 1
#
# With a = 2 and lr = 0.75, r = 1 − lr·a = −0.5: every step flips the sign of θ and halves it, so
# |θ_k| = 0.5^k. It drops below 0.01 when 0.5^k < 0.01, i.e. k > ln 100 / ln 2 ≈ 6.6: after 7 steps
# (θ_7 = −0.0078, printed as −0.008 in the tutorial).

# %%
a, lr = 2.0, 0.75
thetas = gradient_descent(a, lr)
r = 1 - lr * a
assert r == -0.5
assert np.allclose(np.abs(thetas[1:] / thetas[:-1]), 0.5)  # the factor per step
k = int(np.ceil(np.log(100) / np.log(1 / abs(r))))
assert k == 7 and np.flatnonzero(np.abs(thetas) < 0.01)[0] == k
print(f"|θ| shrinks by {abs(r)} per step; below 0.01 after {k} steps (θ_7 = {thetas[7]:.4f})")

# %% [markdown]
# ## Exercise 2
#
# The best factor is r = 0: then θ_1 = 0 · θ_0, the minimum, in a single step. r = 1 − lr·a = 0 means
# lr = 1/a = 0.5, the boundary between the monotone and the oscillating regime. Its panel would show
# one arrow from θ_0 straight to the bottom of the bowl, and nothing after it. Any other lr in (0, 2/a)
# has 0 < |r| < 1 and only gets there in the limit.

# %%
thetas = gradient_descent(a, 1 / a)
assert thetas[0] == 1.0 and np.all(thetas[1:] == 0.0)  # exactly at the minimum after one step
others = [gradient_descent(a, lr) for lr in (0.1, 0.25, 0.4, 0.6, 0.75, 0.9)]
assert all(np.all(thetas_k[1:] != 0.0) for thetas_k in others)  # the others never get there in 8 steps

# %% [markdown]
# ## Exercise 3
#
# No. Each mini-batch is a different sample of the digits, so its loss varies even when the weights do
# not change: at the initial weights, the 100 batches of the run have losses spread over a few
# hundredths around 2.30, and the highest lies 2% above the first batch's. The "highest" of lr = 0.01,
# 0.001 and 0.0001 is no higher than the highest of those untrained batches, while lr = 1 reaches more
# than twice the first loss: that, and only that, is overshooting.

# %%
X, y = mg.load_digits()
model = mg.MLP([64, 64, 10], seed=SEED)
initial_weights = model.state_dict()
stream = mg.batches(X, y, batch_size=64, shuffle=True, seed=SEED)
untrained = np.array([mg.softmax_cross_entropy(model(xb), yb)[0] for xb, yb in (next(stream) for _ in range(100))])
first = untrained[0]
print(f"losses of the 100 batches at the initial weights: {untrained.min():.3f} to {untrained.max():.3f}, "
      f"first {first:.3f}")


def train(lr, num_iter=100):
    """The tutorial's run: SGD with momentum 0.9 from the initial weights, the same batches; the raw losses."""
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


highest = {lr: train(lr).max() for lr in (1.0, 0.1, 0.01, 0.001, 0.0001)}
for lr, value in highest.items():
    print(f"lr = {lr:<6g} highest batch loss {value:.3f} ({value / first - 1:+.1%} against the first batch)")
assert untrained.max() > first  # without any training, some batch is already above the first one
assert untrained.max() < 1.03 * first  # the spread of the batches: about 2% above the first
assert all(first < highest[lr] <= untrained.max() for lr in (0.01, 0.001, 0.0001))  # within that spread
assert highest[1.0] > 2 * first  # lr = 1: more than twice the start, far beyond the noise

# %% [markdown]
# ## Exercise 4
#
# With a = 5 the formula gives 1/a = 0.2 and 2/a = 0.4. Numerically, on a grid of learning rates 0.001
# apart (placed between the thresholds, so that none falls exactly on one), a run is *monotone* when θ
# keeps its sign and shrinks, *oscillating* when it flips sign at every step but |θ| shrinks, and
# *diverging* when |θ| grows. The last monotone lr and the first oscillating one bracket 0.2; the last
# oscillating and the first diverging one bracket 0.4. At lr = 0.1, 0.3 and 0.5 the three regimes of
# figure 1 come back: r = 0.5, −0.5 and −1.5.


# %%
def regime(thetas):
    """'monotone', 'oscillating' (converging) or 'diverging', from the iterates of one run."""
    shrinks, grows = np.all(np.diff(np.abs(thetas)) < 0), np.all(np.diff(np.abs(thetas)) > 0)
    flips = np.all(np.sign(thetas[1:]) == -np.sign(thetas[:-1]))
    if shrinks and np.all(thetas > 0):
        return "monotone"
    if shrinks and flips:
        return "oscillating"
    if grows:
        return "diverging"
    return "other"


a = 5.0
grid = np.arange(0.0005, 0.6, 0.001)
regimes = np.array([regime(gradient_descent(a, lr, steps=20)) for lr in grid])
assert set(regimes) == {"monotone", "oscillating", "diverging"}  # every run falls into one of the three
last_monotone, first_oscillating = grid[regimes == "monotone"].max(), grid[regimes == "oscillating"].min()
last_oscillating, first_diverging = grid[regimes == "oscillating"].max(), grid[regimes == "diverging"].min()
print(f"a = {a:g}: monotone up to {last_monotone:.4f}, oscillating from {first_oscillating:.4f} to "
      f"{last_oscillating:.4f}, diverging from {first_diverging:.4f}; predicted 1/a = {1 / a:g}, 2/a = {2 / a:g}")
assert last_monotone < 1 / a < first_oscillating and first_oscillating - last_monotone < 0.0011
assert last_oscillating < 2 / a < first_diverging and first_diverging - last_oscillating < 0.0011
assert [regime(gradient_descent(a, lr)) for lr in (0.1, 0.3, 0.5)] == ["monotone", "oscillating", "diverging"]

# %% [markdown]
# ## Exercise 5
#
# The two coordinates do not interact: the gradient is (a₁·θ₁, a₂·θ₂), so each one is multiplied by
# its own factor, r₁ = 1 − lr·a₁ and r₂ = 1 − lr·a₂, at every step. Both must satisfy |r| < 1, so
# lr < 2/a₁ = 2 and lr < 2/a₂ = 0.2: the steep direction sets the limit, 0.2, ten times below what
# the flat one alone would allow. Close to the limit, lr = 0.199, the flat direction shrinks by only
# r₁ = 0.801 per step and needs ⌈ln 100 / ln(1/0.801)⌉ = 21 steps to shrink by a factor of 100 —
# while the steep direction alone, at its own best lr 1/a₂ = 0.1, would need one step. The ratio of the
# curvatures (the condition number, here 10) sets how slowly a well-behaved learning rate converges.


# %%
def gradient_descent_2d(curvatures, lr, theta0=(1.0, 1.0), steps=200):
    """|θ| of gradient descent on J(θ) = Σ a_j·θ_j²/2, each coordinate of each step, shape (steps + 1, 2)."""
    curvatures, theta = np.array(curvatures), np.array(theta0)
    thetas = [theta]
    for _ in range(steps):
        theta = theta - lr * curvatures * theta  # θ ← θ − lr · ∇J(θ)
        thetas.append(theta)
    return np.abs(np.array(thetas))


curvatures = (1.0, 10.0)
grid = np.arange(0.0005, 0.5, 0.001)
converges = np.array([gradient_descent_2d(curvatures, lr)[-1].max() < 1.0 for lr in grid])
largest = grid[converges].max()
print(f"largest converging lr on the grid: {largest:.4f}; 2/a₂ = {2 / max(curvatures):g}, "
      f"2/a₁ = {2 / min(curvatures):g}")
assert largest < 2 / max(curvatures) < grid[~converges].min() and 2 / max(curvatures) - largest < 0.001
assert not converges[grid > 2 / max(curvatures)].any()  # nothing above the steep direction's limit converges

lr = 0.199
flat = gradient_descent_2d(curvatures, lr)[:, 0]
steps_flat = int(np.flatnonzero(flat < 0.01)[0])
assert steps_flat == int(np.ceil(np.log(100) / np.log(1 / (1 - lr * curvatures[0])))) == 21
steep_alone = gradient_descent_2d((10.0,), 1 / 10.0, theta0=(1.0,), steps=1)
assert steep_alone[1, 0] == 0.0  # the steep direction on its own: one step at lr = 1/a₂
print(f"at lr = {lr}, the flat direction needs {steps_flat} steps to shrink by 100")
