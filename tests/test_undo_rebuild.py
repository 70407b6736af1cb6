"""Undo agrees with a rebuild: after any loads and undos, the live store equals a replay of the loads still standing."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import store
from loaders import pipeline
from loaders.build import replay
from loaders.errors import LoadError
from loaders.pipeline import load_into, sha256_of
from store import loads
from store.loads import undo_load
from store.settings import PROJECT_ROOT

HEADER = "indicator_id,area_code,area_name,period_start,period_end,numerator,denominator,value,value_note\n"
# Two demonstration indicators, so real extracts retire invented rows; two councils; six months.
INDICATORS = ["length_of_stay_65", "readmissions_65"]
AREAS = ["E06000014", "E06000021"]
MONTHS = [f"2018-{month:02d}-01" for month in range(1, 7)]
KEYS = [(indicator, area, month) for indicator in INDICATORS for area in AREAS for month in MONTHS]
POPULATION = PROJECT_ROOT / "data/public/ons_mid_year_population_lad_single_year_1997-2020.csv"
COMPARED = ("indicator_id, area_code, period_start, period_end, numerator, denominator, value, value_note, "
            "is_demonstration")


def tidy_rows(keys: list[tuple[str, str, str]], numerators: list[int]) -> str:
    rows = []
    for (indicator, area, month), numerator in zip(keys, numerators, strict=True):
        end = (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date()
        rows.append(f"{indicator},{area},,{month},{end},{numerator},10,,\n")
    return HEADER + "".join(rows)


def population_file(folder: Path, name: str, age_zero: int) -> Path:
    """The ONS file's York and Stoke rows for 2018, York's age 0 set to `age_zero`."""
    header, *rows = POPULATION.read_text(encoding="utf-8").splitlines()
    chosen = [row for row in rows if row.split(",")[1] in AREAS and row.split(",")[2] == "2018"]
    york = next(index for index, row in enumerate(chosen) if row.startswith("York,"))
    cells = chosen[york].split(",")
    cells[3] = str(age_zero)
    chosen[york] = ",".join(cells)
    path = folder / name
    path.write_text("\n".join([header, *chosen]) + "\n", encoding="utf-8")
    return path


def observations(con) -> pd.DataFrame:
    return con.execute(f"SELECT {COMPARED} FROM observations ORDER BY ALL").df()


def state_outside_rows(con) -> dict[str, pd.DataFrame]:
    return {
        "flags": con.execute("SELECT indicator_id, is_demonstration FROM indicators ORDER BY ALL").df(),
        "populations": con.execute("SELECT * FROM current_populations ORDER BY ALL").df(),
        "areas": con.execute("SELECT * FROM areas ORDER BY ALL").df(),
        "groups": con.execute("SELECT group_code, group_name, source, members FROM comparator_group_rows "
                              "WHERE superseded_by IS NULL ORDER BY ALL").df(),
    }


class LoadsAndUndos(RuleBasedStateMachine):
    """Random loads (real and demonstration, overlapping and not, populations and comparator groups too) and undos
    in any order."""

    # Extracts by file sha256, shared by every example: the same file always reads the same.
    extracts: dict[tuple[str, frozenset[str]], object] = {}

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="pbip-undo-"))
        self.archive = self.folder / "archive"
        self.store = store.open_store(":memory:")
        self.files = 0
        # Reading files is tested elsewhere: each distinct file is read once, so replays test the store.
        self.real_read_file = pipeline.read_file
        pipeline.read_file = self._read_once
        from loaders.build import load_reference

        load_reference(self.store, user="test")
        self._load(population_file(self.folder, "population.csv", 1900))
        self._load(self._tidy(KEYS, [1] * len(KEYS)), is_demonstration=True)

    def _read_once(self, path, context, *, file=None, layout=None, **kwargs):
        # The areas known are part of the key: a file is valid only while its areas are in the store.
        key = (sha256_of(Path(path)), context.area_codes)
        if key not in self.extracts:
            self.extracts[key] = self.real_read_file(path, context, file=file, layout=layout, **kwargs)
        return self.extracts[key]

    def teardown(self) -> None:
        pipeline.read_file = self.real_read_file
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _tidy(self, keys, numerators) -> Path:
        self.files += 1
        path = self.folder / f"extract_{self.files}.csv"
        path.write_text(tidy_rows(keys, numerators), encoding="utf-8")
        return path

    def _load(self, path: Path, *, is_demonstration: bool = False) -> None:
        try:
            load_into(self.store, path, user="analyst", archive_dir=self.archive, is_demonstration=is_demonstration)
        except LoadError as error:
            # Once the population load that added the councils is undone, their rows (and groups) are refused.
            assert ("is not an area code the dashboard knows" in str(error)
                    or "is not an area this store holds" in str(error))

    def standing(self) -> list[int]:
        return [int(load_id) for load_id in loads.recent_loads(self.store, limit=1000)["load_id"]]

    @rule(chosen=st.lists(st.sampled_from(KEYS), min_size=1, max_size=6, unique=True),
          values=st.data(), is_demonstration=st.booleans())
    def load_tidy(self, chosen, values, is_demonstration) -> None:
        """A tidy extract: numerators from a small set, so repeats and changes are both common."""
        numerators = values.draw(st.lists(st.integers(1, 3), min_size=len(chosen), max_size=len(chosen)))
        self._load(self._tidy(chosen, numerators), is_demonstration=is_demonstration)

    @rule(age_zero=st.integers(1899, 1901))
    def load_population(self, age_zero) -> None:
        """A population file for the two councils, the same or changed."""
        self.files += 1
        self._load(population_file(self.folder, f"population_{self.files}.csv", age_zero))

    @rule(code=st.sampled_from(["group:a", "group:b"]), name=st.sampled_from(["Group A", "Group A renamed"]),
          members=st.lists(st.sampled_from(AREAS), min_size=1, unique=True))
    def load_groups(self, code, name, members) -> None:
        """A comparator groups file: a new group, the same one again, or one renamed or with other members."""
        self.files += 1
        path = self.folder / f"groups_{self.files}.csv"
        path.write_text("group_code,group_name,area_code,source\n"
                        + "".join(f"{code},{name},{member},a test\n" for member in members), encoding="utf-8")
        self._load(path)

    @precondition(lambda self: len(self.standing()) > 0)
    @rule(data=st.data())
    def undo(self, data) -> None:
        """Undo any standing load; a refusal must leave the store as it was."""
        load_id = data.draw(st.sampled_from(self.standing()))
        refusal = loads.undo_refusal(self.store, load_id)
        if refusal:
            before = observations(self.store.read())
            try:
                undo_load(self.store, load_id, user="analyst")
            except loads.UndoRefused:
                pass
            pd.testing.assert_frame_equal(before, observations(self.store.read()))
        else:
            undo_load(self.store, load_id, user="analyst")

    @invariant()
    def live_store_equals_a_rebuild_of_the_standing_loads(self) -> None:
        """Observations, indicator flags, populations and areas equal a replay of the standing loads."""
        rebuilt = store.open_store(":memory:")
        try:
            replay(loads.standing_loads(self.store), rebuilt, self.archive)
            live, again = self.store.read(), rebuilt.read()
            pd.testing.assert_frame_equal(observations(live), observations(again))
            for name, frame in state_outside_rows(live).items():
                pd.testing.assert_frame_equal(frame, state_outside_rows(again)[name], obj=name)
        finally:
            rebuilt.close()


LoadsAndUndos.TestCase.settings = settings(max_examples=10, stateful_step_count=6, deadline=None,
                                           suppress_health_check=[HealthCheck.too_slow])
TestUndoAgreesWithARebuild = LoadsAndUndos.TestCase
