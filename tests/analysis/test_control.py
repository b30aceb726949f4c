"""Issue control (``controls``) against a brute force written from the definition: the packages
that stand without a controlling party, its Nash package, and which packages need it."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.analysis.control import rule_without, stand_without
from simulator.errors import ScenarioError
from simulator.formats import loads_scenario_yaml
from simulator.formats.yaml_writer import dump_scenario_yaml
from simulator.model import Agreement
from tests import oracle
from tests.strategies import scenarios

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def controlled(draw):
    """A random scenario (with or without a rule) where one party controls one or two issues."""
    s = draw(scenarios(max_issues=3, max_options=3, agreement=draw(st.booleans())))
    c = draw(st.integers(0, len(s.parties) - 1))
    issues = draw(st.lists(st.sampled_from(s.issues), min_size=1, max_size=2, unique_by=id))
    controls = {i.id: draw(st.sampled_from(i.option_ids)) for i in issues}
    party = dataclasses.replace(s.parties[c], controls=controls)
    return dataclasses.replace(s, parties=(*s.parties[:c], party, *s.parties[c + 1 :]))


def _stands(s, c: int, row, d) -> bool:
    """The definition: controlled issues at their defaults, consistent, and the rule without the
    party (quorum min(q, n - 1), its veto gone) met by the others."""
    party = s.parties[c]
    at_defaults = all(row.named[i] == o for i, o in party.controls.items())
    others = [p for p in range(len(s.parties)) if p != c]
    accepting = [p for p in others if oracle.accepts(s, row, p, d)]
    if s.agreement is None:
        quorum, veto = len(others), ()
    else:
        quorum = min(s.agreement.quorum_of(len(s.parties)), len(others))
        veto = tuple(v for v in s.agreement.veto if v != party.id)
    vetoes_ok = all(s.parties[p].id not in veto or p in accepting for p in others)
    return at_defaults and row.consistent and len(accepting) >= quorum and vetoes_ok


@SETTINGS
@given(controlled())
def test_standing_without_the_controller_matches_the_definition(s):
    c = next(k for k, p in enumerate(s.parties) if p.controls)
    party = s.parties[c]
    rows = oracle.enumerate_rows(s)
    d = [p.reservation for p in s.parties]
    standing = [r for r in rows if _stands(s, c, r, d)]
    packages = {f"r{r.index}": r.outcome for r in rows}
    found = stand_without(s, party.id, packages)
    assert found.size_exact and found.size == len(standing)
    # a package needs the party exactly when its version at the defaults does not stand
    by_outcome = {r.outcome: r for r in rows}
    for r in rows:
        moved = dict(r.named) | dict(party.controls)
        key = tuple(s.issue(i).index(moved[i]) for i in s.issue_ids)
        assert found.needs[f"r{r.index}"] == (not _stands(s, c, by_outcome[key], d))
    if s.agreement is None:  # the others' Nash package, as the oracle picks it over them
        keep = [k for k in range(len(s.parties)) if k != c]
        sub = [dataclasses.replace(r, u=tuple(r.u[k] for k in keep)) for r in standing]
        want = oracle.best(oracle.frontier(sub), "nash", [d[k] for k in keep], [1.0] * len(keep))
        assert (found.nash is None) == (want is None)
        if found.nash is not None and want is not None:
            assert (found.nash.outcome, found.nash.utilities) == (want.outcome, want.u)


YAML = """
name: t
issues:
  - {id: a, options: [x, y]}
  - {id: b, values: [1, 2]}
parties:
  - id: p
    preferences: {a: {weight: 1, table: {x: 0, y: 1}}}
    controls: {a: x, b: 2}
  - id: q
    preferences: {a: {weight: 1, table: {x: 1, y: 0}}}
"""


def test_controls_round_trip():
    s = loads_scenario_yaml(YAML)
    assert dict(s.party("p").controls) == {"a": "x", "b": "2"}
    assert loads_scenario_yaml(dump_scenario_yaml(s)) == s


@pytest.mark.parametrize(
    ("controls", "message"),
    [
        ("{c: x}", r"<string>:9: parties\[0\]\.controls\.c: no issue 'c'"),
        ("{a: z}", r"<string>:9: parties\[0\]\.controls\.a: issue 'a' has no option 'z'"),
        ("[a]", r"<string>:9: parties\[0\]\.controls: expected a mapping"),
    ],
)
def test_bad_controls_name_file_field_and_line(controls, message):
    with pytest.raises(ScenarioError, match=message):
        loads_scenario_yaml(YAML.replace("{a: x, b: 2}", controls))


def test_an_issue_has_one_controller():
    two = YAML.replace(
        "    preferences: {a: {weight: 1, table: {x: 1, y: 0}}}\n",
        "    preferences: {a: {weight: 1, table: {x: 1, y: 0}}}\n    controls: {a: y}\n",
    )
    with pytest.raises(ScenarioError, match="controlled by both 'p' and 'q'"):
        loads_scenario_yaml(two)


def test_the_rule_without_a_party_keeps_the_others_vetoes():
    """``R_-c``: quorum min(q, n - 1), and the veto list without c but with every other veto."""
    rule = Agreement(3, ("a", "b"))
    assert rule_without(rule, ["a", "b", "c"], "a") == Agreement(2, ("b",))
    assert rule_without(rule, ["a", "b", "c", "d"], "c") == Agreement(3, ("a", "b"))
    assert rule_without(None, ["a", "b"], "a") is None


def test_past_the_count_budget_the_size_is_a_lower_bound_with_an_estimate(monkeypatch):
    """The town controls the fund of the siting deal; with a count budget of two nodes the deal
    without it is counted in part: the size is a lower bound of the others' exact zone (a full
    solve), and an estimate of the whole comes with it."""
    import dataclasses

    import simulator.analysis.coalition_search as coalition_search
    from simulator.analysis.control import stand_without, without_controller
    from simulator.formats import load_scenario
    from simulator.solver import Budget, solve

    siting = load_scenario("scenarios/siting_six.yaml")
    town = dataclasses.replace(siting.party("town"), controls={"fund": "none"})
    s = dataclasses.replace(
        siting, parties=tuple(town if p.id == "town" else p for p in siting.parties), agreement=None
    )
    truth = solve(without_controller(s, "town")).counts.zopa
    assert truth > 0
    monkeypatch.setattr(coalition_search, "COUNT_BUDGET", Budget(nodes=2, outcomes=2))
    found = stand_without(s, "town")
    assert not found.size_exact and found.size <= truth
    assert found.estimate is not None and found.estimate > 0
