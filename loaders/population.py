"""ONS mid-year population estimates by single year of age, as denominators by area, year and age band.

Reads the Nomis "Population estimates - local authority based by single year of age" layout
(columns `name, code, year, Age 0 … Age 89, Aged 90+`; one row per district or unitary authority
per mid-year, on 2021 boundaries; "-" where ONS published no figure, e.g. ages 85+ in 1997–2000).
England and the upper-tier counties are not in that file: they are summed here from the
districts, using the ONS district → upper-tier lookups, so that the codes the DToC returns use
(PROVENANCE sections 1, 6 and 8) all get a denominator.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from loaders import cells
from loaders.csvread import read_table
from loaders.errors import LoadError, Problems
from loaders.geography import area_types_for

AGE_COLUMNS = tuple(f"Age {age}" for age in range(90)) + ("Aged 90+",)
REQUIRED_COLUMNS = ("name", "code", "year", *AGE_COLUMNS)
OUTPUT_COLUMNS = ("area_code", "area_name", "area_type", "year", "age_band", "population", "approximation")

# Each band runs from this single year of age to 90+ (the column index equals the age).
AGE_BAND_FIRST_AGE = {"all": 0, "18+": 18, "65+": 65}

MISSING_MARK = "-"  # how Nomis prints an estimate ONS did not publish

ENGLAND_CODE = "E92000001"
ENGLAND_NAME = "England"
ENGLISH_DISTRICT_PREFIXES = ("E06", "E07", "E08", "E09")


# A code the file may hold: an English district/unitary, or any Welsh, Scottish or NI area.
_DISTRICT_CODE_PATTERN = r"E0[6-9]\d{6}|[WSN]\d{8}"

_PUBLIC_DATA = Path(__file__).resolve().parents[1] / "data" / "public"
# Newest first: a county takes its districts from the first lookup that names it.
DEFAULT_LOOKUPS = (
    _PUBLIC_DATA / "LTLA19_UTLA19_Apr2019_EW.csv",
    _PUBLIC_DATA / "LTLA18_UTLA18_Dec2018_v2_EW.csv",
)

# The 2021 area that now holds each district or unitary the lookups name but the population file,
# being on 2021 boundaries, does not (ONS code history: the 2019 Dorset, Suffolk and Somerset
# reorganisations, Buckinghamshire 2020, Northamptonshire 2021).
SUCCESSOR_2021 = {
    "E07000004": "E06000060",  # Aylesbury Vale -> Buckinghamshire
    "E07000005": "E06000060",  # Chiltern
    "E07000006": "E06000060",  # South Bucks
    "E07000007": "E06000060",  # Wycombe
    "E07000150": "E06000061",  # Corby -> North Northamptonshire
    "E07000152": "E06000061",  # East Northamptonshire
    "E07000153": "E06000061",  # Kettering
    "E07000156": "E06000061",  # Wellingborough
    "E07000151": "E06000062",  # Daventry -> West Northamptonshire
    "E07000154": "E06000062",  # Northampton
    "E07000155": "E06000062",  # South Northamptonshire
    "E07000049": "E06000059",  # East Dorset -> Dorset (unitary)
    "E07000050": "E06000059",  # North Dorset
    "E07000051": "E06000059",  # Purbeck
    "E07000052": "E06000059",  # West Dorset
    "E07000053": "E06000059",  # Weymouth and Portland
    "E07000048": "E06000058",  # Christchurch -> Bournemouth, Christchurch and Poole
    "E06000028": "E06000058",  # Bournemouth
    "E06000029": "E06000058",  # Poole
    "E07000205": "E07000244",  # Suffolk Coastal -> East Suffolk
    "E07000206": "E07000244",  # Waveney
    "E07000201": "E07000245",  # Forest Heath -> West Suffolk
    "E07000204": "E07000245",  # St Edmundsbury
    "E07000190": "E07000246",  # Taunton Deane -> Somerset West and Taunton
    "E07000191": "E07000246",  # West Somerset
}

# Last mid-year a county code was in use: abolished on 1 April of that year, so the year's first
# months still report under it (the DToC file uses E10000009 Dorset up to April 2019).
COUNTY_LAST_YEAR = {
    "E10000009": 2019,  # Dorset County Council
    "E10000002": 2020,  # Buckinghamshire County Council
    "E10000021": 2021,  # Northamptonshire County Council
}


def looks_like_ons_population(path: str | Path) -> bool:
    """True when the file's header row is the Nomis single-year-of-age layout; never raises."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
        text = head.decode("utf-8-sig")
        header = next(csv.reader(io.StringIO(text.splitlines()[0])))
    except (OSError, UnicodeDecodeError, IndexError, StopIteration, csv.Error, TypeError, ValueError):
        return False
    header = [cell.strip() for cell in header]
    return header[:3] == ["name", "code", "year"] and "Age 0" in header


