"""Every file layout the loaders know, recognised by content (never by file name)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from loaders import ae, dtoc, falls, fingertips, groups, mar, readmissions, targets, tidy, trust_daily, trust_monthly
from loaders.csvread import decode, header_cells, missing_columns
from loaders.errors import LoadError
from loaders.extract import Extract, StoreContext


@dataclass(frozen=True)
class Layout:
    name: str
    description: str
    recognise: Callable[[Path, list[list[str]]], bool]
    read: Callable[[Path, str, StoreContext], Extract]
    # The columns a CSV layout is recognised by: a header with most of them names the missing ones.
    signature: tuple[str, ...] = ()


def _csv(test: Callable[[list[str]], bool]) -> Callable[[Path, list[list[str]]], bool]:
    """A CSV layout is recognised by a header among the file's first lines."""
    return lambda path, lines: any(test(cells) for cells in lines)


def _read_la_type_b(path: Path, file: str, context: StoreContext) -> Extract:
    from loaders.dtoc_xls import read_la_type_b
    return dtoc.dtoc_extract(read_la_type_b(path), file, layout="nhse_dtoc_la_type_b_xls")


def _read_mar_xls(path: Path, file: str, context: StoreContext) -> Extract:
    from loaders.mar_xls import read_mar_commissioner
    return mar.mar_extract(read_mar_commissioner(path), file, layout="nhse_mar_commissioner_xls")


@lru_cache(maxsize=8)
def _spreadsheet_layout(path: Path, size: int, modified: int) -> str | None:
    """Which NHS England spreadsheet a file is, from one opening of its header rows (size and time
    stamp key the cache, so a changed file is looked at again)."""
    from loaders.dtoc_xls import looks_like_la_type_b
    from loaders.mar_xls import looks_like_mar_commissioner
    from loaders.xls import Workbook as _Workbook

    try:
        with _Workbook(path, path.name) as book:
            if looks_like_la_type_b(book):
                return "la_type_b"
            if looks_like_mar_commissioner(book):
                return "mar"
    except Exception:  # a sniff must answer, whatever the bytes are
        return None
    return None


def _spreadsheet(path: Path) -> str | None:
    status = Path(path).stat()
    return _spreadsheet_layout(Path(path), status.st_size, status.st_mtime_ns)


def _is_la_type_b(path: Path, lines: list[list[str]]) -> bool:
    return not lines and _spreadsheet(path) == "la_type_b"  # text files are never spreadsheets


def _is_mar_xls(path: Path, lines: list[list[str]]) -> bool:
    return not lines and _spreadsheet(path) == "mar"


def _is_population(path: Path, lines: list[list[str]]) -> bool:
    from loaders.population import looks_like_ons_population
    return bool(lines) and looks_like_ons_population(path)


def _read_population(path: Path, file: str, context: StoreContext) -> Extract:
    from loaders.population import read_population
    frame = read_population(path)
    areas = frame.drop_duplicates("area_code", keep="last")[["area_code", "area_name", "area_type"]]
    return Extract(layout="ons_population_csv", populations=frame, areas=areas.assign(region=None))


