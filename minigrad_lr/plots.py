"""Every figure of the article, as functions that take an optional Axes and return it.

Nothing here calls ``plt.show()``: the tutorials and the demo compose these functions into figures
and save them. Learning-rate axes are logarithmic everywhere.

1. ``plot_gradient_descent``  gradient descent on J(θ) = a·θ²/2 with a small or a large step
2. ``plot_lr_schedule``       the learning rate grows after each mini-batch
3. ``plot_range_test``        loss against learning rate, each rule's suggestion marked
4. ``plot_loss_change``       rate of change of the loss, raw (noisy)
5. ``plot_loss_change_sma``   rate of change, simple moving average; its minimum is the suggestion
+  ``plot_loss_curves``       the "naive approach": loss over iterations for a few fixed lrs
+  ``plot_range_tests``       several range tests on one axis (e.g. one per optimizer)
+  ``save_figure``            write a figure for the tutorials: save, show when interactive, close
"""

import os
import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from ._checks import check_flag, check_skip_window
from .smoothing import loss_change
from .suggest import METHODS, suggest_all

# One colour per suggestion rule, the same in every figure.
METHOD_COLORS = dict(zip(METHODS, ("tab:red", "tab:purple", "tab:orange", "tab:green", "tab:brown", "tab:pink")))


def _axes(ax):
    return plt.gca() if ax is None else ax


def plot_gradient_descent(a, lr, theta0=1.0, steps=8, ax=None):
    """Gradient descent on the convex cost J(θ) = a·θ²/2, iterates drawn as dots joined by arrows.

    The update θ ← θ − lr·J'(θ) = (1 − lr·a)·θ multiplies θ by r = 1 − lr·a every step, so

    * lr < 1/a: 0 < r < 1, θ creeps monotonically down one side of the bowl;
    * 1/a < lr < 2/a: −1 < r < 0, θ jumps across the minimum but still converges;
    * lr > 2/a: r < −1, θ zig-zags across the minimum with growing amplitude: divergence.

    Returns the Axes; the iterates are ``theta0 · (1 − lr·a) ** k`` for k = 0 … steps.
    """
    ax = _axes(ax)
    thetas = theta0 * (1.0 - lr * a) ** np.arange(steps + 1)
    costs = 0.5 * a * thetas**2
    reach = max(np.abs(thetas).max(), abs(theta0)) * 1.15
    grid = np.linspace(-reach, reach, 400)
    ax.plot(grid, 0.5 * a * grid**2, color="0.3", lw=1.5, label=r"$J(\theta) = a\,\theta^2/2$")
    ax.plot(thetas, costs, "o", color="tab:blue", ms=5, label="iterates", zorder=3)
    for (t0, c0), (t1, c1) in zip(zip(thetas, costs), zip(thetas[1:], costs[1:])):
        ax.annotate("", xy=(t1, c1), xytext=(t0, c0), arrowprops=dict(arrowstyle="->", color="tab:blue", lw=1))
    if lr < 1 / a:
        regime = f"lr < 1/a = {1 / a:g}: monotone"
    elif lr < 2 / a:
        regime = f"1/a = {1 / a:g} < lr < 2/a = {2 / a:g}: oscillates, converges"
    else:
        regime = f"lr > 2/a = {2 / a:g}: diverges"
    ax.set_title(f"a = {a:g}, lr = {lr:g}  ({regime})")
    ax.set_xlabel(r"parameter $\theta$")
    ax.set_ylabel(r"cost $J(\theta)$")
    ax.legend(loc="upper center", fontsize="small")
    return ax


def plot_lr_schedule(result, ax=None, label="learning rate"):
    """The learning rate of every mini-batch of a range test, on a log axis: a straight line in "exp" mode."""
    ax = _axes(ax)
    ax.plot(np.arange(len(result.lrs)), result.lrs, ".-", ms=3, color="tab:blue", label=label)
    ax.set_yscale("log")
    ax.set_xlabel("iteration (mini-batch)")
    ax.set_ylabel("learning rate")
    ax.set_title("The learning rate grows after each mini-batch")
    ax.grid(True, which="major", alpha=0.3)
    return ax


