"""Tests of bench/lr_free.py: ``python -m minigrad_lr.bench lr-free``'s step sizes, runs and command line.

The full run takes minutes; here only its pieces run, on the smallest inputs.
"""

from functools import partial

import numpy as np
import pytest

from minigrad_lr.bench import lr_free, quality
from minigrad_lr.dadaptation import DAdaptAdam, DAdaptSGD
from minigrad_lr.data import make_spirals, train_val_split
from minigrad_lr.dog import DoG
from minigrad_lr.losses import softmax_cross_entropy
from minigrad_lr.nn import MLP
from minigrad_lr.prodigy import Prodigy
from minigrad_lr.sweep import lr_sweep

TINY = quality.Task("tiny", partial(make_spirals, n_per_class=40, seed=0), partial(quality.mlp, sizes=(2, 8, 3)),
                    2, 8, "120 spiral points, MLP 2-8-3")


def one_step(optimizer_class, **options):
    """An MLP 2-8-3 and ``optimizer_class(params, **options)`` after one step on 16 spiral points."""
    X, y = make_spirals(n_per_class=8, seed=0)
    model = MLP([2, 8, 3], seed=0)
    optimizer = optimizer_class(model.parameters(), **options)
    _, dlogits = softmax_cross_entropy(model(X), y)
    optimizer.zero_grad()
    model.backward(dlogits)
    optimizer.step()
    return optimizer


def test_lr_free_optimizer_passes_lr_by_name():
    """DoG's second positional argument is reps_rel: the maker must not put the multiplier there."""
    params = MLP([2, 3], seed=0).parameters()
    dog = lr_free.lr_free_optimizer(DoG, params, 0.5)
    assert dog.lr == 0.5 and dog.reps_rel == 1e-6
    assert lr_free.lr_free_optimizer(Prodigy, params, 2.0).lr == 2.0


def test_adapted_step_is_eta_or_the_step_per_unit_gradient():
    dog = one_step(DoG, lr=0.5)
    assert lr_free.adapted_step(dog) == dog.eta > 0
    sgd = one_step(DAdaptSGD, lr=0.5)
    assert lr_free.adapted_step(sgd) == sgd.d * 0.5 / sgd.g0_norm


@pytest.mark.parametrize("cls", [DAdaptAdam, Prodigy])
def test_adapted_step_of_the_adam_likes_carries_adams_bias_correction(cls):
    """Without bias correction the step is d · lr · (1 − β1^t) / √(1 − β2^t) in Adam's lr units (t = 2 next)."""
    plain, corrected = one_step(cls, lr=0.5), one_step(cls, lr=0.5, use_bias_correction=True)
    assert lr_free.adapted_step(plain) == pytest.approx(plain.d * 0.5 * (1 - 0.9**2) / np.sqrt(1 - 0.999**2),
                                                        rel=1e-12)
    assert lr_free.adapted_step(corrected) == corrected.d * 0.5


def test_adapted_steps_trains_as_the_sweep_does():
    """One step size per step, and the final validation loss of the same run in ``lr_sweep``, bit for bit."""
    data = train_val_split(*TINY.load(), fraction=0.2, seed=0)
    make = partial(lr_free.lr_free_optimizer, Prodigy)
    trace, val_loss = lr_free.adapted_steps(TINY.make_model, make, data, seed=1, steps=24, batch_size=8)
    sweep = lr_sweep(TINY.make_model, make, data, [1.0], epochs=2, seeds=[1], batch_size=8, progress=False)
    assert sweep.steps == 24 and trace.shape == (24,)
    assert val_loss == sweep.val_losses[0, 0]
    assert trace[0] < trace[-1]  # d grows from d0


def test_the_default_multiplier_is_on_the_grid():
    assert 1.0 in lr_free.MULTIPLIERS and np.all(np.diff(np.log10(lr_free.MULTIPLIERS)) > 0)
    assert set(against for _, against in lr_free.LR_FREE.values()) == set(lr_free.STEP_PER_LR)
    assert all(against in quality.QUALITY_OPTIMIZERS for against in lr_free.STEP_PER_LR)


def test_help_lists_the_options(capsys):
    with pytest.raises(SystemExit) as exit_info:
        lr_free.main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for option in ("--tasks", "--seeds", "--truth-seeds", "--workers", "--progress"):
        assert option in out


def test_unknown_task_is_an_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        lr_free.main(["--tasks", "digits,mnist"])
    assert exit_info.value.code == 2
    assert "unknown task 'mnist'" in capsys.readouterr().err


def test_a_tiny_run_prints_every_table(capsys, monkeypatch):
    """The whole command on one tiny task (120 spiral points, MLP 2-8-3, 2 epochs) with a 3-point grid."""
    monkeypatch.setattr(lr_free, "TASKS", {"tiny": TINY})
    monkeypatch.setattr(lr_free, "GRID", np.logspace(-3, 0, 3))
    assert lr_free.main(["--seeds", "1", "--truth-seeds", "2"]) == 0
    out = capsys.readouterr().out
    assert "## tiny: 120 spiral points, MLP 2-8-3" in out
    assert "ground truth, SGD m=0.9: best lr" in out and "ground truth, Adam: best lr" in out
    for name, (_, against) in lr_free.LR_FREE.items():
        assert f"| {name} | {against} | " in out and f"| {name} (lr = 1, against {against}) | " in out
    assert "| find_lr with SGD m=0.9 | " in out and "| find_lr with Adam | " in out
    assert "| 33.3% |" in out  # one run is a third of a 3-point sweep


def test_measure_scores_lr_one_against_the_tuned_sweep(monkeypatch):
    monkeypatch.setattr(lr_free, "TASKS", {"tiny": TINY})
    monkeypatch.setattr(lr_free, "GRID", np.logspace(-3, 0, 3))
    monkeypatch.setattr(lr_free, "LR_FREE", {"Prodigy": (Prodigy, "Adam")})
    monkeypatch.setattr(lr_free, "STEP_PER_LR", {"Adam": 1.0})
    truth, (row,) = lr_free.measure("tiny", seeds=[0], truth_seeds=[0, 1])
    sweep = truth.sweeps["Adam"]
    assert row.regret == row.val_losses.mean() / sweep.best_val_loss - 1
    assert row.regret == row.multiplier_regrets[2] and np.array_equal(row.tuned_val_losses,
                                                                      sweep.val_losses[sweep.best_index])
    assert row.best_step == sweep.best_lr and row.cost == 1 / 3 and row.wall_cost > 0
    assert set(row.range_tests) == {lr_free.SMA, lr_free.FIND_LR}
