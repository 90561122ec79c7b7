"""Properties of the range test's schedule, ``range_lrs``."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from minigrad_lr.schedules import range_lrs

# A start lr and a factor of at least 10 up to the end lr, and a number of steps.
starts = st.floats(min_value=1e-9, max_value=1.0)
factors = st.floats(min_value=10.0, max_value=1e10)
steps = st.integers(min_value=2, max_value=500)
modes = st.sampled_from(["exp", "linear"])


@given(starts, factors, steps, modes)
def test_length_is_num_iter(start, factor, n, mode):
    """Property: one lr per step."""
    assert range_lrs(start, start * factor, n, mode).shape == (n,)


@given(starts, factors, steps, modes)
def test_first_is_start_and_last_is_end_exactly(start, factor, n, mode):
    """Property: the first step uses exactly start_lr and the last exactly end_lr (no rounding)."""
    end = start * factor
    lrs = range_lrs(start, end, n, mode)
    assert lrs[0] == start and lrs[-1] == end


@given(starts, factors, steps, modes)
def test_strictly_increasing(start, factor, n, mode):
    """Property: every step has a larger lr than the one before."""
    assert np.all(np.diff(range_lrs(start, start * factor, n, mode)) > 0)


@given(starts, factors, steps)
def test_exp_has_constant_ratio(start, factor, n):
    """Property (exp): lr_{i+1}/lr_i = (end/start)^(1/(n-1)) for every i, to rounding."""
    lrs = range_lrs(start, start * factor, n, "exp")
    q = factor ** (1.0 / (n - 1))
    np.testing.assert_allclose(lrs[1:] / lrs[:-1], q, rtol=1e-9)


@given(starts, factors, steps)
def test_linear_has_constant_difference(start, factor, n):
    """Property (linear): lr_{i+1} − lr_i = (end − start)/(n − 1) for every i, to rounding."""
    end = start * factor
    lrs = range_lrs(start, end, n, "linear")
    np.testing.assert_allclose(np.diff(lrs), (end - start) / (n - 1), rtol=1e-6)


def test_article_example():
    """1e-7 -> 10 in 100 steps: 8 decades in 99 multiplications, so the lr grows ~20.45% per batch."""
    lrs = range_lrs(1e-7, 10.0, 100)
    assert lrs[1] / lrs[0] == pytest.approx(10 ** (8 / 99))
    assert lrs[1] / lrs[0] == pytest.approx(1.2045, abs=1e-4)


def test_linear_steps_are_exact_fractions():
    assert range_lrs(1.0, 2.0, 5, "linear").tolist() == [1.0, 1.25, 1.5, 1.75, 2.0]


@pytest.mark.parametrize(
    "args, error, words",
    [
        ((0.0, 1.0, 10, "exp"), ValueError, "start_lr"),
        ((0.0, 1.0, 10, "linear"), ValueError, "start_lr"),
        ((-1e-3, 1.0, 10, "exp"), ValueError, "start_lr"),
        ((-1e-3, 1.0, 10, "linear"), ValueError, "start_lr"),
        ((1.0, 1.0, 10, "exp"), ValueError, "end_lr"),
        ((1.0, 0.5, 10, "linear"), ValueError, "end_lr"),
        ((1e-3, 1.0, 1, "exp"), ValueError, "num_iter"),
        ((1e-3, 1.0, 0, "exp"), ValueError, "num_iter"),
        ((1e-3, 1.0, 10.0, "exp"), TypeError, "num_iter"),
        ((1e-3, 1.0, True, "exp"), TypeError, "num_iter"),
        ((math.nan, 1.0, 10, "exp"), ValueError, "start_lr"),
        ((1e-3, math.inf, 10, "exp"), ValueError, "end_lr"),
        ((1e-3, "1", 10, "exp"), TypeError, "end_lr"),
        ((1e-3, 1.0, 10, "cosine"), ValueError, "mode"),
        ((1.0, 1.0 + 1e-15, 100, "exp"), ValueError, "too close"),
    ],
)
def test_bad_arguments_are_rejected_by_name(args, error, words):
    with pytest.raises(error, match=words):
        range_lrs(*args)
