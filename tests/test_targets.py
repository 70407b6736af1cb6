"""Targets and trajectories as loads: the file's checks (every problem by row and column, nothing stored), the
command line, undo (command line and the Upload page's function), rebuild, the Better Care Fund derivation and
the indicator page's form."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import store
from loaders import LoadError
from loaders.__main__ import main
from loaders.bcf_targets import EXPECTATION_CEILING, bcf_expectations
from loaders.build import rebuild_from_archive
from loaders.pipeline import load_into, store_context
from loaders.targets import read_targets_csv
from store.loads import undo_load
from store.roles import User
from store.settings import PROJECT_ROOT, archive_dir_for
from tests.page_text import as_read

YORK, STOKE = "E06000014", "E06000021"
HEADER = "indicator_id,area_code,kind,value,direction,effective_from,effective_to,period,source,source_url\n"
TEMPLATE = PROJECT_ROOT / "data" / "templates" / "targets_template_example.csv"


def write(tmp_path: Path, body: str, name: str = "targets.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def counts(db) -> tuple[int, int, int]:
    con = store.connect(db)
    try:
        return con.execute("SELECT (SELECT count(*) FROM loads), (SELECT count(*) FROM target_rows), "
                           "(SELECT count(*) FROM trajectory_rows)").fetchone()
    finally:
        con.close()


def york_target(db) -> list[tuple]:
    con = store.connect(db)
    try:
        return con.execute("SELECT effective_from, value, source FROM targets WHERE indicator_id = 'dtoc_18' "
                           "AND area_code = ? ORDER BY effective_from", [YORK]).fetchall()
    finally:
        con.close()


BAD = (
    "dtoc_18,E06000014,target,,at or below,2017-09,,,BCF,\n"                      # row 2: value blank
    "dtoc_18,E06000014,target,9.4,at or above,2017-10,,,BCF,\n"                   # row 3: contradicts the indicator
    "nonsense,E06000014,target,9.4,at or below,2017-11,,,BCF,\n"                  # row 4: unknown indicator
    "dtoc_18,E06999999,target,9.4,at or below,2017-12,,,BCF,\n"                   # row 5: unknown area
    "dtoc_18,E06000014,goal,9.4,at or below,2018-01,,,BCF,\n"                     # row 6: kind
    "dtoc_18,E06000014,target,9.4,at or below,2018-13-01,,,BCF,\n"                # row 7: not a date
    "dtoc_18,E06000014,target,9.4,at or below,2018-03,2018-01,,BCF,\n"            # row 8: ends before it starts
    "dtoc_18,E06000014,trajectory,9.4,,,,,BCF,\n"                                 # row 9: trajectory without period
    "dtoc_18,E06000014,target,9.4,at or below,2018-04,,,=HYPERLINK(1),\n"         # row 10: a formula
    "dtoc_18,E06000014,target,9.4,at or below,2018-05,,,BCF,javascript:alert(1)\n"  # row 11: not a web link
    "dtoc_18,E06000014,target,9.4,at or below,2018-05,,,BCF,\n"                   # row 12: repeats row 11's key
    "dtoc_18,E06000014,target,9.4,,2018-07,,,BCF,\n"                              # row 13: direction blank
)
EXPECTED = [
    'row 2, column "value": is blank; every row needs a value here',
    'row 3, column "direction": "at or above" contradicts the indicator: lower is better for it, so its target '
    'is "at or below"',
    'row 4, column "indicator_id": "nonsense" is not a known indicator',
    'row 5, column "area_code": "E06999999" is not an area code the dashboard knows',
    'row 6, column "kind": "goal" is not "target" or "trajectory"',
    'row 7, column "effective_from": "2018-13-01" is not a valid date',
    'row 8, column "effective_to": "2018-01" is before effective_from',
    'row 9, column "period": is blank; a trajectory row needs the period',
    'row 10, column "source": "=HYPERLINK(1)" starts like a spreadsheet formula',
    'row 11, column "source_url": "javascript:alert(1)" is not a web link',
    'row 12, column "effective_from": repeats the indicator, area and effective_from of row 11',
    'row 13, column "direction": is blank; a target needs "at or below" or "at or above"',
]


class TestTheFile:
    def test_every_problem_is_named_by_file_row_and_column(self, con, tmp_path):
        """One bad file lists all its problems at once, each with the file, row and column."""
        path = write(tmp_path, BAD)
        context = store_context(con)
        context.area_codes = frozenset({YORK, STOKE})
        with pytest.raises(LoadError) as raised:
            read_targets_csv(path, "targets.csv", context)
        sentences = raised.value.sentences()
        for expected in EXPECTED:
            assert any(s.startswith(f"targets.csv, {expected}") for s in sentences), (expected, sentences)
        assert raised.value.total == len(EXPECTED)

    def test_the_template_is_recognised_and_refused_only_for_its_example_area(self, con):
        """The template is read as a targets file; its example area code is refused, so it cannot be loaded as is."""
        from loaders.layouts import detect_layout
        assert detect_layout(TEMPLATE).name == "targets_csv"
        with pytest.raises(LoadError) as raised:
            read_targets_csv(TEMPLATE, TEMPLATE.name, store_context(con))
        assert {p.column for p in raised.value.problems} == {"area_code"}

    def test_a_good_file_reads_targets_and_planned_values(self, con, tmp_path):
        """Target rows and trajectory rows come out in the store's shape, a month meaning its first day."""
        path = write(tmp_path, "dtoc_18,E06000014,target,9.4,At or below,2017-09,,,BCF,https://example.org/bcf\n"
                               "dtoc_18,E06000014,trajectory,12,,,,2017-09,Local plan,\n")
        context = store_context(con)
        context.area_codes = frozenset({YORK})
        extract = read_targets_csv(path, "targets.csv", context)
        assert extract.targets.iloc[0][["effective_from", "value", "direction"]].tolist() == [
            date(2017, 9, 1), 9.4, "at_or_below"]
        assert extract.trajectories.iloc[0][["period_start", "value"]].tolist() == [date(2017, 9, 1), 12.0]
        assert extract.row_count == 2


