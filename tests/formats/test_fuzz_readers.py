"""Fuzzing both readers: whatever the input, the only failure is a clean ScenarioError (issue 22).

Three sources of bad input, each bounded so the suite stays fast: the car scenario with one field
anywhere replaced by a value of a wrong type or size (keys from the format's table), random YAML
trees of the format's keys, random bytes, and GENIUS XML with attribute values and text mutated.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.errors import ScenarioError
from simulator.formats import load_scenario_yaml, loads_scenario_yaml
from simulator.formats.genius import load_genius_folder
from simulator.formats.spec import ALL_PARTS
from simulator.solver import solve
from tests.formats.test_genius import DOMAIN, PROFILE, ZERO_PROFILE

ROOT = Path(__file__).resolve().parents[2]
CAR = yaml.safe_load((ROOT / "scenarios" / "textbook_car.yaml").read_text(encoding="utf-8"))
KEYS = sorted({key.name for part in ALL_PARTS for key in part.keys if key.name})
FUZZ = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)

numbers = st.sampled_from([0, -1, 1, 0.5, 1e308, -1e308, math.inf, -math.inf, math.nan, 10**30])
scalars = numbers | st.none() | st.booleans() | st.text(max_size=8) | st.sampled_from(KEYS)
junk = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


def accepted_or_refused(load: Any, *args: Any) -> None:
    """``load(*args)`` returns, or raises a ScenarioError; anything else fails the test. What it
    accepts must also solve (small spaces only): a number the reader let through must not crash
    the solver."""
    try:
        scenario = load(*args)
    except ScenarioError as e:
        assert str(e)
        return
    if scenario.n_outcomes <= 1000:
        try:
            solve(scenario)
        except ScenarioError:
            pass


def paths(tree: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a tree of dicts and lists."""
    out = [prefix]
    items = (
        tree.items()
        if isinstance(tree, dict)
        else enumerate(tree)
        if isinstance(tree, list)
        else ()
    )
    for key, value in items:
        out.extend(paths(value, (*prefix, key)))
    return out


def replaced(tree: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(tree, dict):
        return {k: replaced(v, rest, value) if k == head else v for k, v in tree.items()}
    return [replaced(v, rest, value) if i == head else v for i, v in enumerate(tree)]


def leaf(tree: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        tree = tree[key]
    return tree


NUMBER_PATHS = [
    p
    for p in paths(CAR)
    if isinstance(leaf(CAR, p), int | float) and not isinstance(leaf(CAR, p), bool)
]


def dumped(tree: Any) -> str:
    return yaml.safe_dump(tree, allow_unicode=True, sort_keys=False)


@FUZZ
@given(st.data())
def test_the_car_with_one_field_replaced(data: st.DataObject) -> None:
    if data.draw(st.booleans()):  # a number out of range where a number goes
        path = data.draw(st.sampled_from(NUMBER_PATHS))
        tree = replaced(CAR, path, data.draw(numbers))
    else:
        tree = replaced(CAR, data.draw(st.sampled_from(paths(CAR))), data.draw(junk))
    accepted_or_refused(loads_scenario_yaml, dumped(tree))


@FUZZ
@given(st.dictionaries(st.sampled_from(KEYS), junk, max_size=6))
def test_random_trees_of_the_formats_keys(tree: dict[str, Any]) -> None:
    accepted_or_refused(loads_scenario_yaml, dumped(tree))


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_as_a_scenario_file(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.yaml"
        path.write_bytes(data)
        accepted_or_refused(load_scenario_yaml, path)


ATTRIBUTE_VALUES = st.sampled_from(
    ["", "-1", "0", "1e308", "-1e308", "nan", "inf", "x", "99999999999", "0.5", "1"]
)


@st.composite
def mutated_xml(draw: st.DrawFn, text: str) -> str:
    """``text`` with some attribute values replaced, or a slice cut out."""
    quotes = [i for i, c in enumerate(text) if c == '"']
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()) and len(quotes) >= 2:
            k = draw(st.integers(0, len(quotes) // 2 - 1))
            start, end = quotes[2 * k], quotes[2 * k + 1]
            text = text[: start + 1] + draw(ATTRIBUTE_VALUES) + text[end:]
            quotes = [i for i, c in enumerate(text) if c == '"']
        else:
            a = draw(st.integers(0, len(text)))
            text = text[:a] + text[a + draw(st.integers(0, 30)) :]
    return text


@FUZZ
@given(st.data())
def test_mutated_genius_xml(data: st.DataObject) -> None:
    which = data.draw(st.sampled_from(["domain", "alice", "bob"]))
    files = {"toy_domain.xml": DOMAIN, "alice.xml": PROFILE, "bob.xml": ZERO_PROFILE}
    name = {"domain": "toy_domain.xml", "alice": "alice.xml", "bob": "bob.xml"}[which]
    files[name] = data.draw(mutated_xml(files[name]))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "toy"
        folder.mkdir()
        for file, text in files.items():
            (folder / file).write_text(text, encoding="utf-8")
        accepted_or_refused(load_genius_folder, folder)
