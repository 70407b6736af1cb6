"""Undo knows what depends on a load: taking back the ONS population load blanks delayed transfers for York
and England, so the question says so by indicator and area and nothing is undone without the second tick
(on the page) or --yes (on the command line)."""

from __future__ import annotations

import duckdb

from analysis.upload_preview import undo_dependents_sentence
from loaders.__main__ import main
from store import loads
from tests.page_text import texts

YORK, ENGLAND = "E06000014", "E92000001"


def latest_load(db, loader: str) -> int:
    """The newest load of a layout (the populations' and the groups' are one each in the bundled store)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT max(load_id) FROM loads WHERE loader = ?", [loader]).fetchone()[0]
    finally:
        con.close()


def population_load(db) -> int:
    return latest_load(db, "ons_population_csv")


def dtoc_rates(db) -> int:
    """How many delayed-transfer rates York and England have now."""
    con = duckdb.connect(str(db))
    try:
        return con.execute("SELECT count(value) FROM observations WHERE indicator_id = 'dtoc_18' "
                           "AND area_code IN (?, ?)", [YORK, ENGLAND]).fetchone()[0]
    finally:
        con.close()


class TestTheSentence:
    def test_names_delayed_transfers_for_york_and_england_first(self, bundled_db):
        """The population load's dependents name the indicator, then York and England before other areas."""
        con = duckdb.connect(str(bundled_db), read_only=True)
        try:
            dependents = loads.undo_dependents(con, population_load(bundled_db))
            data_load = con.execute("SELECT load_id FROM loads WHERE loader = 'fingertips_falls_csv'").fetchone()[0]
            nothing = loads.undo_dependents(con, data_load)
        finally:
            con.close()
        sentence = undo_dependents_sentence(dependents, first=[YORK, ENGLAND])
        assert sentence.startswith("Undoing it blanks or changes Delayed transfers of care")
        assert "for York, England, " in sentence and "other areas" in sentence
        assert undo_dependents_sentence(nothing, first=[YORK, ENGLAND]) is None


class TestThePage:
    def test_the_question_names_what_blanks_and_needs_the_second_tick(self, upload_page, built_db):
        """Undo on the population load warns about delayed transfers for York and England; Yes is disabled
        until the box is ticked, and then the undo happens."""
        load_id = population_load(built_db)
        before = dtoc_rates(built_db)
        at = upload_page("ana")
        at.button(key=f"undo_{load_id}").click().run()
        assert not at.exception, at.exception
        warning = texts(at, "warning")
        assert "Delayed transfers of care" in warning and "York, England" in warning
        assert at.button(key="undo_confirm").disabled
        at.run()
        assert dtoc_rates(built_db) == before > 0
        at.checkbox(key="undo_understood").check().run()
        assert not at.button(key="undo_confirm").disabled
        at.button(key="undo_confirm").click().run()
        assert not at.exception, at.exception
        assert "undone" in texts(at, "success")
        assert dtoc_rates(built_db) == 0


class TestTheCommandLine:
    def test_prints_what_depends_and_undoes_only_with_yes(self, built_db, capsys):
        """Without --yes the command prints the same sentence, exits 1 and changes nothing; with it, undoes."""
        load_id = population_load(built_db)
        before = dtoc_rates(built_db)
        argv = ["undo", str(load_id), "--db", str(built_db), "--user", "ana"]
        assert main(argv) == 1
        said = capsys.readouterr()
        assert "Delayed transfers of care (18+) for York, England" in said.out
        assert "--yes" in said.err and dtoc_rates(built_db) == before
        assert main([*argv, "--yes"]) == 0
        assert dtoc_rates(built_db) == 0


def test_a_load_nothing_depends_on_needs_no_yes(built_db, tmp_path):
    """An ordinary data load is undone at once, as before."""
    path = tmp_path / "a.csv"
    path.write_text("indicator_id,area_code,area_name,period_start,period_end,numerator,denominator,value,"
                    "value_note\ndtoc_18,E06000014,York,2020-01-01,2020-01-31,30,,,\n", encoding="utf-8")
    assert main(["load", str(path), "--db", str(built_db), "--user", "ana"]) == 0
    con = duckdb.connect(str(built_db), read_only=True)
    load_id = con.execute("SELECT max(load_id) FROM loads").fetchone()[0]
    con.close()
    assert main(["undo", str(load_id), "--db", str(built_db), "--user", "ana"]) == 0


# --- Comparator groups are loads too ------------------------------------------------------------------

REGION = "group:E12000003"  # Yorkshire and The Humber


def groups_load(db) -> int:
    return latest_load(db, "comparator_groups_csv")


def region_members(db) -> list[str]:
    con = duckdb.connect(str(db))  # as the page's own connection is opened, so both can be open at once
    try:
        return [code for (code,) in con.execute("SELECT area_code FROM comparator_group_members WHERE group_code = ? "
                                                "ORDER BY area_code", [REGION]).fetchall()]
    finally:
        con.close()


