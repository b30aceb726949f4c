"""Decision rules (``agreement``: quorum and veto parties) against the brute-force oracle, a
hand-checked example, exact ties with integer scores, and the unchanged unanimity path."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from simulator.formats import loads_scenario_yaml
from simulator.model import Agreement, Issue, Option, Party, Preference, Scenario
from simulator.solver import solve
from tests import oracle
from tests.solver.test_solve_oracle import monkeypatch_blocks  # noqa: F401 (fixture)
from tests.strategies import scenarios

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _check(scenario: Scenario, frontier: str = "zopa") -> None:
    """Counts (with per-party acceptances), the passing frontier and every solution, bit for
    bit."""
    result = solve(scenario, frontier=frontier)
    ref = oracle.solve_oracle(scenario)
    assert result.counts.to_dict() == ref.counts
    got = sorted(
        (tuple(int(k) for k in o), tuple(float(x) for x in u))
        for o, u in zip(result.zopa_frontier.outcomes, result.zopa_frontier.utilities, strict=True)
    )
    assert got == sorted((r.outcome, r.u) for r in ref.frontiers["zopa"])
    if frontier != "zopa":
        want = sorted(r.outcome for r in ref.frontiers[frontier])
        assert sorted(tuple(int(k) for k in o) for o in result.frontier.outcomes) == want
    for name, pt in result.solutions.items():
        want_row = ref.solutions[name]
        assert (pt is None) == (want_row is None), name
        if pt is not None and want_row is not None:
            assert (pt.outcome, pt.utilities) == (want_row.outcome, want_row.u), name
    assert result.closest is None or scenario.agreement is None


@SETTINGS
@given(scenarios(agreement=True), st.sampled_from(["all", "feasible", "zopa"]))
def test_rules_match_oracle(scenario, frontier):
    _check(scenario, frontier)


@SETTINGS
@given(scenarios(max_issues=5, max_options=4, agreement=True))
def test_rules_match_oracle_with_tiny_blocks(monkeypatch_blocks, scenario):  # noqa: F811
    """Tiny blocks and batches: the k-of-n pruning and closed-form counting run at every depth."""
    _check(scenario)


# --- a hand-checked example ------------------------------------------------------------------
HAND = """
name: hand
issues: [{id: x, options: [a, b, c]}, {id: y, options: [a, b]}]
normalize_weights: false
parties:
  - {id: p, reservation: 0.5, preferences: {x: {weight: 0.5, table: {a: 0, b: 0.5, c: 1}},
                                            y: {weight: 0.5, table: {a: 1, b: 0}}}}
  - {id: q, reservation: 0.5, preferences: {x: {weight: 1, table: {a: 1, b: 0.5, c: 0}}}}
  - {id: r, reservation: 0.5, preferences: {y: {weight: 1, table: {a: 0, b: 1}}}}
