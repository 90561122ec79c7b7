"""Optimizers: steps by hand, agreement with torch.optim, properties, dtype, state_dict, bad input.

The contract every optimizer shares (optim.Optimizer), over the grid of every option of SGD, Adam,
RMSProp and Adagrad, and SGD's conventions by hand. The expected values never come from minigrad_lr:
they are worked out by hand, computed by the plain reference formulas of optimizer_references.py
(float64, no in-place tricks), or computed by torch.optim in float64 when torch is installed.
"""

import tracemalloc

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from minigrad_lr.adaptive import Adagrad, Adam, RMSProp
from minigrad_lr.nn import MLP, Parameter
from minigrad_lr.optim import SGD, Optimizer

from optimizer_references import CASE_IDS, CASES, REFERENCES, SHAPES, make_params, scalar_run, take_steps
from strategies import arrays, lrs


@pytest.mark.parametrize(("cls", "options"), CASES, ids=CASE_IDS)
def test_first_three_steps_follow_the_formula(cls, options):
    rng = np.random.default_rng(0)
    params = make_params(rng)
    start = [p.data.copy() for p in params]
    grads = [[rng.standard_normal(shape) for shape in SHAPES] for _ in range(3)]
    step_lrs = [0.1, 0.4, 0.02]  # lr changes between steps and applies to the step that follows
    history = take_steps(cls(params, lr=1.0, **options), grads, step_lrs)
    for j, theta0 in enumerate(start):
        expected = REFERENCES[cls](theta0, [g[j] for g in grads], step_lrs, **options)
        for t in range(3):
            np.testing.assert_allclose(history[t][j], expected[t], rtol=1e-13, atol=1e-15,
                                       err_msg=f"parameter {j}, step {t + 1}")


# --- SGD's conventions, worked out by hand ----------------------------------------------------------


def test_sgd_momentum_by_hand_new_lr_scales_the_whole_buffer():
    # θ0 = 1, g = 1, μ = 0.9. b: 1, 1.9, 2.71. θ: 1 − 0.1·1 = 0.9; 0.9 − 1·1.9 = −1.0; −1 − 0.01·2.71.
    # (Keras's v = μv − lr·g would give 0.9, then 0.9 + (−0.09 − 1) = −0.19 at step 2.)
    thetas = scalar_run(SGD, [1.0, 1.0, 1.0], [0.1, 1.0, 0.01], momentum=0.9)
    np.testing.assert_allclose(thetas, [0.9, -1.0, -1.0271], rtol=0, atol=1e-14)


def test_sgd_dampening_by_hand_skips_the_first_step():
    # μ = τ = 0.5, g = 2: b_1 = g = 2 (no dampening), then b = 0.5·2 + 0.5·2 = 2 again; steps of 0.1·2.
    thetas = scalar_run(SGD, [2.0, 2.0, 2.0], [0.1, 0.1, 0.1], momentum=0.5, dampening=0.5)
    np.testing.assert_allclose(thetas, [0.8, 0.6, 0.4], rtol=0, atol=1e-14)


def test_sgd_nesterov_by_hand():
    # μ = 0.9, g = 1, lr = 0.1: b = 1, 1.9; d = g + μb = 1.9, 2.71; θ = 1 − 0.19, then − 0.271.
    thetas = scalar_run(SGD, [1.0, 1.0], [0.1, 0.1], momentum=0.9, nesterov=True)
    np.testing.assert_allclose(thetas, [0.81, 0.539], rtol=0, atol=1e-14)


# --- agreement with torch.optim (skipped when torch is not installed, as in CI) ---------------------

TORCH_NAMES = {
    SGD: ("SGD", {"momentum_buffer": "momentum_buffer"}),
    Adam: ("Adam", {"m": "exp_avg", "v": "exp_avg_sq", "v_max": "max_exp_avg_sq"}),
    RMSProp: ("RMSprop", {"v": "square_avg", "g_avg": "grad_avg", "momentum_buffer": "momentum_buffer"}),
    Adagrad: ("Adagrad", {"s": "sum"}),
}


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


