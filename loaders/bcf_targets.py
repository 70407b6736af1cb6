"""The one real target the bundled data has: the Better Care Fund expectation for delayed transfers of care.

The Integration and Better Care Fund planning requirements for 2017-19 (NHS England, with the Department of
Health and the Department for Communities and Local Government), as reported by the Local Government
Chronicle and the King's Fund, expected each council's delayed transfers, from September 2017, to be at most
9.4 delayed days per 100,000 adults (18+) per day where its February 2017 rate was 9.4 or more, and at most
its own February 2017 rate where that was lower.

The build derives each council's expectation from its own stored February 2017 rate (`bcf_expectations`,
pure), writes them as a targets file (loaders/targets.py) and loads it like any file, so the targets are
archived, audited, replayed by a rebuild and can be undone. The demonstration indicators get none: an
invented target on invented data would mislead.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders.targets import targets_csv
from store import targets as store_targets

INDICATOR_ID = "dtoc_18"
BASELINE_PERIOD = pd.Timestamp("2017-02-01")
EFFECTIVE_FROM = "2017-09-01"
# Delayed days per 100,000 adults (18+) per day: the national expectation for councils at or above it.
EXPECTATION_CEILING = 9.4
FILE_NAME = "bcf_delayed_transfers_expectations_2017-19.csv"
SOURCE_URL = "https://www.england.nhs.uk/publication/integration-and-better-care-fund-planning-requirements-for-2017-19/"
# English councils with social care duties: those the expectation was set for.
COUNCIL_TYPES = ("unitary authority", "county", "metropolitan district", "London borough")


def source_words(rate: float) -> str:
    """The source written beside each council's expectation, naming the February 2017 rate it came from."""
    rule = (f"its February 2017 rate, {rate:.1f}, was at or above 9.4, so the national 9.4 applies"
            if rate >= EXPECTATION_CEILING else
            f"its February 2017 rate, {rate:.2f}, was below 9.4, so it is expected to stay at or below that rate")
    return ("Better Care Fund expectation from September 2017: 9.4 delayed days per 100,000 adults (18+) per day "
            "for every council at or above 9.4 in February 2017, and its own February 2017 rate for every council "
            "below (Integration and Better Care Fund planning requirements 2017-19, as reported by LGC and the "
            f"King's Fund); {rule} (derived from the stored NHS England figures)")


def bcf_expectations(february_2017: pd.DataFrame) -> pd.DataFrame:
    """Each council's expectation from its February 2017 rate (``area_code, value``): rows of a targets file."""
    rates = february_2017.dropna(subset=["value"])
    return pd.DataFrame({
        "indicator_id": INDICATOR_ID, "area_code": rates["area_code"].astype(str), "kind": "target",
        "value": [min(float(rate), EXPECTATION_CEILING) for rate in rates["value"]], "direction": "at or below",
        "effective_from": EFFECTIVE_FROM, "effective_to": None,
        "source": [source_words(float(rate)) for rate in rates["value"]], "source_url": SOURCE_URL,
    }).reset_index(drop=True)


def write_bcf_targets(con, directory: Path) -> Path | None:
    """Write the expectations of every council the store holds a February 2017 rate for; None when it holds none."""
    rates = store_targets.period_values(con, INDICATOR_ID, BASELINE_PERIOD, COUNCIL_TYPES)
    rates = rates[rates["area_code"].str.startswith("E")]
    if rates.empty:
        return None
    path = Path(directory) / FILE_NAME
    path.write_bytes(targets_csv(bcf_expectations(rates).to_dict("records")))
    return path
