"""The fast paths that issue 7 added (the benchmark's own tests are in tests/test_bench_*.py).

The fast paths are checked against the plain computations they replace, bit for bit where they do the
same arithmetic in another order of calls.
"""

import copy
from unittest import mock

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from minigrad_lr import optim
from minigrad_lr.losses import softmax_cross_entropy
from minigrad_lr.nn import MLP, Linear, ReLU
from minigrad_lr.optim import SGD, Adagrad, Adam, RMSProp

from strategies import arrays, lrs

# Extra strategy of this file: an optimizer with a non-default option or two, so every branch of each
# update (momentum, nesterov, weight decay, amsgrad, centered, lr decay) runs on the packed arrays.
optimizers = st.sampled_from([
    lambda p: SGD(p, lr=0.1),
    lambda p: SGD(p, lr=0.1, momentum=0.9, dampening=0.2, weight_decay=0.01),
    lambda p: SGD(p, lr=0.1, momentum=0.9, nesterov=True),
    lambda p: Adam(p, lr=0.01),
    lambda p: Adam(p, lr=0.01, amsgrad=True, weight_decay=0.01),
    lambda p: RMSProp(p, lr=0.01, centered=True, momentum=0.5),
    lambda p: RMSProp(p, lr=0.01, weight_decay=0.1),
    lambda p: Adagrad(p, lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1),
])


# --- the fast paths give the numbers of the plain ones -------------------------------------------------------


def unpacked_copy(model):
    """The same MLP with every parameter in an array of its own (what the optimizers see without packing)."""
    twin = copy.deepcopy(model)  # deepcopy copies each view into an array of its own
    for p in twin.parameters():
        p.data, p.grad = p.data.copy(), p.grad.copy()
    assert all(p.data.base is None for p in twin.parameters())
    return twin


@given(make=optimizers, step_lrs=st.lists(lrs, min_size=1, max_size=4), seed=st.integers(0, 2**16),
       block=st.sampled_from([optim.BLOCK, 1, 7]))
def test_packed_update_equals_per_parameter_update(make, step_lrs, seed, block):
    """Property: an optimizer on an MLP's packed parameters (one flat array, updated in blocks of any
    size) gives, bit for bit, the values and state it gives on the same parameters in separate arrays."""
    packed = MLP([3, 4, 2], seed=seed, dtype=np.float64)
    plain = unpacked_copy(packed)
    opt_packed, opt_plain = make(packed.parameters()), make(plain.parameters())
    assert opt_packed._packed is not None and opt_plain._packed is None
    rng = np.random.default_rng(seed)
    for lr in step_lrs:
        for p, q in zip(packed.parameters(), plain.parameters()):
            p.grad[...] = q.grad[...] = rng.standard_normal(p.data.shape)
        opt_packed.lr = opt_plain.lr = lr
        with mock.patch.object(optim, "BLOCK", block):  # 26 numbers: blocks of 7 leave a partial last one
            opt_packed.step()
        opt_plain.step()
    for p, q in zip(packed.parameters(), plain.parameters()):
        assert p.data.tobytes() == q.data.tobytes()
    for name, buffers in opt_packed.state_dict().items():
        if isinstance(buffers, list):
            assert [b.tobytes() for b in buffers] == [b.tobytes() for b in opt_plain.state_dict()[name]]


def test_mlp_packs_its_parameters_and_optimizer_falls_back_when_they_move():
    model = MLP([3, 4, 2], seed=0, dtype=np.float64)
    params = model.parameters()
    flat = params[0].data.base
    assert flat.shape == (3 * 4 + 4 + 4 * 2 + 2,) and all(p.data.base is flat for p in params)
    opt = SGD(params, lr=0.5)
    assert opt._packed is not None
    assert SGD(params[:2])._packed is None and SGD(params[::-1])._packed is None  # a part, or out of order
    params[0].data = params[0].data.copy()  # no longer a view of the flat array
    params[0].grad[...] = 1.0
    before = params[0].data.copy()
    opt.step()
    np.testing.assert_array_equal(params[0].data, before - 0.5)  # the moved array was updated
    opt.zero_grad()
    assert all(np.all(p.grad == 0) for p in params)


def test_load_state_dict_keeps_the_packing():
    model = MLP([3, 4, 2], seed=0)
    views = [(p.data, p.grad) for p in model.parameters()]
    model.load_state_dict(MLP([3, 4, 2], seed=1).state_dict())
    assert all(p.data is d and p.grad is g for p, (d, g) in zip(model.parameters(), views))
    opt = Adam(model.parameters())
    assert opt._packed is not None


@given(x=arrays(shape=(3, 4)), specials=st.lists(st.sampled_from([np.nan, np.inf, -np.inf, 0.0, -0.0]), max_size=4))
def test_relu_forward_equals_maximum_with_zero(x, specials):
    """Property: ReLU's forward (max against a row of zeros) equals np.maximum(x, 0), NaN and ±inf included."""
    x = x.copy()
    x.ravel()[: len(specials)] = specials
    np.testing.assert_array_equal(ReLU().forward(x), np.maximum(x, 0))


@given(logits=arrays(shape=(4, 3)), labels=st.lists(st.integers(0, 2), min_size=4, max_size=4),
       label_dtype=st.sampled_from([np.int64, np.uint64, np.uint8, np.int32]))
def test_cross_entropy_reads_any_memory_order_and_any_int_labels(logits, labels, label_dtype):
    """Property: flat indexing in softmax_cross_entropy gives the same loss and gradient for a Fortran-
    ordered copy of the logits and for labels of any integer dtype (uint64 + int64 would be float64)."""
    loss, grad = softmax_cross_entropy(logits, np.array(labels))
    loss_f, grad_f = softmax_cross_entropy(np.asfortranarray(logits), np.array(labels, dtype=label_dtype))
    assert loss_f == loss
    np.testing.assert_array_equal(grad_f, grad)
    assert grad_f.flags.c_contiguous


def test_parameter_views_behave_like_arrays():
    """Packing changes nothing a reader of a Parameter sees: values, shapes, dtypes, zero grads, in-place updates."""
    model = MLP([3, 4, 2], seed=0)
    rng = np.random.default_rng(0)  # the MLP draws W1, b1, W2, b2 from one generator, in this order
    layers = [Linear(3, 4, rng=rng, name="1"), Linear(4, 2, rng=rng, name="2")]
    for p, q in zip(model.parameters(), [p for layer in layers for p in layer.parameters()]):
        assert p.name == q.name and p.data.dtype == q.data.dtype == np.float32 and p.grad.shape == q.data.shape
        assert np.array_equal(p.data, q.data) and np.all(p.grad == 0)
    model.parameters()[0].data += 1
    assert np.array_equal(model.state_dict()["W1"], layers[0].W.data + 1)
