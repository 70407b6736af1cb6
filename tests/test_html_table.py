"""charts.html_table: a short list as an HTML table, every cell escaped, web addresses as links."""

from __future__ import annotations

import lxml.html
import pandas as pd

from charts.html_table import table_html


def _cells(html: str) -> list[list]:
    table = lxml.html.fromstring(html).find(".//table")
    return [[td for td in tr.findall("td")] for tr in table.find("tbody").findall("tr")]


def test_cells_are_text_and_links_are_links():
    frame = pd.DataFrame({"Target": ["<b>9.4</b>", "=SUM(A1)"], "Link": ["https://example.org/a?b=1&c=2", ""],
                          "Set by": [None, float("nan")]})
    html = table_html(frame, links=("Link",))
    rows = _cells(html)
    assert rows[0][0].text_content() == "<b>9.4</b>" and rows[0][0].find("b") is None
    assert rows[0][1].find("a").get("href") == "https://example.org/a?b=1&c=2"
    assert rows[0][1].text_content() == "source"
    assert rows[1][1].text_content() == "" and rows[0][2].text_content() == "" and rows[1][2].text_content() == ""
    assert [th.text_content() for th in lxml.html.fromstring(html).iter("th")] == ["Target", "Link", "Set by"]


def test_an_address_that_is_not_the_web_stays_words():
    rows = _cells(table_html(pd.DataFrame({"Link": ["javascript:alert(1)"]}), links=("Link",)))
    assert rows[0][0].find("a") is None and rows[0][0].text_content() == "javascript:alert(1)"
