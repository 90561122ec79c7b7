# %% [markdown]
# # Solutions to the exercises of tutorial 3: one range test per optimizer
#
# Each section answers one exercise in prose, then checks every number and claim of the answer with an
# `assert`. Run it as a script (`python tutorials/solutions/03_optimizers.py`); it writes no files.
#
# Exercises 1 and 2 read the tutorial's table, so we first measure its numbers again for the optimizers
# they need: where the range test starts to fall, and how far a step moves a weight per unit of lr.

# %%
import numpy as np

import minigrad_lr as mg

SEED = 0
X, y = mg.load_digits()
model = mg.MLP([64, 64, 10], seed=SEED)
initial_weights = model.state_dict()
optimizers = {"SGD": mg.SGD, "Adam": mg.Adam, "Adagrad": mg.Adagrad}  # PyTorch's defaults apart from lr


def falls_at(result, drop=0.05, window=10):
    """The first lr where the mean of the last `window` losses is `drop` below the mean of the first `window`."""
    trailing = np.convolve(result.losses, np.ones(window) / window, mode="valid")  # trailing[j]: steps j … j+9
    i = window - 1 + np.flatnonzero(trailing < (1 - drop) * result.losses[:window].mean())[0]
    return result.lrs[i]


def step_per_lr(make, steps, lr=1e-4):
    """Median |Δθ| / lr over the weights that move, at step `steps` of training at a constant small lr."""
    model.load_state_dict(initial_weights)
    optimizer = make(model.parameters(), lr=lr)
    stream = mg.batches(X, y, batch_size=64, seed=SEED)
    for _ in range(steps):
        before = [p.data.copy() for p in model.parameters()]
        xb, yb = next(stream)
        _, dlogits = mg.softmax_cross_entropy(model(xb), yb)
        optimizer.zero_grad()
        model.backward(dlogits)
        optimizer.step()
    moved = np.concatenate([np.abs(p.data - b).ravel() for p, b in zip(model.parameters(), before)])
    return float(np.median(moved[moved > 0])) / lr


fall = {}
for name, make in optimizers.items():
    result = mg.lr_range_test(model, make(model.parameters()), mg.batches(X, y, batch_size=64, seed=SEED),
                              start_lr=1e-7, end_lr=10.0, num_iter=100)
    fall[name] = falls_at(result)
gain = {name: step_per_lr(make, 60) for name, make in optimizers.items()}
model.load_state_dict(initial_weights)
for name in optimizers:
    print(f"{name:<8} falls at {fall[name]:.2g}, step / lr at step 60: {gain[name]:.3g}")

# %% [markdown]
# ## Exercise 1
#
# SGD starts to fall at lr 0.61, Adam at 0.0059: about 105 times apart. At step 60 a step of Adam moves
# a weight by 0.49·lr, one of SGD by 0.0023·lr: about 214 times further. The two factors agree to within a
# factor of about 2, which is what the tutorial's last column says: the product (step per lr) × (lr
# where the loss falls), the size of a step when learning starts, is about the same for every
# optimizer, 0.0014 for SGD and 0.0029 for Adam. The more a step of an optimizer makes of a unit of lr,
# the less lr it needs.

# %%
fall_ratio, gain_ratio = fall["SGD"] / fall["Adam"], gain["Adam"] / gain["SGD"]
print(f"SGD falls at {fall_ratio:.0f} × Adam's lr; Adam moves a weight {gain_ratio:.0f} × further per unit of lr")
assert 90 < fall_ratio < 120 and 180 < gain_ratio < 250
assert 1 / 3 < fall_ratio / gain_ratio < 1  # consistent, within a factor of about 2
products = {name: gain[name] * fall[name] for name in ("SGD", "Adam")}
assert 1e-3 < products["SGD"] < 2e-3 and 2e-3 < products["Adam"] < 4e-3

