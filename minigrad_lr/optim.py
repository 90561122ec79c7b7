"""The optimizer interface, and SGD, exactly as ``torch.optim`` defines it.

Every optimizer shares one interface, documented once in ``Optimizer`` below; each class then gives
its update rule as math, in the order the code computes it, its defaults, the state it keeps, and
how Keras/TensorFlow differ. SGD is here; the adaptive methods, which give every coordinate a step
size of its own (Adam, RMSProp, Adagrad), are in ``adaptive.py``.

The conventions matter for the range test, which changes ``lr`` before every step: PyTorch multiplies
the *whole* step by the current lr, Keras folds each step's lr into its buffers as they are built.

Notation: θ a parameter (``p.data``), g its gradient plus the L2 penalty,
g = ``p.grad`` + weight_decay · θ, t the step number counted from 1, lr the current learning rate.
Each line of a formula is one or two lines of code, written in place (``out=``, augmented assignment)
into arrays allocated once: ``w`` is scratch space the size of the parameters. Every hyper-parameter is
a Python number, so float32 parameters and state stay float32.

References
----------
PyTorch documentation and source of ``torch.optim.Optimizer`` and ``torch.optim.SGD`` (2.x).
I. Sutskever et al., "On the importance of initialization and momentum in deep learning", ICML 2013.
Keras 3 ``keras/src/optimizers/sgd.py``.
"""

import numpy as np

from . import packed
from ._checks import (
    check_buffers,
    check_flag,
    check_non_negative,
    check_params,
    check_positive_int,
)


