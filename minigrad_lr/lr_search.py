"""find_lr: suggest, then verify: a learning rate for a given training budget, checked by short training runs.

Each rule of ``suggest`` reads one curve, and each of them is off by a factor of ten or more with some
optimizer (``python -m minigrad_lr.bench quality`` measures it). ``find_lr`` checks its candidates by
training instead:

1. **Hold out** 20% of the training data (at most ``MAX_HELD_OUT`` = 2,000 samples, seeded): every score
   below is a loss on data no run trains on.
2. **Range test** on the rest, 1e-7 → 10 with 8 steps per decade (65 steps, fewer when the loss runs
   away; raw-loss stop rule), recording the held-out loss after every step. Its **anchor**
   (``anchor_lr``) is the lr at the minimum of the smoothed loss, the top of the useful range; if the
   smoothed loss never fell 10%, a little below where the test stopped.
   **Where it stands.** If the held-out loss has not fallen 10% by then (``held_out_agrees``), the
   model is already trained: its batch losses are noise around a small mean, one unlucky batch trips
   the raw stop rule near lr 1e-6, and one lucky one fakes a fall. The range test is then run again
   with the stop rule reading the held-out loss (``stop_on="val"``), and the anchor is a little below
   where that loss blew up. No flag: on the first branch (an untrained model) the answer is the same
   as without this check, bit for bit.
3. **Eight candidates** (``CANDIDATES``), evenly spaced in log lr from anchor/100 to anchor × 10^0.45,
   0.35 decade apart: the best lr for a whole training budget lies below the top of the range test's
   useful range, rarely above it.
4. **Successive halving** (``PLAN``; Jamieson & Talwalkar 2016, Hyperband). Every run starts from the
   same weights and optimizer state and reads the same batches, so that only the lr differs. Train all
   eight to 1/8 of the budget, keep the best 4; train those on to 3/8, keep 3; train those on to 3/4.
   Most steps go to the few candidates that matter, trained long enough to be ranked as full runs
   would be: a ranking after 1/8 of the budget alone favours lrs that are too high.
5. **Scores averaged over time.** A candidate's score in a round is its held-out loss averaged over
   ``READINGS`` = 8 readings spread over the second half of the round. At a high lr the loss jumps
   from step to step; a single reading at the end rewards whichever candidate sits on a low jump.
6. **Ties.** The finalists whose score is within ``TIE`` = 10% of the best cannot be told apart:
   ``find_lr`` returns the geometric mean of their lrs, the middle of the flat bottom of the curve,
   instead of letting noise choose.

``python -m minigrad_lr.bench quality`` measures its regret, spread and cost (about 14% of the training
steps of a 25-point sweep) on four tasks × four optimizers; the README shows the tables.

Where it still fails: the held-out fifth is taken from the data it is given. On a model trained on that
data, those samples are already fitted, so the runs are scored on a training loss: where the validation
loss would improve while the training loss gets worse (a fresh Adagrad late in training) the answer is
too small. ``python -m minigrad_lr.bench quality --rerun`` measures the re-run answer from checkpoints.

References
----------
K. Jamieson, A. Talwalkar, "Non-stochastic Best Arm Identification and Hyperparameter Optimization", AISTATS 2016.
L. Li et al., "Hyperband: A Novel Bandit-Based Approach to Hyperparameter Optimization", JMLR 18 (2018).
L. N. Smith, "Cyclical Learning Rates for Training Neural Networks", WACV 2017, §3.3 (the range test).
"""

import math
from dataclasses import dataclass, field

import numpy as np

from ._checks import check_callable, check_data, check_model_and_optimizer, check_positive_int
from .data import batches, train_val_split
from .finder import lr_range_test, restore_state, snapshot_state
from .losses import softmax_cross_entropy
from .rules import Suggestion
from .train import fit

MAX_HELD_OUT = 2000
CANDIDATES = np.logspace(-2, 0.45, 8)  # × the anchor
PLAN = ((1 / 8, 4), (3 / 8, 3), (3 / 4, 1))  # (train to this fraction of the budget, then keep this many)
READINGS = 8  # held-out losses averaged per candidate and round
TIE = 0.1  # finalists scoring within 10% of the best are tied


