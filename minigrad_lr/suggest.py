"""Reading a learning rate off the range test's curve: smoothing, the rate of change, suggestion rules.

A *suggestion rule* is a pure function of the recorded curve: it takes the learning rates ``lrs`` and
the losses of a range test, both of shape (n,), and returns one ``Suggestion(lr, index, method, loss)``:
the learning rate it recommends, the position of that point on the curve, and the loss it read there.
The rules disagree on purpose: each one encodes a different answer to "where does the loss fall
fastest, safely before it blows up?".

==================  ==========  ========================================================  ===============================
rule                reads       picks                                                     origin
==================  ==========  ========================================================  ===============================
``sma_derivative``  raw losses  smallest d_i = (loss_i − loss_{i−k}) / k, k = 20          the article; keras_lr_finder
``steepest``        smoothed    smallest ``np.gradient`` of the loss                      pytorch-lr-finder
``steep``           smoothed    smallest (loss_{i+1} − loss_i) / (ln lr_{i+1} − ln lr_i)  fastai ``steep``
``minimum``         smoothed    lr of the smallest loss, divided by 10                    fastai ``minimum``
``valley``          smoothed    the middle of the longest decreasing stretch              fastai ``valley`` (its default)
``slide``           smoothed    where the gradient stops changing, coming from the right  fastai ``slide``
==================  ==========  ========================================================  ===============================

How this module treats awkward curves, the same way in every rule:

- *Non-finite points are ignored*: a quantity computed from a NaN or ±inf loss is never chosen, and
  ``valley`` and ``slide``, which read the order of the whole curve, run on its finite points only.
- *No suggestion is an error, not a guess*: on a curve that is too short, flat, or never falls (for the
  rules that look for a fall), a rule raises ``NoSuggestionError`` (a ``ValueError``) saying why. It
  never returns NaN or an lr outside the tested ones (except ``minimum``'s deliberate /10), and never
  fails with an IndexError. Where the originals wrap around or pad with zeros, the docstrings say so.

``suggest_lr(result, method)`` applies one rule to a ``RangeTestResult`` and cuts the curve the way
the rule's origin does; ``suggest_all(result)`` applies all of them, for tables and plots.

References
----------
P. Surmenok, "Estimating an Optimal Learning Rate For a Deep Neural Network" (2017), and
  keras_lr_finder (``LRFinder.plot_loss_change``; ``get_best_lr`` in later versions).
D. Perez, pytorch-lr-finder, ``LRFinder.plot(suggest_lr=True)``.
J. Howard, S. Gugger, fastai ``callback/schedule.py``: ``valley``, ``slide``, ``minimum``, ``steep``, ``lr_find``.
L. N. Smith, "Cyclical Learning Rates for Training Neural Networks", WACV 2017, §3.3.
"""

import inspect
from bisect import bisect_left
from dataclasses import dataclass, replace

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._checks import check_positive_int, check_real

METHODS = ("sma_derivative", "steepest", "steep", "minimum", "valley", "slide")
FASTAI_METHODS = ("steep", "minimum", "valley", "slide")  # read the curve cut as fastai's lr_find cuts it


@dataclass(frozen=True)
class Suggestion:
    """One rule's answer.

    Attributes
    ----------
    lr : float
        The suggested learning rate.
    index : int
        The point of the curve the rule chose, counted from the start of the whole recorded curve.
    method : str
        The rule's name, one of ``METHODS``.
    loss : float
        The value of the curve the rule read (raw, smoothed or validation loss) at ``index``.
    """

    lr: float
    index: int
    method: str
    loss: float


class NoSuggestionError(ValueError):
    """A rule cannot suggest anything on this curve (too short, flat, never falls, all NaN)."""


# --- smoothing and the rate of change --------------------------------------------------------------


class RunningEMA:
    """The debiased exponential moving average, fed one loss at a time (as the range test records).

    ``update(loss_i)`` returns ``a_i / (1 − β^(i+1))`` with ``a_i = β a_{i−1} + (1 − β) loss_i``,
    ``a_{−1} = 0``; the values are bit for bit those of ``ema`` on the whole sequence.

    Parameters
    ----------
    beta : float in [0, 1)
        0 means no smoothing (``update`` returns its argument).
    """

    def __init__(self, beta=0.98):
        self.beta = check_beta(beta)
        self.average = 0.0
        self.power = 1.0  # β^(i+1) after update i, by repeated multiplication as in ``ema``

    def update(self, loss):
        """Feed one loss; return the debiased average of every loss so far (a Python float)."""
        if self.beta == 0:
            return float(loss)
        self.average = self.beta * self.average + (1 - self.beta) * float(loss)
        self.power *= self.beta
        return self.average / (1 - self.power)


