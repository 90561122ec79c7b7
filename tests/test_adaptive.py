"""Adam, RMSProp and Adagrad: cases worked out by hand that pin their conventions, and their properties.

The expected values are worked out by hand. The contract every optimizer shares (agreement with the
plain formulas and with torch.optim, state_dict, dtype, no temporaries) is tested in test_optim.py.
"""

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from minigrad_lr.adaptive import Adagrad, Adam, RMSProp
from minigrad_lr.nn import Parameter

from optimizer_references import CASES, OPTIONS, scalar_run
from strategies import arrays, lrs

away_from_zero = st.one_of(st.floats(0.1, 10.0), st.floats(-10.0, -0.1))  # gradients kept away from zero


def test_adam_by_hand_bias_correction_counts_steps_from_one():
    # A constant gradient g = 2 with eps = 0: m̂ = g and v̂ = g² exactly when t counts from 1,
    # so every step is lr · g/|g| = lr. (t counted from 0 divides by zero; from 2, m̂ ≠ g.)
    thetas = scalar_run(Adam, [2.0, 2.0, 2.0], [0.1, 0.2, 0.05], theta0=0.0, eps=0.0)
    np.testing.assert_allclose(thetas, [-0.1, -0.3, -0.35], rtol=1e-12)


def test_rmsprop_by_hand():
    # α = 0.99, g = 1, eps = 0: v = 0.01, then 0.0199; steps lr/√v. Centered: ḡ = 0.01, ṽ = 0.0099.
    thetas = scalar_run(RMSProp, [1.0, 1.0], [0.01, 0.02], theta0=0.0, eps=0.0)
    np.testing.assert_allclose(thetas, [-0.1, -0.1 - 0.02 / math.sqrt(0.0199)], rtol=1e-12)
    centered = scalar_run(RMSProp, [1.0], [0.01], theta0=0.0, eps=0.0, centered=True)
    np.testing.assert_allclose(centered, [-0.01 / math.sqrt(0.0099)], rtol=1e-12)


def test_adagrad_by_hand_lr_decay_starts_at_lr():
    # g = 1, lr_decay = 1, eps = 0: s = 1, 2, 3 and lr_t = lr/1, lr/2, lr/3 (t counts from 1).
    thetas = scalar_run(Adagrad, [1.0, 1.0, 1.0], [0.1, 0.1, 0.1], theta0=0.0, lr_decay=1.0, eps=0.0)
    step2, step3 = 0.05 / math.sqrt(2), (0.1 / 3) / math.sqrt(3)
    np.testing.assert_allclose(thetas, [-0.1, -0.1 - step2, -0.1 - step2 - step3], rtol=1e-12)
    # Keras-like start s = 0.1: the first step is lr·g/√1.1, not lr.
    keras_like = scalar_run(Adagrad, [1.0], [0.1], theta0=0.0, initial_accumulator_value=0.1, eps=0.0)
    np.testing.assert_allclose(keras_like, [-0.1 / math.sqrt(1.1)], rtol=1e-12)


@given(
    case=st.sampled_from([(cls, o) for cls, o in CASES
                          if cls in (Adam, RMSProp, Adagrad) and o["weight_decay"] == 0
                          and o.get("initial_accumulator_value", 0) == 0 and o["eps"] < 1e-6]),
    g=hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=5), elements=away_from_zero),
    c=st.floats(0.1, 100.0),
    lr=lrs,
)
def test_first_step_is_nearly_invariant_to_gradient_scale(case, g, c, lr):
    """Property: Adam, RMSProp and Adagrad take (nearly) the same first step for g and c·g, c > 0.

    Each first step is lr·k·x/(x + eps) with x proportional to c·|g|, so scaling changes it by at most
    eps/x relative: below 1e-8/(0.1 · 0.1 · √(1 − 0.99)) = 1e-5 here.
    """
    cls, options = case
    steps = []
    for scale in (1.0, c):
        p = Parameter(np.zeros_like(g), "w")
        p.grad[...] = scale * g
        cls([p], lr=lr, **options).step()
        steps.append(p.data)
    np.testing.assert_allclose(steps[1], steps[0], rtol=1e-4)


@given(
    options=st.sampled_from(OPTIONS[Adagrad]),
    grads=st.integers(1, 6).flatmap(lambda n: st.lists(arrays(shape=(2, 3)), min_size=n, max_size=n)),
    theta=arrays(shape=(2, 3)),
    lr=lrs,
)
def test_adagrad_accumulator_never_decreases(options, grads, theta, lr):
    """Property: Adagrad's sum of squares s only grows, entry by entry, step after step (s += g² ≥ 0)."""
    p = Parameter(theta.copy(), "w")
    opt = Adagrad([p], lr=lr, **options)
    before = opt.state["s"][0].copy()
    np.testing.assert_array_equal(before, options["initial_accumulator_value"])
    for g in grads:
        p.grad[...] = g
        opt.step()
        assert np.all(opt.state["s"][0] >= before)
        before = opt.state["s"][0].copy()


# --- hostile input ----------------------------------------------------------------------------------


def test_adam_takes_betas_as_any_pair_of_numbers():
    """A tuple, a list or a 1-D array of two numbers (NumPy scalars included) give a tuple of Python floats."""
    for betas in ((0.5, 0.75), [0.5, 0.75], np.array([0.5, 0.75]), (np.float32(0.5), np.float64(0.75))):
        opt = Adam([Parameter(np.zeros(2), "w")], betas=betas)
        assert opt.betas == (0.5, 0.75) and all(type(b) is float for b in opt.betas)
