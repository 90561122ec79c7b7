"""The learning-rate range test ("LR finder").

The idea (Smith 2015/2017, §3.3; the fast.ai course; Surmenok's article): train for a short while and
raise the learning rate after every mini-batch, from a value far too small to learn anything to one
far too large, and watch the loss. At first the lr is too small and the loss barely moves; then it
falls faster and faster; then the steps overshoot and the loss climbs and explodes. A good lr lies
where the loss falls fastest, on the way down, well before the minimum of the curve.

One run of ``lr_range_test``:

1. the learning rates are fixed in advance, ``lr_i = start · (end/start) ** (i/(n−1))`` for
   i = 0 … n−1 (``schedules.range_lrs``): the lr is multiplied by the same factor after every batch;
2. step i sets the optimizer's lr to ``lr_i``, takes the next batch, computes the loss *before* the
   update, then backward and one optimizer step; it records ``lr_i`` and that raw loss;
3. the raw losses are noisy, so a debiased exponential moving average is kept beside them
   (fastai; ``smoothing.RunningEMA``): ``a_i = β a_{i−1} + (1−β) loss_i``, ``smoothed_i = a_i / (1 − β^(i+1))``;
4. the test stops early when the loss runs away — the article's rule "stop when current loss >
   best loss × 4" — or at once when the loss is not finite;
5. finally the model and the optimizer are put back exactly as they were, so that the test can be
   run at any time, even in the middle of training, without changing anything.

The result is a ``RangeTestResult``; what to read from its curve is the job of ``suggest``.

References
----------
L. N. Smith, "Cyclical Learning Rates for Training Neural Networks", arXiv:1506.01186 (2015), WACV 2017, §3.3.
J. Howard, S. Gugger, fast.ai course and library, ``Learner.lr_find``.
P. Surmenok, "Estimating an Optimal Learning Rate For a Deep Neural Network" (2017), and keras_lr_finder.
D. Perez, pytorch-lr-finder (``LRFinder.range_test``).
"""

import math
import warnings
from collections.abc import Iterator

import numpy as np

from ._checks import (
    check_batch,
    check_callable,
    check_choice,
    check_curve,
    check_flag,
    check_fraction,
    check_iterable,
    check_loss_output,
    check_model_and_optimizer,
    check_number,
    check_positive_int,
    check_stop_factor,
    check_val_batches,
)
from .losses import accuracy, softmax_cross_entropy
from .progress import progress_bar
from .result import RangeTestResult
from .schedules import range_lrs
from .smoothing import RunningEMA

STOP_ON = ("raw", "smoothed", "val")


class StopRule:
    """The article's stop rule, fed one loss at a time.

    After step i: stop with reason ``"non_finite"`` if the raw loss is NaN or ±inf; stop with reason
    ``"diverged"`` if ``watched_i > stop_factor · min(watched_0 … watched_i)``, where ``watched`` is
    the raw loss (``stop_on="raw"``, as the article and keras_lr_finder do), its debiased moving
    average (``stop_on="smoothed"``, as fastai does) or the mean loss on fixed held-out batches
    after the step (``stop_on="val"``, this package). ``stop_factor=None`` turns the second rule off.
    Losses must be >= 0 for "× best" to mean "worse".

    ``"val"`` is for a model that is already trained: its batch losses are small and noisy, and one
    unlucky batch is 4 × the best of them long before the lr does any harm, while the loss on the same
    held-out batches at every step carries no batch noise and rises only when the steps do. The
    smoothed average is no cure there: it lags by dozens of steps and can still trip on noise.

    Parameters
    ----------
    stop_factor : float > 1 or None, default 4.0
    stop_on : {"raw", "smoothed", "val"}, default "raw"
    smooth : float in [0, 1), default 0.98
        β of the moving average read by ``stop_on="smoothed"``.
    """

    def __init__(self, stop_factor=4.0, stop_on="raw", smooth=0.98):
        self.stop_factor = check_stop_factor("stop_factor", stop_factor)
        self.stop_on = check_choice("stop_on", stop_on, STOP_ON)
        self.average = RunningEMA(check_fraction("smooth", smooth))
        self.best = math.inf

    def update(self, loss, val_loss=None):
        """Feed the raw loss of one step (and the held-out loss after it, for ``"val"``); return the smoothed
        loss and the stop reason (or None).

        A negative loss is a ValueError: "loss > 4 × best" would then stop a test whose loss keeps
        falling (fastai #962).
        """
        loss = check_number("loss", loss)
        smoothed = self.average.update(loss)
        if not math.isfinite(loss):
            return smoothed, "non_finite"
        if loss < 0:
            raise ValueError(f"the loss must be >= 0 for the stop rule (loss > stop_factor × best), got {loss!r}; "
                             "shift the loss by a constant (the rules read only its changes)")
        watched = {"raw": loss, "smoothed": smoothed, "val": val_loss}[self.stop_on]
        if not math.isfinite(watched):
            return smoothed, "non_finite"
        self.best = min(self.best, watched)
        if self.stop_factor is not None and watched > self.stop_factor * self.best:
            return smoothed, "diverged"
        return smoothed, None


