"""``Closest`` (what stands in the way of agreement when the ZOPA is empty) against a brute-force
list over every outcome (issue 22: ``Closest.binding`` was never compared with one)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.solver import solve
from tests import strategies
from tests.oracle import Row, closest_key, enumerate_rows

TOL = 1e-9


def red_lines(row: Row) -> list[str]:
    return list(row.crossed)


@settings(max_examples=200, deadline=None, database=None)
@given(st.data())
def test_closest_and_binding_match_brute_force(data: st.DataObject) -> None:
    scenario = data.draw(strategies.scenarios(max_issues=3, max_options=3, max_parties=3))
    result = solve(scenario)
    closest = result.closest
    if result.counts.zopa or closest is None:
        return
    d = [p.reservation for p in scenario.parties]
    rows = [r for r in enumerate_rows(scenario) if r.consistent]
    feasible = [r for r in rows if not r.crossed]

    scaled = closest_key(rows, d)

    def key(r: Row, count: bool) -> tuple[float, ...]:
        n, short, neg_gain, index = scaled(r)
        return (n if count else 0, short, neg_gain, index)

    def shortfall(r: Row, d: list[float]) -> float:
        return scaled(r)[1]

    pool = feasible or rows
    best = min(pool, key=lambda r: key(r, not feasible))
    assert closest.point.index == best.index
    want = [f"red_line:{k}" for k in red_lines(best)]
    want += [
        f"reservation:{p.id}"
        for p, u in zip(scenario.parties, best.u, strict=True)
        if p.reservation - u > TOL
    ]
    if feasible:
        relaxed = min(rows, key=lambda r: key(r, False))
        if shortfall(relaxed, d) < shortfall(best, d) - TOL:
            want += [f"red_line:{k}" for k in red_lines(relaxed)]
    assert set(closest.binding) == set(want)
    assert set(closest.crossed) == set(red_lines(best))
