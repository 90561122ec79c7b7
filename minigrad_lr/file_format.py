"""Saving a range test's result: CSV for a spreadsheet, JSON for an exact round trip.

JSON writes every float with Python's shortest round-tripping ``repr``, so reading it back gives the
same bits. JSON has no NaN or infinity; they are written as the strings "NaN", "Infinity" and
"-Infinity" so that the file stays standard JSON that any tool can parse. Reading checks the whole
document as ``lr_range_test`` makes it (``read_document``); writing checks the result the same way
and writes atomically, so a failure never leaves a half-written file where a good one stood.
"""

import contextlib
import csv
import json
import math
import os
import stat
import tempfile

import numpy as np

from ._checks import (
    check_choice,
    check_curve,
    check_fraction,
    check_lrs_and_losses,
    check_path,
    check_positive_int,
    check_range,
    check_stop_factor,
    to_float,
)
from .result import ARRAYS, RangeTestResult

FORMAT = "minigrad_lr.RangeTestResult"
VERSION = 1
CSV_COLUMNS = {"lrs": "lr", "losses": "loss", "smoothed": "smoothed", "accuracies": "accuracy",
               "val_losses": "val_loss"}
NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}  # JSON's spelling of them
STOP_REASONS = ("completed", "diverged", "non_finite")

FIELDS = ("stop_reason", *RangeTestResult.SETTINGS, *ARRAYS)  # what a file holds of a result
KEYS = ("format", "version", *FIELDS)  # the keys of its JSON document
OPTIONAL = {"accumulation_steps": 1}  # keys a file may lack (written before they existed), with their default


def write_csv(result, path):
    """``result.to_csv(path)``: one header row, then one row per step."""
    path = check_path("path", path)
    fields = _checked_fields(result, path)
    columns = [name for name in ARRAYS if fields[name] is not None]

    def write(f):
        writer = csv.writer(f)
        writer.writerow(["step"] + [CSV_COLUMNS[name] for name in columns])
        for i in range(len(fields["lrs"])):
            writer.writerow([i] + [repr(float(fields[name][i])) for name in columns])

    write_atomically(path, write, newline="")


def write_json(result, path):
    """``result.to_json(path)``: the whole result as one JSON document."""
    path = check_path("path", path)
    document = to_document(_checked_fields(result, path))
    write_atomically(path, lambda f: json.dump(document, f, allow_nan=False, indent=1))


def read_json(path):
    """The fields of the ``RangeTestResult`` in the JSON file ``path``, checked (``read_document``)."""
    path = check_path("path", path)
    try:
        with open(path, encoding="utf-8") as f:
            document = json.load(f, object_pairs_hook=_json_object)
    except UnicodeDecodeError as err:  # a ValueError too, so caught first
        raise ValueError(f"{path}: not a JSON file: byte {err.start} is not UTF-8 text") from None
    except (ValueError, RecursionError) as err:  # json.JSONDecodeError is a ValueError
        raise ValueError(f"{path}: cannot be read as JSON: {err}") from None
    return _with_prefix(f"{path}: ", read_document, document)


def to_document(fields):
    """The JSON document of a result's fields (a dict): arrays as lists, NaN and ±inf spelled as strings."""
    document = {"format": FORMAT, "version": VERSION}
    for name in FIELDS:
        values = fields[name]
        if name in ARRAYS and values is not None:
            values = [_encode(v) for v in check_curve(name, values).tolist()]
        document[name] = values
    return document