def apply_stop_rule(losses, *, stop_factor=4.0, stop_on="raw", smooth=0.98, val_losses=None):
    """Run the stop rule over a whole sequence of losses, as the range test would.

    Returns ``(n_recorded, reason)``: the test records ``losses[:n_recorded]`` and ends with
    ``reason`` ("non_finite", "diverged" or "completed"). A pure function, for tests and teaching.
    ``losses`` is a 1-D array_like of numbers (or an iterator of them); ``stop_on="val"`` reads
    ``val_losses`` (one per loss).
    """
    rule = StopRule(stop_factor, stop_on, smooth)
    if (stop_on == "val") != (val_losses is not None):
        raise ValueError('val_losses are needed with stop_on="val", and only there')
    losses = check_curve("losses", list(losses) if isinstance(losses, Iterator) else losses)
    if val_losses is not None:
        val_losses = check_curve("val_losses", val_losses)
        if val_losses.shape != losses.shape:
            raise ValueError(f"val_losses must hold one loss per loss ({losses.size}), got {val_losses.size}")
    for i, loss in enumerate(losses.tolist()):
        _, reason = rule.update(loss, None if val_losses is None else float(val_losses[i]))
        if reason is not None:
            return i + 1, reason
    return len(losses), "completed"


def lr_range_test(
    model,
    optimizer,
    batches,
    *,
    loss=softmax_cross_entropy,
    start_lr=1e-7,
    end_lr=10.0,
    num_iter=100,
    mode="exp",
    smooth=0.98,
    stop_factor=4.0,
    stop_on="raw",
    val_batches=None,
    accumulation_steps=1,
    restore=True,
    progress=False,
):
    """Run the learning-rate range test and return what it recorded.

    Parameters
    ----------
    model : MLP (or any object with ``__call__``, ``backward`` and ``parameters``)
    optimizer : Optimizer
        Its lr is overwritten at every step; its other settings are used as they are.
    batches : iterable of (x, y)
        Usually the endless ``data.batches(...)``. A finite iterable must hold at least ``num_iter``
        batches, or the test stops with a ValueError (state restored first).
    loss : callable, default softmax_cross_entropy
        ``loss(output, y) -> (float, d loss / d output)``, values >= 0.
    start_lr, end_lr, num_iter, mode
        The schedule, see ``schedules.range_lrs``: first step exactly ``start_lr``, last ``end_lr``.
    smooth : float in [0, 1), default 0.98
        β of the debiased moving average, the weight of the past (0: no smoothing). pytorch-lr-finder's
        ``smooth_f`` is the weight of the new value, 1 − β: a value below 0.5 gets a warning that says so.
    stop_factor : float > 1 or None, default 4.0
        Stop when the loss exceeds ``stop_factor`` × the best loss so far (None: never).
    stop_on : {"raw", "smoothed", "val"}, default "raw"
        Which loss the stop rule reads. The raw loss reacts at once; the smoothed one lags (with RMSProp
        on digits it never stops and the SMA-derivative rule then picks an lr far too high); "val" (this
        package) reads the loss on ``val_batches``, free of batch noise, for a trained model (``StopRule``).
    val_batches : list of (x, y), optional
        Fixed validation batches; their mean loss is recorded after every step (Smith; pytorch-lr-finder's
        ``val_loader``). Costs one forward pass per batch per step.
    accumulation_steps : int >= 1, default 1
        k mini-batches per optimizer step, their loss and gradient averaged (gradient accumulation, as
        pytorch-lr-finder's ``accumulation_steps``): a step sees k·B samples with memory for B. The lr
        advances once per optimizer step, and ``num_iter`` counts optimizer steps (k · num_iter batches).
    restore : bool, default True
        Put the parameters, their gradients and the whole optimizer state (buffers, step count, lr) back
        bit for bit when the test ends — completed, stopped, or interrupted by an exception or
        KeyboardInterrupt. With False the model keeps what the test did to it, and the result keeps
        the state from before the test: ``result.restore(model, optimizer)`` puts it back.
    progress : bool, default False
        Show a tqdm progress bar.

    Returns
    -------
    RangeTestResult

    Notes
    -----
    Step i: ``optimizer.lr = lr_i``; ``x, y = next(batches)``; ``loss_i, dout = loss(model(x), y)``;
    if ``loss_i`` is not finite, record it and stop (no backward, no update); else
    ``zero_grad(); model.backward(dout); step()``, record, and apply ``StopRule``. With
    ``accumulation_steps=k``, loss_i is the mean of k batches' losses and the step follows k backward
    passes of dout / k (the gradient of that mean). Nothing is remembered between calls: the same objects
    give the same result twice.
    """
    check_model_and_optimizer(model, optimizer)
    check_callable("loss", loss)
    lrs = range_lrs(start_lr, end_lr, num_iter, mode)
    rule = StopRule(stop_factor, stop_on, smooth)  # checks the three arguments
    val_batches = check_val_batches("val_batches", val_batches)
    if stop_on == "val" and val_batches is None:
        raise ValueError('stop_on="val" needs val_batches: the held-out batches whose loss it reads')
    restore, progress = check_flag("restore", restore), check_flag("progress", progress)
    k = check_positive_int("accumulation_steps", accumulation_steps)
    if 0 < rule.average.beta < 0.5:
        warnings.warn(f"smooth={smooth!r} is the weight of the past (β): the smoothing barely averages. If you "
                      f"meant pytorch-lr-finder's smooth_f (the weight of the new value), pass smooth={1 - smooth:g}",
                      stacklevel=2)
    batch_iter = check_iterable("batches", batches)

    snapshot = snapshot_state(model, optimizer)
    record = {"lrs": [], "losses": [], "smoothed": [], "accuracies": [], "val_losses": []}
    reason = "completed"
    try:
        with progress_bar(len(lrs), "lr range test", progress) as bar:
            for i, lr in enumerate(lrs.tolist()):  # as Python floats
                optimizer.lr = lr
                loss_i, accuracy_i = _step(model, optimizer, loss, batch_iter, k, i, len(lrs))
                val_i = None
                if val_batches is not None:  # after the step; NaN after a non-finite loss (no step was taken)
                    val_i = _mean_loss(model, loss, val_batches) if math.isfinite(loss_i) else math.nan
                    record["val_losses"].append(val_i)
                smoothed_i, reason = rule.update(loss_i, val_i)
                record["lrs"].append(lr)
                record["losses"].append(loss_i)
                record["smoothed"].append(smoothed_i)
                record["accuracies"].append(accuracy_i)
                if progress:  # formatting the numbers costs more than all the other bookkeeping of a step
                    bar.set_postfix(lr=f"{lr:.2e}", loss=f"{loss_i:.4g}")
                bar.update()
                if reason is not None:
                    break
            else:
                reason = "completed"
    finally:
        if restore:
            restore_state(model, optimizer, snapshot)

    arrays = {k: np.asarray(v, dtype=np.float64) for k, v in record.items()}
    return RangeTestResult(
        lrs=arrays["lrs"],
        losses=arrays["losses"],
        smoothed=arrays["smoothed"],
        accuracies=arrays["accuracies"],
        val_losses=arrays["val_losses"] if val_batches is not None else None,
        stop_reason=reason,
        start_lr=float(start_lr),
        end_lr=float(end_lr),
        num_iter=int(num_iter),
        mode=mode,
        smooth=float(smooth),
        stop_factor=None if stop_factor is None else float(stop_factor),
        stop_on=stop_on,
        accumulation_steps=k,
        initial_state=None if restore else snapshot,
    )


