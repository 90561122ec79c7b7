"""The range test: stop rule, recording, exact restore, real behaviour, bad input."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad_lr as mg
from minigrad_lr.finder import apply_stop_rule, lr_range_test

from strategies import loss_curves, losses_with_non_finite

OPTIMIZERS = {
    "sgd": lambda p: mg.SGD(p, lr=0.1),
    "sgd_momentum": lambda p: mg.SGD(p, lr=0.1, momentum=0.9),
    "adam": lambda p: mg.Adam(p),
    "rmsprop": lambda p: mg.RMSProp(p),
    "adagrad": lambda p: mg.Adagrad(p),
}


@pytest.fixture(scope="module")
def digits():
    return mg.load_digits()


def make_setup(optimizer="adam", seed=0, sizes=(64, 32, 10), dtype=np.float32):
    model = mg.MLP(list(sizes), seed=seed, dtype=dtype)
    return model, OPTIMIZERS[optimizer](model.parameters())


def scripted_loss(values):
    """A loss function that returns the given values one call at a time (gradient zero)."""
    values = iter(values)

    def loss(output, y):
        return float(next(values)), np.zeros_like(output)

    return loss


def snapshot(model, optimizer):
    params = model.parameters()
    return [p.data.copy() for p in params], [p.grad.copy() for p in params], optimizer.state_dict()


def assert_same_state(model, optimizer, before):
    data, grads, state = before
    for p, d, g in zip(model.parameters(), data, grads):
        assert p.data.tobytes() == d.tobytes(), f"{p.name} changed"
        assert p.grad.tobytes() == g.tobytes(), f"{p.name}.grad changed"
    assert_equal_nested(optimizer.state_dict(), state)


def assert_equal_nested(a, b):
    """Equality of nested dicts/lists of arrays and numbers, bit for bit."""
    assert type(a) is type(b)
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            assert_equal_nested(a[key], b[key])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_equal_nested(x, y)
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    else:
        assert a == b or (a != a and b != b)


# --- the stop rule as a pure function -------------------------------------------------------------


def expected_stop(losses, stop_factor, watched):
    """The rule written plainly: the first i where loss_i is non-finite or watched_i > f · min(watched[:i+1])."""
    for i, loss in enumerate(losses):
        if not math.isfinite(loss):
            return i + 1, "non_finite"
        if stop_factor is not None and watched[i] > stop_factor * min(watched[: i + 1]):
            return i + 1, "diverged"
    return len(losses), "completed"


def debiased_average(losses, beta):
    """The debiased EMA in the incremental form the package documents, written out independently:
    s_i = s_{i−1} + w_i (x_i − s_{i−1}), w_i = (1 − β) / (1 − β^(i+1)), s_{−1} = 0. (Its equality with the
    closed form (1 − β) Σ_j β^(i−j) x_j / (1 − β^(i+1)), to rounding, is tested in test_smoothing.py; the
    stop rule needs the very bits, as a loss of exactly 0 makes "× best" ill-conditioned.)"""
    out, s, power = [], 0.0, 1.0
    for x in losses:
        if beta == 0:
            s = float(x)
        else:
            power *= beta
            s += (1 - beta) / (1 - power) * (x - s)
        out.append(s)
    return out


stop_factors = st.one_of(st.none(), st.floats(min_value=1.01, max_value=10.0))


@given(loss_curves(max_size=60, elements=losses_with_non_finite), stop_factors)
def test_stops_at_first_step_where_raw_rule_holds(losses, stop_factor):
    """Property: with stop_on="raw" the test stops at the first step where the rule holds, never earlier."""
    got = apply_stop_rule(losses, stop_factor=stop_factor, stop_on="raw")
    assert got == expected_stop(losses.tolist(), stop_factor, losses.tolist())


@given(loss_curves(max_size=60, elements=losses_with_non_finite), st.floats(min_value=1.01, max_value=10.0),
       st.floats(min_value=0.0, max_value=0.99))
def test_smoothed_stop_reads_the_smoothed_losses(losses, stop_factor, beta):
    """Property: stop_on="smoothed" applies the same rule to the debiased moving average."""
    n_finite = next((i for i, x in enumerate(losses) if not math.isfinite(x)), len(losses))
    watched = debiased_average(losses[:n_finite], beta) + [math.nan] * (len(losses) - n_finite)
    expected_n, expected_reason = expected_stop(losses.tolist(), stop_factor, watched)
    n, reason = apply_stop_rule(losses, stop_factor=stop_factor, stop_on="smoothed", smooth=beta)
    assert reason == expected_reason
    if reason != "diverged":
        assert n == expected_n
    else:  # the closed form and the recurrence may differ in the last bits right at the threshold
        assert abs(n - expected_n) <= 1


@given(loss_curves(max_size=60, elements=losses_with_non_finite))
def test_without_stop_factor_only_non_finite_stops(losses):
    """Property: stop_factor=None stops exactly at the first non-finite loss, or completes."""
    n, reason = apply_stop_rule(losses, stop_factor=None)
    bad = [i for i, x in enumerate(losses) if not math.isfinite(x)]
    assert (n, reason) == ((bad[0] + 1, "non_finite") if bad else (len(losses), "completed"))


@given(loss_curves(min_size=2, max_size=40, elements=losses_with_non_finite), stop_factors,
       st.sampled_from(["raw", "smoothed"]))
def test_recorded_losses_are_a_prefix_of_the_input(losses, stop_factor, stop_on):
    """Property: the finder records exactly the losses it saw, in order, up to and including the stopping one."""
    model, opt = make_setup("sgd", sizes=(4, 3))
    X = np.zeros((8, 4), np.float32)
    y = np.zeros(8, np.int64)
    result = lr_range_test(model, opt, mg.batches(X, y, batch_size=4), loss=scripted_loss(losses),
                           num_iter=len(losses), stop_factor=stop_factor, stop_on=stop_on)
    n, reason = apply_stop_rule(losses, stop_factor=stop_factor, stop_on=stop_on)
    assert result.stop_reason == reason
    np.testing.assert_array_equal(result.losses, losses[:n])
    np.testing.assert_array_equal(result.lrs, mg.range_lrs(1e-7, 10.0, len(losses))[:n])
    np.testing.assert_array_equal(result.smoothed[np.isfinite(result.losses)],
                                  mg.ema(losses[:n], 0.98)[np.isfinite(losses[:n])])


def test_rule_on_the_articles_numbers():
    """Best 1.0, so 4.0 does not stop the test but 4.01 does; NaN stops at once."""
    assert apply_stop_rule([2.0, 1.0, 4.0, 3.0]) == (4, "completed")
    assert apply_stop_rule([2.0, 1.0, 4.01, 3.0]) == (3, "diverged")
    assert apply_stop_rule([2.0, math.nan, 100.0]) == (2, "non_finite")
    assert apply_stop_rule([2.0, math.inf]) == (2, "non_finite")


# --- restore --------------------------------------------------------------------------------------


class Interrupt(Exception):
    pass


def interrupted(stream, after, error):
    for i, batch in enumerate(stream):
        if i == after:
            raise error
        yield batch


@given(st.sampled_from(sorted(OPTIMIZERS)), st.sampled_from(["completed", "diverged", "non_finite", "exception",
                                                               "keyboard"]), st.integers(0, 30))
def test_restore_is_bit_exact(optimizer, ending, at):
    """Property: however the test ends, parameters, gradients and optimizer state are back bit for bit."""
    X, y = mg.make_spirals(n_per_class=32, n_classes=3, seed=1)
    model, opt = make_setup(optimizer, sizes=(2, 16, 3))
    # Some history first, so that buffers, step counts and gradients are not trivial.
    stream = mg.batches(X, y, batch_size=16, seed=2)
    for _, (xb, yb) in zip(range(3), stream):
        opt.zero_grad()
        model.backward(mg.softmax_cross_entropy(model(xb), yb)[1])
        opt.step()
    before = snapshot(model, opt)
    kwargs = dict(num_iter=40)
    if ending == "completed":
        kwargs.update(end_lr=1e-3)
    elif ending == "non_finite":
        kwargs.update(loss=scripted_loss([1.0] * at + [math.nan] * 50))
    elif ending in ("exception", "keyboard"):
        stream = interrupted(stream, at, Interrupt() if ending == "exception" else KeyboardInterrupt())
    if ending in ("exception", "keyboard"):
        with pytest.raises(Interrupt if ending == "exception" else KeyboardInterrupt):
            lr_range_test(model, opt, stream, **kwargs)
    else:
        result = lr_range_test(model, opt, stream, **kwargs)
        assert ending == "diverged" or result.stop_reason == ending
    assert_same_state(model, opt, before)


def test_restore_false_leaves_the_trained_state(digits):
    X, y = digits
    model, opt = make_setup("adam")
    before = snapshot(model, opt)
    result = lr_range_test(model, opt, mg.batches(X, y, 64), num_iter=20, end_lr=1e-2, restore=False)
    assert result.stop_reason == "completed"
    assert opt.lr == result.lrs[-1]
    assert any(not np.array_equal(p.data, d) for p, d in zip(model.parameters(), before[0]))


def test_running_twice_gives_the_same_result(digits):
    """Nothing is remembered between calls: same objects, same fresh batches, same numbers."""
    X, y = digits
    model, opt = make_setup("sgd_momentum")
    first = lr_range_test(model, opt, mg.batches(X, y, 64, seed=3))
    second = lr_range_test(model, opt, mg.batches(X, y, 64, seed=3))
    for name in ("lrs", "losses", "smoothed", "accuracies"):
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))
    assert first.stop_reason == second.stop_reason


# --- real behaviour on digits ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits_results(digits):
    X, y = digits
    results = {}
    for name in ("sgd_momentum", "adam", "rmsprop", "adagrad"):
        for stop_on in ("raw", "smoothed"):
            model, opt = make_setup(name, sizes=(64, 64, 10))
            results[name, stop_on] = lr_range_test(model, opt, mg.batches(X, y, 64, seed=0), stop_on=stop_on)
    return results


@pytest.mark.parametrize("name", ["sgd_momentum", "adam", "rmsprop", "adagrad"])
def test_loss_falls_then_rises(digits_results, name):
    """On digits the raw loss first falls clearly below its start, then climbs well above its minimum."""
    result = digits_results[name, "raw"]
    losses = result.losses
    low = int(np.nanargmin(losses))
    assert losses[low] < 0.75 * losses[0]
    assert np.nanmax(losses[low:]) > 2 * losses[low] or not np.isfinite(losses[-1])


def test_sgd_momentum_diverges_before_end_lr(digits_results):
    result = digits_results["sgd_momentum", "raw"]
    assert result.stop_reason == "diverged"
    assert result.lrs[-1] < result.end_lr


@pytest.mark.parametrize("name", ["sgd_momentum", "adam", "rmsprop", "adagrad"])
def test_smoothed_stop_reacts_later(digits_results, name):
    """The moving average lags the raw loss, so the smoothed rule never stops earlier than the raw one."""
    assert len(digits_results[name, "smoothed"]) >= len(digits_results[name, "raw"])


def test_accuracies_are_batch_accuracies(digits_results):
    result = digits_results["adam", "raw"]
    assert np.all((result.accuracies >= 0) & (result.accuracies <= 1))
    assert result.accuracies[:5].mean() < 0.3 < result.accuracies.max()


def test_validation_losses_are_recorded_after_each_step(digits):
    X, y = digits
    model, opt = make_setup("adam")
    val = [(X[:100], y[:100]), (X[100:200], y[100:200])]
    result = lr_range_test(model, opt, mg.batches(X[200:], y[200:], 64), num_iter=30, end_lr=1e-2,
                           val_batches=val, restore=False)
    assert result.val_losses.shape == result.losses.shape
    expected = np.mean([mg.softmax_cross_entropy(model(xb), yb)[0] for xb, yb in val])
    assert result.val_losses[-1] == pytest.approx(expected, rel=1e-12)


def test_val_stop_reads_the_held_out_losses():
    """stop_on="val": the rule "> 4 × best" on the held-out losses; the batch losses may jump as they like."""
    noisy = [0.02, 0.5, 0.01, 0.9, 0.03]  # batch noise that would stop the raw rule at the second step
    assert apply_stop_rule(noisy, stop_on="val", val_losses=[0.1, 0.1, 0.09, 0.1, 0.2]) == (5, "completed")
    assert apply_stop_rule(noisy, stop_on="val", val_losses=[0.1, 0.05, 0.21, 0.1, 0.1]) == (3, "diverged")
    assert apply_stop_rule(noisy, stop_on="val", val_losses=[0.1, math.nan, 0.1, 0.1, 0.1]) == (2, "non_finite")
    assert apply_stop_rule(noisy) == (2, "diverged")
    with pytest.raises(ValueError, match="val_losses"):
        apply_stop_rule(noisy, stop_on="val")
    with pytest.raises(ValueError, match="val_losses"):
        apply_stop_rule(noisy, val_losses=noisy)


def test_range_test_stops_on_the_held_out_loss(digits):
    """The range test's val stop is apply_stop_rule on the recorded held-out losses."""
    X, y = digits
    model, opt = make_setup("adam")
    val = [(X[:200], y[:200])]
    result = lr_range_test(model, opt, mg.batches(X[200:], y[200:], 64), num_iter=60, stop_on="val", val_batches=val)
    assert result.stop_reason == "diverged" and result.stop_on == "val"
    n, reason = apply_stop_rule(result.losses, stop_on="val", val_losses=result.val_losses)
    assert (n, reason) == (len(result), "diverged")