def ema(losses, beta=0.98):
    """Debiased exponential moving average, fastai's smoothing of the range test's loss.

    Parameters
    ----------
    losses : array_like, shape (n,)
    beta : float in [0, 1), default 0.98
        Weight of the past. 0 gives the losses back unchanged.

    Returns
    -------
    ndarray of float64, shape (n,)

    Notes
    -----
    ``a_i = β a_{i−1} + (1 − β) loss_i`` with ``a_{−1} = 0``, and ``out_i = a_i / (1 − β^(i+1))``.
    Without the division the average would start near 0 (it starts from ``a_{−1} = 0``); dividing by
    the sum of the weights, ``(1 − β) Σ_j β^j = 1 − β^(i+1)``, makes ``out_i`` a weighted mean of
    ``loss_0 … loss_i``: ``out_0 = loss_0``, and a constant stays constant. As in Adam's bias
    correction. A NaN poisons every later value, as in fastai; the range test stops at the first one.

    References
    ----------
    fastai ``AvgSmoothLoss`` and ``Recorder.smooth_loss``; Kingma & Ba, Adam (2015), §3.
    """
    beta = check_beta(beta)
    losses = _as_curve("losses", losses)
    if beta == 0:
        return losses.copy()
    a, averages = 0.0, []
    for loss in losses.tolist():  # a loop over Python floats: each a_i needs a_{i−1}
        a = beta * a + (1 - beta) * loss
        averages.append(a)
    return np.array(averages) / (1 - np.cumprod(np.full(losses.size, beta)))


def sma(x, window):
    """Trailing simple moving average: ``out_i = mean(x[i−window+1 … i])``, NaN for i < window − 1.

    Parameters
    ----------
    x : array_like, shape (n,)
    window : int >= 1

    Returns
    -------
    ndarray of float64, shape (n,)
        A NaN in ``x`` spoils only the windows that contain it. Cost O(n · window).
    """
    window = check_positive_int("window", window)
    x = _as_curve("x", x)
    out = np.full(x.size, np.nan)
    if x.size >= window:
        out[window - 1:] = sliding_window_view(x, window).mean(axis=1)
    return out


def loss_change(losses, k):
    """The article's rate of change of the loss: ``d_i = (loss_i − loss_{i−k}) / k``, NaN for i < k.

    Parameters
    ----------
    losses : array_like, shape (n,)
    k : int >= 1
        1 gives the raw, very noisy first differences; the article uses k = 20.

    Returns
    -------
    ndarray of float64, shape (n,)

    Notes
    -----
    The sum of the last k first differences telescopes, so ``d_i`` is their simple moving average,
    ``sma(np.diff(losses), k)``, computed in O(n). The lr grows by the same factor every step, so
    ``d_i`` is proportional to the slope d loss / d ln lr averaged over the last k steps.
    keras_lr_finder pads ``d_i`` with zeros for i < k; NaN here, so no rule can pick those points.
    """
    k = check_positive_int("k", k)
    losses = _as_curve("losses", losses)
    d = np.full(losses.size, np.nan)
    with np.errstate(invalid="ignore", over="ignore"):  # inf − inf is NaN: such points are ignored
        d[k:] = (losses[k:] - losses[:-k]) / k
    return d


# --- the rules ---------------------------------------------------------------------------------------


