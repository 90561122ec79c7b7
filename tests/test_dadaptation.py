"""DAdaptSGD and DAdaptAdam: steps by hand, agreement with the authors' package (dadaptation), bad arguments."""

import math

import numpy as np
import pytest

from minigrad_lr.dadaptation import DAdaptAdam, DAdaptSGD
from minigrad_lr.nn import Parameter

from lr_free_helpers import TOLERANCE, signature_of, worst_difference_with_package


def one_param(*values):
    return [Parameter(np.array(values, dtype=np.float64), "w")]


def step(opt, grad, lr=None):
    if lr is not None:
        opt.lr = lr
    opt.params[0].grad[...] = grad
    opt.step()
    return opt.params[0].data.copy()


# --- DAdaptSGD by hand ------------------------------------------------------------------------------


def test_sgd_two_steps_by_hand():
    # x_0 = (1, 2), d0 = 0.1. Step 1, g = (3, 4): ‖g_0‖ = 5, λ = 0.1/5 = 0.02; r = 0 (s = 0);
    # s = (0.06, 0.08); d̂ = 0, so d stays 0.1; x = x_0 − s = (0.94, 1.92).
    opt = DAdaptSGD(one_param(1.0, 2.0), d0=0.1, growth_rate=1.2)
    np.testing.assert_allclose(step(opt, [3.0, 4.0]), [0.94, 1.92], rtol=1e-15)
    assert (opt.d, opt.numerator_weighted, opt.g0_norm, opt.t) == (0.1, 0.0, 5.0, 1)
    # Step 2, g = (6, 8): λ = 0.02 again (‖g_0‖ is kept); r = 0.02 · ⟨g, s⟩ = 0.02 · 1 = 0.02;
    # s = (0.18, 0.24), ‖s‖ = 0.3; d̂ = 2 · 0.02/0.3 = 0.1333, capped at 1.2 · d = 0.12; x = (0.82, 1.76).
    np.testing.assert_allclose(step(opt, [6.0, 8.0]), [0.82, 1.76], rtol=1e-15)
    assert opt.numerator_weighted == pytest.approx(0.02, rel=1e-15)
    assert opt.d == pytest.approx(0.12, rel=1e-15)
    np.testing.assert_allclose(opt.state["s"][0], [0.18, 0.24], rtol=1e-15)
    # Without the cap, d = d̂ = 2/15; and the next λ uses the new d.
    free = DAdaptSGD(one_param(1.0, 2.0), d0=0.1)
    step(free, [3.0, 4.0])
    step(free, [6.0, 8.0])
    assert free.d == pytest.approx(2 / 15, rel=1e-15)
    np.testing.assert_allclose(step(free, [1.0, 0.0]), [0.82 - (2 / 15) / 5, 1.76], rtol=1e-15)


def test_sgd_momentum_averages_x_with_z():
    # β = 0.5: x = 0.5 x + 0.5 z. z_1 = (0.94, 1.92), so x_1 = (0.97, 1.96); z_2 = (0.82, 1.76), x_2 = (0.895, 1.86).
    opt = DAdaptSGD(one_param(1.0, 2.0), momentum=0.5, d0=0.1)
    np.testing.assert_allclose(step(opt, [3.0, 4.0]), [0.97, 1.96], rtol=1e-15)
    np.testing.assert_allclose(step(opt, [6.0, 8.0]), [0.895, 1.86], rtol=1e-15)


def test_sgd_first_gradient_norm_leaves_out_weight_decay():
    # As the package: ‖g_0‖ = ‖grad‖ = 5, though g = grad + 1 · x_0 = (4, 6) fills s: s = 0.02 · (4, 6).
    opt = DAdaptSGD(one_param(1.0, 2.0), weight_decay=1.0, d0=0.1)
    np.testing.assert_allclose(step(opt, [3.0, 4.0]), [0.92, 1.88], rtol=1e-15)
    assert opt.g0_norm == 5.0
    np.testing.assert_array_equal(opt.params[0].grad, [3.0, 4.0])  # p.grad itself is left as it was


def test_sgd_zero_first_gradient_is_rejected_and_lr_zero_changes_nothing():
    opt = DAdaptSGD(one_param(1.0, 2.0))
    with pytest.raises(ValueError, match="first gradient is zero"):
        opt.step()
    opt.lr = 0.0
    np.testing.assert_array_equal(step(opt, [3.0, 4.0]), [1.0, 2.0])
    assert (opt.t, opt.g0_norm, opt.d) == (0, 0.0, 1e-6)
    assert all(np.all(a == 0) for arrays in opt.state.values() for a in arrays)


# --- DAdaptAdam by hand -----------------------------------------------------------------------------

EPS = 1e-8


