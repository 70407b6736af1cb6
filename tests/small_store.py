"""A small store built from code, for page tests that must not move when the bundled data changes.

`build_small_store(path)` writes a few hand-made files to a temporary folder and loads them with the
project's own loaders, exactly as an analyst's load would (read, validate, one write through the store's
door, archived and journalled), then sets the improvement plan through `store.plan`. Every figure below is
chosen so a test can state what a page must show, worked out by hand:

- Areas: York (E06000014), Stoke-on-Trent (E06000021) and England (E92000001, the sum of the two
  districts) from an ONS population file; York's region from the delayed transfers file; the region
  (E12000003, Yorkshire and The Humber) as an area from the falls file.
- `length_of_stay_65` (a percentage, lower is better), April 2017 to March 2019: York 25.0% for 16
  months then 30.0% for the last 8 (a shift up: "Concern (special cause, high)"); England 20.0%, so
  York's March 2019 value, 300 of 1,000, is significantly worse. A rebase at August 2018 moves York's
  mean in the last months from 26.7% (6,400 of 24,000) to 30.0%.
- `ae_attendances_65` (a rate per 1,000, lower is better): York alternates 1,010 and 990 attendances
  per 40,000 people (25.25 and 24.75, common cause), ending on 1,000 (25.0); England 30.0, so York
  is significantly better.
- `dtoc_18` (average delayed days per day per 100,000 aged 18+): York 18+ population 100,000, Stoke
  200,000, England 300,000; in March 2019 York 18.0, Stoke 12.0, England 9.0.
- `falls_admissions_65` (published annual values, 2010/11 to 2017/18): York's latest, 2,250, is
  published as "Worse" than England's 2,100.
- The plan: two projects, R1 (linked to length of stay) and R2 (linked to delayed transfers), and five
  actions added by an analyst: R1.1 Red, R1.2 Green, R1.3 Blue, R2.1 Amber, R2.2 Grey.
"""

from __future__ import annotations

import csv
import tempfile
from datetime import date, datetime
from pathlib import Path

import pandas as pd

import store
from loaders.build import load_reference
from loaders.pipeline import load_into
from store import loads
from store import plan as plan_store
from store.roles import User
from store.settings import archive_dir_for

YORK, STOKE, ENGLAND, REGION = "E06000014", "E06000021", "E92000001", "E12000003"
REGION_NAME = "Yorkshire and The Humber"
LOADER = "small store (tests/small_store.py)"
ANALYST = User("Ann Analyst", "analyst")

MONTHS = pd.date_range("2017-04-01", "2019-03-01", freq="MS")  # 24 months
REBASE_MONTH = date(2018, 8, 1)  # where York's length of stay shifts up (month 17 of 24)

# York's length of stay: 16 months summing to 4,000 of 16,000 (25.0%), then 8 summing to 2,400 of 8,000 (30.0%).
YORK_LOS_BEFORE = [248, 252, 250, 247, 253, 249, 251, 250, 246, 254, 250, 248, 252, 251, 249, 250]
YORK_LOS_AFTER = [299, 301, 300, 298, 302, 301, 299, 300]
YORK_LOS = YORK_LOS_BEFORE + YORK_LOS_AFTER
LOS_DENOMINATOR = 1000



def _alternating(centre: int, step: int, n: int = 24) -> list[int]:
    """`centre` + `step`, `centre` - `step`, … ending on `centre` itself: common cause, no run, no trend."""
    return [centre + (step if i % 2 == 0 else -step) for i in range(n - 1)] + [centre]


# York's A&E attendances 65+ alternate about 1,000 per 40,000 (25.0 per 1,000) and end on 1,000.
YORK_AE = _alternating(1000, 10)
AE_DENOMINATOR = 40000
# The comparators end on round values: length of stay England 20.0%, Stoke 22.0%, the region 24.0%;
# A&E attendances England 30.0 and Stoke 28.0 per 1,000.
ENGLAND_LOS, STOKE_LOS, REGION_LOS = _alternating(20_000, 150), _alternating(440, 5), _alternating(4_800, 20)
ENGLAND_AE, STOKE_AE = _alternating(300_000, 1_000), _alternating(1_260, 10)

