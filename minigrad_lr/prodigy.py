"""Prodigy: Adam whose step size d estimates the distance D from the start to a solution, faster than D-Adaptation.

Like D-Adaptation it divides a weighted sum r of inner products by the ℓ1 norm of a weighted sum s
of gradients, but r uses the distance from the start, ⟨g, x_0 − x⟩, and both weight each step by d²,
which favours the recent steps, so that d grows faster. ``lr`` multiplies d. See ``lr_free.py`` for
what the learning-rate-free optimizers share.

References
----------
K. Mishchenko and A. Defazio, "Prodigy: An Expeditiously Adaptive Parameter-Free Learner", ICML 2024.
Package ``prodigyopt`` 1.1.2, class ``prodigyopt.Prodigy``.
"""

import math

import numpy as np

from ._checks import (
    check_betas,
    check_flag,
    check_fraction,
    check_growth_rate,
    check_non_negative,
    check_positive,
    check_positive_int,
    check_real,
)
from .lr_free import LRFreeOptimizer


def every(array, step):
    """Every ``step``-th entry of ``array`` flattened in C order (torch's ``flatten()[::step]``)."""
    return array.reshape(-1)[::step]


class Prodigy(LRFreeOptimizer):
    r"""Prodigy, exactly as ``prodigyopt.Prodigy`` (1.1.2) with all parameters as its one group.

    Parameters
    ----------
    params : iterable of Parameter
    lr : float > 0, default 1.0
        Multiplier of the adapted step (the authors advise leaving it at 1; tune d_coef instead).
    betas : (float, float), each in [0, 1), default (0.9, 0.999)
        β1 and β2 of Adam's averages; with β1 = 0 there is no m and the step uses g.
    beta3 : float in [0, 1) or None, default None
        Decay of r and s; None means √β2.
    eps : float > 0, default 1e-8
        Added to √v, times d.
    weight_decay : float >= 0, default 0
        Decoupled (below) by default, else an L2 penalty added to the gradient.
    decouple : bool, default True
        Decoupled weight decay (AdamW): x −= weight_decay · dlr · x, and g is the gradient alone.
    use_bias_correction : bool, default False
        Multiply dlr by Adam's bias correction bc = √(1 − β2^t) / (1 − β1^t); else bc = 1.
    safeguard_warmup : bool, default False
        Add (d/d0) · d · g to s instead of (d/d0) · dlr · g, taking lr out of the denominator of d̂
        (the authors' remedy for trouble while a warm-up schedule holds lr small).
    d0 : float > 0, default 1e-6
        The starting estimate of D.
    d_coef : float > 0, default 1.0
        Multiplies d̂: the authors' preferred way to tune the method (0.5 and 2 typically work too, they note).
    growth_rate : float >= 1 or inf, default inf
        After its first increase from d0, d grows by at most this factor per step.
    slice_p : int >= 1, default 1
        r and ‖s‖₁ read only every slice_p-th entry of each parameter (flattened in C order), an
        approximation that saves the package memory. Here s and x0 stay full-size arrays, so it saves
        none; only the arithmetic is the package's. Keyword-only (it follows a left-out argument).

    Attributes
    ----------
    d : float
        The estimate of D; the next step's dlr uses it. d0 at first.
    d_max, d_numerator : float
        The largest d̂ so far (d0 at first) and r below (0.0 at first).

    Notes
    -----
    Step t (t counts from 1), x all the parameters as one vector, x_0 its value at the first step,
    g = grad (+ weight_decay · x unless decouple), ⟨·,·⟩ and ‖·‖₁ over every slice_p-th entry::

        dlr = d · lr · bc
        r   = β3 r + (d/d0) · dlr · ⟨g, x_0 − x⟩            r is d_numerator
        m   = β1 m + d (1 − β1) g                          only if β1 > 0
        v   = β2 v + d² (1 − β2) g²
        s   = β3 s + (d/d0) · dlr · g                      (d/d0) · d · g with safeguard_warmup
        d̂   = d_coef · r / ‖s‖₁
        d   = max(d, d̂) if d = d0;   d_max = max(d_max, d̂);   d = min(d_max, growth_rate · d)
        x  −= weight_decay · dlr · x                        decouple only
        x  −= dlr · m / (√v + d eps)                       the new d; if β1 = 0: dlr · d · g / (√v + d eps)

    State: the buffers ``"m"`` (only if β1 > 0), ``"v"``, ``"s"``, ``"x0"`` (the package's exp_avg,
    exp_avg_sq, s, p0; x0 copied at the first step) and the scalars ``d``, ``d_max``, ``d_numerator``.
    A step with lr = 0 changes nothing. While s is zero on the entries read (every gradient so far
    zero there), a step updates m and v only: it moves neither x nor d and is not counted in t, as in
    the package.

    The paper's Adam version adds (1 − √β2) γ d² · ⟨g, x_0 − x⟩ to r and (1 − √β2) γ d² g to s
    (γ = lr); the package drops the factor 1 − β3 and writes d² / d0 for d², constants that cancel in
    d̂ = r / ‖s‖₁ (d/d0 keeps r and s from becoming too small). The paper's d_{k+1} = max(d_k, d̂_{k+1})
    is the package's rule with growth_rate = inf; the paper adds d_k eps where the package adds the new
    d times eps. d_coef, growth_rate, weight decay, bias correction, safeguard_warmup and slice_p are
    the package's. Left out: ``fsdp_in_use`` (distributed training).
    """

    SCALARS = {"d": check_positive, "d_max": check_positive, "d_numerator": check_real}

    def __init__(self, params, lr=1.0, betas=(0.9, 0.999), beta3=None, eps=1e-8, weight_decay=0.0, decouple=True,
                 use_bias_correction=False, safeguard_warmup=False, d0=1e-6, d_coef=1.0, growth_rate=math.inf, *,
                 slice_p=1):
        super().__init__(params, lr, betas=betas, beta3=beta3, eps=eps, weight_decay=weight_decay, decouple=decouple,
                         use_bias_correction=use_bias_correction, safeguard_warmup=safeguard_warmup, d0=d0,
                         d_coef=d_coef, growth_rate=growth_rate, slice_p=slice_p)
        self.d, self.d_max, self.d_numerator = self.d0, self.d0, 0.0

    @staticmethod
    def _check_hyper(betas, beta3, eps, weight_decay, decouple, use_bias_correction, safeguard_warmup, d0, d_coef,
                     growth_rate, slice_p):
        return {"betas": check_betas("betas", betas),
                "beta3": None if beta3 is None else check_fraction("beta3", beta3),
                "eps": check_positive("eps", eps), "weight_decay": check_non_negative("weight_decay", weight_decay),
                "decouple": check_flag("decouple", decouple),
                "use_bias_correction": check_flag("use_bias_correction", use_bias_correction),
                "safeguard_warmup": check_flag("safeguard_warmup", safeguard_warmup),
                "d0": check_positive("d0", d0), "d_coef": check_positive("d_coef", d_coef),
                "growth_rate": check_growth_rate("growth_rate", growth_rate),
                "slice_p": check_positive_int("slice_p", slice_p)}

    @staticmethod
    def _buffer_names(betas, **_):
        return (("m",) if betas[0] > 0 else ()) + ("v", "s", "x0")

    def step(self):
        """One Prodigy step on all the parameters (see the class Notes)."""
        if self.lr == 0:
            return
        beta1, beta2 = self.betas
        beta3 = math.sqrt(beta2) if self.beta3 is None else self.beta3
        t, d, d0, k = self.t + 1, self.d, self.d0, self.slice_p
        bc = (1 - beta2**t) ** 0.5 / (1 - beta1**t) if self.use_bias_correction else 1
        dlr = d * self.lr * bc
        s_weight = (d / d0) * d if self.safeguard_warmup else (d / d0) * dlr
        if self.t == 0:
            for p, x0 in zip(self.params, self.state["x0"]):
                np.copyto(x0, p.data)
        coupled = self.weight_decay != 0 and not self.decouple
        grads = [p.grad + self.weight_decay * p.data if coupled else p.grad for p in self.params]
        ms = self.state["m"] if beta1 > 0 else [None] * len(self.params)
        r_new, s_l1 = 0.0, 0.0  # the new term of r, and ‖s‖₁
        for p, g, m, v, s, x0 in zip(self.params, grads, ms, self.state["v"], self.state["s"], self.state["x0"]):
            r_new += (d / d0) * dlr * float(np.dot(every(g, k), every(x0 - p.data, k)))
            if beta1 > 0:
                m *= beta1  # m = β1 m + d (1 − β1) g
                m += d * (1 - beta1) * g
            v *= beta2  # v = β2 v + d² (1 − β2) g²
            v += d * d * (1 - beta2) * g * g
            s *= beta3  # s = β3 s + (d/d0) dlr g
            s += s_weight * g
            s_l1 += float(np.abs(every(s, k)).sum())
        if s_l1 == 0:
            return
        r = beta3 * self.d_numerator + r_new
        d_hat = self.d_coef * r / s_l1
        if d == d0:
            d = max(d, d_hat)
        d_max = max(self.d_max, d_hat)
        d = min(d_max, d * self.growth_rate)
        for p, g, m, v in zip(self.params, grads, ms, self.state["v"]):
            denom = np.sqrt(v) + d * self.eps
            if self.weight_decay != 0 and self.decouple:
                p.data -= self.weight_decay * dlr * p.data
            if beta1 > 0:
                p.data -= dlr * (m / denom)
            else:
                p.data -= dlr * d * (g / denom)
        self.t = t
        self.d, self.d_max, self.d_numerator = d, d_max, r
