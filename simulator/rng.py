"""Randomness: every random function takes ``rng``, a :class:`numpy.random.Generator`, an integer
seed or None (fresh entropy), as :func:`numpy.random.default_rng` does; the same integer gives the
same result.

Functions that split their work into independent samples (Monte Carlo) need an integer root seed
for :class:`numpy.random.SeedSequence` (:func:`root_seed`); :func:`choose` reconciles ``rng`` with
the ``seed=`` keyword that older callers pass.
"""

from __future__ import annotations

import numpy as np

__all__ = ["RNG", "as_generator", "choose", "root_seed"]

#: What a random function accepts as its source of randomness.
RNG = np.random.Generator | int | None


def as_generator(rng: RNG) -> np.random.Generator:
    """A generator for ``rng``: the generator itself, or ``default_rng(rng)``.

    >>> float(as_generator(3).random()) == float(np.random.default_rng(3).random())
    True
    """
    return np.random.default_rng(rng)


def root_seed(rng: RNG) -> int:
    """An integer seed for ``rng``: the integer itself, a draw from a generator, or fresh
    entropy for None.

    >>> root_seed(7)
    7
    """
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(2**63))
    if rng is None:
        return int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    return int(rng)


def choose(rng: RNG, seed: int | None) -> RNG:
    """``seed`` when given (the older keyword, which still works), else ``rng``.

    >>> choose(0, 5), choose(3, None)
    (5, 3)
    """
    return rng if seed is None else seed
