"""The explorer's figures, drawn in worker processes.

Drawing a figure is matplotlib work in Python: in one process it holds the interpreter lock, so
the page's two figures and its words would take their turns. The explorer hands each figure to a
small pool of worker processes instead (:data:`WORKERS`; started with ``spawn``, so that no lock
of the threaded server is copied into them). They draw on the machine's other core while the
server solves and writes words, and the page is complete when the slowest of them is.

A worker gets the drawing function and its data (the solved result and what the figure needs:
under a megabyte, pickled in milliseconds) and sends back the file's bytes; it solves nothing.
Workers ignore Ctrl-C (the server stops them). With ``BARGAIN_EXPLORER_WORKERS=0``, or if the pool
cannot start, figures are drawn in the server's own process, one at a time.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

__all__ = ["PNG_DPI", "WORKERS", "draw", "figure_bytes", "shutdown", "warm"]

#: Worker processes drawing figures (the environment variable ``BARGAIN_EXPLORER_WORKERS``
#: overrides it; 0 draws in the server's process).
WORKERS = 2
#: PNG resolution of the explorer's figures.
PNG_DPI = 80

log = logging.getLogger("simulator.explorer")
_lock = threading.Lock()
_draw_lock = threading.Lock()  # matplotlib is not documented as thread-safe
_pool: ProcessPoolExecutor | None = None
_broken = False


def _workers() -> int:
    text = os.environ.get("BARGAIN_EXPLORER_WORKERS", "")
    return int(text) if text.isdigit() else WORKERS


def _start_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    import simulator.plots  # noqa: F401  (imported once, before the first figure)


def _get_pool() -> ProcessPoolExecutor | None:
    global _pool, _broken
    with _lock:
        if _pool is None and not _broken and _workers() > 0:
            import multiprocessing

            try:
                _pool = ProcessPoolExecutor(
                    _workers(),
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start_worker,
                )
            except (OSError, ValueError) as e:  # no processes on this system
                log.warning("figures are drawn in the server's process: %s", e)
                _broken = True
        return _pool


def figure_bytes(fig: Any, fmt: str) -> bytes:
    """PNG at :data:`PNG_DPI`, or SVG with its text as text (``svg.fonttype: none``): the browser
    sets the type, which saves a third of the drawing time of the issue-space map's hundreds of
    labels (the page's figures are SVG)."""
    import matplotlib

    from simulator.plots import figure_bytes as to_bytes

    with matplotlib.rc_context({"svg.fonttype": "none"}):
        return to_bytes(fig, fmt, dpi=PNG_DPI)


def _draw_here(function: Callable[..., Any], args: tuple[Any, ...], fmt: str) -> bytes:
    with _draw_lock:
        return figure_bytes(function(*args), fmt)


def draw(function: Callable[..., Any], args: tuple[Any, ...], fmt: str) -> bytes:
    """``function(*args)`` (a module-level function returning a Figure) as ``fmt`` bytes, drawn
    by a worker process when the pool runs, else here."""
    global _broken
    pool = _get_pool()
    if pool is not None:
        try:
            return pool.submit(_draw_here, function, args, fmt).result()
        except Exception as e:  # a broken pool (a worker killed): draw here from now on
            from concurrent.futures.process import BrokenProcessPool

            if not isinstance(e, BrokenProcessPool):
                raise
            log.warning("the figure workers stopped; drawing in the server's process")
            with _lock:
                _broken = True
    return _draw_here(function, args, fmt)


def warm() -> None:
    """Start the worker processes now (each imports the plotting code once), not at the first
    figure."""
    pool = _get_pool()
    if pool is not None:
        for _ in range(_workers()):
            pool.submit(int)


def shutdown() -> None:
    """Stop the worker processes (the server calls it when it stops)."""
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=True, cancel_futures=True)
            _pool = None
