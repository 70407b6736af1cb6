"""York today: the council's acute trust on NHS England's measures after 2020, against England and the
trusts of its NHS region, latest month, with the SPC icons and where it sits in the funnel of every trust.

Pure: assessments and frames in, a :class:`TrustNow` out, which the overview, the board view and the pack
all lay out, so the three say the same thing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.assess import Assessment
from analysis.funnel import Funnel, funnel
from analysis.periods import period_label

# The section's measures, in the order a board reads them: discharge first, then the front door.
INDICATORS = ("criteria_to_reside_trust", "discharged_by_1700_trust", "ga_bed_occupancy_trust",
              "ae_attendances_all_trust", "emergency_admissions_all_trust")
MONTHLY_METHOD = ("Daily sitrep figures become monthly ones: the criteria-to-reside count is the average "
                  "patients a day over the month (a month a trust did not report every day of is left out), "
                  "over the month's average occupied general and acute beds; discharges by 17:00 are summed "
                  "over the month's days. England is the sum over every trust.")
READY_NOT_REMAINING = ("The criteria-to-reside count is the sitrep's total ready for discharge each day, "
                       "including those discharged that day; NHS England's headline of patients remaining "
                       "in hospital is that total less the day's discharges.")
AE_GAP = ("A&E attendances join two published series: April 2016 to March 2019 and April 2021 onwards. The "
          "bundled files hold nothing between them (April 2019 to March 2021), so the chart leaves that gap "
          "empty and no line crosses it.")


@dataclass(frozen=True)
class NowRow:
    indicator_id: str
    name: str
    period: str
    trust: str
    england: str
    region: str
    funnel: str
    variation_icon: str | None
    assurance_icon: str | None
    variation: str
    assurance: str


@dataclass(frozen=True)
class TrustNow:
    trust_code: str
    trust_name: str
    area_name: str
    region: str | None
    catchment_share: float | None
    rows: list[NowRow]
    funnels: dict[str, Funnel]

    @property
    def geography(self) -> str:
        """Whose figures these are, in words, with the catchment share beside them."""
        share = (f" About {self.catchment_share:.0%} of the trust's patients come from {self.area_name}"
                 f" (OHID's catchment estimate); the rest from the areas around it."
                 if self.catchment_share is not None else "")
        return (f"These are the figures of {self.trust_name}, the acute trust serving {self.area_name} and "
                f"beyond, not of the council.{share}")

    @property
    def headings(self) -> list[str]:
        return ["Measure", "Latest month", "Trust", "England", "Region's trusts", "Every trust (funnel)",
                "Variation", "Assurance"]

    def table_rows(self) -> list[list[str]]:
        return [[r.name, r.period, r.trust, r.england, r.region, r.funnel, r.variation, r.assurance]
                for r in self.rows]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _value(value: float | None, kind: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no value"
    return f"{value:.1f}%" if kind == "percentage" else f"{value:,.0f}"


def _region_words(latest: pd.DataFrame, trust_code: str, region: str | None, kind: str, direction: str) -> str:
    """Rank among the region's trusts in the month, best first, and their median; counts are not ranked."""
    if kind != "percentage":
        return "not compared (trusts differ in size)"
    if region is None:
        return "no region"
    peers = latest[(latest["region"] == region) & latest["value"].notna()]
    if trust_code not in set(peers["area_code"]) or len(peers) < 2:
        return "no comparison"
    ascending = direction == "decrease"
    order = peers.sort_values("value", ascending=ascending).reset_index(drop=True)
    place = int(order.index[order["area_code"] == trust_code][0]) + 1
    best = "lowest" if ascending else "highest"
    if direction == "neutral":
        best = "lowest"
    return f"{_ordinal(place)} {best} of {len(peers)}; median {peers['value'].median():.1f}%"


def funnel_note(definition: Mapping, plot: Funnel) -> str:
    """How the funnel compares trusts, in trusts' words (the councils' notes speak of councils)."""
    if str(definition.get("numerator_meaning") or "").lower().startswith("average"):
        what = ("the average patients a day not meeting the criteria to reside over the average occupied beds, as a "
                "proportion")
    else:
        what = "the month's totals, as a proportion"
    spread = (f"Trusts vary {plot.fit.phi:.0f} times as much as chance alone would make them, so the limits "
              "shown add that usual variation between trusts (Spiegelhalter's over-dispersion adjustment): a trust "
              "outside them differs by more than trusts usually do." if plot.fit.adjusted else
              "Trusts vary no more than chance would make them, so the limits show chance alone.")
    return (f"Every English trust's {what} (arcsine scale), against all trusts' pooled value. {spread}")


def _funnel_words(plot: Funnel | None, trust_code: str) -> str:
    if plot is None:
        return "no funnel (a count)"
    row = plot.points[plot.points["area_code"] == trust_code]
    if row.empty:
        return "not in the funnel"
    outside = int(plot.points["position"].ne("within 95% limits").sum())
    return f"{row['position'].iloc[0]} ({outside} of {len(plot.points)} trusts outside 95%)"


def trust_now(assessments: Mapping[str, Assessment], every_trust: Mapping[str, pd.DataFrame],
              definitions: Mapping[str, Mapping], *, trust_code: str, trust_name: str, area_name: str,
              region: str | None, catchment_share: float | None, england_code: str,
              indicators: Sequence[str] = INDICATORS) -> TrustNow:
    """The section: one row per measure held for the trust, the funnels of the percentage measures."""
    rows, funnels = [], {}
    for indicator_id in indicators:
        a = assessments.get(indicator_id)
        if a is None or not a.has_data:
            continue
        definition = definitions[indicator_id]
        kind = str(definition["value_kind"])
        latest = a.latest
        frame = every_trust.get(indicator_id, pd.DataFrame(columns=["area_code", "period_start", "value"]))
        month = frame[frame["period_start"] == pd.Timestamp(latest.period_start)]
        england = month.loc[month["area_code"] == england_code, "value"]
        trusts = month[month["area_code"] != england_code].assign(population=float("nan"))
        plot = None
        if kind == "percentage" and len(trusts) > 2:
            plot = funnel(trusts, definition)
            if plot is not None:
                funnels[indicator_id] = plot
        rows.append(NowRow(
            indicator_id=indicator_id, name=a.short_name,
            period=period_label(latest.period_start, latest.period_end),
            trust=_value(latest.value, kind), england=_value(float(england.iloc[0]) if len(england) else None, kind),
            region=_region_words(month, trust_code, region, kind, str(definition["improvement_direction"])),
            funnel=_funnel_words(plot, trust_code), variation_icon=a.variation_icon, assurance_icon=a.assurance_icon,
            variation=a.variation_text, assurance=a.assurance_text))
    return TrustNow(trust_code, trust_name, area_name, region, catchment_share, rows, funnels)
