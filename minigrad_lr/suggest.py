"""Applying the suggestion rules to a range test's result: which curve each reads, and how it is cut.

==================  ==========  ========================================================  ============================
rule                reads       picks                                                     origin
==================  ==========  ========================================================  ============================
``sma_derivative``  raw losses  smallest d_i = (loss_i − loss_{i−k}) / k, k = 20          the article; keras_lr_finder
``steepest``        smoothed    smallest ``np.gradient`` of the loss                      pytorch-lr-finder
``steep``           smoothed    smallest (loss_{i+1} − loss_i) / (ln lr_{i+1} − ln lr_i)  fastai ``steep``
``minimum``         smoothed    lr of the smallest loss, divided by 10                    fastai ``minimum``
``valley``          smoothed    the middle of the longest decreasing stretch              fastai ``valley`` (default)
``slide``           smoothed    where the gradient stops changing, coming from the right  fastai ``slide``
==================  ==========  ========================================================  ============================

The rules themselves, pure functions of ``(lrs, losses)``, are in ``rules``. ``suggest_lr(result,
method)`` applies one of them to a ``RangeTestResult`` and cuts the curve the way the rule's origin
does; ``suggest_all(result)`` applies all of them, for tables and plots.

**A suggestion only where the loss fell.** Before any rule reads the curve, ``suggest_lr`` checks that
the loss fell at all: the lowest mean of ``FALL_WINDOW`` = 5 consecutive raw losses must lie at least
``min_drop`` (default 10%) below the mean of the first 5 (with ``use_val``: the lowest validation loss
below the first one, each already a mean over a fixed set). Otherwise no rule answers: a curve of
noise, a flat or rising one, or a run whose ``end_lr`` was too low holds no information about a good
lr, whatever point a rule would pick on it. This check is this package's; the original rules answer
on any curve.

Why a 5-batch mean rather than the range test's own smoothing: one batch's loss is noise, so no single
batch may decide; but the debiased average with β = 0.98 lags about 50 steps behind, and a 100-step
test often falls in its last 10 steps before the blow-up. On the demo's RMSProp run
(``python -m minigrad_lr.demo --optimizer rmsprop``) the mean of 5 batches falls by 29% before the
blow-up, the β = 0.98 average by 5.9%: judged on that average, a clear fall would be refused.

References
----------
P. Surmenok, "Estimating an Optimal Learning Rate For a Deep Neural Network" (2017), and keras_lr_finder.
D. Perez, pytorch-lr-finder, ``LRFinder.plot(suggest_lr=True)``.
J. Howard, S. Gugger, fastai ``callback/schedule.py``: ``lr_find`` and its suggestion functions.
L. N. Smith, "Cyclical Learning Rates for Training Neural Networks", WACV 2017, §3.3.
"""

import inspect
from dataclasses import replace

import numpy as np

from ._checks import check_choice, check_flag, check_fraction, check_lrs_and_losses, check_names, check_positive_int
from .rules import NoSuggestionError, Refusal, minimum, slide, sma_derivative, steep, steepest, valley
from .smoothing import sma

RULES = {"sma_derivative": sma_derivative, "steepest": steepest, "steep": steep,
         "minimum": minimum, "valley": valley, "slide": slide}
METHODS = tuple(RULES)
FASTAI_METHODS = ("steep", "minimum", "valley", "slide")  # read the curve cut as fastai's lr_find cuts it
OPTIONS = {name: tuple(p.name for p in inspect.signature(rule).parameters.values() if p.kind is p.KEYWORD_ONLY)
           for name, rule in RULES.items()}  # e.g. OPTIONS["slide"] == ("lr_diff", "thresh")


MIN_DROP = 0.1  # a rule answers only where the loss fell by at least 10% of its start ...
FALL_WINDOW = 5  # ... judged on means of this many consecutive batches (see the module docstring)


def suggest_lr(result, method="sma_derivative", *, use_val=False, min_drop=MIN_DROP, **options):
    """The suggestion of one rule on a range test's result.

    Parameters
    ----------
    result : RangeTestResult
        Or any object with ``lrs``, ``losses``, ``smoothed``, ``val_losses`` (array or None) and
        ``num_iter`` (the configured number of steps).
    method : str, default "sma_derivative"
        One of ``METHODS``.
    use_val : bool, default False
        Read the validation losses (unsmoothed: each is already a mean over a fixed validation set).
    min_drop : float in [0, 1), default 0.1
        Answer only if the loss fell by at least this fraction of its value at the start of the test,
        judged on means of 5 consecutive batches (on the validation loss with ``use_val``); see the
        module docstring. 0 turns the check off.
    **options
        Passed to the rule, see ``OPTIONS[method]``: ``k``, ``skip_start``, ``skip_end`` for
        ``sma_derivative``; ``skip_start``, ``skip_end`` for ``steepest``; ``lr_diff``, ``thresh`` for
        ``slide``.

    Returns
    -------
    Suggestion
        ``index`` counts from the start of the whole recorded curve.

    Raises
    ------
    NoSuggestionError (a ValueError)
        The loss did not fall by ``min_drop`` (the message says by how much it fell and what to try),
        or the rule finds nothing on this curve (the message gives the part of the curve it read).
    ValueError / TypeError
        Unknown method or bad option value / unknown option or a result without the attributes.

    Notes
    -----
    ``sma_derivative`` reads the raw losses, the others the smoothed ones. ``sma_derivative`` and
    ``steepest`` read the whole curve and skip points with their own ``skip_start``/``skip_end``.
    The fastai rules (steep, minimum, valley, slide) read the curve as fastai's ``lr_find`` hands it to
    them: without the first ``num_iter // 10`` and the last 5 points, cut before the first non-finite
    loss (fastai cuts at the first NaN only).
    """
    rule = RULES[check_choice("method", method, METHODS)]
    for name in options:
        if name not in OPTIONS[method]:
            takes = OPTIONS[method] or "no options"
            raise TypeError(f"unknown option {name!r} for method {method!r}; it takes {takes}")
    use_val = check_flag("use_val", use_val)
    min_drop = check_fraction("min_drop", min_drop)
    curve_name, lrs, curve = _read_curve(result, method, use_val)
    stop_reason = getattr(result, "stop_reason", None)
    if use_val:
        check_the_loss_fell(method, "validation loss", result.val_losses, min_drop, stop_reason)
    else:
        means = sma(result.losses, FALL_WINDOW)
        check_the_loss_fell(method, f"mean loss of {FALL_WINDOW} batches", means, min_drop, stop_reason)
    start, stop = 0, len(curve)
    if method in FASTAI_METHODS:
        start, stop = _fastai_window(curve, check_positive_int("result.num_iter", result.num_iter))
    try:
        suggestion = rule(lrs[start:stop], curve[start:stop], **options)
    except NoSuggestionError as err:
        read = f"{curve_name}[{start}:{stop}] of {len(curve)} recorded points"
        raise NoSuggestionError(f"{method} on {read}: {err}") from None
    return replace(suggestion, index=suggestion.index + start)