# --- regression: a custom loss, a blow-up, and the 2/λ_max threshold ------------------------------


def regression_problem(seed, n=64, d=5, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = (rng.normal(size=(n, d)) * rng.uniform(0.2, 3.0, size=d)).astype(dtype)
    y = (X @ rng.normal(size=(d, 1)) + 0.1 * rng.normal(size=(n, 1))).astype(dtype)
    return X, y


def full_batches(X, y):
    while True:
        yield X, y


def test_mse_blow_up_is_non_finite_with_no_step_on_that_batch():
    X, y = regression_problem(0, dtype=np.float32)
    model = mg.MLP([5, 1], seed=0, dtype=np.float32)
    opt = mg.SGD(model.parameters(), lr=0.1)
    before = snapshot(model, opt)
    result = lr_range_test(model, opt, full_batches(X, y), loss=mg.mse, start_lr=1e-4, end_lr=1e12,
                           num_iter=100, stop_factor=None)
    assert result.stop_reason == "non_finite"
    assert not np.isfinite(result.losses[-1]) and np.all(np.isfinite(result.losses[:-1]))
    assert np.all(np.isnan(result.accuracies))  # regression targets are not class indices
    assert_same_state(model, opt, before)
    # Run again without restoring: one optimizer step per finite loss, none on the non-finite batch.
    steps = []
    counting = mg.SGD(model.parameters(), lr=0.1)
    original_step = counting.step
    counting.step = lambda: (steps.append(1), original_step())
    again = lr_range_test(model, counting, full_batches(X, y), loss=mg.mse, start_lr=1e-4, end_lr=1e12,
                          num_iter=100, stop_factor=None, restore=False)
    assert len(steps) == len(again) - 1


@given(st.integers(0, 10_000))
def test_never_stops_below_two_over_lambda_max(seed):
    """Property: full-batch GD on least squares cannot raise the loss while lr < 2/λ_max, and blows up above.

    The MSE loss of a linear model has the constant Hessian H = (2/N)·[X 1]ᵀ[X 1]; while every lr so far
    is below 2/λ_max(H) the loss never increases, so the stop rule cannot fire. Far above it, it must.
    """
    X, y = regression_problem(seed)
    Xb = np.hstack([X, np.ones((len(X), 1))])
    threshold = 2.0 / np.linalg.eigvalsh(2.0 / len(X) * Xb.T @ Xb).max()
    model = mg.MLP([5, 1], seed=seed, dtype=np.float64)
    opt = mg.SGD(model.parameters(), lr=0.1)
    result = lr_range_test(model, opt, full_batches(X, y), loss=mg.mse, start_lr=1e-3 * threshold,
                           end_lr=1e4 * threshold, num_iter=100)
    assert result.stop_reason in ("diverged", "non_finite")  # stops before end_lr ...
    assert result.lrs[-2] >= threshold  # ... and only once an lr at or above 2/λ_max was used
    assert np.all(np.diff(result.losses[result.lrs < threshold]) <= 1e-12)


# --- progress -------------------------------------------------------------------------------------


def test_progress_bar_goes_to_stderr(capsys, digits):
    X, y = digits
    model, opt = make_setup("adam")
    lr_range_test(model, opt, mg.batches(X, y, 64), num_iter=5, progress=True)
    assert "lr range test" in capsys.readouterr().err


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, error, words",
    [
        (dict(model="not a model"), TypeError, "model"),
        (dict(optimizer="adam"), TypeError, "optimizer"),
        (dict(batches=42), TypeError, "batches"),
        (dict(batches=[]), ValueError, "ran out after 0"),
        (dict(batches=[(np.zeros((4, 7), np.float32), np.zeros(4, np.int64))]), ValueError, "x"),
        (dict(batches=[np.zeros((4, 64))]), TypeError, "pairs"),
        (dict(smooth=1.0), ValueError, "smooth"),
        (dict(smooth=-0.1), ValueError, "smooth"),
        (dict(stop_factor=1.0), ValueError, "stop_factor"),
        (dict(stop_factor=0.5), ValueError, "stop_factor"),
        (dict(stop_on="best"), ValueError, "stop_on"),
        (dict(num_iter=1), ValueError, "num_iter"),
        (dict(start_lr=-1.0), ValueError, "start_lr"),
        (dict(end_lr=1e-9), ValueError, "end_lr"),
        (dict(mode="cos"), ValueError, "mode"),
        (dict(loss="mse"), TypeError, "loss"),
        (dict(val_batches=[]), ValueError, "val_batches"),
        (dict(stop_on="val"), ValueError, "val_batches"),
        (dict(restore="yes"), TypeError, "restore"),
    ],
)
def test_bad_input_is_rejected_and_the_model_untouched(digits, change, error, words):
    X, y = digits
    model, opt = make_setup("adam")
    before = snapshot(model, opt)
    kwargs = dict(model=model, optimizer=opt, batches=mg.batches(X, y, 64), num_iter=20)
    kwargs.update(change)
    with pytest.raises(error, match=words):
        lr_range_test(kwargs.pop("model"), kwargs.pop("optimizer"), kwargs.pop("batches"), **kwargs)
    assert_same_state(model, opt, before)


