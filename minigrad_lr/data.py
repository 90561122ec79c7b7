"""Data: the bundled digits, MNIST's IDX files, CS231n's spirals, and an endless mini-batch iterator.

Every loader returns ``X`` as float32 of shape ``(N, D)`` and ``y`` as int64 of shape ``(N,)``;
``batches`` then cuts ``(X, y)`` into mini-batches for as long as the caller asks.

References
----------
E. Alpaydin, C. Kaynak, "Optical Recognition of Handwritten Digits", UCI Machine Learning Repository
(1998), doi:10.24432/C50P49; the 1,797-sample test part, as scikit-learn bundles it (see _data/README.md).
Y. LeCun, C. Cortes, C. J. C. Burges, "The MNIST database of handwritten digits": the IDX file format.
A. Karpathy, CS231n notes, "Neural Networks Case Study": the spiral data set.
"""

import gzip
import importlib.resources
import math
import os
import zlib
from pathlib import Path

import numpy as np

from ._checks import check_choice, check_data, check_flag, check_non_negative, check_open_fraction, check_positive_int

# An IDX file starts with the bytes 0x00 0x00, then a type code (0x08 = unsigned byte), then the number
# of dimensions; the magic number is those four bytes read as a big-endian integer.
IDX_IMAGES_MAGIC = 0x00000803  # 2051: unsigned bytes, 3 dimensions (count, rows, cols)
IDX_LABELS_MAGIC = 0x00000801  # 2049: unsigned bytes, 1 dimension (count)
MNIST_PREFIXES = {"train": "train", "test": "t10k"}


def load_digits():
    """The 1,797 8×8 handwritten digits of the UCI "Optical Recognition of Handwritten Digits" set.

    Each image is 8×8 blocks of 4×4 pixels; a feature counts the "on" pixels of its block (0..16).
    The file ships inside the package (``minigrad_lr/_data/digits.npz``), so this needs no download.

    Returns
    -------
    X : ndarray of float32, shape (1797, 64)
        Pixel counts divided by 16, so in [0, 1]; row-major 8×8 images (``X[i].reshape(8, 8)``).
    y : ndarray of int64, shape (1797,)
        The digit, 0..9, about 180 of each.

    Notes
    -----
    This is the writer-independent test part of the UCI set (13 writers), the version scikit-learn's
    ``load_digits`` returns. Licence CC BY 4.0: cite Alpaydin & Kaynak (1998). Provenance, checksums
    and how the file was made: ``minigrad_lr/_data/README.md``. Every call returns new arrays.
    """
    # importlib.resources finds the file both in a source checkout and after `pip install .`.
    with (importlib.resources.files(__package__) / "_data" / "digits.npz").open("rb") as f:
        with np.load(f) as archive:
            counts, labels = archive["X"], archive["y"]  # uint8 (1797, 64), uint8 (1797,)
    X = counts.astype(np.float32) / np.float32(16.0)  # exact: k/16 is a float32 for k = 0..16
    return X, labels.astype(np.int64)


def make_spirals(n_per_class=100, n_classes=3, noise=0.2, seed=0):
    """Interleaved 2-D spirals, one arm per class: a small problem no linear model can solve.

    Point i of class j (i = 0 … n−1) sits at radius ``r_i = i / (n−1)`` and angle
    ``t_ij = 4j + 4 i/(n−1) + noise · ε_ij``, ``ε_ij ~ N(0, 1)``, that is at
    ``(r_i sin t_ij, r_i cos t_ij)``. The noise moves a point along its circle, never off it.

    Parameters
    ----------
    n_per_class : int, default 100
        Points per class, >= 1.
    n_classes : int, default 3
        Number of arms (classes), >= 1.
    noise : float, default 0.2
        Standard deviation of the angle noise in radians, >= 0.
    seed : int, default 0
        Seed of the ``np.random.default_rng`` that draws the noise; same seed, same points, bit for bit.

    Returns
    -------
    X : ndarray of float32, shape (n_per_class * n_classes, 2)
        The points, class after class, inside the unit disc.
    y : ndarray of int64, shape (n_per_class * n_classes,)
        The class of each point: ``n_per_class`` zeros, then ones, ...

    References
    ----------
    A. Karpathy, CS231n notes, "Neural Networks Case Study" (the same construction, radius and angle).
    """
    n = check_positive_int("n_per_class", n_per_class)
    k = check_positive_int("n_classes", n_classes)
    noise = check_non_negative("noise", noise)
    seed = check_positive_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)

    y = np.repeat(np.arange(k, dtype=np.int64), n)
    r = np.tile(np.linspace(0.0, 1.0, n), k)  # i/(n-1): from the centre (0) to the rim (1), once per class
    t = 4.0 * y + 4.0 * r + noise * rng.standard_normal(n * k)
    X = np.stack([r * np.sin(t), r * np.cos(t)], axis=1).astype(np.float32)
    return X, y


