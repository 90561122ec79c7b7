"""A multi-layer perceptron in NumPy, with every gradient written out by hand.

Each layer has a ``forward`` that computes its output and keeps (caches) what the gradient needs,
and right beside it a ``backward`` that receives ``dout`` = d loss / d output and applies the chain
rule: it *adds* d loss / d parameter into each ``Parameter.grad`` and returns d loss / d input.
An ``MLP`` is a list of layers: forward runs them in order, backward in reverse order.

Conventions (the same as PyTorch's, so results can be compared with it):

- a batch is a 2-D array ``x`` of shape ``(N, D)``: N examples, D features each;
- ``Linear`` computes ``y = x @ W + b`` with ``W`` of shape ``(in, out)``;
- gradients accumulate, as ``loss.backward()`` does: call ``zero_grad()`` between steps;
- every array keeps the dtype of the model (float32 by default, float64 on request).

References
----------
A. Karpathy, micrograd (the local derivative written next to each operation) and CS231n
``layers.py`` (forward/backward pairs with a cache, shapes in every docstring).
PyTorch ``torch.nn.Linear`` (default initialisation) and ``torch.nn.init.kaiming_normal_`` ("he").
K. He et al., "Delving Deep into Rectifiers", ICCV 2015 (the variance 2 / fan_in for ReLU networks).
"""

import math
from collections.abc import Mapping

import numpy as np

from ._checks import (
    check_choice,
    check_dout,
    check_dtype,
    check_finite_array,
    check_flag,
    check_float_ndarray,
    check_generator,
    check_positive_int,
    check_real_array,
    check_sizes,
    check_string,
)
from .packed import pack

INITS = ("torch", "he")


class Parameter:
    """An array the optimizer updates, with the gradient that backward accumulates.

    Parameters
    ----------
    data : ndarray
        The values; updated in place by the optimizer (float32 or float64 for the optimizers).
    name : str
        E.g. ``"W1"``; the key of this array in ``MLP.state_dict()``.

    Attributes
    ----------
    data : ndarray
    grad : ndarray, same shape and dtype as ``data``
        d loss / d data, summed over every ``backward`` since the last ``zero_grad``; zeros at first.
    name : str
    """

    def __init__(self, data, name):
        if not isinstance(data, np.ndarray):
            raise TypeError(f"data must be an ndarray, got {type(data).__name__}; use np.asarray")
        self.data = data
        self.grad = np.zeros_like(data)
        self.name = check_string("name", name)

    def __repr__(self):
        return f"Parameter({self.name!r}, shape={self.data.shape}, dtype={self.data.dtype})"


class Linear:
    """Fully connected layer ``y = x @ W + b``.

    Parameters
    ----------
    in_features, out_features : int >= 1
    init : {"torch", "he"}, default "torch"
        ``"torch"``: W and b ~ U(−1/√in, 1/√in), the default of ``torch.nn.Linear``.
        ``"he"``: W ~ N(0, 2/in), b = 0 (He et al. 2015), suited to ReLU networks.
    rng : numpy.random.Generator or int, default 0
        Where the initial values come from (an int is a seed for ``np.random.default_rng``).
        W is drawn first, then b, in float64, then rounded to ``dtype``.
    dtype : np.float32 or np.float64, default np.float32
    name : str, default ""
        Suffix of the parameter names: ``"W" + name`` and ``"b" + name`` (the MLP passes "1", "2", ...).

    Attributes
    ----------
    W : Parameter, shape (in_features, out_features)
    b : Parameter, shape (out_features,)
    """

    def __init__(self, in_features, out_features, *, init="torch", rng=0, dtype=np.float32, name=""):
        self.in_features = check_positive_int("in_features", in_features)
        self.out_features = check_positive_int("out_features", out_features)
        dtype = check_dtype(dtype)
        check_choice("init", init, INITS)
        name = check_string("name", name)
        rng = check_generator("rng", rng)
        shape = (self.in_features, self.out_features)
        if init == "torch":
            bound = 1.0 / math.sqrt(self.in_features)
            W = rng.uniform(-bound, bound, size=shape)
            b = rng.uniform(-bound, bound, size=self.out_features)
        else:  # "he"
            W = rng.normal(0.0, math.sqrt(2.0 / self.in_features), size=shape)
            b = np.zeros(self.out_features)
        self.W = Parameter(W.astype(dtype), "W" + name)
        self.b = Parameter(b.astype(dtype), "b" + name)
        self._x = None  # the input of the last forward: backward needs it for dW

    def forward(self, x):
        """``y = x @ W + b``.

        Parameters
        ----------
        x : ndarray, shape (N, in_features), of the layer's dtype

        Returns
        -------
        y : ndarray, shape (N, out_features)
        """
        check_float_ndarray("x", x, self.W.data.dtype)
        if x.ndim != 2 or x.shape[1] != self.in_features:
            raise ValueError(f"x must have shape (N, {self.in_features}), got {x.shape}")
        self._x = x
        y = x @ self.W.data
        y += self.b.data  # in place: no second (N, out) array
        return y

    def backward(self, dout, input_grad=True):
        """Chain rule for ``y = x @ W + b``, given ``dout`` = dL/dy.

        From ``y_nj = Σ_i x_ni W_ij + b_j``: ``∂L/∂W_ij = Σ_n x_ni dout_nj``, ``∂L/∂b_j = Σ_n dout_nj``
        and ``∂L/∂x_ni = Σ_j dout_nj W_ij``, that is

        ``dW += xᵀ @ dout`` (in, out), ``db += Σ_n dout[n]`` (out,), ``dx = dout @ Wᵀ`` (N, in).

        Parameters
        ----------
        dout : ndarray, shape (N, out_features), of the layer's dtype
        input_grad : bool, default True
            Compute dx. The first layer of a network does not need it (nobody updates the data),
            so training skips this matmul, as PyTorch does for inputs that do not require grad.

        Returns
        -------
        dx : ndarray, shape (N, in_features), or None when ``input_grad`` is False
        """
        x = self._x
        if x is None:
            raise RuntimeError("Linear.backward called before forward: there is no input to differentiate at")
        check_dout(dout, (x.shape[0], self.out_features), x.dtype)
        input_grad = check_flag("input_grad", input_grad)
        self.W.grad += x.T @ dout  # in place: the optimizer holds these very arrays
        self.b.grad += dout.sum(axis=0)
        return dout @ self.W.data.T if input_grad else None

    def parameters(self):
        """``[W, b]``."""
        return [self.W, self.b]