# %% [markdown]
# ## Exercise 2
#
# Adagrad's step is lr · g_t / √(g_1² + … + g_t²) (ε aside). If every gradient of a weight had the same
# size |g|, that is lr · |g| / √(t·g²) = lr/√t: exactly lr at step 1, as measured, and 1/√60 = 0.13 of
# lr at step 60. The table's 0.095 is three quarters of that: the gradients vary from batch to batch, so
# the current |g_t| is usually smaller than the root mean square of all the past ones that the
# denominator holds (for gradients of random sign and Gaussian size, the median of that ratio is 0.67).
# 1/√t gets the trend and the order of magnitude; the batch noise takes off a quarter.

# %%
assert np.isclose(step_per_lr(mg.Adagrad, 1), 1.0, rtol=1e-3)  # step 1: lr · g / |g| = lr
model.load_state_dict(initial_weights)
prediction = 1 / np.sqrt(60)
print(f"Adagrad at step 60: {gain['Adagrad']:.3f} × lr; 1/√60 = {prediction:.3f}")
assert 0.6 * prediction < gain["Adagrad"] < prediction
assert 0.7 < gain["Adagrad"] / prediction < 0.8  # three quarters
gaussian = np.random.default_rng(0).normal(size=100_000)  # gradients of random sign and Gaussian size
assert abs(np.median(np.abs(gaussian)) / np.sqrt(np.mean(gaussian**2)) - 0.67) < 0.01

# %% [markdown]
# ## Exercise 3
#
# **The data and the curvature.** The loss is J(θ) = (1/N)·‖X̃θ − y‖², θ = (w, b); its Hessian is
# H = (2/N)·X̃ᵀX̃, the same everywhere. Here λ_max ≈ 17.5 (the feature of scale 3), so the rule of
# thumb says that gradient descent diverges for lr > 2/λ_max ≈ 0.114.
#
# **The whole curve, predicted.** With θ* the least-squares solution, J(θ) = J* + ½ (θ − θ*)ᵀH(θ − θ*).
# Write θ − θ* = Σ c_j v_j in the eigenvectors v_j of H: the gradient is H(θ − θ*), so a step at lr_i
# multiplies each c_j by (1 − lr_i·λ_j), and J = J* + ½ Σ λ_j c_j². Starting from the model's initial
# weights we compute the 100 planned lrs, every loss the test will record and the first step where the
# stop rule (loss > 4 × the lowest so far) fires — all without touching the model. The range test then
# records the same losses (to 1e-9 relative) and stops at the same step, 86.
#
# **Why so far beyond 2/λ_max?** The test stops at lr 0.74, 6.5 times 2/λ_max. Before the lr reaches
# 2/λ_max, every factor |1 − lr·λ_max| is below 1, and near lr = 1/λ_max it is close to 0: the steep
# coordinate c_max has been shrunk by a factor of about 4·10⁵ by then. Once lr > 2/λ_max it grows again,
# by |1 − lr·λ_max| per step, but it starts so small that it takes 10 more steps (q¹⁰ ≈ 6.4 in lr) to
# lift the loss to 4 times its best. So the lr where a range test blows up is an upper bound of the
# stable range, not the edge of it: the loss is still falling at 2/λ_max.


# %%
def squared_error(output, target):
    """mg.mse between the model's (N, 1) output and (N,) targets, with the gradient in the output's shape."""
    loss, grad = mg.mse(output[:, 0], target)
    return loss, grad[:, None]


rng = np.random.default_rng(0)
N = 256
Xq = rng.normal(size=(N, 4)) * np.array([3.0, 1.0, 0.5, 0.3])  # features of different scales
yq = Xq @ rng.normal(size=4) + 0.3 * rng.normal(size=N)
Xt = np.hstack([Xq, np.ones((N, 1))])  # a column of ones for the bias
H = 2 / N * Xt.T @ Xt
lam, V = np.linalg.eigh(H)  # ascending: lam[-1] is λ_max
limit = 2 / lam[-1]
theta_star = np.linalg.lstsq(Xt, yq, rcond=None)[0]
J_star = np.mean((Xt @ theta_star - yq) ** 2)

