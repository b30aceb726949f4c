"""Hypothesis builders: random small scenarios and utility arrays.

Weights, values, bonuses and reservations are dyadic (multiples of 1/16 or 1/8), so every utility is
exact in floating point whatever the order of summation: the solver and the oracle then agree bit
for bit, ties included.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import strategies as st

from simulator.model import (
    Agreement,
    Condition,
    Interaction,
    Issue,
    Option,
    Party,
    Preference,
    Rule,
    Scenario,
    Uncertainty,
)

dyadic16 = st.integers(0, 16).map(lambda k: k / 16)


@st.composite
def issues(draw: st.DrawFn, max_issues: int = 4, max_options: int = 4) -> tuple[Issue, ...]:
    n = draw(st.integers(1, max_issues))
    out = []
    for i in range(n):
        k = draw(st.integers(1, max_options))
        out.append(Issue(f"i{i}", tuple(Option(f"o{j}") for j in range(k))))
    return tuple(out)


@st.composite
def conditions(draw: st.DrawFn, iss: tuple[Issue, ...], max_issues: int = 2) -> Condition:
    chosen = draw(
        st.lists(
            st.sampled_from(iss),
            min_size=1,
            max_size=min(max_issues, len(iss)),
            unique_by=lambda i: i.id,
        )
    )
    clauses = []
    for issue in chosen:
        opts = draw(
            st.lists(
                st.sampled_from(issue.option_ids),
                min_size=1,
                max_size=len(issue.options),
                unique=True,
            )
        )
        clauses.append((issue.id, tuple(sorted(opts, key=issue.index))))
    return Condition(tuple(clauses))


@st.composite
def rules(draw: st.DrawFn, iss: tuple[Issue, ...], rid: str) -> Rule:
    kind = draw(st.sampled_from(["not", "at_least", "at_most", "implies", "exclude"]))
    if kind in ("not", "at_least", "at_most"):
        issue = draw(st.sampled_from(iss))
        if kind == "not":
            opts = draw(
                st.lists(st.sampled_from(issue.option_ids), min_size=1, max_size=2, unique=True)
            )
            return Rule(rid, "not", issue=issue.id, options=tuple(opts))
        return Rule(rid, kind, issue=issue.id, bound=draw(st.sampled_from(issue.option_ids)))
    cond = draw(conditions(iss))
    if kind == "exclude":
        return Rule(rid, "exclude", condition=cond)
    return Rule(rid, "implies", condition=cond, consequence=draw(conditions(iss)))


@st.composite
def preferences(draw: st.DrawFn, issue: Issue) -> Preference:
    weight = draw(st.integers(0, 8)) / 8
    kind = draw(st.sampled_from(["table", "linear", "ideal"]))
    k = len(issue.options)
    if kind == "table":
        return Preference(weight, "table", table=tuple(draw(dyadic16) for _ in range(k)))
    if kind == "linear" and k in (1, 2, 3, 5):
        return Preference(
            weight, "linear", direction=draw(st.sampled_from(["increasing", "decreasing"]))
        )
    # ideal with spreads 1, 2 or 4 option steps keeps values dyadic
    return Preference(
        weight,
        "ideal",
        peak=draw(st.sampled_from(issue.option_ids)),
        spread=draw(st.sampled_from([1.0, 2.0, 4.0])),
    )


@st.composite
def scenarios(
    draw: st.DrawFn,
    max_issues: int = 4,
    max_options: int = 4,
    min_parties: int = 2,
    max_parties: int = 4,
    red_lines: bool = True,
    agreement: bool = False,
) -> Scenario:
    iss = draw(issues(max_issues, max_options))
    n_parties = draw(st.integers(min_parties, max_parties))
    parties = []
    for p in range(n_parties):
        prefs = {i.id: draw(preferences(i)) for i in iss}
        inter = tuple(
            Interaction(f"t{j}", draw(conditions(iss)), draw(st.integers(-4, 4)) / 16)
            for j in range(draw(st.integers(0, 2)))
        )
        reds = (
            tuple(draw(rules(iss, f"r{j}")) for j in range(draw(st.integers(0, 2))))
            if red_lines
            else ()
        )
        parties.append(
            Party(
                f"p{p}",
                prefs,
                reservation=draw(st.integers(0, 12)) / 16,
                interactions=inter,
                red_lines=reds,
                bargaining_power=draw(st.sampled_from([0.5, 1.0, 2.0])),
                utility_cap=draw(st.sampled_from([None, None, 0.75])),
            )
        )
    constraints = (
        tuple(draw(rules(iss, f"c{j}")) for j in range(draw(st.integers(0, 1))))
        if red_lines
        else ()
    )
    rule = draw(agreements(tuple(p.id for p in parties))) if agreement else None
    return Scenario("random", iss, tuple(parties), constraints=constraints, agreement=rule)


@st.composite
def agreements(draw: st.DrawFn, party_ids: tuple[str, ...]) -> Agreement:
    """A valid decision rule over ``party_ids``: a quorum, and at most that many veto parties."""
    quorum = draw(st.integers(1, len(party_ids)))
    veto = draw(st.lists(st.sampled_from(party_ids), unique=True, max_size=quorum))
    return Agreement(quorum, tuple(veto))


@st.composite
def utility_arrays(draw: st.DrawFn, max_rows: int = 40, max_parties: int = 4) -> np.ndarray:
    """Arrays ``(m, P)`` of dyadic utilities with many ties, for frontier invariants."""
    p = draw(st.integers(1, max_parties))
    m = draw(st.integers(0, max_rows))
    vals = draw(st.lists(st.integers(0, 8), min_size=m * p, max_size=m * p))
    return np.array(vals, dtype=np.float64).reshape(m, p) / 8


def with_uncertainty(
    scenario: Scenario,
    concentration: float,
    reservation: Uncertainty,
    probability: float,
) -> Scenario:
    """``scenario`` with every party's weights Dirichlet-uncertain (``concentration``), its
    reservation drawn from ``reservation`` and each red line holding with ``probability``."""
    parties = tuple(
        dataclasses.replace(
            p,
            weight_concentration=concentration,
            reservation_range=reservation,
            red_lines=tuple(dataclasses.replace(r, probability=probability) for r in p.red_lines),
        )
        for p in scenario.parties
    )
    return dataclasses.replace(scenario, parties=parties)