def test_finite_batches_running_out_restores_state(digits):
    X, y = digits
    model, opt = make_setup("adam")
    before = snapshot(model, opt)
    ten = [(X[i : i + 32], y[i : i + 32]) for i in range(0, 320, 32)]
    with pytest.raises(ValueError, match="ran out after 10 batches"):
        lr_range_test(model, opt, ten, num_iter=50, stop_factor=None, end_lr=1e-3)
    assert_same_state(model, opt, before)


# --- the optimizer must hold the model's own parameters ------------------------------------------


@pytest.mark.parametrize("holds, words", [
    ("another model", "it holds parameters of another model"),
    ("reversed", "it holds the same parameters in another order"),
    ("a part", "it holds only some of them"),
])
def test_an_optimizer_of_other_parameters_is_rejected_before_anything_moves(digits, holds, words):
    """A student who builds the model again after the optimizer: a ValueError naming `optimizer`, and
    neither model changes (with weight_decay the other model's weights would otherwise move)."""
    X, y = digits
    model = mg.MLP([64, 32, 10], seed=0)
    other = mg.MLP([64, 32, 10], seed=1)
    params = {"another model": other.parameters(), "reversed": model.parameters()[::-1],
              "a part": model.parameters()[:2]}[holds]
    opt = mg.SGD(params, lr=0.1, momentum=0.9, weight_decay=0.1)
    before, other_before = model.state_dict(), other.state_dict()
    with pytest.raises(ValueError, match=f"optimizer does not hold this model's parameters .*: {words}"):
        lr_range_test(model, opt, mg.batches(X, y, 64), num_iter=20)
    for m, saved in ((model, before), (other, other_before)):
        assert all(np.array_equal(m.state_dict()[k], v) for k, v in saved.items())
    assert opt.t == 0


