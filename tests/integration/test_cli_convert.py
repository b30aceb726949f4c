"""`bargain convert`: a GENIUS folder written as YAML gives identical results (round trip)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.formats import load_scenario

GENIUS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "genius"
pytestmark = pytest.mark.skipif(
    not GENIUS.is_dir(), reason=f"GENIUS reference domains not found at {GENIUS} (../shared absent)"
)
DOMAINS = sorted(p.name for p in GENIUS.iterdir() if p.is_dir()) if GENIUS.is_dir() else []
SMALL = [d for d in DOMAINS if d not in ("10issues", "30issues", "group9-killer_robot")]


def _same_model(a, b) -> bool:
    strip = {"origin": None, "title": None, "description": None}
    return dataclasses.replace(a, **strip) == dataclasses.replace(b, **strip)


@pytest.mark.parametrize("domain", DOMAINS)
def test_converted_yaml_loads_to_the_same_model(domain, tmp_path, capsys):
    out = tmp_path / f"{domain}.yaml"
    assert main(["convert", str(GENIUS / domain), "-o", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    assert _same_model(load_scenario(out), load_scenario(GENIUS / domain))


@pytest.mark.parametrize("domain", SMALL)
def test_converted_yaml_solves_identically(domain, tmp_path, capsys):
    out = tmp_path / f"{domain}.yaml"
    assert main(["convert", str(GENIUS / domain), "-o", str(out)]) == 0
    capsys.readouterr()
    results = []
    for source in (str(GENIUS / domain), str(out)):
        argv = ["solve", source, "--json", "--frontier", "all", "--disagreement", "worst"]
        assert main(argv) == 0
        data = json.loads(capsys.readouterr().out)
        for key in ("source", "seconds", "scenario"):
            data.pop(key)
        results.append(data)
    assert results[0] == results[1]


def test_convert_refuses_a_non_yaml_target(tmp_path, capsys):
    assert main(["convert", str(GENIUS / "Camera"), "-o", str(tmp_path / "x.json")]) == 2
    assert ".yaml" in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists()
