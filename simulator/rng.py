"""The random-number convention: every random function takes ``rng``.

``rng`` is a :class:`numpy.random.Generator`, an ``int`` or None, read by
:func:`numpy.random.default_rng`:

- an ``int`` ``n`` means ``numpy.random.default_rng(n)`` (PCG64 seeded through
  ``SeedSequence(n)``), so ``f(..., rng=n)`` and ``f(..., rng=numpy.random.default_rng(n))`` give
  the same result, and the same ``n`` gives the same result every time;
- None means fresh entropy from the operating system (a different result each call);
- a Generator is used as it is, and the function's draws advance it.

Functions that used to take ``seed`` keep it as a keyword alias of ``rng`` (:func:`pick_rng`).
Work split into independent samples (Monte Carlo) needs an integer root for
:class:`numpy.random.SeedSequence` (:func:`root_seed`).
"""

from __future__ import annotations

import enum
from typing import Final, TypeAlias

import numpy as np

__all__ = ["UNSET", "RngLike", "Unset", "pick_rng", "root_seed", "seed_of"]

#: What a random function accepts as ``rng``.
RngLike: TypeAlias = np.random.Generator | int | None


class Unset(enum.Enum):
    """The type of :data:`UNSET`: a keyword argument that was not given."""

    UNSET = enum.auto()


#: The default of a ``seed`` alias: not given (None already means fresh entropy).
UNSET: Final = Unset.UNSET


def pick_rng(rng: RngLike, seed: int | Unset | None, default: RngLike = 0) -> RngLike:
    """``rng``, or ``seed`` when the caller used the older name.

    Parameters
    ----------
    rng
        The ``rng`` argument as given (``default`` when the caller left it out).
    seed
        The ``seed`` argument, :data:`UNSET` when not given.
    default
        The function's default ``rng``.

    Raises
    ------
    TypeError
        If both are given (``rng`` other than its default, and ``seed``).

    Examples
    --------
    >>> pick_rng(0, UNSET), pick_rng(0, 7), pick_rng(3, UNSET)
    (0, 7, 3)
    """
    if seed is UNSET:
        return rng
    if isinstance(rng, np.random.Generator) or rng != default:
        raise TypeError("give rng or seed (its former name), not both")
    return seed


def seed_of(rng: RngLike) -> int | None:
    """The integer seed ``rng`` stands for, for the record; None for a Generator or None.

    >>> seed_of(5), seed_of(None), seed_of(np.random.default_rng(5))
    (5, None, None)
    """
    if isinstance(rng, np.random.Generator) or rng is None:
        return None
    return int(rng)


def root_seed(rng: RngLike) -> int:
    """An integer root seed for ``rng``: the integer itself, one draw from a Generator (which
    advances it), or fresh entropy for None.

    >>> root_seed(5), root_seed(np.random.default_rng(0)) == root_seed(np.random.default_rng(0))
    (5, True)
    """
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(2**63))
    if rng is None:
        return int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    return int(rng)
