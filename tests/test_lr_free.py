"""What the learning-rate-free optimizers share: scalar state in state_dict, lr > 0, dtype, p.grad left alone."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from minigrad_lr.dadaptation import DAdaptAdam, DAdaptSGD
from minigrad_lr.dog import DoG
from minigrad_lr.lr_free import LRFreeOptimizer
from minigrad_lr.nn import MLP
from minigrad_lr.prodigy import Prodigy

from lr_free_helpers import mlp_and_batches, train

# Each optimizer with its defaults and with most of its options changed.
CASES = [
    (DoG, {}),
    (DoG, {"init_eta": 1e-3, "weight_decay": 0.01}),
    (DAdaptSGD, {}),
    (DAdaptSGD, {"momentum": 0.9, "weight_decay": 0.01, "growth_rate": 1.05}),
    (DAdaptAdam, {}),
    (DAdaptAdam, {"weight_decay": 0.01, "decouple": True, "use_bias_correction": True, "growth_rate": 1.02}),
    (Prodigy, {}),
    (Prodigy, {"betas": (0.0, 0.99), "beta3": 0.9, "weight_decay": 0.01, "decouple": False, "safeguard_warmup": True,
               "slice_p": 2}),
]
CASE_IDS = [f"{cls.__name__}({', '.join(f'{k}={v}' for k, v in o.items())})" for cls, o in CASES]
CLASSES = [DoG, DAdaptSGD, DAdaptAdam, Prodigy]
STEP_SIZE = {DoG: "eta", DAdaptSGD: "d", DAdaptAdam: "d", Prodigy: "d"}


def arrays_bytes(arrays):
    return [a.tobytes() for a in arrays]


@given(case=st.sampled_from(CASES), before=st.integers(0, 4), after=st.integers(1, 4))
def test_state_dict_round_trip_resumes_bit_for_bit(case, before, after):
    """Property: saving after k steps and loading into a fresh optimizer gives the same next steps, bit for bit.

    The fresh optimizer is built with another lr; the saved dict is a deep copy (later steps leave it as it
    was) and loading does not alias it (filling it with NaN afterwards changes nothing).
    """
    cls, options = case
    model, batches = mlp_and_batches(steps=before + after)
    opt = cls(model.parameters(), **options)
    train(model, opt, batches[:before])
    saved_model, state = model.state_dict(), opt.state_dict()
    saved = {key: arrays_bytes(value) if isinstance(value, list) else value for key, value in state.items()}
    assert set(cls.SCALARS) <= set(state)
    assert all(type(state[name]) is float for name in cls.SCALARS)
    train(model, opt, batches[before:])
    expected = [p.data.tobytes() for p in model.parameters()]
    assert {key: arrays_bytes(value) if isinstance(value, list) else value for key, value in state.items()} == saved

    fresh = MLP([8, 16, 4], dtype=np.float64, seed=1)
    fresh.load_state_dict(saved_model)
    resumed = cls(fresh.parameters(), **{**options, "lr": 0.777})
    resumed.load_state_dict(state)
    for value in state.values():
        for a in value if isinstance(value, list) else ():
            a.fill(np.nan)
    train(fresh, resumed, batches[before:])
    assert [p.data.tobytes() for p in fresh.parameters()] == expected
    assert getattr(resumed, STEP_SIZE[cls]) == getattr(opt, STEP_SIZE[cls])


@pytest.mark.parametrize(("cls", "options"), CASES, ids=CASE_IDS)
def test_float32_stays_float32(cls, options):
    """float32 parameters and buffers stay float32, even with NumPy float64 hyper-parameters; scalars are floats."""
    options = {key: np.float64(value) if type(value) is float else value for key, value in options.items()}
    if "betas" in options:
        options["betas"] = tuple(np.float64(b) for b in options["betas"])
    model, batches = mlp_and_batches(dtype=np.float32, steps=5)
    arrays_before = [p.data for p in model.parameters()]
    opt = cls(model.parameters(), lr=np.float64(1.0), **options)
    train(model, opt, batches, lrs=[np.float64(lr) for lr in (1.0, 0.5, 2.0, 1.0, 1.0)])
    assert all(p.data is a and a.dtype == np.float32 for p, a in zip(model.parameters(), arrays_before))
    assert all(a.dtype == np.float32 for arrays in opt.state.values() for a in arrays)
    assert all(type(getattr(opt, name)) is float for name in cls.SCALARS)
    assert type(opt.lr) is float
    assert getattr(opt, STEP_SIZE[cls]) > 0


@pytest.mark.parametrize(("cls", "options"), CASES, ids=CASE_IDS)
def test_step_leaves_the_gradient_alone(cls, options):
    model, batches = mlp_and_batches(steps=1)
    opt = cls(model.parameters(), **options)
    train(model, opt, batches)
    grads = [p.grad.copy() for p in model.parameters()]
    opt.step()
    assert arrays_bytes(p.grad for p in model.parameters()) == arrays_bytes(grads)


@pytest.mark.parametrize("cls", CLASSES)
def test_lr_must_be_positive_when_built_and_may_be_zero_later(cls):
    model, _ = mlp_and_batches(steps=0)
    with pytest.raises(ValueError, match=r"lr must be a finite number > 0, got 0\.0"):
        cls(model.parameters(), lr=0.0)
    opt = cls(model.parameters())
    assert isinstance(opt, LRFreeOptimizer) and opt.lr == 1.0
    opt.lr = 0.0
    assert opt.lr == 0.0


def trained(cls):
    model, batches = mlp_and_batches(steps=3)
    opt = cls(model.parameters())
    train(model, opt, batches)
    return opt


@pytest.mark.parametrize("cls", CLASSES)
@pytest.mark.parametrize(("corrupt", "error", "match"), [
    (lambda s, name: {k: v for k, v in s.items() if k != name}, ValueError, "missing key"),
    (lambda s, name: {**s, name: -1.0}, ValueError, "must be a finite number"),
    (lambda s, name: {**s, name: float("nan")}, ValueError, "must be finite"),
    (lambda s, name: {**s, name: "big"}, TypeError, "must be a real number"),
    # A good scalar beside a bad buffer: Optimizer's checks fail, and the scalar must not be set either.
    (lambda s, name: {**s, name: 123.0, "t": -1}, ValueError, "t must be >= 0"),
    (lambda s, name: list(s.items()), TypeError, "state must be a dict"),
], ids=["missing", "negative", "nan", "string", "good scalar, bad t", "not a dict"])
def test_bad_state_dict_is_rejected_and_changes_nothing(cls, corrupt, error, match):
    opt = trained(cls)
    before = opt.state_dict()
    with pytest.raises(error, match=match):
        opt.load_state_dict(corrupt(opt.state_dict(), STEP_SIZE[cls]))  # eta >= 0, d > 0
    after = opt.state_dict()
    assert after.keys() == before.keys()
    for key, value in before.items():
        assert (arrays_bytes(after[key]) == arrays_bytes(value)) if isinstance(value, list) else after[key] == value
