"""Tests for :mod:`simulator.formats.genius`.

Two kinds of evidence: the real GENIUS/ANAC domains in ``../shared/data/genius`` against what
NegMAS computed (``reference.json``, block ``genius_normalized``: GENIUS's own utility scale),
checked with a brute-force evaluator written here over the model (no solver); and small folders
written into ``tmp_path`` for exact hand-computed utilities and for every kind of bad input.
"""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from simulator.errors import ScenarioError
from simulator.formats.genius import load_genius_folder
from simulator.model import Party, Scenario

GENIUS_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "genius"
MISSING = f"GENIUS reference domains not found at {GENIUS_DATA} (../shared/data/genius)"
TOL = 1e-9
SMALL = 30_000  # enumerate every outcome up to this many (pure Python oracle)
SOLUTIONS = (
    "nash",
    "kalai_smorodinsky",
    "kalai_egalitarian",
    "max_welfare",
    "modified_kalai_smorodinsky",
    "modified_kalai_egalitarian",
    "max_relative_welfare",
)


# --- the oracle: slow, obvious, over the model ---------------------------------------------------
def utility(scenario: Scenario, party: Party, outcome: Mapping[str, str]) -> float:
    """``min(cap, sum_i w_i * table_i[o_i] + sum_t b_t * 1[o in R_t])``, one outcome at a time."""
    total = 0.0
    for issue in scenario.issues:
        pref = party.preferences.get(issue.id)
        if pref is not None:
            assert pref.kind == "table" and pref.table is not None
            total += pref.weight * pref.table[issue.index(outcome[issue.id])]
    for term in party.interactions:
        if all(outcome[issue] in options for issue, options in term.when.clauses):
            total += term.bonus
    return total if party.utility_cap is None else min(party.utility_cap, total)


def utilities(scenario: Scenario, outcome: Mapping[str, Any]) -> list[float]:
    named = {k: str(v) for k, v in outcome.items()}
    return [utility(scenario, p, named) for p in scenario.parties]


def all_outcomes(scenario: Scenario) -> Iterable[dict[str, str]]:
    ids = scenario.issue_ids
    for combo in itertools.product(*(i.option_ids for i in scenario.issues)):
        yield dict(zip(ids, combo, strict=True))


def pareto(points: Iterable[tuple[float, ...]]) -> list[tuple[float, ...]]:
    """Distinct non-dominated points, sorted; a dominating point precedes in descending order."""
    front: list[tuple[float, ...]] = []
    for p in sorted(set(points), reverse=True):
        if not any(all(q_i >= p_i for q_i, p_i in zip(q, p, strict=True)) for q in front):
            front.append(p)
    return sorted(front)


def close(got: Iterable[float], want: Iterable[float]) -> bool:
    return list(got) == pytest.approx(list(want), abs=TOL, rel=0)


def same_points(got: Iterable[Iterable[float]], want: Iterable[Iterable[float]]) -> bool:
    """The same number of points, pairwise equal to ``TOL`` once both are sorted."""
    got_sorted, want_sorted = sorted(map(tuple, got)), sorted(map(tuple, want))
    return len(got_sorted) == len(want_sorted) and all(
        close(g, w) for g, w in zip(got_sorted, want_sorted, strict=True)
    )


# --- the real domains ----------------------------------------------------------------------------
@functools.cache
def reference(name: str) -> dict[str, Any]:
    ref: dict[str, Any] = json.loads((GENIUS_DATA / name / "reference.json").read_text())
    return ref


@functools.cache
def loaded(name: str) -> Scenario:
    return load_genius_folder(GENIUS_DATA / name)


def domains(keep: Any = lambda ref: True) -> list[Any]:
    """Domain names whose reference.json loaded without errors and passes ``keep``."""
    if not GENIUS_DATA.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=MISSING))]
    names = sorted(d.name for d in GENIUS_DATA.iterdir() if (d / "reference.json").is_file())
    return [n for n in names if not reference(n)["errors"] and keep(reference(n))]