@pytest.mark.parametrize(("cls", "options"), CASES, ids=CASE_IDS)
def test_twenty_steps_agree_with_torch(torch, cls, options):
    rng = np.random.default_rng(1)
    params = make_params(rng)
    theirs = [torch.tensor(p.data.copy(), requires_grad=True) for p in params]
    torch_name, state_names = TORCH_NAMES[cls]
    torch_opt = getattr(torch.optim, torch_name)(theirs, lr=1.0, **options)
    opt = cls(params, lr=1.0, **options)
    for lr in np.geomspace(1e-3, 1.0, 20):  # lr grows every step, as in a range test
        grads = [rng.standard_normal(p.data.shape) for p in params]
        opt.lr = lr
        for group in torch_opt.param_groups:
            group["lr"] = float(lr)
        for p, q, g in zip(params, theirs, grads):
            p.grad[...] = g
            q.grad = torch.tensor(g)
        opt.step()
        torch_opt.step()
    for j, (p, q) in enumerate(zip(params, theirs)):
        np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-12, atol=1e-12, err_msg=f"parameter {j}")
        torch_state = torch_opt.state[q]
        for ours, name in state_names.items():
            assert (ours in opt.state) == (name in torch_state), f"{ours} / {name}"
            if ours in opt.state:
                np.testing.assert_allclose(opt.state[ours][j], torch_state[name].numpy(), rtol=1e-12, atol=1e-12,
                                           err_msg=f"state {ours!r} of parameter {j}")
        if "step" in torch_state:
            assert opt.t == int(torch_state["step"]) == 20


# --- properties -------------------------------------------------------------------------------------


@given(
    case=st.sampled_from([(cls, o) for cls, o in CASES if cls is not RMSProp and o["weight_decay"] == 0]),
    theta=arrays(),
    lr=lrs,
    steps=st.integers(1, 3),
)
def test_zero_gradient_from_zero_state_leaves_parameters_unchanged(case, theta, lr, steps):
    """Property: with g = 0 from a fresh state, SGD, Adam and Adagrad do not move θ at all (bit for bit).

    SGD's step is lr·0; Adam's m stays 0 so m̂/(√v̂ + eps) = 0; Adagrad's step is 0/(√s + eps) = 0.
    """
    cls, options = case
    p = Parameter(theta.copy(), "w")
    opt = cls([p], lr=lr, **options)
    for _ in range(steps):
        opt.step()
    assert p.data.tobytes() == theta.tobytes()


@given(case=st.sampled_from(CASES), seed=st.integers(0, 2**32 - 1), before=st.integers(0, 4), after=st.integers(1, 4))
def test_state_dict_round_trip_resumes_bit_for_bit(case, seed, before, after):
    """Property: saving after k steps and loading into a fresh optimizer gives the same next steps, bit for bit.

    Also: the saved dict is a deep copy (later steps do not change it), the lr is restored (the fresh
    optimizer is built with another lr), and loading does not alias the dict (changing it afterwards
    has no effect).
    """
    cls, options = case
    rng = np.random.default_rng(seed)
    params = make_params(rng)
    grads = [[rng.standard_normal(shape) for shape in SHAPES] for _ in range(before + after)]
    opt = cls(params, lr=0.1, **options)
    take_steps(opt, grads[:before], rng.uniform(0.01, 0.5, size=before))
    saved_theta = [p.data.copy() for p in params]
    state = opt.state_dict()
    saved_bytes = {key: [a.tobytes() for a in value] for key, value in state.items() if isinstance(value, list)}
    expected = take_steps(opt, grads[before:], [opt.lr] * after)

    assert {key: [a.tobytes() for a in state[key]] for key in saved_bytes} == saved_bytes
    fresh = [Parameter(theta.copy(), f"p{i}") for i, theta in enumerate(saved_theta)]
    resumed = cls(fresh, lr=0.777, **options)
    resumed.load_state_dict(state)
    for buffers in state.values():
        if isinstance(buffers, list):
            for a in buffers:
                a.fill(np.nan)
    got = take_steps(resumed, grads[before:], [resumed.lr] * after)
    assert [[a.tobytes() for a in step] for step in got] == [[a.tobytes() for a in step] for step in expected]


