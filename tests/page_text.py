"""What a reader sees of a page's Markdown source: escapes (`charts.text.plain`) read back as typed."""

from __future__ import annotations

import re

from charts.text import WORD_JOINER

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def as_read(markdown: object) -> str:
    """The Markdown source with backslash escapes and invisible word joiners removed."""
    return _ESCAPE.sub(r"\1", str(markdown)).replace(WORD_JOINER, "")


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
