"""``python -m minigrad_lr.bench``: how fast is minigrad_lr, and where does the time go?

One run (about a minute) prints four tables; ``--all`` adds a fifth:

1. **One training step** (forward, softmax cross-entropy, zero_grad, backward, optimizer update) for
   SGD (momentum 0.9), Adam, RMSProp and Adagrad at three MLP shapes, float32 and float64, beside the
   **floor**: the same matrix multiplications alone, into preallocated outputs, on the same arrays —
   L products x @ W forward, L products xᵀ @ dout for the weight gradients and L − 1 products
   dout @ Wᵀ for the input gradients of every layer but the first (training skips that one). No
   implementation of the step can beat the floor with the same BLAS; ``step/floor`` is the cost of
   everything else (bias, ReLU, softmax, the update, Python). Then PyTorch's CPU step for the same
   architecture, batch and optimizer settings, if torch is installed (``TorchTwin``: timed in a child
   process, with ``torch.set_num_threads`` set to NumPy's BLAS thread count).
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
5. ``--all``: ``python -m minigrad_lr.demo`` end to end and the test suite's wall time (subprocesses).

Timing: each function is called ``number`` times in a row (about 20 ms in all) and this is repeated
for several rounds, *interleaved*: in every round the floor, each optimizer's step and so on take their
turn, so a burst of load from other programs hits all of them alike. The best round of each is
reported (the one least disturbed), in µs per call. Before every round, model and optimizer are put
back to the state they had after one warm-up step, so that no round trains longer than another.
Even so, read the numbers with the load average printed above and below the tables: with a core
busy elsewhere, a BLAS call split over two threads waits for the slower one, and times of large
products can double or worse; ``--rounds`` takes more samples.

Threads: NumPy's BLAS picks its thread count when NumPy is first imported, from an environment
variable; set it on the command line, e.g. ``OPENBLAS_NUM_THREADS=2 python -m minigrad_lr.bench``
(``OMP_NUM_THREADS`` for other BLAS builds, ``MKL_NUM_THREADS`` for MKL). Without it OpenBLAS uses every
core. The header line says what was used.
"""

import argparse
import itertools
import json
import os
import platform
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

from .finder import lr_range_test
from .losses import softmax_cross_entropy
from .nn import MLP, Linear
from .adaptive import Adagrad, Adam, RMSProp
from .optim import SGD
from .smoothing import ema
from .suggest import METHODS, RULES

SHAPES = (((64, 64, 10), 64), ((784, 256, 10), 128), ((784, 512, 512, 10), 256))  # (MLP sizes, batch size)
DTYPES = (np.float32, np.float64)
# Each optimizer with the settings the demo uses; PyTorch gets the same ones (see _torch_child).
OPTIMIZERS = {
    "SGD": lambda params: SGD(params, lr=0.01, momentum=0.9),
    "Adam": lambda params: Adam(params, lr=1e-3),
    "RMSProp": lambda params: RMSProp(params, lr=1e-2),
    "Adagrad": lambda params: Adagrad(params, lr=1e-2),
}
N_BATCHES = 8  # distinct random batches, taken in turn


# --- timing ----------------------------------------------------------------------------------------


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


# --- 1. one training step against its matmuls --------------------------------------------------------


def random_batches(sizes, batch_size, dtype, n=N_BATCHES, seed=0):
    """``n`` batches of uniform features in [0, 1) and random labels, as a list of (x, y)."""
    rng = np.random.default_rng(seed)
    return [(rng.random((batch_size, sizes[0])).astype(dtype), rng.integers(0, sizes[-1], size=batch_size))
            for _ in range(n)]


def training_step(model, optimizer, batches):
    """A function taking one step on the next batch, as the range test and ``fit`` take it."""
    batch_iter = itertools.cycle(batches)

    def step():
        x, y = next(batch_iter)
        loss, dout = softmax_cross_entropy(model(x), y)
        optimizer.zero_grad()
        model.backward(dout)
        optimizer.step()

    return step


