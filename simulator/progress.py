"""Progress callbacks: how a long computation says how far it is.

A :data:`Progress` is called as ``progress(stage, fraction)`` with a stage label and the fraction
of that stage done, in ``[0, 1]``; the command line draws it as a bar. Inside one stage the engine
reports a bare fraction (:data:`StageProgress`); :func:`labelled` turns one into the other.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Progress", "StageProgress", "labelled"]

#: ``progress(stage, fraction)``.
Progress = Callable[[str, float], None]
#: ``progress(fraction)`` within one stage.
StageProgress = Callable[[float], None]


def labelled(progress: Progress | None, stage: str) -> StageProgress | None:
    """``progress`` with its stage fixed to ``stage`` (None stays None).

    >>> seen = []
    >>> labelled(lambda s, f: seen.append((s, f)), "ZOPA")(0.5)
    >>> seen
    [('ZOPA', 0.5)]
    """
    if progress is None:
        return None
    return lambda fraction: progress(stage, fraction)
