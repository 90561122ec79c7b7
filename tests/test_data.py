"""Tests of minigrad_lr.data: bundled digits, spirals, the mini-batch iterator, MNIST's IDX files."""

import gzip
import hashlib
import itertools
import struct

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from minigrad_lr.data import batches, load_digits, load_mnist, make_spirals, train_val_split

# Extra strategies (local to this file): a data-set size and a batch size that may exceed it.
sizes = st.integers(min_value=1, max_value=60)
batch_sizes = st.integers(min_value=1, max_value=70)


def take_epochs(it, n, batch_size, drop_last, epochs):
    """The batches of ``epochs`` whole epochs of ``it``, as a list of lists of (xb, yb)."""
    per_epoch = n // batch_size if drop_last else -(-n // batch_size)
    return [list(itertools.islice(it, per_epoch)) for _ in range(epochs)]


def indexed_data(n, dtype=np.float64):
    """X whose row i is (i, -i), y = i: a batch tells which samples it holds."""
    i = np.arange(n)
    return np.stack([i, -i], axis=1).astype(dtype), i.copy()


# ---------------------------------------------------------------- load_digits
# Numbers from the source file digits.csv.gz (sha256 09f66e6d...aa22, scikit-learn 1.9.1 wheel), counted
# when digits.npz was built; the class counts are also those UCI publishes for optdigits.tes.
DIGITS_CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
DIGITS_X_SHA256 = "8f26b2bd9d135c256808f68f14fdabddde6d9c7f869ae419704b051f0f14b3b3"
DIGITS_Y_SHA256 = "8ba4f891220f5e4c9c819638d1602d74b83618f167043c6da52a2a247841ddf0"
# First line of digits.csv.gz: 64 block counts, then the label 0.
DIGITS_FIRST_ROW = [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0, 0, 3, 15, 2, 0, 11, 8, 0, 0, 4, 12, 0, 0,
                    8, 8, 0, 0, 5, 8, 0, 0, 9, 8, 0, 0, 4, 11, 0, 1, 12, 7, 0, 0, 2, 14, 5, 10, 12, 0, 0, 0, 0, 6,
                    13, 10, 0, 0, 0]


def test_digits_shape_dtype_range():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float32
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert np.array_equal(X * 16, np.round(X * 16))  # counts 0..16 divided by 16


def test_digits_labels_and_class_counts_match_the_source():
    _, y = load_digits()
    assert np.bincount(y, minlength=10).tolist() == DIGITS_CLASS_COUNTS
    assert y.min() == 0 and y.max() == 9


def test_digits_content_matches_the_source_checksums():
    X, y = load_digits()
    assert X[0].tolist() == [v / 16 for v in DIGITS_FIRST_ROW] and y[0] == 0
    counts = np.round(X * 16).astype(np.uint8)
    assert hashlib.sha256(counts.tobytes()).hexdigest() == DIGITS_X_SHA256
    assert hashlib.sha256(y.astype(np.uint8).tobytes()).hexdigest() == DIGITS_Y_SHA256


def test_digits_returns_new_arrays_each_call():
    X, y = load_digits()
    X[:] = -1.0
    y[:] = -1
    X2, y2 = load_digits()
    assert X2.min() == 0.0 and y2.min() == 0


# ---------------------------------------------------------------- make_spirals
def test_spirals_shape_dtype_labels():
    X, y = make_spirals(n_per_class=50, n_classes=4, noise=0.1, seed=3)
    assert X.shape == (200, 2) and X.dtype == np.float32
    assert y.shape == (200,) and y.dtype == np.int64
    assert y.tolist() == [j for j in range(4) for _ in range(50)]


def test_spirals_same_seed_same_points_different_seeds_differ():
    a, ya = make_spirals(seed=7)
    b, yb = make_spirals(seed=7)
    c, _ = make_spirals(seed=8)
    assert a.tobytes() == b.tobytes() and np.array_equal(ya, yb)
    assert not np.array_equal(a, c)


@given(n=st.integers(2, 40), k=st.integers(1, 5), noise=st.floats(0.0, 3.0), seed=st.integers(0, 2**32))
def test_spirals_radius_does_not_depend_on_noise(n, k, noise, seed):
    """Property: point i of every class lies at radius i/(n-1), whatever the noise and the seed."""
    X, _ = make_spirals(n_per_class=n, n_classes=k, noise=noise, seed=seed)
    radius = np.hypot(X[:, 0].astype(np.float64), X[:, 1].astype(np.float64)).reshape(k, n)
    expected = np.array([i / (n - 1) for i in range(n)])
    np.testing.assert_allclose(radius, np.broadcast_to(expected, (k, n)), atol=1e-6)


