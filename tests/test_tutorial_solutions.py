"""Every tutorial ends with its exercises, and every worked solution runs and asserts its answers.

A tutorial's last cell is a markdown cell headed "## Exercises" holding 3 to 6 numbered items; its
solutions are ``tutorials/solutions/<the tutorial's file name>``, a script that runs on its own, prints
no warning and writes no file. A zero exit code means that every answer it asserts held.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

TUTORIALS = Path(__file__).resolve().parent.parent / "tutorials"
SOLUTIONS = TUTORIALS / "solutions"

# The tutorials that have exercises; add a tutorial here when its exercises and solutions are written.
WITH_EXERCISES = (
    "01_learning_rate_matters.py",
    "02_range_test.py",
    "03_optimizers.py",
    "04_rerun_during_training.py",
    "05_schedules.py",
    "06_does_it_work.py",
    "07_lr_free.py",
)


def last_cell(path):
    """The header line ("# %% ...") and the body lines of the last "# %%" cell of a percent-format script."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = max(i for i, line in enumerate(lines) if line.startswith("# %%"))
    return lines[start], lines[start + 1:]


def markdown_text(body):
    """The markdown of a cell's comment lines: "# text" → "text", "#" → ""; blank lines dropped."""
    assert all(line.startswith("#") for line in body if line.strip()), "a markdown cell holds only comments"
    return [re.sub(r"^# ?", "", line) for line in body if line.strip()]


@pytest.mark.parametrize("tutorial", WITH_EXERCISES)
def test_tutorial_ends_with_exercises(tutorial):
    header, body = last_cell(TUTORIALS / tutorial)
    assert header == "# %% [markdown]", f"{tutorial}: the last cell is not a markdown cell: {header!r}"
    text = markdown_text(body)
    assert text and text[0] == "## Exercises", f"{tutorial}: the last cell is not headed '## Exercises'"
    numbers = [int(m.group(1)) for m in (re.match(r"(\d+)\. \S", line) for line in text) if m]
    assert 3 <= len(numbers) <= 6, f"{tutorial}: {len(numbers)} numbered exercises, not 3 to 6"
    assert numbers == list(range(1, len(numbers) + 1)), f"{tutorial}: exercises numbered {numbers}"


@pytest.mark.parametrize("tutorial", WITH_EXERCISES)
def test_tutorial_has_a_solution(tutorial):
    assert (TUTORIALS / tutorial).is_file(), f"{tutorial} is listed but does not exist"
    assert (SOLUTIONS / tutorial).is_file(), f"{tutorial} has no worked solutions in {SOLUTIONS.name}/{tutorial}"


def test_every_solution_is_listed():
    assert sorted(p.name for p in SOLUTIONS.glob("[0-9]*.py")) == sorted(WITH_EXERCISES)


@pytest.mark.parametrize("solution", WITH_EXERCISES)
def test_solution_runs_and_asserts_its_answers(solution, tmp_path):
    env = {**os.environ, "MPLBACKEND": "Agg"}
    run = subprocess.run([sys.executable, str(SOLUTIONS / solution)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, f"{solution} failed:\n{run.stdout}\n{run.stderr}"
    assert "Warning" not in run.stderr, f"{solution} printed a warning:\n{run.stderr}"
    assert not any(tmp_path.iterdir()), f"{solution} wrote files: {sorted(p.name for p in tmp_path.iterdir())}"
