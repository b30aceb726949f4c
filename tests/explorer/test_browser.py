"""The explorer in a real browser: headless Chromium (the Debian ``chromium`` package) driven by
Playwright, against a real server. Marked ``browser``; skipped with the reason when Chromium or
Playwright is missing (``.ci/run`` installs Chromium, so CI runs them).

Each step saves a screenshot under pytest's temporary folder (``explorer-screenshots``), checked
not to be blank. With ``BARGAIN_DOCS_IMAGES=1`` the steps the docs show are also written to
``docs/images/explorer-*.png``: that is how the docs' screenshots are made.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed (pip install playwright)"
)

from simulator.analysis.edits import apply_edits  # noqa: E402
from simulator.cli import main  # noqa: E402
from simulator.explorer.server import start_in_background  # noqa: E402
from simulator.formats import load_scenario  # noqa: E402
from simulator.formats.yaml_writer import dump_scenario_yaml  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CAR = str(ROOT / "scenarios" / "textbook_car.yaml")
DECEMBER = str(ROOT / "scenarios" / "ukraine_2025-12.yaml")
CHROMIUM = os.environ.get("BARGAIN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
TIMEOUT_MS = 90_000
#: Steps whose screenshots the docs show (docs/explorer.md), by the name of the file there.
DOC_IMAGES = {
    "car-2-red-line-dropped": "explorer-car.png",
    "december-1-loaded": "explorer-december-before.png",
    "december-2-zone-open": "explorer-december-zone-open.png",
    "december-3-gaps": "explorer-december-gaps.png",
}

if not Path(CHROMIUM).exists():
    pytest.skip(
        "Chromium is not installed (apt-get install chromium, or set BARGAIN_CHROMIUM)",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("explorer-screenshots")


def serve(source: str) -> Iterator[str]:
    """A real server on a free port, in a thread; yields its URL."""
    server = start_in_background(source)
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def car_url() -> Iterator[str]:
    yield from serve(CAR)


@pytest.fixture(scope="module")
def december_url() -> Iterator[str]:
    yield from serve(DECEMBER)


def cli_solve(source: str, edits: list[str], tmp_path: Path) -> dict:
    path = tmp_path / "edited.yaml"
    path.write_text(dump_scenario_yaml(apply_edits(load_scenario(source), edits)), "utf-8")
    out = tmp_path / "out"
    assert main(["solve", str(path), "--json", "--out", str(out)]) == 0
    return json.loads((out / "result.json").read_text("utf-8"))


def cli_gaps(source: str, edits: list[str], tmp_path: Path) -> dict:
    path = tmp_path / "edited-gaps.yaml"
    path.write_text(dump_scenario_yaml(apply_edits(load_scenario(source), edits)), "utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["gaps", str(path), "--json"]) == 0
    return json.loads(out.getvalue())


def top(page: object) -> None:
    """Scroll the page and its results column back to the top (the view the docs show)."""
    page.evaluate("window.scrollTo(0, 0)")  # type: ignore[attr-defined]
    page.locator("#results").evaluate("node => node.scrollTo(0, 0)")  # type: ignore[attr-defined]


def screenshot(page: object, shots: Path, name: str) -> Path:
    """Save the page as ``name.png`` and check that it is not blank."""
    import matplotlib.image

    path = shots / f"{name}.png"
    page.screenshot(path=str(path))  # type: ignore[attr-defined]
    pixels = matplotlib.image.imread(path)[..., :3]
    assert pixels.std() > 0.05, f"{path} is blank"
    assert (pixels < 0.5).mean() > 0.005, f"{path} has almost no dark pixels"
    if os.environ.get("BARGAIN_DOCS_IMAGES") and name in DOC_IMAGES:
        shutil.copyfile(path, ROOT / "docs" / "images" / DOC_IMAGES[name])
    return path


def wait_for(page: object, edits: list[str], complete: bool = False, gaps: bool = False) -> None:
    """Until the page shows the answer for ``edits`` (and, with ``complete``, every figure; with
    ``gaps``, the pairwise gaps too)."""
    want = json.dumps(json.dumps(edits, separators=(",", ":")))
    test = f"document.body.dataset.edits === {want}"
    if complete:
        test += " && document.body.dataset.complete === '1'"
    if gaps:
        test += " && document.body.dataset.gaps === '1'"
    page.wait_for_function(test, timeout=TIMEOUT_MS)  # type: ignore[attr-defined]


def check_against_cli(page: object, source: str, edits: list[str], tmp_path: Path) -> dict:
    """The count and the Nash package on the page equal ``bargain solve --json``'s."""
    expected = cli_solve(source, edits, tmp_path)
    count = page.get_attribute("#zopa-count", "data-value")  # type: ignore[attr-defined]
    assert int(count) == expected["counts"]["zopa"]
    assert page.inner_text("#zopa-count").startswith(f"{expected['counts']['zopa']:,}")  # type: ignore[attr-defined]
    nash = expected["solutions"]["nash"]
    shown = page.get_attribute("#nash", "data-outcome")  # type: ignore[attr-defined]
    if nash is None:
        assert shown == ""
        return expected
    assert json.loads(shown) == nash["outcome"]
    scenario = load_scenario(source)
    items = page.locator("#nash li").all_inner_texts()  # type: ignore[attr-defined]
    labels = []
    for issue in scenario.issues:
        option = issue.options[issue.index(nash["outcome"][issue.id])]
        labels.append(f"{issue.label or issue.id}: {option.display}")
    assert [" ".join(i.split()) for i in items] == [" ".join(x.split()) for x in labels]
    return expected