def enumerable(ref: dict[str, Any]) -> bool:
    return bool(ref["genius_normalized"]["status"] == "ok" and ref["n_outcomes"] <= SMALL)


def nonlinear(ref: dict[str, Any]) -> bool:
    return "exact_frontier" in ref


def test_every_domain_folder_is_found_and_loads() -> None:
    if not GENIUS_DATA.is_dir():
        pytest.skip(MISSING)
    folders = sorted(d for d in GENIUS_DATA.iterdir() if d.is_dir())
    assert len(folders) >= 19
    for folder in folders:
        assert loaded(folder.name).origin == str(folder)


@pytest.mark.parametrize("name", domains())
def test_issues_and_values_match_reference(name: str) -> None:
    scenario, ref = loaded(name), reference(name)
    assert scenario.name == name
    assert [(i.id, list(i.option_ids)) for i in scenario.issues] == [
        (i["name"], [str(v) for v in i["values"]]) for i in ref["issues"]
    ]
    for issue, spec in zip(scenario.issues, ref["issues"], strict=True):
        if spec["xml_type"] == "integer":
            assert [o.value for o in issue.options] == spec["values"]
    assert scenario.n_outcomes == ref["n_outcomes"]


@pytest.mark.parametrize("name", domains())
def test_parties_in_profile_file_order_with_reservation_and_discount(name: str) -> None:
    scenario, ref = loaded(name), reference(name)
    assert scenario.party_ids == tuple(Path(f).stem for f in ref["profile_files"])
    assert len(scenario.parties) == ref["n_parties"]
    want = [p["reservation_value_xml"] or 0.0 for p in ref["parties"]]
    assert [p.reservation for p in scenario.parties] == want
    assert want == ref["genius_normalized"]["reserved_values"]
    for party, spec in zip(scenario.parties, ref["parties"], strict=True):
        factor = spec["discount_factor_xml"]
        assert party.discount == (factor if factor is not None and 0 < factor <= 1 else None)


@pytest.mark.parametrize(
    "name", domains(lambda ref: ref["genius_normalized"]["status"].startswith("ok"))
)
def test_bargaining_points_have_the_reference_utilities(name: str) -> None:
    scenario, block = loaded(name), reference(name)["genius_normalized"]
    checked = 0
    for solution in SOLUTIONS:
        for point in block[solution]:
            for outcome in point["outcomes_with_same_utility"]:
                assert close(utilities(scenario, outcome), point["utility"]), (solution, outcome)
                checked += 1
    assert checked >= len(SOLUTIONS)


@pytest.mark.parametrize("name", domains(enumerable))
def test_whole_space_frontier_and_ranges_match_reference(name: str) -> None:
    scenario, block = loaded(name), reference(name)["genius_normalized"]
    vectors = [tuple(round(u, 12) for u in utilities(scenario, o)) for o in all_outcomes(scenario)]
    front = pareto(vectors)
    assert len(front) == block["pareto_count_all_outcomes"]
    assert same_points(front, block["pareto_frontier_all_outcomes"])
    for k, (low, high) in enumerate(block["utility_ranges"]):
        assert close([min(v[k] for v in vectors), max(v[k] for v in vectors)], [low, high])


@pytest.mark.parametrize("name", domains(nonlinear))
def test_hyperrectangle_profiles_one_interaction_per_rectangle(name: str) -> None:
    scenario, ref = loaded(name), reference(name)
    for party, file in zip(scenario.parties, ref["profile_files"], strict=True):
        text = (GENIUS_DATA / name / file).read_text()
        assert len(party.interactions) == text.count("<hyperRectangle") > 0
        assert party.preferences == {}
        assert party.utility_cap == 1.0


