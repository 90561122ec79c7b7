"""The benchmark's pieces (on tiny problems, one round), and the fast paths that issue 7 added.

Timings are never compared with each other here (the machine is shared and noisy): the tests check
that every piece runs, returns positive numbers of the right shape and prints its table. The fast
paths are checked against the plain computations they replace, bit for bit where they do the same
arithmetic in another order of calls.
"""

import copy
from unittest import mock

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from minigrad_lr import bench, optim
from minigrad_lr.losses import softmax_cross_entropy
from minigrad_lr.nn import MLP, Linear, ReLU
from minigrad_lr.optim import SGD, Adagrad, Adam, RMSProp
from minigrad_lr.suggest import METHODS

from strategies import arrays, lrs

TINY = (((5, 4, 3), 6),)  # one MLP 5-4-3 at batch 6

# Extra strategy of this file: an optimizer with a non-default option or two, so every branch of each
# update (momentum, nesterov, weight decay, amsgrad, centered, lr decay) runs on the packed arrays.
optimizers = st.sampled_from([
    lambda p: SGD(p, lr=0.1),
    lambda p: SGD(p, lr=0.1, momentum=0.9, dampening=0.2, weight_decay=0.01),
    lambda p: SGD(p, lr=0.1, momentum=0.9, nesterov=True),
    lambda p: Adam(p, lr=0.01),
    lambda p: Adam(p, lr=0.01, amsgrad=True, weight_decay=0.01),
    lambda p: RMSProp(p, lr=0.01, centered=True, momentum=0.5),
    lambda p: RMSProp(p, lr=0.01, weight_decay=0.1),
    lambda p: Adagrad(p, lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1),
])


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


# --- the fast paths give the numbers of the plain ones -------------------------------------------------------


def unpacked_copy(model):
    """The same MLP with every parameter in an array of its own (what the optimizers see without packing)."""
    twin = copy.deepcopy(model)  # deepcopy copies each view into an array of its own
    for p in twin.parameters():
        p.data, p.grad = p.data.copy(), p.grad.copy()
    assert all(p.data.base is None for p in twin.parameters())
    return twin


@given(make=optimizers, step_lrs=st.lists(lrs, min_size=1, max_size=4), seed=st.integers(0, 2**16),
       block=st.sampled_from([optim.BLOCK, 1, 7]))
def test_packed_update_equals_per_parameter_update(make, step_lrs, seed, block):
    """Property: an optimizer on an MLP's packed parameters (one flat array, updated in blocks of any
    size) gives, bit for bit, the values and state it gives on the same parameters in separate arrays."""
    packed = MLP([3, 4, 2], seed=seed, dtype=np.float64)
    plain = unpacked_copy(packed)
    opt_packed, opt_plain = make(packed.parameters()), make(plain.parameters())
    assert opt_packed._packed is not None and opt_plain._packed is None
    rng = np.random.default_rng(seed)
    for lr in step_lrs:
        for p, q in zip(packed.parameters(), plain.parameters()):
            p.grad[...] = q.grad[...] = rng.standard_normal(p.data.shape)
        opt_packed.lr = opt_plain.lr = lr
        with mock.patch.object(optim, "BLOCK", block):  # 26 numbers: blocks of 7 leave a partial last one
            opt_packed.step()
        opt_plain.step()
    for p, q in zip(packed.parameters(), plain.parameters()):
        assert p.data.tobytes() == q.data.tobytes()
    for name, buffers in opt_packed.state_dict().items():
        if isinstance(buffers, list):
            assert [b.tobytes() for b in buffers] == [b.tobytes() for b in opt_plain.state_dict()[name]]


def test_mlp_packs_its_parameters_and_optimizer_falls_back_when_they_move():
    model = MLP([3, 4, 2], seed=0, dtype=np.float64)
    params = model.parameters()
    flat = params[0].data.base
    assert flat.shape == (3 * 4 + 4 + 4 * 2 + 2,) and all(p.data.base is flat for p in params)
    opt = SGD(params, lr=0.5)
    assert opt._packed is not None
    assert SGD(params[:2])._packed is None and SGD(params[::-1])._packed is None  # a part, or out of order
    params[0].data = params[0].data.copy()  # no longer a view of the flat array
    params[0].grad[...] = 1.0
    before = params[0].data.copy()
    opt.step()
    np.testing.assert_array_equal(params[0].data, before - 0.5)  # the moved array was updated
    opt.zero_grad()
    assert all(np.all(p.grad == 0) for p in params)


def test_load_state_dict_keeps_the_packing():
    model = MLP([3, 4, 2], seed=0)
    views = [(p.data, p.grad) for p in model.parameters()]
    model.load_state_dict(MLP([3, 4, 2], seed=1).state_dict())
    assert all(p.data is d and p.grad is g for p, (d, g) in zip(model.parameters(), views))
    opt = Adam(model.parameters())
    assert opt._packed is not None


@given(x=arrays(shape=(3, 4)), specials=st.lists(st.sampled_from([np.nan, np.inf, -np.inf, 0.0, -0.0]), max_size=4))
def test_relu_forward_equals_maximum_with_zero(x, specials):
    """Property: ReLU's forward (max against a row of zeros) equals np.maximum(x, 0), NaN and ±inf included."""
    x = x.copy()
    x.ravel()[: len(specials)] = specials
    np.testing.assert_array_equal(ReLU().forward(x), np.maximum(x, 0))


@given(logits=arrays(shape=(4, 3)), labels=st.lists(st.integers(0, 2), min_size=4, max_size=4),
       label_dtype=st.sampled_from([np.int64, np.uint64, np.uint8, np.int32]))
def test_cross_entropy_reads_any_memory_order_and_any_int_labels(logits, labels, label_dtype):
    """Property: flat indexing in softmax_cross_entropy gives the same loss and gradient for a Fortran-
    ordered copy of the logits and for labels of any integer dtype (uint64 + int64 would be float64)."""
    loss, grad = softmax_cross_entropy(logits, np.array(labels))
    loss_f, grad_f = softmax_cross_entropy(np.asfortranarray(logits), np.array(labels, dtype=label_dtype))
    assert loss_f == loss
    np.testing.assert_array_equal(grad_f, grad)
    assert grad_f.flags.c_contiguous


def test_parameter_views_behave_like_arrays():
    """Packing changes nothing a reader of a Parameter sees: values, shapes, dtypes, zero grads, in-place updates."""
    model = MLP([3, 4, 2], seed=0)
    rng = np.random.default_rng(0)  # the MLP draws W1, b1, W2, b2 from one generator, in this order
    layers = [Linear(3, 4, rng=rng, name="1"), Linear(4, 2, rng=rng, name="2")]
    for p, q in zip(model.parameters(), [p for layer in layers for p in layer.parameters()]):
        assert p.name == q.name and p.data.dtype == q.data.dtype == np.float32 and p.grad.shape == q.data.shape
        assert np.array_equal(p.data, q.data) and np.all(p.grad == 0)
    model.parameters()[0].data += 1
    assert np.array_equal(model.state_dict()["W1"], layers[0].W.data + 1)


def test_quality_subcommand_is_wired_to_the_sweep_tables(capsys):
    from minigrad_lr import bench

    with pytest.raises(SystemExit) as exit_info:
        bench.main(["quality", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "python -m minigrad_lr.bench quality" in out and "--tasks" in out