def test_spirals_without_noise_follow_the_formula():
    """With noise 0, point i of class j is (r sin t, r cos t), r = i/(n-1), t = 4j + 4i/(n-1) (by hand)."""
    n, k = 5, 3
    X, _ = make_spirals(n_per_class=n, n_classes=k, noise=0.0, seed=0)
    expected = [[(i / 4) * np.sin(4 * j + i), (i / 4) * np.cos(4 * j + i)] for j in range(k) for i in range(n)]
    np.testing.assert_allclose(X, np.array(expected), atol=1e-6)


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(n_per_class=0), ValueError, "n_per_class"),
    (dict(n_per_class=2.5), TypeError, "n_per_class"),
    (dict(n_classes=0), ValueError, "n_classes"),
    (dict(noise=-0.1), ValueError, "noise"),
    (dict(noise=float("nan")), ValueError, "noise"),
    (dict(noise="0.2"), TypeError, "noise"),
    (dict(seed=-1), ValueError, "seed"),
    (dict(seed=None), TypeError, "seed"),
])
def test_spirals_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        make_spirals(**kwargs)


# ---------------------------------------------------------------- batches
@given(n=sizes, batch_size=batch_sizes, seed=st.integers(0, 2**32))
def test_every_sample_once_per_epoch(n, batch_size, seed):
    """Property: with shuffle and drop_last=False every epoch yields each sample exactly once, X and y together."""
    X, y = indexed_data(n)
    epochs = take_epochs(batches(X, y, batch_size, shuffle=True, seed=seed, drop_last=False), n, batch_size,
                         drop_last=False, epochs=3)
    for epoch in epochs:
        xs = np.concatenate([xb for xb, _ in epoch])
        ys = np.concatenate([yb for _, yb in epoch])
        assert sorted(ys.tolist()) == list(range(n))
        assert np.array_equal(xs[:, 0], ys) and np.array_equal(xs[:, 1], -ys)
        assert all(len(xb) == batch_size for xb, _ in epoch[:-1]) and 1 <= len(epoch[-1][0]) <= batch_size


@given(n=sizes, data=st.data())
def test_drop_last_gives_full_distinct_batches(n, data):
    """Property: with drop_last every batch has batch_size rows and an epoch never repeats a sample."""
    batch_size = data.draw(st.integers(1, n), label="batch_size")
    X, y = indexed_data(n)
    for epoch in take_epochs(batches(X, y, batch_size, seed=1), n, batch_size, drop_last=True, epochs=2):
        assert len(epoch) == n // batch_size
        ys = np.concatenate([yb for _, yb in epoch])
        assert all(len(yb) == batch_size for _, yb in epoch)
        assert len(set(ys.tolist())) == len(ys) == (n // batch_size) * batch_size


def test_without_shuffle_batches_go_in_order():
    X, y = indexed_data(10)
    kept = [yb.tolist() for _, yb in itertools.islice(batches(X, y, 3, shuffle=False), 5)]
    assert kept == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [0, 1, 2], [3, 4, 5]]
    every = [yb.tolist() for _, yb in itertools.islice(batches(X, y, 3, shuffle=False, drop_last=False), 6)]
    assert every == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9], [0, 1, 2], [3, 4, 5]]


def test_whole_data_set_as_one_batch_without_drop_last():
    X, y = indexed_data(4)
    xb, yb = next(batches(X, y, 10, shuffle=False, drop_last=False))
    assert np.array_equal(xb, X) and np.array_equal(yb, y)


def test_same_seed_same_batches_bit_for_bit():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((37, 3)).astype(np.float32), rng.integers(0, 5, 37)
    a = list(itertools.islice(batches(X, y, 8, seed=11, drop_last=False), 15))
    b = list(itertools.islice(batches(X, y, 8, seed=11, drop_last=False), 15))
    assert all(xa.tobytes() == xb.tobytes() and ya.tobytes() == yb.tobytes() for (xa, ya), (xb, yb) in zip(a, b))
    c = list(itertools.islice(batches(X, y, 8, seed=12, drop_last=False), 15))
    assert any(not np.array_equal(ya, yc) for (_, ya), (_, yc) in zip(a, c))


def test_epochs_reshuffle():
    X, y = indexed_data(50)
    first, second = take_epochs(batches(X, y, 10, seed=0), 50, 10, drop_last=True, epochs=2)
    order1 = np.concatenate([yb for _, yb in first])
    order2 = np.concatenate([yb for _, yb in second])
    assert sorted(order1.tolist()) == sorted(order2.tolist()) == list(range(50))
    assert not np.array_equal(order1, order2)
    assert not np.array_equal(order1, np.arange(50))


