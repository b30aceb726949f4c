"""`bargain plot` and `bargain report` end to end, through the same entry point as the console."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
CAR = str(ROOT / "scenarios" / "textbook_car.yaml")
KINDS = ["utility_space", "option_map", "frontier_packages", "proposals"]


def test_plot_writes_every_figure_and_lists_them_as_json(tmp_path, capsys):
    out = tmp_path / "figs"
    assert main(["plot", CAR, "--out", str(out), "--json"]) == 0
    written = json.loads(capsys.readouterr().out)
    assert written == [str(out / f"{k}.png") for k in KINDS]
    for path in written:
        assert Path(path).read_bytes().startswith(b"\x89PNG")


def test_plot_one_kind_as_svg_and_pdf(tmp_path, capsys):
    assert (
        main(["plot", CAR, "--out", str(tmp_path), "--kind", "option_map", "--format", "svg"]) == 0
    )
    assert [p.name for p in tmp_path.iterdir()] == ["option_map.svg"]
    assert (tmp_path / "option_map.svg").read_text().lstrip().startswith("<?xml")
    args = ["plot", CAR, "--out", str(tmp_path), "--kind", "proposals", "--format", "pdf"]
    assert main(args) == 0
    assert (tmp_path / "proposals.pdf").read_bytes().startswith(b"%PDF")
    assert "wrote" in capsys.readouterr().out


def test_plot_of_a_figure_that_does_not_apply_writes_nothing(tmp_path, capsys):
    genius = ROOT.parent / "shared" / "data" / "genius" / "Laptop"
    if not genius.exists():
        pytest.skip("GENIUS data not available")
    out = tmp_path / "none"
    assert main(["plot", str(genius), "--out", str(out), "--kind", "proposals"]) == 2
    assert "do not apply" in capsys.readouterr().err
    assert not out.exists() or not any(out.iterdir())


def test_report_writes_markdown_html_json_and_figures(tmp_path, capsys):
    out = tmp_path / "rep"
    assert main(["report", CAR, "--out", str(out), "--json", "--seed", "3"]) == 0
    printed = json.loads(capsys.readouterr().out)
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert names == sorted(
        ["report.md", "report.html", "result.json", *[f"figures/{k}.png" for k in KINDS]]
    )
    assert printed == json.loads((out / "result.json").read_text())
    assert printed["counts"]["zopa"] > 0
    md = (out / "report.md").read_text()
    assert md.startswith("# Buying a car") and "## Issue space" in md
    for link in re.findall(r"\]\((figures/[^)]+)\)", md):
        assert (out / link).is_file()
    html = (out / "report.html").read_text()
    assert html.count('src="data:image/png;base64,') == len(KINDS)
    assert not re.search(r"(src|href)=\"(?!data:)", html)


def test_report_into_a_file_fails_cleanly(tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("x")
    assert main(["report", CAR, "--out", str(target)]) == 2
    assert "not a directory" in capsys.readouterr().err
    assert target.read_text() == "x"


def test_report_has_a_coalitions_section_for_three_to_eight_parties(tmp_path, capsys):
    """The siting example (six parties) gets the coalitions section and its lattice; with
    ``--no-coalitions``, and for the two-party car by default, neither."""
    siting = str(ROOT / "scenarios" / "siting_six.yaml")
    out = tmp_path / "six"
    assert main(["report", siting, "--out", str(out), "--no-timings"]) == 0
    md = (out / "report.md").read_text()
    table = md.index("| coalition | winning |")
    lattice = md.index("](figures/coalitions.png)")
    assert md.index("## Coalitions: who has a deal without whom") < table < lattice
    assert md.index("### Who can block") > lattice
    assert (out / "figures" / "coalitions.png").read_bytes().startswith(b"\x89PNG")
    html = (out / "report.html").read_text()
    assert "Coalitions: who has a deal without whom" in html and "data:image/png" in html
    skip = tmp_path / "skip"
    assert main(["report", siting, "--out", str(skip), "--no-coalitions"]) == 0
    assert "Coalitions" not in (skip / "report.md").read_text()
    assert not (skip / "figures" / "coalitions.png").exists()
    car = tmp_path / "car"
    assert main(["report", CAR, "--out", str(car)]) == 0
    assert "Coalitions" not in (car / "report.md").read_text()
