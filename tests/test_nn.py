"""Tests of minigrad_lr.nn: gradients by finite differences (and against torch in float64 when it is
installed), initial distributions, dtypes, determinism, gradient accumulation, state dicts, bad input."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from minigrad_lr.gradcheck import check_layer, numerical_gradient, rel_error
from minigrad_lr.losses import mse, softmax_cross_entropy
from minigrad_lr.nn import MLP, Linear, Parameter, ReLU, Tanh

from strategies import arrays


def away_from_zero(shape, seed=0):
    """float64 inputs with |x| >= 0.1: no ReLU kink within the finite-difference step."""
    z = np.random.default_rng(seed).standard_normal(shape)
    return np.sign(z) * (0.1 + np.abs(z))


def trained_once(model, x, labels):
    """Forward, cross-entropy and backward on fresh gradients; returns the loss."""
    model.zero_grad()
    loss, dlogits = softmax_cross_entropy(model(x), labels)
    model.backward(dlogits)
    return loss


# --- gradient checks (float64, relative error < 1e-7) ---------------------------------------------


@pytest.mark.parametrize("init", ["torch", "he"])
def test_linear_gradient_check(init):
    """dW, db and dx of Linear against centred differences."""
    layer = Linear(4, 3, init=init, rng=1, dtype=np.float64)
    if init == "he":
        layer.b.data[:] = [0.5, -1.0, 2.0]  # b starts at 0; make db's check meaningful
    errors = check_layer(layer, away_from_zero((5, 4)))
    assert set(errors) == {"x", "W", "b"}
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("layer", [ReLU(), Tanh()], ids=["relu", "tanh"])
def test_activation_gradient_check(layer):
    errors = check_layer(layer, away_from_zero((4, 6)))
    assert errors["x"] < 1e-7


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("sizes", [[3, 2], [4, 6, 3], [5, 7, 6, 3]])
def test_mlp_gradient_check(activation, sizes):
    """Every parameter and the input of a whole MLP against centred differences."""
    model = MLP(sizes, activation=activation, seed=3, dtype=np.float64)
    errors = check_layer(model, away_from_zero((4, sizes[0]), seed=1))
    assert list(errors) == ["x"] + [p.name for p in model.parameters()]
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_mlp_with_cross_entropy_matches_torch(activation):
    """Logits, loss and every gradient of the same network built in torch, float64."""
    torch = pytest.importorskip("torch")
    model = MLP([5, 8, 7, 3], activation=activation, seed=4, dtype=np.float64)
    rng = np.random.default_rng(5)
    x, labels = rng.standard_normal((6, 5)), rng.integers(0, 3, size=6)

    weights = [torch.tensor(p.data, requires_grad=True) for p in model.parameters()]
    act = torch.relu if activation == "relu" else torch.tanh
    h = torch.tensor(x)
    for i in range(0, len(weights), 2):
        h = h @ weights[i] + weights[i + 1]
        if i + 2 < len(weights):
            h = act(h)
    expected = torch.nn.functional.cross_entropy(h, torch.tensor(labels))
    expected.backward()

    logits = model(x)
    loss, dlogits = softmax_cross_entropy(logits, labels)
    model.backward(dlogits)
    np.testing.assert_allclose(logits, h.detach().numpy(), rtol=1e-12)
    assert loss == pytest.approx(expected.item(), rel=1e-12)
    for p, w in zip(model.parameters(), weights):
        np.testing.assert_allclose(p.grad, w.grad.numpy(), rtol=1e-10, atol=1e-14, err_msg=p.name)


# --- forward values by hand -------------------------------------------------------------------------


def test_linear_forward_by_hand():
    """y = x @ W + b with W of shape (in, out)."""
    layer = Linear(2, 3, dtype=np.float64)
    layer.W.data[:] = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    layer.b.data[:] = [0.5, 0.0, -0.5]
    y = layer.forward(np.array([[1.0, -1.0]]))
    np.testing.assert_array_equal(y, [[1 - 4 + 0.5, 2 - 5, 3 - 6 - 0.5]])


def test_linear_backward_by_hand():
    """dW = xᵀ dout, db = column sums of dout, dx = dout Wᵀ for a 1×2 → 1×2 example."""
    layer = Linear(2, 2, dtype=np.float64)
    layer.W.data[:] = [[1.0, 2.0], [3.0, 4.0]]
    layer.forward(np.array([[5.0, 6.0]]))
    dx = layer.backward(np.array([[1.0, -1.0]]))
    np.testing.assert_array_equal(layer.W.grad, [[5.0, -5.0], [6.0, -6.0]])
    np.testing.assert_array_equal(layer.b.grad, [1.0, -1.0])
    np.testing.assert_array_equal(dx, [[1.0 - 2.0, 3.0 - 4.0]])


@given(hnp.arrays(np.float64, (3, 4), elements=st.floats(-10, 10)),
       hnp.arrays(np.float64, (3, 4), elements=st.floats(-10, 10)))
def test_relu_passes_gradient_only_where_the_input_is_positive(x, dout):
    """Property: ReLU forward is max(x, 0); backward is dout where x > 0 and 0 where x <= 0."""
    relu = ReLU()
    np.testing.assert_array_equal(relu.forward(x), np.where(x > 0, x, 0.0))
    np.testing.assert_array_equal(relu.backward(dout), np.where(x > 0, dout, 0.0))


@given(hnp.arrays(np.float64, (3, 4), elements=st.floats(-10, 10)))
def test_tanh_derivative_is_one_minus_tanh_squared(x):
    """Property: Tanh backward of ones is 1 − tanh(x)² = 1 / cosh(x)²."""
    tanh = Tanh()
    tanh.forward(x)
    np.testing.assert_allclose(tanh.backward(np.ones_like(x)), 1 / np.cosh(x) ** 2, rtol=1e-12, atol=1e-15)


def test_mlp_structure_and_parameter_names():
    model = MLP([6, 5, 4, 3], activation="tanh")
    assert [type(layer) for layer in model.layers] == [Linear, Tanh, Linear, Tanh, Linear]
    params = model.parameters()
    assert [p.name for p in params] == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert [p.data.shape for p in params] == [(6, 5), (5,), (5, 4), (4,), (4, 3), (3,)]
    assert all(isinstance(p, Parameter) and p.grad.shape == p.data.shape and not p.grad.any() for p in params)
    assert model.sizes == (6, 5, 4, 3)
    assert params[0] is model.parameters()[0]  # the same objects every time


def test_call_is_forward():
    model = MLP([3, 4, 2])
    x = np.random.default_rng(0).random((5, 3), dtype=np.float32)
    np.testing.assert_array_equal(model(x), model.forward(x))


# --- initialisation ---------------------------------------------------------------------------------


def test_torch_init_is_uniform_within_one_over_sqrt_fan_in():
    """torch.nn.Linear's default: W, b ~ U(−1/√in, 1/√in); std of U(−a, a) is a/√3."""
    layer = Linear(400, 500, rng=0, dtype=np.float64)
    a = 1 / math.sqrt(400)
    W, b = layer.W.data, layer.b.data
    assert np.all(np.abs(W) <= a) and np.all(np.abs(b) <= a)
    assert abs(W.mean()) < 0.02 * a
    assert W.std() == pytest.approx(a / math.sqrt(3), rel=0.02)
    assert np.mean(W > a / 2) == pytest.approx(0.25, abs=0.01)  # flat density, not bell-shaped
    assert b.std() == pytest.approx(a / math.sqrt(3), rel=0.15)


