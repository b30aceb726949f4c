"""Where the inner part of each term or region holds, over a leaf's inner outcomes.

A leaf of the block search (:class:`~simulator.solver.blocks.Block`) is ``N`` nodes times the
``B`` outcomes of the inner issues; a term or rule region decided inside the block holds on the
inner outcomes whose options its masks allow, the outer product of those masks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from simulator.compiled import FloatArray, IntArray, Region

__all__ = ["InnerMasks"]


class InnerMasks:
    """``(R, B)`` float64, indexed like an array: row ``r`` is 1.0 where the inner part of region
    ``r`` holds (the outer product of its option masks over the inner issues, first inner issue
    most significant). A row is built on first use: a search that stops early, or whose regions
    are all decided above the leaves, builds few or none of them."""

    def __init__(
        self, regions: Sequence[Region], inner_issues: Sequence[int], allowed: Sequence[IntArray]
    ) -> None:
        self._regions = regions
        self._pos = {i: j for j, i in enumerate(inner_issues)}
        self._allowed = allowed
        self._sizes = [len(allowed[i]) for i in inner_issues]
        size = int(np.prod(self._sizes)) if inner_issues else 1
        self.shape = (len(regions), size)
        self._rows = np.empty(self.shape, dtype=np.float64)  # pages are touched row by row
        self._built = np.zeros(len(regions), dtype=bool)

    def _build(self, r: int) -> None:
        out = np.ones(self._sizes)
        region = self._regions[r]
        for i, m in zip(region.issues, region.masks, strict=True):
            j = self._pos.get(i)
            if j is not None:
                view = [1] * len(self._sizes)
                view[j] = -1
                out *= m[self._allowed[i]].astype(np.float64).reshape(view)
        self._rows[r] = out.reshape(-1)
        self._built[r] = True

    def __getitem__(self, key: Any) -> FloatArray:
        rows = np.arange(self.shape[0])[key]
        for r in np.atleast_1d(rows)[~self._built[rows]].tolist():
            if not self._built[r]:  # an index may repeat
                self._build(r)
        return np.asarray(self._rows[rows])

    def __len__(self) -> int:
        return self.shape[0]
