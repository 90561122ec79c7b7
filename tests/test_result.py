"""RangeTestResult: its one-line repr, and restore after lr_range_test(restore=False)."""

import numpy as np
import pytest

import minigrad_lr as mg
from minigrad_lr.finder import lr_range_test


@pytest.fixture(scope="module")
def digits():
    return mg.load_digits()


def make_setup(sizes=(64, 32, 10)):
    model = mg.MLP(list(sizes), seed=0)
    return model, mg.Adam(model.parameters())


def snapshot(model, optimizer):
    return [p.data.copy() for p in model.parameters()], [p.grad.copy() for p in model.parameters()], \
        optimizer.state_dict()


def assert_same_state(model, optimizer, before):
    data, grads, state = before
    for p, d, g in zip(model.parameters(), data, grads):
        assert p.data.tobytes() == d.tobytes() and p.grad.tobytes() == g.tobytes(), p.name
    after = optimizer.state_dict()
    assert after.keys() == state.keys()
    for key, value in state.items():
        if isinstance(value, list):
            assert [a.tobytes() for a in after[key]] == [b.tobytes() for b in value], key
        else:
            assert after[key] == value, key


def test_restore_false_keeps_the_state_from_before_for_result_restore(digits):
    """With restore=False the model keeps what the test did, and result.restore(model, optimizer) puts the
    state from before the test back, bit for bit (pytorch-lr-finder's reset())."""
    X, y = digits
    model, opt = make_setup()
    before = snapshot(model, opt)
    result = lr_range_test(model, opt, mg.batches(X, y, 64), num_iter=20, end_lr=1e-2, restore=False)
    assert any(not np.array_equal(p.data, d) for p, d in zip(model.parameters(), before[0]))
    result.restore(model, opt)
    assert_same_state(model, opt, before)
    kept = lr_range_test(model, opt, mg.batches(X, y, 64), num_iter=20, end_lr=1e-2)
    assert kept.initial_state is None
    with pytest.raises(ValueError, match="holds no state to restore"):
        kept.restore(model, opt)
    other, other_opt = make_setup(sizes=(64, 16, 10))
    with pytest.raises(ValueError, match="does not match the one this test ran on"):
        result.restore(other, other_opt)


def test_repr_is_one_line(digits):
    X, y = digits
    model, opt = make_setup()
    result = lr_range_test(model, opt, mg.batches(X, y, 64), num_iter=30, end_lr=1e-2)
    text = repr(result)
    best = int(np.argmin(result.losses))
    assert "\n" not in text and len(text) < 120
    assert text == (f"RangeTestResult(30 of 30 steps, completed, lr 1e-07 to 0.01, best loss "
                    f"{result.losses[best]:.4g} at lr {result.lrs[best]:.3g})")
