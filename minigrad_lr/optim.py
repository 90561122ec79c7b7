"""Optimizers: SGD, Adam, RMSProp and Adagrad, exactly as ``torch.optim`` defines them.

Every optimizer shares one interface, documented once in ``Optimizer`` below; each class then gives
its update rule as math, its defaults, the state it keeps, and how Keras/TensorFlow differ. The
conventions matter for the range test, which changes ``lr`` before every step: PyTorch multiplies
the *whole* step by the current lr, Keras folds each step's lr into its buffers as they are built.

Notation: θ a parameter (``p.data``), g its gradient plus the L2 penalty,
g = ``p.grad`` + weight_decay · θ, t the step number counted from 1, lr the current learning rate.
Every update is written in place (``out=``, augmented assignment) into arrays allocated once,
and every hyper-parameter is a Python number, so float32 parameters and state stay float32.

References
----------
PyTorch documentation and source of ``torch.optim.SGD``, ``Adam``, ``RMSprop``, ``Adagrad`` (2.x).
I. Sutskever et al., "On the importance of initialization and momentum in deep learning", ICML 2013.
D. P. Kingma and J. Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015.
S. J. Reddi, S. Kale and S. Kumar, "On the Convergence of Adam and Beyond", ICLR 2018 (AMSGrad).
G. Hinton, "Neural Networks for Machine Learning", lecture 6e (RMSProp), 2012.
A. Graves, "Generating Sequences With Recurrent Neural Networks", 2013, eq. 38-45 (centered RMSProp).
J. Duchi, E. Hazan and Y. Singer, "Adaptive Subgradient Methods", JMLR 12, 2011 (Adagrad).
Keras 3 ``keras/src/optimizers/{sgd,adam,rmsprop,adagrad}.py``; TensorFlow 1 ``training/rmsprop.py``.
"""

import math

import numpy as np

from ._checks import check_positive_int, check_real
from .nn import Parameter, _flat_views