def sma_derivative(lrs, losses, *, sma=20, skip_start=10, skip_end=5):
    """The article's rule: the lr where the moving average of the loss change is most negative.

    Parameters
    ----------
    lrs, losses : array_like, shape (n,)
        The raw losses: the average over k steps does the smoothing.
    sma : int >= 1, default 20
        k, the number of steps the rate of change is averaged over.
    skip_start, skip_end : int >= 0, defaults 10 and 5
        Points left out at both ends.

    Returns
    -------
    Suggestion
        index in ``[max(k, skip_start), n − skip_end)``.

    Notes
    -----
    ``d_i = (loss_i − loss_{i−k}) / k`` (``loss_change``); the rule returns ``lr_i`` for the smallest
    finite ``d_i < 0`` with i in ``[max(k, skip_start), n − skip_end)``.
    Surmenok plots d against lr (keras_lr_finder ``plot_loss_change``, skipping 10 and 5 points) and
    reads off its minimum; keras_lr_finder's ``get_best_lr(sma, n_skip_beginning=10, n_skip_end=5)``
    takes ``np.argmin`` of the same d, padded with zeros for i < k, over ``[10 : −5]``, so where the
    loss never falls it returns a meaningless lr (a padded zero's, or that of the smallest rise). Here
    the points i < k are not candidates, and a window where the loss never falls is an error.
    """
    lrs, losses = _check_curve(lrs, losses)
    k = check_positive_int("sma", sma)
    lo, hi = _skip_window(len(losses), skip_start, skip_end)
    i = _most_negative(loss_change(losses, k), losses, max(lo, k), hi, f"the loss change over k = {k} steps")
    return _suggestion("sma_derivative", lrs, losses, i)


def steepest(lrs, losses, *, skip_start=10, skip_end=5):
    """pytorch-lr-finder's rule: the lr where ``np.gradient`` of the loss is most negative.

    Parameters
    ----------
    lrs, losses : array_like, shape (n,)
        Usually the smoothed losses.
    skip_start, skip_end : int >= 0, defaults 10 and 5

    Returns
    -------
    Suggestion
        index in ``[skip_start, n − skip_end)``.

    Notes
    -----
    ``g = np.gradient(losses[skip_start : n − skip_end])`` with unit spacing (centred differences
    ``(loss_{i+1} − loss_{i−1}) / 2`` inside, one-sided at both ends); the rule returns the lr of the
    smallest finite ``g_i < 0``. pytorch-lr-finder (``LRFinder.plot``) takes the argmin of g whatever
    its sign and prints a message when fewer than 2 points remain; here both are errors.
    """
    lrs, losses = _check_curve(lrs, losses)
    lo, hi = _skip_window(len(losses), skip_start, skip_end)
    if hi - lo < 2:
        raise NoSuggestionError(f"steepest needs at least 2 points in [{lo}, {hi}) to take a gradient, got {max(hi - lo, 0)}")
    g = np.full(len(losses), np.nan)
    with np.errstate(invalid="ignore", over="ignore"):
        g[lo:hi] = np.gradient(losses[lo:hi])
    i = _most_negative(g, losses, lo, hi, "the gradient of the loss")
    return _suggestion("steepest", lrs, losses, i)


def steep(lrs, losses):
    """fastai's ``steep``: the lr where the loss falls fastest per unit of ln lr.

    Parameters
    ----------
    lrs, losses : array_like, shape (n,)

    Returns
    -------
    Suggestion
        index in ``[0, n − 1)``: ``lr_i``, the left end of the steepest segment.

    Notes
    -----
    ``s_i = (loss_{i+1} − loss_i) / (ln lr_{i+1} − ln lr_i)`` for i = 0 … n − 2; the rule returns
    ``lr_i`` of the smallest finite ``s_i < 0``, as fastai returns ``lrs[grads.argmin()]``. fastai
    takes the argmin whatever its sign (and of NaN slopes, whatever torch makes of them); here a curve
    that never falls is an error.
    """
    lrs, losses = _check_curve(lrs, losses)
    if len(losses) < 2:
        raise NoSuggestionError(f"steep needs at least 2 points for a slope, got {len(losses)}")
    with np.errstate(invalid="ignore", over="ignore"):
        slopes = np.diff(losses) / np.diff(np.log(lrs))
    i = _most_negative(slopes, losses, 0, len(slopes), "the slope d loss / d ln lr")
    return _suggestion("steep", lrs, losses, i)


