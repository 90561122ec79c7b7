"""Tests of bench/rerun.py: checkpoints, the re-run targets, "does re-running pay?" and ``quality --rerun``.

The full run takes many minutes; here it runs on one tiny task (120 spiral points, MLP 2-8-3) with Adam.
"""

from functools import partial

import numpy as np
import pytest

from minigrad_lr.adaptive import Adam
from minigrad_lr.bench import quality, rerun
from minigrad_lr.data import make_spirals
from minigrad_lr.quality import QualityRow

TINY = quality.Task("tiny", partial(make_spirals, n_per_class=40, seed=0), partial(quality.mlp, sizes=(2, 8, 3)),
                    2, 8, "120 spiral points, MLP 2-8-3")


def test_checkpoints_are_one_training_run():
    """Early: after 1 epoch; late: after LATE × the budget; each with the optimizer's state (its step count)."""
    saved = rerun.checkpoints(TINY, Adam)
    per_epoch = len(TINY.data()[0]) // TINY.batch_size
    assert saved["early"].optimizer["t"] == per_epoch
    assert saved["late"].optimizer["t"] == rerun.LATE * TINY.epochs * per_epoch
    assert not np.array_equal(saved["early"].model["W1"], saved["late"].model["W1"])


def test_rerun_targets_on_made_up_rows():
    rows = [QualityRow("SGD", "r", np.array([1e-2]), 1e-2, 1e-2, 0.02, 0.1, 0.1, 0.95),
            QualityRow("Adam", "r", np.array([1e-3]), 1e-2, 1e-2, 0.30, 0.5, 0.2, 0.6)]
    met = rerun.rerun_targets(rows)
    assert met["worst regret"] == (0.30, 0.20, False)
    assert met["median regret"][0] == pytest.approx(0.16) and not met["median regret"][2]
    assert met["least captured"] == (0.6, 0.80, False)
    assert met["worst spread"] == (0.5, 0.30, False)


def test_schedule_runs_train_every_schedule():
    runs = rerun.schedule_runs(TINY, Adam, seed=0)
    assert set(runs) == {*rerun.SCHEDULES, "re-run lrs"}
    assert len(runs["re-run lrs"]) == rerun.PAYS_EPOCHS * TINY.epochs  # one find_lr before every epoch
    assert all(np.isfinite(runs[s]) for s in rerun.SCHEDULES)


def test_quality_rerun_prints_every_table(capsys, monkeypatch):
    monkeypatch.setattr(quality, "TASKS", {"tiny": TINY})
    monkeypatch.setattr(quality, "QUALITY_OPTIMIZERS", {"Adam": Adam})
    monkeypatch.setattr(rerun, "GRID", np.logspace(-4, 0, 3))
    assert quality.main(["--rerun", "--seeds", "1", "--truth-seeds", "1", "--find-lr-only"]) == 0
    out = capsys.readouterr().out
    assert "## tiny, re-run" in out and "| Adam | early | fresh |" in out and "| Adam | late | continued |" in out
    assert "| least captured |" in out and "## Does re-running pay? tiny" in out
