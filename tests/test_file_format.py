"""file_format: a range test's result to CSV and JSON and back, exactly; malformed files and failing writes."""

import csv
import json
import math
import os
import stat
import tempfile

import numpy as np
import pytest

import minigrad_lr as mg
from minigrad_lr.file_format import ARRAYS
from minigrad_lr.finder import lr_range_test
from minigrad_lr.result import RangeTestResult
from minigrad_lr.schedules import range_lrs
from minigrad_lr.smoothing import ema


@pytest.fixture(scope="module")
def digits():
    return mg.load_digits()


def adam_mlp():
    model = mg.MLP([64, 32, 10], seed=0, dtype=np.float32)
    return model, mg.Adam(model.parameters())


def scripted_loss(values):
    """A loss function that returns the given values one call at a time (gradient zero)."""
    values = iter(values)

    def loss(output, y):
        return float(next(values)), np.zeros_like(output)

    return loss


def test_json_round_trip_is_exact(tmp_path, digits):
    X, y = digits
    model, opt = adam_mlp()
    val = [(X[:50], y[:50])]
    # With val_batches the loss is called twice per step: the training batch, then the one val batch.
    script = [value for i in range(29) for value in (2.0 + i / 7, 3.0 - i / 11)] + [math.inf]
    result = lr_range_test(model, opt, mg.batches(X, y, 64), num_iter=30, val_batches=val,
                           loss=scripted_loss(script))
    assert result.stop_reason == "non_finite"
    result.to_json(tmp_path / "r.json")
    json.loads((tmp_path / "r.json").read_text())  # standard JSON: no bare NaN or Infinity tokens
    back = RangeTestResult.from_json(tmp_path / "r.json")
    for name in ("lrs", "losses", "smoothed", "accuracies", "val_losses"):
        assert getattr(back, name).tobytes() == getattr(result, name).tobytes()
    assert back.settings == result.settings and back.stop_reason == result.stop_reason


def test_accumulation_steps_round_trip_and_older_files_without_it_load(tmp_path, digits):
    X, y = digits
    model, opt = adam_mlp()
    result = lr_range_test(model, opt, mg.batches(X, y, 32), num_iter=10, end_lr=1e-3, accumulation_steps=2)
    result.to_json(tmp_path / "r.json")
    assert RangeTestResult.from_json(tmp_path / "r.json").accumulation_steps == 2
    document = json.loads((tmp_path / "r.json").read_text())
    del document["accumulation_steps"]  # as a file written before the option existed
    (tmp_path / "old.json").write_text(json.dumps(document))
    assert RangeTestResult.from_json(tmp_path / "old.json").accumulation_steps == 1
    document["accumulation_steps"] = 0
    (tmp_path / "bad.json").write_text(json.dumps(document))
    with pytest.raises(ValueError, match="bad.json: accumulation_steps must be >= 1, got 0"):
        RangeTestResult.from_json(tmp_path / "bad.json")


def test_csv_has_one_row_per_step(tmp_path, digits):
    X, y = digits
    model, opt = adam_mlp()
    result = lr_range_test(model, opt, mg.batches(X, y, 64), num_iter=12)
    result.to_csv(tmp_path / "r.csv")
    rows = (tmp_path / "r.csv").read_text().splitlines()
    assert rows[0] == "step,lr,loss,smoothed,accuracy"
    assert len(rows) == 13
    assert [float(v) for v in rows[5].split(",")[1:3]] == [result.lrs[4], result.losses[4]]


# --- reading a file: the whole document is checked, and every error names the file and the key -----------


def made_up_result(n=10, **changes):
    """A result as lr_range_test records it (completed, n steps of 1e-4 … 1, a falling loss), without training."""
    losses = np.linspace(2.0, 1.0, n)
    fields = dict(lrs=range_lrs(1e-4, 1.0, n), losses=losses, smoothed=ema(losses, 0.98),
                  accuracies=np.linspace(0.1, 0.9, n), val_losses=losses + 0.1, stop_reason="completed",
                  start_lr=1e-4, end_lr=1.0, num_iter=n)
    return RangeTestResult(**{**fields, **changes})