def test_the_parameter_check_guards_fit_and_find_lr(digits):
    X, y = digits
    model = mg.MLP([64, 32, 10], seed=0)
    opt = mg.Adam(mg.MLP([64, 32, 10], seed=0).parameters())
    with pytest.raises(ValueError, match="optimizer does not hold this model's parameters"):
        mg.fit(model, opt, mg.batches(X, y, 64), 3)
    with pytest.raises(ValueError, match="optimizer does not hold this model's parameters"):
        mg.find_lr(model, opt, X, y, epochs=1)
    assert opt.t == 0


# --- the known bugs of the peer finders, one test each --------------------------------------------


def test_nan_stops_the_test_at_once(digits):
    """fastai #3476, Lightning #1850: a NaN loss ends the test on that step, recorded, with no update
    from it, and the rules still answer from the finite part."""
    X, y = digits
    model, opt = make_setup("adam")
    losses = list(np.linspace(2.3, 0.5, 30)) + [math.nan] + [1.0] * 20
    steps = []
    original = opt.step
    opt.step = lambda: (steps.append(opt.lr), original())[1]
    result = lr_range_test(model, opt, mg.batches(X, y, 64), num_iter=60, loss=scripted_loss(losses))
    assert result.stop_reason == "non_finite" and len(result) == 31 and math.isnan(result.losses[-1])
    assert len(steps) == 30  # the NaN batch made no step
    assert result.suggest("minimum").index < 30


