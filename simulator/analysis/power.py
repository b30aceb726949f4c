"""Exact power indices of a decision rule: Shapley–Shubik and Banzhaf.

Notation
--------
A weighted voting game ``[Q; w_1, ..., w_n]``: a coalition ``S`` *wins* when
``sum_{i in S} w_i >= Q``. Party ``i`` is a *swing* in a losing ``S`` (without ``i``) when
``S + i`` wins. With ``c_i(s)`` the number of such ``S`` of size ``s``::

    Shapley–Shubik  phi_i = sum_s c_i(s) * s! (n - s - 1)! / n!      (Shapley & Shubik 1954)
    Banzhaf         beta_i = sum_s c_i(s) / 2^(n-1)  (raw; normalised: beta_i / sum_j beta_j)
                                                                        (Banzhaf 1965; Penrose 1946)

``c_i(s)`` comes from a dynamic programme over the other parties that counts coalitions by size
and weight (a generating function; Brams & Affuso 1976), so the indices are exact fractions in
``O(n^2 W)`` steps for total weight ``W``, not ``2^n``.

A scenario's rule ``(q, V)`` (``q`` of ``n`` parties, veto parties ``V``) is the weighted game
with weight 1 for the others, ``n - q + 1`` for each veto party and quota
``|V| (n - q + 1) + q - |V|``: without one veto party the rest weigh at most
``(|V| - 1)(n - q + 1) + n - |V| < Q``, and with all of them ``q - |V|`` others are needed.

References: L. S. Shapley and M. Shubik (1954), "A method for evaluating the distribution of power
in a committee system", APSR 48(3); J. F. Banzhaf (1965), "Weighted voting doesn't work",
Rutgers Law Review 19; D. S. Felsenthal and M. Machover (1998), *The Measurement of Voting
Power*, Edward Elgar (the UN Security Council: permanent 421/2145, others 4/2145; the EEC Council
of Ministers under the Treaty of Rome, ``[12; 4, 4, 4, 2, 2, 1]``: 7/30, 3/20 and 0, Luxembourg a
dummy).

Any weighted voting game, e.g. a Council's weighted votes under a treaty, is
``power_indices(weights, quota)``:

>>> ss, bz = power_indices([4, 4, 4, 2, 2, 1], 12)  # EEC Council, Treaty of Rome art. 148(2)
>>> ss[0], ss[3], ss[5]
(Fraction(7, 30), Fraction(3, 20), Fraction(0, 1))

>>> ss, bz = power_indices([7] * 5 + [1] * 10, 39)
>>> ss[0], ss[5]
(Fraction(421, 2145), Fraction(4, 2145))
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from simulator.errors import ScenarioError
from simulator.model import Agreement

__all__ = ["power_indices", "rule_weights", "swings"]


def swings(weights: Sequence[int], quota: int, i: int) -> list[int]:
    """``c_i(s)``: the losing coalitions of size ``s`` without ``i`` that ``i`` turns winning."""
    others = [w for j, w in enumerate(weights) if j != i]
    total = sum(others)
    # ways[s][w]: coalitions of the others with s members and weight w
    ways = [[0] * (total + 1) for _ in range(len(others) + 1)]
    ways[0][0] = 1
    for n_done, w in enumerate(others):
        for s in range(n_done + 1, 0, -1):
            row, prev = ways[s], ways[s - 1]
            for x in range(total, w - 1, -1):
                row[x] += prev[x - w]
    low = max(quota - weights[i], 0)
    return [sum(ways[s][low : min(quota, total + 1)]) for s in range(len(others) + 1)]


def power_indices(
    weights: Sequence[int], quota: int
) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...]]:
    """Exact Shapley–Shubik indices and raw Banzhaf indices of ``[quota; weights]``.

    Raises
    ------
    ScenarioError
        For weights that are not non-negative integers or a quota outside ``1..sum(weights)``.
    """
    if any(int(w) != w or w < 0 for w in weights):
        raise ScenarioError("power indices need non-negative integer weights")
    n = len(weights)
    if not 1 <= quota <= sum(weights):
        raise ScenarioError(f"the quota must lie in 1..{sum(weights)}, got {quota}")
    fact = [math.factorial(k) for k in range(n + 1)]
    ss, bz = [], []
    for i in range(n):
        c = swings([int(w) for w in weights], int(quota), i)
        ss.append(
            sum(
                (Fraction(c[s] * fact[s] * fact[n - s - 1], fact[n]) for s in range(n)), Fraction(0)
            )
        )
        bz.append(Fraction(sum(c), 2 ** (n - 1)))
    return tuple(ss), tuple(bz)


def rule_weights(agreement: Agreement | None, party_ids: Sequence[str]) -> tuple[list[int], int]:
    """The weighted game ``(weights, quota)`` of a rule (see the module docstring); no rule is
    unanimity."""
    n = len(party_ids)
    rule = agreement or Agreement()
    q, veto = rule.quorum_of(n), set(rule.veto)
    big = n - q + 1
    weights = [big if p in veto else 1 for p in party_ids]
    return weights, len(veto) * big + q - len(veto)
