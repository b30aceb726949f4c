"""Budgets on every long pass (issue 20, item 1): the existence search's final pass, the closest
package, full enumeration, the integer programme, and the ``time_limit`` scope that ``--time-limit``
puts around a whole command. Each budget stops its pass cleanly and the result (or the error) says
which budget ended it; the defaults are shrunk here so the tests are fast, and a child process
with a hard timeout guards against a pass that would not stop at all.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from simulator.compiled import compile_scenario
from simulator.report import to_markdown
from simulator.solver import (
    Budget,
    OverBudget,
    ZoneVisitor,
    make_plan,
    methods,
    milp,
    queries,
    rule_regions,
    run_search,
    solve,
    zopa_threshold,
)
from simulator.solver import closest as closest_module
from simulator.solver.budget import seconds_left, time_limit
from simulator.solver.milp_program import OutcomeProgram
from simulator.synthetic import nonlinear_scenario, synthetic_scenario

ROOT = Path(__file__).resolve().parents[2]
CAR = ROOT / "scenarios" / "textbook_car.yaml"
#: Seconds a child process may take before the test fails: a pass that does not stop, not a slow
#: machine (each child stops within a second or two of its own limit).
HARD_LIMIT = 120


def no_zopa() -> object:
    """A small nonlinear scenario with consistent packages but no ZOPA (reservations too high)."""
    return nonlinear_scenario(8, 5, 2, rng=3, reservation=0.9, structure="uniform")


def test_a_time_limit_scope_bounds_every_meter_and_search_inside_it() -> None:
    cs = compile_scenario(synthetic_scenario(6, 4, 2, rng=0))
    plan = make_plan(cs, rule_regions(cs, "all"))
    with time_limit(0.0):
        assert seconds_left() == 0.0
        with pytest.raises(OverBudget) as info:
            run_search(plan, ZoneVisitor(cs, None, count=True, frontier=False))  # no meter given
        assert info.value.budget == "time"
        with pytest.raises(OverBudget):
            Budget(nodes=10**9).meter().charge(nodes=1)
        with time_limit(100.0):  # a nested scope cannot extend the outer one
            assert seconds_left() == 0.0
    assert seconds_left(7.0) == 7.0  # outside every scope: the default
    run_search(plan, ZoneVisitor(cs, None, count=True, frontier=False))  # no scope: runs


def test_highs_gets_what_is_left_of_the_scope_and_stops_at_its_end() -> None:
    cs = compile_scenario(synthetic_scenario(6, 4, 2, rng=0))
    prog = OutcomeProgram.build(cs, rule_regions(cs, "all"), np.zeros(0, dtype=np.int64))
    with time_limit(0.0), pytest.raises(OverBudget) as info:
        prog.solve(prog.objective({}))
    assert info.value.budget == "time" and "integer programme" in info.value.stage
    assert prog.solve(prog.objective({})) is not None  # outside the scope it solves


def test_a_time_limit_ends_the_milp_frontier_with_what_it_found_and_says_so() -> None:
    scenario = nonlinear_scenario(
        8, 4, 2, rng=0, structure="uniform"
    )  # GENIUS-like: the programme in integer units
    cs = compile_scenario(scenario)
    with time_limit(0.0):
        found = milp.frontier_two_parties(cs, rule_regions(cs, "all"))
    assert not found.complete and len(found.utilities) == 0
    whole = milp.frontier_two_parties(cs, rule_regions(cs, "all"))
    assert whole.complete and len(whole.utilities) > 0
    cut = solve(scenario, method="milp", time_limit=1e-9)
    data = cut.to_dict()
    assert data["frontier_complete"] is False and data["budget_ended"] == "time"
    assert data["counts_exact"] is False
    assert "the frontiers are partial" in to_markdown(cut)
    assert "frontier_complete" not in solve(scenario, method="milp").to_dict()


def test_the_existence_search_final_pass_stops_at_its_budget_and_says_which(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cs = compile_scenario(no_zopa())
    regions = rule_regions(cs, "all")
    threshold = zopa_threshold(cs, cs.reservation)
    assert queries.find_outcome(cs, regions, threshold) is None  # decided with the defaults
    # force the last step: the first search gives up at once, the programme finds no witness
    monkeypatch.setattr(queries, "EXISTS_NODES", 0)
    monkeypatch.setattr(milp, "optimum", lambda *a, **k: None)
    assert queries.find_outcome(cs, regions, threshold) is None  # the final pass decides it
    monkeypatch.setattr(queries, "EXISTS_FINAL", Budget(nodes=1))
    with pytest.raises(OverBudget) as info:
        queries.find_outcome(cs, regions, threshold)
    assert info.value.budget == "nodes" and info.value.stage == "the existence search"
    assert "nodes expanded" in info.value.explain()
    # a zone that exists: the final pass reaches leaves, and an outcome budget ends it there
    zoned = compile_scenario(
        nonlinear_scenario(8, 5, 2, rng=3, reservation=0.3, structure="uniform")
    )
    there = (zoned, rule_regions(zoned, "all"), zopa_threshold(zoned, zoned.reservation))
    monkeypatch.setattr(queries, "EXISTS_FINAL", Budget(outcomes=1))
    with pytest.raises(OverBudget) as info:
        queries.find_outcome(*there)
    assert info.value.budget == "outcomes"
    monkeypatch.setattr(queries, "EXISTS_FINAL", Budget())
    assert queries.find_outcome(*there) is not None


def test_the_closest_search_stops_at_its_budget_with_the_best_package_so_far(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scenario = no_zopa()
    proved = solve(scenario)
    assert proved.counts.zopa == 0 and proved.closest is not None and proved.closest.proved
    assert "proved" not in proved.to_dict()["closest"]
    monkeypatch.setattr(closest_module, "CLOSEST_BUDGET", Budget(nodes=1))
    cut = solve(scenario)
    assert cut.closest is not None and not cut.closest.proved
    assert cut.closest.budget_ended == "nodes"
    data = cut.to_dict()["closest"]
    assert data["proved"] is False and data["budget_ended"] == "nodes"
    # the package found so far is at least as far from agreement as the proved one
    assert max(cut.closest.shortfall) >= max(proved.closest.shortfall) - 1e-12
    assert "Not proved the closest: the search stopped at its budget of nodes" in to_markdown(cut)


def test_enumeration_has_a_default_work_budget_and_the_outputs_say_which_ended_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scenario = nonlinear_scenario(
        8, 5, 2, rng=3, reservation=0.3, structure="uniform"
    )  # several blocks
    full = solve(scenario)
    assert full.method == "enumerate" and full.stats.counts_exact and full.counts.zopa > 0
    for part, kind in (("ENUMERATE_NODES", "nodes"), ("ENUMERATE_OUTCOMES", "outcomes")):
        with monkeypatch.context() as m:
            m.setattr(methods, part, 1)
            cut = solve(scenario)
        data = cut.to_dict()
        assert data["counts_exact"] is False and data["budget_ended"] == kind
        assert data["frontier_complete"] is False
        assert cut.counts.zopa <= full.counts.zopa
        assert "the frontiers are partial" in to_markdown(cut)


@pytest.mark.parametrize("frontier", ["zopa", "none"])
def test_a_closest_search_out_of_time_leaves_exact_counts_and_says_why_no_closest(
    monkeypatch: pytest.MonkeyPatch, frontier: str
) -> None:
    """The count ends (no ZOPA) and the time runs out in the closest package's integer
    programmes: the solve still answers, with exact counts, no closest package, and the reason
    (a 10^40 domain under a 2 s limit did this, and the whole solve raised)."""
    scenario = no_zopa()
    exact = solve(scenario, frontier=frontier)
    assert exact.closest is not None and exact.stats.budget_ended is None

    def out_of_time(*args: object, **kwargs: object) -> None:
        raise OverBudget("time", stage="the integer programme")

    monkeypatch.setattr(methods, "closest_to_agreement", out_of_time)
    cut = solve(scenario, frontier=frontier)
    data = cut.to_dict()
    assert cut.closest is None and data["budget_ended"] == "time"
    assert data["counts_exact"] is True and cut.counts == exact.counts
    assert "the search for the closest package stopped at" in to_markdown(cut)


def test_a_frontier_past_its_own_seconds_leaves_exact_counts_and_solutions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With no time limit given, the pass that counts and builds the frontier has
    ``FRONTIER_SECONDS``; past them the counts and the solutions come exactly from the pass
    without a frontier, and only the frontier is partial (a 5x10^8-package four-party zone ran
    for more than 5 minutes before)."""
    scenario = nonlinear_scenario(8, 5, 2, rng=3, reservation=0.3, structure="uniform")
    full = solve(scenario)
    assert full.stats.budget_ended is None and full.counts.zopa > 0
    monkeypatch.setattr(methods, "FRONTIER_SECONDS", 0.0)
    cut = solve(scenario)
    data = cut.to_dict()
    assert data["counts_exact"] is True and cut.counts == full.counts
    assert data["budget_ended"] == "time" and data["frontier_complete"] is False
    assert {k: p.outcome for k, p in cut.solutions.items()} == {
        k: p.outcome for k, p in full.solutions.items()
    }
    assert "the frontiers are partial" in to_markdown(cut)
    limited = solve(scenario, time_limit=3600.0)  # the caller's limit replaces the own seconds
    assert limited.stats.budget_ended is None
    assert limited.zopa_frontier.size == full.zopa_frontier.size