agreement: {quorum: 2, veto: [p]}
"""


def test_hand_checked_rule():
    """Utilities (p, q, r) of (x, y): aa (.5, 1, 0), ab (0, 1, 1), ba (.75, .5, 0),
    bb (.25, .5, 1), ca (1, 0, 0), cb (.5, 0, 1). With quorum 2 and p's veto, aa (p, q), ba (p, q)
    and cb (p, r) pass; ab and bb lack p, ca has p alone. p accepts 3, q 2, r 1. The passing
    frontier is all three; q and r can be outvoted, so their threat points are their least
    frontier utilities, 0 and 0; p keeps 0.5. Nash products (u_p - .5) u_q u_r are 0, 0, 0
    (each package leaves q or r at 0): the tie goes to the larger sum of gains normalised by the
    frontier's ideal I - d' = (.25, 1, 1): aa 0 + 1 + 0 = 1, ba 1 + .5 + 0 = 1.5, cb 0 + 0 + 1 = 1,
    so ba. The egalitarian solution maximises min(u_p - .5, u_q, u_r), 0 everywhere: again ba.
    Kalai-Smorodinsky: the least ratio is 0 for all: ba. The utilitarian maximum is 1.5, aa and cb,
    whose normalised sums tie at 1: aa, the lower index."""
    s = loads_scenario_yaml(HAND)
    result = solve(s)
    assert result.counts.zopa == 3
    assert result.counts.accepted == (3, 2, 1)
    assert sorted(result.zopa_frontier.index) == [0, 2, 5]
    assert result.disagreement.tolist() == [0.5, 0.0, 0.0]
    for name in ("nash", "egalitarian", "kalai_smorodinsky"):
        assert result.solutions[name].outcome == (1, 0), name
    assert result.solutions["utilitarian"].outcome == (0, 0)
    data = result.to_dict()
    assert data["agreement"] == {
        "quorum": 2,
        "veto": ["p"],
        "required": ["p"],
        "accepted": {"p": 3, "q": 2, "r": 1},
    }


def test_hand_checked_unanimity_required_parties_keep_d():
    """Quorum 3 of 3: everyone is required, so d' = d, and nothing passes here (no package gives
    all three 0.5)."""
    s = loads_scenario_yaml(HAND.replace("quorum: 2", "quorum: 3"))
    result = solve(s)
    assert result.counts.zopa == 0
    assert result.disagreement.tolist() == [0.5, 0.5, 0.5]


# --- exact ties with integer scores ----------------------------------------------------------
def _scored(scores: list[list[int]], reservation: int) -> Scenario:
    """Parties score each of three issues with integer points (weight = the issue's top score,
    table = points / top): utility is the sum of points, exactly an integer in real arithmetic."""
    issues = tuple(Issue(f"i{k}", tuple(Option(f"o{j}") for j in range(3))) for k in range(3))
    parties = []
    for p, rows in enumerate(scores):
        prefs = {}
        for k, issue in enumerate(issues):
            pts = rows[3 * k : 3 * k + 3]
            top = max(pts) or 1
            prefs[issue.id] = Preference(float(top), "table", table=tuple(x / top for x in pts))
        parties.append(Party(f"p{p}", prefs, reservation=float(reservation)))
    return Scenario("scores", issues, tuple(parties), agreement=Agreement(2, ("p0",)))


@given(
    st.lists(st.lists(st.integers(0, 23), min_size=9, max_size=9), min_size=3, max_size=3),
    st.integers(20, 50),
)
@example(
    [
        [14, 8, 17, 5, 16, 3, 9, 12, 23],
        [17, 3, 11, 6, 19, 7, 13, 2, 5],
        [3, 9, 7, 21, 1, 11, 4, 18, 6],
    ],
    39,
)
@settings(max_examples=60, deadline=None)
def test_integer_scores_tie_at_reservation_accepts(scores, reservation):
    """Integer points summing exactly to the reservation accept: the counts equal an exact
    integer-arithmetic count, whatever the float rounding of points / top * top."""
    s = _scored(scores, reservation)
    result = solve(s)
    exact = 0
    accepted = [0, 0, 0]
    for combo in itertools.product(range(3), repeat=3):
        pts = [sum(rows[3 * k + j] for k, j in enumerate(combo)) for rows in scores]
        acc = [x >= reservation for x in pts]
        if acc[0] and sum(acc) >= 2:
            exact += 1
            accepted = [a + b for a, b in zip(accepted, acc, strict=True)]
    assert result.counts.zopa == exact
    assert list(result.counts.accepted) == accepted


def test_tie_example_exactly_at_reservation():
    """14 + 8 + 17 = 39 against a reservation of 39: accepts (ties count)."""
    scores = [[14, 0, 0, 8, 0, 0, 17, 0, 0]] * 3
    s = _scored(scores, 39)
    assert solve(s).counts.zopa == 1


# --- the unanimity path ------------------------------------------------------------------------
@SETTINGS
@given(scenarios())
def test_full_quorum_without_veto_equals_no_rule(scenario):
    """``quorum = P`` with no veto is unanimity: the same counts, frontier and solutions as no
    ``agreement`` block (plus the acceptance counts, all equal to the ZOPA). So is a block
    without a quorum, whose quorum is all parties (``Agreement.quorum_of``)."""
    plain = solve(scenario)
    for rule in (Agreement(len(scenario.parties)), Agreement()):
        ruled = solve(dataclasses.replace(scenario, agreement=rule))
        assert ruled.counts.zopa == plain.counts.zopa
        assert ruled.counts.accepted == (plain.counts.zopa,) * len(scenario.parties)
        assert ruled.zopa_frontier.index == plain.zopa_frontier.index
        assert ruled.disagreement.tolist() == plain.disagreement.tolist()
        for name, pt in plain.solutions.items():
            other = ruled.solutions[name]
            assert (pt is None and other is None) or pt.outcome == other.outcome


@pytest.mark.parametrize(
    ("block", "where", "message"),
    [
        ("{quorum: 0}", "agreement.quorum", "expected a number >= 1"),
        ("{quorum: 4}", "agreement.quorum", "between 1 and the number of parties (3)"),
        ("{quorum: 1.5}", "agreement.quorum", "whole number"),
        ("{quorum: 2, veto: [pp]}", "agreement.veto", "no party 'pp'; did you mean 'p'"),
        ("{quorum: 1, veto: [p, q]}", "agreement.veto", "more than the quorum (1)"),
    ],
)
def test_agreement_validation_is_located(block, where, message):
    from simulator.errors import ScenarioError

    text = HAND.replace("agreement: {quorum: 2, veto: [p]}", f"agreement: {block}")
    with pytest.raises(ScenarioError) as info:
        loads_scenario_yaml(text, "hand.yaml")
    shown = str(info.value)
    assert "hand.yaml:10" in shown and where in shown and message in shown


DECIDED_EARLY = """
name: decided
normalize_weights: false
issues:
  - {id: x, options: [a, b, c, d]}
  - {id: y, options: [a, b, c]}
  - {id: z, options: [a, b, c]}
  - {id: w, options: [a, b]}