# Average delayed days per day, per month: values per 100,000 = per day ÷ 18+ population × 100,000.
POPULATION_18_PLUS = {YORK: 100_000, STOKE: 200_000}  # England: the sum, 300,000
POPULATION_65_PLUS = {YORK: 40_000, STOKE: 45_000}
DTOC_PER_DAY = {YORK: [20, 21, 19, 22, 20, 19, 21, 20, 22, 19, 20, 21, 19, 20, 22, 21, 20, 19, 21, 20, 19, 20, 21, 18],
                STOKE: [24] * 24, ENGLAND: [27] * 24}

FALLS_YEARS = ["2010/11", "2011/12", "2012/13", "2013/14", "2014/15", "2015/16", "2016/17", "2017/18"]
FALLS = {  # area: (name, values by year, Fingertips' comparison with England of the latest)
    YORK: ("York", [2100, 2150, 2080, 2200, 2120, 2180, 2140, 2250], "Worse"),
    STOKE: ("Stoke-on-Trent", [2000, 2050, 1980, 2020, 2010, 2040, 1990, 2030], "Similar"),
    REGION: (REGION_NAME, [2050, 2060, 2040, 2070, 2050, 2060, 2080, 2070], "Similar"),
    ENGLAND: ("England", [2080, 2090, 2070, 2100, 2080, 2110, 2090, 2100], "Not compared"),
}

ACTIONS = [
    ("R1.1", "Agree a discharge-to-assess pathway for people aged 65+", "Director of Adult Social Care",
     date(2018, 6, 30), "Behind plan.", "Red"),
    ("R1.2", "Daily board rounds on every acute ward", "Chief Operating Officer", date(2030, 3, 31),
     "On track.", "Green"),
    ("R1.3", "Publish the length of stay dashboard", "Head of Performance", date(2018, 9, 30), "Done.", "Blue"),
    ("R2.1", "Weekly delayed transfers huddle with social care", "Head of Commissioning", date(2030, 6, 30),
     "Some risk to the date.", "Amber"),
    ("R2.2", "Review home care capacity", "Director of Adult Social Care", date(2030, 12, 31), None, "Grey"),
]


def build_small_store(path: Path | str) -> Path:
    """Build the small store at `path` (its archive beside it) through the project's loaders; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = store.open_store(path)
    try:
        load_reference(con, user=LOADER)
        with tempfile.TemporaryDirectory(prefix="small_store_") as folder:
            for file in _write_files(Path(folder)):
                load_into(con, file, user=LOADER, archive_dir=archive_dir_for(path))
        _load_plan(con)
        loads.checkpoint(con)
    finally:
        con.close()
    return path


def _write_files(folder: Path) -> list[Path]:
    """The files to load, in order: populations first, so areas take their ONS names."""
    return [_population_csv(folder / "population.csv"), _dtoc_csv(folder / "dtoc.csv"),
            _falls_csv(folder / "falls.csv"), _tidy_csv(folder / "tidy.csv")]


def _write(path: Path, header: list[str], rows: list[list]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _spread(total: int, ages: int) -> list[int]:
    """`total` people over `ages` single years of age, the remainder on the first."""
    each = total // ages
    return [total - each * (ages - 1)] + [each] * (ages - 1)


def _population_csv(path: Path) -> Path:
    """Nomis single-year-of-age layout: 18 ages under 18, 47 from 18 to 64, 26 from 65 to 90+."""
    header = ["name", "code", "year", *[f"Age {age}" for age in range(90)], "Aged 90+"]
    rows = []
    for code, name in ((YORK, "York"), (STOKE, "Stoke-on-Trent")):
        adults, older = POPULATION_18_PLUS[code], POPULATION_65_PLUS[code]
        ages = _spread(20_000, 18) + _spread(adults - older, 47) + _spread(older, 26)
        rows += [[name, code, year, *ages] for year in (2017, 2018, 2019)]
    return _write(path, header, rows)


def _dtoc_csv(path: Path) -> Path:
    """NHS England's monthly delayed transfers CSV, with only the columns the layout requires."""
    names = {ENGLAND: ("England", "-"), YORK: ("York UA", REGION_NAME), STOKE: ("Stoke-On-Trent UA", "West Midlands")}
    rows = []
    for i, month in enumerate(MONTHS):
        days = month.days_in_month
        for code, (name, region) in names.items():
            total = DTOC_PER_DAY[code][i] * days
            rows.append([f"{month:%Y-%m}", code, name, region, total, total])
    return _write(path, ["period", "ons_code_filled", "name", "region", "total_days", "reason_total"], rows)