class TestCommandLine:
    def test_a_bad_file_stores_nothing_and_lists_every_problem(self, built_db, tmp_path, capsys):
        """`python -m loaders targets` on a bad file exits 1, names each problem on its own line, stores nothing."""
        before = counts(built_db)
        path = write(tmp_path, BAD)
        assert main(["targets", str(path), "--db", str(built_db), "--user", "ana"]) == 1
        err = capsys.readouterr().err
        assert f"error: targets.csv cannot be loaded ({len(EXPECTED)} problems); nothing was stored" in err
        for expected in EXPECTED[2:]:  # rows 2-3 hold for York, whose area the built store knows too
            assert f"error: targets.csv, {expected}" in err
        assert counts(built_db) == before

    def test_a_file_that_is_not_targets_is_refused_in_the_targets_words(self, built_db, tmp_path, capsys):
        """A tidy data file given to `targets` is refused naming the columns a targets file needs."""
        path = tmp_path / "data.csv"
        path.write_text("indicator_id,area_code,period_start,period_end,value\n", encoding="utf-8")
        assert main(["targets", str(path), "--db", str(built_db), "--user", "ana"]) == 1
        assert '"kind"' in capsys.readouterr().err

    def test_load_replace_and_undo(self, built_db, tmp_path, capsys):
        """A targets load replaces York's expectation; undoing it brings the Better Care Fund one back, audited."""
        assert york_target(built_db)[0][1] == 9.4
        path = write(tmp_path, "dtoc_18,E06000014,target,8,at or below,2017-09-01,,,Local stretch target,\n"
                               "dtoc_18,E06000014,trajectory,12,,,,2019-12,Local plan,\n")
        assert main(["targets", str(path), "--db", str(built_db), "--user", "ana"]) == 0
        out = capsys.readouterr().out
        assert "0 added, 1 changed, 0 unchanged" not in out and "1 changed" in out
        load_id = int(out.split("(load ")[1].split(";")[0])
        assert york_target(built_db) == [(date(2017, 9, 1), 8.0, "Local stretch target")]

        assert main(["undo", str(load_id), "--db", str(built_db), "--user", "ana"]) == 0
        assert "2 rows removed, 1 earlier rows current again" in capsys.readouterr().out
        (restored,) = york_target(built_db)
        assert restored[1] == 9.4 and restored[2].startswith("Better Care Fund expectation")
        con = store.connect(built_db)
        actions = [a for (a,) in con.execute("SELECT action FROM audit WHERE load_id = ? ORDER BY audit_id",
                                             [load_id]).fetchall()]
        planned = con.execute("SELECT count(*) FROM trajectories").fetchone()[0]
        con.close()
        assert actions == ["load", "undo"] and planned == 0

    def test_the_upload_pages_undo_takes_a_targets_load_back(self, built_db, tmp_path):
        """The Upload page's undo (`undo_load`) takes back a target an analyst set, as the command line does."""
        con = store.connect(built_db)
        analyst = User("ana", "analyst")
        path = write(tmp_path, "dtoc_18,E06000021,target,5,at or below,2019-01,,,Stoke's own,\n")
        result = load_into(con, path, user=analyst, archive_dir=archive_dir_for(built_db))
        assert result.layout == "targets_csv"
        assert con.execute("SELECT value FROM targets WHERE area_code = ? AND effective_from = '2019-01-01'",
                           [STOKE]).fetchone() == (5.0,)
        undone = undo_load(con, result.load_id, user=analyst)
        assert (undone.removed, undone.restored) == (1, 0)
        assert con.execute("SELECT count(*) FROM targets WHERE area_code = ? AND effective_from = '2019-01-01'",
                           [STOKE]).fetchone() == (0,)
        con.close()

    def test_a_viewer_cannot_load_targets(self, built_db, tmp_path):
        """The store's door refuses a viewer; nothing is stored."""
        before = counts(built_db)
        con = store.connect(built_db)
        path = write(tmp_path, "dtoc_18,E06000021,target,5,at or below,2019-01,,,Stoke's own,\n")
        with pytest.raises(PermissionError):
            load_into(con, path, user=User("vic", "viewer"), archive_dir=archive_dir_for(built_db))
        con.close()
        assert counts(built_db) == before

    def test_a_rebuild_from_the_archive_keeps_the_targets(self, bundled_db, tmp_path):
        """The Better Care Fund load is archived like any load, so a rebuild replays it."""
        con = store.connect(bundled_db, read_only=True)
        rebuild_from_archive(con, tmp_path / "rebuilt.duckdb", archive_dir_for(bundled_db))
        expected = con.execute("SELECT * EXCLUDE (set_at, load_id) FROM targets ORDER BY ALL").df()
        con.close()
        again = store.connect(tmp_path / "rebuilt.duckdb")
        got = again.execute("SELECT * EXCLUDE (set_at, load_id) FROM targets ORDER BY ALL").df()
        again.close()
        assert len(got) > 100
        pd.testing.assert_frame_equal(got, expected)


