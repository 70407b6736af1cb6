"""Targets and trajectories as a CSV: what is good enough for an indicator and area, and the plan to get there.

Columns (example in data/templates/targets_template_example.csv; docs/targets.md):

- ``indicator_id``, ``area_code``: an indicator and an area the store knows;
- ``kind``: ``target`` (a value in force between two dates) or ``trajectory`` (a planned value for a period);
- ``value``: the target, or the planned value, in the indicator's unit;
- ``direction`` (targets): ``at or below`` or ``at or above`` (what meeting the target means); it must agree
  with the indicator's improvement direction (lower is better: at or below);
- ``effective_from`` (targets; YYYY-MM-DD or YYYY-MM), ``effective_to`` (optional: blank while in force);
- ``period`` (trajectories; YYYY-MM or YYYY-MM-DD, the period's first day);
- ``source``: who set it and where, in words; ``source_url``: a link to it (optional, http or https).

Every cell is checked before anything is stored; a LoadError names the file, row and column of every problem.
The file is a load like any other (store/loads.py): archived, audited, replayed by a rebuild, undone by
``python -m loaders undo`` or the Upload data page.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from loaders import cells
from loaders.csvread import dates, numbers, read_table
from loaders.errors import LoadError, Problems
from loaders.extract import Extract, StoreContext, lookup
from loaders.repeats import report_repeats

LAYOUT = "targets_csv"
DESCRIPTION = ("Targets and trajectories CSV (indicator_id, area_code, kind, value, direction, effective_from, "
               "effective_to, period, source, source_url)")
REQUIRED = ["indicator_id", "area_code", "kind", "value", "source"]
OPTIONAL = ["direction", "effective_from", "effective_to", "period", "source_url"]
COLUMNS = ["indicator_id", "area_code", "kind", "value", "direction", "effective_from", "effective_to", "period",
           "source", "source_url"]
KINDS = ("target", "trajectory")
# The words a person writes, and the store's names for them.
DIRECTION_WORDS = {"at or below": "at_or_below", "at or above": "at_or_above"}
DIRECTION_TEXT = {stored: words for words, stored in DIRECTION_WORDS.items()}
# The improvement direction an indicator must have for a target of each direction (a neutral one takes either).
_AGREES = {"at_or_below": "decrease", "at_or_above": "increase"}
_URL = r"https?://[^\s<>\"']{3,}"


def looks_like_targets_csv(header: list[str]) -> bool:
    return {"indicator_id", "area_code", "kind", "source"} <= set(header)


def read_targets_csv(path: Path, file: str, context: StoreContext) -> Extract:
    """Validate and read a targets file against the indicators and areas the store knows."""
    frame = read_table(Path(path).read_bytes(), file, required=REQUIRED, optional=OPTIONAL, allow_extra=False)
    if frame.empty:
        raise LoadError("has a header but no rows", file=file)
    frame = frame.reindex(columns=COLUMNS, fill_value="")
    problems = Problems(file)
    cells.check_columns(frame[["indicator_id", "kind", "direction", "source", "source_url"]], {}, file, problems)
    frame["area_code"] = cells.normalise_codes(frame["area_code"])
    cells.check_codes(frame["area_code"], cells.ONS_OR_ODS, "area_code", problems)
    for column in REQUIRED:
        problems.flag(frame[column] == "", column, "is blank; every row needs a value here")

    indicator = frame["indicator_id"]
    known_indicator = indicator.isin(context.indicators.index)
    problems.flag((indicator != "") & ~known_indicator, "indicator_id", '"{value}" is not a known indicator', indicator)
    area = frame["area_code"]
    problems.flag((area != "") & ~area.isin(context.area_codes), "area_code",
                  '"{value}" is not an area code the dashboard knows (ONS codes such as E06000014)', area)
    kind = frame["kind"].str.lower()
    problems.flag((kind != "") & ~kind.isin(KINDS), "kind", '"{value}" is not "target" or "trajectory"',
                  frame["kind"])
    target, trajectory = kind == "target", kind == "trajectory"

    value = numbers(frame, "value", file, problems=problems)
    value_kind = lookup(indicator, context.indicators["value_kind"])
    problems.flag(value < 0, "value", '"{value}" is below 0, impossible for these indicators', frame["value"])
    problems.flag((value_kind == "percentage") & (value > 100), "value",
                  '"{value}" is above 100, impossible for a percentage', frame["value"])

    direction = frame["direction"].str.lower().str.replace(r"\s+", " ", regex=True).map(DIRECTION_WORDS)
    problems.flag(target & (frame["direction"] == ""), "direction",
                  'is blank; a target needs "at or below" or "at or above"')
    problems.flag((frame["direction"] != "") & direction.isna(), "direction",
                  '"{value}" is not "at or below" or "at or above"', frame["direction"])
    improvement = lookup(indicator, context.indicators["improvement_direction"])
    disagrees = (direction.notna() & known_indicator & (improvement != "neutral")
                 & (direction.map(_AGREES) != improvement))
    for better, words in (("decrease", "at or below"), ("increase", "at or above")):
        problems.flag(disagrees & (improvement == better), "direction",
                      f'"{{value}}" contradicts the indicator: {"lower" if better == "decrease" else "higher"} is '
                      f'better for it, so its target is "{words}"', frame["direction"])

    effective_from = _dates(frame, "effective_from", file, problems)
    effective_to = _dates(frame, "effective_to", file, problems)
    period = _dates(frame, "period", file, problems)
    problems.flag(target & (frame["effective_from"] == ""), "effective_from",
                  "is blank; a target needs the date it is in force from")
    problems.flag(effective_to.notna() & effective_from.notna() & (effective_to < effective_from), "effective_to",
                  '"{value}" is before effective_from', frame["effective_to"])
    problems.flag(trajectory & (frame["period"] == ""), "period",
                  "is blank; a trajectory row needs the period its planned value is for")
    for column in ("effective_from", "effective_to"):
        problems.flag(trajectory & (frame[column] != ""), column,
                      "is for targets; leave it blank on a trajectory row (its period says when)")
    problems.flag(target & (frame["period"] != ""), "period",
                  "is for trajectories; leave it blank on a target row (effective_from says when)")
    frequency = lookup(indicator, context.indicators["frequency"])
    problems.flag(period.notna() & (frequency != "annual") & (period.dt.day != 1), "period",
                  '"{value}" is not the first day of a month', frame["period"])

    url = frame["source_url"]
    problems.flag((url != "") & ~url.str.fullmatch(_URL), "source_url",
                  '"{value}" is not a web link (starting http:// or https://)', url)

    report_repeats(pd.DataFrame({"i": indicator, "a": area, "f": effective_from}).where(target).dropna(how="all"),
                   problems, "effective_from", "indicator, area and effective_from")
    report_repeats(pd.DataFrame({"i": indicator, "a": area, "p": period}).where(trajectory).dropna(how="all"),
                   problems, "period", "indicator, area and period")
    problems.raise_if_any()

    source_url = url.where(url != "", None)
    targets = pd.DataFrame({
        "indicator_id": indicator, "area_code": area, "effective_from": effective_from.dt.date,
        "effective_to": effective_to.dt.date.where(effective_to.notna(), None), "value": value,
        "direction": direction, "source": frame["source"], "source_url": source_url,
    })[target].reset_index(drop=True)
    planned = pd.DataFrame({
        "indicator_id": indicator, "area_code": area, "period_start": period.dt.date, "value": value,
        "source": frame["source"], "source_url": source_url,
    })[trajectory].reset_index(drop=True)
    return Extract(layout=LAYOUT, targets=targets if len(targets) else None,
                   trajectories=planned if len(planned) else None)


def _dates(frame: pd.DataFrame, column: str, file: str, problems: Problems) -> pd.Series:
    """A column of YYYY-MM-DD or YYYY-MM (its first day) dates; blank is missing, anything else a problem."""
    text = frame[column].where(~frame[column].str.fullmatch(r"\d{4}-\d{2}"), frame[column] + "-01")
    given = text != ""
    parsed = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us]")
    if given.any():
        parsed[given] = dates(pd.DataFrame({column: text[given]}), column, file, problems=problems)
    return parsed


def targets_csv(rows: list[dict]) -> bytes:
    """A targets file holding these rows (dicts keyed by COLUMNS), as a person would write it.

    The indicator page writes one through here so a target set on the page is a load like a file's.
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: "" if row.get(column) is None else row.get(column) for column in COLUMNS})
    return buffer.getvalue().encode("utf-8")
