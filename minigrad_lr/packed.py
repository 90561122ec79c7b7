"""The one module where speed machinery lives: a model's parameters side by side in one flat array.

What it does
------------
``pack(params)`` moves the values of a list of parameters into one flat array, and their gradients
into another, in order. Each ``p.data`` and ``p.grad`` becomes a view, with its own shape, of a slice
of the flat array (PyTorch's ``parameters_to_vector`` the other way round). Code that reads a
parameter or updates it in place sees no difference: an ``MLP`` packs its parameters when it is built.

An optimizer's update is elementwise, so it can then run on the flat arrays: ``zeros_like_params``
gives its buffers the same layout, and ``groups`` hands it the whole model as a few long arrays
(blocks of ``BLOCK`` numbers) instead of one short array per parameter. The formula of each update
is written once, in ``optim.py``, and is the same numbers either way (the tests prove it bit for bit).

Why
---
Every NumPy call costs a few µs whatever the size of its arrays. A 64-64-10 MLP has four parameter
arrays, so each line of Adam's formula costs four calls per step on separate arrays and one on a flat
array: on such a small model the fixed costs, not the arithmetic, are most of an update.
Blocks of ``BLOCK`` numbers keep a large model's arrays in the CPU's cache through the dozen passes of
one update, instead of streaming megabytes from memory on every pass.

What it buys
------------
``python -m minigrad_lr.bench`` (its table 5, "the fast path") times one optimizer update on
per-parameter arrays, on the flat arrays in one piece and in blocks, for each benchmark shape; the
README's Performance section gives the table.
"""

import numpy as np

BLOCK = 2**16  # numbers per block of an update: 256 KB per array in float32, small enough for the cache


def flat_views(flat, params):
    """``[flat[start:stop].reshape(p.data.shape) for each p]``: consecutive slices shaped like ``params``."""
    views, start = [], 0
    for p in params:
        stop = start + p.data.size
        views.append(flat[start:stop].reshape(p.data.shape))
        start = stop
    return views


def pack(params):
    """Move the values of ``params`` into one flat array and their gradients into another, in order.

    Afterwards ``p.data`` and ``p.grad`` are views of consecutive slices of the two flat arrays, with
    unchanged contents, shapes and dtypes.
    """
    data = np.concatenate([p.data.ravel() for p in params])
    grad = np.concatenate([p.grad.ravel() for p in params])
    for p, d, g in zip(params, flat_views(data, params), flat_views(grad, params)):
        p.data, p.grad = d, g


def packed_arrays(params):
    """``(values, gradients)``, two lists of views, if ``params`` are exactly the views ``pack`` makes, else None.

    That is: the values (and the gradients) tile one flat, contiguous, writable array (their ``.base``)
    with consecutive slices shaped like the parameters, in order and with nothing left over.
    """
    packed = ([p.data for p in params], [p.grad for p in params])
    for arrays in packed:
        flat = arrays[0].base
        if not (isinstance(flat, np.ndarray) and flat.ndim == 1 and flat.flags.c_contiguous and flat.flags.writeable
                and flat.size == sum(a.size for a in arrays)):
            return None
        expected = flat_views(flat, params)
        if any(a.base is not flat or a.__array_interface__ != e.__array_interface__ for a, e in zip(arrays, expected)):
            return None
    return packed


def zeros_like_params(params, packed):
    """One zero array per parameter (its shape and dtype); views of one flat array when ``packed``."""
    if packed is None:
        return [np.zeros_like(p.data) for p in params]
    return flat_views(np.zeros_like(packed[0][0].base), params)


def groups(params, packed, arrays):
    """Split the arrays of an update into the groups that one NumPy call per formula line handles.

    Parameters
    ----------
    params : list of Parameter
    packed : the ``packed_arrays(params)`` seen when the optimizer was built, or None
    arrays : dict of str to list of ndarray
        Each entry one array per parameter, in the order of ``params`` (values, gradients, buffers,
        scratch), or an empty list for a buffer that is not in use. Its ``"theta"`` entry holds the values.

    Returns
    -------
    list of dict of str to ndarray
        While the parameters are still the very views ``pack`` made, blocks of ``BLOCK`` consecutive numbers
        of the flat arrays that every view (of the values, the buffers and the scratch alike) is a slice of:
        a small model is one block. Otherwise (code replaced a parameter's array), one group per parameter.
    """
    still_packed = packed is not None and all(
        p.data is d and p.grad is g for p, d, g in zip(params, *packed))
    if not still_packed:
        return [{name: views[i] for name, views in arrays.items() if views} for i in range(len(params))]
    flat = {name: views[0].base for name, views in arrays.items() if views}
    return [{name: a[i:i + BLOCK] for name, a in flat.items()} for i in range(0, flat["theta"].size, BLOCK)]
