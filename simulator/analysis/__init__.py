"""Analyses that call the solver again on edited scenarios and compare the results.

- :mod:`~simulator.analysis.edits`: concessions and other edits as objects with a text syntax;
- :mod:`~simulator.analysis.stress`: before/after an edit, and the binding red lines;
- :mod:`~simulator.analysis.scan`: every single concession ranked, with
  :mod:`~simulator.analysis.minimal_sets`: the smallest concession sets that open an empty ZOPA;
- :mod:`~simulator.analysis.sensitivity`: one-parameter sweeps and break-even points;
- :mod:`~simulator.analysis.monte_carlo`: sampling the scenario's stated uncertainty;
- :mod:`~simulator.analysis.p_zopa`: the exact P(ZOPA) under red-line uncertainty;
- :mod:`~simulator.analysis.timeline` and :mod:`~simulator.analysis.ripeness`: the scenario at
  each period as reservations and weights drift, and when a zone opens;
- :mod:`~simulator.analysis.protocols`: what self-interested parties would do, turn by turn: stacked
  alternating offers with concession strategies, and a mediator's single negotiating text;
- :mod:`~simulator.analysis.strategic`: games between two parties (nashpy): the Nash demand game,
  concede-or-hold over red lines, Rubinstein alternating offers and its weighted-Nash limit;
- :mod:`~simulator.analysis.ratification` and :mod:`~simulator.analysis.ratified_solve`: the
  probability that a signed package is ratified, expected utilities, and packages chosen by them;
- :mod:`~simulator.analysis.compare` (with :mod:`~simulator.analysis.snapshot_diff`): snapshots
  side by side.
"""

from simulator.analysis import strategic
from simulator.analysis._tasks import DaskExecutor, dask_executor
from simulator.analysis.compare import CompareResult, compare
from simulator.analysis.edits import (
    Accept,
    Adjust,
    Concede,
    DropRedLine,
    Edit,
    Offer,
    apply_edits,
    parse_edit,
    parse_edits,
)
from simulator.analysis.gaps import GapsResult, gaps
from simulator.analysis.margins import Margin, Margins, margins
from simulator.analysis.mc_stats import Convergence, convergence, with_exact
from simulator.analysis.monte_carlo import MonteCarloResult, monte_carlo, wilson_interval
from simulator.analysis.p_zopa import ExactZopaResult, p_zopa_exact
from simulator.analysis.protocols import ProtocolResult, alternating_offers, single_text
from simulator.analysis.ratification import RatificationResult, ratification
from simulator.analysis.ratified_solve import expected_solve, with_ratification
from simulator.analysis.ripeness import DriftMargin, PeriodVerdict, RipenessResult, ripeness
from simulator.analysis.scan import (
    Concession,
    ScanResult,
    candidate_concessions,
    scan_concessions,
)
from simulator.analysis.sensitivity import (
    BreakEven,
    SweepResult,
    parse_parameter,
    parse_range,
    sweep,
)
from simulator.analysis.stress import StressResult, binding_red_lines, stress_test

__all__ = [
    "Accept",
    "Adjust",
    "BreakEven",
    "CompareResult",
    "Concede",
    "Concession",
    "Convergence",
    "DaskExecutor",
    "DriftMargin",
    "DropRedLine",
    "Edit",
    "ExactZopaResult",
    "GapsResult",
    "Margin",
    "Margins",
    "MonteCarloResult",
    "Offer",
    "PeriodVerdict",
    "ProtocolResult",
    "RatificationResult",
    "RipenessResult",
    "ScanResult",
    "StressResult",
    "SweepResult",
    "alternating_offers",
    "apply_edits",
    "binding_red_lines",
    "candidate_concessions",
    "compare",
    "convergence",
    "dask_executor",
    "expected_solve",
    "gaps",
    "margins",
    "monte_carlo",
    "p_zopa_exact",
    "parse_edit",
    "parse_edits",
    "parse_parameter",
    "parse_range",
    "ratification",
    "ripeness",
    "scan_concessions",
    "single_text",
    "strategic",
    "stress_test",
    "sweep",
    "wilson_interval",
    "with_exact",
    "with_ratification",
]