def _falls_csv(path: Path) -> Path:
    """The Trafford Data Lab extract of Fingertips PHOF 22401, with Fingertips' comparison with England."""
    rows = []
    for code, (name, values, latest_call) in FALLS.items():
        for i, (year, value) in enumerate(zip(FALLS_YEARS, values, strict=True)):
            call = latest_call if i == len(FALLS_YEARS) - 1 or code == ENGLAND else "Similar"
            rows.append([code, name, year, value, "Emergency hospital admissions due to falls in people aged 65 "
                         "and over", "Age standardised rate per 100,000", "Persons", call])
    return _write(path, ["area_code", "area_name", "period", "value", "indicator", "measure", "unit", "significance"],
                  rows)


def _tidy_csv(path: Path) -> Path:
    """The project's tidy template: numerators and denominators, so the store computes each value."""
    def month_row(indicator: str, code: str, name: str, i: int, numerator: int, denominator: int) -> list:
        month = MONTHS[i]
        return [indicator, code, name, f"{month:%Y-%m-%d}", f"{month + pd.offsets.MonthEnd(0):%Y-%m-%d}",
                numerator, denominator, "", ""]

    rows = []
    for i in range(len(MONTHS)):
        rows += [
            month_row("length_of_stay_65", YORK, "York", i, YORK_LOS[i], LOS_DENOMINATOR),
            month_row("length_of_stay_65", ENGLAND, "England", i, ENGLAND_LOS[i], 100_000),
            month_row("length_of_stay_65", STOKE, "Stoke-on-Trent", i, STOKE_LOS[i], 2_000),
            month_row("length_of_stay_65", REGION, REGION_NAME, i, REGION_LOS[i], 20_000),
            month_row("ae_attendances_65", YORK, "York", i, YORK_AE[i], AE_DENOMINATOR),
            month_row("ae_attendances_65", ENGLAND, "England", i, ENGLAND_AE[i], 10_000_000),
            month_row("ae_attendances_65", STOKE, "Stoke-on-Trent", i, STOKE_AE[i], 45_000),
        ]
    return _write(path, ["indicator_id", "area_code", "area_name", "period_start", "period_end", "numerator",
                         "denominator", "value", "value_note"], rows)


def _load_plan(con) -> None:
    """Two projects, R1 and R2 with one indicator each, one CQC finding, and five actions by an analyst."""
    projects = pd.DataFrame({
        "project_number": [1, 2], "title": ["FLOW THROUGH HOSPITAL", "CARE AT HOME IN YORK"],
        "lead_officer": ["Chief Operating Officer", "Director of Adult Social Care"],
        "strategic_outcomes": ["People go home when they are ready", "People live at home as long as they can"],
        "recommendations_note": [None, None], "cqc_said": [None, None]})
    recommendations = pd.DataFrame({
        "ref": ["R1", "R2"], "project_number": [1, 2],
        "recommendation": ["Shorten stays in hospital for people aged 65 and over.",
                           "Reduce delayed transfers of care."],
        "aim": ["Fewer long stays", "Fewer delays"],
        "cqc_said": ["Long stays were common.", "Delays were high."],
        "objectives": ["Discharge to assess\nDaily board rounds", "Weekly huddles"],
        "measurable_outcomes": [None, None], "cluster_table_text": [None, None]})
    findings = pd.DataFrame({
        "finding_id": ["F01"], "recommendation_ref": ["R1"], "section": ["What improvements have been made?"],
        "area": ["Flow"], "finding": ["Board rounds had started on two wards."],
        "review_date": [date(2018, 11, 20)], "source": ["CQC progress report"], "link": ["direct"],
        "basis": ["The report names R1."]})
    links = pd.DataFrame({"recommendation_ref": ["R1", "R2"], "indicator_id": ["length_of_stay_65", "dtoc_18"],
                          "why": ["Long stays are what R1 is meant to shorten.", "Delays are what R2 is about."]})
    plan_store.load_plan(con, projects=projects, recommendations=recommendations, findings=findings,
                         indicator_links=links, user=LOADER)
    for ref, description, lead, due, progress, rag in ACTIONS:
        plan_store.add_action(con, {"ref": ref, "description": description, "lead": lead, "due_date": due,
                                    "progress": progress, "rag": rag},
                              user=ANALYST, when=datetime(2018, 5, 1, 9, 0))