def read_document(document):
    """The fields of a ``RangeTestResult`` from its JSON document, checked as ``lr_range_test`` makes them.

    The document must be an object with exactly the keys ``KEYS``: ``format`` and ``version`` as
    ``to_json`` writes them; the settings valid for ``lr_range_test``; ``stop_reason`` one of
    ``STOP_REASONS``; each array a list of numbers (or "NaN", "Infinity", "-Infinity"), ``val_losses``
    possibly null, all of one length n with 1 <= n <= num_iter (n == num_iter if "completed"). As the
    test records them: lrs positive, finite and strictly increasing, from exactly start_lr (to exactly
    end_lr if "completed"); losses >= 0, only the last one possibly non-finite, and that one exactly when
    the reason is "non_finite"; smoothed >= 0 and finite where the loss is; accuracies in [0, 1] or NaN;
    val_losses >= 0 or non-finite.

    Returns
    -------
    dict
        ``stop_reason``, the settings as Python values and the arrays as float64 ndarrays (or None).
    """
    from .finder import STOP_ON  # here, not at the top: finder imports this module

    if not isinstance(document, dict):
        raise TypeError(f"the document must be a JSON object {{...}}, got {type(document).__name__}")
    if document.get("format") != FORMAT:
        raise ValueError(f"format must be {FORMAT!r} (a file RangeTestResult.to_json writes), "
                         f"got {_short(document.get('format'))}")
    version = document.get("version")
    if not (type(version) is int and version == VERSION):
        raise ValueError(f"version must be {VERSION} (the only one this minigrad_lr reads), got {_short(version)}")
    missing = [key for key in KEYS if key not in document and key not in OPTIONAL]
    if missing:
        raise ValueError(f"missing key(s) {', '.join(map(repr, missing))}")
    unexpected = [key for key in document if key not in KEYS]
    if unexpected:
        raise ValueError(f"unexpected key(s) {', '.join(_short(key) for key in unexpected)}")

    fields = dict(zip(("start_lr", "end_lr", "num_iter", "mode"), check_range(
        document["start_lr"], document["end_lr"], document["num_iter"], document["mode"])))
    fields["smooth"] = check_fraction("smooth", document["smooth"])
    fields["stop_factor"] = check_stop_factor("stop_factor", document["stop_factor"])
    fields["stop_on"] = check_choice("stop_on", document["stop_on"], STOP_ON)
    fields["stop_reason"] = check_choice("stop_reason", document["stop_reason"], STOP_REASONS)
    steps = document.get("accumulation_steps", OPTIONAL["accumulation_steps"])
    fields["accumulation_steps"] = check_positive_int("accumulation_steps", steps)
    for name in ARRAYS:
        values = document[name]
        fields[name] = None if name == "val_losses" and values is None else _read_array(name, values)
    _check_curves(fields)
    return fields


def write_atomically(path, write, newline=None):
    """Call ``write(f)`` on a new temporary file beside ``path``, then rename it to ``path``.

    The rename (``os.replace``) is atomic: ``path`` holds its old content or the whole new one, never a
    half-written file. On any exception, the temporary file is removed and ``path`` is untouched. The
    file gets the permissions ``open(path, "w")`` would give it. An OSError names ``path``.
    """
    try:
        fd, temp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)),
                                    prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    except OSError as err:  # e.g. a missing or read-only folder: say which file could not be written
        raise type(err)(err.errno, err.strerror, path) from err
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())  # on disk before the rename, so a crash cannot leave an empty file
        os.chmod(temp, _file_mode(path))
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(temp)
        raise


# --- helpers -------------------------------------------------------------------------------------------


def _encode(value):
    """A float as JSON holds it: itself if finite, else its name in ``NON_FINITE``."""
    if math.isfinite(value):
        return value
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


def _read_array(name, values):
    """A JSON list of numbers (or the strings of ``NON_FINITE``) as a float64 array; errors name the index."""
    if not isinstance(values, list):
        allowed = "a list of numbers" + (" or null" if name == "val_losses" else "")
        raise TypeError(f"{name} must be {allowed}, got {_short(values)}")
    return np.array([_decode(f"{name}[{i}]", v) for i, v in enumerate(values)], dtype=np.float64)


def _decode(name, value):
    if isinstance(value, str):
        if value not in NON_FINITE:
            raise ValueError(f"{name} must be a number or one of {tuple(NON_FINITE)}, got {_short(value)}")
        return NON_FINITE[value]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {_short(value)}")
    return to_float(name, value)


