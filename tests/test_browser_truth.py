"""Every screen tells the truth, in its users' words: a page-text sweep and an accessibility check in a real
browser, over every page, in normal and presentation mode, for York and for Stoke-on-Trent, before and after a
real upload.

On each page: no file path, module name, layout id, indicator id (`length_of_stay_65`), "None" or "nan" in
the text; no table cell of ours (`.pbip-board`) clipped or wider than its column at 1280 x 800, or on the
projector at 1280 x 720; every group value has its coverage beside it; and axe-core (the script bundled in
the `axe-playwright-python` package, nothing fetched) finds no serious or critical violation of WCAG 2.2 AA.
"""

from __future__ import annotations

import calendar
import re
import shutil

import pytest

from loaders import load_file
from loaders.layouts import LAYOUTS
from tests.browsing import picture_words, wait_until_drawn
from tests.servers import ARTIFACTS, serving

YORK, STOKE = "E06000014", "E06000021"
REGION = "group:E12000003"
# (name, path) of every page; the peers page opened on York's region, so its matrix has a group row.
PAGES = [
    ("overview", "/"), ("board", "/board"), ("indicator_dtoc", "/indicator?indicator=dtoc_18"),
    ("indicator_length_of_stay", "/indicator?indicator=length_of_stay_65"),
    ("peers", f"/peers?group={REGION}&indicator=dtoc_18"), ("plan", "/plan"),
    ("recommendation", "/recommendation?ref=R10"), ("upload", "/upload"), ("about", "/about"),
]
MODES = {"normal": ((1280, 800), ""), "presentation": ((1280, 720), "presentation=1")}
# What a program leaks: paths, module names, layout and indicator ids, Python's blanks.
LEAKS = re.compile(
    r"/work/|/tmp/|\.duckdb\b|\.py\b|\b(?:loaders|store|analysis|charts|pages|ui|reports)\.[a-z_]+|"
    r"\b[a-z]+(?:_[a-z0-9]+)*_(?:65|18|75|all_ages|ccg|trust)\b|\bNone\b|\bnan\b|\bNaT\b|"
    + "|".join(re.escape(layout.name) for layout in LAYOUTS if "_" in layout.name))
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_MEASURE = """(regions) => {
  const main = document.querySelector('[data-testid="stMain"]');
  const visible = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const cells = Array.from(main.querySelectorAll('.pbip-board td, .pbip-board th')).filter(visible);
  return {
    text: document.body.innerText,
    clipped: cells.filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent.trim().slice(0, 60)),
    tables: Array.from(main.querySelectorAll('table.pbip-board')).filter(visible)
      .filter(t => t.getBoundingClientRect().right > main.getBoundingClientRect().right + 1)
      .map(t => t.className),
    regionCells: Array.from(main.querySelectorAll('.pbip-matrix tr')).filter(r => r.cells.length
        && regions.includes(r.cells[0].textContent.trim()))
      .flatMap(r => Array.from(r.cells).slice(1)).filter(c => c.querySelector('a'))
      .map(c => c.textContent.replace(/\\s+/g, ' ').trim()),
  };
}"""

# A real York extract of length of stay (12 months): it retires the demonstration series for every area.
REAL_EXTRACT = "indicator_id,area_code,area_name,period_start,period_end,numerator,denominator,value,value_note\n" + \
    "".join(f"length_of_stay_65,{YORK},York,2018-{m:02d}-01,2018-{m:02d}-{calendar.monthrange(2018, m)[1]},"
            f"{250 + m},{900 + m},,\n" for m in range(1, 13))
# The English regions: a matrix row with one of these names is a group's row.
REGIONS = ["North East", "North West", "Yorkshire and The Humber", "East Midlands", "West Midlands",
           "East of England", "London", "South East", "South West"]


def _wait(page, path):
    from playwright.sync_api import expect

    page.goto(path, timeout=180_000)
    expect(page.get_by_test_id("stHeading").first).to_be_visible(timeout=180_000)
    wait_until_drawn(page)


def _sweep(page, url: str, label: str) -> list[str]:
    """Every page in both modes: the problems found, one line each (empty when the screens tell the truth)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems = []
    for mode, ((width, height), query) in MODES.items():
        page.set_viewport_size({"width": width, "height": height})
        for name, path in PAGES:
            joined = path + (("&" if "?" in path else "?") + query if query else "")
            _wait(page, url + joined)
            found = page.evaluate(_MEASURE, REGIONS)
            where = f"{label}, {mode}, {name}"
            problems += [f"{where}: leaked {leak!r}" for leak in
                         {m.group(0) for m in LEAKS.finditer(found["text"])}]
            problems += [f"{where}: clipped cell {cell!r}" for cell in found["clipped"]]
            problems += [f"{where}: table wider than the page ({table})" for table in found["tables"]]
            problems += [f"{where}: a region value without its coverage: {cell!r}" for cell in found["regionCells"]
                         if "members reported" not in cell]
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                             "resultTypes": ["violations"]})
            problems += [f"{where}: axe {v['impact']} {v['id']}: {v['help']} "
                         f"({[node['target'] for node in v['nodes'][:3]]})"
                         for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
            if name in ("overview", "peers", "indicator_length_of_stay"):
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / f"truth_{label}_{mode}_{name}.png"))
    return problems


@pytest.fixture(scope="module")
def store_copy(bundled_db, tmp_path_factory):
    db = tmp_path_factory.mktemp("truth") / "pbip.duckdb"
    shutil.copyfile(bundled_db, db)
    return db


def test_york_before_and_after_a_real_upload(page, store_copy, tmp_path):
    """York's screens, then York's after a real length-of-stay extract: no leaks, no clipped cells, coverage
    beside every group value, no serious accessibility violation; after the upload no "invented" caveat."""
    with serving(store_copy, tmp_path / "before.log") as url:
        problems = _sweep(page, url, "york")
    extract = tmp_path / "length_of_stay_york.csv"
    extract.write_text(REAL_EXTRACT, encoding="utf-8")
    load_file(extract, store_copy, "ana")
    with serving(store_copy, tmp_path / "after.log") as url:
        problems += _sweep(page, url, "york_after_upload")
        _wait(page, url + "/indicator?indicator=length_of_stay_65")
        page.wait_for_selector(".pbip-picture > img", state="attached", timeout=120_000)
        text = page.evaluate("() => document.body.innerText")
        ticks = [words for words, _ in picture_words(page, "xtick")]
        _wait(page, url + "/board")
        page.wait_for_selector(".pbip-indicators tr", timeout=120_000)  # on a busy machine the table comes last
        board = page.evaluate("() => Array.from(document.querySelectorAll('.pbip-indicators tr')).map(r => "
                              "r.innerText.replace(/\\s+/g, ' ')).filter(t => t.includes('Length of stay'))[0]")
    assert problems == []
    assert "invented demonstration data" not in text and "retired the demonstration series" in text
    assert ticks and all(re.fullmatch(r"[A-Z][a-z]{2} \d{4}", tick) for tick in ticks), ticks
    # England's invented series went with the real extract: the cell says so in words, whole.
    assert ("no value" in board or "no comparator chosen" in board) and "comparat or" not in board, board


def test_another_council(page, store_copy, tmp_path):
    """Stoke-on-Trent's screens tell the truth too."""
    stoke = tmp_path / "stoke.duckdb"
    shutil.copyfile(store_copy, stoke)
    with serving(stoke, tmp_path / "stoke.log", env={"PBIP_AREA_CODE": STOKE}) as url:
        problems = _sweep(page, url, "stoke")
    assert problems == []