def plot_range_test(result, ax=None, methods=METHODS, raw=True, use_val=False, skip_start=0, skip_end=0):
    """Loss against learning rate (log axis), the smoothed curve on top, each rule's pick a dashed line.

    Rules that pick the same lr share one line and one legend entry ("steepest, steep: 0.61"); rules
    that refuse to answer on this curve share a legend entry with the start of their reason
    ("valley, slide: no answer, ...", "every rule: no answer, ..." on a curve that never fell).
    ``use_val`` draws the validation losses and marks the rules' answers on them; ``skip_start`` and
    ``skip_end`` leave points out of the drawing (not out of what the rules read).
    """
    ax = _axes(ax)
    use_val = check_flag("use_val", use_val)
    lo, hi = check_skip_window(len(result.lrs), skip_start, skip_end)
    shown = slice(lo, max(lo, hi))
    lrs = result.lrs[shown]
    if use_val:
        if result.val_losses is None:
            raise ValueError("use_val=True but the result has no val_losses: run lr_range_test with val_batches")
        curve = result.val_losses[shown]
        ax.plot(lrs, curve, color="tab:blue", lw=2, label="validation loss")
    else:
        curve = result.losses[shown] if raw else result.smoothed[shown]
        if raw:
            ax.plot(lrs, curve, color="0.7", lw=1, label="loss (raw)")
        ax.plot(lrs, result.smoothed[shown], color="tab:blue", lw=2, label=f"loss (smoothed, β={result.smooth:g})")
    by_lr, by_reason = {}, {}  # lr (or reason) -> the rules that picked it (gave it), in the order of methods
    for method, s in suggest_all(result, methods=methods, use_val=use_val).items():
        if s:
            by_lr.setdefault(s.lr, []).append(method)
        else:
            by_reason.setdefault(s.reason.split(": ", 1)[-1], []).append(method)  # without "<method>: "
    for lr, names in by_lr.items():
        ax.axvline(lr, color=METHOD_COLORS[names[0]], ls="--", lw=1.2, label=f"{', '.join(names)}: {lr:.2g}")
    for reason, names in by_reason.items():
        _legend_note(ax, "every rule" if len(names) == len(METHODS) else ", ".join(names), reason)
    ax.set_xscale("log")
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel("validation loss" if use_val else "training loss")
    ax.set_title(f"Loss against learning rate ({result.stop_reason})")
    _clip_to_curve(ax, curve)
    ax.legend(fontsize="small", loc="lower left")  # the loss falls to the right: the lower left is free
    ax.grid(True, which="major", alpha=0.3)
    return ax


def plot_loss_change(result, ax=None):
    """The raw rate of change of the loss, d_i = loss_i − loss_{i−1}, against lr: very noisy."""
    ax = _axes(ax)
    ax.plot(result.lrs, loss_change(result.losses, 1), color="tab:gray", lw=1)
    ax.axhline(0.0, color="black", lw=0.8)
    ax.set_xscale("log")
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel("loss change per iteration")
    ax.set_title("Rate of change of the loss (raw)")
    ax.grid(True, which="major", alpha=0.3)
    return ax


def plot_loss_change_sma(result, ax=None, k=20, label=None, skip_start=10, skip_end=5):
    """The article's smoothed rate of change, d_i = (loss_i − loss_{i−k}) / k, with its minimum marked.

    The marked point is the ``sma_derivative`` suggestion: the minimum of d over the points the rule
    reads, i in [max(k, skip_start), n − skip_end), drawn solid; the skipped ends are dotted.
    ``label`` names the curve in the legend (default: the window); call it once per result to overlay.
    """
    ax = _axes(ax)
    change = loss_change(result.losses, k)
    lo, hi = max(k, skip_start), len(change) - skip_end
    label = f"simple moving average, k = {k}" if label is None else label
    (line,) = ax.plot(result.lrs[lo:hi], change[lo:hi], lw=2, label=label)
    for part in (slice(None, lo + 1), slice(hi - 1, None)):
        ax.plot(result.lrs[part], change[part], ls=":", lw=1.2, color=line.get_color())
    ax.axhline(0.0, color="black", lw=0.8)
    # Keep the tested lr range in view even when the curve is shorter than k and d is all NaN.
    ax.update_datalim([(result.lrs[0], 0.0), (result.lrs[-1], 0.0)])
    ax.autoscale_view()
    suggestion = suggest_all(result, methods=("sma_derivative",), k=k,
                             skip_start=skip_start, skip_end=skip_end)["sma_derivative"]
    if suggestion:
        ax.plot(suggestion.lr, change[suggestion.index], "o", color=line.get_color(), ms=8,
                markeredgecolor="black", label=f"minimum: lr = {suggestion.lr:.2g}")
    else:
        _legend_note(ax, "sma_derivative", suggestion.reason.split(": ", 1)[-1])
    ax.set_xscale("log")
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel("loss change per iteration")
    ax.set_title(f"Rate of change of the loss, SMA over k = {k} iterations\n(dotted: the ends the rule skips)")
    ax.legend(fontsize="small", loc="lower left")
    ax.grid(True, which="major", alpha=0.3)
    return ax