@given(case=st.sampled_from(CASES), dtype=st.sampled_from([np.float32, np.float64]), seed=st.integers(0, 2**32 - 1))
def test_dtype_is_kept_everywhere(case, dtype, seed):
    """Property: float32 parameters give float32 parameters and state (float64 likewise), even when lr and
    every hyper-parameter are NumPy float64 scalars; lr and hyper-parameters are stored as Python floats."""
    cls, options = case
    options = {key: np.float64(value) if type(value) is float else value for key, value in options.items()}
    if "betas" in options:
        options["betas"] = tuple(np.float64(b) for b in options["betas"])
    rng = np.random.default_rng(seed)
    params = make_params(rng, dtype)
    arrays_before = [p.data for p in params]
    opt = cls(params, lr=np.float64(0.1), **options)
    grads = [[rng.standard_normal(shape).astype(dtype) for shape in SHAPES] for _ in range(3)]
    take_steps(opt, grads, [np.float64(0.3), np.float64(0.01), np.float64(0.2)])
    assert all(p.data is a for p, a in zip(params, arrays_before))  # updated in place
    assert all(p.data.dtype == dtype for p in params)
    state = opt.state_dict()
    for key, value in state.items():
        if isinstance(value, list):
            assert all(a.dtype == dtype for a in value), key
        elif key == "betas":
            assert all(type(b) is float for b in value)
        else:
            assert type(value) in (float, bool, int), key
    assert type(opt.lr) is float


# --- in place, without temporaries ------------------------------------------------------------------


@pytest.mark.parametrize(("cls", "options"), CASES, ids=CASE_IDS)
def test_step_allocates_no_temporaries(cls, options):
    """A step writes into preallocated arrays: it allocates nothing of the size of a parameter."""
    p = Parameter(np.ones((200, 200)), "W")  # 320 kB
    p.grad[...] = 0.5
    opt = cls([p], lr=0.01, **options)
    buffers = {name: list(arrays) for name, arrays in opt.state.items()}
    opt.step()
    tracemalloc.start()
    try:
        opt.step()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16_000, f"a step allocated {peak} bytes"
    assert all(a is b for name in buffers for a, b in zip(buffers[name], opt.state[name]))


def test_zero_grad_zeroes_in_place():
    p = Parameter(np.ones(3), "w")
    grad = p.grad
    grad[...] = 5.0
    SGD([p]).zero_grad()
    assert p.grad is grad and np.all(grad == 0)


def test_load_state_dict_copies_in_place_into_the_same_arrays():
    p = Parameter(np.ones(3), "w")
    opt = Adam([p], amsgrad=True)
    arrays_before = {name: list(a) for name, a in opt.state.items()}
    p.grad[...] = 1.0
    opt.step()
    state = opt.state_dict()
    opt.step()
    opt.load_state_dict(state)
    assert opt.t == 1
    for name, before in arrays_before.items():
        assert all(a is b for a, b in zip(before, opt.state[name]))
        assert all(a is not b for a, b in zip(before, state[name]))