@pytest.mark.parametrize("x_dtype", [np.float32, np.float64, np.uint8])
@pytest.mark.parametrize("y_dtype", [np.int32, np.int64, np.float32])
def test_batches_keep_dtypes(x_dtype, y_dtype):
    X, y = np.ones((6, 2), dtype=x_dtype), np.zeros(6, dtype=y_dtype)
    xb, yb = next(batches(X, y, 4))
    assert xb.dtype == x_dtype and yb.dtype == y_dtype


def test_batches_are_copies():
    X, y = indexed_data(6)
    xb, yb = next(batches(X, y, 3, shuffle=False))
    xb[:] = 99.0
    yb[:] = 99
    assert np.array_equal(X, indexed_data(6)[0]) and np.array_equal(y, np.arange(6))


def test_batches_is_an_iterator():
    X, y = indexed_data(5)
    it = batches(X, y, 2)
    assert iter(it) is it
    assert len(list(itertools.islice(it, 100))) == 100  # endless


GOOD_X, GOOD_Y = indexed_data(10)


@pytest.mark.parametrize("args, kwargs, error, words", [
    ((np.arange(10.0), GOOD_Y, 2), {}, ValueError, "X must be 2-D"),
    ((np.zeros((10, 2, 2)), GOOD_Y, 2), {}, ValueError, "X must be 2-D"),
    ((GOOD_X, GOOD_Y[:, None], 2), {}, ValueError, "y must be 1-D"),
    ((GOOD_X, GOOD_Y[:9], 2), {}, ValueError, r"len\(X\) = 10 and len\(y\) = 9"),
    ((np.zeros((0, 2)), np.zeros(0), 1), {}, ValueError, "at least one sample"),
    ((np.array([["a", "b"]]), np.zeros(1), 1), {}, TypeError, "X must hold real numbers"),
    ((GOOD_X, GOOD_Y, 0), {}, ValueError, "batch_size"),
    ((GOOD_X, GOOD_Y, -3), {}, ValueError, "batch_size"),
    ((GOOD_X, GOOD_Y, 2.5), {}, TypeError, "batch_size"),
    ((GOOD_X, GOOD_Y, True), {}, TypeError, "batch_size"),
    ((GOOD_X, GOOD_Y, 11), {}, ValueError, r"batch_size must be <= the number of samples \(10\).*got 11"),
    ((GOOD_X, GOOD_Y, 2), {"seed": -1}, ValueError, "seed"),
    ((GOOD_X, GOOD_Y, 2), {"seed": 1.0}, TypeError, "seed"),
    ((GOOD_X, GOOD_Y, 2), {"shuffle": "False"}, TypeError, "shuffle must be True or False, got 'False'"),
    ((GOOD_X, GOOD_Y, 2), {"shuffle": 0}, TypeError, "shuffle must be True or False, got 0"),
    ((GOOD_X, GOOD_Y, 2), {"drop_last": None}, TypeError, "drop_last must be True or False, got None"),
])
def test_batches_bad_inputs_fail_at_the_call(args, kwargs, error, words):
    with pytest.raises(error, match=words):
        batches(*args, **kwargs)  # no next(): the check is eager


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_batches_reject_non_finite_data(bad):
    X = GOOD_X.copy()
    X[3, 1] = bad
    with pytest.raises(ValueError, match="X must be finite"):
        batches(X, GOOD_Y, 2)
    y = GOOD_Y.astype(np.float64)
    y[0] = bad
    with pytest.raises(ValueError, match="y must be finite"):
        batches(GOOD_X, y, 2)


# ---------------------------------------------------------------- load_mnist
def idx_bytes(array, magic=None):
    """The IDX encoding of a uint8 array, written from the format's description (big-endian header)."""
    magic = 0x0800 + array.ndim if magic is None else magic
    return struct.pack(f">{1 + array.ndim}I", magic, *array.shape) + array.astype(np.uint8).tobytes()


def write_mnist(directory, images, labels, prefix="train", compress=False, image_bytes=None, label_bytes=None):
    """Write an images/labels pair of IDX files (optionally gzip) into ``directory``."""
    files = {f"{prefix}-images-idx3-ubyte": idx_bytes(images) if image_bytes is None else image_bytes,
             f"{prefix}-labels-idx1-ubyte": idx_bytes(labels) if label_bytes is None else label_bytes}
    for name, content in files.items():
        if compress:
            (directory / f"{name}.gz").write_bytes(gzip.compress(content))
        else:
            (directory / name).write_bytes(content)