class ReLU:
    """``y = max(x, 0)``, elementwise; any shape.

    The derivative is 1 where x > 0 and 0 elsewhere (0 at x = 0 too, as in PyTorch).
    """

    def __init__(self):
        self._mask = None  # x > 0, as booleans (one byte per entry)
        self._dtype = None  # of x, and so of the output and of dout

    def forward(self, x):
        """``y = max(x, 0)``; ``x`` a float ndarray, ``y`` of its shape and dtype."""
        check_float_ndarray("x", x)
        self._mask, self._dtype = x > 0, x.dtype
        return np.maximum(x, 0)  # NaN stays NaN, −inf gives 0

    def backward(self, dout, input_grad=True):
        """``dx = dout ⊙ [x > 0]``; ``None`` when ``input_grad`` is False (no parameters to update)."""
        if self._mask is None:
            raise RuntimeError("ReLU.backward called before forward")
        check_dout(dout, self._mask.shape, self._dtype)
        return dout * self._mask if check_flag("input_grad", input_grad) else None

    def parameters(self):
        """``[]``: ReLU has no parameters."""
        return []


class Tanh:
    """``y = tanh(x)``, elementwise; any shape."""

    def __init__(self):
        self._y = None  # the output: tanh' = 1 − tanh² is cheapest from it

    def forward(self, x):
        """``y = tanh(x)``; ``x`` a float ndarray, ``y`` of its shape and dtype."""
        self._y = np.tanh(check_float_ndarray("x", x))
        return self._y

    def backward(self, dout, input_grad=True):
        """``dx = dout ⊙ (1 − y²)``; ``None`` when ``input_grad`` is False (no parameters to update)."""
        y = self._y
        if y is None:
            raise RuntimeError("Tanh.backward called before forward")
        check_dout(dout, y.shape, y.dtype)
        if not check_flag("input_grad", input_grad):
            return None
        dx = 1 - y * y
        dx *= dout  # in place: one (N, D) array in all
        return dx

    def parameters(self):
        """``[]``: Tanh has no parameters."""
        return []


ACTIVATIONS = {"relu": ReLU, "tanh": Tanh}


