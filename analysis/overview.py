"""The board's first table: each indicator's latest value for the area against its benchmark, and its story."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analysis import spc
from analysis.periods import format_value, period_label
from analysis.series import regular_series
from analysis.significance import compare_with
from analysis.staleness import staleness
from analysis.summary import ASSURANCE_LABELS, COMPARISON_LABELS, variation_label

CQC_INDICATORS = ("ae_attendances_65", "emergency_admissions_65", "care_home_admissions_65",
                  "length_of_stay_65", "dtoc_18", "readmissions_65")
# The trend line in the table shows at most this many of the latest periods (five years of months).
TREND_POINTS = 60
RAG_ORDER = ("Red", "Amber", "Green", "Blue", "Grey")


def data_label(row: pd.Series) -> str:
    if row["is_demonstration"]:
        return "Demonstration data"
    if row["is_proxy"]:
        return "Proxy"
    return "Published data"


def indicator_story(overview: pd.DataFrame, series: pd.DataFrame, counts: pd.DataFrame,
                    definitions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per indicator: the significance call, the SPC icons, the trend values (oldest first).

    ``overview`` is ``store.queries.indicator_overview``; ``series`` has ``indicator_id, period_start,
    value`` for the area; ``counts`` is ``store.indicators.latest_counts``; ``definitions`` (optional)
    carries ``indicator_id, multiplier, numerator_meaning, target`` from the indicators table.
    """
    counts = counts.set_index("indicator_id") if not counts.empty else counts
    extra = definitions.set_index("indicator_id") if definitions is not None and not definitions.empty else None
    rows = []
    for row in overview.itertuples(index=False):
        rows_for = series[series["indicator_id"] == row.indicator_id]
        values, _ = regular_series(rows_for, row.frequency)
        target = None
        multiplier, meaning = 1.0, None
        if extra is not None and row.indicator_id in extra.index:
            multiplier = float(extra.at[row.indicator_id, "multiplier"])
            meaning = extra.at[row.indicator_id, "numerator_meaning"]
            raw_target = extra.at[row.indicator_id, "target"]
            target = None if pd.isna(raw_target) else float(raw_target)
        if len(values.dropna()):
            result = spc.xmr(values, row.improvement_direction, target=target)
            variation, assurance = result.attrs["variation_icon"], result.attrs["assurance_icon"]
            trial = result.attrs["trial_limits"]
        else:
            variation, assurance, trial = None, None, True
        n_num = counts.at[row.indicator_id, "area_numerator"] if row.indicator_id in counts.index else None
        n_den = counts.at[row.indicator_id, "area_denominator"] if row.indicator_id in counts.index else None
        comparison = compare_with(value_kind=row.value_kind, numerator=_num(n_num), denominator=_num(n_den),
                                  multiplier=multiplier, comparator_value=_num(row.benchmark_value),
                                  improvement_direction=row.improvement_direction, numerator_meaning=meaning)
        rows.append({"indicator_id": row.indicator_id, "call": comparison.call, "method": comparison.method,
                     "variation_icon": variation, "assurance_icon": assurance, "trial_limits": trial,
                     "has_target": target is not None,
                     "trend": [float(v) for v in values.dropna().to_numpy()[-TREND_POINTS:]]})
    return pd.DataFrame(rows, columns=["indicator_id", "call", "method", "variation_icon", "assurance_icon",
                                       "trial_limits", "has_target", "trend"])


def rag_text(rag: pd.DataFrame, indicator_id: str) -> str:
    """'2 Red, 1 Green' for the plan actions linked to the indicator, or that none are linked yet."""
    mine = rag[rag["indicator_id"] == indicator_id] if not rag.empty else rag
    if mine.empty:
        return "No plan actions linked yet"
    by = dict(zip(mine["rag"], mine["actions"], strict=True))
    return ", ".join(f"{int(by[name])} {name}" for name in RAG_ORDER if name in by)


def overview_tables(overview: pd.DataFrame, area_name: str, benchmark_name: str,
                    story: pd.DataFrame | None = None, rag: pd.DataFrame | None = None,
                    today: date | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The six CQC indicators, then the related and proxy measures, written for people.

    With ``story`` (from :func:`indicator_story`), ``rag`` and ``today`` the tables also say how the
    area compares, what the XmR chart says, whether the data is stale and where the plan stands.
    """
    def present(rows: pd.DataFrame) -> pd.DataFrame:
        table = pd.DataFrame({
            "Indicator": rows["short_name"],
            "Latest period": [period_label(s, e)
                              for s, e in zip(rows["period_start"], rows["period_end"], strict=True)],
            area_name: [format_value(v, k) for v, k in zip(rows["area_value"], rows["value_kind"], strict=True)],
            benchmark_name: [format_value(v, k)
                             for v, k in zip(rows["benchmark_value"], rows["value_kind"], strict=True)],
            "Unit": rows["unit"],
        })
        if story is not None:
            s = story.set_index("indicator_id").reindex(rows["indicator_id"])
            calls = s["call"].fillna("not compared")
            table[f"Compared with {benchmark_name}"] = [COMPARISON_LABELS[c] for c in calls]
            table["Variation"] = [variation_label(icon) if isinstance(icon, str) else "– Not enough data"
                                  for icon in s["variation_icon"]]
            has_target = s["has_target"].fillna(False)
            table["Assurance"] = [ASSURANCE_LABELS.get(icon if has else None, "No target set")
                                  for icon, has in zip(s["assurance_icon"], has_target, strict=True)]
            table["Trend"] = list(s["trend"])
        if today is not None:
            table["Data age"] = [staleness(end, freq, lag, today).label for end, freq, lag in
                                 zip(rows["period_end"], rows["frequency"], rows["publication_lag_days"], strict=True)]
        if rag is not None:
            table["Plan actions"] = [rag_text(rag, i) for i in rows["indicator_id"]]
        table["Measured for"] = rows["subject_name"].fillna("no organisation linked")
        table["Data"] = rows.apply(data_label, axis=1)
        table["Source"] = rows["source"]
        table["Open"] = [f"indicator?indicator={i}" for i in rows["indicator_id"]]
        # What a board member reads first stays on screen; provenance and links follow.
        first = ["Indicator", "Data", "Latest period", area_name, benchmark_name, "Unit",
                 f"Compared with {benchmark_name}", "Variation", "Assurance", "Plan actions", "Open"]
        order = [c for c in first if c in table] + [c for c in table if c not in first]
        return table[order].reset_index(drop=True)

    core = overview["indicator_id"].isin(CQC_INDICATORS)
    return present(overview[core]), present(overview[~core])


def _num(value: object) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)