def test_he_init_is_normal_with_variance_two_over_fan_in():
    """W ~ N(0, 2/in), b = 0 (He et al. 2015); about 68% of a normal lies within one std."""
    layer = Linear(400, 500, init="he", rng=0, dtype=np.float64)
    std = math.sqrt(2 / 400)
    W = layer.W.data
    assert abs(W.mean()) < 0.02 * std
    assert W.std() == pytest.approx(std, rel=0.02)
    assert np.mean(np.abs(W) < std) == pytest.approx(0.6827, abs=0.01)
    assert not layer.b.data.any()


def test_torch_init_bounds_match_torch():
    """Our bound is the one torch.nn.Linear draws within (its weights reach close to it)."""
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = torch.nn.Linear(100, 300).weight.detach().numpy()
    ours = Linear(100, 300, rng=0).W.data
    assert np.abs(theirs).max() == pytest.approx(np.abs(ours).max(), rel=0.01)
    assert np.abs(theirs).max() <= 1 / math.sqrt(100)


# --- dtype ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept_everywhere(dtype):
    """Parameters, gradients, outputs, dlogits and dx all keep the model's dtype."""
    model = MLP([8, 6, 4], dtype=dtype)
    x = np.random.default_rng(0).random((5, 8)).astype(dtype)
    logits = model(x)
    loss, dlogits = softmax_cross_entropy(logits, np.array([0, 1, 2, 3, 0]))
    dx = model.backward(dlogits, input_grad=True)
    assert model.dtype == dtype
    assert logits.dtype == dlogits.dtype == dx.dtype == dtype
    for p in model.parameters():
        assert p.data.dtype == p.grad.dtype == dtype, p.name