def test_no_optimizer_state_leaks_out_of_the_test(digits):
    """fastai #3185: after the test the optimizer steps exactly as if the test had never run (its buffers,
    step count and lr are its own again)."""
    X, y = digits
    runs = []
    for with_test in (False, True):
        model, opt = make_setup("adam")
        opt.lr = 3e-3
        if with_test:
            lr_range_test(model, opt, mg.batches(X, y, 64, seed=5), num_iter=30)
        for xb, yb in zip(X[:192].reshape(3, 64, 64), y[:192].reshape(3, 64)):
            opt.zero_grad()
            model.backward(mg.softmax_cross_entropy(model(xb), yb)[1])
            opt.step()
        runs.append((model.state_dict(), opt.state_dict()))
    assert_equal_nested(runs[0][0], runs[1][0])
    assert_equal_nested(runs[0][1], runs[1][1])


def test_no_history_is_kept_across_calls(digits):
    """keras_lr_finder keeps its lists on the finder object, so a second run appends to the first: here each
    call returns its own arrays, and a later call leaves an earlier result as it was."""
    X, y = digits
    model, opt = make_setup("sgd_momentum")
    first = lr_range_test(model, opt, mg.batches(X, y, 64, seed=1), num_iter=30, end_lr=1e-2)
    saved = first.losses.copy()
    second = lr_range_test(model, opt, mg.batches(X, y, 64, seed=2), num_iter=20, end_lr=1e-2)
    assert len(first) == 30 and len(second) == 20
    np.testing.assert_array_equal(first.losses, saved)
    assert not np.shares_memory(first.losses, second.losses)


