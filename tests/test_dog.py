"""DoG: steps by hand, agreement with the authors' package (dog-optimizer), bad arguments."""

import math

import numpy as np
import pytest

from minigrad_lr.dog import DoG
from minigrad_lr.nn import Parameter

from lr_free_helpers import TOLERANCE, signature_of, worst_difference_with_package


def two_scalars(a, b):
    """Two parameters of one entry each: DoG's norms run over both, as one vector."""
    return [Parameter(np.array([a]), "a"), Parameter(np.array([b]), "b")]


def step(opt, *grads, lr=None):
    if lr is not None:
        opt.lr = lr
    for p, g in zip(opt.params, grads):
        p.grad[...] = g
    opt.step()


# --- steps by hand ----------------------------------------------------------------------------------


def test_two_steps_by_hand_distance_over_gradients():
    # x_0 = (3, 4), ‖x_0‖ = 5: r̄_1 = 0.1 · (1 + 5) = 0.6. g_1 = (0.6, 0.8): G_1 = 1 (eps = 0).
    # η_1 = lr · r̄/√G = 2 · 0.6 = 1.2; x_1 = (3 − 0.72, 4 − 0.96) = (2.28, 3.04).
    params = two_scalars(3.0, 4.0)
    opt = DoG(params, reps_rel=0.1, eps=0.0)
    step(opt, 0.6, 0.8, lr=2.0)
    assert (opt.rbar, opt.G, opt.t) == (pytest.approx(0.6, rel=1e-15), 1.0, 1)
    assert opt.eta == pytest.approx(1.2, rel=1e-15)
    np.testing.assert_allclose([p.data[0] for p in params], [2.28, 3.04], rtol=1e-15)
    np.testing.assert_array_equal([x0[0] for x0 in opt.state["x0"]], [3.0, 4.0])  # x_0, kept
    # Step 2: ‖x_1 − x_0‖ = 1.2 > 0.6, so r̄_2 = 1.2. g_2 = (0, 3): G_2 = 1 + 9 = 10. η_2 = 1 · 1.2/√10.
    step(opt, 0.0, 3.0, lr=1.0)
    assert opt.rbar == pytest.approx(1.2, rel=1e-14)
    assert opt.G == 10.0
    assert opt.eta == pytest.approx(1.2 / math.sqrt(10), rel=1e-14)
    np.testing.assert_allclose([p.data[0] for p in params], [2.28, 3.04 - 3.6 / math.sqrt(10)], rtol=1e-14)


def test_eps_enters_the_sum_once():
    # G_1 = ‖g_1‖² + eps = 1 + 3 = 4, G_2 = 4 + 1 = 5 (eps not added again).
    opt = DoG(two_scalars(3.0, 4.0), reps_rel=0.1, eps=3.0)
    step(opt, 0.6, 0.8)
    assert opt.G == 4.0 and opt.eta == pytest.approx(0.6 / 2, rel=1e-15)
    step(opt, 0.6, 0.8)
    assert opt.G == 5.0


def test_init_eta_is_the_first_step_and_lr_does_not_scale_it():
    # η_1 = init_eta = 0.5 whatever lr (3 here); r̄_1 = 0 (reps_rel ignored). x_1 = (3 − 0.3, 4 − 0.4).
    # Step 2: r̄_2 = ‖x_1 − x_0‖ = 0.5, G_2 = 2 (eps = 0), η_2 = 3 · 0.5/√2.
    params = two_scalars(3.0, 4.0)
    opt = DoG(params, lr=3.0, eps=0.0, init_eta=0.5)
    assert opt.reps_rel == 0.0
    step(opt, 0.6, 0.8)
    assert (opt.eta, opt.rbar) == (0.5, 0.0)
    np.testing.assert_allclose([p.data[0] for p in params], [2.7, 3.6], rtol=1e-15)
    step(opt, 0.6, 0.8)
    assert opt.rbar == pytest.approx(0.5, rel=1e-14)
    assert opt.eta == pytest.approx(1.5 / math.sqrt(2), rel=1e-14)