@pytest.mark.parametrize("x_dtype, model_dtype",
                         [(np.float32, np.float64), (np.float64, np.float32), (np.int64, np.float32)])
def test_forward_converts_the_input_to_the_model_dtype(x_dtype, model_dtype):
    """float32 data can drive a float64 model (gradient checks), and float64 data a float32 one."""
    model = MLP([3, 2], dtype=model_dtype)
    assert model(np.ones((2, 3), dtype=x_dtype)).dtype == model_dtype
    assert model.backward(np.ones((2, 2)), input_grad=True).dtype == model_dtype


def test_float32_weights_are_the_float64_ones_rounded():
    """One seed, one set of draws: the dtype only changes the rounding."""
    single = MLP([10, 8, 3], seed=7, dtype=np.float32).parameters()
    double = MLP([10, 8, 3], seed=7, dtype=np.float64).parameters()
    for p32, p64 in zip(single, double):
        np.testing.assert_array_equal(p32.data, p64.data.astype(np.float32))


# --- determinism ------------------------------------------------------------------------------------


@given(st.integers(0, 2**32 - 1), st.sampled_from(["torch", "he"]))
def test_same_seed_gives_the_same_weights_bit_for_bit(seed, init):
    """Property: two models built with the same seed have identical parameters."""
    a = MLP([5, 4, 3], seed=seed, init=init).state_dict()
    b = MLP([5, 4, 3], seed=seed, init=init).state_dict()
    for name in a:
        np.testing.assert_array_equal(a[name], b[name])


def test_different_seeds_give_different_weights():
    a = MLP([5, 4, 3], seed=0).state_dict()
    b = MLP([5, 4, 3], seed=1).state_dict()
    assert all(not np.array_equal(a[name], b[name]) for name in a)


# --- backward ---------------------------------------------------------------------------------------


def test_backward_accumulates_and_zero_grad_resets():
    """Two backward calls give exactly twice the gradients (g + g = 2g in floating point)."""
    model = MLP([6, 5, 3], seed=2)
    x = np.random.default_rng(1).random((4, 6), dtype=np.float32)
    labels = np.array([0, 1, 2, 1])
    trained_once(model, x, labels)
    once = [p.grad.copy() for p in model.parameters()]
    _, dlogits = softmax_cross_entropy(model(x), labels)
    model.backward(dlogits)
    for p, g in zip(model.parameters(), once):
        np.testing.assert_array_equal(p.grad, 2 * g)
    model.zero_grad()
    assert not any(p.grad.any() for p in model.parameters())


def test_gradients_are_accumulated_in_place():
    """The gradient arrays an optimizer holds are the ones backward writes into."""
    model = MLP([3, 4, 2])
    grads = [p.grad for p in model.parameters()]
    trained_once(model, np.ones((2, 3)), np.array([0, 1]))
    assert all(p.grad is g for p, g in zip(model.parameters(), grads))
    assert all(g.any() for g in grads)


def test_input_grad_returns_dx_only_when_asked():
    """input_grad=False returns None and leaves the parameter gradients exactly as input_grad=True does."""
    model = MLP([6, 5, 3], seed=2)
    x = np.random.default_rng(1).random((4, 6), dtype=np.float32)
    _, dlogits = softmax_cross_entropy(model(x), np.array([0, 1, 2, 1]))
    assert model.backward(dlogits) is None
    without = [p.grad.copy() for p in model.parameters()]
    model.zero_grad()
    dx = model.backward(dlogits, input_grad=True)
    assert dx.shape == (4, 6) and dx.dtype == np.float32
    for p, g in zip(model.parameters(), without):
        np.testing.assert_array_equal(p.grad, g)
    layer = Linear(2, 3)
    layer.forward(np.ones((1, 2), dtype=np.float32))
    assert layer.backward(np.ones((1, 3), dtype=np.float32), input_grad=False) is None