def test_adam_two_steps_by_hand():
    # β = (0.5, 0.64), so √β2 = 0.8; d0 = 0.1, x_0 = 0. Step 1, g = (1, −2): dlr = 0.1;
    # r = 0.2 · 0 (s = 0); m = 0.1 · 0.5 · g = (0.05, −0.1); v = 0.36 g² = (0.36, 1.44);
    # s = 0.1 · 0.2 · g = (0.02, −0.04); d̂ = 0, d stays 0.1; x = −m/(√v + eps).
    opt = DAdaptAdam(one_param(0.0, 0.0), betas=(0.5, 0.64), eps=EPS, d0=0.1)
    x1 = np.array([-0.05 / (0.6 + EPS), 0.1 / (1.2 + EPS)])
    np.testing.assert_allclose(step(opt, [1.0, -2.0]), x1, rtol=1e-15)
    assert (opt.d, opt.numerator_weighted, opt.t) == (0.1, 0.0, 1)
    # Step 2, g = (10, −20): r_new = 0.1 · ⟨g, s/(√v + eps)⟩ = 0.1 · (0.2/(0.6 + eps) + 0.8/(1.2 + eps)) ≈ 0.1,
    # r = 0.2 r_new; m = 0.5 m + 0.05 g = (0.525, −1.05); v = 0.64 v + 0.36 g² = (36.2304, 144.9216);
    # s = 0.8 s + 0.02 g = (0.216, −0.432); d̂ = r/(0.2 · 0.648) ≈ 0.154 > d; x −= m/(√v + eps).
    r = 0.2 * 0.1 * (0.2 / (0.6 + EPS) + 0.8 / (1.2 + EPS))
    x2 = x1 - np.array([0.525, -1.05]) / (np.sqrt([36.2304, 144.9216]) + EPS)
    np.testing.assert_allclose(step(opt, [10.0, -20.0]), x2, rtol=1e-14)
    assert opt.numerator_weighted == pytest.approx(r, rel=1e-14)
    assert opt.d == pytest.approx(r / (0.2 * 0.648), rel=1e-14)
    np.testing.assert_allclose(opt.state["s"][0], [0.216, -0.432], rtol=1e-14)


def test_adam_bias_correction_scales_dlr():
    # bc = √(1 − 0.64)/(1 − 0.5) = 1.2 at t = 1: dlr = 0.12, m = 0.06 g, x = −0.06 g/(0.6 |g| + eps).
    opt = DAdaptAdam(one_param(0.0, 0.0), betas=(0.5, 0.64), eps=EPS, d0=0.1, use_bias_correction=True)
    np.testing.assert_allclose(step(opt, [1.0, -2.0]), [-0.06 / (0.6 + EPS), 0.12 / (1.2 + EPS)], rtol=1e-15)


def test_adam_weight_decay_coupled_or_decoupled():
    # Coupled: g = grad + 0.5 · x_0 = (1, −2) at x_0 = (1, 1), grad = (0.5, −2.5): the step of the test above.
    coupled = DAdaptAdam(one_param(1.0, 1.0), betas=(0.5, 0.64), eps=EPS, d0=0.1, weight_decay=0.5)
    np.testing.assert_allclose(step(coupled, [0.5, -2.5]), [1 - 0.05 / (0.6 + EPS), 1 + 0.1 / (1.2 + EPS)],
                               rtol=1e-15)
    np.testing.assert_array_equal(coupled.params[0].grad, [0.5, -2.5])  # p.grad itself is left as it was
    # Decoupled: x −= 0.5 · dlr · x = 0.05 x first, then the step of g = grad = (1, −2).
    decoupled = DAdaptAdam(one_param(1.0, 1.0), betas=(0.5, 0.64), eps=EPS, d0=0.1, weight_decay=0.5, decouple=True)
    np.testing.assert_allclose(step(decoupled, [1.0, -2.0]), [0.95 - 0.05 / (0.6 + EPS), 0.95 + 0.1 / (1.2 + EPS)],
                               rtol=1e-15)


def test_adam_step_without_gradient_or_lr_changes_nothing():
    opt = DAdaptAdam(one_param(1.0, 2.0))
    np.testing.assert_array_equal(step(opt, [0.0, 0.0]), [1.0, 2.0])
    opt.lr = 0.0
    np.testing.assert_array_equal(step(opt, [3.0, 4.0]), [1.0, 2.0])
    assert (opt.t, opt.d, opt.numerator_weighted) == (0, 1e-6, 0.0)
    assert all(np.all(a == 0) for arrays in opt.state.values() for a in arrays)


def test_defaults_are_the_packages():
    p = one_param(1.0, 2.0)
    sgd = DAdaptSGD(p).state_dict()
    assert {k: v for k, v in sgd.items() if k not in ("s", "x0")} == {
        "lr": 1.0, "momentum": 0.0, "weight_decay": 0.0, "d0": 1e-6, "growth_rate": math.inf, "t": 0,
        "d": 1e-6, "numerator_weighted": 0.0, "g0_norm": 0.0}
    adam = DAdaptAdam(p).state_dict()
    assert {k: v for k, v in adam.items() if k not in ("m", "v", "s")} == {
        "lr": 1.0, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "decouple": False,
        "use_bias_correction": False, "d0": 1e-6, "growth_rate": math.inf, "t": 0, "d": 1e-6,
        "numerator_weighted": 0.0}


# --- agreement with the authors' package (skipped when it or torch is not installed) -----------------


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