def resetter(model, optimizer):
    """A function putting model and optimizer back to their current state (taken now, copied)."""
    model_state, optimizer_state = model.state_dict(), optimizer.state_dict()

    def reset():
        model.load_state_dict(model_state)
        optimizer.load_state_dict(optimizer_state)

    return reset


def matmul_floor(model, x):
    """A function doing only the matrix products of one training step of ``model`` on ``x``.

    Forward ``a_{l+1} = a_l @ W_l``; backward ``dW_l = a_lᵀ @ d_l`` for every layer and
    ``d_{l−1} = d_l @ W_lᵀ`` for all but the first, with d_L a fixed array of the scale of the
    gradient of the loss (entries ~ 1/N). The model's own weights and the batch itself are used, so the
    numbers are those of training (no overflow, no denormals); every output is preallocated.
    """
    Ws = [layer.W.data for layer in model.layers if isinstance(layer, Linear)]
    acts = [x] + [np.empty((len(x), W.shape[1]), W.dtype) for W in Ws]
    grads_W = [np.empty_like(W) for W in Ws]
    grads_in = [np.empty_like(a) for a in acts[:-1]]
    d_last = (np.random.default_rng(0).standard_normal(acts[-1].shape) / len(x)).astype(x.dtype)

    def floor():
        for layer, W in enumerate(Ws):  # forward
            np.matmul(acts[layer], W, out=acts[layer + 1])
        d = d_last
        for layer in reversed(range(len(Ws))):  # backward
            np.matmul(acts[layer].T, d, out=grads_W[layer])
            if layer > 0:
                d = np.matmul(d, Ws[layer].T, out=grads_in[layer])

    return floor


def shape_name(sizes, batch_size):
    return "-".join(map(str, sizes)) + f"@{batch_size}"


def step_table(shapes=SHAPES, dtypes=DTYPES, optimizers=tuple(OPTIMIZERS), rounds=9, torch=True):
    """One row per (shape, dtype, optimizer): step, floor and PyTorch's step, in µs.

    Returns
    -------
    list of dict with keys shape, dtype, optimizer, step, floor, ratio, torch (None without torch)
    """
    twin = TorchTwin(blas_threads()) if torch else None
    rows = []
    try:
        for sizes, batch_size in shapes:
            for dtype in dtypes:
                batches = random_batches(sizes, batch_size, dtype)
                functions, setups = {}, {}
                for name in optimizers:
                    model = MLP(list(sizes), seed=0, dtype=dtype)
                    optimizer = OPTIMIZERS[name](model.parameters())
                    functions[name] = training_step(model, optimizer, batches)
                    functions[name]()  # PyTorch creates its optimizer state in the first step: skip it on both sides
                    setups[name] = resetter(model, optimizer)
                functions["floor"] = matmul_floor(model, batches[0][0])
                ours = best_times(functions, rounds, setups=setups)
                theirs = twin.best_times(sizes, batch_size, dtype, optimizers, rounds) if twin else {}
                for name in optimizers:
                    rows.append({"shape": shape_name(sizes, batch_size), "dtype": np.dtype(dtype).name,
                                 "optimizer": name, "step": ours[name] * 1e6, "floor": ours["floor"] * 1e6,
                                 "ratio": ours[name] / ours["floor"], "torch": theirs.get(name)})
    finally:
        if twin:
            twin.close()
    return rows


def print_step_table(rows):
    print(f"{'MLP@batch':<20} {'dtype':<8} {'optimizer':<9} {'step µs':>9} {'floor µs':>9} {'step/floor':>10}"
          f" {'torch µs':>9} {'torch/step':>10}")
    for r in rows:
        torch = f"{r['torch']:>9.0f} {r['torch'] / r['step']:>10.2f}" if r["torch"] else f"{'-':>9} {'-':>10}"
        print(f"{r['shape']:<20} {r['dtype']:<8} {r['optimizer']:<9} {r['step']:>9.0f} {r['floor']:>9.0f}"
              f" {r['ratio']:>10.2f} {torch}")


