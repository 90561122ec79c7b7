"""Tests of lr_search.py: find_lr leaves everything as it was, is reproducible, counts its steps, rejects bad input."""

import math
from types import SimpleNamespace

import numpy as np
import pytest

import minigrad_lr as mg
from minigrad_lr.lr_search import CANDIDATES, PLAN, LRSearch, _pick, anchor_lr, held_out_agrees, lr_search
from minigrad_lr.rules import Suggestion


@pytest.fixture(scope="module")
def spirals():
    return mg.make_spirals(n_per_class=50, seed=1)  # 150 points: budget 2 × (150 // 16) = 18 steps


def trained_pair(seed=0):
    """A model and an Adam that have taken a few steps, so that every buffer and gradient is non-zero."""
    X, y = mg.make_spirals(n_per_class=20, seed=seed)
    model = mg.MLP([2, 16, 3], seed=seed)
    optimizer = mg.Adam(model.parameters(), lr=0.02)
    mg.fit(model, optimizer, mg.batches(X, y, 8, seed=seed), 3)
    loss, dout = mg.softmax_cross_entropy(model(X[:8]), y[:8])
    model.backward(dout)  # leave gradients behind
    return model, optimizer


def state(model, optimizer):
    return ([p.data.copy() for p in model.parameters()], [p.grad.copy() for p in model.parameters()],
            optimizer.state_dict())


def assert_same_state(before, after):
    for a, b in zip(before[0] + before[1], after[0] + after[1]):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    assert before[2].keys() == after[2].keys()
    for key, value in before[2].items():
        if isinstance(value, list):
            assert all(np.array_equal(a, b) for a, b in zip(value, after[2][key])), key
        else:
            assert value == after[2][key], key


def test_find_lr_restores_model_and_optimizer_bit_for_bit(spirals):
    model, optimizer = trained_pair()
    before = state(model, optimizer)
    suggestion = mg.find_lr(model, optimizer, *spirals, epochs=2, batch_size=16)
    assert isinstance(suggestion, Suggestion) and suggestion.method == "find_lr" and suggestion.lr > 0
    assert_same_state(before, state(model, optimizer))
    assert optimizer.lr == 0.02


def test_find_lr_restores_after_an_exception(spirals):
    model, optimizer = trained_pair()
    before = state(model, optimizer)
    calls = 0

    def failing_loss(output, y):
        nonlocal calls
        calls += 1
        if calls == 80:  # in the middle of the halving rounds
            raise KeyboardInterrupt
        return mg.softmax_cross_entropy(output, y)

    with pytest.raises(KeyboardInterrupt):
        mg.find_lr(model, optimizer, *spirals, epochs=2, batch_size=16, loss=failing_loss)
    assert_same_state(before, state(model, optimizer))


