"""NHS England Monthly Activity Return (MAR): the commissioner-based monthly web file.

`MAR_Comm-Web-file-<Month>-<yy>.xls` holds one month of hospital activity (elective
and non-elective G&A admissions, FFCEs; GP and other referrals; first outpatient
attendances) for England and for every commissioner (CCGs, and earlier PCTs). The
sheet "Commissioner" has the NHS England statistical template: metadata in B2:C11
(Period, Published, Revised, Status ...), headers in sheet row 14, England first.
The parent organisation column is headed by the tier of its year ("SHA Code",
"Area Team Code" or "Region Code"), which becomes `parent_level`.

`read_mar_commissioner` gives the columns of
`data/public/nhse_mar_commissioner_monthly_vale_of_york_england_2012-04_2019-12.csv`
for every commissioner row, not only Vale of York and England.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders.errors import LoadError

# Same NHS England statistical template (metadata B2:C11, headers in row 14) and same
# .xls/.xlsx cell reading as the DToC file, so the helpers are shared rather than copied.
from loaders.xls import Sheet as _Sheet
from loaders.xls import Workbook as _Workbook
from loaders.xls import as_text as _as_text
from loaders.xls import metadata as _metadata
from loaders.xls import norm as _norm
from loaders.xls import opened
from loaders.xls import period_of as _period
from loaders.xls import show as _show

SHEET = "Commissioner"
HEADER_ROW = 14  # sheet row of the column headers
ENGLAND_CODE = "ENGLAND"  # the England row has no Org Code in the sheet; the tidy CSV calls it this

# As published (header text with its stray trailing spaces removed), in sheet order.
ACTIVITY_COLUMNS = (
    "Elective G&A Ordinary Admissions (FFCEs)",
    "Elective G&A Daycase Admissions (FFCEs)",
    "Elective G&A Total Admissions (FFCEs)",
    "Elective G&A Planned Ordinary Admissions (FFCEs)",
    "Elective G&A Planned Daycase Admissions (FFCEs)",
    "Elective G&A Planned Total Admissions (FFCEs)",
    "Elective G&A Admissions (FFCEs) -NHS Treatment Centres (TCs)",
    "Total Non-elective G&A Admissions (FFCEs)",
    "GP Referrals Made (All specialties)",
    "GP Referrals Seen (All specialties)",
    "GP Referrals Made (G&A)",
    "GP Referrals Seen (G&A)",
    "Other Referrals Made (G&A)",
    "All 1st Outpatient Attendances (G&A)",
)
_TEXT = ("period", "period_label", "Year", "Period", "parent_level", "Parent Code", "Parent Name",
         "Org Code", "Org Name")
COLUMNS = (*_TEXT, *ACTIVITY_COLUMNS, "source_file", "published", "revised", "status")
# Activity is float, not integer: England, November 2012 was published as 462003.1 non-elective.
DTYPES = {c: "float64" if c in ACTIVITY_COLUMNS else "str" for c in COLUMNS}


def read_mar_commissioner(path: str | Path) -> pd.DataFrame:
    """Read one month's MAR commissioner web file.

    Returns one row per commissioner as printed (England first, then every CCG or
    PCT, and NHS England's own commissioning) with `COLUMNS`, typed as `DTYPES`:
    the activity counts as published, the parent organisation and its tier, and
    the file's own Published, Revised and Status cells. Raises LoadError naming the
    file, sheet, row and column of anything malformed.
    """
    file = Path(path).name
    with _Workbook(path, file) as book:
        sheet = book.sheet(SHEET)
    meta = _metadata(sheet)
    period = _period(meta["Period"], sheet)
    columns, parent_level = _columns(sheet)
    month = meta["Period"].split()[0].upper()

    rows = []
    first_row_of: dict[str, int] = {}  # Org Code -> sheet row, to refuse duplicates
    for r in range(HEADER_ROW + 1, sheet.nrows + 1):
        cells = sheet.row(r)
        if all(c is None for c in cells):
            continue
        if sheet.cell(r, columns["Org Name"]) is None:
            first = next(c for c in cells if c is not None)
            if isinstance(first, str) and first.lower().startswith("note"):
                break  # "Note: excludes non-English commissioned activity."
            raise LoadError("the row has values but no Org Name", file=file, sheet=sheet.name, row=r,
                            column=sheet.header(columns["Org Name"]))
        row = {"period": period, "period_label": meta["Period"], "parent_level": parent_level,
               "source_file": file, "published": meta.get("Published"), "revised": meta.get("Revised"),
               "status": meta.get("Status")}
        for field in ("Year", "Period", "Parent Code", "Parent Name", "Org Code", "Org Name"):
            row[field] = _text(sheet, r, columns[field], required=field in ("Year", "Period", "Org Name"))
        if row["Period"].upper() != month:
            raise LoadError(f'"{row["Period"]}" is not the month of the file\'s period "{meta["Period"]}"',
                            file=file, sheet=sheet.name, row=r, column=sheet.header(columns["Period"]))
        if row["Org Code"] is None:
            if row["Org Name"] != "England" or rows:
                raise LoadError("the Org Code is empty (only the England row, first, has none)", file=file,
                                sheet=sheet.name, row=r, column=sheet.header(columns["Org Code"]))
            row["Org Code"] = ENGLAND_CODE
        if row["Org Code"] in first_row_of:
            raise LoadError(f'Org Code "{row["Org Code"]}" appears twice (first in row '
                            f'{first_row_of[row["Org Code"]]})', file=file, sheet=sheet.name, row=r,
                            column=sheet.header(columns["Org Code"]))
        first_row_of[row["Org Code"]] = r
        for field in ACTIVITY_COLUMNS:
            row[field] = _activity(sheet, r, columns[field])
        rows.append(row)

    if not rows:
        raise LoadError("no commissioner rows below the header row", file=file, sheet=sheet.name,
                        row=HEADER_ROW + 1)
    return pd.DataFrame(rows).reindex(columns=list(COLUMNS)).astype(DTYPES)


def looks_like_mar_commissioner(path: str | Path | _Workbook) -> bool:
    """True if the file looks like a MAR commissioner web file (sheet "Commissioner", row-14 headers).

    Never raises: anything unreadable is simply not one of these files.
    """
    try:
        with opened(path) as book:
            if not book.has_sheet(SHEET):
                return False
            headers = {_norm(h) for h in book.sheet(SHEET, max_rows=HEADER_ROW).row(HEADER_ROW) if isinstance(h, str)}
        return {"org code", "org name", _norm("Total Non-elective G&A Admissions (FFCEs)")} <= headers
    except Exception:  # a sniff must answer, whatever the bytes are
        return False


def _columns(sheet: _Sheet) -> tuple[dict[str, int], str]:
    """Where each output field is in row 14, and the parent tier ("SHA", "Area Team", "Region")."""
    known = {_norm(c): c for c in ("Year", "Period", "Org Code", "Org Name", *ACTIVITY_COLUMNS)}
    columns: dict[str, int] = {}
    unknown: list[str] = []
    parent_level = None
    for col, header in enumerate(sheet.row(HEADER_ROW)):
        if header is None:
            continue
        key = _norm(_as_text(header))
        if key in known and known[key] not in columns:
            columns[known[key]] = col
        elif key.endswith(" code") and "Parent Code" not in columns:
            parent_level = _as_text(header)[: -len(" code")].strip()
            columns["Parent Code"] = col
        elif parent_level and key == _norm(f"{parent_level} Name"):
            columns["Parent Name"] = col
        else:
            unknown.append(_as_text(header))
    # Missing columns first: they also say when row 14 is not the header row at all.
    for field in ("Year", "Period", "Parent Code", "Parent Name", "Org Code", "Org Name", *ACTIVITY_COLUMNS):
        if field not in columns:
            found = ", ".join(f'"{h}"' for h in sheet.row(HEADER_ROW) if h is not None) or "nothing"
            raise LoadError(f'the header row should have a "{field}" column; found {found}',
                            file=sheet.file, sheet=sheet.name, row=HEADER_ROW, column=field)
    if unknown:
        raise LoadError(f'unknown column "{unknown[0]}" in the header row', file=sheet.file,
                        sheet=sheet.name, row=HEADER_ROW, column=unknown[0])
    return columns, parent_level


def _text(sheet: _Sheet, r: int, col: int, *, required: bool) -> str | None:
    value = sheet.cell(r, col)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code typed as a number
    if isinstance(value, str) or (value is None and not required):
        return value
    found = "an empty cell" if value is None else _show(value)
    raise LoadError(f"expected text, found {found}", file=sheet.file, sheet=sheet.name, row=r,
                    column=sheet.header(col))


def _activity(sheet: _Sheet, r: int, col: int) -> float:
    """An activity count as published: a number >= 0 (not always whole, see DTYPES)."""
    value = sheet.cell(r, col)
    where = {"file": sheet.file, "sheet": sheet.name, "row": r, "column": sheet.header(col)}
    if value is None:
        raise LoadError("the cell is empty; expected a number of admissions, referrals or attendances",
                        **where)
    if not isinstance(value, float):
        raise LoadError(f"{_show(value)} is not a number", **where)
    if value < 0:
        raise LoadError(f"{_show(value)} is negative; an activity count cannot be", **where)
    return value