class Optimizer:
    """The interface of every optimizer (CS231n's ``optim.py`` convention: documented once, here).

    Parameters
    ----------
    params : iterable of Parameter
        The parameters to update, at least one; kept in this order as ``self.params``. Each has
        ``.data`` (a float ndarray, updated in place) and ``.grad`` (same shape and dtype).
    lr : float >= 0
        The learning rate.

    Attributes
    ----------
    params : list of Parameter
    lr : float
        Read and write it between any two steps; the new value applies to the next ``step()``.
        Setting it validates it (finite, >= 0) and stores it as a Python float.
    t : int
        Number of steps taken. ``step()`` increments it first, so inside the formulas t counts from 1.
    state : dict of str to list of ndarray
        The buffers, one list per buffer name, one array per parameter (its shape and dtype).

    Methods
    -------
    zero_grad()
        Set every ``p.grad`` to 0 in place (backward *adds* into ``.grad``).
    step()
        Update every ``p.data`` in place from ``p.grad`` with the current lr.
    state_dict()
        A deep copy ``{"lr": ..., <each hyper-parameter>: ..., "t": ..., <each buffer>: [arrays]}``.
    load_state_dict(state)
        Check ``state`` completely, then copy it in place; resuming gives bit-identical steps.

    Notes
    -----
    One training step, in the order the data flows::

        opt = Adam(model.parameters(), lr=1e-3)
        loss, dlogits = softmax_cross_entropy(model(xb), yb)
        opt.zero_grad()
        model.backward(dlogits)
        opt.step()                 # t becomes 1; θ moves by about lr
        opt.lr = 1e-2              # the next step uses 1e-2

    ``state_dict()`` is flat; for ``Adam(params, amsgrad=True)`` after one step it is
    ``{"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-08, "weight_decay": 0.0, "amsgrad": True,
    "t": 1, "m": [array, ...], "v": [array, ...], "v_max": [array, ...]}`` (each buffer a list with
    one copy per parameter, in the order of ``params``). Each class lists its own keys under "State".

    A subclass validates its hyper-parameters in ``_check_hyper`` (used by ``__init__`` and by
    ``load_state_dict``), names its buffers in ``_buffer_names`` and writes ``step``, whose loop
    ``for theta, g, buffers, w in self.groups()`` visits the parameters: one by one, or, for an
    ``MLP``'s parameters, the whole model at once (``packed.py``, the fast path; same numbers).
    """

    def __init__(self, params, lr, **hyper):
        if type(self) is Optimizer:
            raise TypeError("Optimizer is the interface every optimizer shares, not one itself: "
                            "build SGD, Adam, RMSProp or Adagrad")
        self.params = check_params(params)
        self.lr = lr
        hyper = self._check_hyper(**hyper)
        self._hyper_names = tuple(hyper)
        self._packed = packed.packed_arrays(self.params)  # the flat arrays' views, if the parameters are packed
        self._decayed = []  # room for g = grad + weight_decay · θ, made once weight_decay != 0
        self._set_hyper(hyper)
        self.t = 0
        self.state = {name: self._zeros() for name in self._buffer_names(**hyper)}
        self._work = self._zeros()  # w: scratch space for one step, not state

    @property
    def lr(self):
        """The learning rate of the next step (Python float)."""
        return self._lr

    @lr.setter
    def lr(self, value):
        self._lr = check_non_negative("lr", value)

    def zero_grad(self):
        """Set the gradient of every parameter to zero, in place."""
        for p in self.params:
            p.grad.fill(0)

    def step(self):
        """Update every parameter once; implemented by each optimizer."""
        raise NotImplementedError

    def state_dict(self):
        """Return a deep copy of lr, the hyper-parameters, t and every buffer (see the class docstring)."""
        state = {"lr": self.lr}
        state.update({name: getattr(self, name) for name in self._hyper_names})  # Python scalars and tuples
        state["t"] = self.t
        state.update({name: [b.copy() for b in buffers] for name, buffers in self.state.items()})
        return state

    def load_state_dict(self, state):
        """Restore a ``state_dict()``: check every entry first, then copy the buffers in place.

        Raises
        ------
        TypeError
            ``state`` is not a dict, or an entry has the wrong type.
        ValueError
            A key is missing or unexpected, a value is invalid (message names the key), a buffer
            list has the wrong number of arrays, or an array has the wrong shape or dtype.
        """
        if not isinstance(state, dict):
            raise TypeError(f"state must be a dict from state_dict(), got {type(state).__name__}")
        keys = ("lr", *self._hyper_names, "t", *self.state)
        for key in keys:
            if key not in state:
                raise ValueError(f"state_dict is missing key {key!r} (a {type(self).__name__} needs {keys})")
        for key in state:
            if key not in keys:
                raise ValueError(f"state_dict has unexpected key {key!r} (a {type(self).__name__} has {keys})")
        lr = check_non_negative("lr", state["lr"])
        hyper = self._check_hyper(**{name: state[name] for name in self._hyper_names})
        if self._buffer_names(**hyper) != tuple(self.state):
            raise ValueError(
                f"state_dict's hyper-parameters {hyper} need the buffers {self._buffer_names(**hyper)}, "
                f"but this {type(self).__name__} was built with {tuple(self.state)}"
            )
        t = check_positive_int("t", state["t"], minimum=0)
        for name in self.state:
            check_buffers(name, state[name], self.params)
        # Everything is valid: now change the optimizer.
        self.lr = lr
        self._set_hyper(hyper)
        self.t = t
        for name, buffers in self.state.items():
            for b, saved in zip(buffers, state[name]):
                np.copyto(b, saved)  # a copy: the dict given is never aliased

    def _set_hyper(self, hyper):
        """Store checked hyper-parameters as attributes; make room for g if weight decay starts."""
        for name, value in hyper.items():
            setattr(self, name, value)
        if self.weight_decay != 0 and not self._decayed:
            self._decayed = self._zeros()

    def _zeros(self):
        """One zero array per parameter, its shape and dtype (views of one flat array if the parameters are)."""
        return packed.zeros_like_params(self.params, self._packed)

    def groups(self):
        """Yield ``(θ, g, buffers, w)``: values, gradient with the L2 penalty, state arrays by name, scratch.

        g = grad + weight_decay · θ, written into an array kept for it; with weight_decay = 0, g *is*
        the gradient (nothing is computed or copied). All four are of one shape and dtype: one
        parameter's, or a block of the whole model's (``packed.groups``).
        """
        arrays = {"theta": [p.data for p in self.params], "grad": [p.grad for p in self.params],
                  "w": self._work, "decayed": self._decayed, **self.state}
        for group in packed.groups(self.params, self._packed, arrays):
            g = group["grad"]
            if self.weight_decay != 0:
                g = np.multiply(group["theta"], self.weight_decay, out=group["decayed"])  # g = grad + wd · θ
                g += group["grad"]
            yield group["theta"], g, group, group["w"]


