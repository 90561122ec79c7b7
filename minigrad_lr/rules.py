"""The six suggestion rules: each reads a learning rate off a range test's curve.

A *suggestion rule* is a pure function of the recorded curve: it takes the learning rates ``lrs`` and
the losses of a range test, both of shape (n,), and returns one ``Suggestion(lr, index, method, loss)``:
the learning rate it recommends, the position of that point on the curve, and the loss it read there.
The rules disagree on purpose: each one encodes a different answer to "where does the loss fall
fastest, safely before it blows up?" (the table of the rules and their origins is in ``suggest``).

Every rule treats awkward curves the same way:

- *Non-finite points are ignored*: a quantity computed from a NaN or ±inf loss is never chosen, and
  ``valley`` and ``slide``, which read the order of the whole curve, run on its finite points only.
- *No suggestion is an error, not a guess*: on a curve that is too short, flat, or never falls (for the
  rules that look for a fall), a rule raises ``NoSuggestionError`` (a ``ValueError``) saying why. It
  never returns NaN or an lr outside the tested ones (except ``minimum``'s deliberate /10), and never
  fails with an IndexError. Where the originals wrap around or pad with zeros, the docstrings say so.

References
----------
P. Surmenok, "Estimating an Optimal Learning Rate For a Deep Neural Network" (2017), and
  keras_lr_finder (``LRFinder.plot_loss_change``; ``get_best_lr`` in later versions).
D. Perez, pytorch-lr-finder, ``LRFinder.plot(suggest_lr=True)``.
J. Howard, S. Gugger, fastai ``callback/schedule.py``: ``valley``, ``slide``, ``minimum``, ``steep``.
"""

from bisect import bisect_left
from dataclasses import dataclass

import numpy as np

from ._checks import check_lrs_and_losses, check_non_negative, check_positive_int, check_skip_window
from .smoothing import loss_change


@dataclass(frozen=True)
class Suggestion:
    """One rule's answer.

    Attributes
    ----------
    lr : float
        The suggested learning rate.
    index : int
        The point of the curve the rule chose (``suggest_lr`` counts it from the start of the whole
        recorded curve).
    method : str
        The rule's name, one of ``suggest.METHODS`` (``"find_lr"`` for ``find_lr``'s answer).
    loss : float
        The value of the curve the rule read (raw, smoothed or validation loss) at ``index``.
    """

    lr: float
    index: int
    method: str
    loss: float


    def __float__(self):
        return self.lr


class NoSuggestionError(ValueError):
    """A rule cannot suggest anything on this curve (too short, flat, never falls, all NaN)."""


@dataclass(frozen=True)
class Refusal:
    """A rule's refusal to suggest anything, and why: what ``suggest_all`` gives for that rule.

    Attributes
    ----------
    method : str
    reason : str
        The message of the ``NoSuggestionError`` the rule raised.
    lr : None
        There is no learning rate: ``if suggestion:`` is False for a refusal.
    """

    method: str
    reason: str
    lr: None = None

    def __bool__(self):
        return False


# --- the rules, in the order of the table in ``suggest`` ----------------------------------------------


def sma_derivative(lrs, losses, *, k=20, skip_start=10, skip_end=5):
    """The article's rule: the lr where the moving average of the loss change is most negative.

    Parameters
    ----------
    lrs, losses : array_like, shape (n,)
        The raw losses: the average over k steps does the smoothing.
    k : int >= 1, default 20
        The number of steps the rate of change is averaged over.
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
    lrs, losses = check_lrs_and_losses(lrs, losses)
    k = check_positive_int("k", k)
    lo, hi = check_skip_window(len(losses), skip_start, skip_end)
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
    lrs, losses = check_lrs_and_losses(lrs, losses)
    lo, hi = check_skip_window(len(losses), skip_start, skip_end)
    if hi - lo < 2:
        raise NoSuggestionError(f"steepest needs at least 2 points in [{lo}, {hi}) to take a gradient, "
                                f"got {max(hi - lo, 0)}")
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
    lrs, losses = check_lrs_and_losses(lrs, losses)
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
    lrs, losses = check_lrs_and_losses(lrs, losses)
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
    ``tails[j]`` holds the largest possible last loss of a decreasing subsequence of length j + 1
    (stored negated, so the list is increasing and ``bisect`` applies); loss_i extends the longest
    subsequence whose last loss is larger, and the list grows exactly when a longer subsequence than
    any before ends, so the last growth happens at ``end``.

    Differences from fastai: non-finite points are dropped first (fastai's comparisons skip NaN but its
    index may land on one); ``start + …`` below 0 (L = 2 with the fall at the first two points) and a
    curve that never falls (L = 1, where fastai returns lrs[0]) are errors, where fastai would wrap to
    the last lr or return the first.
    """
    lrs, losses = check_lrs_and_losses(lrs, losses)
    finite = np.flatnonzero(np.isfinite(losses))
    length, end = _longest_fall(losses[finite])
    if length < 2:
        raise NoSuggestionError("valley needs the loss to fall at least once, "
                                f"but it never falls over {finite.size} finite points")
    j = end - length + length // 3 + length // 6
    if j < 0:
        raise NoSuggestionError("valley's index is negative: the longest fall is the first two points only "
                                "(fastai would wrap to the last lr)")
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
    lrs, losses = check_lrs_and_losses(lrs, losses)
    lr_diff = check_positive_int("lr_diff", lr_diff)
    thresh = check_non_negative("thresh", thresh)
    finite = np.flatnonzero(np.isfinite(losses))
    if finite.size <= lr_diff:
        raise NoSuggestionError(f"slide needs more than lr_diff = {lr_diff} finite points, got {finite.size}")
    with np.errstate(invalid="ignore", over="ignore"):
        g = np.gradient(losses[finite])
        close = np.flatnonzero(~(np.abs(g[lr_diff:] - g[:-lr_diff]) > thresh))  # the walk's stopping points
    last = finite.size - 1 - lr_diff
    j = min(close[-1] + 1, last) if close.size else 0
    return _suggestion("slide", lrs, losses, finite[j])


# --- helpers --------------------------------------------------------------------------------------------


def _most_negative(values, losses, lo, hi, what):
    """Index i in [lo, hi) of the smallest finite ``values[i] < 0`` at a finite loss; the first on ties."""
    if hi <= lo:
        raise NoSuggestionError(f"no candidate points: the window [{lo}, {hi}) is empty "
                                f"(the curve has {len(losses)} points)")
    part = values[lo:hi]
    candidates = np.isfinite(part) & (part < 0) & np.isfinite(losses[lo:hi])
    if not candidates.any():
        raise NoSuggestionError(f"{what} is never negative (finite) in [{lo}, {hi}): the loss does not fall there")
    return lo + int(np.argmin(np.where(candidates, part, np.inf)))


def _longest_fall(losses):
    """(L, end): length of the longest strictly decreasing subsequence, first index where one ends."""
    tails, end = [], -1  # tails[j]: −(largest last loss of a decreasing subsequence of length j + 1)
    for i, negated in enumerate((-losses).tolist()):
        j = bisect_left(tails, negated)  # strictly: an equal loss does not extend a fall
        if j == len(tails):
            tails.append(negated)
            end = i
        else:
            tails[j] = negated
    return len(tails), end


def _suggestion(method, lrs, losses, i, lr=None):
    """The Suggestion at point i: ``lrs[i]`` (or ``lr``) and the loss read there."""
    i = int(i)
    return Suggestion(float(lrs[i] if lr is None else lr), i, method, float(losses[i]))
