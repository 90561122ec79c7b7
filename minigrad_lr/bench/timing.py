"""How the benchmark measures: interleaved timing rounds, peak memory, wall time, and the machine.

Timing: each function is called ``number`` times in a row (about 20 ms in all) and this is repeated
for several rounds, *interleaved*: in every round the floor, each optimizer's step and so on take their
turn, so a burst of load from other programs hits all of them alike. The best round of each is
reported (the one least disturbed), in µs per call. Even so, read the numbers with the load average
printed above and below the tables: with a core busy elsewhere, a BLAS call split over two threads
waits for the slower one, and times of large products can double or worse; ``--rounds`` takes more
samples.

Threads: NumPy's BLAS picks its thread count when NumPy is first imported, from an environment
variable; set it on the command line, e.g. ``OPENBLAS_NUM_THREADS=2 python -m minigrad_lr.bench``
(``OMP_NUM_THREADS`` for other BLAS builds, ``MKL_NUM_THREADS`` for MKL). Without it OpenBLAS uses every
core. The header line says what was used.
"""

import os
import platform
import subprocess
import sys
import time
import tracemalloc

import numpy as np


class Rounds:
    """Times several functions in interleaved rounds and keeps the best time per call of each.

    Parameters
    ----------
    functions : dict of str to callable
    setups : dict of str to callable, optional
        Called (untimed) before each round of the function of the same name.
    target : float, default 0.02
        Seconds one round of a function should take: it runs ``number`` times in a row, with
        ``number`` set from one timed call after a warm-up call.

    Attributes
    ----------
    best : dict of str to float
        Best time per call so far, in seconds.
    """

    def __init__(self, functions, setups=None, target=0.02):
        self.functions, self.setups = functions, setups or {}
        self.numbers = {}
        for name, fn in functions.items():
            fn()  # warm up: first-call allocations, BLAS threads waking up
            start = time.perf_counter()
            fn()
            self.numbers[name] = max(1, int(target / max(time.perf_counter() - start, 1e-9)))
        self.best = dict.fromkeys(functions, float("inf"))

    def run(self):
        """One round: each function in turn, ``number`` calls in a row."""
        for name, fn in self.functions.items():
            if name in self.setups:
                self.setups[name]()
            start = time.perf_counter()
            for _ in range(self.numbers[name]):
                fn()
            self.best[name] = min(self.best[name], (time.perf_counter() - start) / self.numbers[name])


def best_times(functions, rounds=9, target=0.02, setups=None):
    """Best time per call, in seconds, of each function over ``rounds`` interleaved rounds (see ``Rounds``)."""
    timer = Rounds(functions, setups, target)
    for _ in range(rounds):
        timer.run()
    return timer.best


def best_seconds(fn, repeat=3):
    """The shortest of ``repeat`` wall-clock times, in seconds, of one call ``fn()`` (for calls too long to repeat)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def peak_bytes(fn):
    """Peak bytes allocated while ``fn()`` runs (tracemalloc: NumPy buffers and Python objects alike)."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def wall_time(command, **kwargs):
    """Seconds taken by ``command`` (a list) in a subprocess, and whether it succeeded."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, **kwargs)
    return time.perf_counter() - start, done.returncode == 0


def format_seconds(t):
    """``t`` seconds in µs, ms or s, whichever reads best: "12 µs", "3.4 ms", "1.20 s"."""
    return f"{t * 1e6:.0f} µs" if t < 1e-3 else f"{t * 1e3:.1f} ms" if t < 1 else f"{t:.2f} s"


# --- the machine ----------------------------------------------------------------------------------------


def blas_threads():
    """The number of threads NumPy's BLAS uses: from threadpoolctl if installed, else the environment."""
    try:
        from threadpoolctl import threadpool_info  # noqa: PLC0415 (optional)

        counts = [pool["num_threads"] for pool in threadpool_info() if pool.get("user_api") == "blas"]
        if counts:
            return counts[0]
    except ImportError:
        pass
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        if os.environ.get(var, "").isdigit():
            return int(os.environ[var])
    return os.cpu_count() or 1


def machine():
    """Lines describing where the numbers were measured."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        blas = f"{blas['name']} {blas['version']}"
    except Exception:  # older NumPy: no dicts  # noqa: BLE001
        blas = "BLAS"
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    return (f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}{load}\n"
            f"Python {platform.python_version()}, NumPy {np.__version__} with {blas}, {blas_threads()} BLAS threads")


def torch_version():
    """PyTorch's version, asked in a subprocess (so that this one never loads torch), or None without it."""
    done = subprocess.run([sys.executable, "-c", "import torch; print(torch.__version__)"], capture_output=True,
                          text=True)
    return done.stdout.strip() if done.returncode == 0 else None