LAYOUTS: list[Layout] = [
    # Before the tidy template, which is recognised by indicator_id and area_code alone.
    Layout(targets.LAYOUT, targets.DESCRIPTION, _csv(targets.looks_like_targets_csv), targets.read_targets_csv,
           tuple(targets.COLUMNS)),
    Layout("tidy_template_csv", "Dashboard tidy template CSV", _csv(tidy.looks_like_tidy_csv),
           tidy.read_tidy_csv, ("indicator_id", "area_code", "period_start", "period_end")),
    Layout("nhse_dtoc_tidy_csv", "NHS England delayed transfers of care, tidy monthly CSV",
           _csv(dtoc.looks_like_dtoc_csv), lambda p, f, c: dtoc.read_dtoc_csv(p, f),
           ("period", "ons_code_filled", "name", "total_days", "reason_total")),
    Layout("nhse_dtoc_la_type_b_xls", "NHS England delayed transfers of care, LA-Type-B spreadsheet",
           _is_la_type_b, _read_la_type_b),
    Layout("nhse_mar_tidy_csv", "NHS England Monthly Activity Return, commissioner CSV",
           _csv(mar.looks_like_mar_csv), lambda p, f, c: mar.read_mar_csv(p, f), tuple(mar.COLUMNS)),
    Layout("nhse_mar_commissioner_xls", "NHS England Monthly Activity Return, commissioner spreadsheet",
           _is_mar_xls, _read_mar_xls),
    Layout("nhse_ae_provider_csv", "NHS England A&E attendances by provider, monthly CSV",
           _csv(ae.looks_like_ae_csv), lambda p, f, c: ae.read_ae_csv(p, f), (*ae.COLUMNS, "breaches")),
    Layout("ons_population_csv", "ONS mid-year population estimates by single year of age",
           _is_population, _read_population),
    Layout("fingertips_falls_csv", "OHID Fingertips PHOF 22401 falls admissions 65+, tidy extract CSV "
           "(area_code, period, value ...)",
           _csv(falls.looks_like_falls_csv), lambda p, f, c: falls.read_falls_csv(p, f), tuple(falls.COLUMNS)),
    Layout(fingertips.LAYOUT, "OHID Fingertips data download CSV (Export table, or the API's all-data CSV): "
           "the indicators the dashboard tracks, such as PHOF 22401 falls 65+",
           _csv(fingertips.looks_like_fingertips_csv), lambda p, f, c: fingertips.read_fingertips_csv(p, f),
           tuple(fingertips.REQUIRED)),
    Layout(readmissions.LAYOUT, "NHS Digital Compendium CSV, emergency readmissions within 30 days (I02040): "
           "all ages and 75+, as proxies (it has no 65+ band)",
           _csv(readmissions.looks_like_readmissions_csv),
           lambda p, f, c: readmissions.read_readmissions_csv(p, f), tuple(readmissions.REQUIRED)),
    Layout(trust_daily.CRITERIA_LAYOUT, "NHS England discharge sitrep by acute trust, daily: patients not meeting "
           "the criteria to reside (healthyr CSV)", _csv(trust_daily.looks_like_criteria_csv),
           lambda p, f, c: trust_daily.read_criteria_csv(p, f), tuple(trust_daily.CRITERIA_COLUMNS)),
    Layout(trust_daily.DISCHARGE_LAYOUT, "NHS England discharge sitrep by acute trust, daily: patients discharged "
           "by 17:00 and after (healthyr CSV)", _csv(trust_daily.looks_like_discharges_csv),
           lambda p, f, c: trust_daily.read_discharges_csv(p, f), tuple(trust_daily.DISCHARGE_COLUMNS)),
    Layout(trust_monthly.BEDS_LAYOUT, "NHS England general and acute beds by trust, monthly (healthyr CSV)",
           _csv(trust_monthly.looks_like_beds_csv), lambda p, f, c: trust_monthly.read_beds_csv(p, f),
           tuple(trust_monthly.BED_COLUMNS)),
    Layout(trust_monthly.AE_LAYOUT, "NHS England A&E attendances and emergency admissions by trust, monthly "
           "(healthyr CSV)", _csv(trust_monthly.looks_like_ae_csv), lambda p, f, c: trust_monthly.read_ae_csv(p, f),
           tuple(trust_monthly.AE_COLUMNS)),
    Layout(groups.LAYOUT, "Comparator groups CSV (group_code, group_name, area_code, source): a region, similar "
           "councils or an analyst's own list", _csv(groups.looks_like_groups_csv), groups.read_groups_file,
           tuple(groups.REQUIRED)),
]
BY_NAME = {layout.name: layout for layout in LAYOUTS}


def _name_missing_columns(lines: list[list[str]], file: str) -> None:
    """A header with most of one layout's columns is that layout with columns missing or renamed: name them."""
    best: tuple[float, Layout, int] | None = None
    for layout in LAYOUTS:
        for index, cells in enumerate(lines):
            if not layout.signature:
                continue
            share = len(set(layout.signature) & set(cells)) / len(layout.signature)
            if share >= 0.5 and (best is None or share > best[0]):
                best = (share, layout, index)
    if best is not None:
        _, layout, index = best
        raise missing_columns(list(layout.signature), lines[index], file, row=index + 1)


def detect_layout(path: Path, file: str | None = None) -> Layout:
    """The layout of a file, from its content; LoadError when no known layout matches."""
    file = file or Path(path).name
    with open(path, "rb") as handle:
        if handle.read(4) == b"PK\x03\x04":
            from loaders.xls import check_zip
            check_zip(path, file)  # a zip bomb is named as one, not sniffed at
    lines = header_cells(path)
    for layout in LAYOUTS:
        if layout.recognise(Path(path), lines):
            return layout
    _name_missing_columns(lines, file)
    if not lines:
        with open(path, "rb") as handle:
            head = handle.read(65536)
        if not head.startswith((b"\xd0\xcf\x11\xe0", b"PK\x03\x04")):
            decode(head, file)  # raises the reason a text file could not be read, if there is one
    raise LoadError("is not a layout the dashboard knows (expected one of: "
                    + "; ".join(layout.description for layout in LAYOUTS) + ")", file=file)
