"""The update rules written plainly, as independent oracles for the optimizer tests (one parameter, float64).

Each reference is the formula of the optimizer's docstring, line by line, with no in-place tricks, no
packing and no blocks. ``OPTIONS`` holds every option of every optimizer, at its default and at one
other value, in every combination.
"""

import itertools

import numpy as np

from minigrad_lr import SGD, Adagrad, Adam, Parameter, RMSProp


def combos(**choices):
    """Every combination of the given option values, as a list of dicts."""
    return [dict(zip(choices, values)) for values in itertools.product(*choices.values())]


# Every option of every optimizer, at its default and at one other value, in every combination.
OPTIONS = {
    SGD: [o for o in combos(momentum=[0.0, 0.9], dampening=[0.0, 0.3], nesterov=[False, True], weight_decay=[0.0, 0.05])
          if not o["nesterov"] or (o["momentum"] != 0 and o["dampening"] == 0)],
    Adam: combos(betas=[(0.9, 0.999), (0.5, 0.8)], eps=[1e-8, 1e-3], weight_decay=[0.0, 0.05], amsgrad=[False, True]),
    RMSProp: combos(alpha=[0.99, 0.5], eps=[1e-8, 1e-3], weight_decay=[0.0, 0.05], momentum=[0.0, 0.9],
                    centered=[False, True]),
    Adagrad: combos(lr_decay=[0.0, 0.1], weight_decay=[0.0, 0.05], initial_accumulator_value=[0.0, 0.5],
                    eps=[1e-10, 1e-3]),
}
CASES = [(cls, options) for cls, all_options in OPTIONS.items() for options in all_options]
CASE_IDS = [f"{cls.__name__}({', '.join(f'{k}={v}' for k, v in o.items())})" for cls, o in CASES]


SHAPES = [(3, 2), (4,)]


def make_params(rng, dtype=np.float64):
    return [Parameter(rng.standard_normal(shape).astype(dtype), f"p{i}") for i, shape in enumerate(SHAPES)]


def take_steps(opt, grads, lrs):
    """Set lr and every .grad, then step, once per entry; returns the parameters after each step."""
    history = []
    for lr, step_grads in zip(lrs, grads):
        opt.lr = lr
        for p, g in zip(opt.params, step_grads):
            p.grad[...] = g
        opt.step()
        history.append([p.data.copy() for p in opt.params])
    return history


def sgd_reference(theta, grads, lrs, momentum, dampening, nesterov, weight_decay):
    b, out = None, []
    for lr, grad in zip(lrs, grads):
        g = grad + weight_decay * theta
        if momentum == 0:
            d = g
        else:
            b = g if b is None else momentum * b + (1 - dampening) * g
            d = g + momentum * b if nesterov else b
        theta = theta - lr * d
        out.append(theta)
    return out


def adam_reference(theta, grads, lrs, betas, eps, weight_decay, amsgrad):
    (beta1, beta2), m, v, v_max, out = betas, 0.0, 0.0, 0.0, []
    for t, (lr, grad) in enumerate(zip(lrs, grads), start=1):
        g = grad + weight_decay * theta
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        v_max = np.maximum(v_max, v)
        m_hat = m / (1 - beta1**t)
        v_hat = (v_max if amsgrad else v) / (1 - beta2**t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
        out.append(theta)
    return out


def rmsprop_reference(theta, grads, lrs, alpha, eps, weight_decay, momentum, centered):
    v, g_avg, b, out = 0.0, 0.0, 0.0, []
    for lr, grad in zip(lrs, grads):
        g = grad + weight_decay * theta
        v = alpha * v + (1 - alpha) * g**2
        g_avg = alpha * g_avg + (1 - alpha) * g
        v_tilde = v - g_avg**2 if centered else v
        if momentum > 0:
            b = momentum * b + g / (np.sqrt(v_tilde) + eps)
            theta = theta - lr * b
        else:
            theta = theta - lr * g / (np.sqrt(v_tilde) + eps)
        out.append(theta)
    return out


def adagrad_reference(theta, grads, lrs, lr_decay, weight_decay, initial_accumulator_value, eps):
    s, out = initial_accumulator_value, []
    for t, (lr, grad) in enumerate(zip(lrs, grads), start=1):
        g = grad + weight_decay * theta
        lr_t = lr / (1 + (t - 1) * lr_decay)
        s = s + g**2
        theta = theta - lr_t * g / (np.sqrt(s) + eps)
        out.append(theta)
    return out


REFERENCES = {SGD: sgd_reference, Adam: adam_reference, RMSProp: rmsprop_reference, Adagrad: adagrad_reference}


def scalar_run(opt_class, grads, step_lrs, theta0=1.0, **options):
    p = Parameter(np.array([theta0]), "w")
    return [h[0][0] for h in take_steps(opt_class([p], **options), [[np.array([g])] for g in grads], step_lrs)]
