"""Tables 2 to 4 of ``python -m minigrad_lr.bench``: what the range test itself costs, beside training.

2. **The range test's own work per step**, as a fraction of the Adam step. Its bookkeeping (lr
   schedule and setter, float conversions, smoothing, stop rule, recording, batch accuracy, the state
   snapshot and its restore, amortised over the test's 100 steps) is a few µs against hundreds, too
   small to see as the difference of two timings of real runs, which wobble by more than that.
   So it is measured directly: ``lr_range_test`` runs with a model, loss and optimizer that do no
   arithmetic (the model returns a fixed output, backward and step do nothing; the snapshot still
   copies the real parameters and Adam state), minus a plain loop making the same do-nothing calls
   on the same batches. The difference is exactly the test's own work.
3. **Smoothing and every suggestion rule** on curves of 10², 10⁴ and 10⁶ points; the last column is
   the growth from 10⁴ to 10⁶ (100 for a linear cost, ~150 for n log n, 10,000 for n²).
4. **Peak memory of a range test** (tracemalloc: every NumPy buffer and Python object allocated during
   the call) relative to the model's parameters plus the optimizer's state.
"""

import itertools

import numpy as np

from ..adaptive import Adam
from ..finder import lr_range_test
from ..nn import MLP
from ..smoothing import ema
from ..suggest import METHODS, RULES
from .step import SHAPES, random_batches, shape_name, training_step
from .timing import best_seconds, best_times, format_seconds, peak_bytes

# --- 2. the range test's own work --------------------------------------------------------------------


class _IdleModel:
    """Looks like ``model`` to the range test (same parameters, same output shape) but computes nothing."""

    def __init__(self, model, output):
        self.model, self.output = model, output

    def __call__(self, x):
        return self.output

    def backward(self, dout):
        return None

    def parameters(self):
        return self.model.parameters()


class _IdleAdam(Adam):
    """A real Adam (real state, so the snapshot copies as much) whose zero_grad and step do nothing."""

    def zero_grad(self):
        pass

    def step(self):
        pass


def _idle_loss(output, y):
    return 1.0, output


def overhead_table(shapes=SHAPES, num_iter=100, rounds=9, step_rows=None):
    """The range test's own work per step (µs), and as a fraction of the Adam float32 step.

    Parameters
    ----------
    step_rows : list of dict, optional
        Rows of ``step_table``; the Adam float32 step of each shape is read from them (else timed here).

    Returns
    -------
    list of dict with keys shape, overhead (µs per step), step (µs), fraction
    """
    steps = {(r["shape"], r["optimizer"], r["dtype"]): r["step"] for r in step_rows or []}
    rows = []
    for sizes, batch_size in shapes:
        batches = random_batches(sizes, batch_size, np.float32)
        model = MLP(list(sizes), seed=0)
        idle_model = _IdleModel(model, model(batches[0][0]))
        idle_optimizer = _IdleAdam(model.parameters())
        batch_iter = itertools.cycle(batches)

        def range_test():
            lr_range_test(idle_model, idle_optimizer, batch_iter, loss=_idle_loss, num_iter=num_iter, stop_factor=None)

        def plain_loop():  # the same calls, without the range test around them
            for _ in range(num_iter):
                x, y = next(batch_iter)
                _, dout = _idle_loss(idle_model(x), y)
                idle_optimizer.zero_grad()
                idle_model.backward(dout)
                idle_optimizer.step()

        times = best_times({"range_test": range_test, "plain_loop": plain_loop}, rounds)
        overhead = (times["range_test"] - times["plain_loop"]) / num_iter * 1e6
        name = shape_name(sizes, batch_size)
        step = steps.get((name, "Adam", "float32"))
        if step is None:
            model = MLP(list(sizes), seed=0)
            step = best_times({"step": training_step(model, Adam(model.parameters()), batches)}, rounds)["step"] * 1e6
        rows.append({"shape": name, "overhead": overhead, "step": step, "fraction": overhead / step})
    return rows


def print_overhead_table(rows):
    """Print the rows of ``overhead_table``."""
    print(f"{'MLP@batch':<20} {'test µs/step':>12} {'Adam step µs':>12} {'fraction':>9}")
    for r in rows:
        print(f"{r['shape']:<20} {r['overhead']:>12.2f} {r['step']:>12.0f} {r['fraction']:>9.2%}")