def test_the_finder_in_the_middle_of_training_changes_nothing(digits):
    """Lightning #4846: a range test between two training steps leaves the training run bit for bit as
    it would have been without it."""
    X, y = digits
    finals = []
    for with_test in (False, True):
        model, opt = make_setup("sgd_momentum")
        stream = mg.batches(X, y, 64, seed=4)
        for step in range(6):
            if with_test and step == 3:
                lr_range_test(model, opt, mg.batches(X, y, 64, seed=9), num_iter=40)
            xb, yb = next(stream)
            opt.zero_grad()
            model.backward(mg.softmax_cross_entropy(model(xb), yb)[1])
            opt.step()
        finals.append(model.state_dict())
    assert_equal_nested(*finals)


def test_the_lr_recorded_is_the_lr_used_with_even_spacing(digits):
    """Lightning #21931: each recorded lr is the one the optimizer stepped with, and on a log axis the
    recorded lrs are evenly spaced, from start_lr exactly."""
    X, y = digits
    model, opt = make_setup("adam")
    used = []
    original = opt.step
    opt.step = lambda: (used.append(opt.lr), original())[1]
    result = lr_range_test(model, opt, mg.batches(X, y, 64), start_lr=1e-6, end_lr=1.0, num_iter=50,
                           stop_factor=None)
    assert used == result.lrs.tolist() and result.lrs[0] == 1e-6 and result.lrs[-1] == 1.0
    np.testing.assert_allclose(np.diff(np.log(result.lrs)), np.log(1e6) / 49, rtol=1e-9)


def test_running_out_of_data_is_not_diverged(digits):
    """Lightning #5044: a finite loader that runs out ended its test as if the loss had diverged; here it
    is a ValueError that says so, and the state is restored."""
    X, y = digits
    model, opt = make_setup("adam")
    before = snapshot(model, opt)
    with pytest.raises(ValueError, match="batches ran out after 3 batches, but the range test needs num_iter=100"):
        lr_range_test(model, opt, [(X[:64], y[:64])] * 3)
    assert_same_state(model, opt, before)


