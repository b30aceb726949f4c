"""Non-dyadic scenarios against an exact-fraction oracle (issue 22: the hypothesis scenarios were
dyadic, so every tie was exact and six rounding mutants survived).

Weights, table values and reservations are decimals like those of the GENIUS and Ukraine files
(0.1, 0.3, 0.7 are not binary fractions); reservations are often pinned exactly at the utility of
some package. The oracle sums :class:`fractions.Fraction` values of the decimals as written, so a
package at its reservation reaches it exactly, as the model means it to.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.model import Issue, Option, Party, Preference, Scenario
from simulator.solver import solve

DECIMALS = ["0", "0.1", "0.2", "0.3", "0.35", "0.6", "0.7", "0.9", "1"]


@st.composite
def decimal_scenarios(
    draw: st.DrawFn,
) -> tuple[Scenario, list[list[list[Fraction]]], list[list[Fraction]]]:
    """A scenario, each party's exact value table per issue and exact weights."""
    sizes = draw(st.lists(st.integers(2, 4), min_size=1, max_size=3))
    issues = tuple(
        Issue(f"i{k}", tuple(Option(f"o{j}") for j in range(n))) for k, n in enumerate(sizes)
    )
    n_parties = draw(st.integers(2, 3))
    tables: list[list[list[Fraction]]] = []
    weights: list[list[Fraction]] = []
    parties = []
    for p in range(n_parties):
        w = [draw(st.sampled_from(DECIMALS[1:])) for _ in sizes]
        t = [[draw(st.sampled_from(DECIMALS)) for _ in range(n)] for n in sizes]
        tables.append([[Fraction(v) for v in row] for row in t])
        weights.append([Fraction(x) for x in w])
        prefs = {
            f"i{k}": Preference(float(w[k]), "table", table=tuple(float(v) for v in t[k]))
            for k in range(len(sizes))
        }
        parties.append(Party(f"p{p}", prefs))
    scenario = Scenario("decimal", issues, tuple(parties))
    # reservations: a decimal, or exactly the utility of a drawn package (a pinned tie)
    outcomes = list(itertools.product(*[range(n) for n in sizes]))
    exact = []
    for p in range(n_parties):
        if draw(st.booleans()):
            o = draw(st.sampled_from(outcomes))
            d = sum(weights[p][k] * tables[p][k][o[k]] for k in range(len(sizes)))
            text = str(float(d))
            if Fraction(text) != d:  # the float of the tie must spell the exact decimal
                text = draw(st.sampled_from(DECIMALS))
        else:
            text = draw(st.sampled_from(DECIMALS))
        exact.append(Fraction(text))
    parties = [
        Party(q.id, q.preferences, reservation=float(exact[p])) for p, q in enumerate(parties)
    ]
    scenario = Scenario("decimal", issues, tuple(parties))
    return scenario, tables, [weights, [[d] for d in exact]]  # type: ignore[list-item]


def exact_zopa(drawn) -> list[tuple[tuple[int, ...], list[Fraction]]]:  # type: ignore[no-untyped-def]
    """The packages of a drawn decimal scenario that reach every reservation in exact fractions,
    with their exact utilities."""
    scenario, tables, (weights, reservations) = drawn
    d = [r[0] for r in reservations]
    sizes = [len(i.options) for i in scenario.issues]
    zopa = []
    for o in itertools.product(*[range(n) for n in sizes]):
        u = [
            sum(weights[p][k] * tables[p][k][o[k]] for k in range(len(sizes)))
            for p in range(len(scenario.parties))
        ]
        if all(x >= y for x, y in zip(u, d, strict=True)):
            zopa.append((o, u))
    return zopa


@settings(max_examples=200, deadline=None, database=None)
@given(decimal_scenarios())
def test_zopa_count_and_solutions_match_exact_fractions(drawn) -> None:  # type: ignore[no-untyped-def]
    scenario, _, (_, reservations) = drawn
    d = [r[0] for r in reservations]
    zopa = exact_zopa(drawn)
    result = solve(scenario)
    assert result.counts.zopa == len(zopa)
    if not zopa:
        assert result.solutions["nash"] is None
        return
    # the utilitarian solution: the largest exact sum; ties to the larger sum of gains as shares
    # of each party's room over the zone (the scale-free tie-break), then the smallest index
    top = max(sum(u) for _, u in zopa)
    best = [(o, u) for o, u in zopa if sum(u) == top]
    room = [max(u[p] for _, u in zopa) - d[p] for p in range(len(d))]

    def shares(u):  # type: ignore[no-untyped-def]
        return sum((u[p] - d[p]) / room[p] for p in range(len(d)) if room[p] > 0)

    most = max(shares(u) for _, u in best)
    assert result.solutions["utilitarian"] is not None
    assert result.solutions["utilitarian"].outcome == min(o for o, u in best if shares(u) == most)
    # egalitarian: the largest smallest gain, exactly
    gain = max(min(x - y for x, y in zip(u, d, strict=True)) for _, u in zopa)
    got = result.solutions["egalitarian"]
    assert got is not None
    got_u = dict(zopa)[got.outcome]
    assert min(x - y for x, y in zip(got_u, d, strict=True)) == gain
