"""Saving a range test's result: CSV for a spreadsheet, JSON for an exact round trip.

JSON writes every float with Python's shortest round-tripping ``repr``, so reading it back gives the
same bits. JSON has no NaN or infinity; they are written as the strings "NaN", "Infinity" and
"-Infinity" so that the file stays standard JSON that any tool can parse.
"""

import csv
import json
import math

import numpy as np

FORMAT = "minigrad_lr.RangeTestResult"
VERSION = 1
ARRAYS = ("lrs", "losses", "smoothed", "accuracies", "val_losses")
CSV_COLUMNS = {"lrs": "lr", "losses": "loss", "smoothed": "smoothed", "accuracies": "accuracy", "val_losses": "val_loss"}
_NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def write_csv(result, path):
    """One header row, then one row per step: lr, loss, smoothed, accuracy[, val_loss]."""
    columns = [name for name in ARRAYS if getattr(result, name) is not None]
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["step"] + [CSV_COLUMNS[name] for name in columns])
        for i in range(len(result.lrs)):
            writer.writerow([i] + [repr(float(getattr(result, name)[i])) for name in columns])


def write_json(result, path):
    """Every array and setting of ``result``, exactly."""
    document = {"format": FORMAT, "version": VERSION, "stop_reason": result.stop_reason, **result.settings}
    for name in ARRAYS:
        values = getattr(result, name)
        document[name] = None if values is None else [_encode(v) for v in values.tolist()]
    with open(path, "w") as f:
        json.dump(document, f, allow_nan=False, indent=1)


def read_json(path):
    """The keyword arguments of ``RangeTestResult`` stored by ``write_json``."""
    with open(path) as f:
        document = json.load(f)
    if document.get("format") != FORMAT or document.get("version") != VERSION:
        raise ValueError(f"{path!s} is not a {FORMAT} file of version {VERSION}")
    del document["format"], document["version"]
    for name in ARRAYS:
        values = document[name]
        document[name] = None if values is None else np.array([_decode(v) for v in values], dtype=np.float64)
    return document


def _encode(value):
    if math.isfinite(value):
        return value
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


def _decode(value):
    return _NON_FINITE[value] if isinstance(value, str) else float(value)