@pytest.mark.parametrize("name", domains(nonlinear))
def test_exact_frontier_witnesses_have_genius_utilities(name: str) -> None:
    scenario, exact = loaded(name), reference(name)["exact_frontier"]
    witnesses = exact["genius_semantics"]["raw_frontier_all_outcomes"]
    assert witnesses
    for point in witnesses:
        want = [
            min(1.0, raw / m)
            for raw, m in zip(point["utility"], exact["maxutility_xml"], strict=True)
        ]
        assert close(utilities(scenario, point["outcome"]), want), point["outcome"]


# --- small folders written here -------------------------------------------------------------------
DOMAIN = """<negotiation_template><utility_space number_of_issues="3">
<objective index="0" name="Toy" type="objective" etype="objective">
  <issue index="2" name="size" type="integer" etype="integer" lowerbound="2" upperbound="5"/>
  <issue index="1" name="colour" type="discrete" etype="discrete">
    <item index="1" value="red"/><item index="2" value="blue"/><item index="3" value="grey"/>
  </issue>
  <issue index="3" name="price" type="real"><range lowerbound="0" upperbound="1"/></issue>
</objective></utility_space></negotiation_template>
"""

PROFILE = """<utility_space>
<objective index="0" name="Toy" type="objective" etype="objective">
  <weight index="1" value="0.5"/>
  <issue index="1" name="colour" type="discrete" etype="discrete">
    <item index="2" value="blue" evaluation="4"/>
    <item index="1" value="red" evaluation="2"/>
    <item index="3" value="grey" evaluation="0"/>
  </issue>
  <issue index="2" name="size" type="integer" lowerbound="2" upperbound="5">
    <evaluator ftype="linear" slope="0.5" offset="-0.25"/>
  </issue>
  <issue index="3" name="price" type="real"><range lowerbound="0" upperbound="1"/>
    <evaluator ftype="linear" parameter0="1.2" parameter1="-2"/>
  </issue>
  <weight index="2" value="0.3"/>
  <weight index="3" value="0.3"/>
</objective>
<reservation value="0.4"/>
<discount_factor value="0.9"/>
</utility_space>
"""

ZERO_PROFILE = """<utility_space><objective index="0" name="Toy">
  <issue index="1" name="colour" type="discrete">
    <item value="red" evaluation="0"/><item value="blue" evaluation="0"/>
    <item value="grey" evaluation="0"/>
  </issue>
  <issue index="2" name="size" type="integer"><evaluator slope="0" offset="2"/></issue>
  <issue index="3" name="price" type="real">
    <evaluator ftype="linear" parameter0="0" parameter1="1"/>
  </issue>
  <weight index="1" value="1"/><weight index="2" value="0"/><weight index="3" value="0.25"/>
</objective><discount_factor value="0"/></utility_space>
"""

NL_DOMAIN = """<negotiation_template><utility_space><objective index="0" name="root">
  <issue index="1" name="a" type="integer" lowerbound="0" upperbound="3"/>
  <issue index="2" name="b" type="integer" lowerbound="0" upperbound="3"/>
</objective></utility_space></negotiation_template>
"""

