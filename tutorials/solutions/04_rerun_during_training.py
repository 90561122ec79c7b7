# %% [markdown]
# # Tutorial 4, worked solutions
#
# The setup of the tutorial, for one seed: the MLP 64-64-10, SGD with momentum 0.9 at lr 0.02 for 8
# epochs with a range test before each epoch, then 8 more epochs at 0.1 (the "trained model").

# %%
import numpy as np

import minigrad_lr as mg
from minigrad_lr.lr_search import CANDIDATES, lr_search

X, y = mg.load_digits()
order = np.random.default_rng(0).permutation(len(X))
train, held_out = order[: int(0.8 * len(X))], order[int(0.8 * len(X)):]
X_train, y_train, X_val, y_val = X[train], y[train], X[held_out], y[held_out]
steps_per_epoch = len(X_train) // 64
seed = 0
model = mg.MLP([64, 64, 10], seed=seed)
optimizer = mg.SGD(model.parameters(), lr=0.02, momentum=0.9)
history = mg.fit(model, optimizer, mg.batches(X_train, y_train, 64, seed=seed), 8 * steps_per_epoch,
                 val=(X_val, y_val), eval_every=steps_per_epoch, rerun_finder_every=steps_per_epoch,
                 finder_batches=mg.batches(X_train, y_train, 64, seed=100 + seed))

# %% [markdown]
# ## Exercise 1
#
# They do not move together. The blow-up lr stays within a factor of a few of 1 while the suggestion
# falls by more than ten times, so the ratio blow-up / suggestion grows as training goes on: the
# suggestion is not a fixed fraction of where the loss explodes.

# %%
blow_up = np.array([r.lrs[-1] for r in history.finder_results])
suggestion = np.array([np.nan if s is None else s.lr for s in history.suggestions])
ratio = blow_up / suggestion
print("epoch, blow-up lr, suggestion, ratio:")
for epoch, (b, s, r) in enumerate(zip(blow_up, suggestion, ratio)):
    print(f"{epoch:>5} {b:10.3g} {s:10.3g} {r:8.3g}")
late = ratio[6:][np.isfinite(ratio[6:])]
assert late.size and late.max() > 3 * ratio[0]
assert blow_up[0] / blow_up[1:].min() < 10  # the blow-up point moves by well under ten times

# %% [markdown]
# ## Exercise 2
#
# On the flat start of the trained model's curve the batch losses spread widely around their mean:
# their standard deviation is about half their mean. The chance that a batch is above 4 × the lowest of
# the batches seen so far is then a few per cent per batch, so the raw rule is expected to trip within
# a few dozen steps, long before the lr matters, as it did.

# %%
optimizer.lr = 0.1
mg.fit(model, optimizer, mg.batches(X_train, y_train, 64, seed=50 + seed), 8 * steps_per_epoch)
smoothed = mg.lr_range_test(model, optimizer, mg.batches(X_train, y_train, 64, seed=200 + seed), stop_on="smoothed")
raw = mg.lr_range_test(model, optimizer, mg.batches(X_train, y_train, 64, seed=200 + seed), stop_on="raw")
first = smoothed.losses[:20]
trips = np.mean(first > 4 * np.minimum.accumulate(first))
print(f"first 20 batch losses: mean {first.mean():.3f}, std {first.std():.3f}; "
      f"{trips:.0%} of them above 4 × the lowest so far; the raw test stopped after {len(raw)} steps")
assert first.std() / first.mean() > 0.3 and trips > 0.02 and len(raw) < 50

# %% [markdown]
# ## Exercise 3
#
# Yes, at exactly the same step. Both tests start from the same (restored) state and read the same
# batches (the same seed), so their raw losses agree step for step until the raw test stops; the stop
# rule reads only those losses. It need not in general: with other batches the first unlucky one comes
# at another step.

# %%
n, reason = mg.apply_stop_rule(smoothed.losses, stop_on="raw")
print(f"apply_stop_rule on the smoothed test's losses: {n} steps, {reason}; the raw test: {len(raw)}, "
      f"{raw.stop_reason}")
assert (n, reason) == (len(raw), raw.stop_reason)
np.testing.assert_array_equal(smoothed.losses[:n], raw.losses)

# %% [markdown]
# ## Exercise 4
#
# On the held-out loss the test runs on until the steps themselves do harm, near lr 1, and `find_lr`'s
# anchor lies below that point (its candidates are placed below it).

# %%
val_batches = [(X_val[i:i + 120], y_val[i:i + 120]) for i in range(0, 360, 120)]
on_val = mg.lr_range_test(model, optimizer, mg.batches(X_train, y_train, 64, seed=300), stop_on="val",
                          val_batches=val_batches)
search = lr_search(model, optimizer, X_train, y_train, epochs=2)
print(f"stop_on='val' stopped at lr {on_val.lrs[-1]:.3g} ({on_val.stop_reason}); find_lr's anchor "
      f"{search.anchor:.3g}, its answer {search.suggestion.lr:.3g}")
assert on_val.lrs[-1] > 0.1 and search.anchor < on_val.lrs[-1]

# %% [markdown]
# ## Exercise 5
#
# `find_lr` chooses among eight candidates, `CANDIDATES` × its anchor, 0.35 decade apart, and returns
# the best finalist (or the geometric mean of tied finalists). Its answers therefore come from a coarse,
# discrete set around an anchor that barely moves from epoch to epoch: they jump between neighbouring
# candidates instead of falling smoothly.

# %%
steps = np.log10(CANDIDATES[1:] / CANDIDATES[:-1])
print("candidate spacing (decades):", np.round(steps, 3))
assert np.allclose(steps, 0.35)
answers = []
model = mg.MLP([64, 64, 10], seed=1)
opt = mg.SGD(model.parameters(), lr=0.1, momentum=0.9)
rerun = mg.fit(model, opt, mg.batches(X_train, y_train, 64, seed=1), 6 * steps_per_epoch,
               rerun_finder_every=steps_per_epoch, finder_data=(X_train, y_train), follow_finder=True,
               finder_options={"seed": 1})
answers = np.array([s.lr for s in rerun.suggestions])
print("re-run answers, seed 1:", " ".join(f"{a:.2g}" for a in answers))
ratios = np.abs(np.log10(answers[1:] / answers[:-1]))
assert np.all((ratios < 0.05) | (ratios > 0.1))  # each answer repeats the last one or jumps by a step