def read_population(path: str | Path, *, lookups: tuple[str | Path, ...] = DEFAULT_LOOKUPS) -> pd.DataFrame:
    """Population by area, mid-year and age band (`all`, `18+`, `65+`), validated.

    Returns one row per area, year and band with columns `area_code, area_name, area_type, year,
    age_band, population, approximation`: every district in the file, England (E92000001, the sum
    of the English districts) and every upper-tier county (E10…, the sum of its districts).
    `population` is a nullable integer, NA when any single year of age in the band was "-".
    `approximation` is NA, or a sentence saying why the figure is not the exact area (Dorset
    county before its 2019 abolition). Raises LoadError naming the file, row and column of the
    first problem.
    """
    file = Path(path).name
    try:
        raw = read_table(Path(path).read_bytes(), file, required=REQUIRED_COLUMNS, header_search_lines=1)
    except FileNotFoundError as error:
        raise LoadError("file not found", file=file) from error
    if raw.empty:
        raise LoadError("has a header but no data rows", file=file)
    raw["code"] = cells.normalise_codes(raw["code"])
    problems = Problems(file)
    cells.check_text(raw["name"], "name", problems)
    problems.raise_if_any()
    raw = raw.reset_index(drop=True)
    years = _parse_years(raw, file)
    codes = _check_codes(raw, file)
    _check_no_duplicates(codes, years, file)
    counts, missing = _parse_counts(raw, file)

    districts = _band_totals(codes, raw["name"].to_numpy(dtype=object), years, counts, missing)
    counties = _counties(districts, _county_components(lookups, districts))
    result = pd.concat([districts, _england(districts), counties], ignore_index=True)
    return _tidy(result)


def _read_raw_csv(path: str | Path, file: str) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError as error:
        raise LoadError("file not found", file=file) from error
    except pd.errors.EmptyDataError as error:
        raise LoadError("is empty", file=file) from error
    except (UnicodeDecodeError, pd.errors.ParserError) as error:
        raise LoadError(f"is not a readable CSV file ({error})", file=file) from error


def _check_columns(frame: pd.DataFrame, file: str, required: tuple[str, ...]) -> None:
    for column in required:
        if column not in frame.columns:
            raise LoadError(f'the header has no column "{column}"', file=file, row=1, column=column)


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _spreadsheet_row(index: int) -> int:
    return index + 2  # the header is row 1


def _parse_years(raw: pd.DataFrame, file: str) -> np.ndarray:
    text = raw["year"].str.strip()
    ok = text.str.fullmatch(r"\d{4}").to_numpy(dtype=bool)
    if not ok.all():
        bad = _first_bad(~ok)
        raise LoadError(f'"{raw["year"].iloc[bad]}" is not a whole-number year',
                        file=file, row=_spreadsheet_row(bad), column="year")
    return text.astype("int64").to_numpy()


def _check_codes(raw: pd.DataFrame, file: str) -> np.ndarray:
    text = raw["code"].str.strip()
    ok = text.str.fullmatch(_DISTRICT_CODE_PATTERN).to_numpy(dtype=bool)
    if not ok.all():
        bad = _first_bad(~ok)
        raise LoadError(
            f'"{raw["code"].iloc[bad]}" is not a district or unitary authority code (E06–E09, W, S or N); '
            "England and the counties are summed from the districts, not read",
            file=file, row=_spreadsheet_row(bad), column="code")
    return text.to_numpy(dtype=object)


