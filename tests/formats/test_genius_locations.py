"""Every GENIUS content error names its file, its element path and its line (issue 22).

One case per kind of mistake, each an edit of the small folders of ``test_genius``. The expected
line is found in the edited text itself (the line of a marker), never from the reader; a static
check then holds that no error site in the GENIUS modules raises without a line, except those
about the folder or a file as a whole.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import NamedTuple

import pytest

from simulator.errors import ScenarioError
from simulator.formats.genius import load_genius_folder
from tests.formats.test_genius import (
    DOMAIN,
    LAUGHS,
    NL_DOMAIN,
    NL_PROFILE,
    PROFILE,
    TOY,
    write_folder,
)

NL = {"d.xml": NL_DOMAIN, "p.xml": NL_PROFILE}
MODULES = ("genius.py", "genius_profiles.py", "genius_xml.py")
# error sites with no element to point at: the folder, the real_steps argument, an unreadable
# file, and the folder's file counts
WHOLE_FILE = {"load_genius_folder": 2, "parse": 1, "_classify": 2}


class Mistake(NamedTuple):
    file: str  # the file edited (and named by the error)
    old: str
    new: str
    marker: str  # text on the line the error must name (after the edit)
    path: str | None  # text the element path must contain (None: an XML error has none)
    message: str


def edit(base: dict[str, str], mistake: Mistake) -> dict[str, str]:
    assert mistake.old in base[mistake.file], mistake.old
    return {**base, mistake.file: base[mistake.file].replace(mistake.old, mistake.new, 1)}


def line_of(text: str, marker: str) -> int:
    assert text.count(marker) >= 1, marker
    return text[: text.index(marker)].count("\n") + 1


def d(old: str, new: str, marker: str, path: str | None, message: str) -> Mistake:
    return Mistake("toy_domain.xml", old, new, marker, path, message)


def a(old: str, new: str, marker: str, path: str | None, message: str) -> Mistake:
    return Mistake("alice.xml", old, new, marker, path, message)


def p(old: str, new: str, marker: str, path: str | None, message: str) -> Mistake:
    return Mistake("p.xml", old, new, marker, path, message)


PRICE = '<issue index="3" name="price" type="real">'
SIZE_ALICE = '<issue index="2" name="size" type="integer" lowerbound="2" upperbound="5">'
COLOUR_DOMAIN = '<issue index="1" name="colour" type="discrete" etype="discrete">'
OBJECTIVE = '<objective index="0" name="Toy"'

TOY_MISTAKES = [
    pytest.param(
        d(
            DOMAIN[DOMAIN.index("<utility_space") : DOMAIN.index("</neg")],
            "<space/>",
            "<negotiation",
            "<negotiation_template>",
            "has no",
        ),
        id="domain without utility_space",
    ),
    pytest.param(
        d(
            DOMAIN[DOMAIN.index("<issue") : DOMAIN.index("</objective>")],
            "",
            OBJECTIVE,
            "<objective>",
            "no <issue>",
        ),
        id="domain without issues",
    ),
    pytest.param(
        d('"3" name', '"2" name', 'name="price"', "<issue name='price'>", "share the index '2'"),
        id="two issues with one index",
    ),
    pytest.param(
        d(
            'name="price"',
            'name="size"',
            '<issue index="3"',
            "<issue name='size'>",
            "share the name 'size'",
        ),
        id="two issues with one name",
    ),
    pytest.param(
        d(
            PRICE,
            '<issue index="3" name="price">',
            'name="price"',
            "<issue name='price'>",
            "needs a 'type'",
        ),
        id="issue without type",
    ),
    pytest.param(
        d(
            'upperbound="5"',
            'upperbound="1"',
            'name="size"',
            "<issue name='size'>",
            "must be non-empty",
        ),
        id="empty integer range",
    ),
    pytest.param(
        d(
            'lowerbound="0" upperbound="1"',
            'lowerbound="1" upperbound="1"',
            "<range",
            "<issue name='price'>",
            "needs lowerbound < upperbound",
        ),
        id="empty real range",
    ),
    pytest.param(
        d('value="blue"', 'value="red"', COLOUR_DOMAIN, "<issue name='colour'>", "repeat"),
        id="repeated item value",
    ),
    pytest.param(
        d(
            'index="2" name="size"',
            'index="x" name="size"',
            'name="size"',
            "<issue name='size'>",
            "not an integer",
        ),
        id="index not an integer",
    ),
    pytest.param(a("</issue>", "</isue>", "</isue>", None, "not well-formed"), id="malformed xml"),
    pytest.param(
        a(
            "<utility_space>",
            '<utility_space type="constraint">',
            "<utility_space",
            "<utility_space>",
            "'constraint' is not supported",
        ),
        id="unknown space type",
    ),
    pytest.param(
        a('"colour"', '"color"', 'name="color"', "<issue name='color'>", "mean 'colour'"),
        id="issue not in the domain",
    ),
    pytest.param(
        a(
            '<weight index="2"',
            '<issue index="1" name="colour"/>\n  <weight index="2"',
            '<issue index="1" name="colour"/>',
            "<issue name='colour'>",
            "listed twice",
        ),
        id="issue listed twice",
    ),
    pytest.param(
        a(
            '"1" name="colour"',
            '"4" name="colour"',
            'name="colour"',
            "<issue name='colour'>",
            "differs from the domain's index",
        ),
        id="index mismatch",
    ),
    pytest.param(
        a(
            'name="colour" type="discrete"',
            'name="colour" type="real"',
            'name="colour"',
            "<issue name='colour'>",
            "differs from the domain's type",
        ),
        id="type mismatch",
    ),
    pytest.param(
        a(
            'lowerbound="2"',
            'lowerbound="1"',
            'name="size"',
            "<issue name='size'>",
            "differ from the domain's",
        ),
        id="bounds mismatch",
    ),
    pytest.param(
        a(
            '<weight index="3"',
            '<weight index="2"',
            '<weight index="2" value="0.3"/>\n</objective>',
            "<weight index=2>",
            "two <weight> elements",
        ),
        id="two weights for one issue",
    ),
    pytest.param(
        a(
            '<weight index="3"',
            '<weight index="7" value="0.1"/><weight index="3"',
            'index="7"',
            "<weight index=7>",
            "names no issue",
        ),
        id="stray weight",
    ),
    pytest.param(
        a('<weight index="3" value="0.3"/>', "", OBJECTIVE, "<objective>", "no <weight index=3>"),
        id="issue without weight",
    ),
    pytest.param(
        a(
            PROFILE[PROFILE.index(PRICE) : PROFILE.index('<weight index="2"')],
            "",
            OBJECTIVE,
            "<objective>",
            "does not value domain issue 'price'",
        ),
        id="issue not valued",
    ),
    pytest.param(
        a('value="0.5"', 'value="5000"', '<weight index="1"', "<weight index=1>", "weight must be"),
        id="weight out of range",
    ),
    pytest.param(
        a(
            'value="0.5"',
            'value="half"',
            '<weight index="1"',
            "<weight index=1>",
            "not a finite number",
        ),
        id="weight not a number",
    ),
    pytest.param(
        a('"blue"', '"green"', 'value="green"', "<item value='green'>", "not an option"),
        id="unknown item value",
    ),
    pytest.param(
        a(
            'value="grey"',
            'value="red"',
            'value="red" evaluation="0"',
            "<item value='red'>",
            "evaluated twice",
        ),
        id="item evaluated twice",
    ),
    pytest.param(
        a(
            'evaluation="4"',
            'evaluation="-4"',
            'evaluation="-4"',
            "<item value='blue'>",
            "must be >= 0",
        ),
        id="negative evaluation",
    ),
    pytest.param(
        a(
            '<item index="3" value="grey" evaluation="0"/>',
            "",
            'name="colour"',
            "<issue name='colour'>",
            "no evaluation",
        ),
        id="item not evaluated",
    ),
    pytest.param(
        a(
            '<evaluator ftype="linear" slope="0.5" offset="-0.25"/>',
            "",
            SIZE_ALICE,
            "<issue name='size'>",
            "no <evaluator>",
        ),
        id="no evaluator",
    ),
    pytest.param(
        a('ftype="linear" slope', 'ftype="exp" slope', 'ftype="exp"', "<evaluator>", "ftype 'exp'"),
        id="unsupported evaluator",
    ),
    pytest.param(
        a('slope="0.5"', 'slope="steep"', 'slope="steep"', "<evaluator>", "not a finite"),
        id="slope not a number",
    ),
    pytest.param(
        a(
            '<reservation value="0.4"/>',
            "<reservation/>",
            "<reservation",
            "<reservation>",
            "needs a 'value'",
        ),
        id="reservation without value",
    ),
]

NL_MISTAKES = [
    pytest.param(
        p(
            NL_PROFILE[NL_PROFILE.index("<utility max") : NL_PROFILE.index("</objective>")],
            "",
            '<objective index="0"',
            "<objective>",
            "needs <utility",
        ),
        id="nonlinear without utility",
    ),
    pytest.param(
        p('maxutility="10"', 'maxutility="0"', "<utility ", "<utility>", "must be > 0"),
        id="zero maxutility",
    ),
    pytest.param(
        p(
            "</ufun></utility>",
            "</ufun><ufun/></utility>",
            "<utility ",
            "<utility>",
            "expected one <ufun>",
        ),
        id="two ufuns",
    ),
    pytest.param(
        p('"sum"', '"prod"', "<ufun", "<utility>/<ufun>", "aggregation='prod'"),
        id="product ufun",
    ),
    pytest.param(
        p(
            '<INCLUDES index="2" min="3"',
            '<EXCLUDES index="2" min="3"',
            "<EXCLUDES",
            "<hyperRectangle> #3",
            "<EXCLUDES> not supported",
        ),
        id="excludes",
    ),
    pytest.param(
        p(
            '<INCLUDES index="1" min="2"',
            '<INCLUDES index="5" min="2"',
            'index="5"',
            "<hyperRectangle> #1",
            "must name an integer issue",
        ),
        id="bound on no issue",
    ),
]


def located(tmp_path: Path, files: dict[str, str], mistake: Mistake) -> None:
    folder = write_folder(tmp_path, edit(files, mistake), base=files)
    with pytest.raises(ScenarioError) as caught:
        load_genius_folder(folder)
    e = caught.value
    text = edit(files, mistake)[mistake.file]
    want = line_of(text, mistake.marker)
    assert (e.file, e.line) == (str(folder / mistake.file), want), str(e)
    assert str(e).startswith(f"{folder / mistake.file}:{want}: "), str(e)
    if mistake.path is not None:
        assert e.path is not None and mistake.path in e.path, str(e)
    assert mistake.message in e.message, str(e)


@pytest.mark.parametrize("mistake", TOY_MISTAKES)
def test_a_mistake_in_a_linear_folder_names_file_path_and_line(
    tmp_path: Path, mistake: Mistake
) -> None:
    located(tmp_path, dict(TOY), mistake)


@pytest.mark.parametrize("mistake", NL_MISTAKES)
def test_a_mistake_in_a_nonlinear_profile_names_file_path_and_line(
    tmp_path: Path, mistake: Mistake
) -> None:
    located(tmp_path, NL, mistake)


def test_a_refused_dtd_names_its_line(tmp_path: Path) -> None:
    folder = write_folder(tmp_path, {"alice.xml": LAUGHS})
    with pytest.raises(ScenarioError, match="refused") as caught:
        load_genius_folder(folder)
    assert caught.value.line == line_of(LAUGHS, "<!DOCTYPE")


def _lineless_sites(source: str) -> dict[str, int]:
    """Per function, how many ``ScenarioError(...)`` calls pass no ``line``."""
    counts: dict[str, int] = {}
    for fn in ast.walk(ast.parse(source)):
        if not isinstance(fn, ast.FunctionDef):
            continue
        for call in ast.walk(fn):
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Name)
                and call.func.id == "ScenarioError"
                and "line" not in {k.arg for k in call.keywords}
            ):
                counts[fn.name] = counts.get(fn.name, 0) + 1
    return counts


def test_only_whole_file_errors_go_without_a_line() -> None:
    root = Path(__file__).resolve().parents[2] / "simulator" / "formats"
    found: dict[str, int] = {}
    for name in MODULES:
        found.update(_lineless_sites((root / name).read_text(encoding="utf-8")))
    assert found == WHOLE_FILE