@dataclass
class LRSearch:
    """Everything ``lr_search`` did, for plots and for teaching.

    Attributes
    ----------
    suggestion : Suggestion
        ``lr`` the answer; ``index`` the best finalist's position in ``candidates``; ``loss`` its score.
    range_test : RangeTestResult
        The test the anchor was read from: the second one (``stop_on="val"``) on a trained model.
    anchor : float
        The lr at the smoothed loss's minimum (or the fallback below a blow-up, see ``anchor_lr``).
    candidates : ndarray, shape (8,)
    rounds : list of (steps, ndarray of candidate indices, ndarray of scores)
        For each round: how many steps every surviving run had taken by its end, which candidates
        ran in it, and their scores (time-averaged held-out loss; +inf for a run whose loss was not finite).
    steps : int
        Training steps spent in all: the range test(s) plus every run of every round.
    budget : int
        The full training budget, ``epochs × (len(X) // batch_size)`` steps.
    """

    suggestion: Suggestion
    range_test: object
    anchor: float
    candidates: np.ndarray
    rounds: list = field(default_factory=list)
    steps: int = 0
    budget: int = 0


def find_lr(model, optimizer, X, y, *, epochs=5, batch_size=64, seed=0, loss=softmax_cross_entropy):
    """A learning rate for training ``model`` with ``optimizer`` on ``(X, y)`` for ``epochs`` epochs.

    Suggest, then verify: a range test proposes eight candidates, and short training runs from the
    model's current weights, scored on held-out data, pick among them (see the module docstring).
    The model and the optimizer are left exactly as they were (parameters, gradients, every buffer
    and the lr, bit for bit), also when it stops with an exception.

    Parameters
    ----------
    model : MLP
    optimizer : Optimizer
        Its hyper-parameters other than lr (momentum, betas, ...) are used as they are.
    X : array_like, shape (N, D)
    y : array_like, shape (N,)
    epochs : int >= 1, default 5
        The training budget the lr is for: the best lr depends on it (shorter budgets favour larger lrs).
    batch_size : int >= 1, default 64
    seed : int >= 0, default 0
        Seeds the held-out split and the order of the batches; same seed, same answer.
    loss : callable, default softmax_cross_entropy

    Returns
    -------
    Suggestion
        ``method="find_lr"``; ``index`` is the position of the best finalist among the 8 candidates,
        ``loss`` its time-averaged held-out loss. ``lr_search`` returns the whole record.

    Raises
    ------
    TypeError, ValueError
        Bad arguments, with the argument named; a budget under 8 steps (too short to compare runs).
    """
    return lr_search(model, optimizer, X, y, epochs=epochs, batch_size=batch_size, seed=seed, loss=loss).suggestion