def suggest_all(result, *, methods=METHODS, use_val=False, min_drop=MIN_DROP, **options):
    """The suggestion of every rule at once, for tables and plots.

    Parameters
    ----------
    result : RangeTestResult
    methods : sequence of str, default METHODS
    use_val : bool, default False
    min_drop : float in [0, 1), default 0.1
        See ``suggest_lr``.
    **options
        Each option goes to the rules that take it (``skip_start`` to both ``sma_derivative`` and
        ``steepest``); an option that none of ``methods`` takes is a TypeError.

    Returns
    -------
    dict of str to Suggestion or Refusal
        In the order of ``methods``. A rule that cannot suggest anything on this curve (it raises
        ``NoSuggestionError``) gives a ``Refusal`` holding the reason (falsy, with ``lr`` None). Bad
        arguments (unknown method or option, a bad option value, ``use_val`` without validation losses)
        still raise.
    """
    methods = check_names("methods", methods, METHODS)
    for name in options:
        if not any(name in OPTIONS[m] for m in methods):
            raise TypeError(f"unknown option {name!r}: none of the methods {methods} takes it")
    suggestions = {}
    for method in methods:
        mine = {name: value for name, value in options.items() if name in OPTIONS[method]}
        try:
            suggestions[method] = suggest_lr(result, method, use_val=use_val, min_drop=min_drop, **mine)
        except NoSuggestionError as refusal:
            suggestions[method] = Refusal(method, str(refusal))
    return suggestions


# --- helpers --------------------------------------------------------------------------------------------


def check_the_loss_fell(method, name, curve, min_drop, stop_reason=None):
    """NoSuggestionError unless the lowest finite point of ``curve`` lies min_drop below its first finite one.

    ``curve`` is the judged curve (5-batch means, NaN before the first full window, or validation
    losses); the message says how much it fell and what to try.
    """
    curve = np.asarray(curve, dtype=np.float64)
    finite = curve[np.isfinite(curve)]
    if finite.size == 0 and stop_reason == "diverged":
        raise NoSuggestionError(
            f"{method}: the range test stopped after {curve.size} steps, its loss already over stop_factor × "
            "its best. So early, on a model that is already trained, that is one noisy batch, not a blow-up: "
            "run it with stop_on='smoothed', or use find_lr (tutorial 04, re-running the finder)")
    if finite.size == 0:
        raise NoSuggestionError(f"{method}: there is no finite {name} among the {curve.size} recorded points "
                                "(too few, or the loss was not finite from the start): raise num_iter, or "
                                "lower start_lr if the first batch already gave NaN or inf")
    start, lowest = finite[0], finite.min()
    fell = (start - lowest) / start if start > 0 else 0.0
    if fell < min_drop:
        raise NoSuggestionError(
            f"{method}: the {name} fell by only {fell:.1%} (from {start:.4g} at the start to at best "
            f"{lowest:.4g}), less than min_drop = {min_drop:.0%}, so the curve says nothing about a good lr. "
            "Try a larger end_lr or num_iter; check that the optimizer was built from this model's "
            "parameters; for a model that is already trained, see tutorial 04 (re-running the finder)."
        )


def _read_curve(result, method, use_val):
    """(name, lrs, losses) of the curve a rule reads: val_losses, raw losses or smoothed losses."""
    missing = [a for a in ("lrs", "losses", "smoothed", "val_losses", "num_iter") if not hasattr(result, a)]
    if missing:
        raise TypeError(f"result must be a RangeTestResult (lrs, losses, smoothed, val_losses, num_iter); "
                        f"{type(result).__name__} has no {', '.join(missing)}")
    if use_val and result.val_losses is None:
        raise ValueError("use_val=True but the result has no val_losses: run lr_range_test with val_batches")
    name = "val_losses" if use_val else "losses" if method == "sma_derivative" else "smoothed"
    lrs, curve = check_lrs_and_losses(result.lrs, getattr(result, name))
    return name, lrs, curve


def _fastai_window(curve, num_iter):
    """[start, stop) as fastai's lr_find cuts it: skip num_iter // 10 and 5, stop before a non-finite loss."""
    start = num_iter // 10
    stop = max(len(curve) - 5, start)
    bad = np.flatnonzero(~np.isfinite(curve[start:stop]))
    if bad.size:
        stop = start + int(bad[0])
    return start, stop