def _check_no_duplicates(codes: np.ndarray, years: np.ndarray, file: str) -> None:
    keys = pd.DataFrame({"code": codes, "year": years})
    repeated = keys.duplicated().to_numpy()
    if repeated.any():
        bad = _first_bad(repeated)
        code, year = codes[bad], years[bad]
        first = _first_bad((codes == code) & (years == year))
        raise LoadError(f"{code} has a second row for {year} (the first is row {_spreadsheet_row(first)})",
                        file=file, row=_spreadsheet_row(bad), column="code")


def _parse_counts(raw: pd.DataFrame, file: str) -> tuple[np.ndarray, np.ndarray]:
    """Single-year counts as int64 (0 where missing) and a mask of the "-" cells."""
    block = raw.loc[:, list(AGE_COLUMNS)]
    missing = (block == MISSING_MARK).to_numpy(dtype=bool)
    whole = block.apply(lambda column: column.str.fullmatch(r"\d+")).to_numpy(dtype=bool)
    bad = ~(missing | whole)
    if bad.any():
        row, col = divmod(_first_bad(bad.ravel()), len(AGE_COLUMNS))
        raise LoadError(f'"{block.iat[row, col]}" is not a whole non-negative number '
                        '(or "-" for not published)',
                        file=file, row=_spreadsheet_row(row), column=AGE_COLUMNS[col])
    counts = block.where(whole, "0").astype("int64").to_numpy()
    return counts, missing


def _band_totals(codes: np.ndarray, names: np.ndarray, years: np.ndarray,
                 counts: np.ndarray, missing: np.ndarray) -> pd.DataFrame:
    # Sum from the band's first age to 90+ by reversed cumulative sums: one pass for all bands.
    totals = np.cumsum(counts[:, ::-1], axis=1)[:, ::-1]
    any_missing = np.cumsum(missing[:, ::-1], axis=1)[:, ::-1] > 0
    frames = []
    for band, first_age in AGE_BAND_FIRST_AGE.items():
        population = pd.array(totals[:, first_age], dtype="Int64")
        population[any_missing[:, first_age]] = pd.NA
        frames.append(pd.DataFrame({
            "area_code": codes, "area_name": names, "year": years, "age_band": band,
            "population": population,
        }))
    return pd.concat(frames, ignore_index=True)