def test_mse_drives_an_mlp_for_regression():
    """d/dθ of the mean squared error through the model, against centred differences."""
    model = MLP([2, 5, 1], activation="tanh", dtype=np.float64)
    x, target = away_from_zero((6, 2)), np.linspace(-1, 1, 6)[:, None]
    model.zero_grad()
    model.backward(mse(model(x), target)[1])
    for p in model.parameters():
        numeric = numerical_gradient(lambda: mse(model(x), target)[0], p.data)
        assert rel_error(p.grad, numeric) < 1e-7, p.name


@pytest.mark.parametrize("layer", [Linear(2, 2), ReLU(), Tanh(), MLP([2, 2])], ids=["linear", "relu", "tanh", "mlp"])
def test_backward_before_forward_is_a_clear_error(layer):
    with pytest.raises(RuntimeError, match="backward called before forward"):
        layer.backward(np.ones((1, 2), dtype=np.float32))


def test_backward_rejects_a_dout_of_the_wrong_shape():
    model = MLP([3, 4, 2])
    model(np.ones((5, 3)))
    with pytest.raises(ValueError, match=r"dout must have shape \(5, 2\).*got \(5, 3\)"):
        model.backward(np.ones((5, 3)))


# --- state dict -------------------------------------------------------------------------------------


def test_state_dict_returns_copies():
    model = MLP([3, 4, 2])
    state = model.state_dict()
    assert list(state) == ["W1", "b1", "W2", "b2"]
    before = model.parameters()[0].data.copy()
    state["W1"][:] = 99.0
    np.testing.assert_array_equal(model.parameters()[0].data, before)


def test_load_state_dict_copies_in_place():
    """The Parameter arrays keep their identity (an optimizer holds them) and take the new values;
    later changes to the dict given do not reach the model."""
    model, other = MLP([3, 4, 2], seed=0), MLP([3, 4, 2], seed=1)
    arrays_before = [p.data for p in model.parameters()]
    state = other.state_dict()
    model.load_state_dict(state)
    for p, array, name in zip(model.parameters(), arrays_before, state):
        assert p.data is array
        np.testing.assert_array_equal(p.data, state[name])
    state["b1"][:] = 42.0
    assert not np.any(model.parameters()[1].data == 42.0)


def _bad_states():
    good = MLP([3, 4, 2]).state_dict()
    missing = {k: v for k, v in good.items() if k != "b2"}
    unexpected = {**good, "W3": np.zeros((2, 2), np.float32)}
    wrong_shape = {**good, "W2": np.zeros((2, 4), np.float32)}
    wrong_dtype = {**good, "b1": good["b1"].astype(np.float64)}
    return [
        (missing, r"missing keys \['b2'\]"),
        (unexpected, r"unexpected keys \['W3'\]"),
        (wrong_shape, r"state\['W2'\] must have shape \(4, 2\), got \(2, 4\)"),
        (wrong_dtype, r"state\['b1'\] must have dtype float32, got float64"),
    ]


@pytest.mark.parametrize("state, message", _bad_states(), ids=["missing", "unexpected", "shape", "dtype"])
def test_load_state_dict_rejects_bad_states_and_changes_nothing(state, message):
    model = MLP([3, 4, 2], seed=5)
    before = model.state_dict()
    with pytest.raises(ValueError, match=message):
        model.load_state_dict(state)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name])


def test_load_state_dict_rejects_a_non_mapping():
    with pytest.raises(TypeError, match="state must be a mapping"):
        MLP([3, 2]).load_state_dict([np.zeros((3, 2))])


