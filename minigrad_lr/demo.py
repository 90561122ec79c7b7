"""``python -m minigrad_lr.demo``: the range test on real data, in a few seconds.

For each optimizer asked for, it builds the README's MLP (one hidden layer of 64 ReLU units) from the
same seed, runs the range test (1e-7 → 10 in 100 mini-batches by default), prints every rule's
suggestion in a table with a line on what each rule reads, then ``find_lr``'s answer (suggest, then
verify by short training runs) with what it cost, and saves one figure: loss against lr and the
article's smoothed rate of change, suggestions marked.

    python -m minigrad_lr.demo                       # Adam and SGD (momentum 0.9) on the bundled digits
    python -m minigrad_lr.demo --optimizer all --num-iter 200
    python -m minigrad_lr.demo --data spirals --out /tmp/figs --show
    python -m minigrad_lr.demo --mnist ~/data/mnist  # the IDX files of MNIST, if you have them
"""

import argparse
import math
import os
import sys
import tempfile
import time
from pathlib import Path

from .adaptive import Adagrad, Adam, RMSProp
from .data import batches, load_digits, load_mnist, make_spirals
from .finder import lr_range_test
from .lr_search import lr_search
from .nn import MLP
from .optim import SGD
from .suggest import METHODS, suggest_all

# How each optimizer is built; the lr given here is overwritten by the range test at every step.
DEMO_OPTIMIZERS = {
    "sgd": ("SGD, momentum 0.9", lambda params: SGD(params, lr=1e-3, momentum=0.9)),
    "adam": ("Adam", lambda params: Adam(params)),
    "rmsprop": ("RMSProp", lambda params: RMSProp(params)),
    "adagrad": ("Adagrad", lambda params: Adagrad(params)),
}
DEFAULT_OPTIMIZERS = ("adam", "sgd")
HIDDEN = 64  # the README's network: in-64-out
GLOSSARY = {  # what each rule reads and picks, in a line (rules.py has the formulas and the origins)
    "sma_derivative": "the article's: where the loss falls fastest, averaged over 20 mini-batches",
    "steepest": "pytorch-lr-finder's: where the smoothed loss has its steepest slope",
    "steep": "fastai's: the same, per unit of log lr, on fastai's cut of the curve",
    "minimum": "fastai's: a tenth of the lr at the lowest smoothed loss",
    "valley": "fastai's default: early in the longest stretch where the smoothed loss keeps falling",
    "slide": "fastai's: where the slope stops changing, walking in from the blow-up",
}


def parse_args(argv=None):
    """The parsed arguments, checked (exit 2 with argparse's message when one is bad), and the parser."""
    parser = argparse.ArgumentParser(
        prog="python -m minigrad_lr.demo",
        description="Run the learning-rate range test and print every rule's suggestion.",
    )
    parser.add_argument("--optimizer", choices=[*DEMO_OPTIMIZERS, "all"], default=None,
                        help="which optimizer to test (default: adam and sgd)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--data", choices=["digits", "spirals"], default="digits",
                        help="bundled data (default: digits)")
    source.add_argument("--mnist", metavar="DIR",
                        help="a folder with MNIST's IDX files (train-images-idx3-ubyte[.gz], ...)")
    parser.add_argument("--start-lr", type=float, default=1e-7, help="lr of the first step (default: 1e-7)")
    parser.add_argument("--end-lr", type=float, default=10.0, help="lr of the last step (default: 10)")
    parser.add_argument("--num-iter", type=int, default=100, help="number of mini-batches (default: 100)")
    parser.add_argument("--batch-size", type=int, default=64, help="mini-batch size (default: 64)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the weights and the batch order (default: 0)")
    parser.add_argument("--epochs", type=int, default=5,
                        help="the training budget find_lr picks an lr for, in epochs (default: 5)")
    parser.add_argument("--method", choices=METHODS, default=METHODS[0],
                        help=f"the rule whose suggestion is marked on the figure (default: {METHODS[0]})")
    parser.add_argument("--out", default="figures", help="folder for the figure (default: ./figures)")
    parser.add_argument("--show", action="store_true", help="also open the figure in a window, if there is a display")
    args = parser.parse_args(argv)

    if not (math.isfinite(args.start_lr) and args.start_lr > 0):
        parser.error(f"--start-lr must be a positive number, got {args.start_lr}")
    if not (math.isfinite(args.end_lr) and args.end_lr > args.start_lr):
        parser.error(f"--end-lr must be greater than --start-lr ({args.start_lr}), got {args.end_lr}")
    if args.num_iter < 2:
        parser.error(f"--num-iter must be at least 2, got {args.num_iter}")
    if args.batch_size < 1:
        parser.error(f"--batch-size must be at least 1, got {args.batch_size}")
    if args.seed < 0:
        parser.error(f"--seed must be >= 0, got {args.seed}")
    if args.epochs < 1:
        parser.error(f"--epochs must be at least 1, got {args.epochs}")
    if args.mnist is not None and not Path(args.mnist).is_dir():
        parser.error(f"--mnist: no such folder: {args.mnist}")
    problem = unwritable(args.out)
    if problem:
        parser.error(f"--out {args.out}: {problem}")
    return args, parser


def unwritable(folder):
    """Why the figure could not be written into ``folder`` (made if missing), or None: checked before any run."""
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        return f"cannot write there ({error.strerror or error})"
    return None


