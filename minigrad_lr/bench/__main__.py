"""``python -m minigrad_lr.bench``: the speed tables (``speed``); ``python -m minigrad_lr.bench quality``: how
good the suggestions are (``quality``); ``python -m minigrad_lr.bench lr-free``: the lr-free optimizers
(``lr_free``)."""

import sys

from . import lr_free, quality, speed


def main(argv=None):
    """Run ``quality.main`` (or ``lr_free.main``) on the arguments after ``quality`` (``lr-free``) if it comes
    first, else ``speed.main``."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["quality"]:
        return quality.main(argv[1:])
    if argv[:1] == ["lr-free"]:
        return lr_free.main(argv[1:])
    return speed.main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
