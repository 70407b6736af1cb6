"""Invented demonstration series for the five CQC indicators that have no public data.

EVERY VALUE THIS SCRIPT WRITES IS FAKE. Nothing in its output was measured.

Why it exists
-------------
The CQC tracked six indicators for York's health and care system in its *York Local System
Review: Progress Report* (progress review 19-20 November 2018). Only one of them, delayed
transfers of care, has public data (see ``data/public/PROVENANCE.md``, "Not found"). For the
other five the dashboard needs something to draw until an analyst loads a real extract, so
this script invents monthly series, April 2013 to March 2018 (the span CQC analysed), for York
(E06000014) and England (E92000001). The pages label them as demonstration data.

The shapes it imitates (all from the CQC progress report, Nov 2018)
-------------------------------------------------------------------
* ``ae_attendances_65``: A&E attendances 65+ per 1,000 population 65+. York lower than England
  throughout; York's rate "increased overall, but had not changed significantly against the
  system's average" (a slight rise that the noise swamps).
* ``emergency_admissions_65``: emergency admissions 65+ per 1,000 population 65+. York higher
  than England throughout; it "fluctuated, but not significantly".
* ``care_home_admissions_65``: emergency admissions of care-home residents 65+ per 1,000
  population 65+. York's rate rose and "is now higher than the England average" (lower at the
  start).
* ``length_of_stay_65``: % of emergency admissions 65+ lasting longer than 7 days. York lower
  than England throughout; it rose "during 2017/18 from 25% to 28%".
* ``readmissions_65``: % of emergency admissions 65+ readmitted within 30 days of discharge.
  York rose "during 2017/18 from 18% to 19%" and "now reflects the England average".

The report gives no other numbers, so the levels and everything else are invented. They are
only meant to be plausible. For example, England's A&E rate is about 30-33 per 1,000 a month,
and York has about 850 emergency admissions a month among about 37,500 people aged 65+.

How the numbers are made
------------------------
1. Denominator population 65+: a smooth invented drift, York 37,050 -> 37,950 and England
   9.80 m -> 10.40 m over the 60 months. It is not ONS data.
2. An expected rate for each month: a level and trend chosen to match the statements above.
   A&E and both admission rates also get a mild winter peak (highest in January).
3. Counts are drawn around the expected values. Rate numerators are Poisson(expected rate x
   population / 1,000). Percentage numerators are Binomial(that month's emergency admissions,
   expected %). So York's small counts are visibly noisier than England's large ones.
4. Chance noise can break one of the report's statements: one noisy month might put York
   above England, or a quarter might miss 28%. When a draw for an indicator does that, it is
   discarded and drawn again from the same seeded generator (see ``CQC_STATEMENTS``). The
   series therefore always agree with the report.

The generator is ``numpy.random.default_rng(SEED)``, used in a fixed order, so running the
script twice writes byte-identical files. ``tests/test_demonstration.py`` checks that, checks
the statements, and checks that the committed CSV equals a fresh generation (so that nobody
edits the values by hand). Change this script and regenerate; never edit the CSV.

Output: the project's tidy template, one row per indicator x area x month::

    indicator_id,area_code,area_name,period_start,period_end,numerator,denominator,value,value_note

``value`` = numerator / denominator x multiplier (1,000 for rates, 100 for percentages),
written to 6 decimal places; ``value_note`` is empty.

Usage::

    python -m loaders.demonstration [--out PATH]
"""

from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np

SEED = 20181120  # the first day of CQC's progress review, 19-20 November 2018
N_MONTHS = 60  # April 2013 to March 2018
FIRST_YEAR, FIRST_MONTH = 2013, 4
MAX_DRAWS = 1000  # how many times one indicator may be redrawn before the model is called wrong

YORK, ENGLAND = "E06000014", "E92000001"
AREAS = {YORK: "York", ENGLAND: "England"}

# indicator_id -> multiplier. Rates are per 1,000 population 65+; percentages are of the
# same month's emergency admissions 65+.
MULTIPLIERS = {
    "ae_attendances_65": 1000,
    "emergency_admissions_65": 1000,
    "care_home_admissions_65": 1000,
    "length_of_stay_65": 100,
    "readmissions_65": 100,
}
COLUMNS = ("indicator_id", "area_code", "area_name", "period_start", "period_end",
           "numerator", "denominator", "value", "value_note")

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = PROJECT_ROOT / "data" / "demonstration" / "demonstration_65plus_2013-04_2018-03.csv"