def lr_search(model, optimizer, X, y, *, epochs=5, batch_size=64, seed=0, loss=softmax_cross_entropy):
    """``find_lr`` with its whole record: the range test, the anchor, the candidates and every round.

    Same parameters as ``find_lr``; returns an ``LRSearch``.
    """
    check_model_and_optimizer(model, optimizer)
    X, y = check_data(X, y)
    epochs = check_positive_int("epochs", epochs)
    batch_size = check_positive_int("batch_size", batch_size)
    seed = check_positive_int("seed", seed, minimum=0)
    check_callable("loss", loss)
    X_fit, y_fit, X_held, y_held = train_val_split(X, y, fraction=0.2, seed=seed, max_val=MAX_HELD_OUT)
    if batch_size > len(X_fit):
        raise ValueError(f"batch_size must be <= {len(X_fit)}, the samples find_lr trains on "
                         f"(80% of len(X) = {len(X)}), got {batch_size}")
    budget = epochs * (len(X) // batch_size)
    if budget < 8:
        raise ValueError(f"the budget epochs × (len(X) // batch_size) = {budget} steps is too short to compare "
                         "training runs; find_lr needs at least 8")

    start = snapshot_state(model, optimizer)
    try:
        held_out = [(X_held, y_held)]
        range_test = lr_range_test(model, optimizer, batches(X_fit, y_fit, batch_size, seed=seed), loss=loss,
                                   start_lr=1e-7, end_lr=10.0, num_iter=65, val_batches=held_out)
        steps = len(range_test)
        if not held_out_agrees(range_test):  # a trained model: stop on the held-out loss, not on noisy batches
            range_test = lr_range_test(model, optimizer, batches(X_fit, y_fit, batch_size, seed=seed), loss=loss,
                                       start_lr=1e-7, end_lr=10.0, num_iter=65, stop_on="val", val_batches=held_out)
            steps += len(range_test)
        anchor = anchor_lr(range_test)
        search = LRSearch(None, range_test, anchor, anchor * CANDIDATES, steps=steps, budget=budget)
        runs = [_Run(start, batches(X_fit, y_fit, batch_size, seed=seed)) for _ in search.candidates]
        alive, done = np.arange(len(runs)), 0
        for fraction, keep in PLAN:
            target = max(done + 1, round(fraction * budget))
            for j in alive:
                if done == 0 or math.isfinite(runs[j].score):  # a run that diverged stays out
                    search.steps += runs[j].train(model, optimizer, search.candidates[j], target - done, loss,
                                                  X_held, y_held)
            scores = np.array([runs[j].score for j in alive])
            search.rounds.append((target, alive, scores))
            alive = np.sort(alive[np.argsort(scores, kind="stable")[:keep]])
            done = target
        search.suggestion = _pick(search)
        return search
    finally:
        restore_state(model, optimizer, start)


def smoothed_minimum(result, min_drop=0.1):
    """The index of the smoothed loss's minimum, or None if it lies less than ``min_drop`` below the first value."""
    smoothed = np.where(np.isfinite(result.smoothed), result.smoothed, np.inf)
    i = int(np.argmin(smoothed))
    return None if smoothed[i] > (1 - min_drop) * smoothed[0] else i


def anchor_lr(result, min_drop=0.1):
    """The top of the useful range of a range test: the lr at the smoothed loss's minimum.

    If the smoothed loss never falls ``min_drop`` (10%) below its first value, its minimum says
    nothing: the curve is flat (a trained model) or falls and blows up within a few steps, faster than
    the moving average can follow (RMSProp at 8 steps per decade). The anchor is then
    ``result.lrs[-1] / 3``, a little below where the test stopped (or ended). So it is for a test
    that stopped on the held-out loss (``stop_on="val"``, a trained model): a little below where the
    held-out loss blew up.
    """
    i = smoothed_minimum(result, min_drop)
    return float(result.lrs[-1]) / 3 if i is None or result.stop_on == "val" else float(result.lrs[i])


def held_out_agrees(result, min_drop=0.1):
    """Whether the held-out loss confirms the fall ``anchor_lr`` reads: ``min_drop`` below its first value by then.

    By the smoothed loss's minimum (which lags the raw loss by a few steps), or anywhere when the
    smoothed loss did not fall. On an untrained model both losses fall from the start together. On a
    trained one the batch losses are noise around a small mean: one high first batch makes their
    average "fall" 10% within a few steps, while the held-out loss, a mean over a fixed set after each
    step, stays put.
    """
    val = np.where(np.isfinite(result.val_losses), result.val_losses, np.inf)
    i = smoothed_minimum(result, min_drop)
    return bool(val[: len(val) if i is None else i + 1].min() <= (1 - min_drop) * val[0])


class _Run:
    """One candidate's training run, continued round after round: its saved state and its batches."""

    def __init__(self, state, batch_iter):
        self.state, self.batch_iter, self.score = state, batch_iter, math.inf

    def train(self, model, optimizer, lr, steps, loss, X_held, y_held):
        """Train ``steps`` more steps at ``lr``; score = mean held-out loss at READINGS moments of the second half."""
        restore_state(model, optimizer, self.state)
        optimizer.lr = float(lr)
        readings, at, taken = [], 0, 0
        for reading_at in sorted({steps - i * steps // (2 * READINGS) for i in range(READINGS)}):
            if reading_at > at:
                history = fit(model, optimizer, self.batch_iter, reading_at - at, loss=loss)
                taken += len(history.losses)
                at = reading_at
                if history.stop_reason != "completed":
                    readings.append(math.inf)
                    break
            value = float(loss(model(X_held), y_held)[0])
            readings.append(value if math.isfinite(value) else math.inf)
        self.score = float(np.mean(readings))  # +inf when any reading is
        self.state = snapshot_state(model, optimizer)
        return taken


def _pick(search):
    """The geometric mean of the finalists' lrs whose score is within TIE of the best score."""
    _, finalists, scores = search.rounds[-1]
    k = int(np.argmin(scores))
    tied = finalists[scores <= (1 + TIE) * scores[k]]
    lr = float(10 ** np.mean(np.log10(search.candidates[tied])))
    return Suggestion(lr, int(finalists[k]), "find_lr", float(scores[k]))