def test_same_seed_same_answer_and_the_steps_add_up(spirals):
    """The record's step count is the range test's plus, per round, the new steps of every run still alive."""
    model = mg.MLP([2, 16, 3], seed=0)
    optimizer = mg.SGD(model.parameters(), lr=0.1, momentum=0.9)
    first = lr_search(model, optimizer, *spirals, epochs=2, batch_size=16, seed=3)
    second = lr_search(model, optimizer, *spirals, epochs=2, batch_size=16, seed=3)
    assert first.suggestion == second.suggestion
    assert first.budget == 2 * (150 // 16)
    assert [len(alive) for _, alive, _ in first.rounds] == [len(CANDIDATES), *[keep for _, keep in PLAN[:-1]]]
    assert [target for target, _, _ in first.rounds] == [round(f * first.budget) for f, _ in PLAN]
    if all(np.isfinite(scores).all() for _, _, scores in first.rounds):  # no run diverged: every step was taken
        previous, expected = 0, len(first.range_test)
        for target, alive, _ in first.rounds:
            expected += (target - previous) * len(alive)
            previous = target
        assert first.steps == expected
    np.testing.assert_allclose(first.candidates, first.anchor * np.logspace(-2, 0.45, 8))
    assert first.candidates[0] <= first.suggestion.lr <= first.candidates[-1]



def test_anchor_is_the_smoothed_minimum_or_below_the_blow_up():
    lrs = np.logspace(-5, 0, 6)
    falling = SimpleNamespace(lrs=lrs, smoothed=np.array([2.3, 2.2, 1.5, 0.8, 1.0, 3.0]), stop_on="raw")
    assert anchor_lr(falling) == lrs[3]
    flat = SimpleNamespace(lrs=lrs, smoothed=np.array([2.30, 2.29, 2.28, 2.31, 2.5, math.inf]), stop_on="raw")
    assert anchor_lr(flat) == pytest.approx(lrs[-1] / 3)  # fell less than 10%: no real minimum


def test_a_test_that_stopped_on_the_held_out_loss_is_anchored_below_its_blow_up():
    lrs = np.logspace(-5, 0, 6)
    noisy = SimpleNamespace(lrs=lrs, smoothed=np.array([0.08, 0.05, 0.06, 0.05, 0.07, 0.3]), stop_on="val")
    assert anchor_lr(noisy) == pytest.approx(lrs[-1] / 3)  # the batch losses' "fall" is noise: not read


def test_the_held_out_loss_must_confirm_the_fall():
    """At the smoothed minimum (or anywhere, when there is none) the held-out loss must lie 10% below its start."""
    lrs = np.logspace(-5, 0, 6)
    untrained = SimpleNamespace(lrs=lrs, smoothed=np.array([2.3, 2.2, 1.5, 0.8, 1.0, 3.0]),
                                val_losses=np.array([2.3, 2.2, 1.4, 0.7, 1.2, 4.0]))
    assert held_out_agrees(untrained)
    trained = SimpleNamespace(lrs=lrs, smoothed=np.array([0.09, 0.04, 0.05, 0.05, 0.06, 0.2]),  # a high first batch
                              val_losses=np.array([0.05, 0.05, 0.049, 0.05, 0.06, 0.3]))
    assert not held_out_agrees(trained)
    flat = SimpleNamespace(lrs=lrs, smoothed=np.array([2.30, 2.29, 2.28, 2.31, 2.5, math.inf]),
                           val_losses=np.array([2.3, 2.2, 1.9, 2.5, 3.0, math.nan]))
    assert held_out_agrees(flat)  # no smoothed minimum: a fall anywhere on the held-out loss counts


def test_on_a_trained_model_find_lr_stops_on_the_held_out_loss():
    """A model trained to a low loss: the batch losses are noise, so find_lr runs its range test again, stopping on
    the held-out loss, and anchors below where that blew up, not at the lr where one unlucky batch stopped it."""
    X, y = mg.make_spirals(n_per_class=60, noise=0.1, seed=2)
    model = mg.MLP([2, 32, 3], seed=0)
    optimizer = mg.Adam(model.parameters(), lr=0.01)
    mg.fit(model, optimizer, mg.batches(X, y, 16, seed=0), 600)
    search = lr_search(model, optimizer, X, y, epochs=2, batch_size=16)
    assert search.range_test.stop_on == "val" and search.range_test.stop_reason == "diverged"
    assert search.anchor == pytest.approx(search.range_test.lrs[-1] / 3) and search.anchor > 1e-3
    assert search.steps > len(search.range_test) + sum(len(alive) for _, alive, _ in search.rounds)
    untrained = mg.MLP([2, 32, 3], seed=0)
    assert lr_search(untrained, mg.Adam(untrained.parameters()), X, y, epochs=2, batch_size=16).range_test.stop_on \
        == "raw"


def test_tied_finalists_give_their_geometric_mean():
    """Finalists within 10% of the best score are tied; the answer is the middle of them on a log scale."""
    candidates = np.logspace(-4, -1, 8)
    search = LRSearch(None, None, 1.0, candidates, rounds=[(10, np.array([2, 3, 5]), np.array([0.50, 0.53, 0.70]))])
    pick = _pick(search)
    assert pick.lr == pytest.approx(math.sqrt(candidates[2] * candidates[3]))
    assert pick.index == 2 and pick.loss == 0.50
    search.rounds[-1] = (10, np.array([2, 3, 5]), np.array([0.50, math.inf, 0.54]))  # one diverged
    assert _pick(search).lr == pytest.approx(math.sqrt(candidates[2] * candidates[5]))  # 0.54 <= 1.1 × 0.50
    search.rounds[-1] = (10, np.array([2, 3, 5]), np.array([0.60, 0.50, 0.56]))
    assert _pick(search).lr == candidates[3]  # 0.56 > 0.55 and 0.60 > 0.55: no tie, the best alone


@pytest.mark.parametrize("bad, error, match", [
    (dict(epochs=0), ValueError, "epochs"),
    (dict(epochs=1.5), TypeError, "epochs"),
    (dict(batch_size=0), ValueError, "batch_size"),
    (dict(batch_size=200), ValueError, "batch_size"),
    (dict(seed=-1), ValueError, "seed"),
    (dict(epochs=1, batch_size=64), ValueError, "budget"),  # 150 // 64 = 2 steps: too short to compare runs
    (dict(loss="mse"), TypeError, "loss"),
    (dict(X=np.zeros(150)), ValueError, "X"),
    (dict(y=np.zeros(149, dtype=np.int64)), ValueError, "same length"),
    (dict(X=np.full((150, 2), np.nan)), ValueError, "finite"),
    (dict(optimizer="adam"), TypeError, "optimizer"),
])
def test_find_lr_rejects_bad_input(spirals, bad, error, match):
    model = mg.MLP([2, 16, 3], seed=0)
    kwargs = dict(model=model, optimizer=mg.Adam(model.parameters()), X=spirals[0], y=spirals[1], epochs=2,
                  batch_size=16)
    with pytest.raises(error, match=match):
        mg.find_lr(**{**kwargs, **bad})
