"""Tests of bench/finder_cost.py: the range test's own work, the rules on long curves, peak memory (tiny problems).

Timings are never compared with each other here (the machine is shared and noisy): the tests check
that every piece runs, returns numbers of the right shape and prints its table.
"""

import numpy as np
import pytest

from minigrad_lr.bench import finder_cost
from minigrad_lr.suggest import METHODS

TINY = (((5, 4, 3), 6),)  # one MLP 5-4-3 at batch 6


def test_overhead_table_and_print(capsys):
    rows = finder_cost.overhead_table(shapes=TINY, num_iter=5, rounds=1)
    assert len(rows) == 1 and rows[0]["shape"] == "5-4-3@6"
    assert np.isfinite(rows[0]["overhead"]) and rows[0]["step"] > 0  # a difference of two timings: any sign
    finder_cost.print_overhead_table(rows)
    assert "fraction" in capsys.readouterr().out


def test_rules_table_times_every_rule_and_prints(capsys):
    table = finder_cost.rules_table(sizes=(100, 300), repeat=1)
    assert list(table) == ["ema", *METHODS]
    assert all(len(times) == 2 and min(times) > 0 for times in table.values())
    finder_cost.print_rules_table(table, sizes=(100, 300))
    out = capsys.readouterr().out
    assert "valley" in out and "growth" in out


def test_range_test_curve_falls_then_rises():
    lrs_, losses = finder_cost.range_test_curve(1000)
    assert np.all(np.diff(lrs_) > 0) and np.all(losses >= 0)
    assert losses[:50].mean() > losses[600:700].mean() < losses[-50:].mean()


def test_memory_table_and_print(capsys):
    rows = finder_cost.memory_table(shapes=TINY, num_iter=3)
    r = rows[0]
    assert r["params"] == (5 * 4 + 4 + 4 * 3 + 3) * 4 and r["state"] == 2 * r["params"]  # float32; Adam: m, v
    assert r["peak"] >= r["step_peak"] > 0 and r["ratio"] == pytest.approx(r["peak"] / (r["params"] + r["state"]))
    finder_cost.print_memory_table(rows)
    assert "peak" in capsys.readouterr().out
