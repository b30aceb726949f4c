"""Write a scenario as YAML in the scenario format (``docs/scenario-format.md``).

:func:`dump_scenario_yaml` writes ``normalize_weights: false`` and every number exactly, so that
``loads_scenario_yaml(dump_scenario_yaml(s)) == s``. Every mapping it writes uses only keys of its
part of the format's table (:mod:`simulator.formats.spec`), and a key at its table default
(``bargaining_power: 1``, ``exponent: 1``, ``probability: 1``, ``distribution: uniform``) is left
out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from simulator.formats.fields import Key, Part
from simulator.formats.spec import (
    AGREEMENT,
    DEAL_BONUS,
    DISCOUNT,
    INTERACTION,
    ISSUE,
    OPTION,
    PARTY,
    PATH_POINT,
    PERIODS,
    PREFERENCE,
    PROPOSAL,
    RATIFICATION,
    RESERVATION,
    RULE,
    SCENARIO,
    UNCERTAINTY,
)
from simulator.formats.yaml_syntax import TAG, numeric_option, plain
from simulator.model import (
    Agreement,
    Interaction,
    Issue,
    Option,
    Party,
    Preference,
    Proposal,
    Ratification,
    Rule,
    Scenario,
    Trend,
    Uncertainty,
)

__all__ = ["dump_scenario_yaml"]

DISTRIBUTION = UNCERTAINTY["distribution"]


def dump_scenario_yaml(scenario: Scenario) -> str:
    """Write a scenario as YAML in the scenario format.

    The text sets ``normalize_weights: false`` and writes every number exactly, so reading it back
    (:func:`~simulator.formats.loads_scenario_yaml`) gives an equal scenario. ``origin`` (where the
    scenario was read from) is not written; neither are fields the chosen value function or rule
    kind ignores (a ``direction`` on a table, a ``peak`` on a linear value function).

    Parameters
    ----------
    scenario
        Any valid scenario.

    Returns
    -------
    str
        The YAML document.

    Examples
    --------
    >>> from simulator.formats import loads_scenario_yaml
    >>> s = loads_scenario_yaml('''
    ... name: tiny
    ... issues: [{id: size, options: [small, large]}]
    ... parties: [{id: buyer, preferences: {size: {weight: 1, linear: increasing}}}]
    ... ''')
    >>> print(dump_scenario_yaml(s), end="")
    name: tiny
    normalize_weights: false
    issues:
    - id: size
      options: [small, large]
    parties:
    - id: buyer
      reservation: 0
      preferences:
        size: {weight: 1, linear: increasing}
    >>> loads_scenario_yaml(dump_scenario_yaml(s)) == s
    True
    """
    return yaml.dump(
        _scenario_data(scenario),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=None,
    )


# --- writing --------------------------------------------------------------------------------------
class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper, but text holding a NEL (U+0085) is double-quoted (escaped as ``\\N``).

    Plain PyYAML writes a NEL raw inside single quotes, where reading takes it for a line break.
    """


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    return dumper.represent_scalar(TAG + "str", text, style='"' if "\x85" in text else None)


_Dumper.add_representer(str, _represent_text)


