"""Every tutorial runs headless as a plain script and writes every figure it promises; every worked solution runs.

Each tutorial asserts the facts its prose states, so a zero exit code also means those facts held.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

TUTORIALS = Path(__file__).resolve().parent.parent / "tutorials"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

FIGURES = {
    "01_learning_rate_matters.py": ["fig1_gradient_descent.png", "fig_naive_approach.png"],
    "02_range_test.py": ["fig2_lr_schedule.png", "fig3_loss_vs_lr.png", "fig4_loss_change_raw.png",
                         "fig5_loss_change_sma.png"],
    "03_optimizers.py": ["fig_optimizers.png"],
    "04_rerun_during_training.py": ["fig_rerun_during_training.png", "fig_trained_model_range_test.png",
                                    "fig_rerun_pays.png"],
    "05_schedules.py": ["fig_schedules.png", "fig_schedules_training.png"],
    "06_does_it_work.py": ["fig_suggestion_quality.png", "fig_find_lr.png"],
    "07_lr_free.py": ["fig_lr_free_vs_grid.png", "fig_lr_free_step_size.png"],
}


@pytest.mark.parametrize("script", sorted(FIGURES))
def test_tutorial_runs_and_writes_its_figures(script, tmp_path):
    figures = tmp_path / "figures"
    env = {**os.environ, "MPLBACKEND": "Agg", "MINIGRAD_LR_FIGURES": str(figures)}
    run = subprocess.run([sys.executable, str(TUTORIALS / script)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, f"{script} failed:\n{run.stdout}\n{run.stderr}"
    for name in FIGURES[script]:
        path = figures / name
        assert path.is_file(), f"{script} did not write {name}"
        assert path.read_bytes()[:8] == PNG_SIGNATURE, f"{name} is not a PNG"
        assert path.stat().st_size > 10_000, f"{name} is suspiciously small ({path.stat().st_size} bytes)"


def test_every_tutorial_is_tested():
    assert sorted(p.name for p in TUTORIALS.glob("[0-9]*.py")) == sorted(FIGURES)


# --- as notebooks: jupytext converts, nbclient runs (the `notebooks` extra; CI installs it) ------------


@pytest.mark.parametrize("script", sorted(FIGURES))
def test_tutorial_runs_as_a_notebook_without_warnings_or_stray_output(script, tmp_path, monkeypatch):
    """Each tutorial, converted by jupytext and run by nbclient as a student would: no cell fails, no cell
    prints to stderr (a warning), and no cell ends in a stray ``Out:`` (an execute_result)."""
    jupytext = pytest.importorskip("jupytext")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    monkeypatch.setenv("MINIGRAD_LR_FIGURES", str(tmp_path / "figures"))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    notebook = jupytext.read(TUTORIALS / script)
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    for number, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            assert output.get("name") != "stderr", f"{script}, cell {number} printed to stderr:\n{output['text']}"
            assert output["output_type"] != "execute_result", \
                f"{script}, cell {number} ends in a stray Out: {output['data'].get('text/plain')}"
    assert all((tmp_path / "figures" / name).is_file() for name in FIGURES[script])