quadratic = mg.MLP([4, 1], seed=0, dtype=np.float64)
W, b = quadratic.parameters()
c = V.T @ (np.concatenate([W.data[:, 0], b.data]) - theta_star)  # the initial weights in the eigenbasis
start_lr, end_lr, num_iter = 1e-7, 10.0, 100
lrs = start_lr * (end_lr / start_lr) ** (np.arange(num_iter) / (num_iter - 1))
predicted = []
for lr in lrs:
    predicted.append(J_star + 0.5 * np.sum(lam * c**2))  # the loss recorded before the step
    if predicted[-1] > 4 * min(predicted):
        break  # the stop rule: the step that triggers it is recorded
    c = (1 - lr * lam) * c  # one step of gradient descent, coordinate by coordinate
predicted = np.array(predicted)

result = mg.lr_range_test(quadratic, mg.SGD(quadratic.parameters()), [(Xq, yq)] * num_iter, loss=squared_error,
                          start_lr=start_lr, end_lr=end_lr, num_iter=num_iter)
crossing = int(np.searchsorted(lrs, limit))  # the first step with lr > 2/λ_max
shrink = np.prod(np.abs(1 - lrs[:crossing] * lam[-1]))
print(f"λ_max = {lam[-1]:.2f}, 2/λ_max = {limit:.3f}; predicted stop at step {len(predicted)}, "
      f"measured {len(result)} ({result.stop_reason}) at lr {result.lrs[-1]:.3f}, "
      f"{result.lrs[-1] / limit:.1f} × 2/λ_max")
print(f"steep coordinate shrunk by {1 / shrink:.2g} before lr passes 2/λ_max at step {crossing}")
assert 17 < lam[-1] < 18 and 0.11 < limit < 0.12
assert np.allclose(result.lrs, lrs[: len(result)], rtol=1e-12)
assert len(result) == len(predicted) == 86 and result.stop_reason == "diverged"
assert np.allclose(result.losses, predicted, rtol=1e-9)
assert np.all(np.diff(predicted[: crossing + 1]) < 0)  # the loss falls at every step below 2/λ_max
assert 6 < result.lrs[-1] / limit < 7 and len(result) - 1 - crossing == 10
assert 1e5 < 1 / shrink < 1e6

# %% [markdown]
# ## Exercise 4
#
# For one eigen-direction, heavy-ball momentum in PyTorch's form gives
# θ_{t+1} − θ* = (1 + μ − lr·λ)(θ_t − θ*) − μ(θ_{t−1} − θ*), whose characteristic polynomial
# z² − (1 + μ − lr·λ) z + μ has both roots inside the unit circle exactly when lr·λ < 2(1 + μ). For
# μ = 0 that is 2/λ_max again; for μ = 0.9 it is 3.8/λ_max. Constant-lr runs of 300 full-batch steps
# confirm both: at 0.98 × the limit the loss ends below its start, at 1.02 × the limit it grows by
# orders of magnitude. Momentum raises the limit only by 1 + μ = 1.9, although it lengthens the steps
# along flat directions by up to 1/(1 − μ) = 10: it lowers the lr that learning needs far more than it
# raises the lr where training blows up.


# %%
def final_loss(momentum, lr, steps=300):
    """The loss after `steps` full-batch steps of SGD at a constant lr, from the model's initial weights."""
    model = mg.MLP([4, 1], seed=0, dtype=np.float64)
    history = mg.fit(model, mg.SGD(model.parameters(), lr=lr, momentum=momentum), [(Xq, yq)] * (steps + 1),
                     steps, loss=squared_error)
    return history.losses[0], history.losses[-1]


for momentum in (0.0, 0.9):
    bound = 2 * (1 + momentum) / lam[-1]
    start, below = final_loss(momentum, 0.98 * bound)
    _, above = final_loss(momentum, 1.02 * bound)
    print(f"μ = {momentum}: limit 2(1 + μ)/λ_max = {bound:.3f}; loss from {start:.3g} to {below:.3g} at 0.98 × "
          f"the limit, to {above:.3g} at 1.02 ×")
    assert below < start and above > 1e3 * start
assert np.isclose((2 * 1.9 / lam[-1]) / limit, 1.9)  # momentum 0.9 raises the limit by 1 + μ, not 10
