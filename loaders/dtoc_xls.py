"""NHS England delayed transfers of care: the monthly "Total Delayed Days Local Authority" file.

NHS England published one spreadsheet a month from the MSitDT collection,
`LA-Type-B-<Month>-<Year>.xls`: delayed days for patients aged 18+, by the local
authority responsible for them, for England, every council with adult social
services responsibilities and the "Resident in Wales / Scotland / outside GB" rows.
`read_la_type_b` turns one file into the rows of
`data/public/nhse_dtoc_la_monthly_2011-04_2019-12.csv` for that month.

Every version keeps the same skeleton: sheets "LA - by type of care", "LA - by
responsible org" and "LA - by reason"; metadata labels in B2:B11 with values in
C2:C11; column headers in sheet row 14; the England row first. The layouts differ
in these ways, and are told apart by their content, not the file name:

* 2011-12: the area column is headed "SHA" rather than "Region".
* 2013 to June 2015: "Region, Code, Name"; no ONS code; no beds.
* July 2015 to March 2017: adds an "ONS Geography" column.
* April 2017 to May 2019: row 13 heads two blocks, "Delayed Days" and "DTOC Beds"
  (delayed days / days in the month), and the reasons gain "O) Other".
* June 2019 on: the beds block is headed "Average Number of People Delayed per Day".

Where a sheet prints "-" (no delays) the value is missing, never zero. Beds are kept
at the precision the sheet holds; the tidy CSV rounds them to 4 decimal places.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from loaders.errors import LoadError
from loaders.xls import HEADER_ROW, opened
from loaders.xls import Sheet as _Sheet
from loaders.xls import Workbook as _Workbook
from loaders.xls import as_text as _as_text
from loaders.xls import metadata as _metadata
from loaders.xls import metadata_row as _metadata_row
from loaders.xls import norm as _norm
from loaders.xls import period_of as _period
from loaders.xls import show as _show

COLUMNS = (
    "period", "period_label", "region", "ons_code", "ons_code_filled", "la_code", "name",
    "acute_days", "non_acute_days", "total_days", "nhs_days", "social_care_days", "both_days",
    "acute_beds", "non_acute_beds", "total_beds", "nhs_beds", "social_care_beds", "both_beds",
    "reason_A", "reason_B", "reason_C", "reason_DI", "reason_DII", "reason_E", "reason_F",
    "reason_G", "reason_H", "reason_I", "reason_O", "reason_total",
    "source_file", "published", "revised",
)
_TEXT = ("period", "period_label", "region", "ons_code", "ons_code_filled", "la_code", "name",
         "source_file", "published", "revised")
_BEDS = ("acute_beds", "non_acute_beds", "total_beds", "nhs_beds", "social_care_beds", "both_beds")
# Delayed days are whole counts that may be missing ("-"), hence the nullable integer.
DTYPES = {c: "str" if c in _TEXT else "float64" if c in _BEDS else "Int64" for c in COLUMNS}

SHEET_TYPE = "LA - by type of care"
SHEET_ORG = "LA - by responsible org"
SHEET_REASON = "LA - by reason"

BLOCK_ROW = 13  # sheet row naming the "Delayed Days" / beds blocks (blank before April 2017)

NONE_MARK = "-"  # what the sheets print for "no delays" and for a code that does not apply
_DAYS_BLOCK = "Delayed Days"
_BEDS_BLOCKS = ("DTOC Beds", "Average Number of People Delayed per Day")  # renamed June 2019

_LA_CODES_CSV = Path(__file__).with_name("la_codes.csv")
_ONS_CODE = re.compile(r"^[EWSN]\d{8}$")

_IDENTITY_HEADERS = {"region": "region", "sha": "region", "ons geography": "ons_code",
                     "code": "la_code", "name": "name"}
_TYPE_HEADERS = {"acute": "acute", "non-acute": "non_acute", "total": "total"}
_ORG_HEADERS = {"nhs": "nhs", "social care": "social_care", "both": "both", "total": "org_total"}
_REASONS = ("A", "B", "C", "DI", "DII", "E", "F", "G", "H", "I", "O")
# Beds are ratios computed in Excel; two sheets' copies of one Total may differ in the last bits.
_BEDS_REL_TOL = 1e-9


def read_la_type_b(path: str | Path) -> pd.DataFrame:
    """Read one month's "Total Delayed Days Local Authority" spreadsheet.

    Returns one row per area (England first, then each council in sheet order, then
    the "Resident in ..." rows) with the columns of the tidy DToC CSV (`COLUMNS`,
    typed as `DTYPES`): delayed days by type of care, by responsible organisation
    and by reason, the beds figures where the file has them (April 2017 on), and
    `ons_code_filled` from `la_codes.csv` where the file prints no ONS code.
    Raises LoadError naming the file, sheet, row and column of anything malformed.
    """
    file = Path(path).name
    with _Workbook(path, file) as book:
        type_sheet = book.sheet(SHEET_TYPE)
        org_sheet = book.sheet(SHEET_ORG)
        reason_sheet = book.sheet(SHEET_REASON)

    meta = _metadata(type_sheet)
    for other in (org_sheet, reason_sheet):
        other_period = _metadata(other)["Period"]
        if other_period != meta["Period"]:
            raise LoadError(f'period "{other_period}" differs from "{meta["Period"]}" on sheet '
                            f'"{type_sheet.name}"', file=file, sheet=other.name,
                            row=_metadata_row(other, "Period"), column="Period:")
    period = _period(meta["Period"], type_sheet)

    layout = _layout(type_sheet)
    by_type = _read_la_sheet(type_sheet, _TYPE_HEADERS, layout)
    by_org = _read_la_sheet(org_sheet, _ORG_HEADERS, layout)
    by_reason = _read_la_sheet(reason_sheet, None, layout)
    _check_same_areas(by_type, by_org)
    _check_same_areas(by_type, by_reason)
    _check_org_totals(by_type, by_org)

    rows = []
    for code, area in by_type.areas.items():
        row = {
            "period": period, "period_label": meta["Period"],
            "region": area.region, "ons_code": area.ons_code,
            "ons_code_filled": _ons_code_filled(code, area, type_sheet),
            "la_code": code, "name": area.name,
            "source_file": file, "published": meta.get("Published"), "revised": meta.get("Revised"),
        }
        row.update(area.values)
        row.update(by_org.areas[code].values)
        row.update(by_reason.areas[code].values)
        rows.append(row)

    frame = pd.DataFrame(rows).reindex(columns=list(COLUMNS))
    return frame.astype(DTYPES)


def looks_like_la_type_b(path: str | Path | _Workbook) -> bool:
    """True if the file (or a workbook already open) looks like an MSitDT "Total Delayed Days Local
    Authority" spreadsheet.

    Checks the three LA sheet names and the row-14 headers of the by-type-of-care
    sheet, reading no further. Never raises: anything unreadable is simply not one of these files.
    """
    try:
        with opened(path) as book:
            if not all(book.has_sheet(n) for n in (SHEET_TYPE, SHEET_ORG, SHEET_REASON)):
                return False
            headers = {_norm(h) for h in book.sheet(SHEET_TYPE, max_rows=HEADER_ROW).row(HEADER_ROW)
                       if isinstance(h, str)}
        return {"code", "name"} <= headers and bool(headers & {"region", "sha"})
    except Exception:  # a sniff must answer, whatever the bytes are
        return False


# --- layout ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Layout:
    """What the by-type-of-care sheet says about this file's layout."""

    has_ons_column: bool  # July 2015 on
    beds_block: str | None  # the row-13 label of the beds block; None before April 2017


