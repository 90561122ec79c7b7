# %% [markdown]
# # 3. One range test per optimizer
#
# A good learning rate for SGD is a terrible one for Adam, and the other way round. This tutorial runs
# the range test of tutorial 2 with five optimizers — SGD without and with momentum, Adam, RMSProp and
# Adagrad — on the same network, from the same starting weights, on the same mini-batches, and then
# explains why their useful learning rates lie orders of magnitude apart.

# %%
import matplotlib.pyplot as plt
import numpy as np

import minigrad_lr as mg
from minigrad_lr.plots import figures_folder, plot_range_tests, save_figure

SEED = 0  # the one seed behind the weights and the order of the batches
FIGURES = figures_folder()  # $MINIGRAD_LR_FIGURES, else figures/ of this checkout, else ./figures
print(f"figures go to {FIGURES}")


# %% [markdown]
# ## Five range tests
#
# Each optimizer keeps its PyTorch defaults apart from the learning rate, which the test sets at every
# step (1e-7 → 10 over 100 mini-batches of 64). The range test puts the weights back when it ends, so
# one model serves all five runs; we check that it did.

# %%
X, y = mg.load_digits()
model = mg.MLP([64, 64, 10], seed=SEED)
initial_weights = model.state_dict()
optimizers = {
    "SGD": lambda params: mg.SGD(params),
    "SGD, momentum 0.9": lambda params: mg.SGD(params, momentum=0.9),
    "Adam": lambda params: mg.Adam(params),
    "RMSProp": lambda params: mg.RMSProp(params),
    "Adagrad": lambda params: mg.Adagrad(params),
}
results = {}
for name, make in optimizers.items():
    stream = mg.batches(X, y, batch_size=64, seed=SEED)  # the same batches, in the same order, for each
    results[name] = mg.lr_range_test(model, make(model.parameters()), stream,
                                     start_lr=1e-7, end_lr=10.0, num_iter=100)

after = model.state_dict()
assert all(np.array_equal(initial_weights[k], after[k]) for k in after)  # the tests left the model as it was
assert len({r.losses[0] for r in results.values()}) == 1  # same weights, same first batch, same first loss

# %% [markdown]
# ## Where does each curve start to fall?
#
# Two numbers per optimizer summarise its curve:
#
# * **falls at**: the first learning rate at which the loss, averaged over the last 10 batches, is 5%
#   below its starting level (the mean of the first 10 losses) — where the optimizer starts to learn;
# * **sma_derivative**: the article's suggestion (tutorial 2), where the loss falls fastest;
#
# and the learning rate at which the test stopped because the loss ran away.

# %%
def falls_at(result, drop=0.05, window=10):
    """The first lr where the `window`-batch moving average of the loss is `drop` below its start."""
    average = mg.sma(result.losses, window)
    i = np.flatnonzero(average < (1 - drop) * result.losses[:window].mean())[0]
    return result.lrs[i]


fall = {name: falls_at(r) for name, r in results.items()}
pick = {name: r.suggest("sma_derivative").lr for name, r in results.items()}
print(f"{'optimizer':<18} {'falls at':>9} {'sma_derivative':>15} {'stopped at':>11}  reason")
for name, r in results.items():
    print(f"{name:<18} {fall[name]:>9.2g} {pick[name]:>15.2g} {r.lrs[-1]:>11.2g}  {r.stop_reason}")

# %% [markdown]
# All five tests end the same way — the loss runs away — but at very different learning rates.
# RMSProp and Adam start to learn at a few thousandths; plain SGD needs a learning rate about a hundred
# times larger, and momentum brings it down by about ten. The suggestions follow the same pattern: Adam's
# is more than ten times below plain SGD's.

# %%
assert all(r.stop_reason == "diverged" for r in results.values())
assert fall["SGD"] / fall["Adam"] > 50 and fall["SGD"] / fall["RMSProp"] > 50  # ~100 times apart
assert pick["SGD"] / pick["Adam"] > 10  # the suggestions too
assert fall["SGD"] / fall["SGD, momentum 0.9"] > 5  # momentum: about ten times lower