@pytest.fixture(scope="module")
def dadaptation():
    return pytest.importorskip("dadaptation")


LEFT_OUT = ("log_every", "fsdp_in_use")


@pytest.mark.parametrize("name", ["DAdaptSGD", "DAdaptAdam"])
def test_arguments_are_the_packages(dadaptation, name):
    ours = {"DAdaptSGD": DAdaptSGD, "DAdaptAdam": DAdaptAdam}[name]
    assert signature_of(ours) == signature_of(getattr(dadaptation, name), left_out=LEFT_OUT)


def changing_lrs(with_zero):
    lrs = list(np.geomspace(0.1, 3.0, 40))
    if with_zero:
        lrs[20] = 0.0
    return lrs


def d_of_package(theirs):
    return theirs.param_groups[0]["d"]


@pytest.mark.parametrize("options", [
    {},
    {"momentum": 0.9},
    {"weight_decay": 0.01, "d0": 1e-3, "growth_rate": 1.05},
    {"lr": 0.5, "momentum": 0.5, "weight_decay": 0.01},
], ids=str)
@pytest.mark.parametrize("schedule", [False, True], ids=["constant lr", "lr changing"])
def test_sgd_forty_steps_agree_with_the_package(torch, dadaptation, options, schedule):
    lrs = changing_lrs(with_zero=False) if schedule else None  # the package fails on a step with lr = 0
    worst = worst_difference_with_package(torch, DAdaptSGD, dadaptation.DAdaptSGD, lambda opt: opt.d, d_of_package,
                                          options, lrs)
    assert worst <= TOLERANCE


@pytest.mark.parametrize("options", [
    {},
    {"weight_decay": 0.01},
    {"weight_decay": 0.01, "decouple": True},
    {"use_bias_correction": True, "d0": 1e-3},
    {"growth_rate": 1.02, "betas": (0.5, 0.9), "eps": 1e-6, "d0": 1e-4},
], ids=str)
@pytest.mark.parametrize("schedule", [False, True], ids=["constant lr", "lr changing, 0 once"])
def test_adam_forty_steps_agree_with_the_package(torch, dadaptation, options, schedule):
    lrs = changing_lrs(with_zero=True) if schedule else None
    worst = worst_difference_with_package(torch, DAdaptAdam, dadaptation.DAdaptAdam, lambda opt: opt.d,
                                          d_of_package, options, lrs)
    assert worst <= TOLERANCE


# --- bad arguments ----------------------------------------------------------------------------------


BAD_ARGUMENTS = [
    (DAdaptSGD, {"lr": 0.0}, ValueError, r"lr must be a finite number > 0, got 0\.0"),
    (DAdaptAdam, {"lr": -1.0}, ValueError, "lr must be a finite number > 0"),
    (DAdaptSGD, {"momentum": 1.0}, ValueError, r"momentum must be in \[0, 1\), got 1\.0"),
    (DAdaptSGD, {"weight_decay": -0.1}, ValueError, "weight_decay must be a finite number >= 0"),
    (DAdaptAdam, {"weight_decay": float("nan")}, ValueError, "weight_decay must be finite"),
    (DAdaptSGD, {"d0": 0.0}, ValueError, r"d0 must be a finite number > 0, got 0\.0"),
    (DAdaptAdam, {"d0": float("inf")}, ValueError, "d0 must be finite"),
    (DAdaptSGD, {"growth_rate": 0.5}, ValueError, r"growth_rate must be >= 1 \(inf for no limit\), got 0\.5"),
    (DAdaptAdam, {"growth_rate": float("nan")}, ValueError, "growth_rate must be >= 1"),
    (DAdaptAdam, {"growth_rate": "fast"}, TypeError, "growth_rate must be a real number"),
    (DAdaptAdam, {"eps": 0.0}, ValueError, r"eps must be a finite number > 0, got 0\.0"),
    (DAdaptAdam, {"betas": (0.9, 1.0)}, ValueError, r"betas\[1\] must be in \[0, 1\), got 1\.0"),
    (DAdaptAdam, {"betas": 0.9}, TypeError, "betas must be a pair"),
    (DAdaptAdam, {"decouple": 1}, TypeError, "decouple must be True or False, got 1"),
    (DAdaptAdam, {"use_bias_correction": "yes"}, TypeError, "use_bias_correction must be True or False"),
]


@pytest.mark.parametrize(("cls", "kwargs", "error", "match"), BAD_ARGUMENTS,
                         ids=[f"{cls.__name__}-{kwargs}" for cls, kwargs, _, _ in BAD_ARGUMENTS])
def test_bad_arguments_are_rejected(cls, kwargs, error, match):
    with pytest.raises(error, match=match):
        cls(one_param(1.0, 2.0), **kwargs)


def test_left_out_and_positional_arguments():
    with pytest.raises(TypeError, match="log_every"):
        DAdaptSGD(one_param(1.0), log_every=10)
    with pytest.raises(TypeError):
        DAdaptAdam(one_param(1.0), 1.0, (0.9, 0.999), 1e-8, 0.0, True)  # decouple is keyword-only