class TestBetterCareFund:
    @pytest.mark.parametrize("rate,expected", [(11.9, 9.4), (9.4, 9.4), (9.39, 9.39), (3.0, 3.0)])
    def test_each_council_gets_9_4_or_its_own_lower_rate(self, rate, expected):
        """At or above 9.4 in February 2017: 9.4; below: its own February 2017 rate."""
        rows = bcf_expectations(pd.DataFrame({"area_code": ["E06000014"], "value": [rate]}))
        assert rows.loc[0, "value"] == expected and rows.loc[0, "effective_from"] == "2017-09-01"
        assert "February 2017" in rows.loc[0, "source"] and rows.loc[0, "source_url"].startswith("https://")

    def test_the_build_derives_each_councils_expectation_from_its_stored_rate(self, bundled_db):
        """Every English council with a February 2017 rate has min(rate, 9.4) from September 2017, source beside it."""
        con = store.connect(bundled_db, read_only=True)
        joined = con.execute("""
            SELECT t.area_code, t.value, o.value AS february, t.source, t.source_url, t.effective_from
            FROM targets AS t JOIN observations AS o
              ON o.indicator_id = t.indicator_id AND o.area_code = t.area_code AND o.period_start = '2017-02-01'
        """).df()
        total = con.execute("SELECT count(*) FROM targets").fetchone()[0]
        con.close()
        assert len(joined) == total > 100
        assert (joined["value"] == joined["february"].clip(upper=EXPECTATION_CEILING)).all()
        assert (joined["february"] < EXPECTATION_CEILING).any() and (joined["february"] >= EXPECTATION_CEILING).any()
        assert joined["source"].str.contains("Better Care Fund").all() and joined["source_url"].notna().all()
        assert (pd.to_datetime(joined["effective_from"]) == pd.Timestamp("2017-09-01")).all()