def small_mnist(n=6, rows=4, cols=3, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, rows, cols), dtype=np.uint8)
    images[0, 0, 0], images[0, 0, 1] = 0, 255  # both ends of the range
    return images, rng.integers(0, 10, size=n, dtype=np.uint8)


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize("kind, prefix", [("train", "train"), ("test", "t10k")])
def test_mnist_round_trip(tmp_path, compress, kind, prefix):
    images, labels = small_mnist()
    write_mnist(tmp_path, images, labels, prefix=prefix, compress=compress)
    X, y = load_mnist(tmp_path, kind=kind)
    assert X.shape == (6, 12) and X.dtype == np.float32
    assert y.dtype == np.int64 and y.tolist() == labels.tolist()
    assert np.array_equal(np.rint(X.astype(np.float64) * 255).astype(np.uint8), images.reshape(6, 12))
    np.testing.assert_allclose(X, images.reshape(6, 12) / 255.0, rtol=1e-7)
    assert X[0, 0] == 0.0 and X[0, 1] == 1.0


def test_mnist_accepts_a_string_path(tmp_path):
    images, labels = small_mnist(n=2)
    write_mnist(tmp_path, images, labels)
    X, _ = load_mnist(str(tmp_path))
    assert X.shape == (2, 12)


def test_mnist_bad_kind(tmp_path):
    with pytest.raises(ValueError, match=r"kind must be one of \('train', 'test'\), got 'validation'"):
        load_mnist(tmp_path, kind="validation")


def test_mnist_missing_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="train-images-idx3-ubyte"):
        load_mnist(tmp_path)
    images, labels = small_mnist()
    (tmp_path / "t10k-images-idx3-ubyte").write_bytes(idx_bytes(images))
    with pytest.raises(FileNotFoundError, match="t10k-labels-idx1-ubyte"):
        load_mnist(tmp_path, kind="test")
    with pytest.raises(FileNotFoundError, match="nowhere"):
        load_mnist(tmp_path / "nowhere")


def test_mnist_wrong_magic(tmp_path):
    images, labels = small_mnist()
    # the labels' bytes where the images belong: magic 2049 instead of 2051
    write_mnist(tmp_path, images, labels, image_bytes=idx_bytes(labels))
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte has magic number 2049.*expected 2051"):
        load_mnist(tmp_path)


def test_mnist_wrong_number_of_dimensions(tmp_path):
    images, labels = small_mnist()
    flat = images.reshape(6, 12)  # a 2-D IDX file: magic 0x0802
    write_mnist(tmp_path, images, labels, image_bytes=idx_bytes(flat))
    with pytest.raises(ValueError, match="2 dimensions.*expected 2051.*3 dimensions"):
        load_mnist(tmp_path)
    # right magic, but a header that gives only two of the three sizes
    short_header = struct.pack(">3I", 2051, 6, 12) + flat.tobytes()
    write_mnist(tmp_path, images, labels, image_bytes=short_header)
    with pytest.raises(ValueError, match="train-images-idx3-ubyte"):
        load_mnist(tmp_path)


def test_mnist_wrong_data_type(tmp_path):
    images, labels = small_mnist()
    write_mnist(tmp_path, images, labels, label_bytes=idx_bytes(labels, magic=0x0C01))  # 0x0C: int32
    with pytest.raises(ValueError, match="train-labels-idx1-ubyte.*type code 0x0c"):
        load_mnist(tmp_path)


@pytest.mark.parametrize("compress", [False, True])
def test_mnist_truncated_or_padded_payload(tmp_path, compress):
    images, labels = small_mnist()
    write_mnist(tmp_path, images, labels, compress=compress, image_bytes=idx_bytes(images)[:-5])
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte.*72 bytes of data.*holds 67"):
        load_mnist(tmp_path)
    write_mnist(tmp_path, images, labels, compress=compress, label_bytes=idx_bytes(labels) + b"\x00")
    with pytest.raises(ValueError, match="train-labels-idx1-ubyte.*holds 7"):
        load_mnist(tmp_path)


def test_mnist_truncated_header(tmp_path):
    images, labels = small_mnist()
    write_mnist(tmp_path, images, labels, label_bytes=b"\x00\x00\x08")
    with pytest.raises(ValueError, match="train-labels-idx1-ubyte is too short for an IDX header"):
        load_mnist(tmp_path)


