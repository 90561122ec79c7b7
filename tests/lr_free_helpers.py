"""What the tests of the learning-rate-free optimizers share: a small MLP, fixed batches, a run beside a package.

The runs beside the authors' PyTorch packages feed both optimizers the same gradients, those of our
MLP at our parameters, so that only the optimizer arithmetic is compared. The torch tensors take the
shapes of our parameters (W is (in, out) here, where torch.nn.Linear would store (out, in)), so that
flattening, which Prodigy's slice_p reads, visits the entries in the same order.
"""

import inspect
import math

import numpy as np

from minigrad_lr.losses import softmax_cross_entropy
from minigrad_lr.nn import MLP

STEPS = 40
TOLERANCE = 1e-10  # float64: the packages' arithmetic, in the same order, agrees to rounding (about 1e-15)


def mlp_and_batches(dtype=np.float64, steps=STEPS, seed=0):
    """``MLP([8, 16, 4])`` and a fixed list of ``steps`` batches of 16 (x, labels) drawn from 64 points."""
    model = MLP([8, 16, 4], dtype=dtype, seed=seed)
    rng = np.random.default_rng(seed)
    X, y = rng.standard_normal((64, 8)), rng.integers(0, 4, size=64)
    picks = [rng.choice(64, size=16, replace=False) for _ in range(steps)]
    return model, [(X[i], y[i]) for i in picks]


def train(model, optimizer, batches, lrs=None):
    """One step per batch, with ``lrs[i]`` as the lr of step i if given."""
    for i, (x, labels) in enumerate(batches):
        if lrs is not None:
            optimizer.lr = lrs[i]
        _, dlogits = softmax_cross_entropy(model(x), labels)
        optimizer.zero_grad()
        model.backward(dlogits)
        optimizer.step()


def relative_difference(ours, theirs):
    """max |ours − theirs| / max |theirs| (the plain difference where theirs is 0; inf if anything is not finite)."""
    ours, theirs = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    if not (np.all(np.isfinite(ours)) and np.all(np.isfinite(theirs))):
        return math.inf
    difference, scale = np.max(np.abs(ours - theirs)), np.max(np.abs(theirs))
    return float(difference / scale if scale > 0 else difference)


def worst_difference_with_package(torch, cls, package_cls, step_size, package_step_size, options, lrs=None):
    """Run ``cls`` and ``package_cls(**options)`` side by side for ``STEPS`` steps on the same gradients.

    Returns the worst relative difference, over every step, of each parameter and of the step size
    (``step_size(ours)`` against ``package_step_size(theirs)``).
    """
    model, batches = mlp_and_batches()
    params = model.parameters()
    tensors = [torch.tensor(p.data.copy(), requires_grad=True) for p in params]
    ours, theirs = cls(params, **options), package_cls(tensors, **options)
    worst = 0.0
    for i, (x, labels) in enumerate(batches):
        if lrs is not None:
            ours.lr = lrs[i]
            for group in theirs.param_groups:
                group["lr"] = lrs[i]
        _, dlogits = softmax_cross_entropy(model(x), labels)
        ours.zero_grad()
        model.backward(dlogits)
        for p, tensor in zip(params, tensors):
            tensor.grad = torch.tensor(p.grad.copy())
        ours.step()
        theirs.step()
        differences = [relative_difference(p.data, q.detach().numpy()) for p, q in zip(params, tensors)]
        differences.append(relative_difference(step_size(ours), float(package_step_size(theirs))))
        worst = max(worst, *differences)
    return worst


def signature_of(cls, left_out=()):
    """``[(name, default), ...]`` of ``cls.__init__``'s arguments after params, in order, without ``left_out``."""
    arguments = list(inspect.signature(cls.__init__).parameters.values())[2:]  # after self, params
    return [(a.name, a.default) for a in arguments if a.name not in left_out]