class TestIndicatorPage:
    def open(self, monkeypatch, db, analyst: bool) -> AppTest:
        monkeypatch.setenv("PBIP_DB_PATH", str(db))
        at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=90)
        if analyst:
            at.session_state["pbip_user"] = ("ana", "analyst")
        at.run()
        at.switch_page("pages/indicator.py")
        at.query_params["indicator"] = "dtoc_18"
        at.run()
        assert not at.exception, at.exception
        return at

    def test_a_viewer_reads_the_target_with_its_source_and_has_no_form(self, monkeypatch, built_db):
        """Viewers see the target in force, its source and link, read only."""
        at = self.open(monkeypatch, built_db, analyst=False)
        import lxml.html

        body = next(h.proto.body for h in at.get("html") if "<th>Source</th>" in h.proto.body)
        table = lxml.html.fromstring(body).find(".//table")
        headings = [th.text_content() for th in table.iter("th")]
        first = dict(zip(headings, table.find("tbody").find("tr").findall("td"), strict=True))
        assert first["Target"].text_content() == "at or below 9.4"
        assert first["Link"].find("a").get("href").startswith("https://") and first["Link"].text_content() == "source"
        assert not [e for e in at.get("expander") if "target" in str(e.proto.label).lower()]

    def test_an_analyst_sets_a_target_on_the_page_as_a_load(self, monkeypatch, built_db):
        """The form stores a target as a load in the analyst's name; a blank source is refused, nothing stored."""
        at = self.open(monkeypatch, built_db, analyst=True)
        before = counts(built_db)
        key = f"dtoc_18_{YORK}"
        at.number_input(key=f"target_value_{key}").set_value(7.5)
        at.date_input(key=f"target_from_{key}").set_value(date(2019, 4, 1))
        at.button(key=f"target_save_{key}").click().run()
        assert not at.exception, at.exception
        errors = as_read(" ".join(str(e.value) for e in at.error))
        assert "Source: is blank" in errors and counts(built_db) == before

        at.number_input(key=f"target_value_{key}").set_value(7.5)
        at.date_input(key=f"target_from_{key}").set_value(date(2019, 4, 1))
        at.text_input(key=f"target_source_{key}").set_value("Board stretch target")
        at.button(key=f"target_save_{key}").click().run()
        assert not at.exception, at.exception
        assert counts(built_db)[0] == before[0] + 1
        con = store.connect(built_db)
        row = con.execute("SELECT value, set_by, source FROM targets WHERE area_code = ? "
                          "AND effective_from = '2019-04-01'", [YORK]).fetchone()
        file_name = con.execute("SELECT file_name FROM loads ORDER BY load_id DESC LIMIT 1").fetchone()[0]
        con.close()
        assert row == (7.5, "ana", "Board stretch target") and file_name == "target set on the indicator page.csv"
        shown = as_read("\n".join(str(e.value) for e in at.markdown))
        assert "Target in force for December 2019: at or below 7.5 per 100,000 population 18+ from April 2019" in shown


class TestUploadPage:
    def test_a_targets_file_is_previewed_confirmed_and_undone_on_the_upload_page(self, monkeypatch, built_db,
                                                                                tmp_path):
        """The Upload page reads a targets file, says what it would change, stores it, and its Undo takes it back."""
        import duckdb

        from accounts.users import add_user
        users = tmp_path / "users.json"
        monkeypatch.setenv("PBIP_DB_PATH", str(built_db))
        monkeypatch.setenv("PBIP_USERS_FILE", str(users))
        add_user("ana", "correct horse", "analyst", users)
        at = AppTest.from_file(str(PROJECT_ROOT / "pages/upload.py"), default_timeout=90).run()
        at.text_input(key="pbip_login_name").input("ana")
        at.text_input(key="pbip_login_password").input("correct horse")
        at.button[0].click().run()
        body = (HEADER + "dtoc_18,E06000014,target,8,at or below,2017-09,,,Local stretch target,\n"
                "dtoc_18,E06000014,trajectory,12,,,,2019-12,Local plan,\n").encode()
        at.file_uploader[0].set_value(("york targets.csv", body, "text/csv"))
        at.run()
        assert not at.exception, at.exception
        said = "\n".join(str(m.value) for m in at.markdown)
        assert "sets 1 new targets or planned values, changes 1 and leaves 0" in said

        def york() -> float:
            con = duckdb.connect(str(built_db))
            try:
                return con.execute("SELECT value FROM targets WHERE area_code = ? AND indicator_id = 'dtoc_18'",
                                   [YORK]).fetchone()[0]
            finally:
                con.close()
        assert york() == 9.4
        next(button for button in at.button if button.label == "Confirm and store").click().run()
        assert not at.exception, at.exception
        assert york() == 8.0
        next(button for button in at.button if button.label == "Undo" and not button.disabled).click().run()
        next(button for button in at.button if button.label.startswith("Yes, undo load")).click().run()
        assert not at.exception, at.exception
        assert york() == 9.4
