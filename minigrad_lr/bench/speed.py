"""``python -m minigrad_lr.bench``: how fast is minigrad_lr, and where does the time go?

One run (about a minute) prints five tables; ``--all`` adds a sixth:

1. one training step against its matrix products alone, and PyTorch's step (``step``);
2. the range test's own work per step, 3. the suggestion rules on long curves, 4. the peak memory of
   a range test (``finder_cost``);
5. the fast path: an optimizer update on per-parameter arrays, packed whole and in blocks (``packing``);
6. ``--all``: ``python -m minigrad_lr.demo`` end to end and the test suite's wall time (subprocesses).

How the times are taken, and how to set the BLAS thread count: ``timing``.
"""

import argparse
import os
import sys
from pathlib import Path

from . import finder_cost, packing, step
from .timing import blas_threads, machine, torch_version, wall_time


def end_to_end(out_dir):
    """Wall times of the demo and, in a source checkout, of the test suite."""
    env = {**os.environ, "MPLBACKEND": "Agg"}
    demo = [sys.executable, "-m", "minigrad_lr.demo", "--out", str(out_dir)]
    rows = [("python -m minigrad_lr.demo", *wall_time(demo, env=env))]
    tests = Path(__file__).resolve().parents[2] / "tests"
    if tests.is_dir():
        pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tests)]
        rows.append(("pytest (the test suite)", *wall_time(pytest, env=env, cwd=tests.parent)))
    return rows


def main(argv=None):
    """``python -m minigrad_lr.bench [--all] [--rounds N] [--no-torch]``: print the tables; returns 0."""
    parser = argparse.ArgumentParser(
        prog="python -m minigrad_lr.bench",
        description="Time minigrad_lr: training steps against their matmuls (and PyTorch, if installed), "
        "the range test's own work, the suggestion rules on long curves, and peak memory. About a minute. "
        "`python -m minigrad_lr.bench quality --help`: how good the suggestion rules are (several minutes).",
        epilog="Set the BLAS thread count before NumPy starts, e.g. OPENBLAS_NUM_THREADS=2 python -m minigrad_lr.bench "
        "(OMP_NUM_THREADS or MKL_NUM_THREADS for other builds); PyTorch is given the same count.",
    )
    parser.add_argument("--all", action="store_true",
                        help="also run `python -m minigrad_lr.demo` and the test suite (pytest) and report their wall "
                        "times; adds a minute or two")
    parser.add_argument("--rounds", type=int, default=9, help="interleaved timing rounds; the best counts (default: 9)")
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch even if it is installed")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error(f"--rounds must be >= 1, got {args.rounds}")

    print(machine())
    version = None if args.no_torch else torch_version()
    print(f"PyTorch {version} on the CPU, {blas_threads()} threads" if version else "PyTorch: not installed or skipped")

    print("\n1. One training step (forward, loss, zero_grad, backward, update) vs. its matmuls alone (floor)\n")
    rows = step.step_table(rounds=args.rounds, torch=version is not None)
    step.print_step_table(rows)

    print("\n2. The range test's own work per step (100 steps), vs. an Adam float32 step\n")
    finder_cost.print_overhead_table(finder_cost.overhead_table(rounds=args.rounds, step_rows=rows))

    print("\n3. Smoothing and suggestion rules on curves of n points (best of 3)\n")
    finder_cost.print_rules_table(finder_cost.rules_table())

    print("\n4. Peak memory of a range test (float32, Adam, 20 steps)\n")
    finder_cost.print_memory_table(finder_cost.memory_table())

    print("\n5. The fast path (packed.py): one optimizer update, float32, per-parameter arrays vs packed\n")
    packing.print_packing_table(packing.packing_table(rounds=args.rounds))

    if args.all:
        import tempfile  # noqa: PLC0415

        print("\n6. End to end (wall time, one run each)\n")
        with tempfile.TemporaryDirectory() as out_dir:
            for command, seconds, ok in end_to_end(out_dir):
                print(f"{command:<30} {seconds:>7.1f} s" + ("" if ok else "  (FAILED)"))
    if hasattr(os, "getloadavg"):
        print(f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0