class TorchTwin:
    """PyTorch's side of the step table, timed in a child process.

    The child builds the same architecture (Linear, ReLU, ..., Linear; PyTorch's default
    initialisation), takes the same batches, uses ``torch.nn.functional.cross_entropy`` and the
    ``torch.optim`` twin of each optimizer with the same settings, after ``torch.set_num_threads(threads)``.
    It is a separate process because two thread pools, OpenBLAS's for NumPy and OpenMP's for PyTorch,
    fight over the cores: after its work each keeps its threads spinning for a while, waiting for more.
    For the same reason the parent pauses for ``PAUSE`` seconds before and after the child's turn
    (measured here: without the pause, PyTorch's step at 784-512-512-10 took twice as long, and ours
    after it 40% longer). ``version`` is None when torch cannot be imported; ``best_times`` then returns {}.
    """

    PAUSE = 0.3  # s; OpenBLAS lets its idle threads spin for about 0.1 s before they sleep

    def __init__(self, threads):
        code = "from minigrad_lr.bench import _torch_child; _torch_child()"
        self.child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL, text=True)
        self.version = self._ask({"threads": threads}).get("version")

    def _ask(self, message):
        if self.child.poll() is not None:
            return {}
        try:
            self.child.stdin.write(json.dumps(message) + "\n")
            self.child.stdin.flush()
            return json.loads(self.child.stdout.readline() or "{}")
        except (BrokenPipeError, json.JSONDecodeError):
            return {}

    def __bool__(self):
        return self.version is not None

    def best_times(self, sizes, batch_size, dtype, optimizers, rounds):
        """PyTorch's best time per step, in µs, by optimizer name (``Rounds`` in the child)."""
        time.sleep(self.PAUSE)
        best = self._ask({"sizes": list(sizes), "batch_size": batch_size, "dtype": np.dtype(dtype).name,
                          "optimizers": list(optimizers), "rounds": rounds})
        time.sleep(self.PAUSE)
        return best

    def close(self):
        if self.child.poll() is None:
            self.child.stdin.close()
            self.child.wait()


def _torch_child():
    """The child process of ``TorchTwin``: answers each JSON line with one JSON line."""
    try:
        import torch  # noqa: PLC0415 (optional: only here)
    except ImportError:
        print("{}", flush=True)
        return
    make = {"SGD": lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9),
            "Adam": lambda p: torch.optim.Adam(p, lr=1e-3),
            "RMSProp": lambda p: torch.optim.RMSprop(p, lr=1e-2),
            "Adagrad": lambda p: torch.optim.Adagrad(p, lr=1e-2)}
    for line in sys.stdin:
        job = json.loads(line)
        if "threads" in job:
            torch.set_num_threads(job["threads"])
            print(json.dumps({"version": torch.__version__}), flush=True)
            continue
        sizes, dtype = job["sizes"], getattr(torch, job["dtype"])
        batches = [(torch.from_numpy(x), torch.from_numpy(y))
                   for x, y in random_batches(sizes, job["batch_size"], np.dtype(job["dtype"]))]
        functions, setups = {}, {}
        for name in job["optimizers"]:
            torch.manual_seed(0)
            layers = []
            for n_in, n_out in zip(sizes[:-1], sizes[1:]):
                layers += [torch.nn.Linear(n_in, n_out), torch.nn.ReLU()]
            model = torch.nn.Sequential(*layers[:-1]).to(dtype)
            optimizer = make[name](model.parameters())
            functions[name] = _torch_step(model, optimizer, batches)
            functions[name]()  # creates the optimizer's state
            setups[name] = _torch_resetter(model, optimizer)
        timer = Rounds(functions, setups)
        for _ in range(job["rounds"]):
            timer.run()
        print(json.dumps({name: t * 1e6 for name, t in timer.best.items()}), flush=True)


def _torch_step(model, optimizer, batches):
    import torch  # noqa: PLC0415

    batch_iter = itertools.cycle(batches)

    def step():
        x, y = next(batch_iter)
        loss = torch.nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    return step


