"""Tests of sweep.py: the sweep's table, regret, spread and median on made-up numbers, executors, bad arguments."""

import math
import os
from concurrent.futures import ProcessPoolExecutor
from functools import partial

import numpy as np
import pytest

import minigrad_lr as mg
from minigrad_lr.data import train_val_split
from minigrad_lr.sweep import Checkpoint, SweepResult, lr_sweep, median_lr, regret, spread


# A problem small enough for a test: 120 spiral points, an MLP 2-8-3, 2 epochs of batches of 8.
def make_model(seed):
    """An MLP 2-8-3 (ReLU) from ``seed``: a module-level function, so that a process pool can pickle it."""
    return mg.MLP([2, 8, 3], seed=seed)


@pytest.fixture(scope="module")
def data():
    X, y = mg.make_spirals(n_per_class=40, seed=0)
    return train_val_split(X, y, fraction=0.25, seed=0)


def made_up_sweep(val_losses, diverged=None, start_val_loss=math.nan):
    val_losses = np.asarray(val_losses, dtype=np.float64)
    diverged = np.isinf(val_losses) if diverged is None else diverged
    return SweepResult(lrs=np.array([1e-3, 1e-2, 1e-1]), seeds=(0, 1), val_losses=val_losses,
                       val_accuracies=np.where(diverged, np.nan, 0.5), diverged=diverged, steps=10, epochs=1,
                       batch_size=4, start_val_loss=start_val_loss)


# --- regret, spread, median on made-up numbers ------------------------------------------------------------


def test_regret_is_relative_excess_loss():
    assert regret(0.12, 0.10) == pytest.approx(0.2)  # 20% worse than the best
    assert regret(0.10, 0.10) == 0
    assert regret(0.09, 0.10) == pytest.approx(-0.1)  # between grid points, better than all of them
    assert regret(math.inf, 0.10) == math.inf  # diverged


def test_spread_is_std_of_log10_over_seeds():
    assert spread([1e-3, 1e-3, 1e-3]) == 0
    assert spread([1e-3, 1e-1]) == pytest.approx(1.0)  # log10: -3 and -1, mean -2, population std 1
    assert spread([1e-2, 1e-2 * 10 ** 0.3, 1e-2 * 10 ** -0.3]) == pytest.approx(math.sqrt(0.06))
    assert spread([1e-3, math.nan, 1e-1]) == pytest.approx(1.0)  # a seed without a suggestion is left out
    assert math.isnan(spread([math.nan, math.nan]))


def test_median_lr_is_taken_on_a_log_scale():
    assert median_lr([1e-1, 1e-3, 1e-2]) == pytest.approx(1e-2)
    assert median_lr([1e-3, 1e-1]) == pytest.approx(1e-2)  # the geometric, not the arithmetic, middle
    assert median_lr([math.nan, 1e-3, 1e-1]) == pytest.approx(1e-2)
    assert math.isnan(median_lr([math.nan]))


def test_sweep_result_reads_its_table():
    sweep = made_up_sweep([[0.5, 0.7], [0.2, 0.4], [0.1, math.inf]])  # the best lr diverged with one seed
    np.testing.assert_allclose(sweep.mean_val_loss(), [0.6, 0.3, math.inf], rtol=1e-15)
    assert sweep.best_lr == 1e-2 and sweep.best_val_loss == pytest.approx(0.3) and sweep.best_index == 1
    assert sweep.cost == 3 * 2 * 10
    assert np.isnan(sweep.mean_val_accuracy()[2]) and sweep.mean_val_accuracy()[0] == 0.5


def test_captured_is_the_share_of_the_best_improvement():
    sweep = made_up_sweep([[0.5, 0.7], [0.2, 0.4], [0.1, math.inf]], start_val_loss=0.9)  # best 0.3: gain 0.6
    assert sweep.captured(0.3) == pytest.approx(1.0)
    assert sweep.captured(0.6) == pytest.approx(0.5)
    assert sweep.captured(0.9) == 0 and sweep.captured(1.2) == pytest.approx(-0.5)  # worse than not training
    assert sweep.captured(math.inf) == -math.inf
    assert math.isnan(made_up_sweep([[0.5, 0.7]] * 3, start_val_loss=0.5).captured(0.5))  # nothing to gain


# --- the sweep itself --------------------------------------------------------------------------------------