# %% [markdown]
# ## Why: how far one step moves a weight
#
# The learning rate is not the size of a step; it multiplies something, and that something differs:
#
# * **SGD** moves each weight by `lr · g`, its gradient times the learning rate. On this network the
#   gradients are small (the median |g| per weight is printed below: a few thousandths), so a step is
#   hundreds of times smaller than lr, and lr must be large before anything happens.
# * **SGD with momentum** (PyTorch's form) moves by `lr · b`, where the buffer `b = 0.9·b + g` adds up
#   recent gradients. If they all pointed the same way b would grow to `g / (1 − 0.9) = 10 g`; mini-batch
#   gradients disagree a little, so the gain is less than 10 (about 5 here).
# * **Adam** moves by `lr · m̂ / (√v̂ + ε)`: an average of the gradients divided by the root of an
#   average of their squares. Both scale with g, so g's size cancels: a weight moves by up to about lr,
#   however small its gradient (exactly lr at the first step; about half of lr later on here, as noisy
#   gradients partly cancel in m̂).
# * **RMSProp** moves by `lr · g / (√v + ε)`: the same normalisation, without momentum and without Adam's
#   bias correction. v starts at 0 and fills up slowly (`v = 0.99·v + 0.01·g²`: after t steps it holds
#   only a fraction 1 − 0.99^t of the mean square), so early on √v underestimates |g| and steps are
#   *larger* than lr: 10 lr at the first step.
# * **Adagrad** moves by `lr · g / √(sum of all past g²)`: the sum only grows, so steps shrink as
#   training goes on.
#
# We measure this directly: train each optimizer at a small constant lr (1e-4, so the weights barely
# move) on the same batches, and record how far a step moves a typical weight (the median over the
# weights that move), divided by lr — at the first step, and at the 60th, which is about where the
# range tests above start to fall.

# %%
lr, steps = 1e-4, 60
xb, yb = next(mg.batches(X, y, batch_size=64, seed=SEED))
model.load_state_dict(initial_weights)
_, dlogits = mg.softmax_cross_entropy(model(xb), yb)
model.zero_grad()
model.backward(dlogits)
g = np.concatenate([p.grad.ravel() for p in model.parameters()])
median_g = np.median(np.abs(g[g != 0]))
print(f"median |g| per weight on the first batch (weights with g != 0): {median_g:.4f}")
assert 1e-3 < median_g < 1e-2  # a few thousandths


def step_per_lr(make, steps):
    """Median |Δθ| / lr of the weights that move, at step `steps` of training at a constant small lr."""
    model.load_state_dict(initial_weights)
    optimizer = make(model.parameters())
    optimizer.lr = lr
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


gain1 = {name: step_per_lr(make, 1) for name, make in optimizers.items()}
gain = {name: step_per_lr(make, steps) for name, make in optimizers.items()}
model.load_state_dict(initial_weights)
print(f"\n{'':<18} {'step / lr':>10} {'step / lr':>10}")
print(f"{'optimizer':<18} {'at step 1':>10} {f'at step {steps}':>10} {'falls at':>9} {'product':>9}")
for name in optimizers:
    product = gain[name] * fall[name]
    print(f"{name:<18} {gain1[name]:>10.3g} {gain[name]:>10.3g} {fall[name]:>9.2g} {product:>9.2g}")

# %% [markdown]
# The table tells the whole story:
#
# * at the first step Adam and Adagrad move every weight that has a gradient by lr, RMSProp by 10 lr,
#   and SGD (with or without momentum, whose buffer is just the first gradient) by lr times the gradient;
# * by step 60 momentum has multiplied SGD's step by about 5, Adam's step has dropped to about half of
#   lr, RMSProp's towards lr, and Adagrad's to a tenth of lr;
# * the order of the optimizers by *step per unit of lr* (at step 60) is exactly the reverse of their
#   order by the learning rate at which the loss starts to fall: the bigger the step an optimizer makes
#   of a given lr, the smaller the lr it needs;
# * the product of the two — roughly the size of a step, per weight, when the loss starts to fall — is
#   about the same for all five (between 0.0005 and 0.005, within a factor of 5 of each other), while
#   the learning rates themselves span a factor of more than 100.
#
# In other words, the network starts to learn once its weights move by one to a few thousandths per
# step, whichever optimizer moves them; the optimizers only differ in how much learning rate it takes to get
# there. That is why a range test must be run again whenever the optimizer changes: Adam's default
# lr, 1e-3, is within a factor of 10 of where Adam starts to learn here, but plain SGD only starts to
# learn at a learning rate more than a hundred times larger than 1e-3.

