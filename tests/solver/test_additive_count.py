"""The additive counting programme (:mod:`simulator.solver.additive_count`) against oracles: the
plain-Python oracle on random scenarios, exact fractions on decimal ones (ties pinned at the
reservation), the solver's own membership test where rounding decides, and an independent
generating-function count of a 10^19-package decimal domain (issue 20, item 2)."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings

from simulator.compiled import QUANTUM, compile_scenario, in_target
from simulator.model import Issue, Option, Party, Preference, Scenario
from simulator.outcome_space import outcome_grid
from simulator.report.solve import footer
from simulator.solver import solve
from simulator.solver.additive import applies
from simulator.solver.additive_count import COUNT_METHOD, _grid_units, additive_count
from simulator.solver.queries import rule_regions, zopa_threshold
from tests import oracle
from tests.solver.test_decimal_oracle import decimal_scenarios, exact_zopa
from tests.strategies import scenarios


def _count(s: Scenario, **kw: object) -> int | None:
    cs = compile_scenario(s)
    return additive_count(cs, rule_regions(cs, "all"), zopa_threshold(cs, cs.reservation), **kw)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None, database=None)
@given(scenarios(max_issues=4, max_options=4))
def test_matches_the_oracle_wherever_it_applies(s: Scenario) -> None:
    cs = compile_scenario(s)
    got = _count(s)
    if not applies(cs, rule_regions(cs, "all")):
        assert got is None
        return
    assert got == oracle.solve_oracle(s).counts["zopa"]


@settings(max_examples=200, deadline=None, database=None)
@given(decimal_scenarios())
def test_decimal_scenarios_match_exact_fractions(drawn) -> None:  # type: ignore[no-untyped-def]
    assert _count(drawn[0]) == len(exact_zopa(drawn))


def _tie_scenario(reservation: float) -> Scenario:
    """0.06 + 0.01 and 0.04 + 0.03 are both 0.07, but their quantised sums differ by a quantum."""
    issues = (
        Issue("a", (Option("x"), Option("y"))),
        Issue("b", (Option("x"), Option("y"))),
    )
    one = Party(
        "one",
        {
            "a": Preference(1.0, "table", table=(0.06, 0.04)),
            "b": Preference(1.0, "table", table=(0.01, 0.03)),
        },
        reservation=reservation,
    )
    two = Party(
        "two",
        {
            "a": Preference(1.0, "table", table=(0.0, 0.5)),
            "b": Preference(1.0, "table", table=(0.5, 0.0)),
        },
        reservation=0.0,
    )
    return Scenario("tie", issues, (one, two))


def test_a_tie_on_the_grid_counts_both_packages() -> None:
    s = _tie_scenario(0.07)
    cs = compile_scenario(s)
    sums = {float(cs.values[0][0, a] + cs.values[1][0, b]) for a, b in ((0, 0), (1, 1))}
    assert len(sums) == 2  # the rounding really separates them
    t = zopa_threshold(cs, cs.reservation)
    assert _grid_units(np.array([0.06, 0.04, 0.01, 0.03]), 2, float(t[0])) is not None
    # 0.06 + 0.01 and 0.04 + 0.03 (both 0.07) and 0.06 + 0.03; not 0.04 + 0.01
    assert (
        _count(s)
        == 3
        == int(in_target(cs, rule_regions(cs, "all"), t, outcome_grid(cs.sizes)).sum())
    )


def test_a_threshold_within_rounding_of_the_grid_is_decided_by_quanta() -> None:
    # reservation one rounding slack above 0.07: the threshold sits on the grid point itself, so
    # whether a package of exactly 0.07 is in depends on its rounding, and only quanta can tell
    s = _tie_scenario(0.07 + 3 * QUANTUM)
    cs = compile_scenario(s)
    t = zopa_threshold(cs, cs.reservation)
    assert _grid_units(np.array([0.06, 0.04, 0.01, 0.03]), 2, float(t[0])) is None
    brute = int(in_target(cs, rule_regions(cs, "all"), t, outcome_grid(cs.sizes)).sum())
    assert brute == 2  # 0.09, and the one of the two 0.07 packages that rounds up
    assert _count(s) == brute


def _decimal_domain(
    n_issues: int, n_options: int, seed: int
) -> tuple[Scenario, list[list[list[Fraction]]]]:
    """Two parties with weights in hundredths summing to one and evaluations in tenths, opposed
    on most issues: a GENIUS-like additive domain of ``n_options ** n_issues`` packages."""
    rng = np.random.default_rng(seed)
    issues = tuple(
        Issue(f"i{k}", tuple(Option(f"o{j}") for j in range(n_options))) for k in range(n_issues)
    )
    parties, exact = [], []
    for p in range(2):
        cuts = np.sort(rng.choice(np.arange(1, 100), size=n_issues - 1, replace=False))
        hundredths = np.diff(np.concatenate([[0], cuts, [100]]))
        tenths = [rng.integers(0, 11, size=n_options) for _ in range(n_issues)]
        for k in range(n_issues):
            if p == 1 and k % 4:  # three issues in four run against the first party
                tenths[k] = 10 - np.array(exact[0][k][1])
        rows = [
            [Fraction(int(h), 100), [int(x) for x in t]]
            for h, t in zip(hundredths, tenths, strict=True)
        ]
        exact.append(rows)
        prefs = {
            f"i{k}": Preference(h / 100, "table", table=tuple(x / 10 for x in tenths[k]))
            for k, h in enumerate(hundredths.tolist())
        }
        parties.append(Party(f"p{p}", prefs, reservation=0.5))
    tables = [[[row[0] * Fraction(x, 10) for x in row[1]] for row in rows] for rows in exact]
    return Scenario("decimal_domain", issues, tuple(parties)), tables


#: The eight largest primes below 2^31.
PRIMES = (
    2147483647,
    2147483629,
    2147483587,
    2147483579,
    2147483563,
    2147483549,
    2147483543,
    2147483497,
)


def _generating_function_count(tables: list[list[list[Fraction]]], d: Fraction) -> int:
    """The number of packages whose exact utility reaches ``d`` for both parties: the product of
    one polynomial in two variables per issue (exponents in thousandths), its coefficients taken
    modulo primes below 2^31 (as many as make their product exceed the number of packages) and
    joined by the Chinese remainder theorem."""
    units = [[[int(v * 1000) for v in issue] for issue in party] for party in tables]
    top = [sum(max(issue) for issue in party) for party in units]
    packages = math.prod(len(issue) for issue in units[0])
    primes: list[int] = []
    for m in PRIMES:
        if math.prod(primes) > packages:
            break
        primes.append(m)
    residues = []
    for m in primes:
        grid = np.zeros((top[0] + 1, top[1] + 1), dtype=np.int64)
        grid[0, 0] = 1
        for k in range(len(units[0])):
            new = np.zeros_like(grid)
            for a, b in zip(units[0][k], units[1][k], strict=True):
                new[a:, b:] = (new[a:, b:] + grid[: grid.shape[0] - a, : grid.shape[1] - b]) % m
            grid = new
        need = int(d * 1000)
        residues.append(int(grid[need:, need:].sum() % m))
    total, modulus = 0, 1
    for r, m in zip(residues, primes, strict=True):  # CRT, one prime at a time
        step = ((r - total) * pow(modulus, -1, m)) % m
        total, modulus = total + modulus * step, modulus * m
    return total


def test_a_decimal_domain_of_1e19_packages_matches_its_generating_function() -> None:
    s, tables = _decimal_domain(27, 5, seed=3)
    assert s.n_outcomes > 2**62  # the count needs Python integers
    want = _generating_function_count(tables, Fraction(1, 2))
    assert 0 < want < s.n_outcomes
    assert _count(s) == want


def test_solve_says_the_programme_counted_and_the_count_is_exact() -> None:
    s, tables = _decimal_domain(14, 5, seed=4)
    r = solve(s)
    d = r.to_dict()
    assert d["counts_exact"] is True
    assert d["count_method"] == COUNT_METHOD
    assert d["counts"]["zopa"] == _generating_function_count(tables, Fraction(1, 2))
    assert "counted exactly by the additive dynamic programme" in footer(r).text


def test_past_its_cells_it_gives_way_to_the_search_and_its_estimate() -> None:
    s, _ = _decimal_domain(8, 5, seed=5)
    assert _count(s, max_cells=10) is None
    full = _count(s)
    assert full is not None
    brute = compile_scenario(s)
    t = zopa_threshold(brute, brute.reservation)
    assert full == int(
        in_target(brute, rule_regions(brute, "all"), t, outcome_grid(brute.sizes)).sum()
    )


@pytest.mark.parametrize("seed", range(3))
def test_counts_below_the_space_equal_the_block_search(seed: int) -> None:
    from simulator.solver.budget import Budget
    from simulator.solver.queries import count_zopa_within
    from simulator.synthetic import synthetic_scenario

    cs = compile_scenario(synthetic_scenario(6, 5, 3, seed=seed, red_lines=3, reservation=0.4))
    t = zopa_threshold(cs, cs.reservation)
    searched = count_zopa_within(cs, t, Budget(), None)
    assert searched.method is None  # below ADDITIVE_FROM the block search counts
    assert additive_count(cs, rule_regions(cs, "all"), t) == searched.value
    assert math.prod(cs.sizes) == 5**6


def test_a_cap_below_the_reservation_leaves_no_zone() -> None:
    s = _tie_scenario(0.07)
    one = s.parties[0]
    capped = Party(one.id, one.preferences, reservation=0.07, utility_cap=0.06)
    s = Scenario("capped", s.issues, (capped, s.parties[1]))
    cs = compile_scenario(s)
    t = zopa_threshold(cs, cs.reservation)
    assert int(in_target(cs, rule_regions(cs, "all"), t, outcome_grid(cs.sizes)).sum()) == 0
    assert _count(s) == 0


@pytest.mark.parametrize(
    "low", [[-np.inf, 0.45, 0.3], [-np.inf, -np.inf, -np.inf], [0.2, np.inf, 0.1]]
)
def test_parties_without_a_threshold_accept_everything(low: list[float]) -> None:
    from simulator.synthetic import synthetic_scenario

    cs = compile_scenario(synthetic_scenario(5, 4, 3, seed=2, red_lines=2))
    t = np.array(low)
    regions = rule_regions(cs, "all")
    brute = int(in_target(cs, regions, t, outcome_grid(cs.sizes)).sum())
    assert additive_count(cs, regions, t) == brute
    assert additive_count(cs, regions, np.array([0.2, np.nan, 0.1])) is None


def test_a_passed_deadline_or_time_limit_gives_way() -> None:
    import time

    from simulator.solver.budget import time_limit

    s, _ = _decimal_domain(8, 5, seed=5)
    assert _count(s) is not None
    assert _count(s, deadline=time.perf_counter() - 1.0) is None
    with time_limit(0.0):
        time.sleep(0.001)
        assert _count(s) is None