def test_a_negative_loss_is_a_clear_error(digits):
    """fastai #962: a negative loss made "loss > 4 × best" meaningless (fastai stopped at once); here it is
    a ValueError naming the loss and its value, and the state is restored."""
    X, y = digits
    model, opt = make_setup("adam")
    before = snapshot(model, opt)
    with pytest.raises(ValueError, match=r"the loss must be >= 0 .* got -0\.5"):
        lr_range_test(model, opt, mg.batches(X, y, 64), loss=scripted_loss([1.0, 0.8, -0.5, -0.7]), num_iter=20)
    assert_same_state(model, opt, before)
    assert apply_stop_rule([1.0, math.nan, -1.0]) == (2, "non_finite")  # a NaN still stops first


# --- the conventions users of the peer finders expect ---------------------------------------------


def test_k_batches_accumulated_give_the_curve_of_one_batch_k_times_larger(digits):
    """Gradient accumulation (pytorch-lr-finder #8/#13): k mini-batches of size B per optimizer step give
    the curve of one batch of size k·B on the same data, up to rounding; the lr advances once per
    optimizer step (holocron #504 advanced it per micro-batch), and num_iter counts optimizer steps."""
    X, y = digits
    X, y = X.astype(np.float64), y
    k, B, n = 4, 14, 30  # 1,680 of the 1,797 digits
    big = [(X[i * k * B:(i + 1) * k * B], y[i * k * B:(i + 1) * k * B]) for i in range(n)]
    small = [(xb[j * B:(j + 1) * B], yb[j * B:(j + 1) * B]) for xb, yb in big for j in range(k)]
    curves = []
    for stream, steps in ((big, 1), (small, k)):
        model = mg.MLP([64, 32, 10], seed=0, dtype=np.float64)
        opt = mg.SGD(model.parameters(), momentum=0.9)
        curves.append(lr_range_test(model, opt, stream, num_iter=n, end_lr=1.0, stop_factor=None,
                                    accumulation_steps=steps))
    one, accumulated = curves
    assert len(accumulated) == n and accumulated.accumulation_steps == k
    np.testing.assert_array_equal(accumulated.lrs, one.lrs)
    np.testing.assert_allclose(accumulated.losses, one.losses, rtol=1e-10)
    np.testing.assert_allclose(accumulated.accuracies, one.accuracies, rtol=1e-12)
    with pytest.raises(ValueError, match=r"ran out after 12 batches, but the range test needs num_iter × "
                                         r"accumulation_steps = 30 × 4"):
        model = mg.MLP([64, 32, 10], seed=0)
        lr_range_test(model, mg.SGD(model.parameters()), small[:12], num_iter=n, accumulation_steps=k)
    with pytest.raises(ValueError, match="accumulation_steps must be >= 1, got 0"):
        lr_range_test(model, mg.SGD(model.parameters()), small, accumulation_steps=0)


def test_a_smooth_below_one_half_warns_that_it_is_beta_not_smooth_f(digits):
    """pytorch-lr-finder's smooth_f = 0.05 is the weight of the new value; here smooth is β: a warning
    names the other convention and the value meant."""
    X, y = digits
    model, opt = make_setup("adam")
    with pytest.warns(UserWarning, match=r"smooth=0\.05 is the weight of the past.*pass smooth=0\.95"):
        lr_range_test(model, opt, mg.batches(X, y, 64), num_iter=10, smooth=0.05)


def test_a_suggestion_is_a_number_for_float_and_for_lr(digits):
    X, y = digits
    model, opt = make_setup("sgd_momentum", sizes=(64, 64, 10))
    s = lr_range_test(model, opt, mg.batches(X, y, 64, seed=0)).suggest()
    assert float(s) == s.lr
    assert mg.SGD(model.parameters(), lr=s).lr == s.lr
    opt.lr = s
    assert opt.lr == s.lr and type(opt.lr) is float


def test_importing_the_package_imports_neither_matplotlib_nor_tqdm():
    import subprocess
    import sys

    code = "import sys, minigrad_lr; print(sorted(m for m in ('matplotlib', 'tqdm') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- hostile input: every mistake named, the state untouched ----------------------------------------


def ok_batches(X, y, n=20):
    return [(X[i * 32:(i + 1) * 32], y[i * 32:(i + 1) * 32]) for i in range(n)]


