"""The data behind an indicator's chart, as a table a person reads: one row per stored period."""

from __future__ import annotations

import pandas as pd

from analysis.assess import Assessment
from analysis.periods import format_value, period_label
from analysis.spc import RULE_LABELS
from analysis.summary import POINT_TYPE_WORDS


def data_table(a: Assessment, start: pd.Timestamp | None = None, end: pd.Timestamp | None = None) -> pd.DataFrame:
    """Period, counts, the area's value, the XmR mean and limits, the point's type and rule, the comparator.

    ``start``/``end`` limit the rows to the periods drawn; the limits are the assessment's, whatever the window.
    """
    rows = a.rows
    if start is not None:
        rows = rows[rows["period_start"] >= start]
    if end is not None:
        rows = rows[rows["period_start"] <= end]
    when = pd.DatetimeIndex(rows["period_start"])
    points = a.points.reindex(when)
    kind = a.value_kind
    table = pd.DataFrame({
        "Period": [period_label(s, e) for s, e in zip(rows["period_start"], rows["period_end"], strict=True)],
        "Numerator": [_count(v) for v in rows["numerator"]],
        "Denominator": [_count(v) for v in rows["denominator"]],
        f"{a.area_name} value": [format_value(v, kind) for v in rows["value"]],
        "Mean": [_limit(v, kind) for v in points["mean"]],
        "Lower process limit": [_limit(v, kind) for v in points["lpl"]],
        "Upper process limit": [_limit(v, kind) for v in points["upl"]],
        "Point": [POINT_TYPE_WORDS.get(t, "Common cause") if isinstance(t, str) else "—"
                  for t in points["point_type"]],
        "Rule": [RULE_LABELS.get(r, "") if isinstance(r, str) else "" for r in points["rule"]],
    })
    if a.comparator_code:
        table[f"{a.comparator_name} value"] = [format_value(v, kind)
                                               for v in a.comparator_series.reindex(when).to_numpy()]
    table["Note"] = [v if isinstance(v, str) else "" for v in rows["value_note"]]
    return table.reset_index(drop=True)


def _count(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{float(value):,.{0 if float(value).is_integer() else 2}f}"


def _limit(value, kind: str) -> str:
    return "— (not enough points)" if value is None or pd.isna(value) else format_value(float(value), kind)