def load_data(args):
    """(X, y, name) for the data the arguments ask for."""
    if args.mnist is not None:
        X, y = load_mnist(args.mnist, kind="train")
        return X, y, "MNIST"
    if args.data == "spirals":
        X, y = make_spirals(n_per_class=300, n_classes=3, noise=0.2, seed=args.seed)
        return X, y, "spirals"
    X, y = load_digits()
    return X, y, "digits"


def print_table(results, method):
    """One row per optimizer, one column per rule; '-' where a rule refuses, with its reason below."""
    print(f"\n{'optimizer':<18} {'steps':>5}  {'stopped':<10} " + " ".join(f"{m:>14}" for m in METHODS))
    refusals = []
    for name, result in results.items():
        picks = suggest_all(result)
        cells = " ".join(f"{picks[m].lr:>14.3g}" if picks[m] else f"{'-':>14}" for m in METHODS)
        print(f"{name:<18} {len(result):>5}  {result.stop_reason:<10} {cells}")
        refusals += [(name, refusal) for refusal in picks.values() if not refusal]
    if refusals:
        print("\n'-': the rule refused to answer on that curve, because")
        reasons = {}  # (optimizer, reason) -> the rules that gave it: a curve that never fell, all six
        for name, refusal in refusals:
            reason = refusal.reason.split(": ", 1)[-1]  # without the leading "<method>: "
            reasons.setdefault((name, reason), []).append(refusal.method)
        for (name, reason), methods in reasons.items():
            which = "every rule" if len(methods) == len(METHODS) else ", ".join(methods)
            print(f"  {name}, {which}: {reason}")
    print("\nWhat each rule picks:")
    for rule in METHODS:
        print(f"  {rule:<15} {GLOSSARY[rule]}")
    print(f"\nSuggested (the {method} rule):")
    for name, result in results.items():
        pick = suggest_all(result, methods=(method,))[method]
        print(f"  {name:<18} " + (f"lr = {pick.lr:.3g}" if pick else "no suggestion (see above)"))


def print_find_lr(answers, epochs):
    """find_lr's answer per optimizer, with its cost, and why it is the one to prefer."""
    print(f"\nfind_lr (suggest, then verify by short training runs), for {epochs} epochs of training:")
    for name, (search, seconds) in answers.items():
        print(f"  {name:<18} lr = {search.suggestion.lr:.3g}   ({search.steps} training steps, {seconds:.1f} s)")
    print("  The rules read one curve and each is off by 50% or more in validation loss on some task;\n"
          "  find_lr checks 8 candidates by training and stays within about 20% of the best lr of a full\n"
          "  sweep, for about 15% of its training steps (README, \"How good are the suggestions?\";\n"
          "  python -m minigrad_lr.bench quality measures it).")


def save_demo_figure(results, method, out, show):
    """Loss vs lr for every optimizer (left) and the SMA derivative of each (right); returns the path."""
    import matplotlib

    if not show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .plots import plot_loss_change_sma, plot_range_tests

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
    plot_range_tests(results, ax=left, method=method)
    for name, result in results.items():
        plot_loss_change_sma(result, ax=right, label=name)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "demo_range_test.png"
    fig.savefig(path, dpi=110)
    if show:
        plt.show()
    plt.close(fig)
    return path


def has_display():
    """Whether a window can open: macOS and Windows always, elsewhere only with an X11 or Wayland display."""
    return sys.platform in ("darwin", "win32") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv=None):
    """``python -m minigrad_lr.demo``: range tests, the table of suggestions, the figure; returns 0."""
    args, parser = parse_args(argv)
    try:
        X, y, data_name = load_data(args)
    except (OSError, ValueError) as error:
        parser.error(str(error))
    if args.batch_size > len(X):
        parser.error(f"--batch-size {args.batch_size} is larger than the data ({len(X)} samples)")
    sizes = [X.shape[1], HIDDEN, int(y.max()) + 1]
    if args.optimizer == "all":
        chosen = list(DEMO_OPTIMIZERS)
    else:
        chosen = [args.optimizer] if args.optimizer else list(DEFAULT_OPTIMIZERS)
    print(f"Range test on {data_name} ({len(X)} samples), MLP {'-'.join(map(str, sizes))}, batch {args.batch_size}, "
          f"lr {args.start_lr:g} -> {args.end_lr:g} in {args.num_iter} steps, seed {args.seed}")

    results = {}
    for key in chosen:
        label, make_optimizer = DEMO_OPTIMIZERS[key]
        model = MLP(sizes, activation="relu", seed=args.seed)
        optimizer = make_optimizer(model.parameters())
        stream = batches(X, y, batch_size=args.batch_size, shuffle=True, seed=args.seed)
        results[label] = lr_range_test(model, optimizer, stream, start_lr=args.start_lr,
                                       end_lr=args.end_lr, num_iter=args.num_iter)
    print_table(results, args.method)

    answers = {}
    for key in chosen:
        label, make_optimizer = DEMO_OPTIMIZERS[key]
        model = MLP(sizes, activation="relu", seed=args.seed)
        started = time.perf_counter()
        search = lr_search(model, make_optimizer(model.parameters()), X, y, epochs=args.epochs,
                           batch_size=args.batch_size, seed=args.seed)
        answers[label] = (search, time.perf_counter() - started)
    print_find_lr(answers, args.epochs)

    show = args.show and has_display()
    if args.show and not show:
        print("\n--show: no display found, so no window is opened.")
    path = save_demo_figure(results, args.method, args.out, show)
    print(f"\nFigure: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
