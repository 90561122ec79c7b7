"""Tests of minigrad_lr.losses: values by hand and against the textbook formula (and torch in float64
when it is installed), gradients by finite differences, stability, dtypes and argument checks."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from minigrad_lr.gradcheck import numerical_gradient, rel_error
from minigrad_lr.losses import accuracy, mse, softmax_cross_entropy

from strategies import arrays


@st.composite
def logits_and_labels(draw, bound=1e4):
    """(logits float64 (N, C), labels int64 (N,)) with N, C in 1..6 and finite logits in [−bound, bound]."""
    n, c = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    elements = st.floats(-bound, bound, allow_nan=False, allow_infinity=False)
    logits = draw(hnp.arrays(np.float64, (n, c), elements=elements))
    labels = draw(hnp.arrays(np.int64, n, elements=st.integers(0, c - 1)))
    return logits, labels


def naive_cross_entropy(logits, labels):
    """The textbook formula −mean log(exp(z_y) / Σ_j exp(z_j)), fine for small logits."""
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return -np.mean(np.log(p[np.arange(len(labels)), labels]))


# --- softmax cross-entropy: values -----------------------------------------------------------------


def test_cross_entropy_of_equal_logits_is_log_C():
    """All logits equal: softmax is uniform, loss = log C, dlogits = (1/C − onehot) / N."""
    loss, dlogits = softmax_cross_entropy(np.zeros((2, 4)), np.array([1, 3]))
    assert loss == pytest.approx(math.log(4), rel=1e-15)
    expected = np.full((2, 4), 0.25)
    expected[[0, 1], [1, 3]] -= 1
    np.testing.assert_allclose(dlogits, expected / 2, rtol=1e-15)


def test_cross_entropy_two_classes_by_hand():
    """logits (0, ln 3): softmax (1/4, 3/4); label 1 gives loss ln(4/3) and dlogits (1/4, −1/4)."""
    loss, dlogits = softmax_cross_entropy(np.array([[0.0, math.log(3.0)]]), np.array([1]))
    assert loss == pytest.approx(math.log(4 / 3), rel=1e-14)
    np.testing.assert_allclose(dlogits, [[0.25, -0.25]], rtol=1e-14)


def test_cross_entropy_matches_the_textbook_formula():
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((7, 5)) * 3
    labels = rng.integers(0, 5, size=7)
    loss, _ = softmax_cross_entropy(logits, labels)
    assert loss == pytest.approx(naive_cross_entropy(logits, labels), rel=1e-13)


def test_cross_entropy_of_huge_logits_by_hand():
    """Logits of 1e4 overflow exp() in the textbook formula but not with log-sum-exp:
    row 0 is right with certainty (loss 0), row 1 wrong by 1e4 (loss 1e4); mean 5000."""
    logits = np.array([[1e4, 0.0], [0.0, 1e4]])
    loss, dlogits = softmax_cross_entropy(logits, np.array([0, 0]))
    assert loss == 5000.0
    np.testing.assert_array_equal(dlogits, [[0.0, 0.0], [-0.5, 0.5]])


def test_cross_entropy_of_huge_float32_logits_stays_finite():
    logits = np.array([[1e30, -1e30, 0.0]], dtype=np.float32)
    loss, dlogits = softmax_cross_entropy(logits, np.array([2]))
    assert loss == pytest.approx(1e30, rel=1e-6)
    assert np.all(np.isfinite(dlogits)) and dlogits.dtype == np.float32


def test_cross_entropy_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    logits = rng.standard_normal((6, 4)) * 5
    labels = rng.integers(0, 4, size=6)
    z = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    expected = torch.nn.functional.cross_entropy(z, torch.tensor(labels))
    expected.backward()
    loss, dlogits = softmax_cross_entropy(logits, labels)
    assert loss == pytest.approx(expected.item(), rel=1e-13)
    np.testing.assert_allclose(dlogits, z.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("shape", [(1, 1), (1, 3), (4, 2), (5, 7)])
def test_cross_entropy_gradient_check(shape):
    """Analytic dlogits against centred differences in float64: relative error < 1e-7."""
    rng = np.random.default_rng(2)
    logits = rng.standard_normal(shape)
    labels = rng.integers(0, shape[1], size=shape[0])
    _, dlogits = softmax_cross_entropy(logits, labels)
    numeric = numerical_gradient(lambda: softmax_cross_entropy(logits, labels)[0], logits)
    assert rel_error(dlogits, numeric) < 1e-7


# --- softmax cross-entropy: properties -------------------------------------------------------------


@given(logits_and_labels())
def test_cross_entropy_is_finite_non_negative_and_rows_of_its_gradient_sum_to_zero(pair):
    """Property: for finite logits up to 1e4 in size the loss is finite and >= 0, every entry of
    dlogits lies in [−1/N, 1/N], and each row of dlogits sums to 0 (softmax sums to 1)."""
    logits, labels = pair
    n = len(labels)
    loss, dlogits = softmax_cross_entropy(logits, labels)
    assert math.isfinite(loss) and loss >= 0.0
    assert np.all(np.abs(dlogits) <= 1.0 / n + 1e-15)
    np.testing.assert_allclose(dlogits.sum(axis=1), 0.0, atol=1e-14)


@given(logits_and_labels(), hnp.arrays(np.float64, 6, elements=st.floats(-1e3, 1e3)))
def test_cross_entropy_is_invariant_to_shifting_each_row(pair, shifts):
    """Property: adding a constant to every logit of a row changes neither the loss nor dlogits."""
    logits, labels = pair
    shifted = logits + shifts[: len(labels), None]
    loss, dlogits = softmax_cross_entropy(logits, labels)
    loss_shifted, dlogits_shifted = softmax_cross_entropy(shifted, labels)
    assert loss_shifted == pytest.approx(loss, rel=1e-9, abs=1e-9)
    np.testing.assert_allclose(dlogits_shifted, dlogits, atol=1e-9)


@pytest.mark.parametrize("bad, column", [(np.nan, 0), (np.nan, 1), (np.inf, 0), (np.inf, 1), (-np.inf, 1)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_non_finite_logits_give_a_non_finite_loss_quietly(bad, column, dtype):
    """A run that blows up must be recorded, not stopped by an error or drowned in warnings.
    (Row 1 has label 1: NaN or +inf anywhere, or −inf at the label, make the loss non-finite.)"""
    logits = np.array([[0.0, 1.0], [0.0, 0.0]], dtype=dtype)
    logits[1, column] = bad
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, dlogits = softmax_cross_entropy(logits, np.array([0, 1]))
    assert not math.isfinite(loss)
    assert dlogits.dtype == dtype


def test_minus_inf_logit_of_another_class_is_probability_zero():
    """z = (−inf, 0) with label 1: softmax (0, 1) exactly, so loss 0 and dlogits 0 (PyTorch agrees)."""
    loss, dlogits = softmax_cross_entropy(np.array([[-np.inf, 0.0]]), np.array([1]))
    assert loss == 0.0
    np.testing.assert_array_equal(dlogits, [[0.0, 0.0]])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_keeps_the_dtype(dtype):
    logits = np.random.default_rng(3).standard_normal((4, 3)).astype(dtype)
    loss, dlogits = softmax_cross_entropy(logits, np.array([0, 1, 2, 0]))
    assert type(loss) is float
    assert dlogits.dtype == dtype and dlogits.shape == (4, 3)


# --- softmax cross-entropy: bad input ----------------------------------------------------------------


@pytest.mark.parametrize(
    "labels, error, message",
    [
        (np.array([0.0, 1.0, 2.0]), TypeError, "labels must be an array of ints.*float64"),
        (np.array([True, False, True]), TypeError, "labels must be an array of ints.*bool"),
        (np.array([[0, 1, 2]]), ValueError, r"labels must have shape \(3,\).*got \(1, 3\)"),
        (np.array([0, 1]), ValueError, r"labels must have shape \(3,\).*got \(2,\)"),
        (np.array([0, 1, 4]), ValueError, r"labels must lie in \[0, 4\), got values from 0 to 4"),
        (np.array([0, -1, 2]), ValueError, r"labels must lie in \[0, 4\), got values from -1 to 2"),
    ],
)
def test_cross_entropy_rejects_bad_labels(labels, error, message):
    with pytest.raises(error, match=message):
        softmax_cross_entropy(np.zeros((3, 4)), labels)


@pytest.mark.parametrize(
    "logits, error, message",
    [
        (np.zeros(4), ValueError, r"logits must have shape \(N, C\).*got \(4,\)"),
        (np.zeros((0, 4)), ValueError, r"logits must have shape \(N, C\).*got \(0, 4\)"),
        (np.zeros((3, 4), dtype=np.int64), TypeError, "logits must be an array of floats.*int64"),
    ],
)
def test_cross_entropy_rejects_bad_logits(logits, error, message):
    with pytest.raises(error, match=message):
        softmax_cross_entropy(logits, np.zeros(len(logits), dtype=np.int64))


# --- mean squared error ----------------------------------------------------------------------------


def test_mse_by_hand():
    """pred (1, 2), target (0, 0): loss (1 + 4)/2 = 2.5, dpred = 2 (pred − target)/2 = (1, 2)."""
    loss, dpred = mse(np.array([[1.0, 2.0]]), np.array([[0.0, 0.0]]))
    assert loss == 2.5
    np.testing.assert_array_equal(dpred, [[1.0, 2.0]])


def test_mse_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    pred, target = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    p = torch.tensor(pred, dtype=torch.float64, requires_grad=True)
    expected = torch.nn.MSELoss()(p, torch.tensor(target))
    expected.backward()
    loss, dpred = mse(pred, target)
    assert loss == pytest.approx(expected.item(), rel=1e-13)
    np.testing.assert_allclose(dpred, p.grad.numpy(), rtol=1e-13)


@pytest.mark.parametrize("shape", [(1,), (3, 4), (2, 2, 2)])
def test_mse_gradient_check(shape):
    """Analytic dpred against centred differences in float64: relative error < 1e-7."""
    rng = np.random.default_rng(5)
    pred, target = rng.standard_normal(shape), rng.standard_normal(shape)
    _, dpred = mse(pred, target)
    assert rel_error(dpred, numerical_gradient(lambda: mse(pred, target)[0], pred)) < 1e-7


@given(arrays(dtype=np.float64))
def test_mse_of_a_prediction_with_itself_is_zero(pred):
    """Property: mse(p, p) = 0 with a zero gradient, for any finite p."""
    loss, dpred = mse(pred, pred.copy())
    assert loss == 0.0
    assert not np.any(dpred)


def test_mse_keeps_the_dtype_of_pred():
    """A float64 target does not upcast a float32 prediction or its gradient."""
    loss, dpred = mse(np.ones((2, 3), dtype=np.float32), np.zeros((2, 3)))
    assert type(loss) is float and loss == 1.0
    assert dpred.dtype == np.float32


def test_mse_of_non_finite_pred_is_non_finite_and_quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, _ = mse(np.array([np.inf, 1.0], dtype=np.float32), np.array([np.inf, 0.0]))
        big, _ = mse(np.array([3e38], dtype=np.float32), np.array([-3e38]))
    assert math.isnan(loss) and math.isinf(big)


def test_mse_rejects_bad_input():
    with pytest.raises(ValueError, match=r"same shape, got pred \(2, 3\) and target \(3, 2\)"):
        mse(np.zeros((2, 3)), np.zeros((3, 2)))
    with pytest.raises(TypeError, match="pred must be an array of floats, got dtype int64"):
        mse(np.zeros(3, dtype=np.int64), np.zeros(3))
    with pytest.raises(ValueError, match="pred must hold at least one element"):
        mse(np.zeros(0), np.zeros(0))


def test_accuracy_counts_rows_whose_largest_output_is_the_label():
    from minigrad_lr.losses import accuracy

    output = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]], dtype=np.float32)
    assert accuracy(output, np.array([1, 0, 0, 1])) == 0.5
    assert accuracy(output, np.array([1, 0, 1, 0], dtype=np.uint8)) == 1.0
    assert math.isnan(accuracy(output, np.array([0.5, 1.0, 0.0, 1.0])))  # regression targets: no accuracy
    assert math.isnan(accuracy(output[:, :1], np.zeros((4, 1), dtype=np.int64)))


@given(logits=arrays(shape=(4, 3)), labels=st.lists(st.integers(0, 2), min_size=4, max_size=4),
       label_dtype=st.sampled_from([np.int64, np.uint64, np.uint8, np.int32]))
def test_cross_entropy_reads_any_memory_order_and_any_int_labels(logits, labels, label_dtype):
    """Property: softmax_cross_entropy gives the same loss and gradient for a Fortran-ordered copy of the
    logits and for labels of any integer dtype (uint64 + int64 would be float64)."""
    loss, grad = softmax_cross_entropy(logits, np.array(labels))
    loss_f, grad_f = softmax_cross_entropy(np.asfortranarray(logits), np.array(labels, dtype=label_dtype))
    assert loss_f == loss
    np.testing.assert_array_equal(grad_f, grad)


# --- hostile input: every mistake named -------------------------------------------------------------


@pytest.mark.parametrize("call, error, words", [
    pytest.param(lambda: softmax_cross_entropy([[1.0], [1.0, 2.0]], [0, 0]), ValueError,
                 "logits must be a rectangular array", id="ragged logits"),
    pytest.param(lambda: mse(np.zeros((3, 2)), np.ones((3, 2), complex)), TypeError,
                 "target must hold real numbers.*complex128", id="complex target"),
    pytest.param(lambda: mse(np.zeros((3, 2)), "abc"), TypeError, "target must hold real numbers", id="string target"),
    pytest.param(lambda: mse(np.float64(1.0), None), TypeError, "target must hold real numbers.*NoneType",
                 id="None target"),
    pytest.param(lambda: mse(np.zeros(3), [[1.0], [1.0, 2.0], [1.0]]), ValueError, "target must be a rectangular array",
                 id="ragged target"),
    pytest.param(lambda: accuracy(np.eye(3), [0]), ValueError, r"one label per row of output \(3\), got shape \(1,\)",
                 id="one label for three rows"),
    pytest.param(lambda: accuracy(np.eye(3) * 1j, [0, 1, 2]), TypeError, "output must hold real numbers",
                 id="complex output"),
    pytest.param(lambda: accuracy(None, [0, 1, 2]), TypeError, "output must hold real numbers", id="None output"),
])
def test_losses_name_the_bad_argument(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_accuracy_takes_array_likes():
    assert accuracy([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]], [0, 1, 1]) == pytest.approx(2 / 3)
    assert mse(np.zeros(2), np.array([True, False]))[0] == 0.5  # bool targets count as 0/1