def _layout(sheet: _Sheet) -> _Layout:
    headers = {_norm(h) for h in sheet.row(HEADER_ROW) if isinstance(h, str)}
    beds = [label for label in sheet.row(BLOCK_ROW) if label in _BEDS_BLOCKS]
    return _Layout(has_ons_column="ons geography" in headers, beds_block=beds[0] if beds else None)


@dataclass(frozen=True)
class _Measure:
    col: int
    field: str  # output column, e.g. "acute_days"
    header: str  # as printed in row 14, for error messages
    block: str  # the row-13 block it sits under


@dataclass
class _Area:
    row: int
    region: str
    ons_code: str | None
    name: str
    values: dict[str, float | int | None]


@dataclass
class _LaSheet:
    sheet: _Sheet
    areas: dict[str, _Area]  # keyed by la_code, in sheet order
    measures: list[_Measure]
    code_header: str


def _read_la_sheet(sheet: _Sheet, measure_headers: dict[str, str] | None, layout: _Layout) -> _LaSheet:
    """Read the area rows of one LA sheet; `measure_headers` None means the by-reason sheet."""
    identity = _identity_columns(sheet, layout)
    measures = _measure_columns(sheet, measure_headers, layout, after=max(identity.values()))
    code_header = sheet.header(identity["la_code"])
    areas: dict[str, _Area] = {}
    for r in range(HEADER_ROW + 1, sheet.nrows + 1):
        cells = sheet.row(r)
        if all(c is None for c in cells):
            continue
        if sheet.cell(r, identity["name"]) is None:
            first = next(c for c in cells if c is not None)
            if isinstance(first, str) and first.lower().startswith("note"):
                break  # footnotes follow the last area from June 2019
            raise LoadError("the row has values but no area name", file=sheet.file, sheet=sheet.name,
                            row=r, column=sheet.header(identity["name"]))
        code = _text(sheet, r, identity["la_code"])
        if code in areas:
            raise LoadError(f'LA code "{code}" appears twice (first in row {areas[code].row})',
                            file=sheet.file, sheet=sheet.name, row=r, column=code_header)
        areas[code] = _Area(
            row=r,
            region=_text(sheet, r, identity["region"]),
            ons_code=_ons_code(sheet, r, identity["ons_code"]) if "ons_code" in identity else None,
            name=_text(sheet, r, identity["name"]),
            values={m.field: (_beds if m.block in _BEDS_BLOCKS else _count)(sheet, r, m) for m in measures},
        )
    if not areas:
        raise LoadError("no area rows below the header row", file=sheet.file, sheet=sheet.name,
                        row=HEADER_ROW + 1)
    return _LaSheet(sheet=sheet, areas=areas, measures=measures, code_header=code_header)