# --- bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sizes, error, message",
    [
        ([], ValueError, r"sizes must hold at least 2 widths.*\[\]"),
        ([5], ValueError, r"sizes must hold at least 2 widths.*\[5\]"),
        ([5, 0, 3], ValueError, r"sizes must hold positive widths, got \[5, 0, 3\]"),
        ([5, -2], ValueError, r"sizes must hold positive widths, got \[5, -2\]"),
        ([5, 2.5], TypeError, r"sizes must hold ints, got \[5, 2.5\]"),
        ([5, True], TypeError, "sizes must hold ints"),
        (5, TypeError, "sizes must be a sequence of ints.*got 5"),
        ("64", TypeError, "sizes must be a sequence of ints"),
    ],
)
def test_mlp_rejects_bad_sizes(sizes, error, message):
    with pytest.raises(error, match=message):
        MLP(sizes)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"activation": "sigmoid"}, ValueError, r"activation must be one of \('relu', 'tanh'\), got 'sigmoid'"),
        ({"init": "xavier"}, ValueError, r"init must be one of \('torch', 'he'\), got 'xavier'"),
        ({"dtype": np.float16}, ValueError, "dtype must be np.float32 or np.float64, got float16"),
        ({"dtype": np.int64}, ValueError, "dtype must be np.float32 or np.float64, got int64"),
        ({"dtype": "banana"}, TypeError, "dtype must be np.float32 or np.float64, got 'banana'"),
        ({"seed": -1}, ValueError, "seed must be >= 0, got -1"),
        ({"seed": 1.5}, TypeError, "seed must be an integer, got 1.5"),
    ],
)
def test_mlp_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        MLP([3, 2], **kwargs)


def test_linear_rejects_bad_widths():
    with pytest.raises(ValueError, match="in_features must be >= 1, got 0"):
        Linear(0, 3)
    with pytest.raises(TypeError, match="out_features must be an integer"):
        Linear(3, 2.0)


@pytest.mark.parametrize(
    "shape, message",
    [((4,), r"x must have shape \(N, 3\), got \(4,\)"), ((4, 5), r"x must have shape \(N, 3\), got \(4, 5\)"),
     ((2, 4, 3), r"x must have shape \(N, 3\), got \(2, 4, 3\)")],
)
def test_forward_rejects_inputs_of_the_wrong_shape(shape, message):
    with pytest.raises(ValueError, match=message):
        MLP([3, 4, 2])(np.ones(shape))


@given(x=arrays(shape=(3, 4)), specials=st.lists(st.sampled_from([np.nan, np.inf, -np.inf, 0.0, -0.0]), max_size=4))
def test_relu_forward_is_x_where_positive_else_zero_and_keeps_nan(x, specials):
    """Property: ReLU's forward is x where x > 0 and 0 elsewhere (−inf gives 0, +inf stays), and NaN stays NaN."""
    x = x.copy()
    x.ravel()[: len(specials)] = specials
    expected = np.where(np.isnan(x), np.nan, np.where(x > 0, x, 0.0))
    np.testing.assert_array_equal(ReLU().forward(x), expected)


# --- hostile input: every mistake named -------------------------------------------------------------

F32 = np.ones((4, 3), np.float32)


def read_only(a):
    a = a.copy()
    a.flags.writeable = False
    return a


@pytest.mark.parametrize("make, error, words", [
    pytest.param(lambda: Parameter([1.0, 2.0], "w"), TypeError, "data must be an ndarray, got list",
                 id="Parameter list"),
    pytest.param(lambda: Parameter(np.zeros(2), None), TypeError, "name must be a str, got None",
                 id="Parameter name None"),
    pytest.param(lambda: Linear(2, 2, rng="seed"), TypeError, "rng must be a np.random.Generator or an int",
                 id="rng str"),
    pytest.param(lambda: Linear(2, 2, rng=-1), ValueError, "rng must be >= 0, got -1", id="rng negative"),
    pytest.param(lambda: Linear(2, 2, rng=None), TypeError, "rng must be .* got None", id="rng None"),
    pytest.param(lambda: Linear(2, 2, name=1), TypeError, "name must be a str, got 1", id="name int"),
    pytest.param(lambda: MLP([3, 2], dtype=None), TypeError, "dtype must be np.float32 or np.float64, got None",
                 id="dtype None"),
])
def test_constructors_name_the_bad_argument(make, error, words):
    with pytest.raises(error, match=words):
        make()


@pytest.mark.parametrize("layer", [Linear(3, 2), ReLU(), Tanh()], ids=["linear", "relu", "tanh"])
@pytest.mark.parametrize("x, words", [
    pytest.param(F32.tolist(), "x must be an ndarray of floats, got list", id="list"),
    pytest.param(np.ones((4, 3), int), "x must be an ndarray of floats, got ndarray of dtype int64", id="int array"),
    pytest.param(np.ones((4, 3), complex), "x must be an ndarray of floats, got ndarray of dtype complex128",
                 id="complex"),
    pytest.param(None, "x must be an ndarray of floats, got NoneType", id="None"),
])
def test_a_layer_forward_takes_only_float_arrays(layer, x, words):
    with pytest.raises(TypeError, match=words):
        layer.forward(x)