def _check_curves(fields):
    """The arrays of ``fields`` as a range test records them (see ``read_document``), given valid settings."""
    reason, num_iter = fields["stop_reason"], fields["num_iter"]
    lrs, losses, n = fields["lrs"], fields["losses"], len(fields["lrs"])
    for name in ARRAYS[1:]:
        if fields[name] is not None and len(fields[name]) != n:
            raise ValueError(f"{name} must hold one value per step, as lrs does ({n}), got {len(fields[name])}")
    if not 1 <= n <= num_iter:
        raise ValueError(f"lrs must hold from 1 to num_iter={num_iter} steps, got {n}")
    if reason == "completed" and n != num_iter:
        raise ValueError(f"stop_reason is 'completed', so lrs must hold all num_iter={num_iter} steps, got {n}")
    check_lrs_and_losses(lrs, losses)  # lrs positive, finite, strictly increasing
    if lrs[0] != fields["start_lr"]:
        raise ValueError(f"lrs[0] must be start_lr={fields['start_lr']!r} (the first step uses it exactly), "
                         f"got {float(lrs[0])!r}")
    if reason == "completed" and lrs[-1] != fields["end_lr"]:
        raise ValueError(f"lrs[{n - 1}] must be end_lr={fields['end_lr']!r} (a completed test ends on it "
                         f"exactly), got {float(lrs[-1])!r}")
    _fail_at("losses", losses[:-1], ~np.isfinite(losses[:-1]),
             "must be finite: a range test stops at its first non-finite loss, so only the last may be NaN or ±inf")
    _fail_at("losses", losses, np.isfinite(losses) & (losses < 0), "must be >= 0 (a loss)")
    if math.isfinite(losses[-1]) == (reason == "non_finite"):
        raise ValueError(f"stop_reason is {reason!r} but losses[{n - 1}] = {float(losses[-1])!r}: a range test "
                         "stops with 'non_finite' exactly when its last loss is NaN or ±inf")
    smoothed = fields["smoothed"]
    _fail_at("smoothed", smoothed, np.isfinite(smoothed) != np.isfinite(losses),
             "must be finite exactly where the loss is (an average of finite losses is finite)")
    _fail_at("smoothed", smoothed, np.isfinite(smoothed) & (smoothed < 0), "must be >= 0 (an average of losses)")
    accuracies = fields["accuracies"]
    _fail_at("accuracies", accuracies, ~(np.isnan(accuracies) | ((accuracies >= 0) & (accuracies <= 1))),
             "must be in [0, 1] (or NaN when the labels are not classes)")
    if fields["val_losses"] is not None:
        val_losses = fields["val_losses"]
        _fail_at("val_losses", val_losses, np.isfinite(val_losses) & (val_losses < 0),
                 "must be >= 0 (or NaN, ±inf after the update that blew up)")


def _fail_at(name, values, bad, requirement):
    """ValueError at the first index where ``bad`` is True: ``name[i] requirement, got value``."""
    if np.any(bad):
        i = int(np.argmax(bad))
        raise ValueError(f"{name}[{i}] {requirement}, got {float(values[i])!r}")


def _short(value, width=60):
    """``repr(value)``, cut to ``width`` characters: a value read from a file can be long."""
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _json_object(pairs):
    """A JSON object as a dict; ValueError for a key that appears twice (json would keep the last silently)."""
    document = {}
    for key, value in pairs:
        if key in document:
            raise ValueError(f"the key {key!r} appears twice in one object")
        document[key] = value
    return document


def _with_prefix(prefix, function, *args):
    """``function(*args)``, with ``prefix`` (the file) put before the message of a ValueError or TypeError."""
    try:
        return function(*args)
    except (TypeError, ValueError) as err:
        raise (TypeError if isinstance(err, TypeError) else ValueError)(f"{prefix}{err}") from None


def _checked_fields(result, path):
    """The fields of ``result``, checked by ``read_document`` before ``path`` is written."""
    document = _with_prefix(f"cannot write {path}: ", to_document, {key: getattr(result, key) for key in FIELDS})
    return _with_prefix(f"cannot write {path}: ", read_document, document)


def _file_mode(path):
    """The permissions ``open(path, "w")`` gives: those of the file it replaces, or 0o666 less the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)  # the only way to read it is to set it: put it back at once
        os.umask(umask)
        return 0o666 & ~umask
