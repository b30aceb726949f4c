"""The texts a mediator weighs: the neighbours of a text, and how the parties receive a batch.

Notation
--------
A *text* is one complete package, a row of option indices. Its *neighbours* are the texts that
differ from it on one issue or, with ``max_changes = 2``, on two (:func:`neighbour_texts`). For a
batch of texts, :class:`TextBatch` holds every party's utility, the red lines each text crosses
(and how many of each party's own), whether it breaks a consistency constraint, the shortfall
``max(0, d_p - u_p - slack)`` below each reservation and whether each party accepts it: no red line
of its own crossed and no shortfall. A party's *objections* name what makes it refuse a text
(:func:`party_objections`); its *requests* (:func:`party_requests`) are its :data:`REQUESTS` most
wanted single-issue changes (see :mod:`~simulator.analysis.protocols.mediation`).
"""

from __future__ import annotations

import numpy as np

from simulator.compiled import (
    BoolArray,
    CompiledScenario,
    FloatArray,
    IntArray,
    crossed_rules,
    evaluate_utilities,
)

__all__ = ["REQUESTS", "TextBatch", "neighbour_texts", "party_objections", "party_requests"]

#: How many single-issue changes each party requests.
REQUESTS = 3


def neighbour_texts(
    x: IntArray, sizes: tuple[int, ...], max_changes: int
) -> tuple[IntArray, IntArray]:
    """Every text that differs from ``x`` on one issue (and, for ``max_changes >= 2``, on two).

    Returns
    -------
    texts : (M, n) int64
    changed : (M,) int64
        How many issues each differs on.

    Examples
    --------
    >>> texts, changed = neighbour_texts(np.array([0, 0]), (2, 3), 2)
    >>> texts.tolist(), changed.tolist()
    ([[1, 0], [0, 1], [0, 2], [1, 1], [1, 2]], [1, 1, 1, 2, 2])
    """
    x = np.asarray(x, dtype=np.int64)
    issue = np.repeat(np.arange(len(sizes)), sizes)
    option = np.concatenate([np.arange(k) for k in sizes])
    keep = option != x[issue]
    issue, option = issue[keep], option[keep]
    singles = np.tile(x, (len(issue), 1))
    singles[np.arange(len(issue)), issue] = option
    if max_changes < 2 or len(issue) < 2:
        return singles, np.ones(len(singles), dtype=np.int64)
    a, b = np.triu_indices(len(issue), k=1)
    distinct = issue[a] != issue[b]
    a, b = a[distinct], b[distinct]
    pairs = singles[a].copy()
    pairs[np.arange(len(b)), issue[b]] = option[b]
    texts = np.concatenate([singles, pairs])
    changed = np.concatenate([np.ones(len(singles)), np.full(len(pairs), 2)]).astype(np.int64)
    return texts, changed


class TextBatch:
    """Utilities, red lines crossed per party and acceptance of a batch of ``M`` texts.

    Attributes
    ----------
    texts
        ``(M, n)`` int64 option indices.
    u
        ``(M, P)`` float64 utilities.
    crossed
        ``(M, R)`` bool: which rules (``cs.rules``) each text crosses.
    consistent
        ``(M,)`` bool: breaks no consistency constraint.
    own_crossed, n_red
        ``(M, P)`` int64 red lines of each party crossed, and ``(M,)`` their sum.
    short, total_short
        ``(M, P)`` float64 shortfall below each reservation, and ``(M,)`` its sum.
    accepts
        ``(M, P)`` bool: no red line of its own crossed and no shortfall.
    """

    def __init__(self, cs: CompiledScenario, texts: IntArray) -> None:
        self.texts = texts
        self.u = evaluate_utilities(cs, texts)
        crossed = crossed_rules(cs, texts)
        owner = cs.rule_owner
        constraint = owner < 0
        self.consistent: BoolArray = np.ones(len(texts), dtype=bool)
        if constraint.any():
            self.consistent = ~np.any(crossed[:, constraint], axis=1)
        onehot = (owner[:, None] == np.arange(cs.n_parties)[None, :]).astype(np.int64)
        self.crossed = crossed
        self.own_crossed: IntArray = crossed.astype(np.int64) @ onehot
        slack = cs.rounding_slack
        self.short: FloatArray = np.maximum(cs.reservation[None, :] - self.u - slack, 0.0)
        self.accepts: BoolArray = (self.own_crossed == 0) & (self.short == 0)
        self.n_red: IntArray = self.own_crossed.sum(axis=1)
        self.total_short: FloatArray = self.short.sum(axis=1)


def party_objections(cs: CompiledScenario, t: TextBatch, row: int) -> dict[str, tuple[str, ...]]:
    """Per party refusing text ``row`` of ``t``: the ids of its red lines the text crosses, and
    ``below_reservation`` when it falls short of the party's reservation."""
    out: dict[str, tuple[str, ...]] = {}
    for p, party in enumerate(cs.scenario.parties):
        if t.accepts[row, p]:
            continue
        lines = [cs.rules[r].id for r in np.flatnonzero(t.crossed[row]) if cs.rules[r].owner == p]
        if t.short[row, p] > 0:
            lines.append("below_reservation")
        out[party.id] = tuple(lines)
    return out


def party_requests(
    cs: CompiledScenario, x: IntArray, here: TextBatch, near: TextBatch, changed: IntArray
) -> dict[str, tuple[tuple[str, str, float], ...]]:
    """Per party, its :data:`REQUESTS` most wanted single-issue changes of text ``x`` as
    ``(issue, option, gain)``: among the consistent neighbours ``near`` (``changed == 1``) that
    cross fewer of its own red lines than ``here`` (the text, one row), or as many and give it
    more, the fewest own red lines crossed first, then the largest utility."""
    s = cs.scenario
    single = np.flatnonzero((changed == 1) & near.consistent)
    out: dict[str, tuple[tuple[str, str, float], ...]] = {}
    for p, party in enumerate(s.parties):
        rows = single
        own, u = near.own_crossed[rows, p], near.u[rows, p]
        better = (own < here.own_crossed[0, p]) | (
            (own == here.own_crossed[0, p]) & (u > here.u[0, p] + cs.rounding_slack)
        )
        rows, own, u = rows[better], own[better], u[better]
        picks = rows[np.lexsort((-u, own))[:REQUESTS]]
        wants = []
        for row in picks:
            i = int(np.flatnonzero(near.texts[row] != x)[0])
            issue = s.issues[i]
            wants.append(
                (
                    issue.id,
                    issue.options[int(near.texts[row, i])].id,
                    float(near.u[row, p] - here.u[0, p]),
                )
            )
        out[party.id] = tuple(wants)
    return out