def smaller_region(tmp_path, members: list[str]):
    """York's region without its first member, as an analyst's groups file."""
    path = tmp_path / "region.csv"
    path.write_text("group_code,group_name,area_code,source\n" + "".join(
        f"{REGION},Yorkshire and The Humber,{code},an analyst's list\n" for code in members[1:]), encoding="utf-8")
    return path


class TestAGroupLoad:
    def test_the_bundled_groups_are_a_load_and_their_undo_names_the_group_values(self, bundled_db):
        """The build stores the comparator groups as a load (audited, in the standing loads a rebuild replays);
        undoing it blanks the regions' delayed transfers values, and the sentence says so by indicator and group."""
        con = duckdb.connect(str(bundled_db), read_only=True)
        try:
            load_id = groups_load(bundled_db)
            assert any(entry.layout == "comparator_groups_csv" for entry in loads.standing_loads(con))
            dependents = loads.undo_dependents(con, load_id)
        finally:
            con.close()
        sentence = undo_dependents_sentence(dependents, first=[YORK, ENGLAND])
        assert sentence.startswith("Undoing it blanks the group values of Delayed transfers of care (18+) for ")
        assert "other groups" in sentence and "Among its peers" in sentence
        assert set(dependents["effect"]) == {"blanks"} and REGION in set(dependents["area_code"])

    def test_the_command_line_loads_a_group_and_undoes_it_only_with_yes(self, built_db, tmp_path, capsys):
        """`groups` stores a changed region as a new load; `undo` without --yes says the region's values change
        and does nothing; with --yes the bundled members come back."""
        bundled = region_members(built_db)
        assert main(["groups", str(smaller_region(tmp_path, bundled)), "--db", str(built_db), "--user", "ana"]) == 0
        assert "1 changed" in capsys.readouterr().out and region_members(built_db) == bundled[1:]
        argv = ["undo", str(groups_load(built_db)), "--db", str(built_db), "--user", "ana"]
        assert main(argv) == 1
        said = capsys.readouterr()
        assert "changes the group values of Delayed transfers of care (18+) for Yorkshire and The Humber" in said.out
        assert "--yes" in said.err and region_members(built_db) == bundled[1:]
        assert main([*argv, "--yes"]) == 0
        assert region_members(built_db) == bundled

    def test_the_page_asks_for_the_second_tick_before_blanking_the_groups(self, upload_page, built_db):
        """Undo on the bundled groups load warns about the group values; nothing is undone without the tick."""
        load_id = groups_load(built_db)
        at = upload_page("ana")
        at.button(key=f"undo_{load_id}").click().run()
        assert not at.exception, at.exception
        assert "group values of Delayed transfers of care" in texts(at, "warning")
        assert at.button(key="undo_confirm").disabled
        assert region_members(built_db)
        at.checkbox(key="undo_understood").check().run()
        at.button(key="undo_confirm").click().run()
        assert not at.exception, at.exception
        assert "undone" in texts(at, "success") and region_members(built_db) == []


class TestAGroupsFileOnTheUploadPage:
    def test_the_preview_counts_groups_and_the_members_joining_and_leaving(self, built_db, tmp_path):
        """A changed region reads as changed, one member leaving; a new group as added; nothing is written."""
        from loaders.groups import read_groups
        from store import groups as store_groups

        bundled = region_members(built_db)
        own = "group:our-peers,Our own peers,{},an analyst's list\n"
        text = smaller_region(tmp_path, bundled).read_text(encoding="utf-8") + own.format("E06000014") + \
            own.format("E08000009")
        con = duckdb.connect(str(built_db))
        try:
            found = store_groups.preview(con, read_groups(text.encode(), "region.csv", set(bundled) | {
                "E06000014", "E08000009"})).set_index("group_code")
        finally:
            con.close()
        assert found.loc[REGION, ["members", "stored_members", "joining", "leaving", "status"]].tolist() == [
            len(bundled) - 1, len(bundled), 0, 1, "changed"]
        assert found.loc["group:our-peers", ["members", "joining", "status"]].tolist() == [2, 2, "added"]
        assert region_members(built_db) == bundled

    def test_the_page_previews_a_groups_file_in_groups_not_observations(self, upload_page, built_db, tmp_path):
        """The Upload page says what a groups file does to the groups (not "0 added" observations) and stores it."""
        bundled = region_members(built_db)
        at = upload_page("ana")
        at.file_uploader[0].set_value(("region.csv", smaller_region(tmp_path, bundled).read_bytes(), "text/csv"))
        at.run()
        assert not at.exception, at.exception
        said = "\n".join(str(m.value) for m in at.markdown)
        assert "adds 0 comparator groups, changes 1 and leaves 0" in said
        assert not [m for m in at.metric if m.label == "Added"]
        confirm = next(b for b in at.button if b.label == "Confirm and store")
        confirm.click().run()
        assert not at.exception, at.exception
        assert region_members(built_db) == bundled[1:]
