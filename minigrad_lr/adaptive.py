"""The adaptive optimizers: Adam, RMSProp and Adagrad, exactly as ``torch.optim`` defines them.

Each divides the gradient by a running measure of its own size, coordinate by coordinate, so that
every weight moves by about lr per step whatever the scale of its gradient. They share the interface
of ``optim.Optimizer`` (documented there, with the notation: θ, g = grad + weight_decay · θ, t from
1, lr, scratch w); each class gives its update in the order the code computes it, its defaults, its
state, and how Keras/TensorFlow differ.

References
----------
PyTorch documentation and source of ``torch.optim.Adam``, ``RMSprop``, ``Adagrad`` (2.x).
D. P. Kingma and J. Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015.
S. J. Reddi, S. Kale and S. Kumar, "On the Convergence of Adam and Beyond", ICLR 2018 (AMSGrad).
G. Hinton, "Neural Networks for Machine Learning", lecture 6e (RMSProp), 2012.
A. Graves, "Generating Sequences With Recurrent Neural Networks", 2013, eq. 38-45 (centered RMSProp).
J. Duchi, E. Hazan and Y. Singer, "Adaptive Subgradient Methods", JMLR 12, 2011 (Adagrad).
Keras 3 ``keras/src/optimizers/{adam,rmsprop,adagrad}.py``; TensorFlow 1 ``training/rmsprop.py``.
"""

import math

import numpy as np

from ._checks import check_betas, check_flag, check_fraction, check_non_negative
from .optim import Optimizer