class SGD(Optimizer):
    r"""Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 penalty.

    Parameters
    ----------
    params : iterable of Parameter
    lr : float >= 0, default 1e-3 (torch's default)
    momentum : float >= 0, default 0
        μ. With 0 there is no momentum buffer.
    dampening : float >= 0, default 0
        τ: the new gradient enters the buffer with weight 1 − τ (not on the first step).
    weight_decay : float >= 0, default 0
        L2 penalty added to the gradient: g = grad + weight_decay · θ.
    nesterov : bool, default False
        Nesterov momentum; needs momentum > 0 and dampening = 0.

    Notes
    -----
    Update at step t (torch.optim.SGD)::

        buf_1 = g                                  (the buffer starts as the first gradient)
        buf_t = μ buf_{t−1} + (1 − τ) g            for t > 1
        d     = g + μ buf_t   if nesterov   else   buf_t   (d = g when μ = 0)
        θ    −= lr · d

    State: ``"momentum_buffer"``, buf (only when momentum != 0; torch's name).

    The buffer holds no lr, so the lr of step t multiplies the whole accumulated velocity: when the
    range test raises lr by a factor q, the step of SGD with momentum grows by q at once.
    Keras (``keras.optimizers.SGD``, default lr 0.01) keeps v = μ v − lr · g and θ += v (Nesterov:
    θ += μ v − lr · g); its buffer holds each step's own lr, so raising lr affects only the new
    gradient, and the velocity lags behind the schedule. The two forms agree only while lr is
    constant (then v = −lr · buf). Keras has no dampening, and its ``weight_decay`` is decoupled
    (θ −= lr · weight_decay · θ) rather than an L2 term in g.
    """

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        super().__init__(params, lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                         nesterov=nesterov)

    @staticmethod
    def _check_hyper(momentum, dampening, weight_decay, nesterov):
        momentum = check_non_negative("momentum", momentum)
        dampening = check_non_negative("dampening", dampening)
        nesterov = check_flag("nesterov", nesterov)
        if nesterov and (momentum == 0 or dampening != 0):
            raise ValueError(
                "nesterov=True needs momentum > 0 and dampening = 0, "
                f"got momentum={momentum!r}, dampening={dampening!r}"
            )
        return {"momentum": momentum, "dampening": dampening,
                "weight_decay": check_non_negative("weight_decay", weight_decay), "nesterov": nesterov}

    @staticmethod
    def _buffer_names(momentum, **_):
        return ("momentum_buffer",) if momentum != 0 else ()

    def step(self):
        """One SGD step on every parameter (see the class Notes)."""
        self.t += 1
        lr, mu, tau = self.lr, self.momentum, self.dampening
        for theta, g, buffers, w in self.groups():
            d = g
            if mu != 0:
                buf = buffers["momentum_buffer"]
                if self.t == 1:
                    np.copyto(buf, g)  # buf_1 = g
                else:
                    buf *= mu  # buf = μ buf + (1 − τ) g
                    buf += np.multiply(g, 1 - tau, out=w)
                if self.nesterov:
                    d = np.multiply(buf, mu, out=w)  # d = g + μ buf
                    d += g
                else:
                    d = buf
            theta -= np.multiply(d, lr, out=w)  # θ −= lr · d
