"""Every figure builds (Agg), and draws what the result says: checked on the drawn artists."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.collections import LineCollection, PathCollection, QuadMesh
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

import simulator
from simulator.analysis.figure_data import figure_data
from simulator.errors import ScenarioError
from simulator.evaluate import evaluate_proposals
from simulator.figure_registry import FigureData
from simulator.model import Proposal
from simulator.plots import (
    OKABE_ITO,
    figure_bytes,
    figures,
    party_colours,
    plot_convergence,
    plot_frontier_packages,
    plot_monte_carlo,
    plot_option_map,
    plot_proposals,
    plot_scan,
    plot_stress,
    plot_sweep,
    plot_utility_space,
)
from simulator.solver.stream import option_red_lines, utility_cloud
from simulator.synthetic import synthetic_scenario

ROOT = Path(__file__).resolve().parents[1]


# --- scenarios ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def car():
    return simulator.solve(simulator.load_scenario(ROOT / "scenarios" / "textbook_car.yaml"))


def _three_parties() -> simulator.Scenario:
    s = synthetic_scenario(5, 4, 3, seed=2, red_lines=3, reservation=0.4)
    return dataclasses.replace(
        s,
        proposals=(
            Proposal("draft", {"issue0": ("o1",), "issue1": ("o2", "o3")}, label="Mediator draft"),
            Proposal("split", {i.id: ("o2",) for i in s.issues}, label="Split the difference"),
        ),
    )


@pytest.fixture(scope="module")
def three():
    return simulator.solve(_three_parties(), frontier="feasible")


@pytest.fixture(scope="module")
def no_zopa():
    return simulator.solve(synthetic_scenario(4, 4, 2, seed=3, reservation=0.85, red_lines=2))


# --- helpers: the data a figure shows, and what was drawn -----------------------------------------
def data_for(result, kind):
    """The keyword arguments of figure ``kind``'s draw function: the data it shows."""
    return figure_data(result, [kind]).arguments(kind)


def by_gid(fig, gid, kind=None):
    found = [
        a for a in fig.findobj(lambda a: a.get_gid() == gid) if kind is None or isinstance(a, kind)
    ]
    return found


def one(fig, gid, kind=None):
    found = by_gid(fig, gid, kind)
    assert len(found) == 1, (gid, found)
    return found[0]


def offsets(collection) -> set[tuple[float, float]]:
    return {(float(x), float(y)) for x, y in collection.get_offsets()}


def drawn_texts(fig) -> list[Text]:
    """Visible, non-empty texts that are drawn: tick labels only where their tick is in view."""
    ticks = set()
    shown = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks():
                labels = (tick.label1, tick.label2)
                ticks.update(map(id, labels))
                if ax.axison and lo - 1e-9 <= tick.get_loc() <= hi + 1e-9:
                    shown += [t for t in labels if t.get_visible()]
    shown += [t for t in fig.findobj(Text) if id(t) not in ticks and t.get_visible()]
    return [t for t in shown if t.get_text().strip()]


