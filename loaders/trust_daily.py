"""NHS England's daily discharge sitrep by acute trust, as the British Red Cross's healthyr keeps it.

Two layouts, one row per trust and day (PROVENANCE section 10):

* ``england_trust_criteria_to_reside.csv``: ``nhs_trust22_code, date, do_not_meet_criteria_to_reside``,
  the sitrep's *total* of patients who no longer meet the criteria to reside that day (those discharged
  that day included: the ~13,000 "remaining in hospital" of NHS England's headlines are this total less
  the day's discharges);
* ``england_trust_discharged_patients.csv``: ``nhs_trust22_code, date, discharged_by_1700,
  discharged_between_1701_2359, discharged_total``, of those patients, how many left and when.

Every cell is checked; each trust's days must run without a gap from its first to its last; a trust and
day appear once. Rows with neither a trust code nor a count (healthyr adds one a day from January 2025
for a trust it could not match to a 2022 code) are left out and counted.

Daily figures become monthly ones for SPC:

* criteria to reside: the average patients a day in the month (numerator), over the trust's average
  occupied general and acute beds that month (the denominator, from the beds layout, joined in the
  store), as a percentage; a trust's month is stored only when it reported every day of it;
* discharges by 17:00: discharges by 17:00 in the month over all discharges in the month, as a
  percentage, for months where every day has the split (NHS England published it to May 2023).

England is the sum over every trust reporting that day (NHS England's national figure), averaged over
the month's days.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from loaders import cells
from loaders.csvread import read_table
from loaders.errors import Problems
from loaders.extract import Extract
from loaders.repeats import report_repeats

ENGLAND = "E92000001"
CODE, DATE = "nhs_trust22_code", "date"
CRITERIA = "do_not_meet_criteria_to_reside"
CRITERIA_COLUMNS = [CODE, DATE, CRITERIA]
DISCHARGE_COLUMNS = [CODE, DATE, "discharged_by_1700", "discharged_between_1701_2359", "discharged_total"]
CRITERIA_LAYOUT = "healthyr_trust_criteria_to_reside_csv"
DISCHARGE_LAYOUT = "healthyr_trust_discharged_patients_csv"
CRITERIA_INDICATOR = "criteria_to_reside_trust"
DISCHARGE_INDICATOR = "discharged_by_1700_trust"
_MISSING_CODE = ("", "NA")


def looks_like_criteria_csv(header: list[str]) -> bool:
    return set(CRITERIA_COLUMNS) <= set(header)


def looks_like_discharges_csv(header: list[str]) -> bool:
    return set(DISCHARGE_COLUMNS) <= set(header)


def _daily(path: Path, file: str, columns: list[str]) -> tuple[pd.DataFrame, dict[str, int]]:
    """The file's rows, checked cell by cell: ``code, day, <count columns as floats>, row``."""
    frame = read_table(Path(path).read_bytes(), file, required=columns)
    counts = columns[2:]
    problems = Problems(file)
    codes = cells.normalise_codes(frame[CODE])
    no_code = codes.isin(_MISSING_CODE)
    read = cells.check_columns(frame.assign(**{CODE: codes.where(~no_code, "")}),
                               {CODE: cells.ODS_CODE, DATE: cells.DATE, **{c: cells.COUNT for c in counts}},
                               file, problems)
    any_count = pd.concat([read[c].notna() for c in counts], axis=1).any(axis=1)
    problems.flag(no_code & any_count, CODE, "is blank but the row has counts; a trust code is required")
    keep = ~no_code
    report_repeats(pd.DataFrame({CODE: codes, DATE: frame[DATE]})[keep], problems, DATE, "trust and day")
    problems.raise_if_any()
    rows = pd.DataFrame({"code": codes, "day": read[DATE], **{c: read[c] for c in counts},
                         "row": frame.index}, index=frame.index)[keep]
    _report_gaps(rows, problems)
    problems.raise_if_any()
    skipped = {"rows with no trust code and no counts (left out)": int((no_code & ~any_count).sum())}
    return rows, {reason: n for reason, n in skipped.items() if n}


def _report_gaps(rows: pd.DataFrame, problems: Problems) -> None:
    """A trust's days run from its first to its last without a gap: name the row after each missing day."""
    ordered = rows.sort_values(["code", "day"])
    step = ordered.groupby("code", sort=False)["day"].diff().dt.days
    gap = step > 1
    if gap.any():
        previous = (ordered["day"] - pd.to_timedelta(step - 1, unit="D")).dt.strftime("%Y-%m-%d")
        words = ordered["code"] + " has no row for " + previous.where(gap, "")
        words = words.where(step <= 2, words + " (and " + (step - 2).fillna(0).astype(int).astype(str)
                            + " more days before this one)")
        problems.flag(gap, DATE, "{value}: every day from a trust's first row to its last is needed",
                      words, ordered["row"])


