"""The report: one set of blocks rendered as Markdown and as self-contained HTML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import simulator
from simulator.evaluate import evaluate_proposals
from simulator.report import (
    FIGURE_KINDS,
    BulletList,
    FigureRef,
    Heading,
    Paragraph,
    Table,
    blocks_markdown,
    blocks_text,
    format_cell,
    inline_html,
    report_blocks,
    report_html,
    report_markdown,
    solve_blocks,
    solve_markdown,
)
from simulator.solver.stream import option_counts, option_red_lines
from simulator.synthetic import synthetic_scenario

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def car():
    return simulator.solve(simulator.load_scenario(ROOT / "scenarios" / "textbook_car.yaml"))


@pytest.fixture(scope="module")
def full(car):
    s = car.scenario
    refs = [FigureRef(k, f"figures/{k}.png", f"caption of {k}") for k in FIGURE_KINDS]
    refs.append(FigureRef("sweep", "figures/sweep.png", "a figure the report does not place"))
    return report_blocks(
        car,
        figures=refs,
        zopa_options=option_counts(s, "zopa", disagreement=car.disagreement),
        feasible_options=option_counts(s, "feasible"),
        option_rules=option_red_lines(s),
        proposals=evaluate_proposals(s),
    )


def test_solve_markdown_is_the_solve_blocks_rendered(car):
    text = solve_markdown(car)
    assert text == blocks_markdown(solve_blocks(car))
    assert text.startswith("# Buying a car") and text.endswith("s.\n")
    assert "## Verdict" in text and "| Nash |" in text and "\n\n\n" not in text


def test_full_report_places_each_figure_in_its_section(full):
    headings = [b.text for b in full if isinstance(b, Heading)]
    figures = [b.kind for b in full if isinstance(b, FigureRef)]
    assert figures == [*FIGURE_KINDS, "sweep"]
    assert headings[:2] == ["Buying a car (textbook example)", "Verdict"]
    assert {"Issue space", "Proposals", "More figures"} <= set(headings)

    def section_of(kind):
        at = next(i for i, b in enumerate(full) if isinstance(b, FigureRef) and b.kind == kind)
        return next(b.text for b in reversed(full[:at]) if isinstance(b, Heading) and b.level == 2)

    assert section_of("utility_space") == "Verdict"
    assert section_of("option_map") == "Issue space"
    assert section_of("frontier_packages").startswith("Pareto frontier")
    assert section_of("proposals") == "Proposals"
    assert section_of("sweep") == "More figures"


def test_issue_space_table_counts_options_and_names_red_lines(full, car):
    table = next(b for b in full if isinstance(b, Table) and b.header[:2] == ("issue", "option"))
    assert len(table.rows) == sum(len(i.options) for i in car.scenario.issues)
    price_20 = table.rows[0]
    assert price_20[:4] == ("Price", "20", "0%", "0%") and "Dealer (`no_fire_sale`)" in price_20[4]
    assert not any("Buyer" in str(r[4]) for r in table.rows[1:4])


def test_proposal_tables_use_the_figures_tags(full):
    tables = [b for b in full if isinstance(b, Table) and b.header[0] == "proposal"]
    assert [r[0] for r in tables[0].rows] == ["P1 Sticker price offer", "P2 Buyer's opening bid"]
    assert tables[1].header == ("proposal", "packages it allows", "red lines crossed", "may cross")


def test_markdown_report_links_every_figure(car, full):
    text = blocks_markdown(full)
    for k in FIGURE_KINDS:
        assert f"](figures/{k}.png)" in text
    assert re.findall(r"\*Figure (\d+)\.", text) == ["1", "2", "3", "4", "5"]
    assert report_markdown(car) == blocks_markdown(report_blocks(car))


def test_html_report_is_self_contained_and_has_the_same_tables(full):
    images = {f"figures/{k}.png": b"\x89PNG fake " + k.encode() for k in FIGURE_KINDS}
    page = report_html(full, images)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert not re.search(r"(src|href)=\"(?!data:)", page)  # nothing to fetch
    assert page.count("<img ") == len(FIGURE_KINDS)
    assert page.count('src="data:image/png;base64,') == len(FIGURE_KINDS)
    assert "figures/sweep.png" in page  # named, not embedded: no bytes were given
    tables = [b for b in full if isinstance(b, Table)]
    assert page.count("<table>") == len(tables)
    for table in tables:
        for row in table.rows:
            for cell in row:
                assert inline_html(format_cell(cell)) in page
    assert "<strong>There is a zone of possible agreement</strong>" in page


def test_html_escapes_what_the_scenario_says():
    blocks = [
        Heading(1, "A <b> & B"),
        Paragraph("**x** `<script>` *y*"),
        Table(("h<",), (("<td>",), (0.25,), (3,))),
    ]
    page = report_html(blocks, {})
    assert "<title>A &lt;b&gt; &amp; B</title>" in page
    assert "<strong>x</strong> <code>&lt;script&gt;</code> <em>y</em>" in page
    assert "<td>&lt;td&gt;</td>" in page and '<td class="num">0.250</td>' in page
    assert "<script>" not in page


def test_report_without_zopa_or_proposals_has_no_such_sections():
    result = simulator.solve(synthetic_scenario(4, 4, 2, seed=3, reservation=0.85))
    blocks = report_blocks(result)
    headings = [b.text for b in blocks if isinstance(b, Heading)]
    assert "Closest to agreement" in headings and "Proposals" not in headings
    assert "Issue space" not in headings  # no option counts given


# --- the renderers of the block representation ------------------------------------------------
def _well_formed(page: str) -> None:
    """Every opened element is closed in order (void elements aside)."""
    from html.parser import HTMLParser

    void = {"meta", "img", "br", "hr", "link", "input"}

    class Check(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.stack: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag not in void:
                self.stack.append(tag)

        def handle_endtag(self, tag):
            assert self.stack and self.stack.pop() == tag, f"</{tag}> closes nothing open"

    check = Check()
    check.feed(page)
    assert check.stack == []


def test_html_report_is_well_formed(full):
    _well_formed(report_html(full, {}))


def test_html_renders_lists_and_nested_items():
    page = report_html([BulletList(("a", "**b**"), lead="Lead:", children=((), ("c",)))], {})
    assert "<p>Lead:</p>\n<ul>\n<li>a</li>\n<li><strong>b</strong><ul><li>c</li></ul></li>" in page
    _well_formed(page)


def test_terminal_text_has_no_markdown_marks(full):
    text = blocks_text(full)
    assert "Buying a car (textbook example)" in text and "There is a zone" in text
    assert not re.search(r"\*\*|`|^#+ \w|^\||^- ", text, re.M)
    assert "P1 Sticker price offer" in text


def test_markdown_of_lists_and_empty_blocks():
    blocks = [Paragraph("a"), BulletList(()), BulletList(("x",), children=(("y",),))]
    assert blocks_markdown(blocks) == "a\n\n\n- x\n  - y\n"


def test_a_figure_without_its_section_is_kept_under_more_figures(car):
    # a registered kind whose section the report does not write (here: the issue space, which
    # needs option counts) must not vanish from the report
    refs = [FigureRef(k, f"figures/{k}.png", f"caption of {k}") for k in FIGURE_KINDS]
    blocks = report_blocks(car, figures=refs)
    shown = [b.kind for b in blocks if isinstance(b, FigureRef)]
    assert sorted(shown) == sorted(FIGURE_KINDS)
    headings = [b.text if isinstance(b, Heading) else None for b in blocks]
    tail = blocks[headings.index("More figures") :]
    assert [b.kind for b in tail if isinstance(b, FigureRef)] == ["option_map", "proposals"]
