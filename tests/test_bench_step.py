"""Tests of bench/step.py: the training step, its matmul floor, the step table and PyTorch's twin (tiny, one round).

Timings are never compared with each other here (the machine is shared and noisy): the tests check
that every piece runs, returns positive numbers of the right shape and prints its table.
"""

import numpy as np
import pytest

from minigrad_lr.adaptive import Adam
from minigrad_lr.bench import step
from minigrad_lr.nn import MLP

TINY = (((5, 4, 3), 6),)  # one MLP 5-4-3 at batch 6


def test_matmul_floor_runs_on_the_model_weights_without_changing_them():
    model = MLP([5, 4, 3], seed=0)
    before = model.state_dict()
    floor = step.matmul_floor(model, np.random.default_rng(0).random((6, 5), dtype=np.float32))
    assert floor() is None
    assert all(np.array_equal(model.state_dict()[k], before[k]) for k in before)


def test_step_table_rows_and_print(capsys):
    rows = step.step_table(shapes=TINY, dtypes=(np.float32, np.float64), optimizers=("SGD", "Adam"), rounds=1,
                            torch=False)
    assert [(r["dtype"], r["optimizer"]) for r in rows] == [("float32", "SGD"), ("float32", "Adam"),
                                                            ("float64", "SGD"), ("float64", "Adam")]
    for r in rows:
        assert r["shape"] == "5-4-3@6" and r["step"] > 0 and r["floor"] > 0 and r["torch"] is None
        assert r["ratio"] == pytest.approx(r["step"] / r["floor"])
    step.print_step_table(rows)
    out = capsys.readouterr().out.splitlines()
    assert "step/floor" in out[0] and len(out) == 1 + len(rows)


@pytest.mark.slow  # imports torch in a child process: several seconds
def test_torch_twin_times_pytorch_in_a_child_process():
    pytest.importorskip("torch")
    twin = step.TorchTwin(threads=1)
    twin.PAUSE = 0.0
    try:
        assert twin and twin.version
        times = twin.best_times((5, 4, 3), 6, np.float32, ["SGD", "Adam"], rounds=1)
    finally:
        twin.close()
    assert set(times) == {"SGD", "Adam"} and min(times.values()) > 0


def test_training_step_changes_the_model_and_resetter_puts_it_back():
    model = MLP([5, 4, 3], seed=0)
    optimizer = Adam(model.parameters())
    before = model.state_dict()
    reset = step.resetter(model, optimizer)
    step.training_step(model, optimizer, step.random_batches((5, 4, 3), 6, np.float32))()
    assert not np.array_equal(model.state_dict()["W1"], before["W1"]) and optimizer.t == 1
    reset()
    assert all(np.array_equal(model.state_dict()[k], before[k]) for k in before) and optimizer.t == 0