def minimum(lrs, losses):
    """fastai's ``minimum``: one tenth of the lr at the lowest loss.

    Parameters
    ----------
    lrs, losses : array_like, shape (n,)

    Returns
    -------
    Suggestion
        ``lr = lrs[index] / 10`` where ``index`` is the first smallest finite loss; ``loss`` is that loss.

    Notes
    -----
    At the minimum the lr is already too large (the loss is about to rise), so fastai backs off by a
    factor of 10, the rule of thumb of the fast.ai course. The suggested lr may lie below the tested
    range. NaN losses are skipped (fastai's ``argmin`` would pick a NaN first). Through ``suggest_lr``
    the rule reads the curve cut as fastai cuts it (without its last 5 points, see ``suggest_lr``), so
    its minimum can lie before the lowest point of the whole smoothed curve.
    """
    lrs, losses = _check_curve(lrs, losses)
    finite = np.isfinite(losses)
    if not finite.any():
        raise NoSuggestionError(f"minimum needs at least one finite loss, got {len(losses)} points and none finite")
    i = int(np.argmin(np.where(finite, losses, np.inf)))
    return _suggestion("minimum", lrs, losses, i, lr=lrs[i] / 10)


def valley(lrs, losses):
    """fastai's ``valley`` (its default): a point early on the longest decreasing stretch of the curve.

    Parameters
    ----------
    lrs, losses : array_like, shape (n,)

    Returns
    -------
    Suggestion

    Notes
    -----
    Let L be the length of the longest strictly decreasing subsequence of the losses and ``end`` the
    first index where one of length L ends. Then ``start = end − L`` and the rule returns
    ``lr[start + int(L/3) + int(L/3/2)]``, the middle of the middle third of the stretch, about
    ``start + L/2``. (For integer L, ``int(L/3) = L // 3`` and ``int(L/3/2) = L // 6``.)

    fastai finds L with an O(n²) double loop over ``lds[i]``, the length of the longest decreasing
    subsequence ending at i. Here patience sorting finds the same L and ``end`` in O(n log n):
    ``tails[l]`` holds the largest possible last loss of a decreasing subsequence of length l + 1
    (stored negated, so the list is increasing and ``bisect`` applies); loss_i extends the longest
    subsequence whose last loss is larger, and the list grows exactly when a longer subsequence than
    any before ends, so the last growth happens at ``end``.

    Differences from fastai: non-finite points are dropped first (fastai's comparisons skip NaN but its
    index may land on one); ``start + …`` below 0 (L = 2 with the fall at the first two points) and a
    curve that never falls (L = 1, where fastai returns lrs[0]) are errors, where fastai would wrap to
    the last lr or return the first.
    """
    lrs, losses = _check_curve(lrs, losses)
    finite = np.flatnonzero(np.isfinite(losses))
    length, end = _longest_fall(losses[finite])
    if length < 2:
        raise NoSuggestionError(f"valley needs the loss to fall at least once, but it never falls over {finite.size} finite points")
    j = end - length + length // 3 + length // 6
    if j < 0:
        raise NoSuggestionError("valley's index is negative: the longest fall is the first two points only (fastai would wrap to the last lr)")
    return _suggestion("valley", lrs, losses, finite[j])


def slide(lrs, losses, *, lr_diff=15, thresh=0.005):
    """fastai's ``slide``: walk in from the right until the gradient stops changing over lr_diff steps.

    Parameters
    ----------
    lrs, losses : array_like, shape (n,)
    lr_diff : int >= 1, default 15
        Distance, in steps, between the two gradients compared.
    thresh : float >= 0, default 0.005
        How close they must be. Absolute, in units of loss per step: unlike the other rules the answer
        changes when the losses are scaled.

    Returns
    -------
    Suggestion
        index in ``[0, n − 1 − lr_diff]``.

    Notes
    -----
    With ``g = np.gradient(losses)`` (unit spacing), compare the pairs ``(g_l, g_{l+lr_diff})`` for
    ``l = n − 1 − lr_diff, n − 2 − lr_diff, …, 0``, right to left, while ``|g_{l+lr_diff} − g_l| > thresh``.
    fastai returns the lr of the last l that passed the test: the first pair already close gives
    ``l = n − 1 − lr_diff``; otherwise the walk stops at a close pair l* and returns ``lr_{l*+1}``, or
    ``lr_0`` when no pair is close. Same answer here, found with one vectorised comparison.
    fastai also multiplies by ``adjust_value`` (default 1), which could leave the tested range; not
    offered here. Non-finite points are dropped first; fewer than lr_diff + 1 points is an error
    (fastai indexes ``lrs[-lr_diff-1]`` and fails).
    """
    lrs, losses = _check_curve(lrs, losses)
    lr_diff = check_positive_int("lr_diff", lr_diff)
    thresh = check_real("thresh", thresh)
    if thresh < 0:
        raise ValueError(f"thresh must be >= 0, got {thresh!r}")
    finite = np.flatnonzero(np.isfinite(losses))
    if finite.size <= lr_diff:
        raise NoSuggestionError(f"slide needs more than lr_diff = {lr_diff} finite points, got {finite.size}")
    with np.errstate(invalid="ignore", over="ignore"):
        g = np.gradient(losses[finite])
        close = np.flatnonzero(~(np.abs(g[lr_diff:] - g[:-lr_diff]) > thresh))  # the walk's stopping points
    last = finite.size - 1 - lr_diff
    j = min(close[-1] + 1, last) if close.size else 0
    return _suggestion("slide", lrs, losses, finite[j])


