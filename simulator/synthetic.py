"""Synthetic scenarios of a chosen size, for benchmarks, tests and teaching.

The parties have random additive preferences over shared issues; ``conflict`` in [0, 1] makes them
oppose each other (1: the second half of the parties value options in the reverse order of the first
half). Reservation utilities are set so that each party alone rules out a given share of the space.
Randomness only through ``rng`` (or its older name ``seed``).

:func:`nonlinear_scenario` builds domains shaped like the ANAC 2014 nonlinear ones (``30issues``):
utilities are sums of hyperrectangle bonuses over integer issues, on GENIUS's normalised scale.
"""

from __future__ import annotations

import numpy as np

from simulator.model import (
    Condition,
    Interaction,
    Issue,
    Option,
    Party,
    Preference,
    Rule,
    Scenario,
)
from simulator.rng import UNSET, RngLike, Unset, pick_rng

__all__ = ["ANAC2014_SPANS", "ANAC2014_TOP_SHARE", "nonlinear_scenario", "synthetic_scenario"]


def synthetic_scenario(
    n_issues: int,
    n_options: int,
    n_parties: int,
    *,
    rng: RngLike = 0,
    seed: int | Unset | None = UNSET,
    conflict: float = 0.7,
    reservation: float = 0.45,
    red_lines: int = 0,
) -> Scenario:
    """A random additive scenario with ``n_options ** n_issues`` outcomes.

    Parameters
    ----------
    n_issues, n_options, n_parties
        Size of the space and number of parties.
    rng
        A generator, or a seed of :func:`numpy.random.default_rng`; the same seed gives the same
        scenario.
    seed
        The former name of ``rng`` (give one or the other).
    conflict
        Share of each opposed party's value that runs against the first party's order.
    reservation
        Every party's reservation utility.
    red_lines
        Number of one-issue red lines (``at_least``/``at_most``) spread over the parties.

    Examples
    --------
    >>> s = synthetic_scenario(3, 4, 2, seed=1)
    >>> s.n_outcomes, len(s.parties)
    (64, 2)
    """
    generator = np.random.default_rng(pick_rng(rng, seed))
    issues = tuple(
        Issue(f"issue{i}", tuple(Option(f"o{k}") for k in range(n_options)))
        for i in range(n_issues)
    )
    base = np.linspace(0.0, 1.0, n_options)
    parties = []
    for p in range(n_parties):
        weights = generator.dirichlet(np.ones(n_issues))
        prefs = {}
        for i, issue in enumerate(issues):
            own = generator.random(n_options)
            ordered = base if p < (n_parties + 1) // 2 else base[::-1]
            mix = conflict * ordered + (1 - conflict) * own
            span = np.ptp(mix)
            table = (mix - mix.min()) / span if span > 0 else np.ones(n_options)
            prefs[issue.id] = Preference(
                float(weights[i]), "table", table=tuple(float(x) for x in table)
            )
        reds = []
        for r in range(red_lines):
            if r % n_parties != p:
                continue
            issue = issues[int(generator.integers(n_issues))]
            favoured_low = p >= (n_parties + 1) // 2
            if favoured_low:
                rule = Rule(f"rl{r}", "at_most", issue=issue.id, bound=issue.options[-2].id)
            else:
                rule = Rule(f"rl{r}", "at_least", issue=issue.id, bound=issue.options[1].id)
            reds.append(rule)
        parties.append(Party(f"party{p}", prefs, reservation=reservation, red_lines=tuple(reds)))
    return Scenario(
        f"synthetic_{n_issues}x{n_options}_{n_parties}p", issues, tuple(parties), title="Synthetic"
    )


#: How many of 10 options a clause's range spans in ANAC 2014's ``30issues`` (both profiles, 120
#: rectangles, 309 clauses: spans 1 to 9), and the share of a party's total bonus its
#: ``maxutility`` is (2353 of 3406 and 2141 of 3231).
ANAC2014_SPANS = (25, 20, 17, 19, 17, 80, 49, 46, 36)
ANAC2014_TOP_SHARE = 0.68


def nonlinear_scenario(
    n_issues: int = 30,
    n_options: int = 10,
    n_parties: int = 2,
    *,
    rng: RngLike = 0,
    rectangles: int | None = None,
    max_width: int = 6,
    reservation: float = 0.5,
    structure: str = "anac2014",
) -> Scenario:
    """A random domain like the ANAC 2014 nonlinear ones, with ``n_options ** n_issues`` outcomes.

    Each party's utility is ``min(1, sum of the bonuses of the hyperrectangles the outcome lies
    in)``: ``rectangles`` (default ``2 * n_issues``) rectangles, each over 1 to ``max_width``
    issues with a contiguous range of options on each, worth a random integer 1..100 divided by
    the party's ``maxutility``. Every party has reservation ``reservation``. ``structure`` says how
    the ranges and ``maxutility`` are drawn:

    - ``anac2014`` (default): as measured on ANAC 2014's ``30issues``: a range spans ``k`` tenths
      of the options with the frequencies :data:`ANAC2014_SPANS` (most ranges are wide: 6 to 9
      of 10 options in 68% of clauses), and ``maxutility`` is 68% of the party's total;
    - ``uniform``: both ends of a range uniform (ranges are narrower, so an outcome meets fewer
      rectangles and the frontier has many more points), ``maxutility`` 80% of the total.

    >>> s = nonlinear_scenario(6, 4, 3, rng=1)
    >>> s.n_outcomes, len(s.parties), len(s.parties[0].interactions)
    (4096, 3, 12)
    """
    if structure not in ("anac2014", "uniform"):
        raise ValueError(f"structure must be anac2014 or uniform, got {structure!r}")
    generator = np.random.default_rng(pick_rng(rng, UNSET))
    issues = tuple(
        Issue(f"i{i + 1}", tuple(Option(str(k)) for k in range(n_options))) for i in range(n_issues)
    )
    count = 2 * n_issues if rectangles is None else rectangles
    spans = np.array(ANAC2014_SPANS, dtype=float) / sum(ANAC2014_SPANS)
    share = ANAC2014_TOP_SHARE if structure == "anac2014" else 0.8
    parties = []
    for p in range(n_parties):
        worth = generator.integers(1, 101, size=count)
        top = share * float(worth.sum())
        terms = []
        for k in range(count):
            width = int(generator.integers(1, min(max_width, n_issues) + 1))
            named = sorted(generator.choice(n_issues, size=width, replace=False).tolist())
            clauses = []
            for i in named:
                if structure == "uniform":
                    lo, hi = sorted(generator.integers(0, n_options, size=2).tolist())
                else:
                    tenths = int(generator.choice(np.arange(1, len(spans) + 1), p=spans))
                    span = min(n_options, max(1, round(tenths * n_options / 10)))
                    lo = int(generator.integers(0, n_options - span + 1))
                    hi = lo + span - 1
                clauses.append((issues[i].id, tuple(str(v) for v in range(lo, hi + 1))))
            terms.append(
                Interaction(f"rectangle_{k + 1}", Condition(tuple(clauses)), float(worth[k]) / top)
            )
        parties.append(
            Party(
                f"party{p + 1}",
                {},
                reservation=reservation,
                interactions=tuple(terms),
                utility_cap=1.0,
            )
        )
    return Scenario(
        f"nonlinear_{n_issues}x{n_options}_{n_parties}p",
        issues,
        tuple(parties),
        title="Synthetic nonlinear",
    )
