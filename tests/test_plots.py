"""plots.py: each function returns its Axes with the expected lines, scales, labels and marks."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from minigrad_lr import plots
from minigrad_lr.result import RangeTestResult
from minigrad_lr.schedules import range_lrs
from minigrad_lr.smoothing import ema, loss_change
from minigrad_lr.suggest import METHODS, suggest_lr

matplotlib.use("Agg")


def make_result(n=100, seed=0):
    """A textbook curve: flat, a fall centred on lr = 1e-2, then a blow-up; with a little noise."""
    lrs = range_lrs(1e-6, 1.0, n)
    x = np.log10(lrs)
    losses = 2.3 - 1.5 / (1 + np.exp(-3 * (x + 2))) + 4 * np.exp(3 * (x - 0.2))
    losses = losses + np.random.default_rng(seed).normal(0, 0.01, n)
    return RangeTestResult(lrs=lrs, losses=losses, smoothed=ema(losses, 0.98), accuracies=np.full(n, np.nan),
                           val_losses=None, stop_reason="completed", start_lr=1e-6, end_lr=1.0, num_iter=n)


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_gradient_descent_draws_the_iterates(ax):
    a, lr, theta0, steps = 2.0, 0.3, 1.0, 6
    assert plots.plot_gradient_descent(a, lr, theta0=theta0, steps=steps, ax=ax) is ax
    dots = [line for line in ax.lines if line.get_marker() == "o"]
    assert len(dots) == 1
    thetas = dots[0].get_xdata()
    np.testing.assert_allclose(thetas, theta0 * (1 - lr * a) ** np.arange(steps + 1))  # θ_{k+1} = θ_k − lr·aθ_k
    np.testing.assert_allclose(dots[0].get_ydata(), a * thetas**2 / 2)
    assert sum(1 for text in ax.texts if text.arrow_patch is not None) == steps  # one arrow per step
    assert "lr < 1/a = 0.5: monotone" in ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


@pytest.mark.parametrize("lr, regime", [(0.2, "lr < 1/a = 0.5: monotone"),
                                        (0.7, "0.5 < lr < 2/a = 1: oscillates, converges"),
                                        (1.2, "lr > 2/a = 1: diverges")])
def test_gradient_descent_names_the_regime(ax, lr, regime):
    """With a = 2 the thresholds are 1/a = 0.5 and 2/a = 1."""
    plots.plot_gradient_descent(2.0, lr, ax=ax)
    assert regime in ax.get_title()


def test_lr_schedule_is_log_y(ax):
    result = make_result()
    assert plots.plot_lr_schedule(result, ax=ax) is ax
    assert ax.get_yscale() == "log"
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), result.lrs)
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), np.arange(len(result.lrs)))
    assert "iteration" in ax.get_xlabel() and "learning rate" in ax.get_ylabel()


def test_range_test_marks_every_rule(ax):
    result = make_result()
    assert plots.plot_range_test(result, ax=ax) is ax
    assert ax.get_xscale() == "log" and "learning rate" in ax.get_xlabel() and "loss" in ax.get_ylabel()
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    for method in METHODS:
        pick = suggest_lr(result, method)
        (label,) = [label for label in labels if method in label.split(":")[0].split(", ")]
        assert label.endswith(f": {pick.lr:.2g}")
        assert any(np.allclose(line.get_xdata(), pick.lr) for line in ax.lines)  # a vertical line at the pick
    assert len(labels) == 2 + len({suggest_lr(result, method).lr for method in METHODS})  # one line per lr
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), result.losses)
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), result.smoothed)


def test_range_test_shows_each_refusal_in_the_legend(ax):
    """On a rising curve every rule refuses (the loss never fell): each has a legend entry saying so,
    and no suggestion line is drawn."""
    n = 50
    lrs = range_lrs(1e-4, 1.0, n)
    losses = np.linspace(1.0, 2.0, n)
    result = RangeTestResult(lrs=lrs, losses=losses, smoothed=losses, accuracies=np.full(n, np.nan),
                             val_losses=None, stop_reason="completed", start_lr=1e-4, end_lr=1.0, num_iter=n)
    plots.plot_range_test(result, ax=ax)
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert any(label.startswith("every rule: no answer, the mean loss of 5 batches fell by only 0.0%")
               for label in labels), labels
    assert not any(line.get_linestyle() == "--" for line in ax.get_lines())


def test_raw_loss_change(ax):
    result = make_result()
    assert plots.plot_loss_change(result, ax=ax) is ax
    assert ax.get_xscale() == "log"
    np.testing.assert_allclose(ax.lines[0].get_ydata()[1:], np.diff(result.losses))


def test_sma_loss_change_marks_its_minimum(ax):
    result = make_result()
    assert plots.plot_loss_change_sma(result, ax=ax, k=20, label="curve") is ax
    assert ax.get_xscale() == "log"
    change = loss_change(result.losses, 20)
    (dot,) = [line for line in ax.lines if line.get_marker() == "o"]
    pick = suggest_lr(result, "sma_derivative", k=20)
    assert dot.get_xdata()[0] == pick.lr and dot.get_ydata()[0] == change[pick.index]
    window = change[20:len(change) - 5]
    assert dot.get_ydata()[0] == np.nanmin(window)  # the lowest point of the solid part
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels[0] == "curve" and labels[1].startswith("minimum: lr = ")


def test_sma_loss_change_on_a_curve_shorter_than_the_window(ax):
    """Fewer points than k: nothing to mark, but the figure still draws on a log axis."""
    result = make_result(n=15)
    plots.plot_loss_change_sma(result, ax=ax, k=20)
    ax.figure.canvas.draw()
    assert not [line for line in ax.lines if line.get_marker() == "o"]
    low, high = ax.get_xlim()
    assert low <= result.lrs[0] and high >= result.lrs[-1]


def test_loss_curves_one_line_per_lr(ax):
    curves = {0.1: [2.3, 1.0, 0.5], 0.001: [2.3, 2.29, 2.28], 1.0: [2.3, 5.0, 9.0]}
    assert plots.plot_loss_curves(curves, ax=ax) is ax
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["lr = 0.001", "lr = 0.1", "lr = 1"]  # sorted by lr
    assert [list(line.get_ydata()) for line in ax.lines] == [curves[0.001], curves[0.1], curves[1.0]]


def test_range_tests_overlay(ax):
    results = {"A": make_result(seed=1), "B": make_result(seed=2)}
    assert plots.plot_range_tests(results, ax=ax) is ax
    assert ax.get_xscale() == "log"
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["A", "B"]
    dots = [line for line in ax.lines if line.get_marker() == "o"]
    assert [dot.get_xdata()[0] for dot in dots] == [suggest_lr(r, "sma_derivative").lr for r in results.values()]


def test_result_plot_uses_the_current_axes_by_default():
    fig, ax = plt.subplots()
    try:
        assert make_result().plot() is ax
    finally:
        plt.close(fig)


def test_save_figure_writes_a_png_and_closes_the_figure(tmp_path, capsys):
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    path = tmp_path / "new" / "f.png"
    assert plots.save_figure(fig, path) is None  # nothing for a notebook cell to echo as "Out:"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not plt.fignum_exists(fig.number)
    assert f"wrote {path}" in capsys.readouterr().out


def test_plot_draws_validation_losses_and_skips_ends_and_shows_only_when_asked(ax, monkeypatch):
    """result.plot(use_val=True, skip_start, skip_end, show): pytorch-lr-finder's options."""
    result = make_result()
    result.val_losses = result.losses + 0.1
    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(True))
    assert result.plot(ax=ax, use_val=True, skip_start=10, skip_end=5) is ax and shown == []
    (line,) = [line for line in ax.get_lines() if line.get_label() == "validation loss"]
    np.testing.assert_array_equal(line.get_xdata(), result.lrs[10:95])
    np.testing.assert_array_equal(line.get_ydata(), result.val_losses[10:95])
    assert ax.get_ylabel() == "validation loss"
    labels = " ".join(t.get_text() for t in ax.get_legend().get_texts())
    assert f"{result.suggest(use_val=True).lr:.2g}" in labels
    result.plot(ax=ax, show=True)
    assert shown == [True]
    with pytest.raises(ValueError, match="no val_losses"):
        make_result().plot(ax=ax, use_val=True)
    with pytest.raises(ValueError, match="skip_start must be >= 0"):
        result.plot(ax=ax, skip_start=-1)


def test_figures_folder_is_the_checkouts_figures_from_anywhere_inside_it(tmp_path, monkeypatch):
    """The same rule in a script and a notebook: $MINIGRAD_LR_FIGURES, else the figures/ of the checkout
    holding the current folder, else ./figures."""
    monkeypatch.delenv("MINIGRAD_LR_FIGURES", raising=False)
    checkout = tmp_path / "repo"
    (checkout / "tutorials" / "solutions").mkdir(parents=True)
    (checkout / "pyproject.toml").write_text("")
    monkeypatch.chdir(checkout / "tutorials" / "solutions")
    assert plots.figures_folder() == checkout.resolve() / "figures"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert plots.figures_folder() == elsewhere.resolve() / "figures"
    monkeypatch.setenv("MINIGRAD_LR_FIGURES", str(tmp_path / "mine"))
    assert plots.figures_folder() == tmp_path / "mine"
