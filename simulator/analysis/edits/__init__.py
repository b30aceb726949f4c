"""Edits (concessions): named, composable changes to a scenario, with a short text syntax.

An edit never changes the scenario it is applied to: :meth:`Edit.apply` returns a new
:class:`~simulator.model.Scenario` built with :func:`dataclasses.replace`. Edits compose by applying
them in order (:func:`apply_edits`). ``str(edit)`` gives the text syntax back, and
``parse_edit(str(edit), scenario) == edit``.

Syntax
------
One edit is ``PARTY VERB ARGUMENTS``::

    ukraine concedes nato=legal_renunciation   # fix the issue to the option; the party's
                                               # one-issue red lines stop forbidding it
    russia accepts donbas_withdrawal<=1        # the party's one-issue red lines stop
                                               # forbidding the options selected
    us offers security_guarantees>=art5_like   # restrict the deal to the options selected
    russia drops redline no_nato               # remove the red line
    ukraine reservation -0.1                   # shift (+x, -x), set (=x) or scale (*x)
    russia weight sanctions *1.5               # the same for a weight (see below)
    ukraine power =2                           # bargaining power (weighted Nash)
    buyer bonus worry_free =0.1                # an interaction term's bonus
    agency drops veto                          # the party leaves the decision rule's veto list
    agreement quorum =3                        # the rule's quorum: set (=3) or shift (+1, -1)

``PARTY`` is a party id, a party label (any case), or the initials of a multi-word id
(``united_states`` -> ``us``) when no other party has the same initials. An option is named by
its id, or on a numeric issue by its number. ``<``, ``<=``, ``>``, ``>=`` follow the option
order (the number on a numeric issue); ``=`` and ``!=`` take one option or a comma-separated list.

Semantics
---------
*Selection* ``S``: the options of the issue an operator selects. *Offers* adds a consistency
constraint forbidding the options outside ``S``: the outcome space and every value function stay
the same, the outcomes outside ``S`` are no longer consistent. *Accepts* removes ``S`` from what
the party's one-issue red lines on that issue forbid (a red line left forbidding nothing is
dropped; cross-issue red lines are kept: drop them by id). *Concedes* ``issue=option`` is
*offers* followed by *accepts* with ``S = {option}``.

A weight edit changes ``w_pi`` and rescales the party's other weights proportionally so that its
total weight stays the same (utilities stay on the scale of the reservation value). A reservation
edit moves the reservation's uncertainty range with it (``+``, ``*``); setting it (``=``) drops
the range.

The two rule edits change the scenario's ``agreement`` block (:mod:`simulator.model.agreement`):
the quorum (without a block it starts at all parties) and the veto list; the new rule must be
valid (a quorum in ``1..P``, no more veto parties than the quorum). ``drops veto`` needs a block
that names the party as a veto party.

Modules: :mod:`.kinds` (the edits and what each does), :mod:`.names` (how edits name parties,
issues and options), :mod:`.rules` (the rule edits), :mod:`.text` (the syntax, and applying a
list of edits).
"""

from simulator.analysis.edits.kinds import (
    Accept,
    Adjust,
    Arithmetic,
    Concede,
    DropRedLine,
    Edit,
    Offer,
    Parameter,
)
from simulator.analysis.edits.names import COMPARISONS, Comparison, resolve_party, select_options
from simulator.analysis.edits.rules import DropVeto, Quorum
from simulator.analysis.edits.text import VERBS, apply_edits, parse_edit, parse_edits

__all__ = [
    "COMPARISONS",
    "VERBS",
    "Accept",
    "Adjust",
    "Arithmetic",
    "Comparison",
    "Concede",
    "DropRedLine",
    "DropVeto",
    "Edit",
    "Offer",
    "Parameter",
    "Quorum",
    "apply_edits",
    "parse_edit",
    "parse_edits",
    "resolve_party",
    "select_options",
]