@pytest.mark.parametrize("change, error, words", [
    pytest.param(lambda X, y: dict(loss=lambda o, t: 1.0), TypeError,
                 r"loss must return a pair \(loss, d loss / d output\) .* got float", id="loss returns a float"),
    pytest.param(lambda X, y: dict(loss=lambda o, t: None), TypeError, "loss must return a pair .* got NoneType",
                 id="loss returns None"),
    pytest.param(lambda X, y: dict(loss=lambda o, t: (1.0, o, 2)), TypeError, "got tuple of length 3",
                 id="loss returns a triple"),
    pytest.param(lambda X, y: dict(loss=lambda o, t: ("a", o * 0)), TypeError,
                 r"loss\(output, y\)\[0\] must be a real number, got 'a'", id="loss returns a string loss"),
    pytest.param(lambda X, y: dict(loss=lambda o, t: (1j, o * 0)), TypeError, r"loss\(output, y\)\[0\] must be a real",
                 id="loss returns a complex loss"),
    pytest.param(lambda X, y: dict(batches=[(X[:32] * 1j, y[:32])] * 20), TypeError, "x must hold real numbers",
                 id="complex x"),
    pytest.param(lambda X, y: dict(batches=[("abc", y[:32])] * 20), TypeError, "x must hold real numbers",
                 id="string x"),
    pytest.param(lambda X, y: dict(batches=ok_batches(X, y, 5) + [(X[:32], y[:32] * 1.0)] * 15), TypeError,
                 "labels must be an array of ints", id="float labels at step 5"),
    pytest.param(lambda X, y: dict(batches=[[X[:32], y[:32]]] * 20), TypeError, "batch 0 is a list",
                 id="batches of lists"),
    pytest.param(lambda X, y: dict(model=mg.MLP), TypeError, r"model must be a model built from its class, e\.g\. MLP",
                 id="the class MLP"),
])
def test_hostile_input_names_the_mistake_and_restores_everything(digits, change, error, words):
    X, y = digits
    model, opt = make_setup("sgd_momentum")
    before = snapshot(model, opt)
    kwargs = dict(model=model, optimizer=opt, batches=ok_batches(X, y), num_iter=20, end_lr=1e-2)
    kwargs.update(change(X, y))
    with pytest.raises(error, match=words):
        lr_range_test(kwargs.pop("model"), kwargs.pop("optimizer"), kwargs.pop("batches"), **kwargs)
    assert_same_state(model, opt, before)


def test_the_loss_may_be_a_numpy_scalar_or_a_0d_array(digits):
    X, y = digits
    for loss in (lambda o, t: (np.float32(1.0), np.zeros_like(o)), lambda o, t: [np.array(1.0), np.zeros_like(o)]):
        model, opt = make_setup()
        result = lr_range_test(model, opt, ok_batches(X, y), num_iter=20, loss=loss)
        assert result.losses.tolist() == [1.0] * 20


@pytest.mark.parametrize("loss", [
    pytest.param("1.0", id="str"), pytest.param(None, id="None"), pytest.param(True, id="bool"),
    pytest.param([1.0], id="list"), pytest.param(1j, id="complex"),
])
def test_stop_rule_names_a_bad_loss(loss):
    with pytest.raises(TypeError, match="loss must be a real number"):
        mg.StopRule().update(loss)


@pytest.mark.parametrize("losses, error, words", [
    pytest.param(None, TypeError, "losses must hold numbers", id="None"),
    pytest.param("123", TypeError, "losses must hold numbers.*<U3", id="a string (its characters)"),
    pytest.param(["1", "2"], TypeError, "losses must hold numbers", id="strings"),
    pytest.param([True, False], TypeError, "losses must hold numbers.*bool", id="bools"),
    pytest.param(np.ones((2, 2)), ValueError, "losses must be 1-D", id="2-D"),
    pytest.param(1.0, ValueError, "losses must be 1-D", id="scalar"),
    pytest.param([1j], TypeError, "losses must hold numbers.*complex", id="complex"),
])
def test_apply_stop_rule_names_bad_losses(losses, error, words):
    with pytest.raises(error, match=words):
        apply_stop_rule(losses)


def test_apply_stop_rule_takes_an_iterator():
    assert apply_stop_rule(loss for loss in [1.0, 0.5, math.nan]) == (3, "non_finite")
    assert apply_stop_rule(np.array([1, 2, 5], np.int64)) == (3, "diverged")