def _identity_columns(sheet: _Sheet, layout: _Layout) -> dict[str, int]:
    """Where Region (or SHA), ONS Geography, Code and Name are in row 14."""
    identity: dict[str, int] = {}
    for col, header in enumerate(sheet.row(HEADER_ROW)):
        field = _IDENTITY_HEADERS.get(_norm(header)) if isinstance(header, str) else None
        if field and field not in identity:
            identity[field] = col
    wanted = {"region": "Region", "la_code": "Code", "name": "Name"}
    if layout.has_ons_column:
        wanted["ons_code"] = "ONS Geography"
    for field, header in wanted.items():
        if field not in identity:
            found = ", ".join(f'"{h}"' for h in sheet.row(HEADER_ROW) if h is not None) or "nothing"
            raise LoadError(f'the header row should have a "{header}" column; found {found}',
                            file=sheet.file, sheet=sheet.name, row=HEADER_ROW, column=header)
    return identity


def _measure_columns(sheet: _Sheet, measure_headers: dict[str, str] | None, layout: _Layout,
                     after: int) -> list[_Measure]:
    """The count columns right of the area columns, each under its row-13 block."""
    measures: list[_Measure] = []
    block = _DAYS_BLOCK  # files before April 2017 have no block row: everything is delayed days
    header_row = sheet.row(HEADER_ROW)
    for col in range(after + 1, len(header_row)):
        header = header_row[col]
        label = sheet.cell(BLOCK_ROW, col)
        if label is not None:
            if label != _DAYS_BLOCK and label not in _BEDS_BLOCKS:
                raise LoadError(f'unknown block header {_show(label)}; expected "{_DAYS_BLOCK}" or '
                                f'{" or ".join(repr(b) for b in _BEDS_BLOCKS)}', file=sheet.file,
                                sheet=sheet.name, row=BLOCK_ROW, column=_as_text(header) if header else None)
            block = label
        if header is None:
            continue  # the spacer column between the two blocks
        key = _norm(_as_text(header))
        if measure_headers is None:
            field = _reason_field(key)
        else:
            base = measure_headers.get(key)
            field = base and f"{base}_{'beds' if block in _BEDS_BLOCKS else 'days'}"
        if field is None:
            raise LoadError(f"unknown column {_show(header)} on this sheet", file=sheet.file,
                            sheet=sheet.name, row=HEADER_ROW, column=_as_text(header))
        if any(m.field == field for m in measures):
            raise LoadError(f'column {_show(header)} appears twice under "{block}"', file=sheet.file,
                            sheet=sheet.name, row=HEADER_ROW, column=_as_text(header))
        measures.append(_Measure(col=col, field=field, header=_as_text(header), block=block))

    if measure_headers is None:  # "O) Other" only exists from April 2017
        required = [f"reason_{r}" for r in _REASONS if r != "O"] + ["reason_total"]
    else:
        units = ["days"] + (["beds"] if layout.beds_block else [])
        required = [f"{base}_{unit}" for unit in units for base in measure_headers.values()]
    found = {m.field for m in measures}
    for field in required:
        if field not in found:
            raise LoadError(f"the header row has no column for {field}", file=sheet.file,
                            sheet=sheet.name, row=HEADER_ROW, column=field)
    return measures


def _reason_field(key: str) -> str | None:
    """"dii) awaiting nursing home placement or availability" -> "reason_DII"."""
    if key == "total":
        return "reason_total"
    code, bracket, _ = key.partition(")")
    code = code.upper()
    return f"reason_{code}" if bracket and code in _REASONS else None


# --- checks across sheets ----------------------------------------------------------------------

