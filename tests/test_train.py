"""fit(): the training loop, its schedule, its evaluations and its finder re-runs."""

import math
from functools import partial

import numpy as np
import pytest

import minigrad_lr as mg
from minigrad_lr.cyclical import one_cycle, one_cycle_momentum
from minigrad_lr.plateau import ReduceLROnPlateau
from minigrad_lr.schedules import cosine_annealing
from minigrad_lr.train import History, fit


@pytest.fixture(scope="module")
def digits():
    X, y = mg.load_digits()
    return X[:1400], y[:1400], X[1400:], y[1400:]


def setup(optimizer="sgd", seed=0):
    model = mg.MLP([64, 32, 10], seed=seed)
    if optimizer == "sgd":
        return model, mg.SGD(model.parameters(), lr=0.05, momentum=0.9)
    return model, mg.Adam(model.parameters(), lr=1e-3)


def weights(model):
    return [p.data.copy() for p in model.parameters()]


def test_training_lowers_the_loss(digits):
    X, y, Xv, yv = digits
    model, opt = setup()
    history = fit(model, opt, mg.batches(X, y, 64, seed=0), 200, val=(Xv, yv), eval_every=50)
    assert isinstance(history, History) and history.stop_reason == "completed"
    assert len(history.losses) == len(history.lrs) == 200
    assert history.eval_steps == [0, 50, 100, 150, 200]
    assert history.val_losses[-1] < 0.5 * history.val_losses[0]
    assert history.val_accuracies[-1] > 0.8 > history.val_accuracies[0]
    assert history.final_val_loss == history.val_losses[-1]


def test_each_step_is_one_optimizer_step_on_the_next_batch(digits):
    """fit equals the hand-written loop: forward, loss, zero_grad, backward, step, batch after batch."""
    X, y, _, _ = digits
    model, opt = setup()
    history = fit(model, opt, mg.batches(X, y, 64, seed=1), 7)
    by_hand, opt_hand = setup()
    stream = mg.batches(X, y, 64, seed=1)
    expected = []
    for _ in range(7):
        xb, yb = next(stream)
        value, dout = mg.softmax_cross_entropy(by_hand(xb), yb)
        expected.append(value)
        opt_hand.zero_grad()
        by_hand.backward(dout)
        opt_hand.step()
    assert history.losses.tolist() == expected
    for a, b in zip(weights(model), weights(by_hand)):
        np.testing.assert_array_equal(a, b)


def test_schedule_sets_the_lr_of_every_step(digits):
    X, y, _, _ = digits
    model, opt = setup()
    schedule = partial(cosine_annealing, base_lr=0.1, total_steps=30)
    history = fit(model, opt, mg.batches(X, y, 64), 30, schedule=schedule)
    assert history.lrs.tolist() == [schedule(step) for step in range(30)]


def test_momentum_schedule_cycles_sgd_momentum_and_adam_beta1(digits):
    X, y, _, _ = digits
    for name in ("sgd", "adam"):
        model, opt = setup(name)
        seen = []
        momentum = partial(one_cycle_momentum, total_steps=10)

        def recording(step):
            seen.append(step)
            return momentum(step)

        fit(model, opt, mg.batches(X, y, 64), 10, schedule=partial(one_cycle, total_steps=10, max_lr=0.01),
            momentum_schedule=recording)
        assert seen == list(range(10))
        current = opt.betas[0] if name == "adam" else opt.momentum
        assert current == momentum(9)


def test_momentum_schedule_needs_momentum(digits):
    X, y, _, _ = digits
    model = mg.MLP([64, 10])
    with pytest.raises(ValueError, match="momentum"):
        fit(model, mg.SGD(model.parameters(), lr=0.1), mg.batches(X, y, 64), 5, momentum_schedule=lambda s: 0.9)


