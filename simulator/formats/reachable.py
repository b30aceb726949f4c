"""Reservations a party can never reach, or always reaches: warned when a scenario is read.

Notation
--------
Party ``p`` values package ``o`` at ``u_p(o) = min(cap_p, sum_i w_pi v_pi(o_i) + sum_t b_t 1[o in
R_t])``. Without looking at which packages exist together, ``u_p`` lies in ``[L_p, H_p]``:

    H_p = min(cap_p, sum_i max_k w_pi v_pi(k) + sum_t max(b_t, 0))
    L_p = min(cap_p, sum_i min_k w_pi v_pi(k) + sum_t min(b_t, 0))

Both are sound (every package lies inside), cheap (one pass over the options) and exact in the
sense that matters here: a reservation ``r > H_p`` is met by no package, and ``r <= L_p`` by every
one (red lines and rules aside). Either is most likely a slip (a reservation in points on a scale
of 1, or the reverse), so the readers warn with the file, line and field path. Only a positive
reservation is warned as always met: one of 0 or below says on purpose that any package beats no
deal (0 is the "no reservation" of GENIUS, NegMAS and the YAML default; the Ukraine files fold the
United States' deal premium into a negative reservation). Sums are taken with
:func:`math.fsum` and compared with a tolerance of ``1e-9`` times the scale, so a reservation
exactly at the best package (integer points, e.g. ``scenarios/siting_six.yaml``) is not warned.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable

from simulator.compiled import preference_values
from simulator.errors import ScenarioWarning
from simulator.model import Issue, Party

__all__ = ["utility_bounds", "warn_unreachable_reservation"]

_RELATIVE_TOLERANCE = 1e-9


def utility_bounds(party: Party, issues: Iterable[Issue]) -> tuple[float, float]:
    """``(L_p, H_p)``: a least and a most utility ``party`` can get from any package.

    >>> from simulator.model import Option, Preference
    >>> issue = Issue("x", (Option("a"), Option("b")))
    >>> party = Party("p", {"x": Preference(2.0, "table", table=(0.25, 1.0))}, 0.0)
    >>> utility_bounds(party, [issue])
    (0.5, 2.0)
    """
    lows, highs = [], []
    for issue in issues:
        pref = party.preferences.get(issue.id)
        if pref is not None:
            values = pref.weight * preference_values(pref, issue)
            lows.append(float(values.min()))
            highs.append(float(values.max()))
    bonuses = [t.bonus for t in party.interactions]
    low = math.fsum(lows + [min(b, 0.0) for b in bonuses])
    high = math.fsum(highs + [max(b, 0.0) for b in bonuses])
    if party.utility_cap is not None:
        low, high = min(party.utility_cap, low), min(party.utility_cap, high)
    lam = party.deal_bonus  # every deal is worth lam + (1 - lam) * the rest (compiled the same way)
    return lam + (1 - lam) * low, lam + (1 - lam) * high


def warn_unreachable_reservation(party: Party, issues: Iterable[Issue], where: str) -> None:
    """Warn (:class:`~simulator.errors.ScenarioWarning`) when ``party``'s reservation lies above
    every package's utility or, being positive, at or below every one; ``where`` is ``file:line:
    path``, the reservation's location."""
    low, high = utility_bounds(party, issues)
    r = party.reservation
    tolerance = _RELATIVE_TOLERANCE * max(1.0, abs(low), abs(high))
    if r > high + tolerance:
        verdict = (
            f"lies above the most any package can give party {party.id!r} ({high:.6g}): "
            "no package meets it"
        )
    elif r > 0.0 and r <= low + tolerance and r > party.deal_bonus:
        # (a deal bonus at or above the reservation states that every deal beats no deal)
        verdict = (
            f"lies at or below the least any package gives party {party.id!r} ({low:.6g}): "
            "every package meets it"
        )
    else:
        return
    warnings.warn(
        ScenarioWarning(
            f"{where}: the reservation {r:g} {verdict}; is it on the same scale as the "
            "utilities? (docs/limits.md)"
        ),
        stacklevel=3,
    )
