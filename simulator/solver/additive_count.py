"""The exact ZOPA count of additive utilities past enumeration: a dynamic programme over issues
that merges equal partial utilities.

Notation
--------
``u_p(o) = min(cap_p, sum_i values[i][p, o_i])`` (no interaction terms). An outcome is in the
ZOPA when no red line forbids one of its options (the rules are one-issue:
:func:`~simulator.solver.additive.applies`) and ``u_p(o) >= t_p`` for every party, i.e.
``cap_p >= t_p`` and ``sum_i values[i][p, o_i] >= t_p``. The programme counts in integers, per
party in one of two units:

- *grid units* ``1 / L``: when every value of the party is within ``Q/2 + 2**-48`` of a multiple
  ``y`` of ``1 / L`` (``Q = QUANTUM``; ``L`` the least common denominator of the values as
  fractions, at most :data:`MAX_DENOMINATOR`: decimal weights times integer evaluations, as in
  GENIUS files and the bundled scenarios) and no multiple of ``1 / L`` lies within
  ``E = n (Q/2 + 2**-48)`` of ``t_p``. A compiled sum is then within ``E`` of its grid sum, so it
  reaches ``t_p`` exactly when the grid sum reaches ``ceil(t_p L) / L``. Grid units let partial
  sums that differ only by rounding (``q(0.06) + q(0.01)`` and ``q(0.04) + q(0.03)``) merge;
- else *quanta*: compiled values are multiples of ``Q`` (:mod:`simulator.compiled`), so every sum
  is an exact integer number of quanta, compared with ``ceil(t_p / Q)``.

With ``V[i]`` ``(k_i, P)`` the values in those units and ``T`` ``(P,)`` the targets, the programme
is the generating function ``prod_i (sum_k x^{V[i][k]})`` read issue by issue,
with two cuts that keep it small. A *state* is a partial utility ``s`` with the number ``c`` of
prefixes that reach it. After each issue:

- a state whose optimistic completion ``s + sum_{rest} max_k V`` misses ``T`` for some party has
  no completion in the ZOPA and is dropped;
- a state whose pessimistic completion ``s + sum_{rest} min_k V`` reaches ``T`` for every party is
  *decided*: all ``c * prod_{rest} k_i`` of its completions are in the ZOPA, and they are added to
  the count at once;
- equal states merge and their counts add.

The count is exact (integer arithmetic throughout; Python integers past ``2**62``). The work is
linear in the number of undecided distinct partial utilities, which is small when values sit on a
grid (integer evaluations and decimal weights, as in most GENIUS files) or when the bounds decide
most prefixes early; it is the whole product of options when neither holds (random real values,
a wide band around the reservations). The programme therefore runs within ``max_cells``
integers held at once and the current time limit, and answers None past them: the caller then counts
by the block search and estimates what it leaves open (:mod:`~simulator.solver.estimate`).
"""

from __future__ import annotations

import math
import time
from fractions import Fraction

import numpy as np

from simulator.compiled import QUANTUM, BoolArray, CompiledScenario, FloatArray, IntArray
from simulator.outcome_space import allowed_options
from simulator.progress import StageProgress
from simulator.solver.additive import applies
from simulator.solver.budget import Budget

__all__ = ["COUNT_METHOD", "MAX_CELLS", "additive_count"]

#: Integers the programme may hold at once: undecided partial utilities times the options of the
#: next issue times ``P + 1`` (about 160 MB of int64 per copy; a few copies are alive at a time).
MAX_CELLS = 20_000_000
#: Largest common denominator of a party's values that counts as a grid (decimal weights of 2
#: places times evaluations out of up to 10 000 fit).
MAX_DENOMINATOR = 10**9
#: More distinct values than this in one party's tables: no grid is looked for.
MAX_GRID_VALUES = 100_000
#: What the result says counted the ZOPA when the programme did.
COUNT_METHOD = "additive dynamic programme over issues"


def _grid_units(values: FloatArray, n: int, threshold: float) -> tuple[float, int] | None:
    """``(L, ceil(threshold * L))`` when every value of one party is within ``Q/2 + 2**-48`` of a
    multiple of ``1 / L`` (a common denominator of at most :data:`MAX_DENOMINATOR`) and no
    multiple lies within ``E = n (Q/2 + 2**-48)`` of ``threshold``: then a sum of ``n`` values
    reaches ``threshold`` exactly when its grid sum reaches the returned target (module
    docstring). None otherwise."""
    unique = np.unique(values)
    if len(unique) > MAX_GRID_VALUES:
        return None
    scale = 1
    for v in unique.tolist():
        den = Fraction(v).limit_denominator(MAX_DENOMINATOR).denominator
        scale = scale * den // math.gcd(scale, den)
        if scale > MAX_DENOMINATOR:
            return None
    units = np.rint(unique * scale)
    if np.any(np.abs(unique - units / scale) > QUANTUM / 2 + 2.0**-49):
        return None
    slack = n * (QUANTUM / 2 + 2.0**-48)
    nearest = math.ceil((threshold - slack) * scale)
    if nearest / scale <= threshold + slack:
        return None  # a grid sum could sit within rounding of the threshold: decide by quanta
    return float(scale), math.ceil(threshold * scale)


