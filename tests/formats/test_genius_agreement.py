"""Agreement with the peer: the solver against NegMAS 0.16 on the GENIUS/ANAC reference domains.

``../shared/data/genius/<domain>/reference.json`` holds what NegMAS computed. Its own loader keeps
raw evaluations, so the block compared here is ``genius_normalized``: NegMAS's algorithms run on
GENIUS's utility scale, the scale :func:`~simulator.formats.genius.load_genius_folder` reads. The
reference rounds utilities to 1e-9. Its conventions (``definitions`` in each file):

- rational outcomes: ``u_p >= reservation_p`` for every party, ties included (BarbecueA has two
  packages exactly at the reservation, pinned below);
- disagreement point ``d_p = max(reservation_p, min_o u_p(o))``: our ``disagreement="worst"``;
- ``nash`` maximises ``prod (u - d)``, ``kalai_egalitarian`` maximises ``min (u - d)`` and
  ``max_welfare`` maximises ``sum u``, all over the rational outcomes' frontier: our ``nash``,
  ``egalitarian`` and ``utilitarian`` on the ZOPA with ``d`` as above;
- ``kalai_smorodinsky`` minimises the spread of relative gains, not our maximin of relative gains,
  so only each point's optimality under its own definition is tested (``docs/genius.md``).

One solve per domain (``frontier="all"``, ``disagreement="worst"``) serves every test. Its ZOPA is
the reservation ZOPA, since ``u_p >= min_o u_p(o)`` holds for every outcome.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from simulator.compiled import CompiledScenario, compile_scenario, evaluate_utilities
from simulator.formats.genius import load_genius_folder
from simulator.model import Scenario
from simulator.results import SolveResult
from simulator.solver import solve

GENIUS_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "genius"
MISSING = f"GENIUS reference domains not found at {GENIUS_DATA} (../shared/data/genius)"
NOT_ENUMERATED = {
    "10issues": "nonlinear, 10^10 outcomes: only the load is tested (tests/formats/test_genius.py)",
    "30issues": "nonlinear, 10^30 outcomes: only the load is tested (tests/formats/test_genius.py)",
}
REFERENCE_ROUNDING = 1e-9  # the reference rounds every utility to 1e-9
MATCH = 1e-8  # a frontier point matches a reference point when every utility is within this
# Reference frontier points that NegMAS keeps only because float round-off breaks an exact tie:
# each is dominated in exact arithmetic (see the Energy test below).
NEGMAS_FLOAT_TIE_POINTS = {"Energy": 6}
# Domains where NegMAS's Kalai-Smorodinsky point differs from ours (docs/genius.md says why).
KS_DIFFERS = {
    "AirportSiteSelectionA",
    "Camera",
    "Coffee",
    "group5-car_domain",
    "group9-killer_robot",
}

Vector = NDArray[np.float64]


# --- the reference domains -----------------------------------------------------------------------
@functools.cache
def reference(name: str) -> dict[str, Any]:
    ref: dict[str, Any] = json.loads((GENIUS_DATA / name / "reference.json").read_text())
    return ref


@functools.cache
def loaded(name: str) -> tuple[Scenario, CompiledScenario]:
    scenario = load_genius_folder(GENIUS_DATA / name)
    return scenario, compile_scenario(scenario)


@functools.cache
def solved(name: str) -> SolveResult:
    return solve(loaded(name)[1], frontier="all", disagreement="worst")


def _skip_reason(name: str) -> str | None:
    if name in NOT_ENUMERATED:
        return NOT_ENUMERATED[name]
    ref = reference(name)
    if ref["errors"] or ref["genius_normalized"]["status"] != "ok":
        return f"reference status {ref['genius_normalized']['status']!r}, errors {ref['errors']}"
    if not 2 <= ref["n_parties"] <= 9:
        return f"{ref['n_parties']} parties: only 2 to 9 are compared"
    return None


def domains(keep: Callable[[str], bool] = lambda name: True) -> list[Any]:
    """Every domain folder with a reference, skipped (with the reason) when it is not compared."""
    if not GENIUS_DATA.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=MISSING))]
    names = sorted(d.name for d in GENIUS_DATA.iterdir() if (d / "reference.json").is_file())
    params = []
    for name in filter(keep, names):
        reason = _skip_reason(name)
        marks = [pytest.mark.skip(reason=reason)] if reason else []
        params.append(pytest.param(name, marks=marks, id=name))
    return params


def need(name: str) -> None:
    """Skip a test written for one domain when the data is absent."""
    if not (GENIUS_DATA / name / "reference.json").is_file():
        pytest.skip(MISSING)


def block(name: str) -> dict[str, Any]:
    out: dict[str, Any] = reference(name)["genius_normalized"]
    return out


def our_utilities(name: str, outcome: Mapping[str, Any]) -> Vector:
    """Our compiled utilities of an outcome given as ``{issue: value}`` (the reference's form)."""
    scenario, cs = loaded(name)
    index = [issue.index(str(outcome[issue.id])) for issue in scenario.issues]
    return np.asarray(evaluate_utilities(cs, np.array([index]))[0])


# --- point sets ----------------------------------------------------------------------------------
def distance_to(points: Vector, to: Vector) -> Vector:
    """For each row of ``points``, the Chebyshev distance to the nearest row of ``to``."""
    dist, _ = cKDTree(to).query(points, p=np.inf)
    return np.asarray(dist)


def n_distinct(points: Vector, tol: float = REFERENCE_ROUNDING) -> int:
    """How many distinct vectors ``points`` holds once vectors within ``tol`` count as one."""
    pairs = cKDTree(points).query_pairs(tol, p=np.inf, output_type="ndarray")
    graph = np.zeros((len(points), len(points)), dtype=bool)
    graph[pairs[:, 0], pairs[:, 1]] = True
    return int(connected_components(graph, directed=False)[0])


def dominated_with_a_tie(point: Vector, by: Vector) -> bool:
    """Some row of ``by`` ties ``point`` on a utility (to the rounding) and beats it on another."""
    ge = np.all(by >= point - REFERENCE_ROUNDING, axis=1)
    tie = np.any(np.abs(by - point) <= REFERENCE_ROUNDING, axis=1)
    gain = np.any(by > point + 1e-6, axis=1)
    return bool(np.any(ge & tie & gain))


# --- counts and the disagreement point -----------------------------------------------------------
@pytest.mark.parametrize("name", domains())
def test_outcome_and_zopa_counts(name: str) -> None:
    result, ref = solved(name), reference(name)
    assert result.counts.outcomes == ref["n_outcomes"]
    assert result.counts.zopa == block(name)["n_rational_outcomes"]


@pytest.mark.parametrize("name", domains())
def test_worst_disagreement_point_is_negmas_disagreement_point(name: str) -> None:
    result, want = solved(name), block(name)["disagreement_point"]
    assert result.disagreement.tolist() == pytest.approx(want, abs=REFERENCE_ROUNDING, rel=0)
    lows = [low for low, _ in block(name)["utility_ranges"]]
    reservation = block(name)["reserved_values"]
    assert want == pytest.approx(np.maximum(reservation, lows).tolist(), abs=REFERENCE_ROUNDING)


def test_rational_count_includes_packages_exactly_at_the_reservation() -> None:
    # Vegetarian, Non-Alcoholic or Bio-beer, Balcony, Good veggies, Gas: party 1 gets exactly
    # 0.3*0.1 + 0.25*0.1 + 0.25*0.3 + 0.1*0.4 + 0.1*0.8 = 0.25, its reservation (the other party
    # gets more). NegMAS counts both packages as rational: 1399 with ties, 1397 without.
    name = "BarbecueA"
    need(name)
    cs = loaded(name)[1]
    u = evaluate_utilities(cs, np.indices(cs.sizes).reshape(cs.n_issues, -1).T)
    at_least = np.all(u >= cs.reservation - cs.rounding_slack, axis=1)
    above = np.all(u > cs.reservation + cs.rounding_slack, axis=1)
    assert (int(at_least.sum()), int(above.sum())) == (1399, 1397)
    assert block(name)["n_rational_outcomes"] == 1399
    assert solve(cs).counts.zopa == 1399  # disagreement="reservation"


# --- the Pareto frontier of the whole space ------------------------------------------------------
@pytest.mark.parametrize("name", domains())
def test_whole_space_frontier_is_negmas_frontier(name: str) -> None:
    ours = solved(name).frontier.utilities
    theirs = np.array(block(name)["pareto_frontier_all_outcomes"])
    assert len(theirs) == block(name)["pareto_count_all_outcomes"]
    assert n_distinct(theirs, 2 * MATCH) == len(theirs)  # matching below is unambiguous
    # every point of ours is one of theirs
    assert np.all(distance_to(ours, theirs) <= MATCH)
    # every point of theirs is one of ours, but for NegMAS's float-tie artefacts
    missing = theirs[distance_to(theirs, ours) > MATCH]
    assert len(missing) == NEGMAS_FLOAT_TIE_POINTS.get(name, 0)
    assert all(dominated_with_a_tie(point, ours) for point in missing)
    # as many distinct points (outcomes with the same utilities are all on our frontier)
    assert n_distinct(ours) == len(theirs) - len(missing)


def test_energy_frontier_is_exact_where_negmas_breaks_ties_by_round_off() -> None:
    """Energy's values are small rationals (weights 0.03.., evaluations 0..5): ties are common.

    In exact rational arithmetic the frontier has 204 points (205 outcomes); NegMAS's float sums
    keep 6 more points, each dominated by a frontier point it ties on one utility.
    """
    name = "Energy"
    need(name)
    scenario = loaded(name)[0]
    exact = []  # per party: exact utility * common denominator, for every outcome in index order
    for party in scenario.parties:
        tables = []
        for issue in scenario.issues:
            pref = party.preferences[issue.id]
            assert pref.table is not None
            weight = Fraction(repr(pref.weight))  # the XML's decimal
            row = [weight * Fraction(v).limit_denominator(1000) for v in pref.table]
            assert [float(x) for x in row] == pytest.approx([pref.weight * v for v in pref.table])
            tables.append(row)
        den = math.lcm(*(x.denominator for row in tables for x in row))
        total = np.zeros(1, dtype=np.int64)
        for row in tables:
            total = (total[:, None] + np.array([int(x * den) for x in row])[None, :]).ravel()
        exact.append(total)
    u = np.stack(exact, axis=1)
    vectors, which = np.unique(u, axis=0, return_inverse=True)
    order = np.lexsort((-vectors[:, 1], -vectors[:, 0]))
    best_before = np.concatenate([[-1], np.maximum.accumulate(vectors[order, 1])[:-1]])
    on_front = np.zeros(len(vectors), dtype=bool)
    on_front[order] = vectors[order, 1] > best_before
    front_outcomes = np.flatnonzero(on_front[which.ravel()])
    assert (int(on_front.sum()), len(front_outcomes)) == (204, 205)
    result = solved(name)
    assert sorted(result.frontier.index) == front_outcomes.tolist()
    theirs = np.array(block(name)["pareto_frontier_all_outcomes"])
    assert len(theirs) == 210
    extra = theirs[distance_to(theirs, result.frontier.utilities) > MATCH]
    assert len(extra) == 6
    assert all(dominated_with_a_tie(point, result.frontier.utilities) for point in extra)


# --- bargaining solutions with NegMAS's disagreement point ---------------------------------------
def _nash(u: Vector, d: Vector) -> float:
    return float(np.prod(u - d))


def _egalitarian(u: Vector, d: Vector) -> float:
    return float(np.min(u - d))


def _utilitarian(u: Vector, d: Vector) -> float:
    return float(np.sum(u))


# our solution -> (NegMAS's name, the criterion both maximise, written out here)
SAME_CRITERION: dict[str, tuple[str, Callable[[Vector, Vector], float]]] = {
    "nash": ("nash", _nash),
    "egalitarian": ("kalai_egalitarian", _egalitarian),
    "utilitarian": ("max_welfare", _utilitarian),
}


@pytest.mark.parametrize("solution", sorted(SAME_CRITERION))
@pytest.mark.parametrize("name", domains())
def test_solution_value_is_negmas_value(name: str, solution: str) -> None:
    result = solved(name)
    theirs, criterion = SAME_CRITERION[solution]
    d = result.disagreement
    point = result.solutions[solution]
    assert point is not None
    got = criterion(np.array(point.utilities), d)
    # the reference's utilities are rounded: allow the rounding of every party's utility
    rounding = result.disagreement.size * REFERENCE_ROUNDING
    assert block(name)[theirs]  # NegMAS lists every tied optimum
    for optimum in block(name)[theirs]:
        assert got == pytest.approx(criterion(np.array(optimum["utility"]), d), abs=rounding)
        for outcome in optimum["outcomes_with_same_utility"]:
            assert got == pytest.approx(criterion(our_utilities(name, outcome), d), abs=1e-10)


# --- Kalai-Smorodinsky: two definitions ----------------------------------------------------------
def maximin_relative_gain(u: Vector, d: Vector, ideal: Vector) -> float:
    """Ours: ``min_p (u_p - d_p) / (I_p - d_p)`` over parties with ``I_p > d_p`` (0 if none)."""
    room = ideal - d
    active = room > 0
    return float(np.min((u[active] - d[active]) / room[active])) if active.any() else 0.0


def relative_gain_spread(u: Vector, d: Vector, best: Vector) -> float:
    """NegMAS's, minimised: ``max_p a_p - min_p a_p``, ``a_p = (u_p - d_p) / (max_p - d_p)``."""
    return float(np.ptp((u - d) / (best - d)))


@pytest.mark.parametrize("name", domains())
def test_kalai_smorodinsky_points_are_each_optimal_under_their_own_definition(name: str) -> None:
    result, ref = solved(name), block(name)
    d, front = result.disagreement, result.zopa_frontier.utilities
    ideal = front.max(axis=0)  # ours: the best each party gets in the ZOPA
    best = np.array([high for _, high in ref["utility_ranges"]])  # NegMAS: in the whole space
    assert np.all(best - d > 1e-12)  # else NegMAS returns every frontier point
    point = result.solutions["kalai_smorodinsky"]
    assert point is not None
    ours = np.array(point.utilities)
    tol = 10 * REFERENCE_ROUNDING / float(np.min(best - d))
    same = False
    for optimum in ref["kalai_smorodinsky"]:
        theirs = np.array(optimum["utility"])
        assert distance_to(theirs[None, :], front)[0] <= MATCH  # on our ZOPA frontier
        assert (
            maximin_relative_gain(ours, d, ideal) >= maximin_relative_gain(theirs, d, ideal) - tol
        )
        assert relative_gain_spread(theirs, d, best) <= relative_gain_spread(ours, d, best) + tol
        same |= bool(np.max(np.abs(ours - theirs)) <= MATCH)
    assert same == (name not in KS_DIFFERS)
