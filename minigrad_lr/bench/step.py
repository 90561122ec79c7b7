"""Table 1 of ``python -m minigrad_lr.bench``: one training step against its matrix products, and PyTorch's.

One training step (forward, softmax cross-entropy, zero_grad, backward, optimizer update) for SGD
(momentum 0.9), Adam, RMSProp and Adagrad at three MLP shapes, float32 and float64, beside the
**floor**: the same matrix multiplications alone, into preallocated outputs, on the same arrays —
L products x @ W forward, L products xᵀ @ dout for the weight gradients and L − 1 products
dout @ Wᵀ for the input gradients of every layer but the first (training skips that one). No
implementation of the step can beat the floor with the same BLAS; ``step/floor`` is the cost of
everything else (bias, ReLU, softmax, the update, Python). Then PyTorch's CPU step for the same
architecture, batch and optimizer settings, if torch is installed (``TorchTwin``: timed in a child
process, with ``torch.set_num_threads`` set to NumPy's BLAS thread count).

Before every round (``timing.Rounds``), model and optimizer are put back to the state they had after
one warm-up step, so that no round trains longer than another.
"""

import itertools
import json
import subprocess
import sys
import time

import numpy as np

from ..adaptive import Adagrad, Adam, RMSProp
from ..losses import softmax_cross_entropy
from ..nn import MLP, Linear
from ..optim import SGD
from .timing import Rounds, best_times, blas_threads

SHAPES = (((64, 64, 10), 64), ((784, 256, 10), 128), ((784, 512, 512, 10), 256))  # (MLP sizes, batch size)
DTYPES = (np.float32, np.float64)
# Each optimizer timed, with the settings the demo uses; PyTorch gets the same ones (see torch_child).
TIMED_OPTIMIZERS = {
    "SGD": lambda params: SGD(params, lr=0.01, momentum=0.9),
    "Adam": lambda params: Adam(params, lr=1e-3),
    "RMSProp": lambda params: RMSProp(params, lr=1e-2),
    "Adagrad": lambda params: Adagrad(params, lr=1e-2),
}
N_BATCHES = 8  # distinct random batches, taken in turn


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
    """The row label of a shape: MLP sizes joined by dashes, then @batch size, e.g. 64-64-10@64."""
    return "-".join(map(str, sizes)) + f"@{batch_size}"


def step_table(shapes=SHAPES, dtypes=DTYPES, optimizers=tuple(TIMED_OPTIMIZERS), rounds=9, torch=True):
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
                    optimizer = TIMED_OPTIMIZERS[name](model.parameters())
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
    """Print the rows of ``step_table``; '-' in the PyTorch columns without torch."""
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
        code = "from minigrad_lr.bench.step import torch_child; torch_child()"
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


def torch_child():
    """The child process of ``TorchTwin``: answers each JSON line on stdin with one JSON line on stdout."""
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
