"""D-Adaptation: SGD and Adam whose step size d estimates the distance D from the start to a solution.

Both keep s, a weighted sum of the gradients, and the weighted sum r of the inner products of each
gradient with s; their ratio d̂ (r over a norm of s) is, for convex problems, a lower bound on D,
and d, which starts at d0, rises towards the largest d̂ so far and never falls. ``lr`` multiplies d.
See ``lr_free.py`` for what the learning-rate-free optimizers share.

References
----------
A. Defazio and K. Mishchenko, "Learning-Rate-Free Learning by D-Adaptation", ICML 2023.
Package ``dadaptation`` 3.2, classes ``DAdaptSGD`` (``dadapt_sgd.py``) and ``DAdaptAdam`` (``dadapt_adam.py``).
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
    check_real,
)
from .lr_free import LRFreeOptimizer


class DAdaptSGD(LRFreeOptimizer):
    r"""SGD with D-Adaptation, exactly as ``dadaptation.DAdaptSGD`` (3.2) with all parameters as one group.

    Parameters
    ----------
    params : iterable of Parameter
    lr : float > 0, default 1.0
        Multiplier of the adapted step (the authors advise leaving it at 1).
    momentum : float in [0, 1), default 0
        β of the primal averaging x = β x + (1 − β) z (not heavy-ball momentum).
    weight_decay : float >= 0, default 0
        L2 penalty added to the gradient: g = grad + weight_decay · x.
    d0 : float > 0, default 1e-6
        The starting estimate of D (keyword-only, as every argument after a left-out one).
    growth_rate : float >= 1 or inf, default inf
        d grows by at most this factor per step (no limit by default).

    Attributes
    ----------
    d : float
        The estimate of D that the next step uses; d0 at first.
    numerator_weighted, g0_norm : float
        r and ‖g_0‖ below (0.0 before the first step).

    Notes
    -----
    Step t, x all the parameters as one vector, x_0 their value at the first step, g_0 the first gradient::

        λ  = d · lr / ‖g_0‖
        r  = r + λ ⟨g, s⟩                       s before this step's update; r starts at 0
        s  = s + λ g                            s starts at 0
        d̂  = 2 r / ‖s‖
        d  = max(d, min(d̂, growth_rate · d))    used from the next step on
        z  = x_0 − s                            dual averaging
        x  = β x + (1 − β) z                    β = momentum; with β = 0, x = z

    State: the buffers ``"s"`` and ``"x0"`` (copied at the first step) and the scalars ``d``,
    ``numerator_weighted`` (r) and ``g0_norm``. The package also keeps z, which x_0 − s gives again.
    It computes ‖g_0‖ from the gradient *without* the L2 term, while g includes it; so does this.
    A step with lr = 0 changes nothing (the package fails there), and so does a zero first
    gradient, which raises ValueError (the package divides by zero).

    The core is the paper's SGD variant of D-Adaptation; growth_rate and weight_decay are the package's.
    Left out: ``log_every`` (logging) and ``fsdp_in_use`` (distributed training).
    """

    SCALARS = {"d": check_positive, "numerator_weighted": check_real, "g0_norm": check_non_negative}

    def __init__(self, params, lr=1.0, momentum=0.0, weight_decay=0.0, *, d0=1e-6, growth_rate=math.inf):
        super().__init__(params, lr, momentum=momentum, weight_decay=weight_decay, d0=d0, growth_rate=growth_rate)
        self.d, self.numerator_weighted, self.g0_norm = self.d0, 0.0, 0.0

    @staticmethod
    def _check_hyper(momentum, weight_decay, d0, growth_rate):
        return {"momentum": check_fraction("momentum", momentum),
                "weight_decay": check_non_negative("weight_decay", weight_decay),
                "d0": check_positive("d0", d0), "growth_rate": check_growth_rate("growth_rate", growth_rate)}

    @staticmethod
    def _buffer_names(**_):
        return ("s", "x0")

    def step(self):
        """One DAdaptSGD step on all the parameters (see the class Notes)."""
        if self.lr == 0:
            return
        if self.t == 0:
            g0_norm = math.sqrt(sum(float(np.vdot(p.grad, p.grad)) for p in self.params))  # no L2 term
            if g0_norm == 0:
                raise ValueError("DAdaptSGD's first gradient is zero, but its steps are d · lr / ‖g_0‖")
            for p, x0 in zip(self.params, self.state["x0"]):
                np.copyto(x0, p.data)
        else:
            g0_norm = self.g0_norm
        lam = self.d * self.lr / g0_norm  # λ
        r, s_sq = self.numerator_weighted, 0.0
        for p, s in zip(self.params, self.state["s"]):
            g = p.grad + self.weight_decay * p.data if self.weight_decay != 0 else p.grad
            r += lam * float(np.vdot(g, s))  # r = r + λ ⟨g, s⟩
            s += lam * g  # s = s + λ g
            s_sq += float(np.vdot(s, s))
        d_hat = 2 * r / math.sqrt(s_sq)
        d = max(self.d, min(d_hat, self.d * self.growth_rate))
        ck = 1 - self.momentum  # the package's weight of z
        for p, s, x0 in zip(self.params, self.state["s"], self.state["x0"]):
            z = x0 - s
            p.data *= 1 - ck  # x = β x + (1 − β) z
            p.data += ck * z
        self.t += 1
        self.d, self.numerator_weighted, self.g0_norm = d, r, g0_norm


class DAdaptAdam(LRFreeOptimizer):
    r"""Adam with D-Adaptation, exactly as ``dadaptation.DAdaptAdam`` (3.2) with all parameters as one group.

    Parameters
    ----------
    params : iterable of Parameter
    lr : float > 0, default 1.0
        Multiplier of the adapted step (the authors advise leaving it at 1).
    betas : (float, float), each in [0, 1), default (0.9, 0.999)
        β1 and β2 of Adam's averages; √β2 also weights r and s.
    eps : float > 0, default 1e-8
        Added to √v.
    weight_decay : float >= 0, default 0
        L2 penalty added to the gradient, or decoupled (below).
    decouple : bool, default False
        Decoupled weight decay (AdamW): x −= weight_decay · dlr · x, and g is the gradient alone.
        Keyword-only, as every argument after a left-out one.
    use_bias_correction : bool, default False
        Multiply the step by Adam's bias correction bc = √(1 − β2^t) / (1 − β1^t); else bc = 1.
    d0 : float > 0, default 1e-6
        The starting estimate of D.
    growth_rate : float >= 1 or inf, default inf
        d grows by at most this factor per step (no limit by default).

    Attributes
    ----------
    d : float
        The estimate of D that the next step uses; d0 at first.
    numerator_weighted : float
        r below (0.0 at first).

    Notes
    -----
    Step t (t counts from 1), g = grad (+ weight_decay · x unless decouple), ⟨·,·⟩ and ‖·‖₁ over all
    the parameters as one vector::

        dlr = d · lr · bc
        r   = √β2 r + (1 − √β2) · dlr · ⟨g, s / (√v + eps)⟩     s and v before this step's update
        m   = β1 m + dlr (1 − β1) g                           m holds the step size
        v   = β2 v + (1 − β2) g²
        s   = √β2 s + dlr (1 − √β2) g
        d̂   = r / ((1 − √β2) ‖s‖₁)
        d   = max(d, min(d̂, growth_rate · d))                used from the next step on
        x  −= weight_decay · dlr · x                          decouple only
        x  −= m / (√v + eps)

    State: the buffers ``"m"``, ``"v"``, ``"s"`` (the package's exp_avg, exp_avg_sq, s) and the
    scalars ``d`` and ``numerator_weighted`` (r). A step with lr = 0, or while every gradient so far
    is zero (s = 0), changes nothing and is not counted in t, as in the package.

    The core is the paper's Adam variant of D-Adaptation; growth_rate, weight decay, decouple and
    bias correction are the package's (its per-group ``layer_scale`` is 1 here, with one group).
    Left out: ``log_every`` (logging) and ``fsdp_in_use`` (distributed training).
    """

    SCALARS = {"d": check_positive, "numerator_weighted": check_real}

    def __init__(self, params, lr=1.0, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, *, decouple=False,
                 use_bias_correction=False, d0=1e-6, growth_rate=math.inf):
        super().__init__(params, lr, betas=betas, eps=eps, weight_decay=weight_decay, decouple=decouple,
                         use_bias_correction=use_bias_correction, d0=d0, growth_rate=growth_rate)
        self.d, self.numerator_weighted = self.d0, 0.0

    @staticmethod
    def _check_hyper(betas, eps, weight_decay, decouple, use_bias_correction, d0, growth_rate):
        return {"betas": check_betas("betas", betas), "eps": check_positive("eps", eps),
                "weight_decay": check_non_negative("weight_decay", weight_decay),
                "decouple": check_flag("decouple", decouple),
                "use_bias_correction": check_flag("use_bias_correction", use_bias_correction),
                "d0": check_positive("d0", d0), "growth_rate": check_growth_rate("growth_rate", growth_rate)}

    @staticmethod
    def _buffer_names(**_):
        return ("m", "v", "s")

    def step(self):
        """One DAdaptAdam step on all the parameters (see the class Notes)."""
        if self.lr == 0:
            return
        beta1, beta2 = self.betas
        t = self.t + 1
        bc = (1 - beta2**t) ** 0.5 / (1 - beta1**t) if self.use_bias_correction else 1
        dlr = self.d * self.lr * bc
        sqrt_beta2 = beta2**0.5
        coupled = self.weight_decay != 0 and not self.decouple
        r_new, s_l1 = 0.0, 0.0  # the new term of r, and ‖s‖₁
        for p, m, v, s in zip(self.params, self.state["m"], self.state["v"], self.state["s"]):
            g = p.grad + self.weight_decay * p.data if coupled else p.grad
            r_new += dlr * float(np.vdot(g, s / (np.sqrt(v) + self.eps)))
            m *= beta1  # m = β1 m + dlr (1 − β1) g
            m += dlr * (1 - beta1) * g
            v *= beta2  # v = β2 v + (1 − β2) g²
            v += (1 - beta2) * g * g
            s *= sqrt_beta2  # s = √β2 s + dlr (1 − √β2) g
            s += dlr * (1 - sqrt_beta2) * g
            s_l1 += float(np.abs(s).sum())
        r = sqrt_beta2 * self.numerator_weighted + (1 - sqrt_beta2) * r_new
        if s_l1 == 0:
            return
        d_hat = r / ((1 - sqrt_beta2) * s_l1)
        d = max(self.d, min(d_hat, self.d * self.growth_rate))
        for p, m, v in zip(self.params, self.state["m"], self.state["v"]):
            if self.weight_decay != 0 and self.decouple:
                p.data -= self.weight_decay * dlr * p.data
            p.data -= m / (np.sqrt(v) + self.eps)
        self.t = t
        self.d, self.numerator_weighted = d, r