def batches(X, y, batch_size, shuffle=True, seed=0, drop_last=True):
    """An endless iterator of mini-batches ``(xb, yb)``, epoch after epoch.

    Every epoch visits the samples in a new random order (``shuffle=True``, drawn from a generator
    seeded with ``seed`` and owned by this iterator) or in their stored order (``shuffle=False``),
    and cuts that order into consecutive batches of ``batch_size``.

    Parameters
    ----------
    X : array_like, shape (N, D)
        Inputs, real numbers, all finite.
    y : array_like, shape (N,)
        Labels (integers) or targets (floats, finite).
    batch_size : int
        Samples per batch, >= 1; with ``drop_last`` also <= N.
    shuffle : bool, default True
        Reshuffle at the start of every epoch.
    seed : int, default 0
        Seed of the iterator's own ``np.random.default_rng``; same seed, same batches, bit for bit.
    drop_last : bool, default True
        Drop the last ``N % batch_size`` samples of each epoch's order, so that every batch has
        exactly ``batch_size`` rows (with shuffling, a different few are dropped each epoch).
        With False the last, smaller batch is yielded too.

    Returns
    -------
    iterator of (xb, yb)
        ``xb`` of shape (B, D) with X's dtype and ``yb`` of shape (B,) with y's dtype; new arrays
        (changing one leaves X and y alone). It never stops: take as many as you need
        (``next(it)``, ``itertools.islice``).

    Raises
    ------
    TypeError, ValueError
        At once, when ``batches`` is called (not at the first ``next``), for a bad argument: X not
        2-D or not numeric, y not 1-D, different lengths, no samples, NaN or inf in X (or in a float
        y), a bad ``batch_size`` or ``seed``.

    Notes
    -----
    Shuffling permutes an array of indices, not the data: each batch is gathered with fancy indexing,
    so an epoch copies each sample once, into its batch. The iterator reads X and y as they are when
    a batch is taken; it does not copy them.
    """
    X, y = check_data(X, y)
    batch_size = check_positive_int("batch_size", batch_size)
    drop_last = check_flag("drop_last", drop_last)
    if drop_last and batch_size > len(X):
        raise ValueError(f"batch_size must be <= the number of samples ({len(X)}) when drop_last=True, "
                         f"got {batch_size}")
    seed = check_positive_int("seed", seed, minimum=0)
    return _endless_batches(X, y, batch_size, check_flag("shuffle", shuffle), seed, drop_last)


def _endless_batches(X, y, batch_size, shuffle, seed, drop_last):
    """The generator behind ``batches`` (split off so that ``batches`` checks its arguments at once)."""
    rng = np.random.default_rng(seed)
    n = len(X)
    end = n - n % batch_size if drop_last else n  # where the last batch of an epoch ends
    order = np.arange(n)
    while True:
        if shuffle:
            rng.shuffle(order)  # a new permutation of the indices, in place, every epoch
        for start in range(0, end, batch_size):
            index = order[start:start + batch_size]
            yield X[index], y[index]


def train_val_split(X, y, fraction=0.2, seed=0, max_val=None):
    """Split ``(X, y)`` at random into a part to train on and a held-out (validation) part.

    Parameters
    ----------
    X : array_like, shape (N, D)
    y : array_like, shape (N,)
    fraction : float in (0, 1), default 0.2
        The held-out part has ``round(fraction · N)`` samples ...
    seed : int, default 0
        ... chosen by a permutation drawn from ``np.random.default_rng(seed)``.
    max_val : int, optional
        ... and at most this many.

    Returns
    -------
    X_train, y_train, X_val, y_val : ndarray
        New arrays; the samples in the order of the permutation.
    """
    X, y = check_data(X, y)
    fraction = check_open_fraction("fraction", fraction)
    seed = check_positive_int("seed", seed, minimum=0)
    n_val = round(fraction * len(X))
    if max_val is not None:
        n_val = min(n_val, check_positive_int("max_val", max_val))
    if not 0 < n_val < len(X):
        raise ValueError(f"fraction={fraction!r} of {len(X)} samples leaves one part empty")
    order = np.random.default_rng(seed).permutation(len(X))
    val, train = order[:n_val], order[n_val:]
    return X[train], y[train], X[val], y[val]


