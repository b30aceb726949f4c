"""Points indexed for dominance queries by packed bitsets: which row of a fixed set dominates a
point, without testing every pair.

The notation (dominance with a tie tolerance ``tol``) is :mod:`simulator.solver.pareto`'s. A row
``y`` of the set weakly dominates ``x`` when ``y_p >= x_p - tol`` for every party ``p``: ``y`` lies
in the orthant above ``x - tol``. For each party the index keeps the set's rows sorted by that
party's utility, cut into buckets of ``step`` ranks, and for every cut the bitset (one bit a row,
64 rows a word) of the rows ranked above it. A query takes, for each party, the least cut that
holds every row with ``y_p >= x_p - tol``, and ANDs the parties' bitsets: a superset of the weak
dominators, in ``ceil(n / 64)`` words a party where a pairwise test reads ``n`` values. Only the
rows left in it, few for a point near the frontier, are tested exactly. The answer is exact: a
point whose AND is empty has no weak dominator at all.

A frontier under construction (:class:`~simulator.solver.frontier_store.FrontierStore`) keeps
one of the frontier as it was when last built (a point that has since left the frontier still
belongs to the set, so what it dominates is off the frontier all the same), and tests the points
that joined since apart, until enough have joined to build it again.
"""

from __future__ import annotations

import numpy as np

from simulator.compiled import BoolArray, FloatArray, IntArray

__all__ = ["OrthantIndex"]

#: Cuts per party at most: ``step`` is the rows over this, at least one.
_CUTS = 1024
#: Rounds in which each query row is tested against its first word's rows only.
_FIRST_WORDS = 2
#: Query rows times words ANDed at once (the working buffer, in 8-byte words).
_CHUNK_WORDS = 1 << 20


class OrthantIndex:
    """The rows of ``points`` ``(n, P)`` indexed for :meth:`first_dominator`."""

    def __init__(self, points: FloatArray) -> None:
        points = np.asarray(points, dtype=np.float64)
        #: the rows, in decreasing sum (the indices :meth:`first_dominator` returns are theirs)
        self.points = np.ascontiguousarray(points[np.argsort(-points.sum(axis=1), kind="stable")])
        n, n_parties = self.points.shape
        self.words = (n + 63) // 64
        self.step = max(1, -(-n // _CUTS))
        cuts = -(-n // self.step)
        bit = np.left_shift(np.uint64(1), (np.arange(n) % 64).astype(np.uint64))
        word = np.arange(n) // 64
        #: per party, the utilities sorted in increasing order
        self.sorted: list[FloatArray] = []
        #: per party, ``(cuts + 1, words)``: row ``k`` holds the rows ranked in the top
        #: ``k * step`` by that party's utility (row 0 none, the last every row)
        self.tables: list[np.ndarray] = []
        for p in range(n_parties):
            order = np.argsort(-self.points[:, p], kind="stable")
            self.sorted.append(self.points[order[::-1], p])
            table = np.zeros((cuts + 1, self.words), dtype=np.uint64)
            rank = np.empty(n, dtype=np.int64)
            rank[order] = np.arange(n)
            np.bitwise_or.at(table, (rank // self.step + 1, word), bit)
            np.bitwise_or.accumulate(table, axis=0, out=table)
            self.tables.append(table)

    def __len__(self) -> int:
        return len(self.points)

    def first_dominator(self, x: FloatArray, tol: float) -> IntArray:
        """For every row of ``x`` ``(m, P)`` the index of a row of the set that dominates it (with
        tie tolerance ``tol``), the lowest such index, or ``-1`` when none does."""
        out = np.full(len(x), -1, dtype=np.int64)
        if not len(x) or not len(self.points):
            return out
        rows = max(1, _CHUNK_WORDS // self.words)
        for s in range(0, len(x), rows):
            out[s : s + rows] = self._first(x[s : s + rows], tol)
        return out

    def _first(self, x: FloatArray, tol: float) -> IntArray:
        n = len(self.points)
        low = x - tol
        acc: np.ndarray | None = None
        for p, (values, table) in enumerate(zip(self.sorted, self.tables, strict=True)):
            above = n - np.searchsorted(values, low[:, p], side="left")
            cut = -(-above // self.step)
            acc = table[cut] if acc is None else np.bitwise_and(acc, table[cut], out=acc)
        assert acc is not None
        out = np.full(len(x), -1, dtype=np.int64)
        live = np.flatnonzero(acc.any(axis=1))
        # each row's first word first: the rows are in decreasing sum, so its first rows are
        # the likeliest dominators, and most dominated rows stop there
        for _ in range(_FIRST_WORDS):
            if not len(live):
                return out
            word = np.argmax(acc[live] != 0, axis=1)
            found = self._test(x, tol, live, word, acc[live, word], out)
            acc[live, word] = 0
            live = live[~found]
            live = live[acc[live].any(axis=1)]
        if len(live):
            row, word = np.nonzero(acc[live])
            self._test(x, tol, live[row], word, acc[live[row], word], out)
        return out

    def _test(
        self,
        x: FloatArray,
        tol: float,
        row: IntArray,
        word: IntArray,
        bits: np.ndarray,
        out: IntArray,
    ) -> BoolArray:
        """Test the rows of the set whose bits ``bits`` of word ``word`` are set against the rows
        ``row`` of ``x`` (a row may come more than once), exactly; write each row's first
        dominator into ``out``. Returns, per entry, whether its row found one."""
        unpacked = np.unpackbits(bits.view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
        pair, bit = np.nonzero(unpacked)
        i, j = row[pair], word[pair] * 64 + bit
        y, xi = self.points[j], x[i]
        hit = np.all(y >= xi - tol, axis=1) & np.any(y > xi + tol, axis=1)
        i, j = i[hit], j[hit]
        # ``np.nonzero`` lists the pairs entry by entry (a row's words in increasing order), each
        # in increasing index: a row's first hit is its lowest dominator among those tested (the
        # caller tests a row's words in order, and no more once it has found one)
        rows, first = np.unique(i, return_index=True)
        out[rows] = j[first]
        return np.isin(row, rows)
