"""Figures of results: functions that return matplotlib Figures and never solve anything.

Every function takes a result object (a :class:`~simulator.results.SolveResult` or an analysis
result) and the data it shows, which :func:`simulator.analysis.figure_data.figure_data` computes
(:class:`~simulator.figure_registry.FigureData`), and returns a :class:`matplotlib.figure.Figure`
drawn on an Agg canvas, without pyplot; those that draw one panel also take ``ax=``. Each party has
the same colour in every figure (:func:`party_colours`, Okabe–Ito). The figure kinds of a solved
scenario, with the data each needs, are registered in :mod:`simulator.figure_registry`.

>>> import simulator
>>> from simulator.analysis.figure_data import figure_data
>>> from simulator.plots import plot_utility_space
>>> result = simulator.solve(simulator.load_scenario("scenarios/textbook_car.yaml"))
>>> data = figure_data(result, ["utility_space"])
>>> fig = plot_utility_space(result, cloud=data.cloud, proposals=data.proposals)
>>> len(fig.axes[0].collections) > 0
True
"""

from simulator.plots.coalitions import plot_coalitions
from simulator.plots.compare import plot_compare_timeline
from simulator.plots.convergence import plot_convergence
from simulator.plots.figures import (
    FIGURE_KINDS,
    FIGURE_TITLES,
    available_kinds,
    figure_bytes,
    figures,
)
from simulator.plots.gaps import plot_gaps
from simulator.plots.issues import plot_frontier_packages, plot_option_map
from simulator.plots.proposals import plot_proposals
from simulator.plots.protocols import (
    plot_protocol,
    plot_protocol_trajectory,
    plot_protocol_utilities,
)
from simulator.plots.ripeness import plot_ripeness
from simulator.plots.strategic import plot_concede_game, plot_demand_game, plot_rubinstein
from simulator.plots.stress import plot_monte_carlo, plot_scan, plot_stress, plot_sweep
from simulator.plots.style import OKABE_ITO, party_colours, proposal_tags
from simulator.plots.utility import plot_utility_space

__all__ = [
    "FIGURE_KINDS",
    "FIGURE_TITLES",
    "OKABE_ITO",
    "available_kinds",
    "figure_bytes",
    "figures",
    "party_colours",
    "plot_coalitions",
    "plot_compare_timeline",
    "plot_concede_game",
    "plot_convergence",
    "plot_demand_game",
    "plot_frontier_packages",
    "plot_gaps",
    "plot_monte_carlo",
    "plot_option_map",
    "plot_proposals",
    "plot_protocol",
    "plot_protocol_trajectory",
    "plot_protocol_utilities",
    "plot_ripeness",
    "plot_rubinstein",
    "plot_scan",
    "plot_stress",
    "plot_sweep",
    "plot_utility_space",
    "proposal_tags",
]
