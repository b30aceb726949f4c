"""GENIUS numbers out of range: refused with the file, element and line, or warned where GENIUS
itself allows them (issue 22)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from simulator.errors import ScenarioError, ScenarioWarning
from simulator.formats.genius import load_genius_folder
from tests.formats.test_genius import DOMAIN, PROFILE, write_folder

BALANCED = PROFILE.replace('<weight index="1" value="0.5"/>', '<weight index="1" value="0.4"/>')


def refused(tmp_path: Path, files: dict[str, str]) -> ScenarioError:
    folder = write_folder(tmp_path, files)
    with pytest.raises(ScenarioError) as info:
        load_genius_folder(folder)
    return info.value


def test_a_huge_weight_is_refused_with_its_line(tmp_path: Path) -> None:
    e = refused(tmp_path, {"alice.xml": PROFILE.replace('value="0.5"', 'value="1e308"')})
    assert e.file is not None and e.file.endswith("alice.xml")
    assert e.line == 3 and "1e308" in e.message and "size at most" in e.message


def test_a_weight_above_the_utility_limit_is_refused(tmp_path: Path) -> None:
    e = refused(tmp_path, {"alice.xml": PROFILE.replace('value="0.5"', 'value="5000"')})
    assert "weight must be a finite number >= 0 and <= 1000" in e.message


def test_huge_real_bounds_say_so_not_repeated_ids(tmp_path: Path) -> None:
    domain = DOMAIN.replace(
        'lowerbound="0" upperbound="1"', 'lowerbound="-1e308" upperbound="1e308"'
    )
    e = refused(tmp_path, {"toy_domain.xml": domain})
    assert "repeats option ids" not in e.message and "size at most" in e.message
    assert e.line == 7 and e.file is not None and e.file.endswith("toy_domain.xml")


def test_a_reservation_of_5_is_warned_and_1e308_refused(tmp_path: Path) -> None:
    five = BALANCED.replace('<reservation value="0.4"/>', '<reservation value="5"/>')
    with pytest.warns(ScenarioWarning, match=r"alice.xml:\d+: <reservation value=5> lies outside"):
        load_genius_folder(write_folder(tmp_path, {"alice.xml": five}))
    (tmp_path / "b").mkdir()
    huge = BALANCED.replace('<reservation value="0.4"/>', '<reservation value="1e99"/>')
    with pytest.warns(ScenarioWarning), pytest.raises(ScenarioError, match="reservation must be"):
        load_genius_folder(write_folder(tmp_path / "b", {"alice.xml": huge}))


def test_weights_summing_to_0_8_are_warned(tmp_path: Path) -> None:
    low = BALANCED.replace('<weight index="2" value="0.3"/>', '<weight index="2" value="0.1"/>')
    with pytest.warns(ScenarioWarning, match="alice.xml: the weights sum to 0.8, not 1"):
        load_genius_folder(write_folder(tmp_path, {"alice.xml": low}))


def test_a_bad_number_names_its_line(tmp_path: Path) -> None:
    e = refused(tmp_path, {"alice.xml": PROFILE.replace('slope="0.5"', 'slope="steep"')})
    assert e.line == 10 and "slope='steep'" in e.message


def test_a_large_integer_issue_loads_in_linear_time(tmp_path: Path) -> None:
    domain = DOMAIN.replace('lowerbound="2" upperbound="5"', 'lowerbound="0" upperbound="99999"')
    profile = BALANCED.replace('lowerbound="2" upperbound="5"', 'lowerbound="0" upperbound="99999"')
    folder = write_folder(tmp_path, {"toy_domain.xml": domain, "alice.xml": profile})
    start = time.perf_counter()
    scenario = load_genius_folder(folder)
    assert len(scenario.issue("size").options) == 100_000
    assert time.perf_counter() - start < 20  # quadratic duplicate checks took minutes