# --- calendar ---------------------------------------------------------------------------

def months() -> list[tuple[dt.date, dt.date]]:
    """(first day, last day) of each of the 60 months, April 2013 to March 2018."""
    out = []
    for i in range(N_MONTHS):
        year, month = FIRST_YEAR + (FIRST_MONTH - 1 + i) // 12, (FIRST_MONTH - 1 + i) % 12 + 1
        out.append((dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])))
    return out


_MONTH_OF_YEAR = np.array([start.month for start, _ in months()])
_PROGRESS = np.arange(N_MONTHS) / (N_MONTHS - 1)  # 0 in April 2013, 1 in March 2018
# +1 in January, -1 in July: the winter peak of A&E attendances and emergency admissions.
_WINTER = np.cos(2 * np.pi * (_MONTH_OF_YEAR - 1) / 12)
_LAST_YEAR = slice(N_MONTHS - 12, N_MONTHS)  # 2017/18
_FIRST_QUARTER_2017_18 = slice(N_MONTHS - 12, N_MONTHS - 9)
_LAST_QUARTER_2017_18 = slice(N_MONTHS - 3, N_MONTHS)
_FIRST_YEAR = slice(0, 12)  # 2013/14


def _drift(start: float, end: float) -> np.ndarray:
    """A straight line from `start` in April 2013 to `end` in March 2018."""
    return start + (end - start) * _PROGRESS


def _seasonal(level: np.ndarray, amplitude: float) -> np.ndarray:
    """`level` raised by up to `amplitude` (a fraction) in winter and lowered in summer."""
    return level * (1 + amplitude * _WINTER)


def _rise_during_2017_18(before: float, first_quarter: float, last_quarter: float) -> np.ndarray:
    """Flat at `before` until March 2017, then a straight rise whose 2017/18 quarter means are as given.

    A line through month k = 0..11 of 2017/18 has its first-quarter mean at k = 1 and its
    last-quarter mean at k = 10, so the line is pinned at those two months.
    """
    series = np.full(N_MONTHS, before, dtype=float)
    k = np.arange(12)
    series[_LAST_YEAR] = first_quarter + (last_quarter - first_quarter) * (k - 1) / 9
    return series


# --- the invented model -----------------------------------------------------------------

# Demonstration population aged 65+ (NOT ONS figures), rounded to whole people.
POPULATION_65 = {
    YORK: np.rint(_drift(37_050, 37_950)).astype(np.int64),
    ENGLAND: np.rint(_drift(9_800_000, 10_400_000)).astype(np.int64),
}

# Expected monthly value of each indicator, in its own units (per 1,000 or per cent).
EXPECTED = {
    "ae_attendances_65": {
        ENGLAND: _seasonal(_drift(31.0, 32.0), 0.03),
        YORK: _seasonal(_drift(27.2, 27.8), 0.03),
    },
    "emergency_admissions_65": {
        ENGLAND: _seasonal(_drift(20.5, 20.5), 0.025),
        YORK: _seasonal(_drift(23.0, 23.0), 0.025),
    },
    "care_home_admissions_65": {
        ENGLAND: _seasonal(_drift(1.65, 1.75), 0.03),
        YORK: _seasonal(_drift(1.40, 2.00), 0.03),
    },
    "length_of_stay_65": {
        ENGLAND: _drift(30.2, 30.8),
        YORK: _rise_during_2017_18(before=25.0, first_quarter=25.0, last_quarter=28.0),
    },
    "readmissions_65": {
        ENGLAND: _drift(18.8, 19.0),
        YORK: _rise_during_2017_18(before=18.0, first_quarter=18.0, last_quarter=19.0),
    },
}


# --- what the CQC said, as checks on monthly values (York, England) ----------------------

def _ae_statement(york: np.ndarray, england: np.ndarray) -> bool:
    """Lower than England every month, and higher on average in 2017/18 than in 2013/14."""
    return bool(np.all(york < england) and york[_LAST_YEAR].mean() > york[_FIRST_YEAR].mean())


def _emergency_statement(york: np.ndarray, england: np.ndarray) -> bool:
    """Higher than England every month."""
    return bool(np.all(york > england))


def _care_home_statement(york: np.ndarray, england: np.ndarray) -> bool:
    """Below England on average in 2013/14, above it on average in 2017/18."""
    return bool(york[_FIRST_YEAR].mean() < england[_FIRST_YEAR].mean()
                and york[_LAST_YEAR].mean() > england[_LAST_YEAR].mean())