NL_PROFILE = """<utility_space type="nonlinear"><objective index="0" name="root">
  <issue index="1" name="a" type="integer" lowerbound="0" upperbound="3"/>
  <issue index="2" name="b" type="integer" lowerbound="0" upperbound="3"/>
  <utility maxutility="10"><ufun type="PlainUfun" weight="1" aggregation="sum">
    <hyperRectangle utility="4"><INCLUDES index="1" min="2" max="2"/></hyperRectangle>
    <hyperRectangle utility="8">
      <INCLUDES index="1" min="1" max="3"/><INCLUDES index="2" min="0" max="1"/>
    </hyperRectangle>
    <hyperRectangle utility="3" weight="2"><INCLUDES index="2" min="3" max="3"/></hyperRectangle>
    <hyperRectangle utility="5"><INCLUDES index="2" min="2" max="1"/></hyperRectangle>
    <hyperRectangle utility="1"/>
  </ufun></utility>
</objective></utility_space>
"""

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE utility_space [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<utility_space><objective index="0" name="&lol3;"/></utility_space>
"""

EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE utility_space [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<utility_space><objective index="0" name="&secret;"/></utility_space>
"""

TOY = {"toy_domain.xml": DOMAIN, "alice.xml": PROFILE, "bob.xml": ZERO_PROFILE}


def write_folder(
    tmp_path: Path, files: Mapping[str, str | None], base: Mapping[str, str] = TOY
) -> Path:
    """A folder ``toy`` with ``base`` overridden by ``files`` (``None`` leaves a file out)."""
    folder = tmp_path / "toy"
    folder.mkdir()
    for name, text in {**base, **files}.items():
        if text is not None:
            (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_toy_folder_values_exactly_as_genius(tmp_path: Path) -> None:
    folder = write_folder(tmp_path, {"pareto.xml": "\n0.5, 1.0\n", "notes.xml": "<notes/>"})
    scenario = load_genius_folder(str(folder), real_steps=5)
    assert (scenario.name, scenario.title, scenario.origin) == ("toy", "Toy", str(folder))
    assert scenario.issue_ids == ("colour", "size", "price")
    assert scenario.issue("colour").option_ids == ("red", "blue", "grey")
    assert [(o.id, o.value) for o in scenario.issue("size").options] == [
        ("2", 2),
        ("3", 3),
        ("4", 4),
        ("5", 5),
    ]
    assert [(o.id, o.value) for o in scenario.issue("price").options] == [
        ("0", 0.0),
        ("0.25", 0.25),
        ("0.5", 0.5),
        ("0.75", 0.75),
        ("1", 1.0),
    ]
    assert scenario.party_ids == ("alice", "bob")
    alice, bob = scenario.parties
    assert {k: p.weight for k, p in alice.preferences.items()} == {
        "colour": 0.5,
        "size": 0.3,
        "price": 0.3,
    }
    assert alice.preferences["colour"].table == (0.5, 1.0, 0.0)
    assert alice.preferences["size"].table == (0.0, 0.25, 0.75, 1.0)
    assert close(alice.preferences["price"].table or (), [1.0, 0.7, 0.2, 0.0, 0.0])
    assert (alice.reservation, alice.discount, alice.utility_cap) == (0.4, 0.9, None)
    assert bob.preferences["colour"].table == (
        0.0,
        0.0,
        0.0,
    )  # max evaluation 0: GENIUS values all 0
    assert bob.preferences["size"].table == (1.0, 1.0, 1.0, 1.0)  # offset 2 clipped to 1
    assert (bob.reservation, bob.discount) == (0.0, None)  # absent; 0 means "no discount" in GENIUS
    outcome = {"colour": "blue", "size": "4", "price": "0.25"}
    assert close(
        utilities(scenario, outcome), [0.5 + 0.3 * 0.75 + 0.3 * 0.7, 0.0 + 0.0 + 0.25 * 0.25]
    )


def test_real_steps_sets_the_grid(tmp_path: Path) -> None:
    scenario = load_genius_folder(write_folder(tmp_path, {}), real_steps=3)
    assert scenario.issue("price").option_ids == ("0", "0.5", "1")
    assert scenario.parties[0].preferences["price"].table == (1.0, 0.19999999999999996, 0.0)


@pytest.mark.parametrize("steps", [1, 0, 2.5, True])
def test_real_steps_must_be_an_integer_of_at_least_two(tmp_path: Path, steps: Any) -> None:
    with pytest.raises(ScenarioError, match="real_steps"):
        load_genius_folder(write_folder(tmp_path, {}), real_steps=steps)


def test_hyperrectangles_use_inclusive_bounds_maxutility_and_cap(tmp_path: Path) -> None:
    folder = write_folder(tmp_path, {}, base={"d.xml": NL_DOMAIN, "p.xml": NL_PROFILE})
    scenario = load_genius_folder(folder)
    (party,) = scenario.parties
    assert [t.id for t in party.interactions] == [
        "rectangle_1",
        "rectangle_2",
        "rectangle_3",
        "rectangle_5",
    ]  # rectangle 4 (min > max) can never hold
    assert (party.preferences, party.utility_cap) == ({}, 1.0)
    for a, b in itertools.product(range(4), repeat=2):
        raw = 4 * (a == 2) + 8 * (1 <= a <= 3 and b <= 1) + 2 * 3 * (b == 3) + 1
        got = utility(scenario, party, {"a": str(a), "b": str(b)})
        assert got == pytest.approx(min(1.0, raw / 10), abs=1e-12), (a, b)


def alice(old: str, new: str) -> dict[str, str | None]:
    """The toy folder with one edit to ``alice.xml`` (the edit must apply)."""
    assert old in PROFILE
    return {"alice.xml": PROFILE.replace(old, new)}


def domain(old: str, new: str) -> dict[str, str | None]:
    """The toy folder with one edit to ``toy_domain.xml`` (the edit must apply)."""
    assert old in DOMAIN
    return {"toy_domain.xml": DOMAIN.replace(old, new)}


def rectangles(old: str, new: str) -> str:
    """``NL_PROFILE`` with one edit (the edit must apply)."""
    assert old in NL_PROFILE
    return NL_PROFILE.replace(old, new)


PRICE_ISSUE = PROFILE[PROFILE.index('<issue index="3"') : PROFILE.index('<weight index="2"')]
GREY_ITEM = '<item index="3" value="grey" evaluation="0"/>'
SIZE_EVALUATOR = '<evaluator ftype="linear" slope="0.5" offset="-0.25"/>'
SUB_OBJECTIVE = '<objective index="9" name="sub"/><issue index="2"'

# (files to override, file the message must name: "" for the folder, text the message must contain)
BAD_INPUT = [
    pytest.param(alice("</issue>", "</isue>"), "alice.xml", "not well-formed", id="malformed"),
    pytest.param({"alice.xml": PROFILE[:300]}, "alice.xml", "not well-formed", id="truncated"),
    pytest.param(alice('"colour"', '"color"'), "alice.xml", "mean 'colour'", id="unknown issue"),
    pytest.param(alice('"blue"', '"green"'), "alice.xml", "'green' is not an", id="unknown value"),
    pytest.param(alice('"grey"', '"red"'), "alice.xml", "evaluated twice", id="value twice"),
    pytest.param(alice(GREY_ITEM, ""), "alice.xml", "values ['grey']", id="value not evaluated"),
    pytest.param({"alice.xml": None, "bob.xml": None}, "", "no utility profile", id="no profile"),
    pytest.param({"toy_domain.xml": None}, "", "exactly one domain file", id="no domain"),
    pytest.param({"x.xml": DOMAIN}, "", "toy_domain.xml, x.xml", id="two domains"),
    pytest.param(
        alice('"4"', '"four"'), "alice.xml", "'four' is not a finite", id="non-numeric evaluation"
    ),
    pytest.param(
        alice('"4"', '"-4"'), "alice.xml", "evaluations must be >= 0", id="negative evaluation"
    ),
    pytest.param(
        alice('"0.5"', '"half"'), "alice.xml", "<weight index=1>", id="non-numeric weight"
    ),
    pytest.param(
        alice('index="2" value', 'index="7" value'), "alice.xml", "index=7", id="stray weight"
    ),
    pytest.param(
        alice('"1" name="colour"', '"4" name="colour"'), "alice.xml", "index 1", id="index mismatch"
    ),
    pytest.param(
        alice('lowerbound="2"', 'lowerbound="1"'), "alice.xml", "bounds", id="bounds mismatch"
    ),
    pytest.param(alice(PRICE_ISSUE, ""), "alice.xml", "issue 'price'", id="issue left out"),
    pytest.param(alice("linear", "exp"), "alice.xml", "ftype 'exp' is not", id="unsupported ftype"),
    pytest.param(alice(SIZE_EVALUATOR, ""), "alice.xml", "no <evaluator>", id="no evaluator"),
    pytest.param(alice('"0.4"', '"nan"'), "alice.xml", "<reservation>", id="bad reservation"),
    pytest.param(
        alice("<utility_space>", '<utility_space type="constraint">'),
        "alice.xml",
        "'constraint' is not supported",
        id="unknown space type",
    ),
    pytest.param(
        domain('"real"', '"boolean"'), "toy_domain.xml", "'boolean'", id="unknown issue type"
    ),
    pytest.param(
        domain('<issue index="2"', SUB_OBJECTIVE), "toy_domain.xml", "nested", id="nested objective"
    ),
    pytest.param(
        domain('"3" name', '"2" name'), "toy_domain.xml", "index '2'", id="duplicate issue index"
    ),
    pytest.param(
        domain('"5"', '"5.5"'), "toy_domain.xml", "not an integer", id="non-integer bound"
    ),
    pytest.param({"alice.xml": LAUGHS}, "alice.xml", "refused", id="billion laughs"),
    pytest.param({"alice.xml": EXTERNAL}, "alice.xml", "refused", id="external entity"),
]

NL_BAD = [
    pytest.param(
        rectangles('<INCLUDES index="1" min="2"', '<EXCLUDES index="1" min="2"'),
        "<EXCLUDES>",
        id="excludes",
    ),
    pytest.param(rectangles(' maxutility="10"', ""), "'maxutility'", id="no maxutility"),
    pytest.param(rectangles('"10"', '"0"'), "maxutility must be > 0", id="zero maxutility"),
    pytest.param(rectangles('"sum"', '"prod"'), "aggregation='prod'", id="product ufun"),
    pytest.param(rectangles('weight="1"', 'weight="2"'), "weight='2'", id="weighted ufun"),
    pytest.param(
        rectangles("</ufun></utility>", "<ufun/></ufun></utility>"), "<ufun>", id="nested ufun"
    ),
    pytest.param(
        rectangles('"1" min="2"', '"5" min="2"'), "<INCLUDES index=5>", id="bound on no issue"
    ),
    pytest.param(rectangles('utility="1"/>', "/>"), "'utility'", id="rectangle without utility"),
]


@pytest.mark.parametrize(("files", "culprit", "text"), BAD_INPUT)
def test_bad_input_is_a_scenario_error_naming_the_file(
    tmp_path: Path, files: dict[str, str | None], culprit: str, text: str
) -> None:
    folder = write_folder(tmp_path, files)
    with pytest.raises(ScenarioError) as caught:
        load_genius_folder(folder)
    assert caught.value.file == str(folder / culprit)
    assert str(caught.value).startswith(str(folder / culprit))
    assert text in str(caught.value)


@pytest.mark.parametrize(("profile", "text"), NL_BAD)
def test_bad_hyperrectangle_profile_is_a_scenario_error(
    tmp_path: Path, profile: str, text: str
) -> None:
    folder = write_folder(tmp_path, {}, base={"d.xml": NL_DOMAIN, "p.xml": profile})
    with pytest.raises(ScenarioError) as caught:
        load_genius_folder(folder)
    assert caught.value.file == str(folder / "p.xml")
    assert text in str(caught.value)


def test_entities_are_never_expanded(tmp_path: Path) -> None:
    folder = write_folder(tmp_path, {"alice.xml": EXTERNAL})
    with pytest.raises(ScenarioError) as caught:
        load_genius_folder(folder)
    assert "root:" not in str(caught.value)  # nothing of /etc/passwd leaks into the message
    assert "DTD" in str(caught.value)


def test_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="is not a folder") as caught:
        load_genius_folder(tmp_path / "nowhere")
    assert caught.value.file == str(tmp_path / "nowhere")
