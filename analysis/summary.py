"""Plain-words summaries of the computed results, for the indicator page and the overview."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Icons carry a text label everywhere, so meaning never rests on colour alone (WCAG 2.2, 1.4.1).
VARIATION_LABELS: dict[str, str] = {
    "common_cause": "Common cause: no significant change",
    "improvement_high": "Improving (special cause, high)",
    "improvement_low": "Improving (special cause, low)",
    "concern_high": "Concern (special cause, high)",
    "concern_low": "Concern (special cause, low)",
    "neutral_high": "Special cause, high (neither better nor worse)",
    "neutral_low": "Special cause, low (neither better nor worse)",
}
VARIATION_SYMBOLS: dict[str, str] = {
    "common_cause": "●", "improvement_high": "▲", "improvement_low": "▼", "concern_high": "▲",
    "concern_low": "▼", "neutral_high": "▲", "neutral_low": "▼",
}
ASSURANCE_LABELS: dict[str | None, str] = {
    "pass": "Target consistently met",
    "fail": "Target consistently missed",
    "hit_or_miss": "Target hit and miss",
    None: "No target set",
}
COMPARISON_LABELS: dict[str, str] = {
    "better": "Better (significant)",
    "worse": "Worse (significant)",
    "similar": "Similar",
    "higher": "Higher (significant)",
    "lower": "Lower (significant)",
    "not compared": "– Not compared",
}
POINT_TYPE_WORDS = {
    "special_cause_improvement": "Special cause improvement",
    "special_cause_concern": "Special cause concern",
    "special_cause_neutral": "Special cause variation",
}


def variation_label(icon: str | None) -> str:
    if not isinstance(icon, str):
        return "– Not enough data"
    return f"{VARIATION_SYMBOLS.get(icon, '–')} {VARIATION_LABELS.get(icon, 'Not enough data')}"


def variation_group(icon: str | None) -> str:
    """improving, concerning or stable (common cause or neutral special cause)."""
    if isinstance(icon, str) and icon.startswith("improvement"):
        return "improving"
    if isinstance(icon, str) and icon.startswith("concern"):
        return "concerning"
    return "stable"


def counts_line(icons: list[str | None]) -> str:
    """'2 improving, 1 concerning, 3 stable' for the board's summary line."""
    groups = [variation_group(icon) for icon in icons]
    return ", ".join(f"{groups.count(name)} {name}" for name in ("improving", "concerning", "stable"))


def latest_signal(result: pd.DataFrame) -> str | None:
    """What the latest point says: its special cause rule and since when; None for common cause.

    ``result`` is :func:`analysis.spc.xmr` output. The signal's start is the first of the unbroken
    run of special-cause points of the same type that ends at the latest point.
    """
    from analysis.spc import RULE_LABELS

    values = result["value"].to_numpy(dtype=float, na_value=np.nan)
    if result.index.is_monotonic_increasing:  # a chart in date order (every assessment's): no sort
        valued = np.flatnonzero(~np.isnan(values))
    else:
        order = np.argsort(result.index.to_numpy(), kind="stable")
        valued = order[~np.isnan(values[order])]
    if not valued.size:
        return None
    types = result["point_type"].to_numpy()[valued]
    kind = types[-1]
    if kind == "common_cause":
        return None
    start = len(types) - 1
    while start > 0 and types[start - 1] == kind:
        start -= 1
    since = pd.Timestamp(result.index[valued[start]])
    rule = result["rule"].to_numpy()[valued[-1]]
    return f"{POINT_TYPE_WORDS.get(kind, 'Special cause')}: {RULE_LABELS.get(rule, rule)} since {since:%B %Y}"