RULES = {"sma_derivative": sma_derivative, "steepest": steepest, "steep": steep,
         "minimum": minimum, "valley": valley, "slide": slide}
OPTIONS = {name: tuple(p.name for p in inspect.signature(rule).parameters.values() if p.kind is p.KEYWORD_ONLY)
           for name, rule in RULES.items()}  # e.g. OPTIONS["slide"] == ("lr_diff", "thresh")


# --- on a range test's result -------------------------------------------------------------------------


def suggest_lr(result, method="sma_derivative", *, use_val=False, **options):
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
    **options
        Passed to the rule, see ``OPTIONS[method]``: ``sma``, ``skip_start``, ``skip_end`` for
        ``sma_derivative``; ``skip_start``, ``skip_end`` for ``steepest``; ``lr_diff``, ``thresh`` for ``slide``.

    Returns
    -------
    Suggestion
        ``index`` counts from the start of the whole recorded curve.

    Raises
    ------
    NoSuggestionError (a ValueError)
        The rule finds nothing on this curve; the message gives the part of the curve it read.
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
    rule = _rule(method)
    for name in options:
        if name not in OPTIONS[method]:
            raise TypeError(f"unknown option {name!r} for method {method!r}; it takes {OPTIONS[method] or 'no options'}")
    if not isinstance(use_val, bool):
        raise TypeError(f"use_val must be True or False, got {use_val!r}")
    curve_name, lrs, curve = _read_curve(result, method, use_val)
    start, stop = 0, len(curve)
    if method in FASTAI_METHODS:
        start, stop = _fastai_window(curve, check_positive_int("result.num_iter", result.num_iter))
    try:
        suggestion = rule(lrs[start:stop], curve[start:stop], **options)
    except NoSuggestionError as err:
        raise NoSuggestionError(f"{method} on {curve_name}[{start}:{stop}] of {len(curve)} recorded points: {err}") from None
    return replace(suggestion, index=suggestion.index + start)


def suggest_all(result, *, methods=METHODS, use_val=False, **options):
    """The suggestion of every rule at once, for tables and plots.

    Parameters
    ----------
    result : RangeTestResult
    methods : sequence of str, default METHODS
    use_val : bool, default False
    **options
        Each option goes to the rules that take it (``skip_start`` to both ``sma_derivative`` and
        ``steepest``); an option that none of ``methods`` takes is a TypeError.

    Returns
    -------
    dict of str to Suggestion
        In the order of ``methods``. A rule that cannot suggest anything on this curve (it raises
        ``NoSuggestionError``) is left out, so ``.get(method)`` returns None for it. Bad arguments
        (unknown method or option, a bad option value, ``use_val`` without validation losses) still raise.
    """
    if isinstance(methods, str):
        raise TypeError(f"methods must be a sequence of method names such as ('valley',), got the string {methods!r}")
    methods = tuple(methods)
    for method in methods:
        _rule(method)
    for name in options:
        if not any(name in OPTIONS[m] for m in methods):
            raise TypeError(f"unknown option {name!r}: none of the methods {methods} takes it")
    suggestions = {}
    for method in methods:
        mine = {name: value for name, value in options.items() if name in OPTIONS[method]}
        try:
            suggestions[method] = suggest_lr(result, method, use_val=use_val, **mine)
        except NoSuggestionError:
            pass  # no suggestion on this curve: leave the rule out
    return suggestions