def load_mnist(directory, kind="train"):
    """MNIST (or any data set in its format, e.g. Fashion-MNIST) from the IDX files in ``directory``.

    Reads ``train-images-idx3-ubyte`` and ``train-labels-idx1-ubyte`` (``kind="train"``) or
    ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte`` (``kind="test"``), each either raw or
    gzip-compressed with a ``.gz`` suffix (the raw file is used when both are there).

    Parameters
    ----------
    directory : str or os.PathLike
        The folder that holds the files.
    kind : {"train", "test"}, default "train"
        Which pair of files to read.

    Returns
    -------
    X : ndarray of float32, shape (N, rows * cols)
        Pixel intensities 0..255 divided by 255, so in [0, 1]; rows of row-major images
        (N = 60,000 or 10,000 and 28×28 pixels for MNIST).
    y : ndarray of int64, shape (N,)
        The labels as stored (0..9 for MNIST).

    Raises
    ------
    FileNotFoundError
        If a file is missing (the message names the file and the folder).
    ValueError
        If ``kind`` is not "train" or "test", or a file is corrupt: not gzip data although compressed,
        a wrong magic number (a wrong data type or number of dimensions), a payload longer or shorter
        than its header says, images and labels of different counts, or no images at all. The message
        names the file.

    Notes
    -----
    An IDX file is a header of big-endian 32-bit integers, the magic number then the size of each
    dimension, followed by the data as unsigned bytes in row-major order: for images
    ``2051, N, rows, cols`` then N·rows·cols bytes; for labels ``2049, N`` then N bytes.
    """
    check_choice("kind", kind, MNIST_PREFIXES)
    if not isinstance(directory, (str, os.PathLike)):
        raise TypeError(f"directory must be a path (str or os.PathLike), got {type(directory).__name__}")
    prefix = MNIST_PREFIXES[kind]
    images_path = _find_idx(Path(directory), f"{prefix}-images-idx3-ubyte")
    labels_path = _find_idx(Path(directory), f"{prefix}-labels-idx1-ubyte")
    images = _read_idx(images_path, IDX_IMAGES_MAGIC)  # uint8 (N, rows, cols)
    labels = _read_idx(labels_path, IDX_LABELS_MAGIC)  # uint8 (N,)
    if len(images) != len(labels):
        raise ValueError(f"{images_path} holds {len(images)} images but {labels_path} holds {len(labels)} labels")
    if len(images) == 0:
        raise ValueError(f"{images_path} holds no images (its header announces a count of 0)")
    X = images.reshape(len(images), -1).astype(np.float32) / np.float32(255.0)
    return X, labels.astype(np.int64)


def _find_idx(directory, name):
    """The path of ``name`` or ``name.gz`` in ``directory``; FileNotFoundError if neither is there."""
    for candidate in (directory / name, directory / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"no {name} (or {name}.gz) in {directory}")


def _read_idx(path, magic):
    """The array stored in the IDX file ``path`` (raw or gzip), checked against the expected ``magic``."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":  # gzip's own magic bytes; an IDX file starts with 0x00 0x00
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as error:
            raise ValueError(f"{path} is not a readable gzip file: {error}") from error

    ndim = magic & 0xFF
    header = 4 * (1 + ndim)  # the magic number, then one size per dimension
    found = int.from_bytes(data[:4], "big") if len(data) >= 4 else None
    if found is not None and found != magic:
        raise ValueError(f"{path} has magic number {found} (0x{found:08x}: type code 0x{found >> 8 & 0xFF:02x}, "
                         f"{found & 0xFF} dimensions), expected {magic} (0x{magic:08x}: unsigned bytes, "
                         f"{ndim} dimensions)")
    if len(data) < header:
        raise ValueError(f"{path} is too short for an IDX header: {len(data)} bytes, need {header}")
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    payload = len(data) - header
    if payload != math.prod(shape):
        raise ValueError(f"{path}: the header announces shape {shape}, that is {math.prod(shape)} bytes of data, "
                         f"but the file holds {payload} (truncated or corrupt)")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)
