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


def test_numbers_are_right_aligned_and_written_by_their_function():
    rows = _cells(table_html(pd.DataFrame({"Area": ["York"], "Population": [123456.0], "Value": [None]}),
                             numbers={"Population": lambda n: f"{n:,.0f}", "Value": lambda v: f"{v:.1f}"}))
    assert [(cell.text_content(), cell.get("class")) for cell in rows[0]] == [("York", None), ("123,456", "num"),
                                                                             ("", "num")]


def test_a_long_table_scrolls_in_a_named_box_the_keyboard_can_reach():
    html = table_html(pd.DataFrame({"Area": ["York"] * 50}), scroll=("420px", "Councils outside the limits"))
    box = lxml.html.fromstring(html).find(".//div[@class='pbip-scroll']")
    assert "max-height:420px" in box.get("style") and box.get("tabindex") == "0"
    assert box.get("role") == "region" and box.get("aria-label") == "Councils outside the limits"
    assert len(box.find(".//tbody")) == 50


def test_rag_words_are_swatches_only_in_rag_columns():
    html = table_html(pd.DataFrame({"RAG": ["Amber: at risk", "No actions"], "Note": ["Red", "Red"]}),
                      rag_columns=["RAG"])
    rows = _cells(html)
    assert rows[0][0].find("span").text == "Amber: at risk" and rows[1][0].find("span") is None
    assert rows[0][1].find("span") is None and rows[0][1].text_content() == "Red"
