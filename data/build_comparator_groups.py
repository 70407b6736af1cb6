"""Rebuild data/comparator_groups.csv: the comparator groups the dashboard ships, each with its source.

Two kinds of group, both published lists, never a judgement made here:

* the nine English regions: the councils NHS England's delayed transfers file
  (data/public/nhse_dtoc_la_monthly_2011-04_2019-12.csv) places in each region, in each council's
  latest month there (so councils that merged in 2019 stay members, and are named as missing for the
  periods after they ceased). The region's ONS code (E12) is ONS's register code for that name;
* Trafford's CIPFA nearest neighbours (2019), with Trafford: the list Trafford Data Lab publishes
  (github.com/traffordDataLab/trafford_themes, data/cipfa2019.csv, commit 55c6d8c5), from CIPFA's
  Nearest Neighbours Model. It includes York. York's own CIPFA list is not published openly (the
  model is a paid CIPFA product), so it is not here: an analyst may load it as a group.

Run:  .venv/bin/python data/build_comparator_groups.py
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parent
DTOC = DATA / "public" / "nhse_dtoc_la_monthly_2011-04_2019-12.csv"
TARGET = DATA / "comparator_groups.csv"

# ONS register codes of the English regions (E12), by the names NHS England prints.
REGION_CODES = {
    "North East": "E12000001", "North West": "E12000002", "Yorkshire and The Humber": "E12000003",
    "East Midlands": "E12000004", "West Midlands": "E12000005", "East of England": "E12000006",
    "London": "E12000007", "South East": "E12000008", "South West": "E12000009",
}
REGION_SOURCE = ("Councils in the region as NHS England's delayed transfers of care file (MSitDT, 2011-2019) "
                 "places them, each council's latest month; region code from ONS's code register")

TRAFFORD_CIPFA = ("group:cipfa-trafford-2019", "Trafford and its CIPFA nearest neighbours (2019)",
                  "CIPFA Nearest Neighbours Model (2019), Trafford's 15 neighbours as published by Trafford "
                  "Data Lab (github.com/traffordDataLab/trafford_themes data/cipfa2019.csv), with Trafford")
TRAFFORD_MEMBERS = [
    ("E08000009", "Trafford"), ("E06000007", "Warrington"), ("E06000030", "Swindon"), ("E08000029", "Solihull"),
    ("E06000042", "Milton Keynes"), ("E06000025", "South Gloucestershire"), ("E06000034", "Thurrock"),
    ("E08000007", "Stockport"), ("E06000014", "York"), ("E06000055", "Bedford"),
    ("E06000050", "Cheshire West and Chester"), ("E06000031", "Peterborough"), ("E06000005", "Darlington"),
    ("E06000015", "Derby"), ("E08000002", "Bury"), ("E06000020", "Telford and Wrekin"),
]
COLUMNS = ["group_code", "group_name", "area_code", "area_name", "source"]


def region_groups() -> pd.DataFrame:
    rows = pd.read_csv(DTOC, dtype=str, usecols=["period", "region", "ons_code_filled", "name"])
    rows = rows[rows["region"].isin(REGION_CODES) & rows["ons_code_filled"].str.match(r"E(06|08|09|10)")]
    latest = rows.sort_values("period").groupby("ons_code_filled").tail(1)
    return pd.DataFrame({
        "group_code": "group:" + latest["region"].map(REGION_CODES),
        "group_name": latest["region"],
        "area_code": latest["ons_code_filled"],
        "area_name": latest["name"].str.replace(r"\s+UA$", "", regex=True),
        "source": REGION_SOURCE,
    })


def main() -> None:
    code, name, source = TRAFFORD_CIPFA
    cipfa = pd.DataFrame([(code, name, area, area_name, source) for area, area_name in TRAFFORD_MEMBERS],
                         columns=COLUMNS)
    groups = pd.concat([region_groups(), cipfa]).sort_values(["group_code", "area_code"])
    groups.to_csv(TARGET, index=False, columns=COLUMNS)
    print(f"wrote {len(groups)} rows, {groups['group_code'].nunique()} groups, to {TARGET}")


if __name__ == "__main__":
    main()
