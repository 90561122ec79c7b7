"""Prodigy: steps by hand, agreement with the authors' package (prodigyopt), bad arguments."""

import math

import numpy as np
import pytest

from minigrad_lr.nn import Parameter
from minigrad_lr.prodigy import Prodigy, every

from lr_free_helpers import TOLERANCE, signature_of, worst_difference_with_package

EPS = 1e-8
G = np.array([1.0, -2.0])  # the gradient of the steps by hand


def one_param(*values):
    return [Parameter(np.array(values, dtype=np.float64), "w")]


def step(opt, grad=G, lr=None):
    if lr is not None:
        opt.lr = lr
    opt.params[0].grad[...] = grad
    opt.step()
    return opt.params[0].data.copy()


# --- steps by hand ----------------------------------------------------------------------------------


def test_three_steps_by_hand():
    # β = (0.5, 0.64), so β3 = √β2 = 0.8; d0 = 0.1, x_0 = (0.5, −1), g = (1, −2) at every step.
    opt = Prodigy(one_param(0.5, -1.0), betas=(0.5, 0.64), eps=EPS, d0=0.1, d_coef=10.0, growth_rate=2.0)
    x0 = np.array([0.5, -1.0])
    # Step 1: dlr = d = 0.1; r = (d/d0) dlr ⟨g, x_0 − x_0⟩ = 0; m = 0.1 · 0.5 g; v = 0.01 · 0.36 g²;
    # s = 1 · 0.1 g, d̂ = 0: d stays d0. x_1 = x_0 − 0.1 m/(√v + 0.1 eps), about x_0 − sign(g)/12.
    m, v, s = 0.05 * G, 0.0036 * G**2, 0.1 * G
    x1 = x0 - 0.1 * m / (np.sqrt(v) + 0.1 * EPS)
    np.testing.assert_allclose(step(opt), x1, rtol=1e-15)
    assert (opt.d, opt.d_max, opt.d_numerator, opt.t) == (0.1, 0.1, 0.0, 1)
    np.testing.assert_array_equal(opt.state["x0"][0], x0)
    # Step 2: r = 0.8 · 0 + 1 · 0.1 · ⟨g, x_0 − x_1⟩ ≈ 0.025; s = 0.8 s + 0.1 g, ‖s‖₁ = 0.54;
    # d̂ = 10 r/0.54 ≈ 0.463. d = d0 still, so d = max(d, d̂) = d̂, beyond growth_rate · d0 (the first rise
    # is not capped); d_max = d̂. The step uses dlr = 0.1 (the old d) and eps times the new d.
    r2 = 0.1 * G @ (x0 - x1)
    m, v, s = 0.5 * m + 0.05 * G, 0.64 * v + 0.0036 * G**2, 0.8 * s + 0.1 * G
    d2 = 10 * r2 / 0.54
    x2 = x1 - 0.1 * m / (np.sqrt(v) + d2 * EPS)
    np.testing.assert_allclose(step(opt), x2, rtol=1e-14)
    assert (opt.d, opt.d_max, opt.d_numerator) == (pytest.approx(d2, rel=1e-14),) * 2 + (pytest.approx(r2, rel=1e-14),)
    np.testing.assert_allclose(opt.state["s"][0], s, rtol=1e-15)
    # Step 3: dlr = d2, d/d0 = 10 d2; d̂_3 ≈ 1.72 is more than twice d2, so d = 2 d2 and d_max = d̂_3.
    r3 = 0.8 * r2 + (d2 / 0.1) * d2 * (G @ (x0 - x2))
    s = 0.8 * s + (d2 / 0.1) * d2 * G
    step(opt)
    assert opt.d_numerator == pytest.approx(r3, rel=1e-14)
    assert opt.d_max == pytest.approx(10 * r3 / np.abs(s).sum(), rel=1e-14)
    assert opt.d == pytest.approx(2 * d2, rel=1e-14) and opt.d < opt.d_max


def test_without_first_moment_the_step_uses_the_gradient():
    # β1 = 0: no m buffer; x_1 = x_0 − dlr · d · g/(√v + d eps) = −0.01 g/(0.06 |g| + 0.1 eps) ≈ −sign(g)/6.
    opt = Prodigy(one_param(0.0, 0.0), betas=(0.0, 0.64), eps=EPS, d0=0.1)
    assert "m" not in opt.state
    np.testing.assert_allclose(step(opt), -0.01 * G / (0.06 * np.abs(G) + 0.1 * EPS), rtol=1e-15)