def edited(**changes):
    """An edit of a good document: each key set to its value (a function of the old value if callable)."""
    def edit(document):
        for key, value in changes.items():
            document[key] = value(document[key]) if callable(value) else value
        return document
    return edit


def at(index, value):
    """An edit of one array: element ``index`` set to ``value``."""
    return lambda values: values[:index] + [value] + values[index + 1:]


def without(key):
    return lambda document: {k: v for k, v in document.items() if k != key}


def cut(n):
    return edited(**{name: (lambda values: values[:n]) for name in ARRAYS})


MALFORMED = [
    # (what is wrong, the file's text or an edit of a good document, error, words of the message)
    ("empty file", "", ValueError, "cannot be read as JSON"),
    ("truncated JSON", '{"format": "minigrad', ValueError, "cannot be read as JSON"),
    ("nested too deep", "[" * 100_000, ValueError, "cannot be read as JSON"),
    ("a key twice", '{"lrs": [], "lrs": []}', ValueError, "'lrs' appears twice"),
    ("not UTF-8", b"\xff\xfe{}", ValueError, "not UTF-8"),
    ("not an object", "[1, 2, 3]", TypeError, "must be a JSON object"),
    ("another format", edited(format="pandas"), ValueError, "format must be 'minigrad_lr.RangeTestResult'"),
    ("another version", edited(version=2), ValueError, "version must be 1"),
    ("version true", edited(version=True), ValueError, "version must be 1"),
    ("missing key", without("losses"), ValueError, "missing key(s) 'losses'"),
    ("unexpected key", edited(comment="hi"), ValueError, "unexpected key(s) 'comment'"),
    ("null loss", edited(losses=at(3, None)), TypeError, "losses[3] must be a number, got None"),
    ("bool accuracy", edited(accuracies=at(1, True)), TypeError, "accuracies[1] must be a number, got True"),
    ("list in lrs", edited(lrs=at(2, [1.0])), TypeError, "lrs[2] must be a number, got [1.0]"),
    ("unknown string", edited(lrs=at(2, "fast")), ValueError, "lrs[2] must be a number or one of"),
    ("'inf' is not JSON's spelling", edited(losses=at(9, "inf")), ValueError, "losses[9] must be a number or one of"),
    ("int too large", edited(losses=at(0, 10**400)), ValueError, "losses[0] must fit in a float64"),
    ("array null", edited(smoothed=None), TypeError, "smoothed must be a list of numbers, got None"),
    ("array a string", edited(val_losses="none"), TypeError, "val_losses must be a list of numbers or null"),
    ("shorter smoothed", edited(smoothed=lambda v: v[:-1]), ValueError, "smoothed must hold one value per step"),
    ("longer val_losses", edited(val_losses=lambda v: v + [1.0]), ValueError, "val_losses must hold one value per"),
    ("no steps", cut(0), ValueError, "lrs must hold from 1 to num_iter=10 steps, got 0"),
    ("more steps than num_iter", edited(num_iter=5, stop_reason="diverged"), ValueError, "from 1 to num_iter=5"),
    ("completed too early", cut(6), ValueError, "stop_reason is 'completed', so lrs must hold all"),
    ("lrs not increasing", edited(lrs=lambda v: at(4, v[3])(v)), ValueError, "lrs must be strictly increasing"),
    ("negative lr", edited(lrs=at(0, -1.0)), ValueError, "lrs must be positive and finite, got lrs[0] = -1.0"),
    ("NaN lr", edited(lrs=at(5, "NaN")), ValueError, "lrs[5] = nan"),
    ("lrs[0] is not start_lr", edited(start_lr=5e-5), ValueError, "lrs[0] must be start_lr=5e-05"),
    ("lrs[-1] is not end_lr", edited(end_lr=2.0), ValueError, "lrs[9] must be end_lr=2.0"),
    ("NaN loss before the end", edited(losses=at(2, "NaN")), ValueError, "losses[2] must be finite"),
    ("negative loss", edited(losses=at(5, -0.5)), ValueError, "losses[5] must be >= 0 (a loss), got -0.5"),
    ("non-finite end, not said", edited(losses=at(9, "Infinity")), ValueError,
     "stop_reason is 'completed' but losses[9] = inf"),
    ("said non-finite, but finite", edited(stop_reason="non_finite"), ValueError,
     "stop_reason is 'non_finite' but losses[9] = 1.0"),
    ("unknown stop_reason", edited(stop_reason="exploded"), ValueError, "stop_reason must be one of"),
    ("smoothed NaN, loss finite", edited(smoothed=at(9, "NaN")), ValueError, "smoothed[9] must be finite exactly"),
    ("negative smoothed", edited(smoothed=at(0, -1.0)), ValueError, "smoothed[0] must be >= 0"),
    ("accuracy above 1", edited(accuracies=at(0, 1.5)), ValueError, "accuracies[0] must be in [0, 1]"),
    ("negative val loss", edited(val_losses=at(1, -1.0)), ValueError, "val_losses[1] must be >= 0"),
    ("NaN start_lr", edited(start_lr=math.nan), ValueError, "start_lr must be finite, got nan"),
    ("start_lr a string", edited(start_lr="1e-4"), TypeError, "start_lr must be a real number"),
    ("exp ratio overflows", edited(start_lr=1e-300, end_lr=1e300), ValueError, "end_lr / start_lr"),
    ("num_iter a float", edited(num_iter=10.0), TypeError, "num_iter must be an integer"),
    ("num_iter 1", edited(num_iter=1), ValueError, "num_iter must be >= 2"),
    ("unknown mode", edited(mode="cosine"), ValueError, "mode must be one of"),
    ("smooth 1", edited(smooth=1.0), ValueError, "smooth must be in [0, 1)"),
    ("smooth null", edited(smooth=None), TypeError, "smooth must be a real number"),
    ("stop_factor 0.5", edited(stop_factor=0.5), ValueError, "stop_factor must be > 1"),
    ("unknown stop_on", edited(stop_on="both"), ValueError, "stop_on must be one of"),
]