def test_a_linear_layer_refuses_another_float_dtype():
    """Used on its own, a float32 layer fed float64 would return float64: a TypeError instead (MLP converts)."""
    with pytest.raises(TypeError, match="x must have the layer's dtype float32, got float64"):
        Linear(3, 2).forward(np.ones((4, 3)))


@pytest.mark.parametrize("layer", [Linear(3, 3), ReLU(), Tanh()], ids=["linear", "relu", "tanh"])
@pytest.mark.parametrize("dout, input_grad, error, words", [
    pytest.param(np.ones((1, 3), np.float32), True, ValueError, r"dout must have shape \(4, 3\).*got \(1, 3\)",
                 id="row that would broadcast"),
    pytest.param(np.ones((4, 1), np.float32), True, ValueError, r"dout must have shape \(4, 3\).*got \(4, 1\)",
                 id="column that would broadcast"),
    pytest.param(np.ones((4, 3)), True, TypeError, "dout must have the layer's dtype float32, got float64",
                 id="float64"),
    pytest.param(F32.tolist(), True, TypeError, "dout must be an ndarray of floats, got list", id="list"),
    pytest.param(2.0, True, TypeError, "dout must be an ndarray of floats, got float", id="scalar"),
    pytest.param(F32, 1, TypeError, "input_grad must be True or False, got 1", id="input_grad 1"),
])
def test_a_layer_backward_checks_dout_and_input_grad(layer, dout, input_grad, error, words):
    layer.forward(F32 - 0.5)
    with pytest.raises(error, match=words):
        layer.backward(dout, input_grad=input_grad)


@pytest.mark.parametrize("x", [
    pytest.param([[0.1, 0.2, 0.3]] * 5, id="list"),
    pytest.param(np.ones((5, 3), np.int64), id="int"),
    pytest.param(np.ones((5, 3), bool), id="bool"),
    pytest.param(np.ones((5, 3), np.float16), id="float16"),
    pytest.param(np.asfortranarray(np.ones((5, 3), np.float32)), id="Fortran order"),
    pytest.param(np.ones((5, 6), np.float32)[:, ::2], id="non-contiguous"),
    pytest.param(read_only(np.ones((5, 3), np.float32)), id="read-only"),
])
def test_mlp_forward_converts_any_real_input(x):
    model = MLP([3, 4, 2])
    np.testing.assert_array_equal(model(x), model(np.asarray(x, dtype=np.float32)))


@pytest.mark.parametrize("x, error, words", [
    pytest.param(np.ones((5, 3), complex), TypeError, "x must hold real numbers.*complex128", id="complex"),
    pytest.param(np.array([[None] * 3], dtype=object), TypeError, "x must hold real numbers.*object", id="object None"),
    pytest.param("abc", TypeError, r"x must hold real numbers.*<U3 \(str\)", id="string"),
    pytest.param([[1.0, 2.0, 3.0], [1.0]], ValueError, "x must be a rectangular array", id="ragged"),
])
def test_mlp_forward_refuses_what_numpy_would_mangle(x, error, words):
    with pytest.raises(error, match=words):
        MLP([3, 4, 2])(x)


def test_mlp_backward_checks_dout_and_input_grad():
    model = MLP([3, 4, 2])
    model(np.ones((5, 3)))
    with pytest.raises(TypeError, match="dout must hold real numbers.*complex128"):
        model.backward(np.ones((5, 2), complex))
    with pytest.raises(TypeError, match="input_grad must be True or False, got 'yes'"):
        model.backward(np.ones((5, 2)), input_grad="yes")


@pytest.mark.parametrize("bad", [np.nan, np.inf], ids=["NaN", "inf"])
def test_load_state_dict_refuses_non_finite_weights_and_changes_nothing(bad):
    model = MLP([3, 4, 2], seed=5)
    before = model.state_dict()
    state = {**before, "W2": np.full_like(before["W2"], bad)}
    with pytest.raises(ValueError, match=r"state\['W2'\] must be finite, got 8 NaN or inf"):
        model.load_state_dict(state)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name])
