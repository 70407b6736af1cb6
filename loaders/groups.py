"""Comparator groups as a CSV: ``group_code, group_name, area_code, source`` (``area_name`` optional).

The bundled `data/comparator_groups.csv` and an analyst's own group go through the same checks as any
load: every cell's kind (area codes are ONS codes; text refused when it starts like a formula or holds
markup), a group code of the form ``group:name``, one name and one source per group, no member listed
twice, and every member an area the store knows. Each problem names the file, row and column. A groups
file is a load like any other (layout ``comparator_groups_csv``, loaders/layouts.py): stored through the
store's door by ``store.loads.store_extract``, versioned, audited, archived, replayed by a rebuild and undone.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders.cells import ONS_CODE, check_columns, normalise_codes
from loaders.csvread import read_table
from loaders.errors import Problems
from loaders.extract import Extract, StoreContext

LAYOUT = "comparator_groups_csv"
REQUIRED = ["group_code", "group_name", "area_code", "source"]
OPTIONAL = ["area_name"]
GROUP_CODE_PATTERN = r"group:[A-Za-z0-9_.-]{1,60}"


def read_groups(raw: bytes, file: str, known_areas: set[str]) -> pd.DataFrame:
    """The file's groups as rows (codes normalised), or a LoadError naming every problem."""
    frame = read_table(raw, file, REQUIRED, OPTIONAL, allow_extra=False)
    problems = Problems(file)
    check_columns(frame, {"area_code": ONS_CODE}, file, problems)
    frame["area_code"] = normalise_codes(frame["area_code"])
    for column in REQUIRED:
        problems.flag(frame[column] == "", column, "is blank; every row needs a value here")
    code = frame["group_code"]
    problems.flag((code != "") & ~code.str.fullmatch(GROUP_CODE_PATTERN), "group_code",
                  '"{value}" is not a group code: write "group:" then letters, digits, "-", "_" or "." '
                  "(up to 60), e.g. group:cipfa-york-2019", code)
    repeated = frame.duplicated(["group_code", "area_code"], keep=False) & (frame["area_code"] != "")
    problems.flag(repeated, "area_code", '"{value}" is listed twice in the same group', frame["area_code"])
    for column in ("group_name", "source"):
        differs = frame.groupby("group_code")[column].transform("nunique") > 1
        problems.flag(differs, column, f"differs between rows of the same group; a group has one {column}")
    unknown = (frame["area_code"] != "") & ~frame["area_code"].isin(known_areas)
    problems.flag(unknown, "area_code", '"{value}" is not an area this store holds', frame["area_code"])
    problems.raise_if_any()
    return frame.reset_index(drop=True)


def looks_like_groups_csv(cells: list[str]) -> bool:
    """A header with every required column of a groups file."""
    return set(REQUIRED) <= {cell.strip() for cell in cells}


def read_groups_file(path: Path, file: str, context: StoreContext) -> Extract:
    """A groups file as an Extract (its ``groups``), checked against the areas the store holds."""
    return Extract(layout=LAYOUT, groups=read_groups(Path(path).read_bytes(), file, set(context.area_codes)))