def _integer_tables(
    n_parties: int, opts: list[FloatArray], threshold: FloatArray
) -> tuple[list[IntArray], IntArray] | None:
    """Per issue ``(k_i, P)`` integer utilities and the ``(P,)`` integer target: per party, grid
    units where the values sit on a coarse grid, else units of QUANTUM; None if the sums would
    leave the integers a float64 holds exactly."""
    n = len(opts)
    scales = np.empty(n_parties)
    target = np.empty(n_parties, dtype=np.int64)
    for p in range(n_parties):
        grid = _grid_units(np.concatenate([o[:, p] for o in opts]), n, float(threshold[p]))
        # compiled values are multiples of QUANTUM by construction (compile_scenario and
        # weighted_tables quantise every one), so quanta always apply
        scales[p], target[p] = grid or (1 / QUANTUM, math.ceil(threshold[p] / QUANTUM))
    tables = [np.rint(o * scales) for o in opts]
    if sum(float(np.abs(t).max(initial=0)) for t in tables) >= 2.0**52:
        return None
    return [t.astype(np.int64) for t in tables], target


def _merge(keys: IntArray, counts: np.ndarray) -> tuple[IntArray, np.ndarray]:
    """Equal rows of ``keys`` merged, their ``counts`` added (rows sorted)."""
    if len(keys) <= 1:
        return keys, counts
    order = np.lexsort(keys.T[::-1])
    keys, counts = keys[order], counts[order]
    new = np.ones(len(keys), dtype=bool)
    new[1:] = np.any(keys[1:] != keys[:-1], axis=1)
    starts = np.flatnonzero(new)
    return keys[starts], np.add.reduceat(counts, starts)


def additive_count(
    cs: CompiledScenario,
    tracked: BoolArray,
    threshold: FloatArray,
    *,
    max_cells: int = MAX_CELLS,
    deadline: float | None = None,
    progress: StageProgress | None = None,
) -> int | None:
    """The exact number of outcomes that cross no ``tracked`` region and give every party at least
    ``threshold`` ``(P,)``; None when the programme does not apply (interaction terms, a rule on
    several issues, sums past 2**52 units) or when it would hold more than ``max_cells``
    integers (undecided partial utilities times the next issue's options times ``P + 1``) or
    pass ``deadline`` (on :func:`time.perf_counter`) or the current time limit.

    Examples
    --------
    >>> from simulator.synthetic import synthetic_scenario
    >>> from simulator.compiled import compile_scenario, evaluate_utilities
    >>> from simulator.outcome_space import outcome_grid
    >>> cs = compile_scenario(synthetic_scenario(4, 3, 2, seed=1))
    >>> t = np.full(2, 0.45)
    >>> none = np.zeros(0, dtype=bool)
    >>> brute = int(np.all(evaluate_utilities(cs, outcome_grid(cs.sizes)) >= t, axis=1).sum())
    >>> additive_count(cs, none, t) == brute
    True
    """
    tracked = np.asarray(tracked, dtype=bool)
    if not applies(cs, tracked):
        return None
    threshold = np.asarray(threshold, dtype=np.float64)
    if np.isnan(threshold).any():
        return None
    if np.any(cs.cap < threshold) or np.any(threshold == np.inf):
        return 0
    allowed = allowed_options(cs, tracked)
    if any(len(a) == 0 for a in allowed):
        return 0
    held = np.isfinite(threshold)  # a party at -inf accepts everything: its column drops out
    if not held.any():
        return math.prod(len(a) for a in allowed)
    tables = [cs.values[i][held][:, a].T for i, a in enumerate(allowed)]
    found = _integer_tables(int(held.sum()), tables, threshold[held])
    if found is None:
        return None
    opts, target = found  # (k_i, P) integers per issue, (P,)
    # widest issues first: the bounds of what is left tighten fastest, so prefixes are decided early
    order = sorted(range(cs.n_issues), key=lambda i: (-int(np.ptp(opts[i], axis=0).sum()), i))
    n, n_p = len(order), len(target)
    rest_max = np.zeros((n + 1, n_p), dtype=np.int64)
    rest_min = np.zeros((n + 1, n_p), dtype=np.int64)
    rest_size = [1] * (n + 1)
    for pos in range(n - 1, -1, -1):
        v = opts[order[pos]]
        rest_max[pos] = rest_max[pos + 1] + v.max(axis=0)
        rest_min[pos] = rest_min[pos + 1] + v.min(axis=0)
        rest_size[pos] = rest_size[pos + 1] * len(v)
    big = rest_size[0] >= 2**62  # counts past int64: exact Python integers
    dtype = object if big else np.int64
    keys = np.zeros((1, n_p), dtype=np.int64)
    counts = np.ones(1, dtype=dtype)
    total = 0
    stop = Budget(deadline=deadline).meter().deadline  # the earlier of it and the time limit
    work = sum(len(o) for o in opts)
    done = 0
    for pos, i in enumerate(order):
        v = opts[i]
        if len(keys) * len(v) * (n_p + 1) > max_cells:
            return None
        if stop is not None and time.perf_counter() > stop:
            return None
        keys = (keys[:, None, :] + v[None, :, :]).reshape(-1, n_p)
        counts = np.repeat(counts, len(v))
        reach = np.all(keys + rest_max[pos + 1] >= target, axis=1)
        keys, counts = keys[reach], counts[reach]
        sure = np.all(keys + rest_min[pos + 1] >= target, axis=1)
        if sure.any():
            total += int(counts[sure].sum()) * rest_size[pos + 1]
            keys, counts = keys[~sure], counts[~sure]
        keys, counts = _merge(keys, counts)
        done += len(v)
        if progress is not None:
            progress(done / work)
        if not len(keys):
            break
    # after the last issue nothing is left to complete: every state was decided or dropped
    return total
