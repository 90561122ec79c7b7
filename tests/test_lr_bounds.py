"""Reading a schedule's learning rates off a range test: 1cycle's max_lr and CLR's bounds.

The range tests are made up: a textbook loss (flat, fall, blow-up) over 1e-5 … 1 with accuracies that rise
where we say, so that the expected bounds can be read off by hand.
"""

import dataclasses

import numpy as np
import pytest

from minigrad_lr.lr_bounds import cyclic_bounds, one_cycle_max_lr
from minigrad_lr.result import RangeTestResult
from minigrad_lr.rules import NoSuggestionError
from minigrad_lr.schedules import range_lrs
from minigrad_lr.suggest import suggest_lr


def range_result(accuracies, n=80):
    """A range test over 1e-5 … 1 with a textbook loss (flat, fall, blow-up) and the given accuracies."""
    lrs = range_lrs(1e-5, 1.0, n)
    x = np.log10(lrs)
    losses = 2.3 - 1.5 / (1 + np.exp(-4 * (x + 2))) + 3 * np.exp(4 * (x - 0.1))
    return RangeTestResult(lrs=lrs, losses=losses, smoothed=losses, accuracies=np.asarray(accuracies, float),
                           val_losses=None, stop_reason="completed", start_lr=1e-5, end_lr=1.0, num_iter=n)


def rising_accuracies(n=80, spike=None):
    """0.1 until step 40, +0.05 per step up to 0.9 at step 56, flat, then a fall after step 70."""
    acc = np.full(n, 0.1)
    acc[40:57] = 0.1 + 0.05 * np.arange(17)
    acc[57:70] = 0.9
    acc[70:] = 0.5
    if spike is not None:
        acc[spike] = 0.5
    return acc


def test_one_cycle_max_lr_is_the_rules_suggestion():
    result = range_result(rising_accuracies())
    for method in ("sma_derivative", "steep", "minimum"):
        assert one_cycle_max_lr(result, method) == suggest_lr(result, method).lr


@pytest.mark.parametrize("ratio", [3.0, 4.0, 10.0])
def test_cyclic_bounds_loss_rule(ratio):
    """max_lr is the rule's suggestion and base_lr = max_lr / ratio (Smith: 1/3 or 1/4)."""
    result = range_result(rising_accuracies())
    base_lr, max_lr = cyclic_bounds(result, ratio=ratio)
    assert max_lr == suggest_lr(result, "sma_derivative").lr and base_lr == max_lr / ratio


def test_cyclic_bounds_accuracy_rule_reads_the_rise():
    """With no averaging: the rise starts at the first step past 10% of it (0.1 → 0.18: step 42) and
    stops at the first step at the top (0.9: step 56); a spike on the plateau does not fool it."""
    for spike in (None, 5):
        result = range_result(rising_accuracies(spike=spike))
        base_lr, max_lr = cyclic_bounds(result, rule="accuracy", window=1)
        assert (base_lr, max_lr) == (result.lrs[42], result.lrs[56])


def test_cyclic_bounds_accuracy_rule_with_averaging_stays_inside_the_rise():
    result = range_result(rising_accuracies())
    base_lr, max_lr = cyclic_bounds(result, rule="accuracy")
    assert result.lrs[40] <= base_lr < max_lr <= result.lrs[69]


@pytest.mark.parametrize(
    "accuracies, words",
    [
        (np.full(80, np.nan), "finite batch accuracies"),
        (np.full(80, 0.3), "never rises"),
        (np.linspace(0.9, 0.1, 80), "never rises"),
        (np.r_[np.full(40, 0.1), np.full(40, 0.9)], "single step"),
    ],
)
def test_cyclic_bounds_accuracy_rule_says_why_it_cannot_answer(accuracies, words):
    with pytest.raises(NoSuggestionError, match=words):
        cyclic_bounds(range_result(accuracies), rule="accuracy", window=1)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"rule": "lowest"}, ValueError, "rule"),
        ({"ratio": 1.0}, ValueError, "ratio"),
        ({"ratio": "4"}, TypeError, "ratio"),
        ({"window": 0}, ValueError, "window"),
        ({"method": "best"}, ValueError, "method"),
    ],
)
def test_cyclic_bounds_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        cyclic_bounds(range_result(rising_accuracies()), **kwargs)


# --- hostile arguments -------------------------------------------------------------------------------

HOSTILE_OPTIONS = [
    ({"ratio": "4"}, TypeError, "ratio"), ({"ratio": None}, TypeError, "ratio"), ({"ratio": True}, TypeError, "ratio"),
    ({"ratio": np.nan}, ValueError, "ratio"), ({"ratio": np.inf}, ValueError, "ratio"),
    ({"ratio": 10**400}, ValueError, "ratio"), ({"method": None}, ValueError, "method"),
    ({"method": ["valley"]}, ValueError, "method"), ({"rule": None}, ValueError, "rule"),
    ({"window": 2.0}, TypeError, "window"), ({"window": np.float64(10)}, TypeError, "window"),
    ({"window": None}, TypeError, "window"), ({"window": True}, TypeError, "window"),
]


@pytest.mark.parametrize("rule", ["loss", "accuracy"])
@pytest.mark.parametrize("kwargs, error, words", HOSTILE_OPTIONS)
def test_cyclic_bounds_checks_every_argument_whichever_rule_reads_it(rule, kwargs, error, words):
    """ratio and method are checked under the accuracy rule too, window under the loss rule: never silently ignored."""
    with pytest.raises(error, match=words):
        cyclic_bounds(range_result(rising_accuracies()), **{"rule": rule, **kwargs})


def replaced(**changes):
    return dataclasses.replace(range_result(rising_accuracies()), **changes)


@pytest.mark.parametrize(
    "result, error, words",
    [
        (None, TypeError, "result must be a RangeTestResult"),
        ({"lrs": [1.0]}, TypeError, "dict has no lrs, losses, accuracies"),
        (lambda: replaced(accuracies=rising_accuracies()[:50]), ValueError, "one value per lr"),
        (lambda: replaced(accuracies=np.array([])), ValueError, "one value per lr"),
        (lambda: replaced(accuracies="high"), TypeError, "result.accuracies"),
        (lambda: replaced(accuracies=rising_accuracies().reshape(8, 10)), ValueError, "result.accuracies must be 1-D"),
        (lambda: replaced(lrs=range_lrs(1e-5, 1.0, 80)[::-1].copy()), ValueError, "lrs must be strictly increasing"),
        (lambda: replaced(lrs=np.r_[range_lrs(1e-5, 1.0, 79), np.nan]), ValueError, r"lrs\[79\] = nan"),
        (lambda: replaced(lrs=range_lrs(1e-5, 1.0, 50)), ValueError, "same length"),
    ],
)
def test_cyclic_bounds_accuracy_rule_rejects_a_bad_result(result, error, words):
    """The accuracy rule reads lrs and accuracies: a result without them, or with curves a range test cannot
    record (lengths that differ, lrs not increasing or not finite), is an error, not an IndexError or a wrong pair."""
    with pytest.raises(error, match=words):
        cyclic_bounds(result() if callable(result) else result, rule="accuracy", window=1)


def test_numpy_scalars_are_numbers():
    result = range_result(rising_accuracies())
    assert cyclic_bounds(result, ratio=np.float64(3.0)) == cyclic_bounds(result, ratio=3.0)
    with_numpy = cyclic_bounds(result, rule="accuracy", window=np.int64(5))
    assert with_numpy == cyclic_bounds(result, rule="accuracy", window=5)