class MLP:
    """Multi-layer perceptron: Linear, activation, Linear, ..., Linear (no activation on the output).

    Parameters
    ----------
    sizes : sequence of int >= 1, length >= 2
        Widths from input to output, e.g. ``[64, 32, 10]``: 64 features in, one hidden layer of 32
        units, 10 outputs (the logits of 10 classes).
    activation : {"relu", "tanh"}, default "relu"
        After every Linear layer but the last.
    seed : int >= 0, default 0
        Seed of the one generator that initialises every layer, first to last (W then b of each):
        the same seed gives the same weights bit for bit, and float32 weights are the float64 ones rounded.
    dtype : np.float32 or np.float64, default np.float32
        dtype of every parameter, gradient and output.
    init : {"torch", "he"}, default "torch"
        See ``Linear``.

    Attributes
    ----------
    sizes : tuple of int
    dtype : numpy.dtype
    layers : list of Linear, ReLU and Tanh, in the order forward runs them

    Notes
    -----
    The values of all the parameters lie side by side in one flat array, and so do the gradients:
    each ``p.data`` and ``p.grad`` is a view of a slice of it (``packed.pack``). Nothing changes for
    code that reads or updates them in place; an optimizer then updates the whole model with one NumPy
    call per line of its formula instead of one per parameter.

    Examples
    --------
    >>> model = MLP([64, 32, 10], seed=0)
    >>> [p.name for p in model.parameters()]
    ['W1', 'b1', 'W2', 'b2']
    """

    def __init__(self, sizes, activation="relu", seed=0, dtype=np.float32, init="torch"):
        self.sizes = check_sizes(sizes)
        self.activation = check_choice("activation", activation, ACTIVATIONS)
        seed = check_positive_int("seed", seed, minimum=0)
        self.dtype = check_dtype(dtype)
        rng = np.random.default_rng(seed)
        self.layers = []
        for i, (n_in, n_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:]), start=1):
            self.layers.append(Linear(n_in, n_out, init=init, rng=rng, dtype=self.dtype, name=str(i)))
            if i < len(self.sizes) - 1:
                self.layers.append(ACTIVATIONS[activation]())
        pack(self.parameters())  # the fast path, see packed.py

    def forward(self, x):
        """Run the layers in order.

        Parameters
        ----------
        x : array_like of real numbers (bool, int or float), shape (N, sizes[0])
            Converted to the model's dtype first (no copy when it already has it): float32 data can
            drive a float64 model, e.g. in a gradient check. Complex, object and string data are a
            TypeError (NumPy would drop an imaginary part, or read None as NaN).

        Returns
        -------
        out : ndarray, shape (N, sizes[-1]), of the model's dtype
        """
        out = np.asarray(check_real_array("x", x), dtype=self.dtype)
        for layer in self.layers:
            out = layer.forward(out)
        return out

    __call__ = forward

    def backward(self, dout, input_grad=False):
        """Run the layers' backward in reverse order, accumulating into every ``Parameter.grad``.

        Parameters
        ----------
        dout : array_like, shape (N, sizes[-1])
            d loss / d output of the last forward, e.g. the ``dlogits`` of ``softmax_cross_entropy``;
            converted to the model's dtype as ``forward`` converts x.
        input_grad : bool, default False
            Also return d loss / d x. Training does not need it, so by default the first layer's
            ``dout @ W1ᵀ`` (often the largest matmul of the backward pass) is skipped.

        Returns
        -------
        dx : ndarray, shape (N, sizes[0]), or None when ``input_grad`` is False
        """
        dout = np.asarray(check_real_array("dout", dout), dtype=self.dtype)
        input_grad = check_flag("input_grad", input_grad)
        for layer in reversed(self.layers[1:]):
            dout = layer.backward(dout)
        return self.layers[0].backward(dout, input_grad=input_grad)

    def parameters(self):
        """``[W1, b1, W2, b2, ...]``: the Parameter objects themselves (an optimizer updates them in place)."""
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self):
        """Set every gradient to zero, in place."""
        for p in self.parameters():
            p.grad.fill(0)

    def state_dict(self):
        """``{"W1": array, "b1": array, ...}``: copies of the parameter values, in ``parameters()`` order."""
        return {p.name: p.data.copy() for p in self.parameters()}

    def load_state_dict(self, state):
        """Copy the values of ``state`` into the parameters, in place.

        The Parameter objects and their arrays stay the same, so an optimizer that holds them keeps
        working. Everything is checked before anything is copied: the keys must be exactly those of
        ``state_dict()``, and each array must have the parameter's shape and dtype and be finite
        (ValueError naming the key otherwise: NaN weights give NaN everywhere).
        """
        if not isinstance(state, Mapping):
            raise TypeError(f"state must be a mapping of name -> array (from state_dict()), got {type(state).__name__}")
        params = self.parameters()
        expected = [p.name for p in params]
        missing = [k for k in expected if k not in state]
        unexpected = [k for k in state if k not in expected]
        if missing or unexpected:
            raise ValueError(f"state does not match the model: missing keys {missing}, unexpected keys {unexpected}")
        for p in params:
            value = np.asarray(state[p.name])
            if value.shape != p.data.shape:
                raise ValueError(f"state[{p.name!r}] must have shape {p.data.shape}, got {value.shape}")
            if value.dtype != p.data.dtype:
                raise ValueError(f"state[{p.name!r}] must have dtype {p.data.dtype}, got {value.dtype}")
            check_finite_array(f"state[{p.name!r}]", value)
        for p in params:
            np.copyto(p.data, state[p.name])

    def __repr__(self):
        return f"MLP({list(self.sizes)}, activation={self.activation!r}, dtype={self.dtype.name})"
