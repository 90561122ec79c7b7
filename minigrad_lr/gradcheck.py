"""Gradient checking: compare a hand-written backward with centred finite differences.

A backward pass is easy to get subtly wrong (a missing transpose, a sum over the wrong axis, a
factor 1/N) and still train "somewhat". The cure is to compute every derivative a second, dumb
way, one entry at a time, and compare:

    ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / (2h).

Do it in float64 with h = 1e-5: a correct backward then agrees to a relative error around 1e-9
or less, a wrong one is off by something like 1e-2 or more. In float32 the rounding error of f
alone, about 1e-7 · |f| / h ≈ 1e-2, hides every mistake, so the functions here insist on float64.

References
----------
CS231n, ``gradient_check.py`` (``eval_numerical_gradient``, ``rel_error``) and the notes
"Gradient checks" (https://cs231n.github.io/neural-networks-3/#gradcheck).
"""

import numpy as np

from ._checks import (
    check_finite_array,
    check_float64_variable,
    check_greater,
    check_no_argument_callable,
    check_positive_int,
    check_real_array,
    check_scalar_output,
)


def numerical_gradient(f, x, h=1e-5):
    """Gradient of ``f`` with respect to ``x`` by centred differences.

    Parameters
    ----------
    f : callable
        Takes no arguments and returns a finite real number that depends on the current values of
        ``x`` (e.g. ``lambda: loss(model(X), y)[0]`` with ``x`` one of the model's parameter arrays).
    x : ndarray of float64, writable
        Perturbed in place one entry at a time; every entry is restored exactly afterwards.
    h : float > 0, default 1e-5
        The step.

    Returns
    -------
    grad : ndarray of float64, shape of ``x``
        ``grad[i] = (f(x + h e_i) − f(x − h e_i)) / (2h)``.

    Notes
    -----
    The error of the centred difference is about ``h² |f'''| / 6`` (truncation) plus
    ``ε |f| / h`` (rounding, ε ≈ 1e-16 in float64): about 1e-10 and 1e-11 for h = 1e-5 and
    moderate values, so a correct analytic gradient agrees to a relative error around 1e-9 or
    less. Two calls of ``f`` per entry of ``x``: use small arrays. Kinks (ReLU at 0) within
    ``h`` of an entry break the approximation; keep inputs away from them.
    """
    check_no_argument_callable("f", f)
    check_float64_variable("x", x)
    h = check_greater("h", h, 0)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        try:
            x[i] = old + h
            f_plus = check_scalar_output(f"f() at x[{i}] + h", f())
            x[i] = old - h
            f_minus = check_scalar_output(f"f() at x[{i}] - h", f())
        finally:
            x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def rel_error(a, b):
    """Relative error ``max_i |a_i − b_i| / max_i (|a_i| + |b_i|)`` of two finite arrays of the same shape.

    Returns a float in [0, 1]; 0 when the arrays are equal (also when both are all zeros). For a
    gradient check in float64 expect around 1e-9 or less; above about 1e-6 something is wrong.

    Notes
    -----
    CS231n's ``rel_error`` takes the maximum of the elementwise ratio
    ``|a_i − b_i| / max(|a_i| + |b_i|, 1e-8)``. That ratio is large for entries that are nearly
    zero, where finite differences only reach an absolute error of about 1e-11. Dividing by the
    largest magnitude instead measures every entry on the scale of the whole gradient.
    """
    a = check_finite_array("a", check_real_array("a", a, kinds="iuf").astype(np.float64, copy=False))
    b = check_finite_array("b", check_real_array("b", b, kinds="iuf").astype(np.float64, copy=False))
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        raise ValueError(f"a and b must hold at least one element, got shape {a.shape}")
    scale = max(float(np.max(np.abs(a) + np.abs(b))), np.finfo(np.float64).tiny)
    return float(np.max(np.abs(a - b))) / scale


def check_layer(layer, x, seed=0, h=1e-5):
    """Gradient check of a layer (``Linear``, ``ReLU``, ``Tanh``) or of a whole ``MLP``, in float64.

    The function checked is ``L = Σ (layer.forward(x) ⊙ G)`` with G a fixed random array of the
    output's shape, so that dL/d output = G: one ``layer.backward(G, input_grad=True)`` gives the
    analytic gradient of ``x`` and of every parameter, and ``numerical_gradient`` the other one.
    The layer's gradients are set to zero first.

    Parameters
    ----------
    layer : object with ``forward(x)``, ``backward(dout, input_grad)`` and ``parameters()``
        float64 throughout (TypeError naming the parameter otherwise).
    x : ndarray of float64, writable
        The input; avoid kinks (ReLU inputs within ``h`` of 0).
    seed : int >= 0, default 0
        Seed of G.
    h : float > 0, default 1e-5

    Returns
    -------
    errors : dict
        ``{"x": rel_error of dx, "W": ..., "b": ...}``, one entry per parameter name; each around
        1e-9 or less when backward is right.
    """
    methods = ("forward", "backward", "parameters")
    if isinstance(layer, type) or not all(callable(getattr(layer, m, None)) for m in methods):
        raise TypeError(f"layer must be a layer (Linear, ReLU, Tanh or MLP, built) with forward, backward and "
                        f"parameters, got {layer!r}")
    check_float64_variable("x", x)
    for p in layer.parameters():
        if p.data.dtype != np.float64:
            raise TypeError(f"the layer's parameter {p.name!r} must be float64 for a gradient check, "
                            f"got {p.data.dtype}: build the layer with dtype=np.float64")
    seed = check_positive_int("seed", seed, minimum=0)
    h = check_greater("h", h, 0)
    G = np.random.default_rng(seed).standard_normal(layer.forward(x).shape)
    for p in layer.parameters():
        p.grad.fill(0)
    dx = layer.backward(G, input_grad=True)

    def L():
        return float(np.sum(layer.forward(x) * G))

    errors = {"x": rel_error(dx, numerical_gradient(L, x, h))}
    for p in layer.parameters():
        errors[p.name] = rel_error(p.grad, numerical_gradient(L, p.data, h))
    return errors