# --- 3. suggestion rules on long curves ----------------------------------------------------------------


def range_test_curve(n, seed=0):
    """A synthetic range-test curve of ``n`` points: (lrs, raw losses), flat, then falling, then exploding."""
    rng = np.random.default_rng(seed)
    lrs = np.geomspace(1e-7, 10.0, n)
    u = np.linspace(0.0, 1.0, n)  # position on the log-lr axis
    fall = 2.0 / (1.0 + np.exp(-(u - 0.5) / 0.05))  # the loss falls by 2 around the middle
    rise = 50.0 * np.maximum(u - 0.8, 0.0) ** 2
    losses = 2.5 - fall + rise + 0.05 * rng.standard_normal(n)
    return lrs, np.abs(losses)


def rules_table(sizes=(10**2, 10**4, 10**6), repeat=3):
    """Seconds taken by ``ema`` and by each rule (on the smoothed curve; sma_derivative on the raw one).

    Returns
    -------
    dict of str to list of float, one time per size
    """
    table = {name: [] for name in ("ema", *METHODS)}
    for n in sizes:
        lrs, losses = range_test_curve(n)
        smoothed = ema(losses)
        functions = {"ema": lambda: ema(losses)}
        for method in METHODS:
            curve = losses if method == "sma_derivative" else smoothed
            functions[method] = lambda rule=RULES[method], curve=curve: rule(lrs, curve)
        for name, fn in functions.items():
            table[name].append(best_seconds(fn, repeat))
    return table


def print_rules_table(table, sizes=(10**2, 10**4, 10**6)):
    """Print ``rules_table``'s times, one row per rule, and the growth over the last two sizes."""
    print(f"{'rule':<16}" + "".join(f"{f'n = {n:.0e}':>13}" for n in sizes)
          + (f" {'growth':>8}" if len(sizes) > 1 else ""))
    for name, times in table.items():
        growth = f" {times[-1] / times[-2]:>7.0f}×" if len(times) > 1 else ""
        print(f"{name:<16}" + "".join(f"{format_seconds(t):>13}" for t in times) + growth)


# --- 4. memory -------------------------------------------------------------------------------------


def memory_table(shapes=SHAPES, num_iter=20):
    """Peak bytes allocated by a range test (float32, Adam), against parameters + optimizer state.

    The step's own peak (activations and gradients of one batch) is given beside it: it is part of
    the test's peak, and it grows with the batch, not with the model. A first short test runs before
    measuring, so that one-time allocations (imports, caches) are not counted.

    Returns
    -------
    list of dict with keys shape, params, state, step_peak, peak (bytes) and ratio (peak / (params + state))
    """
    rows = []
    for sizes, batch_size in shapes:
        model = MLP(list(sizes), seed=0)
        optimizer = Adam(model.parameters())
        batches = random_batches(sizes, batch_size, np.float32)
        params = sum(p.data.nbytes for p in model.parameters())
        state = sum(b.nbytes for buffers in optimizer.state.values() for b in buffers)
        step = training_step(model, optimizer, batches)
        step()
        lr_range_test(model, optimizer, itertools.cycle(batches), num_iter=2)  # warm up
        step_peak = peak_bytes(step)
        peak = peak_bytes(lambda: lr_range_test(model, optimizer, itertools.cycle(batches), num_iter=num_iter,
                                                stop_factor=None))
        rows.append({"shape": shape_name(sizes, batch_size), "params": params, "state": state,
                     "step_peak": step_peak, "peak": peak, "ratio": peak / (params + state)})
    return rows


def print_memory_table(rows):
    """Print the rows of ``memory_table``, in MB."""
    print(f"{'MLP@batch':<20} {'params MB':>10} {'Adam state MB':>14} {'step peak MB':>13} {'test peak MB':>13}"
          f" {'test peak/(params+state)':>25}")
    for r in rows:
        print(f"{r['shape']:<20} {r['params'] / 1e6:>10.3f} {r['state'] / 1e6:>14.3f} {r['step_peak'] / 1e6:>13.3f}"
              f" {r['peak'] / 1e6:>13.3f} {r['ratio']:>25.2f}")