def test_bias_correction_and_safeguard_warmup():
    # bc = √(1 − 0.64)/(1 − 0.5) = 1.2 at t = 1: dlr = 0.12, and s = (d/d0) dlr g = 0.12 g.
    corrected = Prodigy(one_param(0.0, 0.0), betas=(0.5, 0.64), eps=EPS, d0=0.1, use_bias_correction=True)
    np.testing.assert_allclose(step(corrected), -0.12 * 0.05 * G / (0.06 * np.abs(G) + 0.1 * EPS), rtol=1e-15)
    np.testing.assert_allclose(corrected.state["s"][0], 0.12 * G, rtol=1e-15)
    # safeguard_warmup: s = (d/d0) · d · g = 0.1 g whatever lr (0.5 here), while the step has dlr = 0.05.
    warm = Prodigy(one_param(0.0, 0.0), lr=0.5, betas=(0.5, 0.64), d0=0.1, safeguard_warmup=True)
    step(warm)
    np.testing.assert_allclose(warm.state["s"][0], 0.1 * G, rtol=1e-15)


def test_weight_decay_decoupled_by_default_or_coupled():
    # Decoupled (default): x −= 0.5 · dlr · x = 0.05 x, then the step of g = grad.
    decoupled = Prodigy(one_param(1.0, 1.0), betas=(0.5, 0.64), eps=EPS, d0=0.1, weight_decay=0.5)
    np.testing.assert_allclose(step(decoupled), 0.95 - 0.005 * G / (0.06 * np.abs(G) + 0.1 * EPS), rtol=1e-15)
    # Coupled: g = grad + 0.5 · x_0 = (1, −2) for grad = (0.5, −2.5), and no shrinking.
    coupled = Prodigy(one_param(1.0, 1.0), betas=(0.5, 0.64), eps=EPS, d0=0.1, weight_decay=0.5, decouple=False)
    np.testing.assert_allclose(step(coupled, [0.5, -2.5]), 1 - 0.005 * G / (0.06 * np.abs(G) + 0.1 * EPS),
                               rtol=1e-15)
    np.testing.assert_array_equal(coupled.params[0].grad, [0.5, -2.5])  # p.grad itself is left as it was


def test_slice_p_reads_every_pth_entry_in_c_order():
    assert every(np.arange(6).reshape(2, 3), 2).tolist() == [0, 2, 4]
    # On a (2, 2) array with slice_p = 3, only the entries 0 and 3 of the flattening enter r and ‖s‖₁. A gradient
    # on the other two alone leaves ‖s‖₁ = 0 there: as in the package, the step updates m and v, then returns
    # without moving x, changing d or counting in t.
    grad = np.array([[0.0, 5.0], [-7.0, 0.0]])
    sliced = Prodigy([Parameter(np.ones((2, 2)), "W")], d0=0.1, slice_p=3)
    sliced.params[0].grad[...] = grad
    sliced.step()
    np.testing.assert_array_equal(sliced.params[0].data, np.ones((2, 2)))
    assert (sliced.t, sliced.d) == (0, 0.1)
    np.testing.assert_allclose(sliced.state["m"][0], 0.1 * 0.1 * grad, rtol=1e-15)  # d (1 − β1) g


def test_step_without_gradient_or_lr_changes_nothing():
    opt = Prodigy(one_param(1.0, 2.0))
    np.testing.assert_array_equal(step(opt, [0.0, 0.0]), [1.0, 2.0])
    opt.lr = 0.0
    np.testing.assert_array_equal(step(opt), [1.0, 2.0])
    assert (opt.t, opt.d, opt.d_max, opt.d_numerator) == (0, 1e-6, 1e-6, 0.0)


def test_defaults_are_the_packages():
    state = Prodigy(one_param(1.0, 2.0)).state_dict()
    assert {k: v for k, v in state.items() if k not in ("m", "v", "s", "x0")} == {
        "lr": 1.0, "betas": (0.9, 0.999), "beta3": None, "eps": 1e-8, "weight_decay": 0.0, "decouple": True,
        "use_bias_correction": False, "safeguard_warmup": False, "d0": 1e-6, "d_coef": 1.0,
        "growth_rate": math.inf, "slice_p": 1, "t": 0, "d": 1e-6, "d_max": 1e-6, "d_numerator": 0.0}


