"""Tests of bench/speed.py: the command line of ``python -m minigrad_lr.bench`` (the tables: their own tests)."""

import pytest

from minigrad_lr.bench import speed


def test_help_mentions_all_and_threads(capsys):
    with pytest.raises(SystemExit):
        speed.main(["--help"])
    out = capsys.readouterr().out
    assert "--all" in out and "OPENBLAS_NUM_THREADS" in out


def test_bad_rounds_is_an_error(capsys):
    with pytest.raises(SystemExit):
        speed.main(["--rounds", "0"])
    assert "--rounds must be >= 1" in capsys.readouterr().err