# %%
by_gain = sorted(optimizers, key=gain.get, reverse=True)
by_fall = sorted(optimizers, key=fall.get)
print("largest step per lr first:", by_gain)
assert by_gain == by_fall
products = [gain[name] * fall[name] for name in optimizers]
assert all(5e-4 < p < 5e-3 for p in products) and max(products) / min(products) < 5
assert max(fall.values()) / min(fall.values()) > 100
assert np.isclose(gain1["Adam"], 1, rtol=1e-3) and np.isclose(gain1["Adagrad"], 1, rtol=1e-3)
assert np.isclose(gain1["RMSProp"], 10, rtol=1e-3) and gain1["SGD"] == gain1["SGD, momentum 0.9"] < 0.01
assert gain["SGD"] < 0.01  # SGD: a step is hundreds of times smaller than lr
assert 3 < gain["SGD, momentum 0.9"] / gain["SGD"] < 10  # momentum's gain: less than 10
assert 0.3 < gain["Adam"] < 0.7 and 0.5 < gain["RMSProp"] < 2 and 0.05 < gain["Adagrad"] < 0.2
assert 1e-3 / fall["Adam"] > 0.1 and fall["SGD"] / 1e-3 > 100

# %% [markdown]
# **Figure: the five range tests.** Left: the smoothed loss against the learning rate, one curve per
# optimizer, each dot the `sma_derivative` suggestion. The curves have the same shape — plateau, fall,
# blow-up — shifted along the learning-rate axis. Right: the step per unit of lr at step 60 from the
# table above, on a log axis; the longer the bar, the further left the curve.

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5), layout="constrained", width_ratios=(3, 2))
plot_range_tests(results, ax=left)
colors = {line.get_label(): line.get_color() for line in left.get_lines()}
right.barh(list(gain), list(gain.values()), color=[colors[name] for name in gain])
right.set_xscale("log")
right.invert_yaxis()  # the first optimizer on top, in the legend's order
right.set_xlabel(f"median step of a weight ÷ lr, at step {steps} (log scale)")
right.set_title(f"How far one step moves a weight, per unit of lr\n(constant lr = {lr:g}, same batches)")
right.grid(True, axis="x", which="major", alpha=0.3)
save_figure(fig, FIGURES / "fig_optimizers.png")

# %% [markdown]
# ## Exercises
#
# Worked solutions: `tutorials/solutions/03_optimizers.py`.
#
# 1. Plain SGD starts to learn at a learning rate about a hundred times Adam's. How many times further
#    than SGD does Adam move a weight per unit of lr (at step 60)? Are the two factors consistent?
#    *Look at the columns "step / lr at step 60" and "falls at" of the table, and at the bars of the
#    figure's right panel.*
# 2. Adagrad moves a weight by lr at step 1 but only by about a tenth of lr at step 60. What does its
#    update predict for step t if every gradient had the same size, and how close is the table to that?
#    *Look at Adagrad's formula above and at its row of the table.*
# 3. *Coding.* Predict where the range test of SGD without momentum blows up on a problem whose
#    curvature you know: least squares on 256 points with 4 features of different scales, full batch,
#    `mg.MLP([4, 1], dtype=np.float64)` and `mg.mse`. Its Hessian is H = 2/N · X̃ᵀX̃ (X̃: X with a
#    column of ones). First the rule of thumb: gradient descent diverges once lr > 2/λ_max. Then predict
#    the whole curve: in the eigenbasis of H, step i multiplies the j-th coordinate of θ − θ* by
#    (1 − lr_i·λ_j), so every loss of the range test, and the step where it stops, can be computed
#    without training. Run `mg.lr_range_test` and compare. Why does it stop so far beyond 2/λ_max?
# 4. *Coding.* With momentum μ (PyTorch's form: b ← μ·b + g, θ ← θ − lr·b) gradient descent on a
#    quadratic converges for lr < 2(1 + μ)/λ_max. Check it on the same problem with constant learning
#    rates just below and just above the limit, for μ = 0 and μ = 0.9. Momentum makes the steps in the
#    flat directions up to 1/(1 − μ) = 10 times longer: by how much does it raise the limit?