def plot_loss_curves(curves, ax=None):
    """The naive approach: loss over iterations for a few fixed learning rates, one line each.

    ``curves`` maps a learning rate to the sequence of its losses.
    """
    ax = _axes(ax)
    colors = plt.cm.tab10(np.arange(len(curves)) % 10)
    for color, (lr, losses) in zip(colors, sorted(curves.items())):
        ax.plot(np.arange(len(losses)), losses, color=color, lw=1.5, label=f"lr = {lr:g}")
    ax.set_xlabel("iteration (mini-batch)")
    ax.set_ylabel("training loss")
    ax.set_title("The naive approach: try a few learning rates")
    ax.legend(fontsize="small")
    ax.grid(True, alpha=0.3)
    return ax


def plot_range_tests(results, ax=None, method="sma_derivative"):
    """Several range tests on one log axis (smoothed loss), each labelled, with one rule's pick marked.

    ``results`` maps a label (e.g. an optimizer's name) to a RangeTestResult.
    """
    ax = _axes(ax)
    for label, result in results.items():
        (line,) = ax.plot(result.lrs, result.smoothed, lw=2, label=label)
        suggestion = suggest_all(result, methods=(method,))[method]
        if suggestion:
            ax.plot(suggestion.lr, result.smoothed[suggestion.index], "o", color=line.get_color(), ms=7)
        else:
            _legend_note(ax, label, suggestion.reason.split(": ", 1)[-1])
    ax.set_xscale("log")
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel("training loss (smoothed)")
    ax.set_title(f"Range tests; dots: {method} suggestion")
    _clip_to_curve(ax, np.concatenate([r.smoothed for r in results.values()]))
    ax.legend(fontsize="small", loc="lower left")
    ax.grid(True, which="major", alpha=0.3)
    return ax


def figures_folder():
    """Where the tutorials write their figures, the same way in a script and in a notebook.

    ``$MINIGRAD_LR_FIGURES`` if it is set; otherwise the ``figures/`` folder of the minigrad_lr checkout
    that holds the current folder (the first folder, from here upwards, that has both ``tutorials/``
    and ``pyproject.toml``); otherwise ``figures/`` in the current folder. The tutorials print it.
    """
    if os.environ.get("MINIGRAD_LR_FIGURES"):
        return Path(os.environ["MINIGRAD_LR_FIGURES"])
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "tutorials").is_dir() and (folder / "pyproject.toml").is_file():
            return folder / "figures"
    return here / "figures"


def save_figure(fig, path, dpi=110):
    """Write ``fig`` to ``path`` (making its folder), show it when matplotlib is interactive, then close it.

    Prints the path and returns nothing, so that a notebook cell ending with it shows no ``Out:``. The
    tutorials call it for every figure, so that they run as scripts (nothing shown, nothing left open)
    and as notebooks (each figure shown under its cell).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    print(f"wrote {path}")
    if plt.isinteractive():
        plt.show()
    plt.close(fig)


def _legend_note(ax, who, reason):
    """A legend entry without a line for a refusal: who refused, and the start of the reason."""
    ax.plot([], [], " ", label=textwrap.shorten(f"{who}: no answer, {reason}", width=80, placeholder=" ..."))


def _clip_to_curve(ax, losses):
    """Keep the interesting part in view: the explosion at the end would squash the rest of the curve."""
    finite = np.asarray(losses)[np.isfinite(losses)]
    if finite.size:
        low, first = finite.min(), finite[0]
        top = first + max(0.3 * (first - low), 0.05 * abs(first)) + 1e-12
        ax.set_ylim(max(0.0, low - 0.05 * (top - low)), top)
