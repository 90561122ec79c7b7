"""The demo: runs end to end, prints a table and a figure path, rejects bad arguments like argparse does."""

import os
import subprocess
import sys

import pytest

from minigrad_lr import demo
from minigrad_lr.suggest import METHODS

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run_demo(capsys, tmp_path, *args):
    """Run ``main`` in this process (fast) and return what it printed."""
    assert demo.main([*args, "--out", str(tmp_path)]) == 0
    return capsys.readouterr().out


def figure_path(out):
    line = [line for line in out.splitlines() if line.startswith("Figure: ")][-1]
    return line.removeprefix("Figure: ")


def table_rows(out):
    """The rows of the suggestion table: the lines between its header and the blank line after it."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("optimizer"))
    header = lines[start].split()
    rows = []
    for line in lines[start + 1:]:
        if not line.strip():
            break
        rows.append(line)
    return header, rows


def test_module_runs_as_a_script(tmp_path):
    """`python -m minigrad_lr.demo` with defaults: exit 0, writes a PNG, prints its path."""
    env = {**os.environ, "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, "-m", "minigrad_lr.demo", "--out", str(tmp_path / "figs")],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    path = figure_path(done.stdout)
    with open(path, "rb") as f:
        assert f.read(8) == PNG_SIGNATURE
    assert os.path.getsize(path) > 10_000
    assert "Traceback" not in done.stderr


def test_default_tests_adam_and_sgd_with_every_rule(capsys, tmp_path):
    out = run_demo(capsys, tmp_path)
    header, rows = table_rows(out)
    assert header[-len(METHODS):] == list(METHODS)
    assert [row.split(",")[0].split()[0] for row in rows] == ["Adam", "SGD"]
    assert "1797 samples" in out and "lr 1e-07 -> 10 in 100 steps" in out
    for row in rows:
        steps, stopped = row.split()[-len(METHODS) - 2:-len(METHODS)]
        assert 2 <= int(steps) <= 100 and stopped in ("completed", "diverged", "non_finite")


def test_the_demo_trains_the_readmes_network_and_explains_the_rules(capsys, tmp_path):
    """The same 64-64-10 MLP as the README (so the numbers agree), and one glossary line per rule."""
    out = run_demo(capsys, tmp_path)
    assert "MLP 64-64-10," in out
    glossary = out.split("What each rule picks:\n")[1].split("\n\n")[0].splitlines()
    assert [line.split()[0] for line in glossary] == list(METHODS)


def test_the_demo_gives_find_lrs_answer_with_its_cost_and_why(capsys, tmp_path):
    """find_lr beside the rules: one lr per optimizer, in the range tested, with its training steps and time,
    and the line that says why to prefer it and where the numbers come from."""
    out = run_demo(capsys, tmp_path)
    part = out.split("find_lr (suggest, then verify by short training runs), for 5 epochs of training:\n")[1]
    lines = part.splitlines()
    for line, name in zip(lines[:2], ("Adam", "SGD, momentum 0.9")):
        assert line.split("lr = ")[0].strip() == name
        lr = float(line.split("lr = ")[1].split()[0])
        assert 1e-7 <= lr <= 10
        assert "training steps," in line and line.endswith(" s)")
    assert "python -m minigrad_lr.bench quality" in part


def test_a_run_whose_loss_never_fell_shows_each_refusal_and_why(capsys, tmp_path):
    """--end-lr 1e-4: the loss never falls 10%; every rule refuses, and the demo says why and what to try."""
    out = run_demo(capsys, tmp_path, "--end-lr", "1e-4", "--optimizer", "adam")
    _, rows = table_rows(out)
    assert rows[0].split()[-len(METHODS):] == ["-"] * len(METHODS)
    assert "Adam, every rule: the mean loss of 5 batches fell by only" in out
    assert "Try a larger end_lr or num_iter" in out
    assert "Adam               no suggestion (see above)" in out


def test_optimizer_all_gives_one_row_each(capsys, tmp_path):
    out = run_demo(capsys, tmp_path, "--optimizer", "all", "--num-iter", "40")
    _, rows = table_rows(out)
    assert [row.split(",")[0].split()[0] for row in rows] == ["SGD", "Adam", "RMSProp", "Adagrad"]
    assert os.path.exists(figure_path(out))


def test_spirals(capsys, tmp_path):
    out = run_demo(capsys, tmp_path, "--data", "spirals", "--optimizer", "adam", "--num-iter", "50")
    assert "spirals" in out and "MLP 2-64-3" in out
    _, rows = table_rows(out)
    assert len(rows) == 1


def test_show_without_a_display_does_not_hang(capsys, tmp_path, monkeypatch):
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(demo.sys, "platform", "linux")
    out = run_demo(capsys, tmp_path, "--optimizer", "adam", "--num-iter", "20", "--show")
    assert "no display" in out


def test_help_exits_zero(capsys):
    with pytest.raises(SystemExit) as exit_info:
        demo.main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for option in ("--optimizer", "--data", "--mnist", "--start-lr", "--end-lr", "--num-iter",
                   "--batch-size", "--seed", "--method", "--out", "--show"):
        assert option in out


@pytest.mark.parametrize(
    "args, words",
    [
        (["--num-iter", "0"], "--num-iter must be at least 2, got 0"),
        (["--start-lr", "-1"], "--start-lr must be a positive number, got -1"),
        (["--start-lr", "nan"], "--start-lr must be a positive number, got nan"),
        (["--start-lr", "1e-2", "--end-lr", "1e-3"], "--end-lr must be greater than --start-lr"),
        (["--batch-size", "0"], "--batch-size must be at least 1, got 0"),
        (["--batch-size", "5000"], "--batch-size 5000 is larger than the data (1797 samples)"),
        (["--mnist", "/no/such/folder"], "--mnist: no such folder: /no/such/folder"),
        (["--optimizer", "lbfgs"], "invalid choice: 'lbfgs'"),
        (["--data", "spirals", "--mnist", "."], "not allowed with argument"),
        (["--num-iter", "ten"], "invalid int value: 'ten'"),
        (["--seed", "-1"], "--seed must be >= 0, got -1"),
        (["--epochs", "0"], "--epochs must be at least 1, got 0"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(capsys, tmp_path, args, words):
    with pytest.raises(SystemExit) as exit_info:
        demo.main([*args, "--out", str(tmp_path)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert words in err and "usage:" in err and "Traceback" not in err


def test_an_unwritable_out_folder_is_an_error_before_anything_runs(capsys, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    with pytest.raises(SystemExit) as info:
        demo.main(["--out", str(blocker / "figs")])
    assert info.value.code == 2
    err = capsys.readouterr()
    assert f"--out {blocker / 'figs'}: cannot write there" in err.err and "Range test on" not in err.out


def test_mnist_folder_without_the_files(capsys, tmp_path):
    """An existing folder without MNIST's files: argparse-style error naming what is missing, exit 2."""
    with pytest.raises(SystemExit) as exit_info:
        demo.main(["--mnist", str(tmp_path), "--out", str(tmp_path)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "error:" in err and "train-images" in err