# --- agreement with the authors' package (skipped when it or torch is not installed) -----------------


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


@pytest.fixture(scope="module")
def prodigyopt():
    return pytest.importorskip("prodigyopt")


def test_arguments_are_the_packages(prodigyopt):
    assert signature_of(Prodigy) == signature_of(prodigyopt.Prodigy, left_out=("fsdp_in_use",))


@pytest.mark.parametrize("options", [
    {},
    {"weight_decay": 0.01},
    {"weight_decay": 0.01, "decouple": False},
    {"use_bias_correction": True, "d0": 1e-3},
    {"safeguard_warmup": True},
    {"betas": (0.0, 0.99)},
    {"beta3": 0.9, "d_coef": 2.0, "growth_rate": 1.1, "eps": 1e-6},
    {"slice_p": 3},
], ids=str)
@pytest.mark.parametrize("schedule", [False, True], ids=["constant lr", "lr changing, 0 once"])
def test_forty_steps_agree_with_the_package(torch, prodigyopt, options, schedule):
    lrs = None
    if schedule:
        lrs = list(np.geomspace(0.1, 3.0, 40))
        lrs[20] = 0.0
    worst = worst_difference_with_package(torch, Prodigy, prodigyopt.Prodigy, lambda opt: opt.d,
                                          lambda theirs: theirs.param_groups[0]["d"], options, lrs)
    assert worst <= TOLERANCE


# --- bad arguments ----------------------------------------------------------------------------------

BAD_ARGUMENTS = [
    ({"lr": 0.0}, ValueError, r"lr must be a finite number > 0, got 0\.0"),
    ({"betas": (1.0, 0.999)}, ValueError, r"betas\[0\] must be in \[0, 1\), got 1\.0"),
    ({"betas": (0.9,)}, TypeError, "betas must be a pair"),
    ({"beta3": 1.0}, ValueError, r"beta3 must be in \[0, 1\), got 1\.0"),
    ({"beta3": "sqrt"}, TypeError, "beta3 must be a real number"),
    ({"eps": 0.0}, ValueError, r"eps must be a finite number > 0, got 0\.0"),
    ({"weight_decay": -0.01}, ValueError, "weight_decay must be a finite number >= 0"),
    ({"decouple": None}, TypeError, "decouple must be True or False, got None"),
    ({"use_bias_correction": 0}, TypeError, "use_bias_correction must be True or False"),
    ({"safeguard_warmup": "no"}, TypeError, "safeguard_warmup must be True or False"),
    ({"d0": -1e-6}, ValueError, "d0 must be a finite number > 0"),
    ({"d_coef": 0.0}, ValueError, r"d_coef must be a finite number > 0, got 0\.0"),
    ({"growth_rate": 0.9}, ValueError, r"growth_rate must be >= 1 \(inf for no limit\), got 0\.9"),
    ({"slice_p": 0}, ValueError, "slice_p must be >= 1, got 0"),
    ({"slice_p": 2.0}, TypeError, "slice_p must be an integer"),
]


@pytest.mark.parametrize(("kwargs", "error", "match"), BAD_ARGUMENTS, ids=[str(k) for k, _, _ in BAD_ARGUMENTS])
def test_bad_arguments_are_rejected(kwargs, error, match):
    with pytest.raises(error, match=match):
        Prodigy(one_param(1.0, 2.0), **kwargs)


def test_left_out_and_positional_arguments():
    with pytest.raises(TypeError, match="fsdp_in_use"):
        Prodigy(one_param(1.0), fsdp_in_use=False)
    positional = Prodigy(one_param(1.0), 0.5, (0.8, 0.9), 0.7, 1e-6, 0.1, False, True, True, 1e-3, 2.0, 1.5)
    assert (positional.lr, positional.betas, positional.beta3, positional.eps, positional.weight_decay,
            positional.decouple, positional.use_bias_correction, positional.safeguard_warmup, positional.d0,
            positional.d_coef, positional.growth_rate) == (0.5, (0.8, 0.9), 0.7, 1e-6, 0.1, False, True, True, 1e-3,
                                                           2.0, 1.5)