def _torch_resetter(model, optimizer):
    import copy  # noqa: PLC0415

    model_state, optimizer_state = copy.deepcopy(model.state_dict()), copy.deepcopy(optimizer.state_dict())

    def reset():
        model.load_state_dict(model_state)
        optimizer.load_state_dict(optimizer_state)

    return reset


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
            best = float("inf")
            for _ in range(repeat):
                start = time.perf_counter()
                fn()
                best = min(best, time.perf_counter() - start)
            table[name].append(best)
    return table


def print_rules_table(table, sizes=(10**2, 10**4, 10**6)):
    print(f"{'rule':<16}" + "".join(f"{f'n = {n:.0e}':>13}" for n in sizes)
          + (f" {'growth':>8}" if len(sizes) > 1 else ""))
    for name, times in table.items():
        growth = f" {times[-1] / times[-2]:>7.0f}×" if len(times) > 1 else ""
        print(f"{name:<16}" + "".join(f"{_format_seconds(t):>13}" for t in times) + growth)


def _format_seconds(t):
    return f"{t * 1e6:.0f} µs" if t < 1e-3 else f"{t * 1e3:.1f} ms" if t < 1 else f"{t:.2f} s"


# --- 4. memory -------------------------------------------------------------------------------------


def peak_bytes(fn):
    """Peak bytes allocated while ``fn()`` runs (tracemalloc: NumPy buffers and Python objects alike)."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


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
    print(f"{'MLP@batch':<20} {'params MB':>10} {'Adam state MB':>14} {'step peak MB':>13} {'test peak MB':>13}"
          f" {'test peak/(params+state)':>25}")
    for r in rows:
        print(f"{r['shape']:<20} {r['params'] / 1e6:>10.3f} {r['state'] / 1e6:>14.3f} {r['step_peak'] / 1e6:>13.3f}"
              f" {r['peak'] / 1e6:>13.3f} {r['ratio']:>25.2f}")


# --- 5. the demo and the test suite ------------------------------------------------------------------------


def wall_time(command, **kwargs):
    """Seconds taken by ``command`` (a list) in a subprocess, and whether it succeeded."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, **kwargs)
    return time.perf_counter() - start, done.returncode == 0


def end_to_end(out_dir):
    """Wall times of the demo and, in a source checkout, of the test suite."""
    env = {**os.environ, "MPLBACKEND": "Agg"}
    rows = [("python -m minigrad_lr.demo", *wall_time([sys.executable, "-m", "minigrad_lr.demo", "--out", str(out_dir)],
                                                      env=env))]
    tests = Path(__file__).resolve().parent.parent / "tests"
    if tests.is_dir():
        rows.append(("pytest (the test suite)", *wall_time([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                                            str(tests)], env=env, cwd=tests.parent)))
    return rows


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
    done = subprocess.run([sys.executable, "-c", "import torch; print(torch.__version__)"], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else None


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["quality"]:  # `python -m minigrad_lr.bench quality ...`: the suggestion-quality tables
        from .sweep import quality_main  # noqa: PLC0415

        return quality_main(argv[1:])
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
    rows = step_table(rounds=args.rounds, torch=version is not None)
    print_step_table(rows)

    print("\n2. The range test's own work per step (100 steps), vs. an Adam float32 step\n")
    print_overhead_table(overhead_table(rounds=args.rounds, step_rows=rows))

    print("\n3. Smoothing and suggestion rules on curves of n points (best of 3)\n")
    print_rules_table(rules_table())

    print("\n4. Peak memory of a range test (float32, Adam, 20 steps)\n")
    print_memory_table(memory_table())

    if args.all:
        import tempfile  # noqa: PLC0415

        print("\n5. End to end (wall time, one run each)\n")
        with tempfile.TemporaryDirectory() as out_dir:
            for command, seconds, ok in end_to_end(out_dir):
                print(f"{command:<30} {seconds:>7.1f} s" + ("" if ok else "  (FAILED)"))
    if hasattr(os, "getloadavg"):
        print(f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
