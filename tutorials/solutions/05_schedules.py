# %% [markdown]
# # Solutions to the exercises of tutorial 5: from the range test to a schedule
#
# Each section answers one exercise in prose, then checks every number and claim of the answer with an
# `assert`. Run it as a script (`python tutorials/solutions/05_schedules.py`); it writes no files.
#
# The tutorial's setup first: 80% of the digits for training (a fixed permutation), 20% for
# validation, mini-batches of 64, 22 steps per epoch, 8 epochs; the range test of SGD with momentum 0.9
# from the weights of seed 0, on the training split.

# %%
import math
from functools import partial

import numpy as np

import minigrad_lr as mg

SEEDS = (0, 1, 2, 3, 4)
EPOCHS, BATCH = 8, 64
X, y = mg.load_digits()
order = np.random.default_rng(0).permutation(len(X))
train_rows, val_rows = order[: int(0.8 * len(X))], order[int(0.8 * len(X)):]
X_train, y_train, X_val, y_val = X[train_rows], y[train_rows], X[val_rows], y[val_rows]
EPOCH = len(X_train) // BATCH
STEPS = EPOCHS * EPOCH

model = mg.MLP([64, 64, 10], seed=0)
result = mg.lr_range_test(model, mg.SGD(model.parameters(), lr=0.1, momentum=0.9),
                          mg.batches(X_train, y_train, BATCH, seed=0))
max_lr = result.suggest().lr  # the sma_derivative suggestion: 1cycle's peak
print(f"{EPOCH} steps per epoch, {STEPS} in all; max_lr = {max_lr:.3f}")
assert (EPOCH, STEPS) == (22, 176) and 0.42 < max_lr < 0.43

# %% [markdown]
# ## Exercise 1
#
# 1cycle starts at initial_lr = max_lr / div_factor = 0.423/25 and ends at min_lr = initial_lr /
# final_div_factor = 0.423 / (25 · 10⁴) = 1.69·10⁻⁶, the 1.7e-06 of the title. The warm-up ends at
# torch's fractional step pct_start·T − 1 = 0.3 · 176 − 1 = 51.8, so the largest lr of an integer step
# is at step 52 (just after the top, on the way down), at epoch 52/22 ≈ 2.4.

# %%
min_lr = max_lr / 25 / 1e4
lrs = np.array([mg.one_cycle(step, STEPS, max_lr) for step in range(STEPS)])
peak = 0.3 * STEPS - 1
print(f"1cycle ends at {lrs[-1]:.3g} (max_lr / 25 / 1e4 = {min_lr:.3g}); peak at step {np.argmax(lrs)}, "
      f"epoch {np.argmax(lrs) / EPOCH:.2f}")
assert np.isclose(lrs[-1], min_lr) and f"{min_lr:.1e}" == "1.7e-06"
assert np.isclose(peak, 51.8) and np.argmax(lrs) == 52 and round(52 / EPOCH, 1) == 2.4

# %% [markdown]
# ## Exercise 2
#
# Cosine annealing gives lr(t) = lr · (1 + cos(π·t/T))/2. It is above lr/10 while cos(π·t/T) > −0.8,
# that is for t/T < arccos(−0.8)/π ≈ 0.795, and above lr/100 while cos(π·t/T) > −0.98, for
# t/T < arccos(−0.98)/π ≈ 0.936: the cosine spends four fifths of the run within a factor of 10 of
# its start and the last 6% below a hundredth of it. On a log axis those last few steps take up most of
# the height of the panel, which is why the curve seems to plunge.

# %%
cosine = np.array([mg.cosine_annealing(step, max_lr, STEPS) for step in range(STEPS)])
for divisor, cos_value in ((10, -0.8), (100, -0.98)):
    predicted = math.acos(cos_value) / math.pi
    assert np.isclose((1 + cos_value) / 2, 1 / divisor)
    measured = np.mean(cosine > max_lr / divisor)
    print(f"above lr/{divisor}: predicted {predicted:.3f} of the run, measured {measured:.3f} of its {STEPS} steps")
    assert abs(measured - predicted) < 1 / STEPS
assert round(math.acos(-0.8) / math.pi, 3) == 0.795 and round(math.acos(-0.98) / math.pi, 3) == 0.936

# %% [markdown]
# ## Exercise 3
#
# Two phases, each half a cosine. The warm-up runs from initial_lr = max_lr/25 to max_lr over steps
# 0 … 51.8 (pct = step/51.8), the descent from max_lr to initial_lr/10⁴ over steps 51.8 … 175; inside a
# phase, lr = end + (start − end)·(1 + cos(π·pct))/2. The momentum takes the same phases from 0.95 down
# to 0.85 and back. Our schedule agrees with `mg.one_cycle` and `mg.one_cycle_momentum` at every step
# to rounding (1e-12), and training with it from the five seeds gives the table's 1cycle row,
# 0.052 ± 0.008, and the same losses as training with the library's schedule to within 1e-6.


# %%
def half_cosine(start, end, pct):
    """From `start` (pct = 0) to `end` (pct = 1) along half a cosine."""
    return end + (start - end) * (1 + math.cos(math.pi * pct)) / 2


def my_one_cycle(step, total_steps, max_lr, pct_start=0.3, div_factor=25.0, final_div_factor=1e4):
    """1cycle by hand: half a cosine up from max_lr/div_factor, then down to 1/final_div_factor of that start."""
    initial_lr = max_lr / div_factor
    top = pct_start * total_steps - 1  # the fractional step where the warm-up ends (torch's convention)
    if step <= top:
        return half_cosine(initial_lr, max_lr, step / top)
    return half_cosine(max_lr, initial_lr / final_div_factor, (step - top) / (total_steps - 1 - top))