parties:
  - {id: p, reservation: 0.5, preferences: {x: {weight: 1, table: {a: 1, b: 1, c: 0, d: 0}}}}
  - {id: q, reservation: 0.5, preferences: {x: {weight: 1, table: {a: 1, b: 0, c: 1, d: 0}}}}
  - {id: r, reservation: 0.5, preferences: {x: {weight: 1, table: {a: 0, b: 1, c: 1, d: 0}}}}
  - id: s
    reservation: 1
    preferences:
      x: {weight: 0.5, table: {a: 1, b: 0, c: 0, d: 1}}
      z: {weight: 0.5, table: {a: 1, b: 0, c: 0}}
    red_lines: [{id: no_wa, issue: w, not: [a]}]
agreement: {quorum: 2}
"""


@pytest.mark.parametrize("quorum", [1, 2, 3])
def test_subtrees_decided_early_are_counted_in_closed_form(monkeypatch_blocks, quorum):  # noqa: F811
    """p, q and r decide on x alone: x = a, b, c have two acceptors, so whole subtrees pass
    before s (x and z, and its red line on w) is decided; they are counted in closed form only
    once every acceptance is decided, so s's acceptance count stays exact."""
    s = loads_scenario_yaml(DECIDED_EARLY.replace("quorum: 2", f"quorum: {quorum}"))
    _check(s)


def _deal_check(scenario: Scenario) -> None:
    """``find_deal``, ``exists_deal`` and ``count_deals`` against the oracle's passing rows: the
    witness passes, the count is the passing count, with or without a rule."""
    from simulator.compiled import compile_scenario
    from simulator.solver import count_deals, exists_deal, find_deal

    cs = compile_scenario(scenario)
    rows = oracle.enumerate_rows(scenario)
    d = [p.reservation for p in scenario.parties]
    passing = {r.outcome for r in rows if oracle.passes(scenario, r, d)}
    witness = find_deal(cs)
    assert (witness is None) == (not passing)
    assert witness is None or tuple(int(k) for k in witness) in passing
    assert exists_deal(cs) == bool(passing)
    assert count_deals(cs) == len(passing)


@SETTINGS
@given(scenarios(agreement=True))
def test_deal_queries_match_oracle(scenario):
    _deal_check(scenario)
    _deal_check(dataclasses.replace(scenario, agreement=None))


@SETTINGS
@given(scenarios(max_issues=5, max_options=4, agreement=True))
def test_deal_queries_match_oracle_with_tiny_blocks(monkeypatch_blocks, scenario):  # noqa: F811
    """Tiny blocks: the witness of a node counted in closed form is built at every depth."""
    _deal_check(scenario)


@SETTINGS
@given(scenarios(agreement=True))
def test_passing_mask_matches_oracle(scenario):
    from simulator.compiled import compile_scenario
    from simulator.outcome_space import outcome_grid
    from simulator.solver import passing_mask

    for s in (scenario, dataclasses.replace(scenario, agreement=None)):
        cs = compile_scenario(s)
        d = [p.reservation for p in s.parties]
        want = [oracle.passes(s, r, d) for r in oracle.enumerate_rows(s)]
        assert passing_mask(cs, outcome_grid(cs.sizes)).tolist() == want
