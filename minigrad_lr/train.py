"""A plain training loop: a schedule for the lr, periodic validation, periodic re-runs of the finder.

Every step is the one the range test takes, at the lr the schedule gives::

    optimizer.lr = schedule(step)          # or the optimizer's own lr when there is no schedule
    x, y = next(batches)
    loss, dout = loss_fn(model(x), y)      # a non-finite loss ends training before any update
    optimizer.zero_grad(); model.backward(dout); optimizer.step()

With ``rerun_finder_every=k`` the range test is run from the current weights before steps 0, k, 2k, …
(and after the last step when it is a multiple of k). It reads its own batches (``finder_batches``) and
restores the model and optimizer bit for bit, so training with and without the re-runs ends with the
same weights: what it records is a pure observation. The article's claim that "the optimal learning
rate falls as training goes on" can then be read off ``History.suggestions``.

With ``finder_data=(X, y)`` each re-run is ``find_lr`` instead, for the rest of the budget, from where
training stands (it sees for itself whether the model is trained); with ``follow_finder=True`` the
steps up to the next re-run use its answer: "rerun the same learning rate search procedure
periodically", as the article advises.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from ._checks import (
    check_batch,
    check_callable,
    check_choice,
    check_data_pair,
    check_flag,
    check_fraction,
    check_iterable,
    check_loss_output,
    check_model_and_optimizer,
    check_non_negative,
    check_positive_int,
)
from .adaptive import Adam
from .finder import lr_range_test
from .losses import accuracy, softmax_cross_entropy
from .plateau import ReduceLROnPlateau
from .rules import NoSuggestionError
from .suggest import METHODS, suggest_lr


@dataclass
class History:
    """What ``fit`` recorded.

    Attributes
    ----------
    lrs, losses : ndarray, shape (steps_done,)
        The lr and the training (mini-batch) loss of every step taken.
    eval_steps : list of int
        After how many steps each evaluation was made (0: before training).
    val_losses, val_accuracies : list of float
        Validation loss and accuracy at each of ``eval_steps`` (accuracy NaN for non-class labels).
    finder_steps : list of int
        After how many steps each range test was run.
    finder_results : list of RangeTestResult
    suggestions : list of Suggestion or None
        The suggestion of each re-run (None where the rule could not suggest anything on that curve).
    stop_reason : {"completed", "non_finite"}
        "non_finite" when a training loss was NaN or inf: training stopped there, without that update.
    """

    lrs: np.ndarray
    losses: np.ndarray
    eval_steps: list = field(default_factory=list)
    val_losses: list = field(default_factory=list)
    val_accuracies: list = field(default_factory=list)
    finder_steps: list = field(default_factory=list)
    finder_results: list = field(default_factory=list)
    suggestions: list = field(default_factory=list)
    stop_reason: str = "completed"

    @property
    def final_val_loss(self):
        """The last validation loss recorded (NaN when there was no evaluation)."""
        return self.val_losses[-1] if self.val_losses else math.nan


def fit(model, optimizer, batches, steps, *, loss=softmax_cross_entropy, schedule=None, momentum_schedule=None,
        val=None, eval_every=None, rerun_finder_every=None, finder_batches=None, finder_options=None,
        suggest_method="sma_derivative", finder_data=None, follow_finder=False):
    """Train ``model`` for ``steps`` mini-batches and return a ``History``.

    Parameters
    ----------
    model : MLP
    optimizer : Optimizer
    batches : iterable of (x, y)
        Usually the endless ``data.batches(X, y, batch_size, seed=...)``.
    steps : int >= 1
        Number of training steps (mini-batches).
    loss : callable, default softmax_cross_entropy
        ``loss(output, y) -> (float, d loss / d output)``.
    schedule : callable or ReduceLROnPlateau, optional
        ``schedule(step) -> lr`` for step = 0 … steps − 1 (any function of ``schedules`` with its other
        arguments bound, e.g. ``functools.partial(cosine_annealing, base_lr=0.1, total_steps=steps)``).
        A ``ReduceLROnPlateau`` is stepped with the validation loss at every evaluation instead.
        None: the optimizer's lr is used as it is.
    momentum_schedule : callable, optional
        ``momentum_schedule(step) -> momentum``, e.g. ``one_cycle_momentum``: sets SGD's or RMSProp's
        ``momentum`` or Adam's β₁ before each step, as torch's OneCycleLR does with ``cycle_momentum``.
    val : (X, y), optional
        Validation data, X finite, one y per row; its loss and accuracy are recorded before training,
        every ``eval_every`` steps, and after the last step.
    eval_every : int >= 1, optional
        Needs ``val``. Default: only before and after training.
    rerun_finder_every : int >= 1, optional
        Run ``lr_range_test`` from the current state before steps 0, k, 2k, … (see the module docstring).
    finder_batches : iterable of (x, y)
        Required with ``rerun_finder_every``: the batches the range tests read, kept apart from the
        training batches. Each re-run calls ``iter(finder_batches)``: an endless ``batches(...)``
        generator gives every re-run fresh batches; a list gives every re-run the same ones.
    finder_options : dict, optional
        Keyword arguments for ``lr_range_test`` (start_lr, end_lr, num_iter, smooth, stop_on, ...).
    suggest_method : str, default "sma_derivative"
        The rule whose suggestion is recorded for each re-run.
    finder_data : (X, y), optional
        Instead of ``finder_batches``: each re-run is ``find_lr(model, optimizer, X, y, epochs=e)`` with
        ``e`` the steps still to go in epochs of ``len(X) // batch_size`` (at least 1), and
        ``finder_options`` its ``batch_size`` and ``seed``. No re-run after the last step.
    follow_finder : bool, default False
        Set the lr to each re-run's suggestion for the steps that follow (kept where there is none).
        Not with a ``schedule``.

    Returns
    -------
    History
    """
    check_model_and_optimizer(model, optimizer)
    steps = check_positive_int("steps", steps)
    check_callable("loss", loss)
    plateau = schedule if isinstance(schedule, ReduceLROnPlateau) else None
    if schedule is not None and plateau is None and not callable(schedule):
        raise TypeError(f"schedule must be a callable step -> lr or a ReduceLROnPlateau, got {schedule!r}")
    if plateau is not None and val is None:
        raise ValueError("schedule=ReduceLROnPlateau needs val=(X, y): it is stepped with the validation loss")
    set_momentum = _momentum_setter(optimizer, momentum_schedule)
    eval_every = None if eval_every is None else check_positive_int("eval_every", eval_every)
    val = None if val is None else check_data_pair("val", val)
    if eval_every is not None and val is None:
        raise ValueError(f"eval_every={eval_every} needs val=(X, y): there is nothing to evaluate without it")
    finder = _finder_plan(rerun_finder_every, finder_batches, finder_options, suggest_method, finder_data,
                          check_flag("follow_finder", follow_finder))
    if finder is not None and finder["follow"] and schedule is not None:
        raise ValueError("follow_finder sets the lr from the re-runs: it cannot be combined with a schedule")
    batch_iter = check_iterable("batches", batches)

    lrs, losses = [], []
    history = History(lrs=np.empty(0), losses=np.empty(0))
    if plateau is not None:
        optimizer.lr = plateau.lr
    for step in range(steps + 1):  # the pass with step == steps only observes the trained model
        if finder is not None and step % finder["every"] == 0 and not (finder["data"] and step == steps):
            _rerun_finder(history, step, steps - step, model, optimizer, loss, finder)
        if val is not None and (step == 0 or step == steps or (eval_every and step % eval_every == 0)):
            _evaluate(history, step, model, loss, val)
            if plateau is not None and step > 0:
                optimizer.lr = plateau.step(history.val_losses[-1])
        if step == steps:
            break
        if schedule is not None and plateau is None:
            optimizer.lr = check_non_negative(f"schedule({step})", schedule(step))
        if set_momentum is not None:
            set_momentum(step, momentum_schedule(step))
        x, y = _next_batch(batch_iter, step, steps)
        loss_value, dout = check_loss_output("loss", loss(model(x), y))
        lrs.append(optimizer.lr)
        losses.append(loss_value)
        if not math.isfinite(loss_value):
            history.stop_reason = "non_finite"
            break
        optimizer.zero_grad()
        model.backward(dout)
        optimizer.step()
    history.lrs = np.asarray(lrs, dtype=np.float64)
    history.losses = np.asarray(losses, dtype=np.float64)
    return history


def _evaluate(history, step, model, loss, val):
    X, y = val
    output = model(X)
    history.eval_steps.append(step)
    history.val_losses.append(float(loss(output, y)[0]))
    history.val_accuracies.append(accuracy(output, y))


def _rerun_finder(history, step, remaining, model, optimizer, loss, finder):
    if finder["data"]:
        from .lr_search import lr_search  # noqa: PLC0415 (lr_search trains with fit: imported when used)

        X, y = finder["data"]
        per_epoch = len(X) // finder["options"].get("batch_size", 64)
        search = lr_search(model, optimizer, X, y, epochs=max(1, round(remaining / per_epoch)), loss=loss,
                           **finder["options"])
        result, suggestion = search.range_test, search.suggestion
    else:
        result = lr_range_test(model, optimizer, iter(finder["batches"]), loss=loss, restore=True,
                               **finder["options"])
        try:
            suggestion = suggest_lr(result, finder["method"])
        except NoSuggestionError:
            suggestion = None
    history.finder_steps.append(step)
    history.finder_results.append(result)
    history.suggestions.append(suggestion)
    if finder["follow"] and suggestion is not None:
        optimizer.lr = suggestion.lr


def _momentum_setter(optimizer, momentum_schedule):
    """A function that sets the optimizer's momentum (β₁ for Adam), or None without a schedule."""
    if momentum_schedule is None:
        return None
    if not callable(momentum_schedule):
        raise TypeError(f"momentum_schedule must be a callable step -> momentum, got {momentum_schedule!r}")
    if isinstance(optimizer, Adam):
        def set_beta1(step, value):
            optimizer.betas = (check_fraction(f"momentum_schedule({step}) (Adam's beta1)", value), optimizer.betas[1])
        return set_beta1
    if getattr(optimizer, "momentum", 0) == 0:
        raise ValueError(
            f"momentum_schedule needs an optimizer built with momentum > 0 (or Adam), got {type(optimizer).__name__} "
            f"with momentum={getattr(optimizer, 'momentum', None)!r}"
        )

    def set_momentum(step, value):
        optimizer.momentum = check_non_negative(f"momentum_schedule({step})", value)
    return set_momentum


