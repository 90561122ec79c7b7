"""Hypothesis strategies shared by the test modules.

Each strategy draws from a safe domain (bounded, finite floats unless a test asks
for NaN/inf explicitly) so that properties hold without filtering inputs away.
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# A learning rate anywhere from tiny to huge, always positive and finite.
lrs = st.floats(min_value=1e-8, max_value=10.0, allow_nan=False, allow_infinity=False)

# Floats of moderate size for gradients and parameters.
moderate = st.floats(min_value=-10.0, max_value=10.0, allow_nan=False, allow_infinity=False, width=64)


def arrays(shape=hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=5), dtype=np.float64, elements=moderate):
    """Finite arrays of a float dtype with moderate entries."""
    return hnp.arrays(dtype=dtype, shape=shape, elements=elements)


# Non-negative losses, finite.
finite_losses = st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_infinity=False)

# Non-negative losses with NaN and inf mixed in (what a blowing-up run can produce).
losses_with_non_finite = st.one_of(
    finite_losses, st.just(float("nan")), st.just(float("inf"))
)


def loss_curves(min_size=1, max_size=200, elements=finite_losses):
    """1-D float64 arrays of losses."""
    return st.lists(elements, min_size=min_size, max_size=max_size).map(
        lambda xs: np.asarray(xs, dtype=np.float64)
    )

# The step of a training schedule (mini-batches or epochs), and the length of a period, cycle or run.
schedule_steps = st.integers(min_value=0, max_value=5000)
period_lengths = st.integers(min_value=1, max_value=50)

@st.composite
def range_test_curves(draw, integer=False, non_finite=False):
    """Curves shaped like a range test's: a parabola falling to a bottom and rising again, plus noise;
    on an integer grid if asked (sums, differences and scaling by 2**k are then exact, so ties stay
    ties), with a few NaN/inf points if asked."""
    n = draw(st.integers(2, 150))
    bottom = draw(st.floats(0.2, 1.0))
    noise = draw(st.lists(st.integers(0, 300) if integer else st.floats(0.0, 1.0), min_size=n, max_size=n))
    losses = 1e4 * (np.linspace(0.0, 1.0, n) - bottom) ** 2 + np.asarray(noise, dtype=np.float64)
    if integer:
        losses = np.round(losses)
    if non_finite:
        for i in draw(st.lists(st.integers(0, n - 1), max_size=3)):
            losses[i] = draw(st.sampled_from([np.nan, np.inf]))
    return losses


# Losses on an integer grid: i.i.d. (many ties) or range-test shaped.
integer_curves = st.one_of(
    st.lists(st.integers(0, 10**6), min_size=1, max_size=120).map(lambda v: np.asarray(v, dtype=np.float64)),
    range_test_curves(integer=True),
)


def lrs_for(n):
    """A range test's learning rates: 1e-7 to 10, growing by a constant factor."""
    return np.geomspace(1e-7, 10.0, n) if n > 1 else np.full(n, 1e-3)
