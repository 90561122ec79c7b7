"""An optional progress bar: tqdm, imported only when a bar is asked for.

``import minigrad_lr`` imports no tqdm (nor matplotlib). Where a bar is wanted, ``progress_bar`` uses
``tqdm.auto`` (a widget in a notebook) when ipywidgets is installed, and tqdm's plain text bar otherwise,
so that a notebook without widget support shows a text bar instead of tqdm.auto's ``TqdmWarning``.
"""

import contextlib
import importlib.util


class _NoBar:
    """What ``progress_bar`` gives when no bar is wanted: the same two methods, doing nothing."""

    def update(self, n=1):
        pass

    def set_postfix(self, **values):
        pass


@contextlib.contextmanager
def progress_bar(total, desc, enabled):
    """A context manager giving an object with ``update()`` and ``set_postfix(**values)``: a tqdm bar of
    ``total`` steps labelled ``desc`` when ``enabled``, else one that does nothing."""
    if not enabled:
        yield _NoBar()
        return
    if importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.auto import tqdm
    else:
        from tqdm import tqdm
    with tqdm(total=total, desc=desc) as bar:
        yield bar
