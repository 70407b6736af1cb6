"""Issue 22 (4): every string from data or people is shown as typed, on every page, the Upload page included.

On main the Upload page rendered the load's user name and the uploaded file's name as Markdown (recent
loads, the undo question, the "Stored ..." message): an image in a user name made every analyst's browser
fetch an address. Here image, link, colour and maths markup go into every field a person sets on the
Upload page (their account name and the file's name) and into the stored fields the indicator page shows
(a rebase date's reason, the analyst who set it).
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import store
from accounts.users import add_user
from store.roles import User
from store.settings import PROJECT_ROOT

PASSWORD = "correct horse"
# Image, link, bare address, colour, maths, HTML: each would render as something other than text.
HOSTILE = "![i](https://evil.example/i.png) [l](https://evil.example) :red[c] $x^2$ <b>h</b> www.evil.example"
RAW_MARKERS = ["![i](", "[l](", ":red[", "$x^2$", "<b>", "https://", "www.evil"]
FILE = "![i](i.png) [l](x) :red[c] $x^2$ <b>h</b>.csv"
HEADER = "indicator_id,area_code,area_name,period_start,period_end,numerator,denominator,value,value_note\n"
GOOD = (HEADER + "dtoc_18,E06000014,York,2020-01-01,2020-01-31,30,,,\n").encode()


def rendered(at: AppTest) -> list[str]:
    """Every piece of Markdown the page sent, main area and sidebar, widget labels and help included."""
    parts = [str(e.value) for kind in ("markdown", "info", "success", "warning", "error", "caption", "title",
                                       "subheader") for e in getattr(at, kind)]
    parts += [str(b.label) + " " + str(b.help or "") for b in at.button]
    return parts


def assert_plain(at: AppTest) -> None:
    for text in rendered(at):
        for marker in RAW_MARKERS:
            assert marker not in text, f"{marker!r} reached Markdown unescaped in: {text!r}"


@pytest.fixture
def hostile_analyst(monkeypatch, small_store_db, tmp_path):
    users = tmp_path / "users.json"
    monkeypatch.setenv("PBIP_DB_PATH", str(small_store_db))
    monkeypatch.setenv("PBIP_USERS_FILE", str(users))
    add_user(HOSTILE, PASSWORD, "analyst", users)
    return small_store_db


def _signed_in(page: str) -> AppTest:
    at = AppTest.from_file(str(PROJECT_ROOT / page), default_timeout=60).run()
    at.text_input(key="pbip_login_name").input(HOSTILE)
    at.text_input(key="pbip_login_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def _click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label.startswith(label)).click().run()
    assert not at.exception, at.exception
    return at


def test_the_upload_page_shows_names_and_file_names_as_typed(hostile_analyst):
    at = _signed_in("pages/upload.py")
    assert_plain(at)
    at.file_uploader[0].set_value((FILE, GOOD, "text/csv"))
    at.run()
    assert not at.exception, at.exception
    assert any("passed every check" in text for text in rendered(at))
    assert_plain(at)
    _click(at, "Confirm and store")
    assert any(text.startswith("Stored") for text in rendered(at))
    assert_plain(at)
    undo = next(b for b in at.button if b.label == "Undo" and not b.disabled)
    undo.click().run()
    assert any(text.startswith("Undo load") for text in rendered(at))
    assert_plain(at)
    _click(at, "Yes, undo load")
    assert_plain(at)


def test_a_bad_file_with_a_hostile_name_is_named_as_typed(hostile_analyst):
    at = _signed_in("pages/upload.py")
    at.file_uploader[0].set_value((FILE, (HEADER + f"dtoc_18,E06000014,York,2020-01-01,2020-01-31,x,,,{HOSTILE}\n")
                                   .encode(), "text/csv"))
    at.run()
    assert not at.exception, at.exception
    assert any("cannot be loaded" in text for text in rendered(at))
    assert_plain(at)


def test_the_indicator_page_shows_a_rebase_reason_and_its_author_as_typed(hostile_analyst):
    from datetime import date

    from store.indicators import add_rebase_date

    con = store.open_store(hostile_analyst)
    try:
        add_rebase_date(con, indicator_id="length_of_stay_65", area_code="E06000014", rebase_date=date(2018, 8, 1),
                        reason=HOSTILE, user=User(HOSTILE, "analyst"))
    finally:
        con.close()
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.session_state["pbip_user"] = (HOSTILE, "analyst")
    at.run()
    at.switch_page("pages/indicator.py")
    at.query_params["indicator"] = "length_of_stay_65"
    at.run()
    assert not at.exception, at.exception
    assert any("Rebase dates" in text for text in rendered(at))
    assert_plain(at)