def test_weight_decay_is_added_to_the_gradient():
    # x_0 = (0.6, 0.8): g = grad + 0.5 · x_0 = (0.3 + 0.3, 0.4 + 0.4) = (0.6, 0.8), so G_1 = 1.
    # reps_rel = 1: r̄_1 = 1 + ‖x_0‖ = 2, η_1 = 2; x_1 = x_0 − 2 g = (−0.6, −0.8).
    params = two_scalars(0.6, 0.8)
    opt = DoG(params, reps_rel=1.0, eps=0.0, weight_decay=0.5)
    step(opt, 0.3, 0.4)
    assert opt.G == pytest.approx(1.0, rel=1e-15)
    np.testing.assert_allclose([p.data[0] for p in params], [-0.6, -0.8], rtol=1e-14)
    assert [p.grad[0] for p in params] == [0.3, 0.4]  # p.grad itself is left as it was


def test_lr_zero_keeps_x_but_counts_the_gradients():
    params = two_scalars(3.0, 4.0)
    opt = DoG(params, reps_rel=0.1, eps=0.0)
    opt.lr = 0.0
    step(opt, 0.6, 0.8)
    assert [p.data[0] for p in params] == [3.0, 4.0]
    assert (opt.eta, opt.G, opt.t) == (0.0, 1.0, 1)


def test_zero_first_gradient_with_eps_zero_is_rejected_and_changes_nothing():
    opt = DoG(two_scalars(3.0, 4.0), eps=0.0)
    with pytest.raises(ValueError, match="first gradient is zero and eps = 0"):
        opt.step()
    assert (opt.t, opt.G, opt.rbar, opt.eta) == (0, 0.0, 0.0, 0.0)
    assert all(np.all(x0 == 0) for x0 in opt.state["x0"])


def test_defaults_are_the_packages():
    state = DoG(two_scalars(1.0, 2.0)).state_dict()
    assert {k: v for k, v in state.items() if k != "x0"} == {
        "lr": 1.0, "reps_rel": 1e-6, "weight_decay": 0.0, "eps": 1e-8, "init_eta": None, "t": 0,
        "rbar": 0.0, "G": 0.0, "eta": 0.0}


# --- agreement with the authors' package (skipped when it or torch is not installed) -----------------


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


@pytest.fixture(scope="module")
def dog_package():
    return pytest.importorskip("dog")


def test_arguments_are_the_packages(dog_package):
    assert signature_of(DoG) == signature_of(dog_package.DoG)


@pytest.mark.parametrize("options", [
    {},
    {"reps_rel": 1e-4, "weight_decay": 0.01},
    {"init_eta": 1e-3, "eps": 0.0},
    {"lr": 0.5, "eps": 1e-3},
], ids=str)
@pytest.mark.parametrize("schedule", [False, True], ids=["constant lr", "lr changing, 0 once"])
def test_forty_steps_agree_with_the_package(torch, dog_package, options, schedule):
    lrs = list(np.geomspace(0.1, 3.0, 40)) if schedule else None
    if schedule:
        lrs[20] = 0.0
    worst = worst_difference_with_package(torch, DoG, dog_package.DoG, lambda opt: opt.eta,
                                          lambda theirs: theirs.param_groups[0]["eta"][0], options, lrs)
    assert worst <= TOLERANCE


# --- bad arguments ----------------------------------------------------------------------------------


BAD_ARGUMENTS = [
    ({"lr": 0.0}, ValueError, r"lr must be a finite number > 0, got 0\.0"),
    ({"lr": -1.0}, ValueError, "lr must be a finite number > 0"),
    ({"reps_rel": 0.0}, ValueError, r"reps_rel must be a finite number > 0, got 0\.0"),
    ({"reps_rel": "small"}, TypeError, "reps_rel must be a real number"),
    ({"weight_decay": -0.1}, ValueError, r"weight_decay must be a finite number >= 0, got -0\.1"),
    ({"eps": -1e-8}, ValueError, "eps must be a finite number >= 0"),
    ({"eps": float("nan")}, ValueError, "eps must be finite"),
    ({"init_eta": 0.0}, ValueError, r"init_eta must be a finite number > 0, got 0\.0"),
    ({"init_eta": float("inf")}, ValueError, "init_eta must be finite"),
]


@pytest.mark.parametrize(("kwargs", "error", "match"), BAD_ARGUMENTS, ids=[str(k) for k, _, _ in BAD_ARGUMENTS])
def test_bad_arguments_are_rejected(kwargs, error, match):
    with pytest.raises(error, match=match):
        DoG(two_scalars(1.0, 2.0), **kwargs)