BLOCK = 2**16  # numbers per block of a packed update: 256 KB per array in float32 (see Optimizer._groups)


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
    ``load_state_dict``), names its buffers in ``_buffer_names`` and writes ``step``.
    Scratch arrays (one per parameter, plus one for g when weight_decay != 0) hold the
    intermediate results of a step; they are not state and are not saved.

    Every update is elementwise, so it can run on all the parameters at once when they lie side by
    side in memory, as an ``MLP``'s do (``nn._pack``): then the buffers are views of flat arrays too,
    and ``step`` makes one NumPy call per formula for the whole model instead of one per parameter
    (``_groups``). Same numbers either way; for small networks, where NumPy's fixed cost per call
    outweighs the arithmetic, the step is several times faster.
    """

    def __init__(self, params, lr, **hyper):
        self.params = _check_params(params)
        self.lr = lr
        hyper = self._check_hyper(**hyper)
        self._hyper_names = tuple(hyper)
        self._packed = _packed_arrays(self.params)  # (values, gradients) if they tile two flat arrays
        self._decayed = None
        self._set_hyper(hyper)
        self.t = 0
        self.state = {name: self._zeros() for name in self._buffer_names(**hyper)}
        self._work = self._zeros()

    @property
    def lr(self):
        """The learning rate of the next step (Python float)."""
        return self._lr

    @lr.setter
    def lr(self, value):
        self._lr = _non_negative("lr", value)

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
        lr = _non_negative("lr", state["lr"])
        hyper = self._check_hyper(**{name: state[name] for name in self._hyper_names})
        if self._buffer_names(**hyper) != tuple(self.state):
            raise ValueError(
                f"state_dict's hyper-parameters {hyper} need the buffers {self._buffer_names(**hyper)}, "
                f"but this {type(self).__name__} was built with {tuple(self.state)}"
            )
        t = check_positive_int("t", state["t"], minimum=0)
        for name in self.state:
            _check_buffers(name, state[name], self.params)
        # Everything is valid: now change the optimizer.
        self.lr = lr
        self._set_hyper(hyper)
        self.t = t
        for name, buffers in self.state.items():
            for b, saved in zip(buffers, state[name]):
                np.copyto(b, saved)  # a copy: the dict given is never aliased

    def _set_hyper(self, hyper):
        """Store checked hyper-parameters as attributes; make room for g if there is weight decay."""
        for name, value in hyper.items():
            setattr(self, name, value)
        if self.weight_decay != 0 and self._decayed is None:
            self._decayed = self._zeros()

    def _zeros(self):
        """One zero array per parameter, its shape and dtype; views of one flat array if the parameters are packed."""
        if self._packed is None:
            return [np.zeros_like(p.data) for p in self.params]
        return _flat_views(np.zeros_like(self._packed[0][0].base), self.params)

    def _groups(self):
        """Yield ``(θ, g, buffers, w)`` for each group of parameters that one update handles at once.

        θ the values, g the gradient with the L2 penalty, ``buffers`` the state arrays by name (``"m"``,
        ``"v"``, ...), ``w`` scratch space, all of one shape and dtype. When the parameters are still the
        packed views seen at construction, the groups are blocks of ``BLOCK`` consecutive numbers of the
        flat arrays that the views (of the parameters, the buffers and the scratch alike) are slices of:
        a small model is one block, one NumPy call per formula. A block is small enough for its arrays
        to stay in the CPU's cache through the dozen passes of an update (on 668k parameters, blocks are
        25% faster than whole arrays). Otherwise, there is one group per parameter.

        g = grad + weight_decay · θ, written into a buffer kept for it; with weight_decay = 0, g *is*
        the gradient (nothing is computed or copied).
        """
        arrays = {"theta": [p.data for p in self.params], "grad": [p.grad for p in self.params], "w": self._work,
                  "decayed": self._decayed, **self.state}  # name -> one array per parameter
        if self._packed is not None and all(p.data is d and p.grad is g for p, d, g in zip(self.params, *self._packed)):
            flat = {name: views[0].base for name, views in arrays.items() if views}
            groups = [{name: a[i:i + BLOCK] for name, a in flat.items()} for i in range(0, flat["theta"].size, BLOCK)]
        else:
            groups = [{name: views[i] for name, views in arrays.items() if views} for i in range(len(self.params))]
        for group in groups:
            g = group["grad"]
            if self.weight_decay != 0:
                g = np.multiply(group["theta"], self.weight_decay, out=group["decayed"])
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

        b_1 = g                                  (the buffer starts as the first gradient)
        b_t = μ b_{t−1} + (1 − τ) g              for t > 1
        d   = g + μ b_t   if nesterov   else   b_t   (d = g when μ = 0)
        θ  −= lr · d

    State: ``"b"``, the momentum buffer b (only when momentum != 0).

    The buffer b holds no lr, so the lr of step t multiplies the whole accumulated velocity: when the
    range test raises lr by a factor q, the step of SGD with momentum grows by q at once.
    Keras (``keras.optimizers.SGD``, default lr 0.01) keeps v = μ v − lr · g and θ += v (Nesterov:
    θ += μ v − lr · g); its buffer holds each step's own lr, so raising lr affects only the new
    gradient, and the velocity lags behind the schedule. The two forms agree only while lr is
    constant (then v = −lr · b). Keras has no dampening, and its ``weight_decay`` is decoupled
    (θ −= lr · weight_decay · θ) rather than an L2 term in g.
    """

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        super().__init__(params, lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                         nesterov=nesterov)

    @staticmethod
    def _check_hyper(momentum, dampening, weight_decay, nesterov):
        momentum = _non_negative("momentum", momentum)
        dampening = _non_negative("dampening", dampening)
        nesterov = _flag("nesterov", nesterov)
        if nesterov and (momentum == 0 or dampening != 0):
            raise ValueError(
                "nesterov=True needs momentum > 0 and dampening = 0, "
                f"got momentum={momentum!r}, dampening={dampening!r}"
            )
        return {"momentum": momentum, "dampening": dampening,
                "weight_decay": _non_negative("weight_decay", weight_decay), "nesterov": nesterov}

    @staticmethod
    def _buffer_names(momentum, **_):
        return ("b",) if momentum != 0 else ()

    def step(self):
        """One SGD step on every parameter (see the class Notes)."""
        self.t += 1
        lr, mu, tau = self.lr, self.momentum, self.dampening
        for theta, g, buffers, w in self._groups():
            d = g
            if mu != 0:
                b = buffers["b"]
                if self.t == 1:
                    np.copyto(b, g)  # b_1 = g
                else:
                    b *= mu  # b = μ b + (1 − τ) g
                    b += np.multiply(g, 1 - tau, out=w)
                if self.nesterov:
                    d = np.multiply(b, mu, out=w)  # d = g + μ b
                    d += g
                else:
                    d = b
            theta -= np.multiply(d, lr, out=w)  # θ −= lr · d


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
    Update at step t (torch.optim.Adam)::

        m  = β1 m + (1 − β1) g                  first moment
        v  = β2 v + (1 − β2) g²                 second moment
        v_max = max(v_max, v)                   amsgrad only; then v_max replaces v below
        m̂  = m / (1 − β1^t),   v̂ = v / (1 − β2^t)
        θ −= lr · m̂ / (√v̂ + eps)

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
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        return {"betas": (_fraction("betas[0]", betas[0]), _fraction("betas[1]", betas[1])),
                "eps": _non_negative("eps", eps), "weight_decay": _non_negative("weight_decay", weight_decay),
                "amsgrad": _flag("amsgrad", amsgrad)}

    @staticmethod
    def _buffer_names(amsgrad, **_):
        return ("m", "v", "v_max") if amsgrad else ("m", "v")

    def step(self):
        """One Adam step on every parameter (see the class Notes)."""
        self.t += 1
        beta1, beta2 = self.betas
        # lr · m̂ / (√v̂ + eps) = c · m / (√v + eps'), with c = lr · √(1 − β2^t) / (1 − β1^t) and
        # eps' = eps · √(1 − β2^t): the bias corrections become two scalars, not two passes over the arrays.
        root_bias2 = math.sqrt(1 - beta2**self.t)
        c = self.lr * root_bias2 / (1 - beta1**self.t)
        for theta, g, buffers, w in self._groups():
            m, v = buffers["m"], buffers["v"]
            m *= beta1  # m = β1 m + (1 − β1) g
            m += np.multiply(g, 1 - beta1, out=w)
            v *= beta2  # v = β2 v + (1 − β2) g²
            np.square(g, out=w)
            w *= 1 - beta2
            v += w
            if self.amsgrad:
                v = buffers["v_max"]
                np.maximum(v, buffers["v"], out=v)  # v_max = max(v_max, v), used as v below
            np.sqrt(v, out=w)  # w = √v + eps'
            w += self.eps * root_bias2
            np.divide(m, w, out=w)  # θ −= c · m / (√v + eps')
            w *= c
            theta -= w


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
        b = μ b + g / (√ṽ + eps),   θ −= lr · b  momentum > 0
        θ −= lr · g / (√ṽ + eps)                  momentum = 0

    State: ``"v"``, ``"g_avg"`` (ḡ, centered only) and ``"b"`` (momentum > 0 only), all starting at zero.
    There is no bias correction: the first step divides by √(1 − α) |g|, a step of about
    lr / √(1 − α) = 10 lr per coordinate with the default α.

    Keras (``keras.optimizers.RMSprop``) differs in four ways: default lr 1e-3 and ``rho`` 0.9 (torch's
    alpha 0.99, which averages over ~100 steps instead of ~10); eps 1e-7 is added *inside* the square
    root, lr · g / √(ṽ + ε); and its momentum buffer accumulates lr-scaled increments
    (b = μ b + lr · g / √(ṽ + ε), θ −= b), so a new lr does not rescale it, as for SGD.
    TensorFlow 1's ``tf.train.RMSPropOptimizer`` also starts v at 1 rather than 0 (eps 1e-10, inside).
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                 centered=False):
        super().__init__(params, lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                         centered=centered)

    @staticmethod
    def _check_hyper(alpha, eps, weight_decay, momentum, centered):
        return {"alpha": _fraction("alpha", alpha), "eps": _non_negative("eps", eps),
                "weight_decay": _non_negative("weight_decay", weight_decay),
                "momentum": _non_negative("momentum", momentum), "centered": _flag("centered", centered)}

    @staticmethod
    def _buffer_names(momentum, centered, **_):
        return ("v",) + (("g_avg",) if centered else ()) + (("b",) if momentum != 0 else ())

    def step(self):
        """One RMSProp step on every parameter (see the class Notes)."""
        self.t += 1
        lr, alpha, mu = self.lr, self.alpha, self.momentum
        for theta, g, buffers, w in self._groups():
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
                b = buffers["b"]
                b *= mu  # b = μ b + g / (√ṽ + eps)
                b += w
                theta -= np.multiply(b, lr, out=w)  # θ −= lr · b
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
        return {"lr_decay": _non_negative("lr_decay", lr_decay),
                "weight_decay": _non_negative("weight_decay", weight_decay),
                "initial_accumulator_value": _non_negative("initial_accumulator_value", initial_accumulator_value),
                "eps": _non_negative("eps", eps)}

    @staticmethod
    def _buffer_names(**_):
        return ("s",)

    def step(self):
        """One Adagrad step on every parameter (see the class Notes)."""
        self.t += 1
        lr_t = self.lr / (1 + (self.t - 1) * self.lr_decay)
        for theta, g, buffers, w in self._groups():
            s = buffers["s"]
            s += np.square(g, out=w)  # s += g²
            np.sqrt(s, out=w)  # w = g / (√s + eps)
            w += self.eps
            np.divide(g, w, out=w)
            theta -= np.multiply(w, lr_t, out=w)  # θ −= lr_t · g / (√s + eps)