def _sum_keeping_missing(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sum `population` within groups; a group with any missing part is missing, not smaller."""
    grouped = frame.assign(
        _value=frame["population"].fillna(0), _missing=frame["population"].isna(),
    ).groupby(keys, sort=False).agg(
        population=("_value", "sum"), _any_missing=("_missing", "any"), parts=("_value", "size"),
    ).reset_index()
    grouped["population"] = grouped["population"].astype("Int64").mask(grouped["_any_missing"])
    return grouped.drop(columns="_any_missing")


def _england(districts: pd.DataFrame) -> pd.DataFrame:
    english = districts[districts["area_code"].str.startswith(ENGLISH_DISTRICT_PREFIXES)]
    if english.empty:
        return districts.iloc[0:0]
    total = _sum_keeping_missing(english, ["year", "age_band"]).drop(columns="parts")
    return total.assign(area_code=ENGLAND_CODE, area_name=ENGLAND_NAME)


def _read_lookup(path: str | Path) -> pd.DataFrame:
    """District → upper-tier pairs from one ONS LTLA-to-UTLA lookup file."""
    file = Path(path).name
    lookup = _read_raw_csv(path, file)
    found = {}
    for part in ("LTLA", "UTLA"):
        for suffix in ("CD", "NM"):
            matches = [c for c in lookup.columns if c.startswith(part) and c.endswith(suffix) and len(c) == 8]
            if not matches:
                raise LoadError(f'the header has no column "{part}yy{suffix}" (e.g. {part}19{suffix})',
                                file=file, row=1)
            found[f"{part}{suffix}"] = matches[0]
    return pd.DataFrame({
        "district_code": lookup[found["LTLACD"]].str.strip(),
        "district_name": lookup[found["LTLANM"]].str.strip(),
        "county_code": lookup[found["UTLACD"]].str.strip(),
        "county_name": lookup[found["UTLANM"]].str.strip(),
    })


def _county_components(lookups: tuple[str | Path, ...], districts: pd.DataFrame) -> pd.DataFrame:
    """For each county: the 2021 areas whose sum is its population, and any approximation.

    A county's old districts are mapped to their 2021 areas. A 2021 area that also took in places
    outside the county (Christchurch went into Bournemouth, Christchurch and Poole) cannot be used,
    so it is left out and the county is marked approximate, naming what is missing.
    """
    tables = []
    taken: set[str] = set()
    for path in lookups:
        table = _read_lookup(path)
        table = table[table["county_code"].str.startswith("E10") & ~table["county_code"].isin(taken)]
        taken.update(table["county_code"])
        tables.append(table)
    parts = pd.concat(tables, ignore_index=True)
    parts["area_code"] = parts["district_code"].map(SUCCESSOR_2021).fillna(parts["district_code"])

    predecessors: dict[str, set[str]] = {}
    for old, new in SUCCESSOR_2021.items():
        predecessors.setdefault(new, set()).add(old)
    area_names = districts.drop_duplicates("area_code").set_index("area_code")["area_name"]

    rows = []
    for (county_code, county_name), county in parts.groupby(["county_code", "county_name"], sort=True):
        inside = set(county["district_code"])
        kept, left_out = [], []
        for area in county["area_code"].unique():
            # Listed under the county itself, or made only of districts that were.
            wholly_inside = area in inside or predecessors.get(area, {area}) <= inside
            (kept if wholly_inside else left_out).append(area)
        approximation = pd.NA
        if left_out:
            lost = county[county["area_code"].isin(left_out)]
            places = " and ".join(
                f"{row.district_name} (now in {area_names.get(row.area_code, row.area_code)})"
                for row in lost.itertuples())
            approximation = (f"Approximate: {places} cannot be separated in the 2021-boundary "
                             f"estimates, so this {county_name} total leaves it out.")
        rows.extend({"county_code": county_code, "county_name": county_name, "area_code": area,
                     "approximation": approximation} for area in kept)
    return pd.DataFrame(rows, columns=["county_code", "county_name", "area_code", "approximation"])


def _counties(districts: pd.DataFrame, components: pd.DataFrame) -> pd.DataFrame:
    """County totals, only for years in which every one of the county's areas has a row."""
    joined = districts.merge(components[["county_code", "area_code"]], on="area_code", how="inner")
    if joined.empty:
        return districts.iloc[0:0]
    expected = components.groupby("county_code").size().rename("expected")
    totals = _sum_keeping_missing(joined, ["county_code", "year", "age_band"])
    totals = totals.join(expected, on="county_code")
    last_year = totals["county_code"].map(COUNTY_LAST_YEAR).fillna(np.inf)
    totals = totals[(totals["parts"] == totals["expected"]) & (totals["year"] <= last_year)]
    about = components.drop_duplicates("county_code").set_index("county_code")
    about = about[["county_name", "approximation"]]
    totals = totals.join(about, on="county_code")
    return totals.rename(columns={"county_code": "area_code", "county_name": "area_name"}).drop(
        columns=["parts", "expected"])


def _area_types(codes: pd.Series) -> pd.Series:
    return area_types_for(codes)


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    if "approximation" not in frame:
        frame["approximation"] = pd.NA
    frame["approximation"] = frame["approximation"].astype("string")
    frame["area_type"] = _area_types(frame["area_code"])
    frame["year"] = frame["year"].astype("int64")
    frame["population"] = frame["population"].astype("Int64")
    band_order = frame["age_band"].map({band: i for i, band in enumerate(AGE_BAND_FIRST_AGE)})
    frame = frame.assign(_band_order=band_order).sort_values(["area_code", "year", "_band_order"])
    return frame.loc[:, list(OUTPUT_COLUMNS)].reset_index(drop=True)