def _next_batch(batch_iter, step, steps):
    try:
        return check_batch(step, next(batch_iter))
    except StopIteration:
        raise ValueError(f"batches ran out after {step} batches, but fit needs steps={steps}; "
                         "pass the endless minigrad_lr.batches(...) or more batches") from None


def _finder_plan(every, finder_batches, finder_options, method, finder_data, follow):
    if every is None:
        if finder_batches is not None or finder_options is not None or finder_data is not None or follow:
            raise ValueError("finder_batches, finder_options, finder_data and follow_finder are used only with "
                             "rerun_finder_every")
        return None
    every = check_positive_int("rerun_finder_every", every)
    if (finder_batches is None) == (finder_data is None):
        raise ValueError("rerun_finder_every needs finder_batches (range tests) or finder_data (find_lr), not both: "
                         "the re-runs read their own batches, so that training sees the same ones with and without")
    if finder_options is not None and not isinstance(finder_options, Mapping):
        raise TypeError(f"finder_options must be a dict of keyword arguments, got {finder_options!r}")
    iterable = hasattr(finder_batches, "__iter__") and not isinstance(finder_batches, (str, bytes))
    if finder_batches is not None and not iterable:
        raise TypeError(f"finder_batches must be an iterable of (x, y) pairs, got {type(finder_batches).__name__}")
    options = dict(finder_options or {})
    for reserved in ("restore", "loss"):
        if reserved in options:
            raise ValueError(f"finder_options may not set {reserved!r}: re-runs always restore and use fit's loss")
    if finder_data is not None:
        if not (isinstance(finder_data, tuple) and len(finder_data) == 2):
            raise TypeError(f"finder_data must be an (X, y) pair, got {type(finder_data).__name__}")
        for name in options:
            if name not in ("batch_size", "seed"):
                raise ValueError(f"with finder_data, finder_options may set batch_size and seed (find_lr's), "
                                 f"got {name!r}")
    check_choice("suggest_method", method, METHODS)
    return {"every": every, "batches": finder_batches, "options": options, "method": method, "data": finder_data,
            "follow": follow}

