"""A&E attendances by provider, all ages (NHS England sitrep via NHSRdatasets): a proxy indicator."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders import cells
from loaders.csvread import dates, numbers, read_table
from loaders.errors import Problems
from loaders.extract import Extract
from loaders.repeats import report_repeats

COLUMNS = ["period", "org_code", "type", "attendances"]
INDICATOR = "ae_attendances_all_trust"
KINDS = {"period": cells.DATE, "org_code": cells.ODS_CODE, "attendances": cells.COUNT, "breaches": cells.COUNT,
         "admissions": cells.COUNT}


def looks_like_ae_csv(header: list[str]) -> bool:
    return {"period", "org_code", "type", "attendances", "breaches"} <= set(header)


def read_ae_csv(path: Path, file: str) -> Extract:
    """Monthly attendances per provider, summed over department types (PROVENANCE section 5)."""
    frame = read_table(Path(path).read_bytes(), file, required=COLUMNS)
    frame["org_code"] = cells.normalise_codes(frame["org_code"])
    problems = Problems(file)
    cells.check_columns(frame, KINDS, file, problems)
    problems.flag(frame["org_code"] == "", "org_code", "is blank; an organisation code is required")
    report_repeats(frame[["period", "org_code", "type"]], problems, "type", "month, organisation and type")
    problems.raise_if_any()
    period = dates(frame, "period", file)
    attendances = numbers(frame, "attendances", file, whole=True, minimum=0, allow_missing=False)
    monthly = (pd.DataFrame({"area_code": frame["org_code"], "period_start": period,
                             "attendances": attendances, "source_row": frame.index})
               .groupby(["area_code", "period_start"], as_index=False)
               .agg(numerator=("attendances", "sum"), source_row=("source_row", "min")))
    monthly["period_start"] = monthly["period_start"].dt.to_period("M").dt.start_time
    observations = pd.DataFrame({
        "indicator_id": INDICATOR, "area_code": monthly["area_code"],
        "period_start": monthly["period_start"],
        "period_end": monthly["period_start"] + pd.offsets.MonthEnd(0),
        "numerator": monthly["numerator"], "denominator": None, "value": monthly["numerator"],
        "value_note": None, "source_row": monthly["source_row"],
    })
    areas = pd.DataFrame({"area_code": monthly["area_code"].unique()})
    areas["area_name"] = areas["area_code"]
    areas["area_type"] = "NHS provider"
    areas["region"] = None
    return Extract(layout="nhse_ae_provider_csv", observations=observations, areas=areas)