def overlapping_texts(fig) -> list[tuple[str, str]]:
    """Pairs of drawn texts whose boxes overlap by more than a pixel each way."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    texts = drawn_texts(fig)
    boxes = [t.get_window_extent(renderer) for t in texts]
    bad = []
    for (a, ba), (b, bb) in itertools.combinations(zip(texts, boxes, strict=True), 2):
        w = min(ba.x1, bb.x1) - max(ba.x0, bb.x0)
        h = min(ba.y1, bb.y1) - max(ba.y0, bb.y0)
        if w > 1 and h > 1:
            bad.append((a.get_text(), b.get_text()))
    return bad


# --- colours --------------------------------------------------------------------------------------
def test_party_colours_are_okabe_ito_distinct_and_stable(car, three):
    for result in (car, three):
        colours = party_colours(result.scenario)
        assert list(colours) == list(result.scenario.party_ids)
        assert set(colours.values()) <= set(OKABE_ITO.values())
        assert len(set(colours.values())) == len(colours)
    assert party_colours(car.scenario)["buyer"] == party_colours(three.scenario)["party0"]


# --- utility space --------------------------------------------------------------------------------
def test_two_party_utility_space_draws_the_result(car):
    fig = plot_utility_space(car, **data_for(car, "utility_space"))
    ax = fig.axes[0]
    s, d = car.scenario, car.disagreement
    front = one(fig, "frontier", PathCollection)
    assert len(front.get_offsets()) == car.frontier.size
    assert offsets(front) == {tuple(u) for u in car.frontier.utilities.tolist()}
    buyer, dealer = one(fig, "reservation:buyer", Line2D), one(fig, "reservation:dealer", Line2D)
    assert list(buyer.get_xdata()) == [d[0], d[0]] and list(dealer.get_ydata()) == [d[1], d[1]]
    colours = party_colours(s)
    assert buyer.get_color() == colours["buyer"] and dealer.get_color() == colours["dealer"]
    for name, pt in car.solutions.items():
        assert pt is not None
        assert offsets(one(fig, f"solution:{name}")) == {pt.utilities}
    cloud = utility_cloud(s)
    assert len(one(fig, "cloud:feasible").get_offsets()) == cloud.n_feasible
    assert len(one(fig, "cloud:infeasible").get_offsets()) == cloud.n_infeasible
    zone = one(fig, "zopa", Rectangle)
    assert zone.get_xy() == (d[0], d[1])
    for e in evaluate_proposals(s):
        mark = one(fig, f"proposal:{e.proposal.id}")
        if e.complete:
            assert offsets(mark) == {tuple(e.low)}
        else:
            assert mark.get_xy() == (e.low[0], e.low[1])
            assert mark.get_width() == pytest.approx(e.high[0] - e.low[0])
    assert f"ZOPA of {car.counts.zopa:,}" in ax.get_title(loc="left")
    assert overlapping_texts(fig) == []


def test_utility_space_into_given_axes_and_by_party_names(three):
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    data = data_for(three, "utility_space")
    assert plot_utility_space(three, pair=("party2", "party0"), ax=ax, **data) is fig
    d = three.disagreement
    assert list(one(fig, "reservation:party2").get_xdata()) == [d[2], d[2]]
    assert list(one(fig, "reservation:party0").get_ydata()) == [d[0], d[0]]
    front = one(fig, "frontier")
    assert offsets(front) == {(u[2], u[0]) for u in three.frontier.utilities.tolist()}
    with pytest.raises(ScenarioError, match="pair"):
        plot_utility_space(three, ax=ax, **data)
    with pytest.raises(ScenarioError, match="different"):
        plot_utility_space(three, pair=(1, 1), **data)


def test_grid_has_one_panel_per_pair_each_drawing_the_result(three):
    fig = plot_utility_space(three, **data_for(three, "utility_space"))
    panels = [ax for ax in fig.axes if ax.axison]
    n = len(three.scenario.parties)
    assert len(panels) == n * (n - 1) // 2
    fronts = by_gid(fig, "frontier", PathCollection)
    assert [len(f.get_offsets()) for f in fronts] == [three.frontier.size] * len(panels)
    d = three.disagreement
    for ax in panels:
        lines = {ln.get_gid(): ln for ln in ax.lines if ln.get_gid()}
        xs = [g for g, ln in lines.items() if ln.get_xdata()[0] == ln.get_xdata()[1]]
        assert len(lines) == 2 and xs
    for k, party in enumerate(three.scenario.parties):
        for ln in by_gid(fig, f"reservation:{party.id}", Line2D):
            x, y = ln.get_xdata(), ln.get_ydata()
            assert (x[0] == x[1] == d[k]) or (y[0] == y[1] == d[k])
    nash = three.solutions["nash"]
    assert nash is not None
    marks = by_gid(fig, "solution:nash")
    want = {(nash.utilities[p], nash.utilities[q]) for p, q in itertools.combinations(range(n), 2)}
    assert set().union(*(offsets(m) for m in marks)) == want
    assert overlapping_texts(fig) == []


def test_large_spaces_are_drawn_as_densities_from_streamed_histograms(three):
    cloud = utility_cloud(three.scenario, exact_limit=0, bins=40)
    fig = plot_utility_space(three, pair=(0, 1), cloud=cloud, proposals=())
    mesh = one(fig, "cloud:feasible", QuadMesh)
    assert mesh.get_array().sum() == cloud.n_feasible
    sampled = utility_cloud(three.scenario, exact_limit=0, stream_limit=0, samples=(6000, 6000))
    fig = plot_utility_space(three, pair=(0, 1), cloud=sampled, proposals=())
    assert "random samples (seed 0)" in fig.get_supxlabel() or "random samples" in " ".join(
        t.get_text() for t in fig.findobj(Text)
    )


def test_no_zopa_marks_the_closest_package(no_zopa):
    assert no_zopa.counts.zopa == 0 and no_zopa.closest is not None
    fig = plot_utility_space(no_zopa, **data_for(no_zopa, "utility_space"))
    assert offsets(one(fig, "closest")) == {no_zopa.closest.point.utilities}
    assert by_gid(fig, "frontier") == []
    assert "no ZOPA" in fig.axes[0].get_title(loc="left")


def test_utility_space_needs_two_parties():
    s = synthetic_scenario(2, 2, 1)
    with pytest.raises(ScenarioError, match="two parties"):
        plot_utility_space(simulator.solve(s), cloud=utility_cloud(s), proposals=())


# --- issue space ----------------------------------------------------------------------------------
def test_option_map_marks_red_lines_and_zopa_shares(car):
    fig = plot_option_map(car, **data_for(car, "option_map"))
    s = car.scenario
    rules = option_red_lines(s)
    for p, party in enumerate(s.parties):
        for i, issue in enumerate(s.issues):
            status = rules.party_status(i, p)
            for k in range(len(issue.options)):
                marks = by_gid(fig, f"red_line:{party.id}:{i}:{k}", Text)
                want = {0: [], 1: ["(×)"], 2: ["×"]}[int(status[k])]
                assert [m.get_text() for m in marks] == want
    # the dealer's red line forbids a price of 20, the buyer's no warranty
    assert by_gid(fig, "red_line:dealer:0:0") and by_gid(fig, "red_line:buyer:1:0")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts.count("–") >= 4  # options no feasible / ZOPA package uses
    assert overlapping_texts(fig) == []


def test_option_map_labels_every_row_and_column(car):
    """The rows (issues, then their options) and the columns (the two counts, then each party in
    its colour) are labelled, in order, beside the cells."""
    from matplotlib.colors import to_hex

    from simulator.plots.issues import option_label

    fig = plot_option_map(car, **data_for(car, "option_map"))
    s = car.scenario
    texts = {t.get_text(): t for t in fig.axes[0].texts}
    rows = [x for i in s.issues for x in (i.label or i.id, *map(option_label, i.options))]
    shown = [t.get_text() for t in fig.axes[0].texts if t.get_text() in set(rows)]
    assert shown == rows
    for issue in s.issues:
        assert texts[issue.label or issue.id].get_fontweight() == "bold"
    colours = party_colours(s)
    for party in s.parties:
        assert to_hex(texts[party.display].get_color()) == colours[party.id].lower()


def test_frontier_packages_follow_the_frontier_and_solutions(car, three):
    for result in (car, three):
        fig = plot_frontier_packages(result, **data_for(result, "frontier_packages"))
        (bands,) = [c for c in fig.axes[0].collections if isinstance(c, LineCollection)]
        f, n = result.frontier, len(result.scenario.issues)
        pairs = {(i, tuple(o[i : i + 2])) for o in f.outcomes.tolist() for i in range(n - 1)}
        assert len(bands.get_segments()) == len(pairs)
        for name, pt in result.solutions.items():
            (path,) = by_gid(fig, f"path:{name}", Line2D)
            assert list(path.get_ydata()) == list(range(n))
            sizes = [len(i.options) for i in result.scenario.issues]
            slot = [(k + 0.5) / size for k, size in zip(pt.outcome, sizes, strict=True)]
            assert np.allclose(path.get_xdata(), slot, atol=0.05)
        assert overlapping_texts(fig) == []


def test_frontier_packages_without_a_frontier_draw_the_closest(no_zopa):
    fig = plot_frontier_packages(no_zopa, **data_for(no_zopa, "frontier_packages"))
    assert by_gid(fig, "path:closest", Line2D)
    assert "empty" in fig.axes[0].get_title(loc="left")


# --- proposals ------------------------------------------------------------------------------------
def test_proposals_against_reservation_values(three):
    evs = evaluate_proposals(three.scenario)
    fig = plot_proposals(three, proposals=evs)
    s, d = three.scenario, three.disagreement
    for p, party in enumerate(s.parties):
        line = one(fig, f"reservation:{party.id}", Line2D)
        assert list(line.get_xdata()) == [d[p], d[p]]
        assert line.get_color() == party_colours(s)[party.id]
        for j, e in enumerate(evs):
            mark = one(fig, f"proposal:{e.proposal.id}:{party.id}")
            if e.low[p] == e.high[p]:
                assert offsets(mark) == {(e.low[p], j)}
            else:
                assert list(mark.get_xdata()) == [e.low[p], e.high[p]]
            crossed = any(o == party.id for o, _ in e.red_lines_crossed)
            risk = any(o == party.id for o, _ in e.red_lines_at_risk)
            marks = [t.get_text() for t in by_gid(fig, f"red_line:{e.proposal.id}:{party.id}")]
            assert marks == (["×"] if crossed else ["(×)"] if risk else [])
    assert overlapping_texts(fig) == []


def test_proposals_figure_needs_proposals(no_zopa):
    with pytest.raises(ScenarioError, match="no proposals"):
        plot_proposals(no_zopa, proposals=())


# --- all figures ----------------------------------------------------------------------------------
def test_figures_builds_every_kind_that_applies_and_renders(car, no_zopa):
    data = figure_data(car)
    drawn = figures(car, data)
    assert list(drawn) == ["utility_space", "option_map", "frontier_packages", "proposals"]
    png = figure_bytes(drawn["utility_space"])
    assert png.startswith(b"\x89PNG")
    svg = figure_bytes(drawn["proposals"], "svg")
    assert svg == figure_bytes(drawn["proposals"], "svg")  # no dates: same figure, same file
    drawn = figures(no_zopa, figure_data(no_zopa))
    assert list(drawn) == ["utility_space", "option_map", "frontier_packages"]
    with pytest.raises(ScenarioError, match="do not apply"):
        figures(no_zopa, FigureData(), kinds=["proposals"])
    with pytest.raises(ScenarioError, match="unknown"):
        figures(no_zopa, FigureData(), kinds=["pie"])


# --- stress tests ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def analyses(car):
    from simulator.analysis.monte_carlo import monte_carlo
    from simulator.analysis.sensitivity import sweep
    from simulator.analysis.stress import scan_concessions, stress_test

    s = car.scenario
    return {
        "stress": stress_test(s, ["dealer drops redline no_fire_sale"], binding=False),
        "scan": scan_concessions(s, workers=1),
        "sweep": sweep(s, "buyer.reservation", [0.3, 0.4, 0.5, 0.6, 0.7], workers=1),
        "mc": monte_carlo(s, 60, 1, workers=1),
    }


def test_stress_figure_shows_both_zopas(analyses):
    st = analyses["stress"]
    fig = plot_stress(st)
    for when, result in (("before", st.baseline), ("after", st.edited)):
        front = one(fig, f"frontier:{when}", PathCollection)
        assert offsets(front) == {tuple(u) for u in result.frontier.utilities.tolist()}
        assert len(front.get_offsets()) == result.frontier.size
        nash = result.solutions["nash"]
        assert offsets(one(fig, f"solution:nash:{when}")) == {nash.utilities}
        d = result.disagreement
        assert list(one(fig, f"reservation:buyer:{when}").get_xdata()) == [d[0], d[0]]
    assert "11 → 13" in fig.axes[0].get_title(loc="left")
    assert overlapping_texts(fig) == []


def test_scan_bars_rank_the_concessions(analyses):
    scan = analyses["scan"]
    fig = plot_scan(scan, top=5)
    bars = by_gid(fig, "scan", Rectangle)
    assert [b.get_width() for b in bars] == [c.zopa_after for c in scan.concessions[:5]]
    colours = party_colours(scan.scenario)
    assert [matplotlib.colors.to_hex(b.get_facecolor()) for b in bars] == [
        colours[c.party].lower() for c in scan.concessions[:5]
    ]
    assert list(one(fig, "baseline", Line2D).get_xdata()) == [scan.baseline.zopa] * 2
    assert overlapping_texts(fig) == []


def test_sweep_curves_and_break_even_points(analyses):
    sw = analyses["sweep"]
    fig = plot_sweep(sw)
    assert list(one(fig, "zopa", Line2D).get_ydata()) == list(sw.zopa)
    marks = {ln.get_xdata()[0] for ln in by_gid(fig, "break_even", Line2D)}
    assert marks == {b.value for b in sw.break_even} and sw.break_even
    nash = one(fig, "nash:dealer", Line2D).get_ydata()
    want = [np.nan if p is None else p.utilities[1] for p in sw.solution("nash")]
    assert np.allclose(nash, want, equal_nan=True)
    assert overlapping_texts(fig) == []


def test_monte_carlo_histogram_counts_every_sample(analyses):
    mc = analyses["mc"]
    fig = plot_monte_carlo(mc)
    empty = one(fig, "empty", Rectangle).get_height()
    rest = sum(b.get_height() for b in by_gid(fig, "zopa", Rectangle))
    assert empty == int((np.asarray(mc.zopa) == 0).sum()) and empty + rest == mc.samples
    assert f"P(ZOPA) = {mc.p_zopa:.2f}" in fig.axes[0].get_title(loc="left")
    assert overlapping_texts(fig) == []


def test_convergence_draws_the_running_estimate_its_interval_and_the_exact_value(analyses):
    import dataclasses

    from matplotlib.collections import PolyCollection

    from simulator.analysis.mc_stats import convergence

    mc = dataclasses.replace(analyses["mc"], p_zopa_exact=0.25)
    c = convergence(mc.zopa > 0)
    fig = plot_convergence(mc, c)
    line = one(fig, "estimate", Line2D)
    assert np.array_equal(line.get_xdata(), c.samples)
    assert np.allclose(line.get_ydata(), c.estimate)
    band = one(fig, "interval", PolyCollection).get_paths()[0].vertices
    assert band[:, 1].min() == pytest.approx(c.low.min())
    assert band[:, 1].max() == pytest.approx(c.high.max())
    assert one(fig, "exact", Line2D).get_ydata()[0] == 0.25
    assert overlapping_texts(fig) == []
    both = plot_monte_carlo(mc, convergence=c)  # sizes counted: the histogram below
    assert len(both.axes) == 2 and by_gid(both, "empty", Rectangle)
    alone = plot_monte_carlo(dataclasses.replace(mc, sizes_counted=False), convergence=c)
    assert len(alone.axes) == 1 and not by_gid(alone, "empty", Rectangle)
    assert not by_gid(plot_convergence(analyses["mc"], c), "exact")


# --- the flagship scenario ------------------------------------------------------------------------
UKRAINE = ROOT / "scenarios" / "ukraine_2025-12.yaml"


@pytest.fixture(scope="module")
def ukraine():
    if not UKRAINE.exists():
        pytest.skip("the Ukraine scenario is not there")
    result = simulator.solve(simulator.load_scenario(UKRAINE))
    data = figure_data(result)
    return result, data, figures(result, data)


def test_ukraine_figures_build_without_overlapping_labels(ukraine):
    _, _, drawn = ukraine
    assert list(drawn) == ["utility_space", "option_map", "frontier_packages", "proposals"]
    for kind, fig in drawn.items():
        assert overlapping_texts(fig) == [], kind


def test_ukraine_utility_space_says_it_is_a_sample_and_marks_the_closest(ukraine):
    result, data, drawn = ukraine
    fig = drawn["utility_space"]
    assert data.cloud is not None and data.cloud.method == "sampled"
    assert "random samples (seed 0)" in fig.get_supxlabel()
    n = len(result.scenario.parties)
    assert len([ax for ax in fig.axes if ax.axison]) == n * (n - 1) // 2
    if result.closest is not None:
        u = result.closest.point.utilities
        marks = set().union(*(offsets(m) for m in by_gid(fig, "closest")))
        assert marks == {(u[p], u[q]) for p, q in itertools.combinations(range(n), 2)}
    assert len(by_gid(fig, "frontier")) == (n * (n - 1) // 2 if result.frontier.size else 0)


def test_ukraine_proposals_and_options_match_the_evaluations(ukraine):
    result, data, drawn = ukraine
    fig = drawn["proposals"]
    assert data.proposals is not None
    for e in data.proposals:
        for party in result.scenario.parties:
            crossed = any(o == party.id for o, _ in e.red_lines_crossed)
            marks = [t.get_text() for t in by_gid(fig, f"red_line:{e.proposal.id}:{party.id}")]
            assert ("×" in marks) == crossed
    assert data.option_rules is not None
    option_map = drawn["option_map"]
    for p, party in enumerate(result.scenario.parties):
        alone = sum(
            int((data.option_rules.party_status(i, p) == 2).sum())
            for i in range(len(result.scenario.issues))
        )
        marks = [
            t
            for t in option_map.axes[0].texts
            if (t.get_gid() or "").startswith(f"red_line:{party.id}:")
        ]
        assert sum(t.get_text() == "×" for t in marks) == alone


# --- plots compute nothing -----------------------------------------------------------------------
PLOTS = ROOT / "simulator" / "plots"
#: Modules whose every name plots may use: its own, and the matplotlib-free figure metadata.
FREE = ("simulator.plots", "simulator.figure_registry", "simulator.errors")


def _imports(path: Path) -> list[tuple[str, str | None, int]]:
    """``(module, name, line)`` of every import in ``path`` (``name`` None for ``import module``),
    wherever it is: at the top, under ``TYPE_CHECKING`` or in a function."""
    import ast

    out: list[tuple[str, str | None, int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, None, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            out += [(node.module, a.name, node.lineno) for a in node.names]
    return out


def _is_data(obj: object) -> bool:
    """A data type (a dataclass, an exception, a type alias) or a registry of data (a dict of
    dataclass instances): what a figure may read, as opposed to a function that computes."""
    import types
    import typing

    if isinstance(obj, type):
        return dataclasses.is_dataclass(obj) or issubclass(obj, Exception)
    if isinstance(obj, types.GenericAlias) or typing.get_origin(obj) is not None:
        return True
    if isinstance(obj, dict):
        return all(dataclasses.is_dataclass(v) and not isinstance(v, type) for v in obj.values())
    return False


def computing_imports(path: Path) -> list[str]:
    """The imports of ``path`` that reach computing code: a whole simulator module, or any name of
    a simulator module (solver, evaluator, analyses, compiler) that is not data; and any package
    besides the standard library, numpy and matplotlib."""
    import importlib
    import sys

    bad = []
    for module, name, line in _imports(path):
        top = module.split(".")[0]
        where = f"{path.name}:{line} {module}" + (f".{name}" if name else "")
        if top in sys.stdlib_module_names or top in ("numpy", "matplotlib", "__future__"):
            continue
        if top != "simulator":
            bad.append(where)
        elif any(module == m or module.startswith(m + ".") for m in FREE):
            continue
        elif name is None or not _is_data(getattr(importlib.import_module(module), name)):
            bad.append(where)
    return bad


def test_plots_import_data_types_only_never_computing_code():
    """The figures take result objects and the data they show; they never call the solver, the
    evaluator, the analyses or the compiler (issue 14)."""
    files = sorted(PLOTS.glob("*.py"))
    assert len(files) >= 8
    assert {p: computing_imports(p) for p in files} == {p: [] for p in files}


def test_the_import_check_catches_a_computing_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from simulator.results import SolveResult\n"
        "from simulator.solver.stream import UtilityCloud, utility_cloud\n"
        "import simulator.evaluate\n"
        "from simulator.compiled import FloatArray, compile_scenario\n"
        "import scipy\n"
    )
    assert computing_imports(bad) == [
        "bad.py:2 simulator.solver.stream.utility_cloud",
        "bad.py:3 simulator.evaluate",
        "bad.py:4 simulator.compiled.compile_scenario",
        "bad.py:5 scipy",
    ]


def test_ripeness_draws_each_party_and_shades_the_open_periods() -> None:
    from simulator.analysis.ripeness import ripeness
    from simulator.plots import plot_ripeness

    result = ripeness(simulator.load_scenario(ROOT / "scenarios" / "textbook_car_drift.yaml"), 6)
    ax = plot_ripeness(result).axes[0]
    colours = party_colours(result.scenario)
    lines = [ln for ln in ax.get_lines() if ln.get_gid() != "first_open"]
    assert len(lines) == 2 * len(result.scenario.parties)
    for p, party in enumerate(result.scenario.parties):
        dashed, solid = lines[2 * p], lines[2 * p + 1]
        assert dashed.get_color() == solid.get_color() == colours[party.id]
        assert list(dashed.get_ydata()) == [v.reservation[p] for v in result.periods]
        assert list(solid.get_ydata()) == [v.best[p] for v in result.periods]
    shaded = [a for a in ax.patches if a.get_gid() == "open"]
    assert len(shaded) == sum(v.is_open for v in result.periods) > 0
    marks = [ln for ln in ax.get_lines() if ln.get_gid() == "first_open"]
    assert len(marks) == 1 and marks[0].get_xdata()[0] == result.first_open
