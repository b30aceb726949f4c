"""Negotiation protocols: what self-interested parties would do, turn by turn.

- :func:`alternating_offers`: the stacked alternating offers protocol (Aydoğan et al. 2017) with
  time-dependent (Boulware, linear, Conceder; Faratin, Sierra & Jennings 1998) and tit-for-tat
  concession strategies, AC_next acceptance and a deadline;
- :func:`single_text`: a mediator's single negotiating text (Raiffa 1982, ch. 14-17), revised round
  by round to meet the parties' objections (the texts it weighs: :mod:`.texts`).

Both return a :class:`ProtocolResult`: the history, whether and when the parties agreed, and the
agreement's distance to the Pareto frontier and to the Nash point. Offers and revisions are chosen
by vector operations over a pool of candidate outcomes (:func:`build_pool`); randomness comes only
from the ``rng`` argument (a Generator, or an int ``n`` meaning ``numpy.random.default_rng(n)``;
see :mod:`simulator.rng`). See ``docs/protocols.md``.

Modules: :mod:`.pool` (the candidate pool, offer choice, completing a proposal), :mod:`.result`
(turns, the result, distances of an agreement), :mod:`.alternating`, :mod:`.mediation` and
:mod:`.texts` (the texts a mediator weighs).
"""

from simulator.analysis.protocols.alternating import (
    STRATEGIES,
    Strategy,
    alternating_offers,
    parse_strategy,
    time_dependent_target,
)
from simulator.analysis.protocols.mediation import compare_with_proposal, single_text
from simulator.analysis.protocols.pool import (
    Pool,
    build_pool,
    choose_offer,
    complete_proposal,
)
from simulator.analysis.protocols.result import ProtocolResult, Turn, agreement_distances
from simulator.analysis.protocols.texts import neighbour_texts

__all__ = [
    "STRATEGIES",
    "Pool",
    "ProtocolResult",
    "Strategy",
    "Turn",
    "agreement_distances",
    "alternating_offers",
    "build_pool",
    "choose_offer",
    "compare_with_proposal",
    "complete_proposal",
    "neighbour_texts",
    "parse_strategy",
    "single_text",
    "time_dependent_target",
]
