"""What a reader sees of a page: a page run headless (AppTest) and its text, escapes (`charts.text.plain`)
read back as typed."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from charts.text import WORD_JOINER
from store.settings import PROJECT_ROOT

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def as_read(markdown: object) -> str:
    """The Markdown source with backslash escapes and invisible word joiners removed."""
    return _ESCAPE.sub(r"\1", str(markdown)).replace(WORD_JOINER, "")


def open_page(monkeypatch, db, page: str, area: str | None = None, **query: str) -> AppTest:
    monkeypatch.setenv("PBIP_DB_PATH", str(db))
    if area:
        monkeypatch.setenv("PBIP_AREA_CODE", area)
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60).run()
    at.switch_page(page)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def charts_of(at: AppTest) -> list:
    """The page's charts: pictures (charts/svg.py, in st.html), or plotly charts where "Interactive charts" is on."""
    return [element for element in at.get("html") if 'class="pbip-chart"' in element.proto.body] + list(
        at.get("plotly_chart"))


def text_of(at: AppTest) -> str:
    parts = [element.value for kind in ("title", "caption", "markdown", "warning", "info", "error", "subheader")
             for element in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return as_read("\n".join(str(part) for part in parts))


def html_of(at: AppTest) -> str:
    return "\n".join(element.proto.body for element in at.get("html"))


def html_tables(at: AppTest) -> list:
    """Every HTML table on the page (st.html) as a frame: each cell's text as shown, its headings the columns."""
    import lxml.html
    import pandas as pd

    tables = []
    for element in at.get("html"):
        for table in lxml.html.fromstring(f"<div>{element.proto.body}</div>").iter("table"):
            headings = [th.text_content() for th in table.iter("th")]
            tables.append(pd.DataFrame([[td.text_content() for td in tr.findall("td")] for tr in table.find("tbody")],
                                       columns=headings))
    return tables


def overview_tables(at) -> list:
    """The overview page's HTML tables read back as frames, one per table: each cell's text, an "Open"
    column holding the link of the indicator's name and "Details" the words under it (unit, kind of data)."""
    import lxml.html
    import pandas as pd

    frames = []
    for element in at.get("html"):
        if "pbip-overview" not in element.proto.body:
            continue
        table = lxml.html.fromstring(element.proto.body).find_class("pbip-overview")[0]
        headings = [th.text_content() for th in table.iter("th")]
        rows = []
        for tr in table.find("tbody").iter("tr"):
            cells = tr.findall("td")
            row = dict(zip(headings, (" ".join(td.text_content().split()) for td in cells), strict=True))
            row["Indicator"] = cells[0].find(".//a").text_content()
            row["Details"] = " ".join(span.text_content() for span in cells[0].find_class("small"))
            row["Open"] = cells[0].find(".//a").get("href").replace("&presentation=1", "")
            rows.append(row)
        frames.append(pd.DataFrame(rows, columns=[*headings, "Open", "Details"]))
    return frames


def texts(at: AppTest, *kinds: str) -> str:
    """The text of the page's elements of these kinds (by default every kind that says something), read as typed."""
    kinds = kinds or ("markdown", "info", "success", "warning", "error", "caption")
    return as_read("\n".join(str(element.value) for kind in kinds for element in getattr(at, kind)))
