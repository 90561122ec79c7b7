"""Smoothing the range test's noisy loss, and its rate of change.

Each loss of a range test is the loss of one mini-batch, so the curve is noisy. Two ways to read
through the noise:

- the *debiased exponential moving average* (fastai), ``ema`` on a whole curve and ``RunningEMA``
  one loss at a time, as the range test records it;
- the *rate of change over k steps* (the article), ``loss_change``: the simple moving average
  (``sma``) of the first differences of the loss.

References
----------
J. Howard, S. Gugger, fastai ``AvgSmoothLoss`` and ``Recorder.smooth_loss``.
P. Surmenok, "Estimating an Optimal Learning Rate For a Deep Neural Network" (2017), and
  keras_lr_finder (``LRFinder.plot_loss_change``).
D. P. Kingma, J. Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, §3 (bias correction).
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._checks import check_curve, check_fraction, check_number, check_positive_int


class RunningEMA:
    """The debiased exponential moving average, fed one loss at a time (as the range test records).

    ``update(loss_i)`` returns ``s_i = s_{i−1} + w_i (loss_i − s_{i−1})`` with ``w_i = (1 − β)/(1 − β^(i+1))``
    and ``s_{−1} = 0``: the debiased average of ``ema``'s Notes, in the form that keeps a constant
    exactly constant (``ema`` is this class run over a whole curve).

    Parameters
    ----------
    beta : float in [0, 1)
        0 means no smoothing (``update`` returns its argument).
    """

    def __init__(self, beta=0.98):
        self.beta = check_fraction("beta", beta)
        self.value = 0.0  # s_{i−1}
        self.power = 1.0  # β^i, by repeated multiplication

    def update(self, loss):
        """Feed one loss (a real number; NaN and ±inf pass); return the debiased average so far (a Python float)."""
        loss = check_number("loss", loss)
        if self.beta == 0:
            return loss
        self.power *= self.beta  # β^(i+1)
        weight = (1 - self.beta) / (1 - self.power)  # w_i: 1 for the first loss, then down towards 1 − β
        self.value += weight * (loss - self.value)  # s_i = s_{i−1} + w_i (loss_i − s_{i−1})
        return self.value


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
    fastai's form: ``a_i = β a_{i−1} + (1 − β) loss_i`` with ``a_{−1} = 0``, and
    ``out_i = a_i / (1 − β^(i+1))``. Without the division the average would start near 0; dividing by
    the sum of the weights, ``(1 − β) Σ_j β^j = 1 − β^(i+1)``, makes ``out_i`` a weighted mean of
    ``loss_0 … loss_i`` with ``out_0 = loss_0``, as in Adam's bias correction.

    Computed here in the equivalent incremental form ``out_i = out_{i−1} + w_i (loss_i − out_{i−1})``,
    ``w_i = (1 − β)/(1 − β^(i+1))`` (``RunningEMA``): the same numbers up to rounding, and a constant
    stays exactly constant (fastai's form drifts from it in the last bits, which a rule looking for a
    fall would read as one). A NaN poisons every later value, as in fastai; the range test stops at the
    first one.

    References
    ----------
    fastai ``AvgSmoothLoss`` and ``Recorder.smooth_loss``; Kingma & Ba, Adam (2015), §3.
    """
    average = RunningEMA(beta)
    losses = check_curve("losses", losses)
    return np.array([average.update(loss) for loss in losses.tolist()], dtype=np.float64)


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
    x = check_curve("x", x)
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
    losses = check_curve("losses", losses)
    d = np.full(losses.size, np.nan)
    with np.errstate(invalid="ignore", over="ignore"):  # inf − inf is NaN: such points are ignored
        d[k:] = (losses[k:] - losses[:-k]) / k
    return d