def _cli(*argv: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simulator", *argv],
        capture_output=True,
        text=True,
        timeout=HARD_LIMIT,
        cwd=cwd,
    )


def test_report_stops_at_its_time_limit_says_which_pass_and_writes_nothing(
    tmp_path: Path,
) -> None:
    out = tmp_path / "report"
    done = _cli("report", str(CAR), "--out", str(out), "--time-limit", "1e-9")
    assert done.returncode == 3, done.stderr
    assert "stopped at the time limit" in done.stderr and "--time-limit" in done.stderr
    assert "Traceback" not in done.stderr and not out.exists()
    bad = _cli("plot", str(CAR), "--out", str(out), "--time-limit", "-1")
    assert bad.returncode == 2 and "--time-limit" in bad.stderr
    # solve keeps its partial answer, but the margins after it have no time left
    margins = _cli("solve", str(CAR), "--json", "--margins", "--time-limit", "1e-9")
    assert margins.returncode == 3 and "stopped at the time limit" in margins.stderr
    assert not margins.stdout


@pytest.mark.parametrize("command", ["report", "plot", "stress", "gaps", "coalitions", "compare"])
def test_every_command_that_solves_takes_a_time_limit(command: str) -> None:
    done = _cli(command, "--help")
    assert done.returncode == 0 and "--time-limit S" in done.stdout


