"""``python -m minigrad_lr.bench``: how fast is one training step, compared with the floor?

The floor is the time of the matrix multiplications of one step done alone, with preallocated
outputs: for an MLP with L linear layers, L in the forward pass (x @ W), L for the weight gradients
(xᵀ @ dout) and L − 1 for the input gradients of every layer but the first (dout @ Wᵀ). No
implementation of the same step can beat it; the ratio step / floor is the Python and NumPy overhead
of everything else (bias, activation, softmax, optimizer update).

Timings are the best of several repeats (the least disturbed by other work on the machine), in
microseconds per step. Run it on your own machine after ``pip install .``.
"""

import argparse
import os
import platform
import timeit

import numpy as np

from .losses import softmax_cross_entropy
from .nn import MLP
from .optim import SGD, Adagrad, Adam, RMSProp

SHAPES = (((64, 64, 10), 64), ((784, 256, 10), 128), ((784, 512, 512, 10), 256))
OPTIMIZERS = {"SGD": lambda p: SGD(p, lr=0.01, momentum=0.9), "Adam": Adam, "RMSProp": RMSProp, "Adagrad": Adagrad}


def best_time(fn, number, repeat=7):
    """Best per-call time of ``fn`` in seconds over ``repeat`` runs of ``number`` calls."""
    fn()  # warm up: first-call allocations, BLAS thread start-up
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def random_batch(sizes, batch_size, dtype, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((batch_size, sizes[0])).astype(dtype)
    y = rng.integers(0, sizes[-1], size=batch_size)
    return x, y


def training_step(model, optimizer, x, y):
    """One step as the range test and ``fit`` take it: forward, loss, zero_grad, backward, update."""

    def step():
        loss, dout = softmax_cross_entropy(model(x), y)
        optimizer.zero_grad()
        model.backward(dout)
        optimizer.step()

    return step


def matmul_floor(sizes, batch_size, dtype):
    """A function doing only the matmuls of one step, into preallocated outputs."""
    rng = np.random.default_rng(0)
    x = rng.random((batch_size, sizes[0])).astype(dtype)
    Ws = [rng.random((i, o)).astype(dtype) for i, o in zip(sizes[:-1], sizes[1:])]
    acts = [x] + [np.empty((batch_size, o), dtype) for o in sizes[1:]]
    dWs = [np.empty_like(W) for W in Ws]
    dxs = [np.empty((batch_size, i), dtype) for i in sizes[:-1]]

    def floor():
        for layer, W in enumerate(Ws):  # forward
            np.matmul(acts[layer], W, out=acts[layer + 1])
        dout = acts[-1]
        for layer in reversed(range(len(Ws))):  # backward
            np.matmul(acts[layer].T, dout, out=dWs[layer])
            if layer > 0:
                np.matmul(dout, Ws[layer].T, out=dxs[layer])
                dout = dxs[layer]

    return floor


def step_table(optimizers=("Adam",), dtypes=(np.float32,), shapes=SHAPES):
    """Rows of (shape, dtype, optimizer, step µs, floor µs, ratio)."""
    rows = []
    for sizes, batch_size in shapes:
        number = max(10, 20000 // (batch_size * sum(sizes)) * 10)
        for dtype in dtypes:
            floor = best_time(matmul_floor(sizes, batch_size, dtype), number)
            x, y = random_batch(sizes, batch_size, dtype)
            for name in optimizers:
                model = MLP(list(sizes), seed=0, dtype=dtype)
                step = best_time(training_step(model, OPTIMIZERS[name](model.parameters()), x, y), number)
                rows.append(("-".join(map(str, sizes)) + f"@{batch_size}", np.dtype(dtype).name, name,
                             step * 1e6, floor * 1e6, step / floor))
    return rows


def print_step_table(rows):
    print(f"{'MLP@batch':<22} {'dtype':<8} {'optimizer':<9} {'step µs':>10} {'floor µs':>10} {'step/floor':>11}")
    for shape, dtype, name, step, floor, ratio in rows:
        print(f"{shape:<22} {dtype:<8} {name:<9} {step:>10.1f} {floor:>10.1f} {ratio:>11.2f}")


def machine():
    """One line about where the numbers were measured."""
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, NumPy {np.__version__}"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m minigrad_lr.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="every optimizer, float32 and float64")
    args = parser.parse_args(argv)
    print(f"One training step vs. its matmuls alone ({machine()})\n")
    if args.all:
        rows = step_table(optimizers=tuple(OPTIMIZERS), dtypes=(np.float32, np.float64))
    else:
        rows = step_table(shapes=SHAPES[:2])
    print_step_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