def figure_pixels(page: object) -> bytes:
    return page.locator("#fig-utility_space").screenshot()  # type: ignore[attr-defined, no-any-return]


def test_car_toggle_a_red_line(browser: object, car_url: str, shots: Path, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page.goto(car_url)
    wait_for(page, [], complete=True)
    check_against_cli(page, CAR, [], tmp_path)
    before = figure_pixels(page)
    screenshot(page, shots, "car-1-loaded")

    page.check("#rl-dealer-no_fire_sale")  # already on: nothing changes
    page.uncheck("#rl-dealer-no_fire_sale")
    edits = ["dealer drops redline no_fire_sale"]
    wait_for(page, edits, complete=True)
    check_against_cli(page, CAR, edits, tmp_path)
    assert figure_pixels(page) != before, "the utility-space figure did not change"
    assert "dealer+drops+redline+no_fire_sale" in page.url  # the state is in the link
    assert page.locator("#edits li code").all_inner_texts() == edits
    top(page)
    screenshot(page, shots, "car-2-red-line-dropped")

    page.select_option("#actor", "buyer")  # the buyer concedes an option by a click
    page.click('button.option[data-issue="warranty"][data-option="one_year"]')
    edits = [*edits, "buyer concedes warranty=one_year"]
    wait_for(page, edits)
    check_against_cli(page, CAR, edits, tmp_path)
    page.focus("#res-buyer")  # the reservation slider, by keyboard
    page.keyboard.press("ArrowLeft")
    page.dispatch_event("#res-buyer", "change")
    edits = [*edits, "buyer reservation =0.39"]
    wait_for(page, edits, complete=True)
    check_against_cli(page, CAR, edits, tmp_path)
    screenshot(page, shots, "car-3-concession-and-reservation")
    page.click("#scan-start")  # the scan, with its results and their Apply buttons
    page.wait_for_selector("#scan-result table", timeout=TIMEOUT_MS)
    assert page.locator("#scan-result button", has_text="Apply").count() > 0
    for edit in edits[1:]:
        page.get_by_role("button", name=f"Remove the edit {edit}").click()
    edits = edits[:1]
    wait_for(page, edits, complete=True)

    page.reload()  # the link reproduces the view
    wait_for(page, edits)
    assert not page.is_checked("#rl-dealer-no_fire_sale")
    page.get_by_role("button", name=f"Remove the edit {edits[0]}").press("Enter")  # keyboard
    wait_for(page, [], complete=True)
    check_against_cli(page, CAR, [], tmp_path)
    screenshot(page, shots, "car-4-edit-removed")
    page.close()


def test_december_drop_donbas_and_nato_opens_the_zone(
    browser: object, december_url: str, shots: Path, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(december_url)
    wait_for(page, [])
    assert check_against_cli(page, DECEMBER, [], tmp_path)["counts"]["zopa"] == 0
    assert page.inner_text("#nash-title") == "The package closest to agreement"
    assert "Ukrainian withdrawal from the rest of Donetsk" in page.inner_text("#nash")
    sure = page.inner_text("#sure")  # the margins of the verdict, under it
    assert sure.startswith("How sure is this") and "No ZOPA" in sure
    before = figure_pixels(page)
    top(page)
    screenshot(page, shots, "december-1-loaded")

    # issue 19's "done when": two clicks on Ukraine's Donbas and NATO lines open the zone, with
    # the count and the Nash package of `bargain solve --json` with the same edits
    page.click("#rl-ukraine-donbas_withdrawal_at_most_1")
    page.click("#rl-ukraine-nato_at_most_2")
    edits = [
        "ukraine drops redline donbas_withdrawal_at_most_1",
        "ukraine drops redline nato_at_most_2",
    ]
    wait_for(page, edits, complete=True)
    expected = check_against_cli(page, DECEMBER, edits, tmp_path)
    assert expected["counts"]["zopa"] > 0 and expected["solutions"]["nash"] is not None
    assert page.inner_text("#nash-title") == "The Nash package"
    assert "There is a zone of possible agreement" in page.inner_text("#verdict")
    assert figure_pixels(page) != before, "the utility-space figure did not change"
    top(page)
    screenshot(page, shots, "december-2-zone-open")

    # the pairwise gaps of the same state: the pairs, their issues and zones of `bargain gaps`
    wait_for(page, edits, complete=True, gaps=True)
    shown = json.loads(page.get_attribute("#gaps", "data-pairs"))  # type: ignore[attr-defined]
    cli = cli_gaps(DECEMBER, edits, tmp_path)
    assert shown == [
        {
            "parties": g["parties"],
            "issues": [i["issue"] for i in g["issues"]],
            "zopa": g["zopa"]["exists"],
        }
        for g in cli["gaps"]
    ]
    words = page.inner_text("#gaps")
    assert "Russia and Ukraine" in words and "Their own zone of possible agreement" in words
    assert page.locator("#fig-gaps").evaluate("img => img.naturalWidth") > 0
    page.locator("#gaps-heading").evaluate("node => node.scrollIntoView({block: 'start'})")
    screenshot(page, shots, "december-3-gaps")

    page.select_option("#pair-y", "united_states")  # the chosen pair is in the link too
    assert "pair=russia%2Cunited_states" in page.url
    page.reload()
    wait_for(page, edits)
    assert page.input_value("#pair-x") == "russia"
    assert page.input_value("#pair-y") == "united_states"
    assert "pair=russia%2Cunited_states" in page.locator("#fig-utility_space").get_attribute("src")
    assert errors == []
    page.close()