# --- helpers -------------------------------------------------------------------------------------


def _step(model, optimizer, loss, batch_iter, k, i, num_iter):
    """Step i of the test: one optimizer step on the next k batches; returns their mean loss and accuracy.

    The losses are computed before the update. A non-finite loss ends the step at once: no backward
    for it and no optimizer step (the test then stops). For k > 1 each backward gets dout / k, so the
    gradients add up to the gradient of the mean loss.
    """
    optimizer.zero_grad()
    losses, accuracies = [], []
    for j in range(k):
        x, y = _next_batch(batch_iter, i * k + j, num_iter, k)
        output = model(x)
        loss_j, dout = check_loss_output("loss", loss(output, y))
        losses.append(loss_j)
        accuracies.append(accuracy(output, y))
        if not math.isfinite(losses[-1]):
            return losses[-1], accuracies[-1]
        model.backward(dout if k == 1 else dout / k)
    optimizer.step()
    return math.fsum(losses) / k, math.fsum(accuracies) / k


def _next_batch(batch_iter, n, num_iter, k):
    """Batch n (counted from 0) of the test, checked to be an (x, y) pair."""
    try:
        pair = next(batch_iter)
    except StopIteration:
        needs = f"num_iter={num_iter}" if k == 1 else f"num_iter × accumulation_steps = {num_iter} × {k}"
        raise ValueError(
            f"batches ran out after {n} batches, but the range test needs {needs}; "
            "pass the endless minigrad_lr.batches(...) or more batches"
        ) from None
    return check_batch(n, pair)


def _mean_loss(model, loss, val_batches):
    return float(np.mean([loss(model(x), y)[0] for x, y in val_batches]))


def snapshot_state(model, optimizer):
    """Copies of every parameter's value and gradient and of the optimizer's whole state (for ``restore_state``)."""
    params = model.parameters()
    return (
        [p.data.copy() for p in params],
        [p.grad.copy() for p in params],
        optimizer.state_dict(),  # already a deep copy
    )


def restore_state(model, optimizer, snapshot):
    """Put back, bit for bit and in place, what ``snapshot_state`` copied."""
    data, grads, optimizer_state = snapshot
    for p, d, g in zip(model.parameters(), data, grads):
        np.copyto(p.data, d)  # in place: the optimizer keeps pointing at the same arrays
        np.copyto(p.grad, g)
    optimizer.load_state_dict(optimizer_state)
