"""The closest-outcome search's lower bound on the red lines still to be crossed, against brute
force (issue 22: a mutation run of ``solver/closest.py`` left 17 of its mutants alive, because the
bound only prunes: a bound that is too high drops the closest outcome on spaces that branch, and
the oracle tests' spaces are searched in one block)."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.compiled import compile_scenario
from simulator.solver.closest import ClosestVisitor
from simulator.solver.queries import rule_regions
from simulator.solver.search import make_plan
from tests import strategies


def brute_rest_min(cs, plan, red_rules) -> list[int]:  # type: ignore[no-untyped-def]
    """Per position: the fewest one-issue red-line regions hit by any assignment of the issues
    from that position on (each issue over its allowed options), by enumeration. An issue with no
    allowed option (the space is empty) adds nothing."""
    unary = [
        (reg.issues[0], reg.masks[0])
        for reg, r in zip(cs.regions, cs.region_rule, strict=True)
        if r in red_rules and len(reg.issues) == 1
    ]
    out = []
    for pos in range(cs.n_issues + 1):
        rest = [i for i in plan.order[pos:] if len(plan.allowed[i])]
        best = 0
        if rest:
            best = min(
                sum(
                    int(mask[dict(zip(rest, combo, strict=True))[i]])
                    for i, mask in unary
                    if i in rest
                )
                for combo in itertools.product(*(plan.allowed[i] for i in rest))
            )
        out.append(best)
    return out


@settings(max_examples=150, deadline=None, database=None)
@given(st.data())
def test_rest_min_crossings_is_the_exact_unary_bound(data: st.DataObject) -> None:
    scenario = data.draw(strategies.scenarios(max_issues=4, max_options=4, max_parties=3))
    cs = compile_scenario(scenario)
    plan = make_plan(cs, rule_regions(cs, "consistency"))
    visitor = ClosestVisitor(cs, cs.reservation.copy(), count_red_lines=True)
    got = visitor._rest_min_crossings(plan)
    assert got.shape == (cs.n_issues + 1,)
    assert got.tolist() == brute_rest_min(cs, plan, set(visitor.red_rules.tolist()))
    assert visitor._rest_min_crossings(plan) is got  # computed once


def test_rest_min_crossings_counts_overlapping_lines_on_one_option() -> None:
    """A hand-checked case: two red lines exclude the same option, a third another option of the
    same issue: every option of that issue crosses at least one line; the other issue is free."""
    from simulator.model import Issue, Option, Party, Preference, Rule, Scenario

    a = Issue("a", tuple(Option(x) for x in ("x", "y")))
    b = Issue("b", tuple(Option(x) for x in ("u", "v", "w")))
    prefs = {"a": Preference(0.5), "b": Preference(0.5)}
    lines = (
        Rule("r0", "not", issue="a", options=("x",)),
        Rule("r1", "not", issue="a", options=("x",)),
        Rule("r2", "not", issue="a", options=("y",)),
        Rule("r3", "not", issue="b", options=("u",)),
    )
    scenario = Scenario("hand", (a, b), (Party("p", prefs, red_lines=lines), Party("q", prefs)))
    cs = compile_scenario(scenario)
    plan = make_plan(cs, rule_regions(cs, "consistency"))
    got = ClosestVisitor(cs, cs.reservation.copy(), True)._rest_min_crossings(plan)
    # issue a alone costs at least 1 (y: one line; x: two); issue b costs 0 (v or w)
    expected = np.zeros(3)
    for pos in range(2, -1, -1):
        if pos < 2:
            expected[pos] = expected[pos + 1] + (1 if plan.order[pos] == 0 else 0)
    assert got.tolist() == expected.tolist()
    assert ClosestVisitor(cs, cs.reservation.copy(), False).red_rules.size == 0