def _months(rows: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per trust and month: days reported, days with a value, the sum and mean of `column`."""
    month = rows["day"].dt.to_period("M").dt.start_time
    grouped = rows.assign(month=month).groupby(["code", "month"], sort=True)
    out = grouped.agg(days=("day", "size"), valued=(column, "count"), total=(column, "sum"),
                      row=("row", "min")).reset_index()
    out["days_in_month"] = out["month"].dt.days_in_month
    return out


def _observations(indicator: str, area: pd.Series, month: pd.Series, numerator, denominator, value,
                  row) -> pd.DataFrame:
    month = pd.to_datetime(month)
    return pd.DataFrame({"indicator_id": indicator, "area_code": area.to_numpy(), "period_start": month.to_numpy(),
                         "period_end": (month + pd.offsets.MonthEnd(0)).to_numpy(),
                         "numerator": np.asarray(numerator, dtype=float),
                         "denominator": None if denominator is None else np.asarray(denominator, dtype=float),
                         "value": None if value is None else np.asarray(value, dtype=float),
                         "value_note": None, "source_row": np.asarray(row)})


def _areas(codes) -> pd.DataFrame:
    codes = sorted(set(pd.unique(pd.Series(codes))) - {ENGLAND})
    return pd.DataFrame({"area_code": codes, "area_name": codes, "area_type": "NHS trust", "region": None})


def _whole_months(rows: pd.DataFrame) -> pd.Series:
    """The file's months that it covers from the first day to the last (England needs every day)."""
    days = rows["day"].drop_duplicates()
    per_month = days.groupby(days.dt.to_period("M").dt.start_time).size()
    return per_month[per_month == per_month.index.days_in_month].index.to_series()


def read_criteria_csv(path: Path, file: str) -> Extract:
    """Monthly average patients a day not meeting the criteria to reside, per trust and for England."""
    rows, skipped = _daily(path, file, CRITERIA_COLUMNS)
    months = _months(rows, CRITERIA)
    whole = (months["valued"] == months["days_in_month"])
    trusts = months[whole]
    daily = rows.groupby("day", as_index=False).agg(total=(CRITERIA, "sum"), row=("row", "min"))
    daily["month"] = daily["day"].dt.to_period("M").dt.start_time
    england = daily[daily["month"].isin(_whole_months(rows))].groupby("month", as_index=False).agg(
        mean=("total", "mean"), row=("row", "min"))
    observations = pd.concat([
        _observations(CRITERIA_INDICATOR, trusts["code"], trusts["month"], trusts["total"] / trusts["days"],
                      None, None, trusts["row"]),
        _observations(CRITERIA_INDICATOR, pd.Series(ENGLAND, index=england.index), england["month"],
                      england["mean"], None, None, england["row"]),
    ], ignore_index=True)
    if int((~whole).sum()):
        skipped["trust-months with a day unreported (no monthly figure)"] = int((~whole).sum())
    return Extract(layout=CRITERIA_LAYOUT, observations=observations, areas=_areas(rows["code"]), skipped=skipped)


def read_discharges_csv(path: Path, file: str) -> Extract:
    """Monthly share of discharges made by 17:00, per trust and for England."""
    rows, skipped = _daily(path, file, DISCHARGE_COLUMNS)
    problems = Problems(file)
    split = rows["discharged_by_1700"] + rows["discharged_between_1701_2359"]
    wrong = split.notna() & (split != rows["discharged_total"])
    if wrong.any():  # the sums are written out only for the rows named
        problems.flag(wrong, "discharged_total",
                      "is not discharged_by_1700 + discharged_between_1701_2359 (their sum is {value})",
                      split[wrong].astype("Int64").astype(str).reindex(split.index), rows["row"])
    problems.raise_if_any()
    month = rows["day"].dt.to_period("M").dt.start_time
    months = rows.assign(month=month).groupby(["code", "month"], sort=True).agg(
        days=("day", "size"), valued=("discharged_by_1700", "count"), total=("discharged_by_1700", "sum"),
        valued_all=("discharged_total", "count"), total_all=("discharged_total", "sum"),
        row=("row", "min")).reset_index()
    months["days_in_month"] = months["month"].dt.days_in_month
    whole = (months["valued"] == months["days_in_month"]) & (months["valued_all"] == months["days_in_month"])
    trusts = months[whole & (months["total_all"] > 0)]
    split_rows = rows[rows["discharged_by_1700"].notna()]
    daily = split_rows.groupby("day", as_index=False).agg(by_five=("discharged_by_1700", "sum"),
                                                          total=("discharged_total", "sum"), row=("row", "min"))
    daily["month"] = daily["day"].dt.to_period("M").dt.start_time
    england = daily[daily["month"].isin(_whole_months(split_rows))].groupby("month", as_index=False).agg(
        by_five=("by_five", "sum"), total=("total", "sum"), row=("row", "min"))
    observations = pd.concat([
        _observations(DISCHARGE_INDICATOR, trusts["code"], trusts["month"], trusts["total"], trusts["total_all"],
                      100 * trusts["total"] / trusts["total_all"], trusts["row"]),
        _observations(DISCHARGE_INDICATOR, pd.Series(ENGLAND, index=england.index), england["month"],
                      england["by_five"], england["total"], 100 * england["by_five"] / england["total"],
                      england["row"]),
    ], ignore_index=True)
    left_out = int((~whole).sum())
    if left_out:
        skipped["trust-months without the by-17:00 split on every day (no monthly figure)"] = left_out
    return Extract(layout=DISCHARGE_LAYOUT, observations=observations, areas=_areas(rows["code"]), skipped=skipped)
