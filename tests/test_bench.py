"""The benchmark's pieces (on tiny problems, one round), and the fast paths that issue 7 added.

Timings are never compared with each other here (the machine is shared and noisy): the tests check
that every piece runs, returns positive numbers of the right shape and prints its table. The fast
paths are checked against the plain computations they replace, bit for bit where they do the same
arithmetic in another order of calls.
"""


import numpy as np
import pytest

from minigrad_lr import bench
from minigrad_lr.adaptive import Adam
from minigrad_lr.nn import MLP
from minigrad_lr.suggest import METHODS

TINY = (((5, 4, 3), 6),)  # one MLP 5-4-3 at batch 6

# --- the benchmark's pieces ----------------------------------------------------------------------------


def test_best_times_runs_setups_and_returns_positive_times():
    calls = {"f": 0, "setup": 0}

    def f():
        calls["f"] += 1

    def setup():
        calls["setup"] += 1

    times = bench.best_times({"f": f}, rounds=3, target=1e-4, setups={"f": setup})
    assert set(times) == {"f"} and times["f"] > 0
    assert calls["setup"] == 3 and calls["f"] >= 2 + 3  # warm-up and calibration, then >= 1 call per round


def test_matmul_floor_runs_on_the_model_weights_without_changing_them():
    model = MLP([5, 4, 3], seed=0)
    before = model.state_dict()
    floor = bench.matmul_floor(model, np.random.default_rng(0).random((6, 5), dtype=np.float32))
    assert floor() is None
    assert all(np.array_equal(model.state_dict()[k], before[k]) for k in before)


def test_step_table_rows_and_print(capsys):
    rows = bench.step_table(shapes=TINY, dtypes=(np.float32, np.float64), optimizers=("SGD", "Adam"), rounds=1,
                            torch=False)
    assert [(r["dtype"], r["optimizer"]) for r in rows] == [("float32", "SGD"), ("float32", "Adam"),
                                                            ("float64", "SGD"), ("float64", "Adam")]
    for r in rows:
        assert r["shape"] == "5-4-3@6" and r["step"] > 0 and r["floor"] > 0 and r["torch"] is None
        assert r["ratio"] == pytest.approx(r["step"] / r["floor"])
    bench.print_step_table(rows)
    out = capsys.readouterr().out.splitlines()
    assert "step/floor" in out[0] and len(out) == 1 + len(rows)


@pytest.mark.slow  # imports torch in a child process: several seconds
def test_torch_twin_times_pytorch_in_a_child_process():
    pytest.importorskip("torch")
    twin = bench.TorchTwin(threads=1)
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
    reset = bench.resetter(model, optimizer)
    bench.training_step(model, optimizer, bench.random_batches((5, 4, 3), 6, np.float32))()
    assert not np.array_equal(model.state_dict()["W1"], before["W1"]) and optimizer.t == 1
    reset()
    assert all(np.array_equal(model.state_dict()[k], before[k]) for k in before) and optimizer.t == 0


def test_overhead_table_and_print(capsys):
    rows = bench.overhead_table(shapes=TINY, num_iter=5, rounds=1)
    assert len(rows) == 1 and rows[0]["shape"] == "5-4-3@6"
    assert np.isfinite(rows[0]["overhead"]) and rows[0]["step"] > 0  # a difference of two timings: any sign
    bench.print_overhead_table(rows)
    assert "fraction" in capsys.readouterr().out


def test_rules_table_times_every_rule_and_prints(capsys):
    table = bench.rules_table(sizes=(100, 300), repeat=1)
    assert list(table) == ["ema", *METHODS]
    assert all(len(times) == 2 and min(times) > 0 for times in table.values())
    bench.print_rules_table(table, sizes=(100, 300))
    out = capsys.readouterr().out
    assert "valley" in out and "growth" in out


def test_range_test_curve_falls_then_rises():
    lrs_, losses = bench.range_test_curve(1000)
    assert np.all(np.diff(lrs_) > 0) and np.all(losses >= 0)
    assert losses[:50].mean() > losses[600:700].mean() < losses[-50:].mean()


def test_memory_table_and_print(capsys):
    rows = bench.memory_table(shapes=TINY, num_iter=3)
    r = rows[0]
    assert r["params"] == (5 * 4 + 4 + 4 * 3 + 3) * 4 and r["state"] == 2 * r["params"]  # float32; Adam: m, v
    assert r["peak"] >= r["step_peak"] > 0 and r["ratio"] == pytest.approx(r["peak"] / (r["params"] + r["state"]))
    bench.print_memory_table(rows)
    assert "peak" in capsys.readouterr().out


def test_machine_and_threads():
    assert bench.blas_threads() >= 1
    assert "NumPy" in bench.machine()


def test_help_mentions_all_and_threads(capsys):
    with pytest.raises(SystemExit):
        bench.main(["--help"])
    out = capsys.readouterr().out
    assert "--all" in out and "OPENBLAS_NUM_THREADS" in out


def test_bad_rounds_is_an_error(capsys):
    with pytest.raises(SystemExit):
        bench.main(["--rounds", "0"])
    assert "--rounds must be >= 1" in capsys.readouterr().err


def test_quality_subcommand_is_wired_to_the_sweep_tables(capsys):
    from minigrad_lr import bench

    with pytest.raises(SystemExit) as exit_info:
        bench.main(["quality", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "python -m minigrad_lr.bench quality" in out and "--tasks" in out