def _length_of_stay_statement(york: np.ndarray, england: np.ndarray) -> bool:
    """Below England every month; 2017/18 rises from about 25% (first quarter) to about 28% (last)."""
    return bool(np.all(york < england)
                and abs(york[_FIRST_QUARTER_2017_18].mean() - 25) <= 1
                and abs(york[_LAST_QUARTER_2017_18].mean() - 28) <= 1)


def _readmissions_statement(york: np.ndarray, england: np.ndarray) -> bool:
    """2017/18 rises from about 18% to about 19%, ending within 0.7 points of England."""
    last_quarter = york[_LAST_QUARTER_2017_18].mean()
    return bool(abs(york[_FIRST_QUARTER_2017_18].mean() - 18) <= 1
                and abs(last_quarter - 19) <= 1
                and abs(last_quarter - england[_LAST_QUARTER_2017_18].mean()) <= 0.7)


CQC_STATEMENTS: dict[str, Callable[[np.ndarray, np.ndarray], bool]] = {
    "ae_attendances_65": _ae_statement,
    "emergency_admissions_65": _emergency_statement,
    "care_home_admissions_65": _care_home_statement,
    "length_of_stay_65": _length_of_stay_statement,
    "readmissions_65": _readmissions_statement,
}


# --- drawing the counts -----------------------------------------------------------------

Counts = dict[str, tuple[np.ndarray, np.ndarray]]  # area code -> (numerators, denominators)


def _draw_once(indicator_id: str, rng: np.random.Generator, admissions: Counts | None) -> Counts:
    """One random draw of the counts of one indicator for both areas."""
    counts: Counts = {}
    for area in (YORK, ENGLAND):
        expected = EXPECTED[indicator_id][area]
        if MULTIPLIERS[indicator_id] == 1000:
            denominator = POPULATION_65[area]
            numerator = rng.poisson(expected * denominator / 1000)
        else:
            assert admissions is not None  # percentages are of emergency admissions 65+
            denominator = admissions[area][0]
            numerator = rng.binomial(denominator, expected / 100)
        counts[area] = (numerator.astype(np.int64), denominator.astype(np.int64))
    return counts


def _values(counts: Counts, area: str, multiplier: int) -> np.ndarray:
    numerator, denominator = counts[area]
    return numerator / denominator * multiplier


def draw_counts(seed: int = SEED) -> dict[str, Counts]:
    """Counts for every indicator, each redrawn until it agrees with what the CQC said."""
    rng = np.random.default_rng(seed)
    drawn: dict[str, Counts] = {}
    for indicator_id, multiplier in MULTIPLIERS.items():
        for _ in range(MAX_DRAWS):
            counts = _draw_once(indicator_id, rng, drawn.get("emergency_admissions_65"))
            york, england = (_values(counts, area, multiplier) for area in (YORK, ENGLAND))
            if CQC_STATEMENTS[indicator_id](york, england):
                drawn[indicator_id] = counts
                break
        else:
            raise RuntimeError(f"{indicator_id}: {MAX_DRAWS} draws all contradict the CQC report; "
                               "the expected values in EXPECTED must be wrong")
    return drawn


def rows(seed: int = SEED) -> list[tuple[str, ...]]:
    """The tidy-template rows, as strings, in indicator, area (York first), month order."""
    drawn = draw_counts(seed)
    calendar_months = months()
    out = []
    for indicator_id, multiplier in MULTIPLIERS.items():
        for area in (YORK, ENGLAND):
            numerators, denominators = drawn[indicator_id][area]
            for (start, end), numerator, denominator in zip(calendar_months, numerators, denominators,
                                                            strict=True):
                value = int(numerator) / int(denominator) * multiplier
                out.append((indicator_id, area, AREAS[area], start.isoformat(), end.isoformat(),
                            str(int(numerator)), str(int(denominator)), f"{value:.6f}", ""))
    return out


def write(path: Path = DEFAULT_OUT, seed: int = SEED) -> Path:
    """Write the demonstration CSV to `path` (UTF-8, "\\n" line endings) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows(seed))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m loaders.demonstration",
        description="Write the INVENTED demonstration series for the five CQC indicators with no "
                    "public data (York and England, 65+, April 2013 to March 2018).")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"where to write the CSV (default: {DEFAULT_OUT.relative_to(PROJECT_ROOT)})")
    args = parser.parse_args(argv)
    written = write(args.out)
    print(f"wrote {written} (demonstration data: every value is invented)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