def test_rerunning_the_finder_does_not_change_training(digits):
    """The range test restores its state exactly, so re-runs leave the trained weights bit-identical."""
    X, y, Xv, yv = digits
    plain, plain_opt = setup("adam")
    fit(plain, plain_opt, mg.batches(X, y, 64, seed=2), 60, val=(Xv, yv), eval_every=20)
    watched, watched_opt = setup("adam")
    history = fit(watched, watched_opt, mg.batches(X, y, 64, seed=2), 60, val=(Xv, yv), eval_every=20,
                  rerun_finder_every=20, finder_batches=mg.batches(X, y, 64, seed=9),
                  finder_options={"num_iter": 40, "end_lr": 1.0})
    for a, b in zip(weights(plain), weights(watched)):
        np.testing.assert_array_equal(a, b)
    assert plain_opt.state_dict().keys() == watched_opt.state_dict().keys()
    for key, value in plain_opt.state_dict().items():
        if isinstance(value, list):
            for a, b in zip(value, watched_opt.state_dict()[key]):
                np.testing.assert_array_equal(a, b)
        else:
            assert value == watched_opt.state_dict()[key]
    assert history.finder_steps == [0, 20, 40, 60]
    assert all(len(r) <= 40 for r in history.finder_results)
    assert all(s is None or 1e-7 <= s.lr <= 1.0 for s in history.suggestions)


def test_finder_reads_fresh_batches_from_a_generator_and_the_same_from_a_list(digits):
    X, y, _, _ = digits
    model = mg.MLP([64, 32, 10])
    opt = mg.SGD(model.parameters(), lr=0.0)  # training does not move the weights: only the batches differ
    fixed = [next(mg.batches(X, y, 64, seed=s)) for s in range(30)]
    options = {"num_iter": 30, "stop_factor": None}
    same = fit(model, opt, mg.batches(X, y, 64), 1, rerun_finder_every=1, finder_batches=fixed, finder_options=options)
    fresh = fit(model, opt, mg.batches(X, y, 64), 1, rerun_finder_every=1,
                finder_batches=mg.batches(X, y, 64, seed=5), finder_options=options)
    first, second = same.finder_results
    np.testing.assert_array_equal(first.losses, second.losses)  # the same batches
    first, second = fresh.finder_results
    assert first.losses[0] != second.losses[0]


