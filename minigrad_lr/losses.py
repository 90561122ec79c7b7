"""Loss functions: each returns the mean loss and its gradient with respect to the model's output.

``loss, dout = f(output, target)``: ``loss`` is a Python float, ``dout`` = d loss / d output has
the shape and dtype of ``output`` and goes straight into ``model.backward(dout)``.

``accuracy(output, labels)``, the fraction of rows classified right, is recorded beside the loss.

Labels and shapes are checked, but non-finite outputs are let through: they give a non-finite loss
(without warnings), so that the range test can see a run blow up and record it.

References
----------
PyTorch ``torch.nn.functional.cross_entropy`` and ``torch.nn.MSELoss`` (reduction "mean"): the same
values, which the tests check.
CS231n ``layers.py``, ``softmax_loss``.
"""

import math

import numpy as np

from ._checks import check_real_array


def softmax_cross_entropy(logits, labels):
    """Mean cross-entropy of the softmax of ``logits`` against integer class ``labels``.

    Parameters
    ----------
    logits : ndarray of float, shape (N, C)
        Unnormalised scores: N examples, C classes.
    labels : ndarray of int, shape (N,)
        The class of each example, in [0, C).

    Returns
    -------
    loss : float
        ``L = (1/N) Σ_n [log Σ_j exp(z_nj) − z_{n,y_n}]``, where z = logits and y = labels; >= 0.
    dlogits : ndarray, shape (N, C), dtype of ``logits``
        ``dL/dz_nj = (softmax(z_n)_j − [j = y_n]) / N``; each row sums to 0.

    Notes
    -----
    Log-sum-exp trick: with ``m_n = max_j z_nj``, ``log Σ_j exp(z_nj) = m_n + log Σ_j exp(z_nj − m_n)``.
    Every exponent is then <= 0 (no overflow) and the largest is exactly 0 (the sum is >= 1, its
    log is finite), so the result is exact for finite logits of any size, 1e4 or 1e30 alike.
    Non-finite logits raise no error: a NaN or +inf logit makes the loss NaN, and a −inf logit
    makes it +inf when it belongs to the label. A −inf logit of another class is simply a
    probability of 0 and leaves the loss finite, as in PyTorch.
    """
    logits = check_real_array("logits", logits)
    labels = np.asarray(labels)
    if logits.dtype.kind != "f":  # dtype.kind: "f" float, "i" signed int, "u" unsigned int
        raise TypeError(f"logits must be an array of floats, got dtype {logits.dtype}")
    if logits.ndim != 2 or logits.shape[0] == 0 or logits.shape[1] == 0:
        raise ValueError(f"logits must have shape (N, C) with N, C >= 1, got {logits.shape}")
    N, C = logits.shape
    if labels.dtype.kind not in "iu":
        raise TypeError(f"labels must be an array of ints (class indices), got dtype {labels.dtype}")
    if labels.shape != (N,):
        raise ValueError(f"labels must have shape ({N},), one class per row of logits, got {labels.shape}")
    if labels.min() < 0 or labels.max() >= C:
        raise ValueError(f"labels must lie in [0, {C}), got values from {labels.min()} to {labels.max()}")

    rows = np.arange(N)
    with np.errstate(invalid="ignore"):  # inf − inf = NaN for non-finite logits: expected, not an error
        shifted = logits - logits.max(axis=1, keepdims=True)  # z − m: every entry <= 0
        picked = shifted[rows, labels]  # (z − m)_{n, y_n}
        exps = np.exp(shifted, out=shifted)  # exp(z − m), in [0, 1]
        sums = exps.sum(axis=1)  # Σ_j exp(z_nj − m_n), in [1, C]
        # L = (1/N) Σ_n [log sums_n − (z − m)_{n, y_n}]: both terms >= 0, so no cancellation
        loss = float(np.mean(np.log(sums) - picked))
        dlogits = np.divide(exps, sums[:, None], out=exps)  # softmax(z)
    dlogits[rows, labels] -= 1  # − onehot(y)
    dlogits /= N
    return loss, dlogits


def mse(pred, target):
    """Mean squared error over all elements, as ``torch.nn.MSELoss()`` (reduction "mean").

    Parameters
    ----------
    pred : ndarray of float, any shape with at least one element
    target : array_like of real numbers, the shape of ``pred``
        Converted to the dtype of ``pred``.

    Returns
    -------
    loss : float
        ``L = (1/M) Σ_i (pred_i − target_i)²``, M = ``pred.size``.
    dpred : ndarray, shape and dtype of ``pred``
        ``dL/dpred = 2 (pred − target) / M``.
    """
    pred = np.asarray(pred)
    if not np.issubdtype(pred.dtype, np.floating):
        raise TypeError(f"pred must be an array of floats, got dtype {pred.dtype}")
    target = check_real_array("target", target)
    if target.shape != pred.shape:
        raise ValueError(f"pred and target must have the same shape, got pred {pred.shape} and target {target.shape}")
    target = target.astype(pred.dtype, copy=False)
    if pred.size == 0:
        raise ValueError(f"pred must hold at least one element, got shape {pred.shape}")
    with np.errstate(invalid="ignore", over="ignore"):  # non-finite pred: a non-finite loss, quietly
        diff = pred - target
        loss = float(np.mean(np.square(diff)))
        diff *= 2 / pred.size  # in place: dpred
    return loss, diff


def accuracy(output, y):
    """Fraction of rows whose largest output is the label; NaN when y is not a vector of class indices.

    ``output`` (N, C) and integer labels ``y`` (N,) as for ``softmax_cross_entropy``; for any other
    targets (a regression with ``mse``) accuracy has no meaning and NaN is returned, not an error.
    ``output`` must hold real numbers, and labels must be one per row (ValueError otherwise).
    """
    output, y = check_real_array("output", output), np.asarray(y)
    if output.ndim != 2 or y.ndim != 1 or y.dtype.kind not in "iu" or y.size == 0:  # kind: signed, unsigned int
        return math.nan
    if y.shape != (len(output),):
        raise ValueError(f"y must hold one label per row of output ({len(output)}), got shape {y.shape}")
    return np.count_nonzero(output.argmax(axis=1) == y) / y.size