def test_a_time_limited_command_on_a_huge_space_stops_in_time(tmp_path: Path) -> None:
    """A regression guard in a child with a hard timeout: ``gaps`` on a 3-party nonlinear domain
    of 10^40 outcomes (existence and counting passes on every pair) ends within a few seconds of
    its two-second limit, with either an answer or the exit-3 message."""
    code = (
        "from simulator.synthetic import nonlinear_scenario\n"
        "from simulator.formats import dump_scenario_yaml\n"
        "text = dump_scenario_yaml(nonlinear_scenario(40, 10, 3, rng=0, structure='uniform'))\n"
        f"open({str(tmp_path / 's.yaml')!r}, 'w').write(text)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=HARD_LIMIT, cwd=ROOT)
    start = time.perf_counter()
    done = _cli("gaps", str(tmp_path / "s.yaml"), "--json", "--time-limit", "2")
    took = time.perf_counter() - start
    assert done.returncode in (0, 3), done.stderr[-2000:]
    if done.returncode == 0:
        json.loads(done.stdout)
    else:
        assert "stopped at the time limit" in done.stderr
    assert took <= 60, took


def test_the_minimal_set_search_stops_at_the_time_limit_and_says_so() -> None:
    from simulator.analysis.edits import apply_edits
    from simulator.analysis.minimal_sets import Effects, minimal_sets
    from simulator.analysis.scan import candidate_concessions, scan_concessions
    from simulator.formats import load_scenario

    s = apply_edits(load_scenario(CAR), ["buyer reservation =0.75"])  # the ZOPA is empty
    singles = [e for p in s.party_ids for e in candidate_concessions(s, p)]
    units = [e for e in singles if Effects(s).red_lines(e)]
    found, stats = minimal_sets(Effects(s), units, 2, None, {})
    assert stats["complete"] and found and "budget_ended" not in stats
    with time_limit(0.0):
        cut, stats = minimal_sets(Effects(s), units, 2, None, {})
    assert not stats["complete"] and stats["budget_ended"] == "time" and cut == []
    scan = scan_concessions(s, max_set_size=2)
    assert "searches; complete)" in to_markdown(scan)
    stopped = dataclasses.replace(scan, search={**scan.search, **stats})
    assert "stopped at the time limit: not exhaustive" in to_markdown(stopped)
    assert stopped.to_dict()["search"]["budget_ended"] == "time"


def test_every_budgeted_pass_stops_at_a_time_limit_in_a_child_with_a_hard_timeout() -> None:
    """A regression guard for each pass this issue budgeted: on a generated 10^40-outcome domain
    each runs in a two-second ``time_limit`` scope in a child process with a hard timeout, and
    must stop (a partial answer, or :class:`OverBudget`) within a few seconds of the limit."""
    code = """
    import time
    from simulator.compiled import compile_scenario
    from simulator.solver import OverBudget, rule_regions, solve, zopa_threshold
    from simulator.solver import milp, queries
    from simulator.solver.budget import time_limit
    from simulator.solver.closest import closest_to_agreement
    from simulator.synthetic import nonlinear_scenario

    scenario = nonlinear_scenario(40, 10, 2, rng=0, reservation=0.9, structure="uniform")
    cs = compile_scenario(scenario)
    t = zopa_threshold(cs, cs.reservation)
    frontier = milp.frontier_two_parties
    milp.optimum = lambda *a, **k: None  # no witness: the existence search's final pass runs
    passes = {
        "exists": lambda: queries.find_outcome(cs, rule_regions(cs, "all"), t),
        "closest": lambda: closest_to_agreement(cs, cs.reservation, 0, None),
        "milp frontier": lambda: frontier(cs, rule_regions(cs, "none")).complete,
        "enumerate": lambda: solve(cs, method="enumerate", time_limit=2.0).stats.budget_ended,
    }
    for name, run in passes.items():
        start = time.perf_counter()
        with time_limit(2.0):
            try:
                how = repr(run())
            except OverBudget as e:
                how = "OverBudget " + e.budget
        print(name, "|", how, "|", time.perf_counter() - start)
    """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=HARD_LIMIT,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [line.split(" | ") for line in done.stdout.splitlines()]
    assert [r[0] for r in rows] == ["exists", "closest", "milp frontier", "enumerate"]
    for name, how, seconds in rows:
        assert float(seconds) <= 2.0 + 10.0, (name, how, seconds)
    found = {r[0]: r[1] for r in rows}
    assert found["milp frontier"] == "False" and found["enumerate"] == "'time'"


def test_highs_own_time_limit_ends_the_frontier_with_its_points_and_other_failures_raise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Under load a single HiGHS solve can reach its own 60 s limit (seen on the generated 10^40
    domain at its 54th point): the frontier keeps the points found and says it is partial."""
    cs = compile_scenario(nonlinear_scenario(8, 4, 2, rng=0, structure="uniform"))
    whole = milp.frontier_two_parties(cs, rule_regions(cs, "none"))
    assert whole.complete and len(whole.utilities) >= 3
    real = OutcomeProgram.solve

    def failing(timed_out: bool):  # type: ignore[no-untyped-def]
        def solve(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            if self.solves >= 2:
                raise milp.MilpError("HiGHS stopped", timed_out)
            return real(self, *args, **kwargs)

        return solve

    monkeypatch.setattr(OutcomeProgram, "solve", failing(True))
    cut = milp.frontier_two_parties(cs, rule_regions(cs, "none"))
    assert not cut.complete and np.array_equal(cut.utilities, whole.utilities[:2])
    monkeypatch.setattr(OutcomeProgram, "solve", failing(False))
    with pytest.raises(milp.MilpError):
        milp.frontier_two_parties(cs, rule_regions(cs, "none"))


def test_the_integer_programme_frontier_reports_progress_under_its_stage_name() -> None:
    """The sweep can take minutes (the 10^40 domain): the bar names it and moves point by point."""
    seen: list[tuple[str, float]] = []
    result = solve(
        nonlinear_scenario(8, 4, 2, rng=0, structure="uniform"),
        method="milp",
        frontier="all",
        progress=lambda stage, f: seen.append((stage, f)),
    )
    sweep = [f for stage, f in seen if stage == "all frontier (integer programme)"]
    assert len(sweep) == result.frontier.size + 1 and sweep[-1] == 1.0
    assert sweep[:-1] == sorted(sweep[:-1]) and all(0.0 <= f <= 0.99 for f in sweep[:-1])
