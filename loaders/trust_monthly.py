"""NHS England's monthly trust collections, as the British Red Cross's healthyr keeps them.

Two layouts, one row per trust and month, the month written "April 2022" (PROVENANCE section 10):

* ``england_critical_general_acute_beds.csv``: general and acute beds available and occupied (the
  month's average of the daily sitrep) and the critical care beds; the dashboard stores general and
  acute bed occupancy, which is also the denominator of the criteria-to-reside share;
* ``england_trust_accidents_emergency.csv``: A&E attendances (all department types), attendances over
  four hours, emergency admissions and those waiting over four hours from the decision to admit.

Every cell is checked; a trust and month appear once; England is the sum over the file's trusts.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders import cells
from loaders.csvread import read_table
from loaders.errors import Problems
from loaders.extract import Extract
from loaders.repeats import report_repeats
from loaders.trust_daily import ENGLAND, _areas, _observations

CODE, DATE = "nhs_trust22_code", "date"
BED_COUNTS = ["general_acute_beds_available", "general_acute_beds_occupied", "adult_general_acute_beds_available",
              "adult_general_acute_beds_occupied", "paediatric_general_acute_beds_available",
              "paediatric_general_acute_beds_occupied", "adult_critical_care_beds_available",
              "adult_critical_care_beds_occupied", "paediatric_intensive_cared_beds_available",
              "paediatric_intensive_cared_beds_occupied", "neonatal_intensive_care_bed_available",
              "neonatal_intensive_care_bed_occupied"]
BED_RATES = ["general_acute_beds_occupancy_rate", "adult_general_acute_beds_occupancy_rate",
             "paediatric_general_acute_beds_occupancy_rate", "adult_critical_care_occupancy_rate",
             "paediatric_intensive_cared_occupancy_rate", "neonatal_intensive_care_occupancy_rate"]
BED_COLUMNS = [CODE, DATE, "general_acute_beds_available", "general_acute_beds_occupied",
               "general_acute_beds_occupancy_rate"]
AE_COUNTS = ["total_attendances", "attendances_over_4hours", "total_emergency_admissions",
             "emergency_admissions_over_4hours"]
AE_RATES = ["pct_attendance_over_4hours", "pct_emergency_admissions_over_4hours"]
AE_COLUMNS = [CODE, *AE_COUNTS, DATE]
BEDS_LAYOUT = "healthyr_trust_general_acute_beds_csv"
AE_LAYOUT = "healthyr_trust_ae_csv"
BEDS_INDICATOR = "ga_bed_occupancy_trust"
ATTENDANCES_INDICATOR = "ae_attendances_all_trust"
ADMISSIONS_INDICATOR = "emergency_admissions_all_trust"
_MONTH_WORDS = r"(January|February|March|April|May|June|July|August|September|October|November|December) \d{4}"


def looks_like_beds_csv(header: list[str]) -> bool:
    return set(BED_COLUMNS) <= set(header)


def looks_like_ae_csv(header: list[str]) -> bool:
    return set(AE_COLUMNS) <= set(header) and "pct_attendance_over_4hours" in header


def _monthly(path: Path, file: str, required: list[str], counts: list[str], rates: list[str],
             needed: list[str]) -> pd.DataFrame:
    """The file's rows, checked cell by cell: ``code, month, <counts and rates as floats>, row``."""
    frame = read_table(Path(path).read_bytes(), file, required=required)
    problems = Problems(file)
    codes = cells.normalise_codes(frame[CODE])
    kinds = {CODE: cells.ODS_CODE, **{c: cells.COUNT for c in counts}, **{c: cells.AMOUNT for c in rates}}
    read = cells.check_columns(frame.assign(**{CODE: codes}).drop(columns=[DATE]), kinds, file, problems)
    problems.flag(codes.isin(("", "NA")), CODE, "is blank; a trust code is required")
    text = frame[DATE].astype("str")
    month = pd.to_datetime(text.where(text.str.fullmatch(_MONTH_WORDS)), format="%B %Y", errors="coerce")
    problems.flag(month.isna(), DATE, '"{value}" is not a month written like "April 2022"', text)
    for column in needed:
        problems.flag(read[column].isna() & month.notna(), column,
                      '"{value}" is missing; every trust and month needs it', frame[column])
    report_repeats(pd.DataFrame({CODE: codes, DATE: text}), problems, DATE, "trust and month")
    problems.raise_if_any()
    return pd.DataFrame({"code": codes, "month": month, **{c: read[c] for c in counts}, "row": frame.index},
                        index=frame.index)


def _with_england(rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    england = rows.groupby("month", as_index=False).agg(**{c: (c, "sum") for c in columns}, row=("row", "min"))
    return pd.concat([rows[["code", "month", *columns, "row"]], england.assign(code=ENGLAND)], ignore_index=True)


def read_beds_csv(path: Path, file: str) -> Extract:
    """General and acute bed occupancy per trust and month, and England's (the sum over trusts)."""
    rows = _monthly(path, file, BED_COLUMNS, [c for c in BED_COUNTS if c in _header(path, file)],
                    [c for c in BED_RATES if c in _header(path, file)],
                    ["general_acute_beds_available", "general_acute_beds_occupied"])
    problems = Problems(file)
    problems.flag(rows["general_acute_beds_occupied"] > rows["general_acute_beds_available"],
                  "general_acute_beds_occupied", "is more than the beds available", rows=rows["row"])
    problems.raise_if_any()
    rows = _with_england(rows, ["general_acute_beds_available", "general_acute_beds_occupied"])
    rows = rows[rows["general_acute_beds_available"] > 0]
    occupied, available = rows["general_acute_beds_occupied"], rows["general_acute_beds_available"]
    observations = _observations(BEDS_INDICATOR, rows["code"], rows["month"], occupied, available,
                                 100 * occupied / available, rows["row"])
    return Extract(layout=BEDS_LAYOUT, observations=observations, areas=_areas(rows["code"]))


def read_ae_csv(path: Path, file: str) -> Extract:
    """A&E attendances and emergency admissions per trust and month, and England's (the sum over trusts)."""
    rows = _monthly(path, file, AE_COLUMNS, AE_COUNTS, [c for c in AE_RATES if c in _header(path, file)],
                    ["total_attendances", "total_emergency_admissions"])
    rows = _with_england(rows, ["total_attendances", "total_emergency_admissions"])
    observations = pd.concat([
        _observations(indicator, rows["code"], rows["month"], rows[column], None, rows[column], rows["row"])
        for indicator, column in ((ATTENDANCES_INDICATOR, "total_attendances"),
                                  (ADMISSIONS_INDICATOR, "total_emergency_admissions"))], ignore_index=True)
    return Extract(layout=AE_LAYOUT, observations=observations, areas=_areas(rows["code"]))


def _header(path: Path, file: str) -> list[str]:
    from loaders.csvread import header_cells
    lines = header_cells(path, max_lines=1)
    return lines[0] if lines else []
