"""Tests of quality.py: the quality table on made-up rows, and suggestion_quality on a small problem."""

import numpy as np
import pytest

import minigrad_lr as mg
from minigrad_lr.data import train_val_split
from minigrad_lr.quality import Quality, QualityRow, RangeTestRule, find_lr_rule, percent, suggestion_quality
from minigrad_lr.sweep import Checkpoint, lr_sweep, median_lr, spread


# A problem small enough for a test: 120 spiral points, an MLP 2-8-3, 2 epochs of batches of 8.
def make_model(seed):
    """An MLP 2-8-3 (ReLU) from ``seed``."""
    return mg.MLP([2, 8, 3], seed=seed)


@pytest.fixture(scope="module")
def data():
    X, y = mg.make_spirals(n_per_class=40, seed=0)
    return train_val_split(X, y, fraction=0.25, seed=0)


def made_up_rows():
    """Two rows of one rule: SGD within 5% (cost 10%), Adam 30% off with a spread of a decade (cost 20%)."""
    return [QualityRow("SGD", "r", np.array([1e-2, 1e-2]), 1e-2, 1e-2, 0.05, 0.0, 0.1),
            QualityRow("Adam", "r", np.array([1e-3, 1e-1]), 1e-2, 1e-2, 0.30, 1.0, 0.2)]


def test_quality_table_on_made_up_rows():
    rows = made_up_rows()
    quality = Quality({"SGD": None, "Adam": None}, rows)
    table = quality.markdown().splitlines()
    assert table[0] == "| rule | SGD | Adam | worst regret | worst spread | cost |"
    assert table[2] == "| r | 5% | 30% | 30% | 1.00 | 20.0% |"


def test_percent_rounds_and_marks_what_is_not_finite():
    assert percent(0.123) == "12%" and percent(0.1234, 1) == "12.3%"
    assert percent(float("inf")) == "—" and percent(float("nan")) == "—"


# --- suggestion_quality, small -----------------------------------------------------------------------------


def test_suggestion_quality_smoke(data):
    """Every row: the median of the seeds' suggestions, their spread, and the regret of training at the median."""
    rules = {"minimum": RangeTestRule("minimum"), "find_lr": find_lr_rule}
    grid = np.logspace(-3, 0, 4)
    quality = suggestion_quality(make_model, {"Adam": mg.Adam}, data, epochs=2, batch_size=8, rules=rules,
                                 seeds=range(2), truth_seeds=range(2), grid=grid, progress=False)
    truth = quality.sweeps["Adam"]
    assert truth.val_losses.shape == (4, 2)
    for name in rules:
        row = quality.row("Adam", name)
        assert row.suggestions.shape == (2,) and np.all(row.suggestions > 0)
        assert row.median_lr == pytest.approx(median_lr(row.suggestions))
        assert row.spread == pytest.approx(spread(row.suggestions))
        at = lr_sweep(make_model, mg.Adam, data, [row.median_lr], epochs=2, seeds=range(2), batch_size=8,
                      progress=False)
        assert row.regret == pytest.approx(at.mean_val_loss()[0] / truth.best_val_loss - 1)
    assert quality.row("Adam", "minimum").cost <= 100 / (4 * truth.steps)  # at most the range test's 100 steps
    assert quality.row("Adam", "find_lr").cost > quality.row("Adam", "minimum").cost


def never_suggests(model, optimizer, X, y, *, epochs, batch_size, seed):
    """A rule that never has an answer (as a known rule on a curve that never falls)."""
    return None, 1


def test_a_rule_without_any_suggestion_has_infinite_regret(data):
    """An optimizer for which no rule suggested anything: its rows get regret +inf, with no stale or missing sweep."""
    quality = suggestion_quality(make_model, {"Adam": mg.Adam, "SGD": mg.SGD}, data, epochs=2, batch_size=8,
                                 rules={"never": never_suggests}, seeds=range(2), truth_seeds=range(1),
                                 grid=np.logspace(-2, 0, 2), progress=False)
    for optimizer in ("Adam", "SGD"):
        row = quality.row(optimizer, "never")
        assert np.isnan(row.median_lr) and np.isnan(row.suggestions).all() and row.regret == np.inf


def test_suggestion_quality_from_a_checkpoint(data):
    """With start, the rules, the sweep and the scoring runs start from the checkpoint; captured is filled in."""
    model = make_model(0)
    optimizer = mg.Adam(model.parameters(), 0.01)
    mg.fit(model, optimizer, mg.batches(data[0], data[1], 8, seed=0), 30)
    start = Checkpoint.of(model, optimizer)
    v0 = mg.softmax_cross_entropy(model(data[2]), data[3])[0]
    quality = suggestion_quality(make_model, {"Adam": mg.Adam}, data, epochs=1, batch_size=8,
                                 rules={"find_lr": find_lr_rule}, seeds=range(1), truth_seeds=range(2),
                                 grid=np.logspace(-4, -1, 3), start=start, progress=False)
    truth, row = quality.sweeps["Adam"], quality.row("Adam", "find_lr")
    assert truth.start_val_loss == v0
    at = lr_sweep(make_model, mg.Adam, data, [row.median_lr], epochs=1, seeds=range(2), batch_size=8, start=start,
                  progress=False)
    assert row.regret == pytest.approx(at.mean_val_loss()[0] / truth.best_val_loss - 1)
    assert row.captured == pytest.approx(truth.captured(at.mean_val_loss()[0]))