def _mapping(part: Part, data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` without the entries that are None (not given); every key is one of ``part``'s."""
    assert set(data) <= set(part.names), f"{part.name} has no keys {set(data) - set(part.names)}"
    return {k: v for k, v in data.items() if v is not None}


def _num(value: float | None) -> int | float | None:
    return None if value is None else plain(value)


def _unless(value: float, key: Key) -> int | float | None:
    """The number, unless it is the key's default (which is then not written)."""
    return None if value == key.default else plain(value)


def _scenario_data(s: Scenario) -> dict[str, Any]:
    issues = {i.id: i for i in s.issues}
    return _mapping(
        SCENARIO,
        {
            "name": s.name,
            "title": s.title,
            "description": s.description,
            "date": s.date,
            "periods": None
            if s.periods is None
            else _mapping(PERIODS, {"unit": s.periods.unit, "start": s.periods.start}),
            "references": dict(s.references) or None,
            "constants": list(s.constants) or None,
            "normalize_weights": False,
            "issues": [_issue_data(i) for i in s.issues],
            "parties": [_party_data(p, issues) for p in s.parties],
            "constraints": [_rule_data(r) for r in s.constraints] or None,
            "proposals": [_proposal_data(p) for p in s.proposals] or None,
            "agreement": None if s.agreement is None else _agreement_data(s.agreement),
        },
    )


def _agreement_data(a: Agreement) -> dict[str, Any]:
    return _mapping(AGREEMENT, {"quorum": a.quorum, "veto": list(a.veto) or None}) or {}


def _issue_data(issue: Issue) -> dict[str, Any]:
    options: dict[str, Any]
    if all(o.value is not None and o == numeric_option(o.value) for o in issue.options):
        options = {"values": [_num(o.value) for o in issue.options]}
    else:
        options = {"options": [_option_data(o) for o in issue.options]}
    return _mapping(
        ISSUE,
        {
            "id": issue.id,
            "label": issue.label,
            "unit": issue.unit,
            **options,
            "description": issue.description,
            "source": issue.source,
        },
    )


def _option_data(option: Option) -> str | dict[str, Any]:
    if option.label is None and option.value is None:
        return option.id
    return _mapping(OPTION, {"id": option.id, "label": option.label, "value": _num(option.value)})


def _party_data(p: Party, issues: Mapping[str, Issue]) -> dict[str, Any]:
    return _mapping(
        PARTY,
        {
            "id": p.id,
            "label": p.label,
            "description": p.description,
            "source": p.source,
            "reservation": _reservation_data(p),
            "deal_bonus": _deal_bonus_data(p),
            "bargaining_power": _unless(p.bargaining_power, PARTY["bargaining_power"]),
            "weight_concentration": _num(p.weight_concentration),
            "utility_cap": _num(p.utility_cap),
            "discount": _discount_data(p),
            "preferences": {k: _preference_data(v, issues[k]) for k, v in p.preferences.items()},
            "interactions": [_interaction_data(t) for t in p.interactions] or None,
            "red_lines": [_rule_data(r) for r in p.red_lines] or None,
            "ratification": [_ratification_data(t) for t in p.ratification] or None,
            "controls": dict(p.controls) or None,
        },
    )


def _reservation_data(p: Party) -> int | float | dict[str, Any]:
    value = plain(p.reservation)
    trend = p.reservation_trend
    if p.reservation_range is None and p.reservation_source is None and trend is None:
        return value
    spread = _uncertainty_data(p.reservation_range) if p.reservation_range else {}
    return _mapping(
        RESERVATION,
        {"value": value, **spread, "source": p.reservation_source, **_trend_data(trend)},
    )


def _trend_data(trend: Trend | None) -> dict[str, Any]:
    """``drift``, ``drift_range``, ``drift_source`` or ``path`` (nothing without a trend)."""
    if trend is None:
        return {}
    if trend.drift is None:
        points = [
            _mapping(
                PATH_POINT,
                {
                    "at": p.at,
                    "value": plain(p.value),
                    **(_uncertainty_data(p.range) if p.range else {}),
                    "source": p.source,
                },
            )
            for p in trend.path
        ]
        return {"path": points}
    return {
        "drift": plain(trend.drift),
        "drift_range": _probability_range_data(trend.drift_range),
        "drift_source": trend.source,
    }


def _deal_bonus_data(p: Party) -> int | float | dict[str, Any] | None:
    if p.deal_bonus == 0.0 and p.deal_bonus_range is None and p.deal_bonus_source is None:
        return None
    if p.deal_bonus_range is None and p.deal_bonus_source is None:
        return plain(p.deal_bonus)
    spread = _uncertainty_data(p.deal_bonus_range) if p.deal_bonus_range else {}
    return _mapping(
        DEAL_BONUS, {"value": plain(p.deal_bonus), **spread, "source": p.deal_bonus_source}
    )


def _discount_data(p: Party) -> int | float | dict[str, Any] | None:
    if p.discount is None or p.discount_source is None:
        return _num(p.discount)
    return _mapping(DISCOUNT, {"value": plain(p.discount), "source": p.discount_source})


def _uncertainty_data(u: Uncertainty) -> dict[str, Any]:
    return _mapping(
        UNCERTAINTY,
        {
            "low": plain(u.low),
            "high": plain(u.high),
            "distribution": None if u.distribution == DISTRIBUTION.default else u.distribution,
            "mode": _num(u.mode),
        },
    )


def _preference_data(p: Preference, issue: Issue) -> dict[str, Any]:
    function: dict[str, Any]
    if p.kind == "table":
        assert p.table is not None
        function = {"table": {o: plain(v) for o, v in zip(issue.option_ids, p.table, strict=True)}}
    elif p.kind == "linear":
        function = {"linear": p.direction}
    else:
        function = {"ideal": p.peak, "spread": _num(p.spread)}
    return _mapping(
        PREFERENCE,
        {
            "weight": plain(p.weight),
            **function,
            "exponent": _unless(p.exponent, PREFERENCE["exponent"]),
            "source": p.source,
            **_trend_data(p.trend),
        },
    )


def _interaction_data(t: Interaction) -> dict[str, Any]:
    return _mapping(
        INTERACTION,
        {
            "id": t.id,
            "when": t.when.as_dict(),
            "bonus": plain(t.bonus),
            "source": t.source,
            "description": t.description,
        },
    )


def _ratification_data(t: Ratification) -> dict[str, Any]:
    return _mapping(
        RATIFICATION,
        {
            "id": t.id,
            "ratifier": t.ratifier,
            "when": t.when.as_dict(),
            "probability": plain(t.probability),
            "probability_range": _probability_range_data(t.probability_range),
            "source": t.source,
            "description": t.description,
        },
    )


def _rule_data(r: Rule) -> dict[str, Any]:
    form: dict[str, Any]
    if r.kind == "not":
        form = {"issue": r.issue, "not": list(r.options)}
    elif r.kind in ("at_least", "at_most"):
        form = {"issue": r.issue, r.kind: r.bound}
    elif r.kind == "implies":
        assert r.condition is not None and r.consequence is not None
        form = {"if": r.condition.as_dict(), "then": r.consequence.as_dict()}
    else:
        assert r.condition is not None
        form = {"exclude": r.condition.as_dict()}
    return _mapping(
        RULE,
        {
            "id": r.id,
            **form,
            "source": r.source,
            "description": r.description,
            "probability": _unless(r.probability, RULE["probability"]),
            "probability_range": _probability_range_data(r.probability_range),
        },
    )


def _probability_range_data(u: Uncertainty | None) -> list[int | float] | dict[str, Any] | None:
    if u is None:
        return None
    if u.distribution == "uniform" and u.mode is None:
        return [plain(u.low), plain(u.high)]
    return _uncertainty_data(u)


def _proposal_data(p: Proposal) -> dict[str, Any]:
    options = {k: v[0] if len(v) == 1 else list(v) for k, v in p.options.items()}
    return _mapping(
        PROPOSAL,
        {
            "id": p.id,
            "label": p.label,
            "date": p.date,
            "source": p.source,
            "description": p.description,
            "options": options or None,
        },
    )