class Adam(Optimizer):
    r"""Adam, with optional AMSGrad and L2 penalty.

    Parameters
    ----------
    params : iterable of Parameter
    lr : float >= 0, default 1e-3
    betas : (float, float), each in [0, 1), default (0.9, 0.999)
        β1 and β2, the decay rates of the first and second moment averages.
    eps : float >= 0, default 1e-8
        Added to √v̂ (after the square root and the bias correction).
    weight_decay : float >= 0, default 0
        L2 penalty added to the gradient (torch.optim.Adam; for decoupled decay torch has AdamW).
    amsgrad : bool, default False
        Divide by the running maximum of v instead of v (Reddi et al. 2018).

    Notes
    -----
    Update at step t, in the order torch.optim.Adam computes it (and this code, line by line)::

        m = β1 m + (1 − β1) g                   first moment
        v = β2 v + (1 − β2) g²                  second moment
        v_max = max(v_max, v)                   amsgrad only; then v_max replaces v below
        step_size = lr / (1 − β1^t)
        denom = √v / √(1 − β2^t) + eps
        θ −= step_size · m / denom

    This is the textbook form θ −= lr · m̂ / (√v̂ + eps) with the bias corrections m̂ = m / (1 − β1^t)
    and v̂ = v / (1 − β2^t): the same numbers up to rounding, with the corrections applied as scalars
    (step_size) or once to √v (denom) rather than to m and v themselves.

    State: ``"m"``, ``"v"`` and, with amsgrad, ``"v_max"``, all starting at zero.
    t counts from 1, so the first step divides by 1 − β1 and 1 − β2, and its size is about lr per
    coordinate whatever the scale of the gradient.

    Keras/TensorFlow (``keras.optimizers.Adam``) use the paper's "epsilon hat" form,
    θ −= lr · √(1 − β2^t)/(1 − β1^t) · m / (√v + ε̂), with default ε̂ = 1e-7. That equals torch's rule
    with eps = ε̂ / √(1 − β2^t): early in training (1 − β2^t ≈ t/1000) Keras's effective eps is up to
    ~30 times its nominal value (3e-6 at t = 1), which matters for gradients about that small. Keras's
    ``weight_decay`` is decoupled, like torch's AdamW.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        super().__init__(params, lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)

    @staticmethod
    def _check_hyper(betas, eps, weight_decay, amsgrad):
        return {"betas": check_betas("betas", betas),
                "eps": check_non_negative("eps", eps), "weight_decay": check_non_negative("weight_decay", weight_decay),
                "amsgrad": check_flag("amsgrad", amsgrad)}

    @staticmethod
    def _buffer_names(amsgrad, **_):
        return ("m", "v", "v_max") if amsgrad else ("m", "v")

    def step(self):
        """One Adam step on every parameter (see the class Notes)."""
        self.t += 1
        beta1, beta2 = self.betas
        step_size = self.lr / (1 - beta1**self.t)
        root_bias2 = math.sqrt(1 - beta2**self.t)  # √(1 − β2^t)
        for theta, g, buffers, w in self.groups():
            m, v = buffers["m"], buffers["v"]
            m *= beta1  # m = β1 m + (1 − β1) g
            m += np.multiply(g, 1 - beta1, out=w)
            v *= beta2  # v = β2 v + (1 − β2) g²
            v += np.multiply(np.square(g, out=w), 1 - beta2, out=w)
            if self.amsgrad:
                v = np.maximum(buffers["v_max"], v, out=buffers["v_max"])  # v_max = max(v_max, v), used as v
            denom = np.sqrt(v, out=w)  # denom = √v / √(1 − β2^t) + eps
            denom /= root_bias2
            denom += self.eps
            theta -= np.multiply(np.divide(m, denom, out=w), step_size, out=w)  # θ −= step_size · m / denom


class RMSProp(Optimizer):
    r"""RMSProp, with optional momentum, centering and L2 penalty.

    Parameters
    ----------
    params : iterable of Parameter
    lr : float >= 0, default 1e-2
    alpha : float in [0, 1), default 0.99
        Decay rate of the average of g² (Keras calls it ``rho``).
    eps : float >= 0, default 1e-8
        Added after the square root.
    weight_decay : float >= 0, default 0
        L2 penalty added to the gradient.
    momentum : float >= 0, default 0
        μ; with 0 there is no momentum buffer.
    centered : bool, default False
        Divide by an estimate of the standard deviation of g instead of its root mean square (Graves 2013).

    Notes
    -----
    Update at step t (torch.optim.RMSprop)::

        v = α v + (1 − α) g²                     mean square
        ḡ = α ḡ + (1 − α) g,   ṽ = v − ḡ²        centered only; otherwise ṽ = v
        buf = μ buf + g / (√ṽ + eps),   θ −= lr · buf      momentum > 0
        θ −= lr · g / (√ṽ + eps)                  momentum = 0

    State: ``"v"``, ``"g_avg"`` (ḡ, centered only) and ``"momentum_buffer"`` (buf, momentum > 0 only),
    all starting at zero.
    There is no bias correction: the first step divides by √(1 − α) |g|, a step of about
    lr / √(1 − α) = 10 lr per coordinate with the default α.

    Keras (``keras.optimizers.RMSprop``) differs in four ways: default lr 1e-3 and ``rho`` 0.9 (torch's
    alpha 0.99, which averages over ~100 steps instead of ~10); eps 1e-7 is added *inside* the square
    root, lr · g / √(ṽ + ε); and its momentum buffer accumulates lr-scaled increments
    (buf = μ buf + lr · g / √(ṽ + ε), θ −= buf), so a new lr does not rescale it, as for SGD.
    TensorFlow 1's ``tf.train.RMSPropOptimizer`` also starts v at 1 rather than 0 (eps 1e-10, inside).
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                 centered=False):
        super().__init__(params, lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                         centered=centered)

    @staticmethod
    def _check_hyper(alpha, eps, weight_decay, momentum, centered):
        return {"alpha": check_fraction("alpha", alpha), "eps": check_non_negative("eps", eps),
                "weight_decay": check_non_negative("weight_decay", weight_decay),
                "momentum": check_non_negative("momentum", momentum), "centered": check_flag("centered", centered)}

    @staticmethod
    def _buffer_names(momentum, centered, **_):
        return ("v",) + (("g_avg",) if centered else ()) + (("momentum_buffer",) if momentum != 0 else ())

    def step(self):
        """One RMSProp step on every parameter (see the class Notes)."""
        self.t += 1
        lr, alpha, mu = self.lr, self.alpha, self.momentum
        for theta, g, buffers, w in self.groups():
            v = buffers["v"]
            v *= alpha  # v = α v + (1 − α) g²
            np.square(g, out=w)
            w *= 1 - alpha
            v += w
            if self.centered:
                g_avg = buffers["g_avg"]
                g_avg *= alpha  # ḡ = α ḡ + (1 − α) g
                g_avg += np.multiply(g, 1 - alpha, out=w)
                np.square(g_avg, out=w)  # w = √(v − ḡ²)
                np.subtract(v, w, out=w)
                np.sqrt(w, out=w)
            else:
                np.sqrt(v, out=w)  # w = √v
            w += self.eps
            np.divide(g, w, out=w)  # w = g / (√ṽ + eps)
            if mu != 0:
                buf = buffers["momentum_buffer"]
                buf *= mu  # buf = μ buf + g / (√ṽ + eps)
                buf += w
                theta -= np.multiply(buf, lr, out=w)  # θ −= lr · buf
            else:
                theta -= np.multiply(w, lr, out=w)  # θ −= lr · g / (√ṽ + eps)