def my_one_cycle_momentum(step, total_steps, pct_start=0.3, low=0.85, high=0.95):
    """1cycle's momentum by hand: the mirror image, from `high` down to `low` at the lr's peak and back."""
    top = pct_start * total_steps - 1
    if step <= top:
        return half_cosine(high, low, step / top)
    return half_cosine(low, high, (step - top) / (total_steps - 1 - top))


ours = np.array([my_one_cycle(step, STEPS, max_lr) for step in range(STEPS)])
our_momentum = np.array([my_one_cycle_momentum(step, STEPS) for step in range(STEPS)])
theirs_momentum = np.array([mg.one_cycle_momentum(step, STEPS) for step in range(STEPS)])
assert np.allclose(ours, lrs, rtol=1e-12, atol=0) and np.allclose(our_momentum, theirs_momentum, rtol=1e-12, atol=0)
assert ours[0] == max_lr / 25 and np.isclose(ours[-1], min_lr, rtol=1e-12)


def final_val_losses(schedule, momentum_schedule):
    """The final validation loss of a fresh MLP trained for STEPS steps from each seed, SGD (momentum 0.9)."""
    losses = []
    for seed in SEEDS:
        model = mg.MLP([64, 64, 10], seed=seed)
        optimizer = mg.SGD(model.parameters(), momentum=0.9)
        history = mg.fit(model, optimizer, mg.batches(X_train, y_train, BATCH, seed=seed), STEPS,
                         schedule=schedule, momentum_schedule=momentum_schedule, val=(X_val, y_val))
        losses.append(history.final_val_loss)
    return np.array(losses)


by_hand = final_val_losses(partial(my_one_cycle, total_steps=STEPS, max_lr=max_lr),
                           partial(my_one_cycle_momentum, total_steps=STEPS))
library = final_val_losses(partial(mg.one_cycle, total_steps=STEPS, max_lr=max_lr),
                           partial(mg.one_cycle_momentum, total_steps=STEPS))
print(f"1cycle by hand: val loss {by_hand.mean():.3f} ± {by_hand.std(ddof=1):.3f}; "
      f"with mg.one_cycle: {library.mean():.3f} ± {library.std(ddof=1):.3f}")
assert f"{by_hand.mean():.3f} ± {by_hand.std(ddof=1):.3f}" == "0.052 ± 0.008"  # the table's row
assert np.allclose(by_hand, library, rtol=1e-6, atol=0)

# %% [markdown]
# ## Exercise 4
#
# Neither part matters here. Without the warm-up (div_factor = 1: the lr stays at max_lr for the first
# 30% of the run, then follows the cosine down) the mean final loss moves by less than 0.001; with a
# constant momentum of 0.9 it moves by 0.004. Both changes are smaller than one standard error of the
# difference of two 5-seed means (about 0.006–0.007 here): seed noise. Moving max_lr is a different
# matter: the peak 2.5 times too high or 10 times too low ends more than 0.1 higher: three standard
# errors for the peak too high, whose seeds scatter widely (one of them ends at 0.31), and forty for the
# one too low. On this problem 1cycle works because it anneals from the right peak; its warm-up and its
# momentum cycle are details.


# %%
def standard_error(a, b):
    """Standard error of the difference of the means of two independent samples."""
    return math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))


no_warm_up = final_val_losses(partial(mg.one_cycle, total_steps=STEPS, max_lr=max_lr, div_factor=1.0),
                              partial(mg.one_cycle_momentum, total_steps=STEPS))
no_momentum_cycle = final_val_losses(partial(mg.one_cycle, total_steps=STEPS, max_lr=max_lr), None)
lowest_lr = result.lrs[np.argmin(result.smoothed)]  # the tutorial's two other readings of the range test
too_high = final_val_losses(partial(mg.one_cycle, total_steps=STEPS, max_lr=lowest_lr),
                            partial(mg.one_cycle_momentum, total_steps=STEPS))
too_low = final_val_losses(partial(mg.one_cycle, total_steps=STEPS, max_lr=result.suggest("minimum").lr),
                           partial(mg.one_cycle_momentum, total_steps=STEPS))
for name, losses in (("no warm-up", no_warm_up), ("no momentum cycle", no_momentum_cycle),
                     ("max_lr 2.5 × too high", too_high), ("max_lr 10 × too low", too_low)):
    difference = losses.mean() - library.mean()
    print(f"{name:<22} {losses.mean():.3f} ± {losses.std(ddof=1):.3f}: {difference:+.4f} against 1cycle, "
          f"{difference / standard_error(losses, library):+.1f} standard errors")
flat_start = [mg.one_cycle(step, STEPS, max_lr, div_factor=1.0) for step in range(52)]
assert np.allclose(flat_start, max_lr, rtol=1e-12)  # div_factor = 1: max_lr for the first 30% of the run
for losses in (no_warm_up, no_momentum_cycle):
    assert abs(losses.mean() - library.mean()) < standard_error(losses, library)
    assert 0.005 < standard_error(losses, library) < 0.008
assert abs(no_warm_up.mean() - library.mean()) < 0.001 and abs(no_momentum_cycle.mean() - library.mean()) < 0.005
for losses in (too_high, too_low):
    assert losses.mean() - library.mean() > 0.1
assert (too_high.mean() - library.mean()) / standard_error(too_high, library) > 3 and too_high.max() > 0.3
assert (too_low.mean() - library.mean()) / standard_error(too_low, library) > 40