def test_mnist_truncated_gzip(tmp_path):
    images, labels = small_mnist()
    write_mnist(tmp_path, images, labels, compress=True)
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(ValueError, match="train-images-idx3-ubyte.gz is not a readable gzip file"):
        load_mnist(tmp_path)


def test_mnist_of_zero_images_is_a_clear_error(tmp_path):
    images, labels = small_mnist(n=6)
    write_mnist(tmp_path, images[:0], labels[:0])
    with pytest.raises(ValueError, match="train-images-idx3-ubyte holds no images"):
        load_mnist(tmp_path)


def test_mnist_counts_must_match(tmp_path):
    images, labels = small_mnist()
    write_mnist(tmp_path, images, labels[:4])
    with pytest.raises(ValueError, match="6 images but .* 4 labels"):
        load_mnist(tmp_path)


def test_train_val_split_partitions_the_data():
    X = np.arange(20, dtype=np.float32).reshape(10, 2)
    y = np.arange(10)
    X_train, y_train, X_val, y_val = train_val_split(X, y, fraction=0.3, seed=4)
    assert len(y_val) == 3 and len(y_train) == 7
    assert sorted(np.concatenate([y_train, y_val]).tolist()) == list(range(10))  # disjoint, nothing lost
    np.testing.assert_array_equal(X_val[:, 0], 2 * y_val)  # rows stay with their labels
    again = train_val_split(X, y, fraction=0.3, seed=4)
    np.testing.assert_array_equal(again[3], y_val)
    assert len(train_val_split(X, y, fraction=0.5, max_val=2)[3]) == 2
    with pytest.raises(ValueError, match="fraction"):
        train_val_split(X, y, fraction=1.0)
    with pytest.raises(ValueError, match="empty"):
        train_val_split(X, y, fraction=0.01)
    with pytest.raises(ValueError, match="same length"):
        train_val_split(X, y[:5])
    with pytest.raises(ValueError, match="seed must be >= 0, got -1"):
        train_val_split(X, y, seed=-1)
    with pytest.raises(TypeError, match="seed must be an integer, got 0.5"):
        train_val_split(X, y, seed=0.5)
    with pytest.raises(TypeError, match="fraction must be a real number, got '0.2'"):
        train_val_split(X, y, fraction="0.2")


# --- hostile input: every mistake named -------------------------------------------------------------


@pytest.mark.parametrize("X, y, error, words", [
    pytest.param([[1.0, 2.0], [1.0]], [0, 1], ValueError, "X must be a rectangular array, got a ragged list",
                 id="ragged list X"),
    pytest.param(GOOD_X.astype(complex), GOOD_Y, TypeError, "X must hold real numbers.*complex128", id="complex X"),
    pytest.param(None, GOOD_Y, TypeError, r"X must hold real numbers.*object \(NoneType\)", id="None X"),
    pytest.param(GOOD_X, GOOD_Y.astype(object), TypeError, "y must hold real numbers.*object", id="object y"),
    pytest.param(GOOD_X, np.array(list("abcdefghij")), TypeError, "y must hold real numbers.*<U1", id="string labels"),
])
def test_batches_and_split_name_the_bad_array(X, y, error, words):
    with pytest.raises(error, match=words):
        batches(X, y, 2)
    with pytest.raises(error, match=words):
        train_val_split(X, y)


@pytest.mark.parametrize("X", [
    pytest.param(GOOD_X.tolist(), id="list of lists"),
    pytest.param(np.asfortranarray(GOOD_X), id="Fortran order"),
    pytest.param(np.repeat(GOOD_X, 2, axis=1)[:, ::2], id="non-contiguous"),
    pytest.param(GOOD_X.astype(np.float16), id="float16"),
])
def test_batches_accept_any_real_layout(X):
    xb, yb = next(batches(X, GOOD_Y, 10, shuffle=False))
    np.testing.assert_array_equal(xb, np.asarray(GOOD_X, dtype=xb.dtype))
    np.testing.assert_array_equal(yb, GOOD_Y)


@pytest.mark.parametrize("fraction, error, words", [
    pytest.param(0.0, ValueError, r"fraction must be in \(0, 1\), got 0.0", id="0"),
    pytest.param(-0.2, ValueError, r"fraction must be in \(0, 1\), got -0.2", id="negative"),
    pytest.param(float("nan"), ValueError, "fraction must be finite, got nan", id="NaN"),
    pytest.param(True, TypeError, "fraction must be a real number, got True", id="bool"),
])
def test_train_val_split_names_a_bad_fraction(fraction, error, words):
    with pytest.raises(error, match=words):
        train_val_split(GOOD_X, GOOD_Y, fraction=fraction)