class Adagrad(Optimizer):
    r"""Adagrad, with optional learning-rate decay, initial accumulator and L2 penalty.

    Parameters
    ----------
    params : iterable of Parameter
    lr : float >= 0, default 1e-2
    lr_decay : float >= 0, default 0
        The lr of step t is lr / (1 + (t − 1) · lr_decay): the first step uses lr itself.
    weight_decay : float >= 0, default 0
        L2 penalty added to the gradient.
    initial_accumulator_value : float >= 0, default 0
        Starting value of the sum of squares s.
    eps : float >= 0, default 1e-10
        Added after the square root.

    Notes
    -----
    Update at step t (torch.optim.Adagrad)::

        lr_t = lr / (1 + (t − 1) · lr_decay)
        s   += g²                                 s never decreases
        θ   −= lr_t · g / (√s + eps)

    State: ``"s"``, the sum of squared gradients, starting at ``initial_accumulator_value``.
    With s starting at 0 the first step is lr · g / (|g| + eps) ≈ lr · sign(g) per coordinate.

    Keras (``keras.optimizers.Adagrad``) starts s at 0.1 (``initial_accumulator_value=0.1``), puts eps
    (1e-7) inside the square root, lr · g / √(s + ε), has default lr 1e-3 and no lr_decay. Because of
    the 0.1 start, a gradient much smaller than √0.1 ≈ 0.32 gives a first step ≈ lr · g / 0.32,
    proportional to g, instead of torch's ≈ lr · sign(g).
    """

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
        super().__init__(params, lr, lr_decay=lr_decay, weight_decay=weight_decay,
                         initial_accumulator_value=initial_accumulator_value, eps=eps)
        for s in self.state["s"]:
            s.fill(self.initial_accumulator_value)

    @staticmethod
    def _check_hyper(lr_decay, weight_decay, initial_accumulator_value, eps):
        return {"lr_decay": check_non_negative("lr_decay", lr_decay),
                "weight_decay": check_non_negative("weight_decay", weight_decay),
                "initial_accumulator_value": check_non_negative("initial_accumulator_value", initial_accumulator_value),
                "eps": check_non_negative("eps", eps)}

    @staticmethod
    def _buffer_names(**_):
        return ("s",)

    def step(self):
        """One Adagrad step on every parameter (see the class Notes)."""
        self.t += 1
        lr_t = self.lr / (1 + (self.t - 1) * self.lr_decay)
        for theta, g, buffers, w in self.groups():
            s = buffers["s"]
            s += np.square(g, out=w)  # s += g²
            np.sqrt(s, out=w)  # w = g / (√s + eps)
            w += self.eps
            np.divide(g, w, out=w)
            theta -= np.multiply(w, lr_t, out=w)  # θ −= lr_t · g / (√s + eps)
