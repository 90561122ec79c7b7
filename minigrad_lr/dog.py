"""DoG, "Distance over Gradients": SGD whose step size is the distance travelled over the gradients' size.

The step size η_t = r̄_t / √G_t divides the largest distance from the starting point seen so far by
the root of the summed squared gradient norms, both over all the parameters as one vector: no
learning rate to tune (``lr`` only multiplies η). See ``lr_free.py`` for what the learning-rate-free
optimizers share.

References
----------
M. Ivgi, O. Hinder and Y. Carmon, "DoG is SGD's Best Friend: A Parameter-Free Dynamic Step Size
Schedule", ICML 2023. Package ``dog-optimizer`` 1.0.3, class ``dog.DoG``.
"""

import math

import numpy as np

from ._checks import check_non_negative, check_positive
from .lr_free import LRFreeOptimizer


class DoG(LRFreeOptimizer):
    r"""DoG, exactly as ``dog.DoG`` (dog-optimizer 1.0.3) with all parameters as its one group.

    Parameters
    ----------
    params : iterable of Parameter
    reps_rel : float > 0, default 1e-6
        Sets the first "distance" r̄_1 = reps_rel · (1 + ‖x_0‖) (r_ε of the paper), which fixes the
        size of the first step; the authors suggest 1e-4 for models with batch normalization.
        Set to 0 when init_eta is given.
    lr : float > 0, default 1.0
        c, the multiplier of η (the authors advise leaving it at 1).
    weight_decay : float >= 0, default 0
        L2 penalty added to the gradient: g = grad + weight_decay · x.
    eps : float >= 0, default 1e-8
        Added once, at the first step, to the sum of squared gradient norms.
    init_eta : float > 0 or None, default None
        If given, the first step size η_1 itself (lr does not multiply it); then reps_rel is 0.

    Attributes
    ----------
    eta : float
        η_t, the step size of the last step (0.0 before the first step).
    rbar, G : float
        r̄_t and G_t of the last step (0.0 before the first step).

    Notes
    -----
    Step t (t counts from 1), x all the parameters as one vector, x_0 their value at the first step::

        r̄_1 = reps_rel · (1 + ‖x_0‖),     r̄_t = max(r̄_{t−1}, ‖x_t − x_0‖)      distance travelled
        G_1 = ‖g_1‖² + eps,                G_t = G_{t−1} + ‖g_t‖²                 squared gradients
        η_t = lr · r̄_t / √G_t                                   (η_1 = init_eta if it is given)
        x_{t+1} = x_t − η_t g_t

    State: the buffer ``"x0"`` (x_0, copied at the first step) and the scalars ``rbar``, ``G``, ``eta``.
    With lr = 0, η = 0: x stays where it is, while r̄ and G are updated. A zero first gradient with
    eps = 0 (G_1 = 0) raises ValueError, and changes nothing; the package fails an assertion.

    The paper's DoG is η_t = r̄_t / √(Σ_{i≤t} ‖g_i‖²), with r̄_t = max(r_ε, max_{i≤t} ‖x_i − x_0‖);
    eps, lr, weight_decay and init_eta are the package's. DoG never decays its step: the authors
    stress that it needs iterate averaging to do its best (the package's ``PolynomialDecayAverager``),
    which is not part of this optimizer, and neither is the package's layer-wise ``LDoG``.
    """

    SCALARS = {"rbar": check_non_negative, "G": check_non_negative, "eta": check_non_negative}

    def __init__(self, params, reps_rel=1e-6, lr=1.0, weight_decay=0.0, eps=1e-8, init_eta=None):
        super().__init__(params, lr, reps_rel=reps_rel, weight_decay=weight_decay, eps=eps, init_eta=init_eta)
        self.rbar = self.G = self.eta = 0.0

    @staticmethod
    def _check_hyper(reps_rel, weight_decay, eps, init_eta):
        if init_eta is None:
            reps_rel = check_positive("reps_rel", reps_rel)
        else:
            init_eta = check_positive("init_eta", init_eta)
            reps_rel = 0.0  # the package ignores reps_rel then: r̄_1 = 0
        return {"reps_rel": reps_rel, "weight_decay": check_non_negative("weight_decay", weight_decay),
                "eps": check_non_negative("eps", eps), "init_eta": init_eta}

    @staticmethod
    def _buffer_names(**_):
        return ("x0",)

    def step(self):
        """One DoG step on all the parameters (see the class Notes)."""
        first = self.t == 0
        grads = [p.grad + self.weight_decay * p.data if self.weight_decay != 0 else p.grad for p in self.params]
        grad_sq = sum(float(np.vdot(g, g)) for g in grads)  # ‖g_t‖²
        if first:
            G = grad_sq + self.eps
            if G == 0:
                raise ValueError("DoG's first gradient is zero and eps = 0, so its first step size r̄/√G "
                                 "would divide by zero; use eps > 0 or init_eta")
            rbar = self.reps_rel * (1 + math.sqrt(sum(float(np.vdot(p.data, p.data)) for p in self.params)))
            for p, x0 in zip(self.params, self.state["x0"]):
                np.copyto(x0, p.data)
        else:
            G = self.G + grad_sq
            distance_sq = 0.0  # ‖x_t − x_0‖²
            for p, x0 in zip(self.params, self.state["x0"]):
                delta = p.data - x0
                distance_sq += float(np.vdot(delta, delta))
            rbar = max(self.rbar, math.sqrt(distance_sq))
        eta = self.init_eta if first and self.init_eta is not None else self.lr * rbar / math.sqrt(G)
        for p, g in zip(self.params, grads):
            p.data -= eta * g  # x_{t+1} = x_t − η_t g_t
        self.t += 1
        self.rbar, self.G, self.eta = rbar, G, eta
