"""Strategic games on a scenario: what self-interested parties would do, not only where a deal could
land.

- :mod:`~simulator.analysis.strategic.bimatrix`: equilibria of two-player games (nashpy) and the
  classic 2x2 structures;
- :mod:`~simulator.analysis.strategic.frontier`: the two-party frontier with the other parties held;
- :mod:`~simulator.analysis.strategic.demand`: the Nash (1953) demand game;
- :mod:`~simulator.analysis.strategic.concede`: the concede-or-hold game over red lines;
- :mod:`~simulator.analysis.strategic.hull`: the convex hull of a two-party frontier (lotteries)
  and the weighted Nash point on it;
- :mod:`~simulator.analysis.strategic.rubinstein`: alternating offers (Rubinstein 1982) and the
  weighted Nash limit (Binmore, Rubinstein & Wolinsky 1986).

See ``docs/strategic.md``.
"""

from simulator.analysis.strategic.bimatrix import (
    METHODS,
    STRUCTURES,
    Equilibrium,
    EquilibriumSet,
    classify_2x2,
    equilibria,
    pure_equilibria,
)
from simulator.analysis.strategic.frontier import (
    BargainingFrontier,
    bargaining_frontier,
    unit_pie_frontier,
)
from simulator.analysis.strategic.rubinstein import (
    ConvergenceStep,
    RubinsteinResult,
    bargaining_powers,
    rubinstein,
    rubinstein_share,
)

__all__ = [
    "METHODS",
    "STRUCTURES",
    "BargainingFrontier",
    "ConvergenceStep",
    "Equilibrium",
    "EquilibriumSet",
    "RubinsteinResult",
    "bargaining_frontier",
    "bargaining_powers",
    "classify_2x2",
    "equilibria",
    "pure_equilibria",
    "rubinstein",
    "rubinstein_share",
    "unit_pie_frontier",
]
