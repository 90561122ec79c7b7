"""RangeTestResult: its settings, and saving it as JSON (exact round trip) and CSV (one row per step)."""

import json
import math

import numpy as np
import pytest

import minigrad_lr as mg
from minigrad_lr.finder import lr_range_test
from minigrad_lr.result import RangeTestResult


@pytest.fixture(scope="module")
def digits():
    return mg.load_digits()


def adam_mlp():
    model = mg.MLP([64, 32, 10], seed=0, dtype=np.float32)
    return model, mg.Adam(model.parameters())


def scripted_loss(values):
    """A loss function that returns the given values one call at a time (gradient zero)."""
    values = iter(values)

    def loss(output, y):
        return float(next(values)), np.zeros_like(output)

    return loss


def test_json_round_trip_is_exact(tmp_path, digits):
    X, y = digits
    model, opt = adam_mlp()
    val = [(X[:50], y[:50])]
    # With val_batches the loss is called twice per step: the training batch, then the one val batch.
    script = [value for i in range(29) for value in (2.0 + i / 7, 3.0 - i / 11)] + [math.inf]
    result = lr_range_test(model, opt, mg.batches(X, y, 64), num_iter=30, val_batches=val,
                           loss=scripted_loss(script))
    assert result.stop_reason == "non_finite"
    result.to_json(tmp_path / "r.json")
    json.loads((tmp_path / "r.json").read_text())  # standard JSON: no bare NaN or Infinity tokens
    back = RangeTestResult.from_json(tmp_path / "r.json")
    for name in ("lrs", "losses", "smoothed", "accuracies", "val_losses"):
        assert getattr(back, name).tobytes() == getattr(result, name).tobytes()
    assert back.settings == result.settings and back.stop_reason == result.stop_reason


def test_csv_has_one_row_per_step(tmp_path, digits):
    X, y = digits
    model, opt = adam_mlp()
    result = lr_range_test(model, opt, mg.batches(X, y, 64), num_iter=12)
    result.to_csv(tmp_path / "r.csv")
    rows = (tmp_path / "r.csv").read_text().splitlines()
    assert rows[0] == "step,lr,loss,smoothed,accuracy"
    assert len(rows) == 13
    assert [float(v) for v in rows[5].split(",")[1:3]] == [result.lrs[4], result.losses[4]]