def test_sweep_is_the_same_with_and_without_a_process_pool(data):
    """Each run depends only on its lr and seed, so where it runs changes nothing, bit for bit."""
    kwargs = dict(epochs=2, seeds=[0, 3], batch_size=8, progress=False)
    here = lr_sweep(make_model, partial(mg.SGD, momentum=0.9), data, [0.01, 0.3], **kwargs)
    with ProcessPoolExecutor(max_workers=2) as pool:
        there = lr_sweep(make_model, partial(mg.SGD, momentum=0.9), data, [0.01, 0.3], executor=pool, **kwargs)
    np.testing.assert_array_equal(here.val_losses, there.val_losses)
    np.testing.assert_array_equal(here.val_accuracies, there.val_accuracies)
    assert here.val_losses.shape == (2, 2) and here.seeds == (0, 3)
    assert here.steps == 2 * (len(data[0]) // 8)
    assert not here.val_losses[0, 0] == here.val_losses[0, 1]  # the seeds do differ


def test_sweep_cell_is_one_training_run(data):
    """Cell (lr, seed) is fit() from make_model(seed) on batches seeded with seed, scored on the validation data."""
    sweep = lr_sweep(make_model, mg.Adam, data, [0.01], epochs=2, seeds=[5], batch_size=8, progress=False)
    X_train, y_train, X_val, y_val = data
    model = make_model(5)
    mg.fit(model, mg.Adam(model.parameters(), 0.01), mg.batches(X_train, y_train, 8, seed=5), sweep.steps)
    assert sweep.val_losses[0, 0] == mg.softmax_cross_entropy(model(X_val), y_val)[0]


def trained(data, steps=10):
    """A model and its Adam after ``steps`` steps: weights and every buffer moved away from the start."""
    model = make_model(7)
    optimizer = mg.Adam(model.parameters(), 0.02)
    mg.fit(model, optimizer, mg.batches(data[0], data[1], 8, seed=7), steps)
    return model, optimizer


def test_sweep_from_a_checkpoint_trains_on_from_it(data):
    """From a Checkpoint, cell (lr, seed) is fit() on from the saved weights (and optimizer state), lr replaced."""
    model, optimizer = trained(data)
    saved = Checkpoint.of(model, optimizer)
    X_train, y_train, X_val, y_val = data
    v0 = mg.softmax_cross_entropy(model(X_val), y_val)[0]
    for start in (saved, saved.fresh()):
        sweep = lr_sweep(make_model, mg.Adam, data, [0.003], epochs=1, seeds=[5], batch_size=8, start=start,
                         progress=False)
        assert sweep.start_val_loss == v0  # the checkpoint's own loss, whatever the seed
        on, adam = make_model(0), None
        on.load_state_dict(saved.model)
        adam = mg.Adam(on.parameters(), 0.003)
        if start.optimizer is not None:
            adam.load_state_dict(saved.optimizer)
            adam.lr = 0.003
            assert adam.t == 10
        mg.fit(on, adam, mg.batches(X_train, y_train, 8, seed=5), sweep.steps)
        assert sweep.val_losses[0, 0] == mg.softmax_cross_entropy(on(X_val), y_val)[0]
    assert saved.fresh().optimizer is None and saved.fresh().model is saved.model
    with pytest.raises(TypeError, match="start"):
        lr_sweep(make_model, mg.Adam, data, [0.003], epochs=1, seeds=[5], batch_size=8, start=model.state_dict())


def test_a_checkpoint_is_a_copy(data):
    model, optimizer = trained(data)
    saved = Checkpoint.of(model, optimizer)
    mg.fit(model, optimizer, mg.batches(data[0], data[1], 8, seed=1), 3)
    assert saved.optimizer["t"] == 10 and not np.array_equal(saved.model["W1"], model.parameters()[0].data)


def test_sweep_on_a_dask_cluster_agrees_with_the_serial_run(data):
    """dask.distributed's ``client.get_executor()`` runs the same jobs: the same numbers, to the last bit when the
    BLAS thread counts match (its workers default to one thread), otherwise to 1e-6."""
    distributed = pytest.importorskip("distributed")
    kwargs = dict(epochs=1, seeds=[0, 1], batch_size=8, progress=False)
    start = Checkpoint.of(*trained(data))
    here = lr_sweep(make_model, mg.Adam, data, [0.001, 0.01], start=start, **kwargs)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        there = lr_sweep(make_model, mg.Adam, data, [0.001, 0.01], start=start, executor=client.get_executor(),
                         **kwargs)
        same_threads = client.run(blas_threads).popitem()[1] == blas_threads()
    np.testing.assert_allclose(there.val_losses, here.val_losses, rtol=1e-6)
    if same_threads:
        np.testing.assert_array_equal(there.val_losses, here.val_losses)


def blas_threads():
    """The BLAS thread settings of this process's environment (what dask's workers override)."""
    return tuple(os.environ.get(name) for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"))


@pytest.mark.filterwarnings("ignore:overflow")
def test_sweep_marks_diverged_runs(data):
    """Diverged: the loss became non-finite (val loss +inf, accuracy NaN), or ended over 4 × where it started."""
    lrs = [0.3, 30.0, 1e30]
    sweep = lr_sweep(make_model, mg.SGD, data, lrs, epochs=1, seeds=[0], batch_size=8, progress=False)
    assert not sweep.diverged[0, 0] and math.isfinite(sweep.val_losses[0, 0])
    model = make_model(0)
    untrained = mg.softmax_cross_entropy(model(data[2]), data[3])[0]
    assert sweep.diverged[1, 0] and 4 * untrained < sweep.val_losses[1, 0] < math.inf
    assert sweep.diverged[2, 0] and sweep.val_losses[2, 0] == math.inf and math.isnan(sweep.val_accuracies[2, 0])
    assert sweep.best_lr == 0.3


@pytest.mark.parametrize("bad, error, match", [
    (dict(lrs=[0.1, -1.0]), ValueError, "lrs"),
    (dict(lrs=[]), ValueError, "lrs"),
    (dict(seeds=3), TypeError, "seeds"),
    (dict(seeds=[]), ValueError, "seeds"),
    (dict(epochs=0), ValueError, "epochs"),
    (dict(batch_size=10_000), ValueError, "batch_size"),
    (dict(data="digits"), TypeError, "data"),
    (dict(make_model=None), TypeError, "make_model"),
    (dict(executor=object()), TypeError, "executor"),
])
def test_sweep_rejects_bad_arguments(data, bad, error, match):
    kwargs = dict(make_model=make_model, make_optimizer=mg.SGD, data=data, lrs=[0.1], epochs=1, seeds=[0],
                  batch_size=8, progress=False)
    with pytest.raises(error, match=match):
        lr_sweep(**{**kwargs, **bad})