# --- helpers --------------------------------------------------------------------------------------------


def check_beta(beta, name="beta"):
    """``beta`` as a float in [0, 1), the smoothing factor of ``ema``; errors name it ``name``."""
    beta = check_real(name, beta)
    if not 0 <= beta < 1:
        raise ValueError(f"the smoothing factor {name} must be in [0, 1) (0: no smoothing), got {beta!r}")
    return beta


def _as_curve(name, values):
    """``values`` as a 1-D float64 array (a copy only when the dtype changes)."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a 1-D array of numbers, got {type(values).__name__}") from None
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {array.shape}")
    return array


def _check_curve(lrs, losses):
    """The validation every rule shares: two 1-D arrays of one length, lrs positive, finite, increasing."""
    lrs, losses = _as_curve("lrs", lrs), _as_curve("losses", losses)
    if lrs.shape != losses.shape:
        raise ValueError(f"lrs and losses must have the same length, got {lrs.size} and {losses.size}")
    if not (np.all(np.isfinite(lrs)) and np.all(lrs > 0)):
        raise ValueError(f"lrs must be positive and finite, got min {lrs.min()!r}, max {lrs.max()!r}")
    if np.any(np.diff(lrs) <= 0):
        raise ValueError("lrs must be strictly increasing, as a range test records them")
    return lrs, losses


def _skip_window(n, skip_start, skip_end):
    """The candidate points ``[skip_start, n − skip_end)`` (possibly empty)."""
    skip_start = check_positive_int("skip_start", skip_start, minimum=0)
    skip_end = check_positive_int("skip_end", skip_end, minimum=0)
    return skip_start, n - skip_end


def _most_negative(values, losses, lo, hi, what):
    """Index i in [lo, hi) of the smallest finite ``values[i] < 0`` at a finite loss; the first on ties."""
    if hi <= lo:
        raise NoSuggestionError(f"no candidate points: the window [{lo}, {hi}) is empty (the curve has {len(losses)} points)")
    part = values[lo:hi]
    candidates = np.isfinite(part) & (part < 0) & np.isfinite(losses[lo:hi])
    if not candidates.any():
        raise NoSuggestionError(f"{what} is never negative (finite) in [{lo}, {hi}): the loss does not fall there")
    return lo + int(np.argmin(np.where(candidates, part, np.inf)))


def _longest_fall(losses):
    """(L, end): length of the longest strictly decreasing subsequence, first index where one ends."""
    tails, end = [], -1  # tails[l]: −(largest last loss of a decreasing subsequence of length l + 1)
    for i, negated in enumerate((-losses).tolist()):
        l = bisect_left(tails, negated)  # strictly: an equal loss does not extend a fall
        if l == len(tails):
            tails.append(negated)
            end = i
        else:
            tails[l] = negated
    return len(tails), end


def _suggestion(method, lrs, losses, i, lr=None):
    i = int(i)
    return Suggestion(float(lrs[i] if lr is None else lr), i, method, float(losses[i]))


def _rule(method):
    if method not in RULES:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    return RULES[method]


def _read_curve(result, method, use_val):
    """(name, lrs, losses) of the curve a rule reads: val_losses, raw losses or smoothed losses."""
    missing = [a for a in ("lrs", "losses", "smoothed", "val_losses", "num_iter") if not hasattr(result, a)]
    if missing:
        raise TypeError(f"result must be a RangeTestResult (lrs, losses, smoothed, val_losses, num_iter); "
                        f"{type(result).__name__} has no {', '.join(missing)}")
    if use_val and result.val_losses is None:
        raise ValueError("use_val=True but the result has no val_losses: run lr_range_test with val_batches")
    name = "val_losses" if use_val else "losses" if method == "sma_derivative" else "smoothed"
    lrs, curve = _check_curve(result.lrs, getattr(result, name))
    return name, lrs, curve


def _fastai_window(curve, num_iter):
    """[start, stop) as fastai's lr_find cuts it: skip num_iter // 10 and 5, stop before a non-finite loss."""
    start = num_iter // 10
    stop = max(len(curve) - 5, start)
    bad = np.flatnonzero(~np.isfinite(curve[start:stop]))
    if bad.size:
        stop = start + int(bad[0])
    return start, stop