def _check_same_areas(first: _LaSheet, other: _LaSheet) -> None:
    """Every sheet must list the same LA codes; the three are joined on them."""
    for code, area in first.areas.items():
        if code not in other.areas:
            raise LoadError(f'LA code "{code}" ({area.name}, row {area.row} of sheet "{first.sheet.name}") '
                            "has no row on this sheet", file=other.sheet.file, sheet=other.sheet.name)
    for code, area in other.areas.items():
        if code not in first.areas:
            raise LoadError(f'LA code "{code}" has no row on sheet "{first.sheet.name}"',
                            file=other.sheet.file, sheet=other.sheet.name, row=area.row,
                            column=other.code_header)


def _check_org_totals(by_type: _LaSheet, by_org: _LaSheet) -> None:
    """The responsible-org Total is not kept, so it must agree with the type-of-care Total."""
    totals = [m for m in by_org.measures if m.field.startswith("org_total_")]
    for code, area in by_org.areas.items():
        for m in totals:
            mine = area.values[m.field]
            theirs = by_type.areas[code].values[m.field.removeprefix("org_")]
            if mine is None or theirs is None or m.block == _DAYS_BLOCK:
                same = mine == theirs
            else:
                same = math.isclose(mine, theirs, rel_tol=_BEDS_REL_TOL)
            if not same:
                raise LoadError(f'Total {_show(mine)} ("{m.block}") differs from the Total {_show(theirs)} '
                                f'for the same area on sheet "{by_type.sheet.name}"', file=by_org.sheet.file,
                                sheet=by_org.sheet.name, row=area.row, column=m.header)


def _ons_code_filled(code: str, area: _Area, sheet: _Sheet) -> str | None:
    """The printed ONS code, else the one `la_codes.csv` holds for this LA code."""
    if area.ons_code:
        return area.ons_code
    known = _la_codes()
    if code not in known:
        raise LoadError(f'LA code "{code}" ({area.name}) has no ONS code in the file and is not in '
                        f"{_LA_CODES_CSV.name}", file=sheet.file, sheet=sheet.name, row=area.row,
                        column="Code")
    return known[code]


@cache
def _la_codes() -> dict[str, str | None]:
    with _LA_CODES_CSV.open(newline="", encoding="utf-8") as f:
        lines = (line for line in f if not line.startswith("#"))
        return {r["la_code"]: r["ons_code"] or None for r in csv.DictReader(lines)}


# --- cells -------------------------------------------------------------------------------------

def _count(sheet: _Sheet, r: int, m: _Measure) -> int | None:
    """A count of delayed days: a whole number >= 0, or "-" for none."""
    value = sheet.cell(r, m.col)
    if value == NONE_MARK:
        return None
    where = {"file": sheet.file, "sheet": sheet.name, "row": r, "column": m.header}
    if value is None:
        raise LoadError(f'the cell is empty; expected a whole number or "{NONE_MARK}"', **where)
    if not isinstance(value, float) or not value.is_integer():
        raise LoadError(f"{_show(value)} is not a whole number of delayed days", **where)
    if value < 0:
        raise LoadError(f"{_show(value)} is negative; a count of delayed days cannot be", **where)
    return int(value)


def _beds(sheet: _Sheet, r: int, m: _Measure) -> float | None:
    """Delayed days per day of the month ("DTOC beds"): a number >= 0, or "-" for none."""
    value = sheet.cell(r, m.col)
    if value == NONE_MARK:
        return None
    where = {"file": sheet.file, "sheet": sheet.name, "row": r, "column": m.header}
    if value is None:
        raise LoadError(f'the "{m.block}" cell is empty; expected a number or "{NONE_MARK}"', **where)
    if not isinstance(value, float) or not math.isfinite(value):
        raise LoadError(f'{_show(value)} is not a number ("{m.block}")', **where)
    if value < 0:
        raise LoadError(f'{_show(value)} is negative; "{m.block}" cannot be', **where)
    return value


def _text(sheet: _Sheet, r: int, col: int) -> str:
    value = sheet.cell(r, col)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code typed as a number, e.g. 219
    if not isinstance(value, str):
        found = "an empty cell" if value is None else _show(value)
        raise LoadError(f"expected text, found {found}", file=sheet.file, sheet=sheet.name, row=r,
                        column=sheet.header(col))
    return value


def _ons_code(sheet: _Sheet, r: int, col: int) -> str | None:
    code = _text(sheet, r, col)
    if code == NONE_MARK:
        return None
    if not _ONS_CODE.match(code):
        raise LoadError(f'"{code}" is not an ONS area code', file=sheet.file, sheet=sheet.name, row=r,
                        column=sheet.header(col))
    return code
