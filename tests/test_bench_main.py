"""Tests of bench/__main__.py: ``python -m minigrad_lr.bench [quality | lr-free]`` runs the speed, quality or
lr-free command."""

import subprocess
import sys

import pytest

from minigrad_lr.bench.__main__ import main


def test_quality_subcommand_is_wired_to_the_quality_tables(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["quality", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "python -m minigrad_lr.bench quality" in out and "--tasks" in out


def test_lr_free_subcommand_is_wired_to_the_lr_free_tables(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["lr-free", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "python -m minigrad_lr.bench lr-free" in out and "--truth-seeds" in out


def test_without_quality_it_is_the_speed_command(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "usage: python -m minigrad_lr.bench " in out and "--rounds" in out


@pytest.mark.parametrize("args", [["--help"], ["quality", "--help"], ["lr-free", "--help"]])
def test_runs_as_a_module(args):
    done = subprocess.run([sys.executable, "-m", "minigrad_lr.bench", *args], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: python -m minigrad_lr.bench")
