"""Tests of bench/timing.py: interleaved rounds, one-call timings, peak memory, the machine's description.

Timings are never compared with each other here (the machine is shared and noisy): the tests check
that every piece runs and returns positive numbers.
"""

import numpy as np

from minigrad_lr.bench import timing


def test_best_times_runs_setups_and_returns_positive_times():
    calls = {"f": 0, "setup": 0}

    def f():
        calls["f"] += 1

    def setup():
        calls["setup"] += 1

    times = timing.best_times({"f": f}, rounds=3, target=1e-4, setups={"f": setup})
    assert set(times) == {"f"} and times["f"] > 0
    assert calls["setup"] == 3 and calls["f"] >= 2 + 3  # warm-up and calibration, then >= 1 call per round



def test_best_seconds_calls_once_per_repeat_and_keeps_the_shortest():
    calls = []
    best = timing.best_seconds(lambda: calls.append(1), repeat=4)
    assert len(calls) == 4 and 0 < best < 1


def test_peak_bytes_sees_a_numpy_buffer():
    assert timing.peak_bytes(lambda: np.ones(100_000)) >= 800_000  # 100,000 float64


def test_format_seconds_picks_the_unit():
    assert timing.format_seconds(12e-6) == "12 µs"
    assert timing.format_seconds(3.4e-3) == "3.4 ms"
    assert timing.format_seconds(1.2) == "1.20 s"


def test_machine_and_threads():
    assert timing.blas_threads() >= 1
    assert "NumPy" in timing.machine()
