"""The benchmark: ``python -m minigrad_lr.bench`` (speed), ``... quality`` and ``... lr-free``.

    timing        interleaved timing rounds, peak memory, wall time, the machine and its BLAS threads
    step          table 1: one training step against its matrix products, and PyTorch's step
    finder_cost   tables 2-4: the range test's own work per step, the rules on long curves, peak memory
    speed         ``python -m minigrad_lr.bench``: prints those tables (``--all``: the demo and the tests too)
    quality       ``python -m minigrad_lr.bench quality``: every suggestion rule against a sweep, on four tasks
    lr_free       ``python -m minigrad_lr.bench lr-free``: the lr-free optimizers at their defaults, same yardstick

Nothing here is part of the library's API: the benchmark measures the library, and the README
quotes its tables.
"""