def test_defaults_are_torchs():
    p = [Parameter(np.zeros(2), "w")]
    assert SGD(p).state_dict() == {"lr": 1e-3, "momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0,
                                   "nesterov": False, "t": 0}
    adam = Adam(p).state_dict()
    assert {k: adam[k] for k in ("lr", "betas", "eps", "weight_decay", "amsgrad", "t")} == {
        "lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False, "t": 0}
    assert set(adam) == {"lr", "betas", "eps", "weight_decay", "amsgrad", "t", "m", "v"}
    rms = RMSProp(p).state_dict()
    assert {k: rms[k] for k in ("lr", "alpha", "eps", "weight_decay", "momentum", "centered")} == {
        "lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0, "centered": False}
    assert set(rms) == {"lr", "alpha", "eps", "weight_decay", "momentum", "centered", "t", "v"}
    ada = Adagrad(p).state_dict()
    assert {k: ada[k] for k in ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")} == {
        "lr": 1e-2, "lr_decay": 0.0, "weight_decay": 0.0, "initial_accumulator_value": 0.0, "eps": 1e-10}
    assert isinstance(Adam(p), Optimizer)


# --- bad input --------------------------------------------------------------------------------------


def one_param():
    return [Parameter(np.zeros(2), "w")]


BAD_ARGUMENTS = [
    (SGD, dict(lr=-1.0), ValueError, r"lr must be a finite number >= 0, got -1\.0"),
    (SGD, dict(lr=float("nan")), ValueError, "lr must be finite, got nan"),
    (Adam, dict(lr=float("inf")), ValueError, "lr must be finite, got inf"),
    (SGD, dict(lr="0.1"), TypeError, "lr must be a real number, got '0.1'"),
    (Adam, dict(eps=-1e-8), ValueError, "eps .* got -1e-08"),
    (RMSProp, dict(eps=float("nan")), ValueError, "eps must be finite"),
    (Adagrad, dict(eps=-1.0), ValueError, r"eps .* got -1\.0"),
    (SGD, dict(weight_decay=-0.1), ValueError, r"weight_decay .* got -0\.1"),
    (Adam, dict(weight_decay=float("inf")), ValueError, "weight_decay must be finite"),
    (RMSProp, dict(weight_decay=-1.0), ValueError, "weight_decay"),
    (Adagrad, dict(weight_decay=-1.0), ValueError, "weight_decay"),
    (SGD, dict(momentum=-0.5), ValueError, r"momentum .* got -0\.5"),
    (RMSProp, dict(momentum=-0.5), ValueError, r"momentum .* got -0\.5"),
    (SGD, dict(dampening=-0.5), ValueError, r"dampening .* got -0\.5"),
    (Adagrad, dict(lr_decay=-0.1), ValueError, r"lr_decay .* got -0\.1"),
    (Adagrad, dict(initial_accumulator_value=-0.1), ValueError, r"initial_accumulator_value .* got -0\.1"),
    (Adam, dict(betas=(1.0, 0.999)), ValueError, r"betas\[0\] must be in \[0, 1\), got 1\.0"),
    (Adam, dict(betas=(0.9, -0.1)), ValueError, r"betas\[1\] must be in \[0, 1\), got -0\.1"),
    (Adam, dict(betas=0.9), TypeError, "betas must be a pair"),
    (Adam, dict(betas=(0.9, 0.99, 0.999)), TypeError, "betas must be a pair"),
    (RMSProp, dict(alpha=1.0), ValueError, r"alpha must be in \[0, 1\), got 1\.0"),
    (RMSProp, dict(alpha=-0.1), ValueError, r"alpha must be in \[0, 1\), got -0\.1"),
    (SGD, dict(nesterov=True), ValueError, r"nesterov=True needs momentum > 0 .* got momentum=0\.0"),
    (SGD, dict(nesterov=True, momentum=0.9, dampening=0.1), ValueError, r"dampening = 0, .* dampening=0\.1"),
    (SGD, dict(nesterov="yes"), TypeError, "nesterov must be True or False, got 'yes'"),
    (Adam, dict(amsgrad=1), TypeError, "amsgrad must be True or False, got 1"),
    (RMSProp, dict(centered=None), TypeError, "centered must be True or False, got None"),
]


@pytest.mark.parametrize(("cls", "kwargs", "error", "match"), BAD_ARGUMENTS,
                         ids=[f"{c.__name__}-{next(iter(k))}-{i}" for i, (c, k, _, _) in enumerate(BAD_ARGUMENTS)])
def test_bad_hyper_parameters_are_rejected(cls, kwargs, error, match):
    with pytest.raises(error, match=match):
        cls(one_param(), **kwargs)


@pytest.mark.parametrize(("params", "error", "match"), [
    ([], ValueError, "params must hold at least one Parameter, got an empty list"),
    (iter([]), ValueError, "params must hold at least one Parameter"),
    ([np.zeros(3)], TypeError, r"params\[0\] must be a minigrad_lr.nn.Parameter, got ndarray"),
    ([Parameter(np.zeros(2), "w"), "b"], TypeError, r"params\[1\] must be a minigrad_lr.nn.Parameter, got str"),
    (None, TypeError, "params must be an iterable of Parameter objects, got NoneType"),
    (Parameter(np.zeros(2), "w"), TypeError, "params must be a list of Parameter objects, got a single"),
    ([Parameter(np.zeros(2, dtype=np.int64), "w")], TypeError, r"params\[0\] \('w'\) must hold a float ndarray"),
])
def test_bad_params_are_rejected(params, error, match):
    with pytest.raises(error, match=match):
        Adam(params)


def test_the_same_parameter_twice_is_rejected():
    p = Parameter(np.zeros(2), "w")
    with pytest.raises(ValueError, match=r"params\[1\] \('w'\) appears more than once"):
        SGD([p, p])


def test_an_iterable_of_parameters_is_accepted():
    params = one_param()
    assert SGD(p for p in params).params == params


@pytest.mark.parametrize(("value", "error"), [(-1.0, ValueError), (float("nan"), ValueError), (None, TypeError)])
def test_lr_setter_validates_and_keeps_the_old_value(value, error):
    opt = SGD(one_param(), lr=0.1)
    with pytest.raises(error, match="lr"):
        opt.lr = value
    assert opt.lr == 0.1


def adam_state(**options):
    p = Parameter(np.ones((2, 3)), "W")
    opt = Adam([p], **options)
    p.grad[...] = 1.0
    opt.step()
    return opt, opt.state_dict()


def replace(state, **changes):
    return {**state, **changes}


BAD_STATES = [
    (lambda s: {k: v for k, v in s.items() if k != "m"}, ValueError, "missing key 'm'"),
    (lambda s: {k: v for k, v in s.items() if k != "lr"}, ValueError, "missing key 'lr'"),
    (lambda s: {k: v for k, v in s.items() if k != "t"}, ValueError, "missing key 't'"),
    (lambda s: {k: v for k, v in s.items() if k != "betas"}, ValueError, "missing key 'betas'"),
    (lambda s: replace(s, v_max=s["v"]), ValueError, "unexpected key 'v_max'"),
    (lambda s: replace(s, m=[np.zeros((3, 2))]), ValueError, r"state_dict\['m'\]\[0\] has shape \(3, 2\)"),
    (lambda s: replace(s, v=[np.zeros((2, 3), np.float32)]), ValueError, r"state_dict\['v'\]\[0\] has dtype float32"),
    (lambda s: replace(s, m=s["m"] * 2), ValueError,
     r"state_dict\['m'\] must hold one array per parameter \(1\), got 2"),
    (lambda s: replace(s, m=np.zeros((2, 3))), TypeError, r"state_dict\['m'\] must be a list"),
    (lambda s: replace(s, m=[[[0.0] * 3] * 2]), TypeError, r"state_dict\['m'\]\[0\] must be an ndarray"),
    (lambda s: replace(s, lr=-1.0), ValueError, r"lr must be a finite number >= 0, got -1\.0"),
    (lambda s: replace(s, eps=float("nan")), ValueError, "eps must be finite"),
    (lambda s: replace(s, betas=(0.9, 1.5)), ValueError, r"betas\[1\]"),
    (lambda s: replace(s, t=-1), ValueError, "t must be >= 0, got -1"),
    (lambda s: replace(s, t=1.5), TypeError, "t must be an integer"),
    (lambda s: replace(s, amsgrad=True), ValueError, "need the buffers"),
    (lambda s: list(s.items()), TypeError, "state must be a dict"),
]


@pytest.mark.parametrize(("corrupt", "error", "match"), BAD_STATES, ids=[m for _, _, m in BAD_STATES])
def test_bad_state_dict_is_rejected_and_changes_nothing(corrupt, error, match):
    opt, state = adam_state()
    before = opt.state_dict()
    with pytest.raises(error, match=match):
        opt.load_state_dict(corrupt(state))
    after = opt.state_dict()
    assert after.keys() == before.keys()
    for key in before:
        if isinstance(before[key], list):
            assert [a.tobytes() for a in after[key]] == [a.tobytes() for a in before[key]]
        else:
            assert after[key] == before[key]


def test_state_from_another_configuration_is_rejected():
    _, state = adam_state(amsgrad=True)
    with pytest.raises(ValueError, match="unexpected key 'v_max'"):
        adam_state()[0].load_state_dict(state)


# --- hostile input: every mistake named -------------------------------------------------------------

NUMBER_ARGUMENTS = [(SGD, "lr"), (SGD, "momentum"), (SGD, "dampening"), (SGD, "weight_decay"),
                    (Adam, "lr"), (Adam, "eps"), (Adam, "weight_decay"),
                    (RMSProp, "lr"), (RMSProp, "alpha"), (RMSProp, "eps"), (RMSProp, "weight_decay"),
                    (RMSProp, "momentum"), (Adagrad, "lr"), (Adagrad, "lr_decay"), (Adagrad, "weight_decay"),
                    (Adagrad, "initial_accumulator_value"), (Adagrad, "eps")]


@pytest.mark.parametrize(("cls", "name"), NUMBER_ARGUMENTS, ids=[f"{c.__name__}-{n}" for c, n in NUMBER_ARGUMENTS])
def test_every_number_argument_names_a_bad_value_and_takes_numpy_scalars(cls, name):
    """str, None, a list, a dict, bool, complex and a 0-d array are TypeErrors; NaN, ±inf and -1 ValueErrors;
    NumPy scalars are stored as Python floats (so that float32 state stays float32)."""
    for value in ("0.1", None, [0.1], {}, True, np.True_, 0.1 + 0j, np.array(0.1)):
        with pytest.raises(TypeError, match=f"{name} must be a real number"):
            cls(one_param(), **{name: value})
    for value in (float("nan"), float("inf"), -float("inf"), -1.0):
        with pytest.raises(ValueError, match=name):
            cls(one_param(), **{name: value})
    for value in (np.float64(0.5), np.float32(0.25), np.int64(0)):
        opt = cls(one_param(), **{name: value})
        assert type(getattr(opt, name)) is float and getattr(opt, name) == float(value)


@pytest.mark.parametrize(("params", "error", "match"), [
    pytest.param([Parameter(np.zeros(2, np.float16), "w")], TypeError,
                 r"params\[0\] \('w'\) must hold a float ndarray \(float32 or float64\).*float16",
                 id="float16 parameter"),
    pytest.param(MLP([3, 2]), TypeError, "got MLP: pass model.parameters()", id="the model itself"),
])
def test_params_name_the_mistake(params, error, match):
    with pytest.raises(error, match=match):
        SGD(params)


def test_the_interface_is_not_an_optimizer():
    with pytest.raises(TypeError, match="Optimizer is the interface .* build SGD, Adam, RMSProp or Adagrad"):
        Optimizer(one_param(), 0.1)


@pytest.mark.parametrize("cls", [SGD, Adam, RMSProp, Adagrad], ids=lambda c: c.__name__)
def test_a_nan_gradient_propagates_to_its_own_coordinate_only(cls):
    """As in torch.optim: a NaN gradient is not an argument error; it makes that weight NaN, and the range
    test then stops at the next loss ("non_finite")."""
    p = Parameter(np.ones(3), "w")
    p.grad[:] = [0.5, np.nan, -0.5]
    cls([p], lr=0.1).step()
    assert np.isnan(p.data).tolist() == [False, True, False]
