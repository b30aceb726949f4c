"""One explorer session: the scenario it was started with, and every edited version solved so far.

The web layer (:mod:`simulator.explorer.app`) only translates HTTP to calls on :class:`Explorer`;
everything here is plain Python and tested without a server.

Caching
-------
The scenario is read once. An *edited view* (:class:`View`) is keyed by the canonical text of its
edits (``str`` of each parsed edit, in order), so ``"Ukraine drops redline nato_at_most_2"`` and
``"ukraine drops redline nato_at_most_2"`` share one entry. A view solves once; its figure data,
proposal evaluations and figure bytes are computed the first time they are asked for, from the
solved result, never by solving again. The views live in a small LRU cache: an analyst moving back
and forth between a few states gets instant answers, and memory stays bounded.

Concurrency
-----------
The server runs requests on a thread pool. Each view has its own lock, so two tabs asking for the
same state compute it once, and two tabs asking for different states never see each other's
edits (each request names all of its edits; there is no shared "current" state). Figures are
drawn by worker processes (:mod:`simulator.explorer.render`), from the data computed here.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from simulator.analysis.edits import Edit, apply_edits, parse_edits
from simulator.errors import EditError
from simulator.explorer.render import draw
from simulator.model import Scenario
from simulator.results import SolveResult

log = logging.getLogger("simulator.explorer")

__all__ = ["FIGURE_FORMATS", "GAPS_FIGURE", "MAX_EDITS", "PAGE_FIGURES", "Explorer", "View"]

#: At most this many edits in one request.
MAX_EDITS = 64
#: The figures the page redraws on every change.
PAGE_FIGURES = ("utility_space", "option_map", "gaps")
#: The pairwise gap matrix (``bargain gaps --plot``): a figure of the gaps, not of the solve.
GAPS_FIGURE = "gaps"
FIGURE_FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
#: Views kept in the LRU cache.
CACHE_SIZE = 32
#: Sample sizes of the utility cloud drawn by the explorer (consistent, feasible packages): a
#: fifth of the report's, so that a huge space redraws within the latency target; the figure's
#: caption says how many packages it shows.
CLOUD_SAMPLES = (20_000, 10_000)


def _registered_figure(result: SolveResult, data: Any, kind: str) -> Any:
    """Figure ``kind`` of the registry (drawn in a worker: a module-level function)."""
    from simulator.plots import figures

    return figures(result, data, kinds=[kind])[kind]


def _utility_space(
    result: SolveResult, cloud: Any, proposals: Any, pair: tuple[str, str] | None
) -> Any:
    from simulator.plots import plot_utility_space

    return plot_utility_space(result, cloud=cloud, proposals=proposals, pair=pair)


def _gaps_figure(result: Any) -> Any:
    from simulator.plots.gaps import plot_gaps

    return plot_gaps(result)


class View:
    """The scenario after one list of edits, solved; figures and evaluations on demand."""

    def __init__(self, base: Scenario, edits: tuple[Edit, ...], source: str) -> None:
        self.edits = edits
        self.scenario = apply_edits(base, edits)
        self.source = source
        self._lock = threading.Lock()
        self._key_locks: dict[Any, threading.Lock] = {}
        self._cache: dict[Any, Any] = {}

    @property
    def texts(self) -> list[str]:
        return [str(e) for e in self.edits]

    def result(self) -> SolveResult:
        """The solved view (``bargain solve``'s defaults), computed once."""

        def compute() -> SolveResult:
            from simulator.analysis.ratified_solve import with_ratification
            from simulator.solver import solve

            solved = dataclasses.replace(solve(self.scenario), source=self.source)
            return with_ratification(solved)  # as the command does (unchanged without terms)

        return self._memo("result", compute)

    def _memo(self, key: Any, compute: Any) -> Any:
        """``compute()`` once per key; other keys of the view are not held up meanwhile."""
        with self._lock:
            if key in self._cache:
                return self._cache[key]
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._cache:
                    return self._cache[key]
            value = compute()
            with self._lock:
                self._cache[key] = value
            return value

    def solve_json(self) -> dict[str, Any]:
        """Exactly ``bargain solve --json`` on the edited scenario, without ``seconds``."""

        def compute() -> dict[str, Any]:
            data = self.result().to_dict()
            data.pop("seconds", None)
            return data

        return dict(self._memo("solve_json", compute))

    def proposals(self) -> tuple[Any, ...]:
        """The evaluations of the scenario's proposals (``bargain evaluate``), computed once."""
        from simulator.evaluate import evaluate_proposals

        return self._memo("proposals", lambda: tuple(evaluate_proposals(self.scenario)))

    def evaluate_json(self) -> dict[str, Any]:
        """Exactly ``bargain evaluate --json`` on the edited scenario."""
        from simulator.evaluate import ProposalEvaluations

        return ProposalEvaluations(self.scenario, self.proposals(), self.source).to_dict()

    def _field(self, name: str) -> Any:
        """One field of :class:`~simulator.figure_registry.FigureData`, computed once."""

        def compute() -> Any:
            if name == "cloud":
                from simulator.solver.stream import utility_cloud

                return utility_cloud(self.scenario, samples=CLOUD_SAMPLES)
            if name == "proposals":
                return self.proposals()
            from simulator.analysis.figure_data import BUILDERS

            return BUILDERS[name](self.result(), 0, None)

        return self._memo(("field", name), compute)

    def figure_data(self, kind: str) -> Any:
        """What figure ``kind`` needs, from the solved result (nothing is solved again)."""
        from simulator.figure_registry import FIGURES, FigureData

        return FigureData(**{name: self._field(name) for name in FIGURES[kind].needs})

    def figure(
        self,
        kind: str,
        fmt: str,
        *,
        pair: tuple[str, str] | None = None,
        proposals: bool = True,
    ) -> bytes:
        """Figure ``kind`` as PNG or SVG bytes, drawn from the solved view.

        ``pair`` draws the utility space of two parties only (one panel: fast, where the grid of
        every pair of four parties takes seconds); ``proposals=False`` leaves the proposals out
        of it, so that it need not wait for their evaluation.

        Raises
        ------
        EditError
            For an unknown kind, format or party, or a kind that does not apply to the scenario.
        """
        from simulator.figure_registry import FIGURES, available_kinds

        if fmt not in FIGURE_FORMATS:
            raise EditError(
                f"figure format must be one of {', '.join(FIGURE_FORMATS)}, got {fmt!r}"
            )
        if (pair is not None or not proposals) and kind != "utility_space":
            raise EditError("pair and proposals=false apply to the utility_space figure only")
        if kind == GAPS_FIGURE:
            return self._memo(
                ("figure", kind, fmt), lambda: draw(_gaps_figure, (self.gaps(),), fmt)
            )
        if kind not in FIGURES or not FIGURES[kind].applies(self.scenario):
            kinds = ", ".join([*available_kinds(self.result()), GAPS_FIGURE])
            raise EditError(f"unknown figure {kind!r}; this scenario has: {kinds}")
        if pair is not None:
            from simulator.analysis.edits import resolve_party

            pair = (resolve_party(self.scenario, pair[0]), resolve_party(self.scenario, pair[1]))
            if pair[0] == pair[1]:
                raise EditError(f"pair needs two different parties, got {pair[0]!r} twice")

        def compute() -> bytes:
            if kind == "utility_space" and (pair is not None or not proposals):
                cloud = self._field("cloud")
                shown = self.proposals() if proposals else ()
                return draw(_utility_space, (self.result(), cloud, shown, pair), fmt)
            return draw(_registered_figure, (self.result(), self.figure_data(kind), kind), fmt)

        return self._memo(("figure", kind, fmt, pair, proposals), compute)

    def prepare(self, pair: tuple[str, str] | None) -> None:
        """Start drawing the page's two figures now, each in a thread that waits for a worker
        process, so that they are drawn while the verdict's words and margins are written; the
        page's requests for them then find them ready or in progress (the same cache entry)."""

        def start(kind: str, **kw: Any) -> None:
            try:
                self.figure(kind, "svg", **kw)
            except Exception:  # the page's own request reports it
                log.debug("preparing %s failed", kind, exc_info=True)

        if len(self.scenario.parties) > 2 and pair is None:
            pair = (self.scenario.parties[0].id, self.scenario.parties[1].id)
        for kind, kw in (("utility_space", {"pair": pair}), ("option_map", {})):
            threading.Thread(target=start, args=(kind,), kwargs=kw, daemon=True).start()

    def options_json(self) -> dict[str, Any]:
        """The issue-space map as data: how many packages of the zone use each option, and which
        parties' red lines each option crosses on its own."""

        def compute() -> dict[str, Any]:
            s = self.scenario
            rules = self._field("option_rules")
            crossed: dict[str, dict[str, list[str]]] = {}
            for i, issue in enumerate(s.issues):
                crossed[issue.id] = {o: [] for o in issue.option_ids}
                for p, party in enumerate(s.parties):
                    status = rules.party_status(i, p)
                    for k, o in enumerate(issue.option_ids):
                        if status[k] == 2:
                            crossed[issue.id][o].append(party.id)
            return {
                "zopa": self._field("zopa_options").to_dict(s),
                "crossed": crossed,
            }

        return self._memo("options", compute)

    def margins(self) -> Any:
        """The verdict's robustness margins as ``bargain solve --margins`` computes them
        (reservations and red lines, exact; the weights' bisections are left to ``--margins
        all``: seconds to minutes with a large zone), computed once: the "how sure is this" box."""
        from simulator.analysis.margins import margins

        return self._memo("margins", lambda: margins(self.scenario, weights=False))

    def words(self) -> dict[str, str]:
        """The verdict, the "how sure is this" box and the solve report as HTML fragments (the
        report package's words; the report is ``bargain solve --margins``'s)."""
        from simulator.report import blocks_of, verdict
        from simulator.report.html import blocks_html, inline_html
        from simulator.report.margins import margins_blocks

        def compute() -> dict[str, str]:
            result = dataclasses.replace(self.result(), margins=self.margins())
            return {
                "verdict_html": inline_html(verdict(result)),
                "sure_html": blocks_html(margins_blocks(result.margins)),
                "report_html": blocks_html(blocks_of(result)),
            }

        return dict(self._memo("words", compute))

    def gaps(self) -> Any:
        """Every pair's own zone and the issues that separate it (``bargain gaps``), computed
        once."""
        from simulator.analysis.gaps import gaps

        return self._memo("gaps", lambda: gaps(self.scenario))

    def gaps_json(self) -> dict[str, Any]:
        """Exactly ``bargain gaps --json`` on the edited scenario, and the report's words for it
        as an HTML fragment (``html``): the overview table and each pair's table."""
        from simulator.report.gaps import gaps_blocks
        from simulator.report.html import blocks_html

        def compute() -> dict[str, Any]:
            result = self.gaps()
            return {**result.to_dict(), "html": blocks_html(gaps_blocks(result)[1:])}

        return dict(self._memo("gaps_json", compute))

    def scenario_yaml(self) -> str:
        """The edited scenario in the YAML format."""
        from simulator.formats.yaml_writer import dump_scenario_yaml

        return self._memo("yaml", lambda: dump_scenario_yaml(self.scenario))


class Explorer:
    """The scenario a server was started with, and a cache of its edited views.

    Parameters
    ----------
    scenario
        The loaded scenario; requests can only edit it, never name another file.
    source
        How the user named it (it appears as ``source`` in the JSON, as in ``bargain solve``).
    """

    def __init__(self, scenario: Scenario, source: str) -> None:
        self.scenario = scenario
        self.source = source
        self._views: OrderedDict[tuple[str, ...], View] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def load(cls, source: str) -> Explorer:
        from simulator.formats import load_scenario

        return cls(load_scenario(source), source)

    def parse(self, texts: Sequence[str]) -> tuple[Edit, ...]:
        """Validate edits before anything is solved.

        Raises
        ------
        EditError
            More than :data:`MAX_EDITS` edits, or an edit the CLI would refuse (same message).
        """
        if len(texts) > MAX_EDITS:
            raise EditError(f"at most {MAX_EDITS} edits per request, got {len(texts)}")
        edits = parse_edits(texts, self.scenario)
        apply_edits(self.scenario, edits)  # an edit can parse and still not apply
        return edits

    def view(self, texts: Sequence[str]) -> View:
        """The view of these edits, from the cache or made now."""
        edits = self.parse(texts)
        key = tuple(str(e) for e in edits)
        with self._lock:
            view = self._views.get(key)
            if view is not None:
                self._views.move_to_end(key)
                return view
        made = View(self.scenario, edits, self.source)
        with self._lock:
            view = self._views.setdefault(key, made)
            self._views.move_to_end(key)
            while len(self._views) > CACHE_SIZE:
                self._views.popitem(last=False)
        return view
