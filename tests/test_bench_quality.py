"""Tests of bench/quality.py: ``python -m minigrad_lr.bench quality``'s tasks, targets and command line.

The full run takes minutes; here only its pieces run, on made-up rows or the smallest inputs.
"""

from functools import partial

import numpy as np
import pytest

from minigrad_lr.adaptive import Adam
from minigrad_lr.bench import quality
from minigrad_lr.data import make_spirals
from minigrad_lr.quality import FIND_LR, QualityRow


def made_up_rows():
    """Two find_lr rows: SGD within 5% (cost 10%), Adam 30% off with a spread of a decade (cost 20%)."""
    return [QualityRow("SGD", "r", np.array([1e-2, 1e-2]), 1e-2, 1e-2, 0.05, 0.0, 0.1),
            QualityRow("Adam", "r", np.array([1e-3, 1e-1]), 1e-2, 1e-2, 0.30, 1.0, 0.2)]


def test_targets_on_made_up_rows():
    rows = made_up_rows()
    met = quality.targets(rows)
    assert met["worst regret"] == (0.30, 0.20, False)
    assert met["median regret"][0] == pytest.approx(0.175)
    assert met["pairs with regret <= 10%"] == (0.5, 0.75, False)
    assert met["worst spread"] == (1.0, 0.25, False)
    assert met["worst cost"] == (0.2, 0.15, False)


def test_every_task_gives_data_and_a_model_for_it():
    """Each task's split is 80/20 and its model takes the features in and gives one output per class."""
    for task in quality.TASKS.values():
        X_train, y_train, X_val, y_val = task.data()
        assert len(X_train) == len(y_train) and len(X_val) == len(y_val)
        assert len(X_val) == pytest.approx(0.25 * len(X_train), rel=0.02)
        assert task.make_model(0)(X_val[:2]).shape == (2, int(y_train.max()) + 1)


def test_mlp_takes_the_seed_first():
    a, b = quality.mlp(3, sizes=(4, 5, 2)), quality.mlp(3, sizes=(4, 5, 2), activation="relu")
    assert all(np.array_equal(p.data, q.data) for p, q in zip(a.parameters(), b.parameters()))
    assert not np.array_equal(quality.mlp(4, sizes=(4, 5, 2)).parameters()[0].data, a.parameters()[0].data)


def test_help_lists_the_options(capsys):
    with pytest.raises(SystemExit) as exit_info:
        quality.main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for option in ("--tasks", "--seeds", "--truth-seeds", "--workers", "--find-lr-only", "--progress", "--rerun",
                   "--scheduler"):
        assert option in out


def test_unknown_task_is_an_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        quality.main(["--tasks", "digits,mnist"])
    assert exit_info.value.code == 2
    assert "unknown task 'mnist'" in capsys.readouterr().err


def test_a_tiny_run_prints_every_table(capsys, monkeypatch):
    """The whole command on one tiny task (120 spiral points, MLP 2-8-3, 2 epochs) with Adam, find_lr only."""
    tiny = quality.Task("tiny", partial(make_spirals, n_per_class=40, seed=0), partial(quality.mlp, sizes=(2, 8, 3)),
                        2, 8, "120 spiral points, MLP 2-8-3")
    monkeypatch.setattr(quality, "TASKS", {"tiny": tiny})
    monkeypatch.setattr(quality, "QUALITY_OPTIMIZERS", {"Adam": Adam})
    assert quality.main(["--seeds", "1", "--truth-seeds", "1", "--find-lr-only"]) == 0
    out = capsys.readouterr().out
    assert "## tiny: 120 spiral points, MLP 2-8-3" in out and "ground truth, Adam: best lr" in out
    assert f"| {FIND_LR} | " in out and f"## {FIND_LR}, every task" in out and "| tiny | Adam | " in out
    assert "| worst regret | " in out and "wall-clock cost of find_lr" in out