def test_rerunning_find_lr_and_following_it(digits):
    """With finder_data each re-run is find_lr for the epochs left, from the current state; follow_finder trains
    the next steps at its answer, and without it training is the same as with no re-runs."""
    X, y, Xv, yv = digits
    X, y = X[:400], y[:400]  # 320 samples for find_lr's runs, 64 to a batch: 6 steps an epoch
    options = {"batch_size": 64, "seed": 1}
    model, opt = setup("adam")
    history = fit(model, opt, mg.batches(X, y, 64, seed=2), 24, rerun_finder_every=12, finder_data=(X, y),
                  finder_options=options, follow_finder=True)
    assert history.finder_steps == [0, 12]  # none after the last step: nothing is left to train
    first, second = history.suggestions
    assert first.method == "find_lr" and history.lrs[0] == first.lr and history.lrs[12] == second.lr
    np.testing.assert_array_equal(history.lrs[:12], first.lr)
    model, opt = setup("adam")
    assert mg.find_lr(model, opt, X, y, epochs=4, **options) == first  # 24 steps left: 4 epochs of 400 // 64
    watched, watched_opt = setup("adam")
    fit(model, opt, mg.batches(X, y, 64, seed=2), 24)
    fit(watched, watched_opt, mg.batches(X, y, 64, seed=2), 24, rerun_finder_every=12, finder_data=(X, y),
        finder_options=options)
    for a, b in zip(weights(model), weights(watched)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning", "ignore:invalid value:RuntimeWarning")
def test_non_finite_loss_stops_without_an_update(digits):
    X, y, _, _ = digits
    model, opt = setup()
    before = weights(model)
    history = fit(model, opt, mg.batches(X, y, 64), 50, schedule=lambda step: 1e30)
    assert history.stop_reason == "non_finite" and not math.isfinite(history.losses[-1])
    assert len(history.losses) < 50
    assert any(not np.array_equal(a, b) for a, b in zip(before, weights(model)))


def test_plateau_lowers_the_lr_when_validation_stalls(digits):
    X, y, Xv, yv = digits
    model, opt = setup()
    plateau = ReduceLROnPlateau(1e-7, patience=1, factor=0.5, eps=0.0)  # too small an lr to improve
    history = fit(model, opt, mg.batches(X, y, 64), 40, schedule=plateau, val=(Xv, yv), eval_every=5)
    assert history.lrs[0] == 1e-7
    assert history.lrs[-1] < 1e-7
    assert np.all(np.diff(history.lrs) <= 0)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"steps": 0}, ValueError, "steps"),
        ({"steps": 2.5}, TypeError, "steps"),
        ({"loss": "mse"}, TypeError, "loss"),
        ({"schedule": 0.1}, TypeError, "schedule"),
        ({"schedule": "plateau"}, ValueError, "val"),
        ({"eval_every": 0}, ValueError, "eval_every"),
        ({"val": [1, 2, 3]}, TypeError, "val"),
        ({"rerun_finder_every": 5}, ValueError, "finder_batches"),
        ({"rerun_finder_every": 0, "finder_batches": []}, ValueError, "rerun_finder_every"),
        ({"finder_options": {"num_iter": 5}}, ValueError, "rerun_finder_every"),
        ({"rerun_finder_every": 5, "finder_batches": [], "finder_options": {"restore": False}}, ValueError, "restore"),
        ({"rerun_finder_every": 5, "finder_batches": [], "suggest_method": "best"}, ValueError, "suggest_method"),
        ({"momentum_schedule": 0.9}, TypeError, "momentum_schedule"),
        ({"rerun_finder_every": 5, "finder_batches": [], "finder_data": "XY"}, ValueError, "not both"),
        ({"rerun_finder_every": 5, "finder_data": [1, 2]}, TypeError, "finder_data"),
        ({"rerun_finder_every": 5, "finder_data": "XY", "finder_options": {"num_iter": 5}}, ValueError, "seed"),
        ({"follow_finder": True}, ValueError, "rerun_finder_every"),
        ({"rerun_finder_every": 5, "finder_batches": [], "follow_finder": 1}, TypeError, "follow_finder"),
        ({"rerun_finder_every": 5, "finder_batches": [], "follow_finder": True, "schedule": lambda s: 0.1},
         ValueError, "schedule"),
    ],
)
def test_bad_arguments(digits, kwargs, error, words):
    X, y, _, _ = digits
    model, opt = setup()
    before = weights(model)
    if kwargs.get("schedule") == "plateau":
        kwargs = {**kwargs, "schedule": ReduceLROnPlateau(0.1)}
    if kwargs.get("finder_data") == "XY":
        kwargs = {**kwargs, "finder_data": (X, y)}
    kwargs = {"steps": 3, **kwargs}
    with pytest.raises(error, match=words):
        fit(model, opt, mg.batches(X, y, 64), **kwargs)
    for a, b in zip(before, weights(model)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("value, error, words", [
    (1.5, ValueError, r"momentum_schedule\(0\) \(Adam's beta1\) must be in \[0, 1\), got 1.5"),
    (-0.1, ValueError, r"momentum_schedule\(0\) \(Adam's beta1\) must be in \[0, 1\), got -0.1"),
    (math.nan, ValueError, r"momentum_schedule\(0\) \(Adam's beta1\) must be finite, got nan"),
    ("0.9", TypeError, r"momentum_schedule\(0\) \(Adam's beta1\) must be a real number, got '0.9'"),
])
def test_momentum_schedule_values_are_checked_for_adam(digits, value, error, words):
    X, y, _, _ = digits
    model, opt = setup("adam")
    with pytest.raises(error, match=words):
        fit(model, opt, mg.batches(X, y, 64), 3, momentum_schedule=lambda step: value)
    assert opt.betas == (0.9, 0.999) and opt.t == 0


@pytest.mark.parametrize("value, error, words", [
    (-0.5, ValueError, r"momentum_schedule\(0\) must be a finite number >= 0, got -0.5"),
    (math.inf, ValueError, r"momentum_schedule\(0\) must be finite, got inf"),
    (None, TypeError, r"momentum_schedule\(0\) must be a real number, got None"),
])
def test_momentum_schedule_values_are_checked_for_sgd(digits, value, error, words):
    X, y, _, _ = digits
    model, opt = setup("sgd")
    with pytest.raises(error, match=words):
        fit(model, opt, mg.batches(X, y, 64), 3, momentum_schedule=lambda step: value)
    assert opt.momentum == 0.9 and opt.t == 0


def test_schedule_values_are_checked(digits):
    X, y, _, _ = digits
    model, opt = setup("sgd")
    with pytest.raises(ValueError, match=r"schedule\(2\) must be finite, got nan"):
        fit(model, opt, mg.batches(X, y, 64), 5, schedule=lambda step: 0.01 if step < 2 else math.nan)
    assert opt.t == 2


def test_finite_batches_that_run_out_are_a_clear_error(digits):
    """A list of batches shorter than steps: a ValueError that says so, not a bare StopIteration."""
    X, y, _, _ = digits
    model, opt = setup("sgd")
    with pytest.raises(ValueError, match=r"batches ran out after 2 batches, but fit needs steps=5"):
        fit(model, opt, [(X[:64], y[:64]), (X[64:128], y[64:128])], 5)


def test_optimizer_must_be_an_optimizer(digits):
    X, y, _, _ = digits
    model = mg.MLP([64, 10])
    with pytest.raises(TypeError, match="optimizer"):
        fit(model, "adam", mg.batches(X, y, 64), 3)


# --- hostile input: every mistake named, nothing trained ----------------------------------------------


@pytest.mark.parametrize("change, error, words", [
    pytest.param(lambda d: {"batches": None}, TypeError, "batches must be an iterable of .* got NoneType",
                 id="batches None"),
    pytest.param(lambda d: {"batches": 5}, TypeError, "batches must be an iterable of .* got int", id="batches an int"),
    pytest.param(lambda d: {"batches": d[:2]}, TypeError, "batch 0 is a ndarray", id="batches (X, y) itself"),
    pytest.param(lambda d: {"loss": lambda o, t: 1.0}, TypeError, "loss must return a pair", id="loss returns a float"),
    pytest.param(lambda d: {"val": (d[2] * np.nan, d[3])}, ValueError, r"val\[0\] \(X\) must be finite, got",
                 id="val with NaN X"),
    pytest.param(lambda d: {"val": (d[2][:0], d[3][:0])}, ValueError, "val must hold X and y of one non-zero length",
                 id="empty val"),
    pytest.param(lambda d: {"val": (d[2], d[3][:5])}, ValueError,
                 r"one non-zero length, got shapes \(397, 64\) and \(5,\)", id="val y shorter than X"),
    pytest.param(lambda d: {"val": (None, None)}, TypeError, r"val\[0\] \(X\) must hold real numbers",
                 id="val of None"),
    pytest.param(lambda d: {"eval_every": 2}, ValueError, "eval_every=2 needs val", id="eval_every without val"),
])
def test_hostile_arguments_name_the_mistake(digits, change, error, words):
    X, y, _, _ = digits
    kwargs = {"batches": mg.batches(X, y, 64), **change(digits)}
    model, opt = setup()
    before = weights(model)
    with pytest.raises(error, match=words):
        fit(model, opt, kwargs.pop("batches"), 3, **kwargs)
    for a, b in zip(before, weights(model)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kwargs, error, words", [
    ({"rerun_finder_every": 5, "finder_batches": [], "finder_options": 5}, TypeError,
     "finder_options must be a dict of keyword arguments, got 5"),
    ({"rerun_finder_every": 5, "finder_batches": 5}, TypeError, "finder_batches must be an iterable of"),
])
def test_finder_arguments_of_the_wrong_type_are_named(digits, kwargs, error, words):
    X, y, _, _ = digits
    model, opt = setup()
    with pytest.raises(error, match=words):
        fit(model, opt, mg.batches(X, y, 64), 3, **kwargs)
    assert opt.t == 0