# --- argument checks: each error names the argument and the value it got --------------------------


def _check_params(params):
    if isinstance(params, Parameter):
        raise TypeError(f"params must be a list of Parameter objects, got a single {params!r}; wrap it in a list")
    try:
        params = list(params)
    except TypeError:
        raise TypeError(f"params must be an iterable of Parameter objects, got {type(params).__name__}") from None
    if not params:
        raise ValueError("params must hold at least one Parameter, got an empty list")
    seen = set()
    for i, p in enumerate(params):
        if not isinstance(p, Parameter):
            raise TypeError(f"params[{i}] must be a minigrad_lr.nn.Parameter, got {type(p).__name__}")
        if not (isinstance(p.data, np.ndarray) and np.issubdtype(p.data.dtype, np.floating)):
            raise TypeError(f"params[{i}] ({p.name!r}) must hold a float ndarray, got {type(p.data).__name__} "
                            f"of dtype {getattr(p.data, 'dtype', None)}")
        if id(p) in seen:
            raise ValueError(f"params[{i}] ({p.name!r}) appears more than once in params")
        seen.add(id(p))
    return params


def _packed_arrays(params):
    """``(values, gradients)``, two lists of arrays, if they are exactly the views ``nn._pack`` makes, else None.

    That is: each list tiles one flat, contiguous, writable array (its ``.base``) with consecutive slices
    shaped like the parameters, in order and with nothing left over.
    """
    packed = ([p.data for p in params], [p.grad for p in params])
    for arrays in packed:
        flat = arrays[0].base
        if not (isinstance(flat, np.ndarray) and flat.ndim == 1 and flat.flags.c_contiguous and flat.flags.writeable
                and flat.size == sum(a.size for a in arrays)):
            return None
        expected = _flat_views(flat, params)
        if any(a.base is not flat or a.__array_interface__ != e.__array_interface__ for a, e in zip(arrays, expected)):
            return None
    return packed


def _non_negative(name, value):
    value = check_real(name, value)
    if value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return value


def _fraction(name, value):
    value = check_real(name, value)
    if not 0 <= value < 1:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")
    return value


def _flag(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def _check_buffers(name, saved, params):
    if not isinstance(saved, (list, tuple)):
        raise TypeError(f"state_dict[{name!r}] must be a list of arrays, one per parameter, got {type(saved).__name__}")
    if len(saved) != len(params):
        raise ValueError(f"state_dict[{name!r}] must hold one array per parameter ({len(params)}), got {len(saved)}")
    for i, (array, p) in enumerate(zip(saved, params)):
        if not isinstance(array, np.ndarray):
            raise TypeError(f"state_dict[{name!r}][{i}] must be an ndarray, got {type(array).__name__}")
        if array.shape != p.data.shape:
            raise ValueError(f"state_dict[{name!r}][{i}] has shape {array.shape}, but parameter {p.name!r} "
                             f"has shape {p.data.shape}")
        if array.dtype != p.data.dtype:
            raise ValueError(f"state_dict[{name!r}][{i}] has dtype {array.dtype}, but parameter {p.name!r} "
                             f"has dtype {p.data.dtype}")
