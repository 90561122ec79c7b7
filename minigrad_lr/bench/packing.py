"""The benchmark behind ``packed.py``: what packing the parameters and updating them in blocks buys.

For each benchmark shape (float32), one optimizer update (``optimizer.step()``, gradients already in
place) is timed three ways on the same numbers:

- *per parameter*: each parameter in an array of its own, one NumPy call per formula line per parameter;
- *packed, whole*: the flat arrays of ``packed.pack`` updated in one piece (``BLOCK`` set beyond their size);
- *packed, blocks*: the flat arrays in blocks of ``packed.BLOCK`` numbers, as the optimizers run them.
"""

import copy

import numpy as np

from .. import packed
from ..adaptive import Adam
from ..nn import MLP
from ..optim import SGD
from .step import SHAPES, shape_name
from .timing import best_times

OPTIMIZERS = {"SGD m=0.9": lambda p: SGD(p, lr=1e-3, momentum=0.9), "Adam": lambda p: Adam(p)}
WHOLE = 2**62  # a block larger than any model: the flat arrays in one piece


def per_parameter_copy(model):
    """The same MLP with every parameter in an array of its own (what an optimizer sees without packing)."""
    twin = copy.deepcopy(model)
    for p in twin.parameters():
        p.data, p.grad = p.data.copy(), p.grad.copy()
    return twin


def update(optimizer, block):
    """A function taking one ``optimizer.step()`` with ``packed.BLOCK`` set to ``block`` (None: as it is)."""
    def step():
        saved = packed.BLOCK
        packed.BLOCK = saved if block is None else block
        try:
            optimizer.step()
        finally:
            packed.BLOCK = saved
    return step


def packing_table(shapes=SHAPES, optimizers=tuple(OPTIMIZERS), rounds=9):
    """One row per (shape, optimizer): the update's time in µs per parameter, packed whole and in blocks."""
    rows = []
    for sizes, batch_size in shapes:
        functions = {}
        for name in optimizers:
            model = MLP(list(sizes), seed=0, dtype=np.float32)
            rng = np.random.default_rng(0)
            for p in model.parameters():
                p.grad[...] = rng.standard_normal(p.grad.shape) * 1e-3
            plain = per_parameter_copy(model)
            functions[name, "per parameter"] = update(OPTIMIZERS[name](plain.parameters()), None)
            packed_optimizer = OPTIMIZERS[name](model.parameters())
            functions[name, "whole"] = update(packed_optimizer, WHOLE)
            functions[name, "blocks"] = update(packed_optimizer, None)
        best = best_times(functions, rounds)
        n_params = sum(p.data.size for p in model.parameters())
        for name in optimizers:
            times = {way: best[name, way] * 1e6 for way in ("per parameter", "whole", "blocks")}
            rows.append({"shape": shape_name(sizes, batch_size), "params": n_params, "optimizer": name, **times})
    return rows


def print_packing_table(rows):
    """Print the rows of ``packing_table``, with the speed-ups over the per-parameter update."""
    print(f"{'MLP@batch':<20} {'params':>8} {'optimizer':<10} {'per param µs':>13} {'whole µs':>9} "
          f"{'blocks µs':>10} {'whole ×':>8} {'blocks ×':>9}")
    for r in rows:
        print(f"{r['shape']:<20} {r['params']:>8} {r['optimizer']:<10} {r['per parameter']:>13.1f} "
              f"{r['whole']:>9.1f} {r['blocks']:>10.1f} {r['per parameter'] / r['whole']:>8.2f} "
              f"{r['per parameter'] / r['blocks']:>9.2f}")