@pytest.mark.parametrize("content, error, words", [case[1:] for case in MALFORMED], ids=[case[0] for case in MALFORMED])
def test_from_json_rejects_a_malformed_file_naming_the_file_and_the_key(tmp_path, content, error, words):
    """One case per kind of damage: a ValueError (bad value) or TypeError (bad type) that begins with the path."""
    path = tmp_path / "results.json"
    made_up_result().to_json(path)
    if callable(content):
        content = json.dumps(content(json.loads(path.read_text())))
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(error) as info:
        RangeTestResult.from_json(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and words in message, message


@pytest.mark.parametrize("changes", [
    dict(),
    dict(stop_reason="diverged", num_iter=25, val_losses=None, stop_factor=None, smooth=0.0, stop_on="smoothed"),
    dict(stop_reason="non_finite", losses=np.r_[np.linspace(2.0, 1.0, 9), np.nan],
         smoothed=np.r_[ema(np.linspace(2.0, 1.0, 9), 0.98), np.nan], accuracies=np.full(10, np.nan), mode="linear",
         lrs=range_lrs(1e-4, 1.0, 10, "linear")),
])
def test_every_result_a_range_test_can_record_comes_back(tmp_path, changes):
    result = made_up_result(**changes)
    result.to_json(tmp_path / "r.json")
    back = RangeTestResult.from_json(str(tmp_path / "r.json"))
    for name in ARRAYS:
        assert (getattr(back, name) is None) == (getattr(result, name) is None)
        if getattr(result, name) is not None:
            assert getattr(back, name).tobytes() == getattr(result, name).tobytes()
    assert back.settings == result.settings and back.stop_reason == result.stop_reason


# --- writing a file: atomically, only what from_json reads, and the path checked ------------------------


def half_then(error):
    """A stand-in for json.dump that writes half the document, then raises ``error``."""
    def dump(document, f, **options):
        f.write(json.dumps(document)[:50])
        raise error
    return dump


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt(), TypeError("bug")])
def test_a_failing_to_json_leaves_the_old_file_untouched_and_no_temporary_file(tmp_path, monkeypatch, error):
    path = tmp_path / "r.json"
    made_up_result().to_json(path)
    before = path.read_bytes()
    monkeypatch.setattr(json, "dump", half_then(error))
    with pytest.raises(type(error)):
        made_up_result(n=20).to_json(path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["r.json"]


def test_a_failing_to_csv_leaves_no_file_where_there_was_none(tmp_path, monkeypatch):
    rows = []

    class FailingWriter:
        def __init__(self, f):
            self.f = f

        def writerow(self, row):
            rows.append(row)
            self.f.write(",".join(map(str, row)) + "\n")
            if len(rows) == 3:
                raise OSError(28, "No space left on device")

    monkeypatch.setattr(csv, "writer", FailingWriter)
    with pytest.raises(OSError, match="No space"):
        made_up_result().to_csv(tmp_path / "r.csv")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("write", ["to_json", "to_csv"])
def test_an_unwritable_folder_is_an_oserror_naming_the_path(tmp_path, monkeypatch, write):
    missing = tmp_path / "no such folder" / "r.out"
    with pytest.raises(FileNotFoundError) as info:
        getattr(made_up_result(), write)(missing)
    assert info.value.filename == str(missing)

    def refuse(**options):  # a read-only folder (chmod does not stop root, who runs some CI)
        raise PermissionError(13, "Permission denied", options["dir"])

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(PermissionError) as info:
        getattr(made_up_result(), write)(tmp_path / "r.out")
    assert info.value.filename == str(tmp_path / "r.out") and "Permission denied" in str(info.value)


@pytest.mark.parametrize("write", ["to_json", "to_csv"])
def test_written_files_get_the_permissions_open_would_give(tmp_path, write):
    """A new file: 0o666 less the umask (mkstemp alone would give 0o600); a replaced file keeps its mode."""
    umask = os.umask(0)
    os.umask(umask)
    path = tmp_path / "r.out"
    getattr(made_up_result(), write)(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    path.chmod(0o640)
    getattr(made_up_result(), write)(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


@pytest.mark.parametrize("path, error", [(None, TypeError), (3, TypeError), (b"r.json", TypeError),
                                         (["r.json"], TypeError), ("", ValueError)])
@pytest.mark.parametrize("io", ["to_json", "to_csv", "from_json"])
def test_a_path_that_is_not_a_path_is_rejected_by_name(path, error, io):
    function = RangeTestResult.from_json if io == "from_json" else getattr(made_up_result(), io)
    with pytest.raises(error, match="path"):
        function(path)


@pytest.mark.parametrize(
    "changes, error, words",
    [
        (dict(lrs=range_lrs(1e-4, 1.0, 12)), ValueError, "losses must hold one value per step"),
        (dict(losses=np.r_[np.ones(9), -1.0]), ValueError, "losses[9] must be >= 0"),
        (dict(stop_reason=None), ValueError, "stop_reason must be one of"),
        (dict(mode="cos"), ValueError, "mode must be one of"),
        (dict(val_losses=np.ones((10, 1))), ValueError, "val_losses must be 1-D"),
        (dict(lrs="fast"), TypeError, "lrs must hold numbers (int or float), got dtype <U4 (str)"),
        (dict(smooth=math.nan), ValueError, "smooth must be finite"),
    ],
)
@pytest.mark.parametrize("write", ["to_json", "to_csv"])
def test_writers_refuse_a_result_that_from_json_would_refuse(tmp_path, changes, error, words, write):
    path = tmp_path / "r.out"
    with pytest.raises(error) as info:
        getattr(made_up_result(**changes), write)(path)
    assert str(info.value).startswith(f"cannot write {path}: ") and words in str(info.value)
    assert not path.exists()


def test_numpy_scalar_settings_are_saved_as_plain_numbers(tmp_path):
    result = made_up_result(num_iter=np.int64(10), start_lr=np.float64(1e-4), smooth=np.float64(0.98))
    result.to_json(tmp_path / "r.json")
    document = json.loads((tmp_path / "r.json").read_text())
    assert type(document["num_iter"]) is int and document["start_lr"] == 1e-4
    assert RangeTestResult.from_json(tmp_path / "r.json").settings == made_up_result().settings
