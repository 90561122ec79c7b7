"""Tests of minigrad_lr.gradcheck: the finite differences themselves, on functions with known derivatives."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from minigrad_lr.gradcheck import check_layer, numerical_gradient, rel_error
from minigrad_lr.nn import Linear, ReLU

from strategies import arrays

# Moderate floats without subnormals: scaling a subnormal by c is not exact, which would make
# "scale-free" fail for reasons that have nothing to do with rel_error.
normal_floats = st.floats(-10.0, 10.0, allow_subnormal=False)
# Zero, or at least 1e-290 in size: scaled by c >= 1e-3 such a value stays a normal float64 (rel_error floors
# its scale at the smallest normal float, so below it scaling is not exact by design).
scalable_floats = st.one_of(st.just(0.0), st.floats(1e-290, 10.0), st.floats(-10.0, -1e-290))


def test_numerical_gradient_of_a_cubic():
    """d/dx Σ x³ = 3x², computed by hand."""
    x = np.array([[-1.5, 0.0, 2.0], [0.25, 3.0, -0.5]])
    grad = numerical_gradient(lambda: float(np.sum(x**3)), x)
    assert rel_error(grad, 3 * x**2) < 1e-9


def test_numerical_gradient_of_a_quadratic_form():
    """d/dx xᵀAx = (A + Aᵀ)x; centred differences are exact for quadratics up to rounding."""
    rng = np.random.default_rng(0)
    A = rng.standard_normal((4, 4))
    x = rng.standard_normal(4)
    grad = numerical_gradient(lambda: float(x @ A @ x), x)
    assert rel_error(grad, (A + A.T) @ x) < 1e-9


@given(arrays(dtype=np.float64))
def test_numerical_gradient_restores_x_exactly(x):
    """Property: after the call, x holds exactly the values it held before."""
    before = x.copy()
    numerical_gradient(lambda: float(np.sum(np.sin(x))), x)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_restores_x_when_f_raises():
    x = np.array([1.0, 2.0])

    def f():
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_numerical_gradient_rejects_float32_and_bad_h():
    with pytest.raises(TypeError, match="x must be a float64"):
        numerical_gradient(lambda: 0.0, np.zeros(3, dtype=np.float32))
    with pytest.raises(TypeError, match="x must be a float64"):
        numerical_gradient(lambda: 0.0, [1.0, 2.0])
    with pytest.raises(ValueError, match="h must be > 0, got 0.0"):
        numerical_gradient(lambda: 0.0, np.zeros(3), h=0.0)
    with pytest.raises(TypeError, match="h must be a real number"):
        numerical_gradient(lambda: 0.0, np.zeros(3), h="small")


def test_rel_error_by_hand():
    """max|a − b| / max(|a| + |b|) for a small example worked out by hand: 0.1 / 4.1."""
    assert rel_error([1.0, 2.0], [1.0, 2.1]) == pytest.approx(0.1 / 4.1, rel=1e-12)
    assert rel_error([1.0, -2.0], [1.0, -2.0]) == 0.0
    assert rel_error(np.zeros((2, 3)), np.zeros((2, 3))) == 0.0
    assert rel_error([1.0], [-1.0]) == 1.0


def test_rel_error_ignores_the_size_of_near_zero_entries():
    """An absolute error of 1e-11 on an entry near 0 counts on the scale of the whole gradient."""
    assert rel_error([1.0, 1e-12], [1.0, 1.1e-11]) < 1e-10


@given(arrays(elements=scalable_floats), arrays(elements=scalable_floats), st.floats(1e-3, 1e3))
def test_rel_error_is_symmetric_bounded_and_scale_free(a, b, c):
    """Property: rel_error(a, b) = rel_error(b, a) = rel_error(c·a, c·b) and lies in [0, 1]."""
    b = np.resize(b, a.shape)
    e = rel_error(a, b)
    assert 0.0 <= e <= 1.0
    assert rel_error(b, a) == e
    assert rel_error(c * a, c * b) == pytest.approx(e, rel=1e-9, abs=1e-15)  # rounding of a − b


def test_rel_error_rejects_different_shapes_and_empty_arrays():
    with pytest.raises(ValueError, match=r"same shape, got \(2,\) and \(3,\)"):
        rel_error(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match="at least one element"):
        rel_error(np.zeros(0), np.zeros(0))


class _Square:
    """y = x², elementwise, with a backward that is right (factor 2) or wrong (factor 2.01)."""

    def __init__(self, factor):
        self.factor = factor

    def forward(self, x):
        self._x = x
        return x * x

    def backward(self, dout, input_grad=True):
        return self.factor * self._x * dout

    def parameters(self):
        return []


def test_check_layer_passes_a_right_backward_and_fails_a_wrong_one():
    """The check can fail: a backward off by 0.5% is caught, the right one passes."""
    x = np.random.default_rng(0).standard_normal((3, 4))
    assert check_layer(_Square(2.0), x)["x"] < 1e-9
    assert check_layer(_Square(2.01), x)["x"] > 1e-3


# --- hostile input: every mistake named -------------------------------------------------------------


def read_only(a):
    a = a.copy()
    a.flags.writeable = False
    return a


@pytest.mark.parametrize("f, x, error, words", [
    pytest.param(3.0, np.zeros(2), TypeError, "f must be callable, got 3.0", id="f a number"),
    pytest.param(lambda a: 0.0, np.zeros(2), TypeError, r"f must take no arguments .*\(a\)", id="f takes an argument"),
    pytest.param(lambda: (0.0, np.zeros(2)), np.zeros(2), TypeError,
                 r"f\(\) at x\[\(0,\)\] \+ h must be a real number; "
                 r"a loss function returns \(loss, gradient\): take its \[0\]",
                 id="f returns (loss, gradient)"),
    pytest.param(lambda: None, np.zeros(2), TypeError, "must be a real number, got NoneType", id="f returns None"),
    pytest.param(lambda: np.zeros(2), np.zeros(2), TypeError, "must be a real number, got ndarray",
                 id="f returns an array"),
    pytest.param(lambda: True, np.zeros(2), TypeError, "must be a real number, got bool", id="f returns bool"),
    pytest.param(lambda: float("nan"), np.zeros(2), ValueError, r"f\(\) at x\[\(0,\)\] \+ h must be finite, got nan",
                 id="f returns NaN"),
    pytest.param(lambda: 0.0, read_only(np.zeros(2)), ValueError, "x must be writable", id="read-only x"),
    pytest.param(lambda: 0.0, np.zeros(2, complex), TypeError, "x must be a float64 ndarray", id="complex x"),
])
def test_numerical_gradient_names_the_mistake(f, x, error, words):
    with pytest.raises(error, match=words):
        numerical_gradient(f, x)


@pytest.mark.parametrize("a, b, error, words", [
    pytest.param(None, None, TypeError, "a must hold numbers.*object", id="None"),
    pytest.param("a", "a", TypeError, "a must hold numbers.*<U1", id="strings"),
    pytest.param([1j, 0], [0, 0], TypeError, "a must hold numbers.*complex128", id="complex"),
    pytest.param([1.0, 1.0], [np.nan, 1.0], ValueError, "b must be finite, got 1 NaN or inf", id="NaN"),
    pytest.param([np.inf], [1.0], ValueError, "a must be finite", id="inf"),
    pytest.param([[1.0], [1.0, 2.0]], [[1.0], [1.0, 2.0]], ValueError, "a must be a rectangular array", id="ragged"),
    pytest.param(np.ones((2, 1)), np.ones((2, 2)), ValueError, "same shape", id="broadcastable shapes"),
])
def test_rel_error_names_the_bad_array(a, b, error, words):
    """A NaN error would pass `if error > 1e-6` silently; complex parts would be dropped."""
    with pytest.raises(error, match=words):
        rel_error(a, b)


@pytest.mark.parametrize("layer, x, kwargs, error, words", [
    pytest.param(Linear(4, 2), np.ones((3, 4)), {}, TypeError,
                 "the layer's parameter 'W' must be float64 .* got float32: build the layer with dtype=np.float64",
                 id="float32 layer"),
    pytest.param(ReLU, np.ones((3, 4)), {}, TypeError, "layer must be a layer .* got <class", id="the class"),
    pytest.param("relu", np.ones((3, 4)), {}, TypeError, "layer must be a layer", id="a string"),
    pytest.param(ReLU(), np.ones((3, 4)).tolist(), {}, TypeError, "x must be a float64 ndarray .* got list",
                 id="list x"),
    pytest.param(ReLU(), np.ones((3, 4)), {"seed": -1}, ValueError, "seed must be >= 0, got -1", id="seed -1"),
    pytest.param(ReLU(), np.ones((3, 4)), {"h": float("nan")}, ValueError, "h must be finite", id="h NaN"),
])
def test_check_layer_names_the_mistake(layer, x, kwargs, error, words):
    with pytest.raises(error, match=words):
        check_layer(layer, x, **kwargs)
