"""Comparator groups as a CSV: ``group_code, group_name, area_code, source`` (``area_name`` optional).

The bundled `data/comparator_groups.csv` and an analyst's own group go through the same checks as any
load: every cell's kind (area codes are ONS codes; text refused when it starts like a formula or holds
markup), a group code of the form ``group:name``, one name and one source per group, no member listed
twice, and every member an area the store knows. Each problem names the file, row and column. The write
is one audited transaction through the store's door (``store.groups.replace_groups``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders.cells import ONS_CODE, check_columns, normalise_codes
from loaders.csvread import read_table
from loaders.errors import Problems, shown_file_name
from store import door
from store import groups as store_groups

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


def load_groups(con, path: Path | str, *, user) -> pd.DataFrame:
    """Check the groups file and store its groups (replacing groups of the same code); returns the rows."""
    path = Path(path)
    known = {code for (code,) in door.handle_of(con).execute("SELECT area_code FROM areas").fetchall()}
    rows = read_groups(path.read_bytes(), shown_file_name(path.name), known)
    store_groups.replace_groups(con, rows, user=user, file_name=shown_file_name(path.name))
    return rows
