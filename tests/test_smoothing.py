"""Properties and known answers of ``smoothing``: the debiased moving average, sma and the rate of change.

Expected values come from the formulas written out here, never from the code under test.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from minigrad_lr.smoothing import RunningEMA, ema, loss_change, sma

from strategies import finite_losses, integer_curves, loss_curves, losses_with_non_finite

betas = st.floats(min_value=0.0, max_value=0.999)


# --- ema --------------------------------------------------------------------------------------------------


@given(st.integers(1, 200), finite_losses, betas)
def test_ema_constant_in_constant_out(n, c, beta):
    """Property: a constant curve stays exactly that constant, bit for bit, from the first point on
    (the incremental form adds w · (c − c) = 0; fastai's a_i / (1 − β^(i+1)) drifts in the last bits)."""
    assert ema(np.full(n, c), beta).tolist() == [c] * n
    average = RunningEMA(beta)
    assert [average.update(c) for _ in range(n)] == [c] * n


@given(loss_curves(), betas)
def test_ema_first_output_is_first_input(losses, beta):
    """Property: the debiasing makes out_0 = loss_0 exactly (w_0 = 1: no start near 0)."""
    assert ema(losses, beta)[0] == losses[0]


@given(loss_curves(), betas)
def test_ema_within_running_min_and_max(losses, beta):
    """Property: every output is a weighted mean, so it lies within min and max of the inputs so far."""
    out, tol = ema(losses, beta), 1e-10 * max(1.0, losses.max())
    assert np.all(out >= np.minimum.accumulate(losses) - tol)
    assert np.all(out <= np.maximum.accumulate(losses) + tol)


@given(loss_curves(min_size=0, elements=losses_with_non_finite))
def test_ema_beta_zero_is_identity(losses):
    """Property: beta = 0 returns the losses unchanged, bit for bit, NaN and inf included."""
    assert np.array_equal(ema(losses, 0.0), losses, equal_nan=True)


@given(loss_curves(), betas)
def test_ema_equals_running_ema(losses, beta):
    """Property: feeding RunningEMA one loss at a time gives ema's values bit for bit."""
    average = RunningEMA(beta)
    assert np.array_equal([average.update(x) for x in losses], ema(losses, beta))


@given(loss_curves(max_size=40), betas)
def test_ema_equals_weighted_mean_formula(losses, beta):
    """Property: out_i = Σ_j (1−β) β^(i−j) loss_j / (1 − β^(i+1)), summed directly."""
    i = np.arange(len(losses))
    weights = np.where(i[None, :] <= i[:, None], (1 - beta) * beta ** np.maximum(i[:, None] - i[None, :], 0), 0.0)
    expected = weights @ losses / (1 - beta ** (i + 1))
    np.testing.assert_allclose(ema(losses, beta), expected, rtol=1e-9, atol=1e-9)


def test_ema_known_values():
    """Known answer: beta = 0.5 on [2, 4] gives [2, (0.5·0.5·2 + 0.5·4) / 0.75 = 10/3]."""
    np.testing.assert_allclose(ema([2.0, 4.0], 0.5), [2.0, 10 / 3], rtol=1e-15)


@pytest.mark.parametrize("beta", [1.0, -0.1, 1.5, float("nan")])
def test_ema_rejects_beta_outside_unit_interval(beta):
    """Bad input: beta must lie in [0, 1)."""
    with pytest.raises(ValueError, match="beta"):
        ema([1.0, 2.0], beta)
    with pytest.raises(ValueError, match="beta"):
        RunningEMA(beta)


def test_ema_rejects_bad_types():
    """Bad input: a non-numeric beta or a 2-D curve."""
    with pytest.raises(TypeError, match="beta"):
        ema([1.0], "0.9")
    with pytest.raises(ValueError, match="1-D"):
        ema(np.ones((2, 2)))


# --- sma and loss_change ---------------------------------------------------------------------------------


@given(integer_curves, st.integers(1, 30))
def test_loss_change_is_mean_of_last_k_differences(losses, k):
    """Property: d_i equals the mean of the last k first differences (exactly, on integer losses); NaN for i < k."""
    d, diffs = loss_change(losses, k), np.diff(losses)
    assert np.all(np.isnan(d[:k]))
    expected = [np.mean(diffs[i - k:i]) for i in range(k, len(losses))]
    assert np.array_equal(d[k:], expected)


@given(st.integers(2, 100), st.integers(-1000, 1000), st.integers(-1000, 1000), st.integers(1, 30))
def test_loss_change_of_linear_loss_is_constant(n, a, b, k):
    """Property: for loss_i = a + b·i the rate of change is b wherever it is defined."""
    d = loss_change(a + b * np.arange(n, dtype=np.float64), k)
    assert np.all(d[k:] == b)


@given(loss_curves(max_size=60), st.integers(1, 10))
def test_sma_is_trailing_window_mean(x, window):
    """Property: out_i is the mean of x[i−window+1 … i] for i >= window − 1 and NaN before."""
    out = sma(x, window)
    assert out.shape == x.shape and np.all(np.isnan(out[:window - 1]))
    expected = [sum(x[i - window + 1:i + 1]) / window for i in range(window - 1, len(x))]
    np.testing.assert_allclose(out[window - 1:], expected, rtol=1e-12, atol=1e-9)


@given(loss_curves(min_size=2, max_size=60), st.integers(1, 10))
def test_loss_change_is_sma_of_differences(losses, k):
    """Property: loss_change(x, k) equals sma(diff(x), k) shifted by one (the telescoping sum)."""
    np.testing.assert_allclose(loss_change(losses, k)[1:], sma(np.diff(losses), k), rtol=1e-9, atol=1e-6)


@pytest.mark.parametrize("bad, error", [(0, ValueError), (-3, ValueError), (2.0, TypeError), (True, TypeError)])
def test_window_and_k_must_be_positive_ints(bad, error):
    """Bad input: window and k are ints >= 1."""
    with pytest.raises(error, match="window"):
        sma([1.0, 2.0], bad)
    with pytest.raises(error, match="k"):
        loss_change([1.0, 2.0], bad)


# --- hostile input: every mistake named -------------------------------------------------------------

CURVE_FUNCTIONS = {"ema": ema, "sma": lambda x: sma(x, 2), "loss_change": lambda x: loss_change(x, 1)}


@pytest.mark.parametrize("name", CURVE_FUNCTIONS)
@pytest.mark.parametrize("curve, error, words", [
    pytest.param(np.ones(3) * (1 + 1j), TypeError, "must hold numbers.*complex128",
                 id="complex (imaginary part dropped)"),
    pytest.param(np.array([True, False]), TypeError, "must hold numbers.*bool", id="bool"),
    pytest.param(np.array([1.0, None]), TypeError, "must hold numbers.*object", id="object with None (read as NaN)"),
    pytest.param("abc", TypeError, "must hold numbers.*<U3", id="string"),
    pytest.param([[1.0], [1.0, 2.0]], ValueError, "must be a rectangular array", id="ragged"),
    pytest.param(None, TypeError, "must hold numbers", id="None"),
    pytest.param(1.0, ValueError, r"must be 1-D, got shape \(\)", id="scalar"),
])
def test_curves_must_be_1d_numbers(name, curve, error, words):
    with pytest.raises(error, match=words):
        CURVE_FUNCTIONS[name](curve)


@pytest.mark.parametrize("name", CURVE_FUNCTIONS)
@pytest.mark.parametrize("curve", [
    pytest.param([3, 2, 1, 2], id="ints"),
    pytest.param(np.array([3.0, 2.0, 1.0, 2.0], np.float32), id="float32"),
    pytest.param(np.arange(8.0)[::2], id="non-contiguous"),
    pytest.param([], id="empty"),
])
def test_curves_of_any_real_dtype_are_read_as_float64(name, curve):
    out = CURVE_FUNCTIONS[name](curve)
    np.testing.assert_array_equal(out, CURVE_FUNCTIONS[name](np.asarray(curve, dtype=np.float64)))
    assert out.dtype == np.float64


@pytest.mark.parametrize("loss, error", [
    pytest.param("1.0", TypeError, id="str (float() would read it)"),
    pytest.param(None, TypeError, id="None"),
    pytest.param(True, TypeError, id="bool"),
    pytest.param(1j, TypeError, id="complex"),
    pytest.param(np.ones(2), TypeError, id="array"),
])
def test_running_ema_names_a_bad_loss(loss, error):
    with pytest.raises(error, match="loss must be a real number"):
        RunningEMA().update(loss)


def test_running_ema_takes_numpy_scalars_and_non_finite_losses():
    average = RunningEMA(0.5)
    assert average.update(np.float32(2.0)) == 2.0 and type(average.update(np.int64(2))) is float
    assert np.isnan(RunningEMA().update(float("nan")))
