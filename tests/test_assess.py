"""The one assessment: its comparison tiers, icons, publisher's call, rank, and limits the zoom cannot move."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analysis.assess import assess, comparator_names, comparator_order, publisher_comparison
from analysis.spc import xmr
from charts.icons import assurance_svg, variation_svg
from tests.assessments import definition, monthly

TODAY = date(2019, 1, 1)


def york_and_england(york_numerator: int, england_value: float, n: int = 24):
    york = monthly([york_numerator / 10] * (n - 1) + [york_numerator / 10],
                   numerators=[york_numerator] * n, denominators=[1000] * n)
    england = monthly([england_value] * n)
    return york, england


class TestComparison:
    def test_both_tiers_significant_when_far_apart(self):
        """28% of 1,000 against 20% is worse at 95% and at 99.8%."""
        york, england = york_and_england(280, 20.0)
        a = assess(definition=definition(), series=york, area_code="E06000014", area_name="York", comparator=england,
                   comparator_code="E92000001", comparator_name="England", today=TODAY)
        assert (a.comparison.call, a.comparison_998.call) == ("worse", "worse")
        assert "95%" in a.comparison.method and "99.8%" in a.comparison_998.method
        assert "significantly worse (also at 99.8%)" in a.summary

    def test_the_99_8_tier_can_be_similar_when_95_is_not(self):
        """28% of 1,000 against 25% is worse at 95% but similar at 99.8% (the wider interval)."""
        york, england = york_and_england(280, 25.0)
        a = assess(definition=definition(), series=york, area_code="E06000014", area_name="York", comparator=england,
                   comparator_code="E92000001", comparator_name="England", today=TODAY)
        assert (a.comparison.call, a.comparison_998.call) == ("worse", "similar")
        assert "at 95%, not at 99.8%" in a.summary

    def test_a_comparator_without_the_latest_period_is_not_compared_and_says_so(self):
        """England stops a month early: the latest month is not compared, with England named."""
        york, england = york_and_england(280, 20.0)
        a = assess(definition=definition(), series=york, area_code="E06000014", area_name="York",
                   comparator=england.iloc[:-1], comparator_code="E92000001", comparator_name="England",
                   today=TODAY)
        assert a.comparison.call == "not compared"
        assert "England has no value for March 2018" in a.comparison.reason
        assert a.comparator_text == "no value for England"

    def test_no_comparator_shows_the_area_alone(self):
        """Without a comparator nothing is compared and the text says none was chosen."""
        york, _ = york_and_england(280, 20.0)
        a = assess(definition=definition(), series=york, area_code="E06000014", area_name="York", today=TODAY)
        assert a.comparator_code is None and a.comparison.call == "not compared"
        assert "no comparator chosen" in a.summary


class TestPublisherComparison:
    @pytest.mark.parametrize("note,call", [
        ("Fingertips compared with England: Worse", "worse"),
        ("Fingertips compared with England: Better 95%", "better"),
        ("Fingertips compared with England: Similar", "similar"),
        ("Fingertips compared with England: Not compared", None),
        ("suppressed", None),
        (None, None),
    ])
    def test_the_note_a_loader_wrote_is_read(self, note, call):
        """The Fingertips call written beside a published value is recognised; anything else is not."""
        found = publisher_comparison(note)
        assert (found.call if found else None) == call

    def test_published_values_show_the_publishers_call_against_england(self):
        """Falls (values without counts) show Fingertips' own call, named as the publisher's."""
        falls = definition(indicator_id="falls_admissions_65", value_kind="published", frequency="annual",
                           publication_lag_days=330, multiplier=100000.0)
        starts = pd.to_datetime(["2016-04-01", "2017-04-01"])
        york = pd.DataFrame({"period_start": starts, "period_end": starts + pd.DateOffset(years=1, days=-1),
                             "numerator": None, "denominator": None, "value": [2256.0, 2230.0],
                             "value_note": ["Fingertips compared with England: Similar",
                                            "Fingertips compared with England: Worse"], "is_demonstration": False})
        england = york.assign(value=[2114.0, 2170.0], value_note=None)
        a = assess(definition=falls, series=york, area_code="E06000014", area_name="York", comparator=england,
                   comparator_code="E92000001", comparator_name="England", today=TODAY)
        assert a.comparison_source == "publisher" and a.comparison.call == "worse"
        assert "OHID Fingertips" in a.comparison.method
        assert "worse than England, as OHID Fingertips published it" in a.summary
        region = assess(definition=falls, series=york, area_code="E06000014", area_name="York", comparator=england,
                        comparator_code="E12000003", comparator_name="Yorkshire and The Humber", today=TODAY)
        assert region.comparison.call == "not compared"


class TestRank:
    def test_rank_and_quintile_among_councils_best_first(self):
        """With lower better, the lowest of ten councils is 1st of 10, in the best fifth."""
        york = monthly([5.0] * 14)
        peers = pd.DataFrame({"area_code": [f"E0600000{i}" for i in range(10)],
                              "value": [5.0, 6, 7, 8, 9, 10, 11, 12, 13, 14]})
        peers.loc[0, "area_code"] = "E06000014"
        dtoc = definition(indicator_id="dtoc_18", value_kind="rate", numerator_meaning="Average delayed days per day")
        a = assess(definition=dtoc, series=york, area_code="E06000014", area_name="York", peers=peers, today=TODAY)
        assert (a.rank.position, a.rank.of, a.rank.quintile) == (1, 10, 1)
        assert a.rank.text.startswith("1st of 10 councils (best first), best fifth")
        worst = peers.assign(value=peers["value"][::-1].to_numpy())
        b = assess(definition=dtoc, series=york, area_code="E06000014", area_name="York", peers=worst, today=TODAY)
        assert (b.rank.position, b.rank.quintile) == (10, 5)
        assert "Rank: 10th of 10" in b.summary


class TestLimitsAndZoom:
    def test_the_assessment_limits_come_from_the_whole_series(self):
        """The assessment's points are the XmR of every stored period, whatever a page later draws."""
        values = [10, 12, 11, 13, 12, 11, 10, 12, 14, 13, 12, 11, 30, 12, 11]
        a = assess(definition=definition(), series=monthly(values), area_code="A", area_name="A", today=TODAY)
        whole = xmr(pd.Series(values, index=pd.date_range("2016-04-01", periods=len(values), freq="MS"),
                              dtype=float), "decrease")
        pd.testing.assert_series_equal(a.points["upl"], whole["upl"])

    def test_a_rebase_date_splits_the_limits(self):
        """A stored rebase date starts a second segment with its own mean."""
        values = [10.0] * 3 + [11.0, 9.0] * 5 + [20.0, 21.0, 19.0, 20.0, 21.0]
        rows = monthly(values)
        a = assess(definition=definition(), series=rows, area_code="A", area_name="A",
                   rebase_dates=[rows["period_start"].iloc[13]], today=TODAY)
        assert a.points["segment"].nunique() == 2
        assert a.points["mean"].iloc[-1] == pytest.approx(20.2)


class TestCorrectlyRoundedMeans:
    @pytest.mark.parametrize("values,mean", [
        ([962.3, 964.2, 962.9, 962.0, 963.6, 964.7, 962.9] + [960.8] * 6 + [960.6], 962.0),
        ([0.1] * 10, 0.1),
        ([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.3], 0.48),
        ([1.1, 2.2, 3.3], 2.2),
    ])
    def test_a_value_on_the_mean_in_decimals_is_on_it(self, values, mean):
        """The segment mean is the correctly rounded decimal mean, so a point at it is on the centre line."""
        result = xmr(pd.Series(values, index=pd.date_range("2020-01-01", periods=len(values), freq="MS")),
                     "increase")
        assert result["mean"].iloc[0] == mean

    def test_a_point_on_the_mean_breaks_a_run(self):
        """962.0 sits on the mean and breaks what a plain sum would call a run of seven above it."""
        values = [962.3, 964.2, 962.9, 962.0, 963.6, 964.7, 962.9] + [960.8] * 6 + [960.6]
        result = xmr(pd.Series(values, index=pd.date_range("2020-01-01", periods=len(values), freq="MS")),
                     "increase")
        assert not (result["rule"].iloc[:7] == "run_above").any()


def test_comparator_order_puts_the_benchmark_then_the_region_first():
    """England, then the region, then the rest; no England series means 'no comparator' comes first."""
    assert comparator_order(["E06000021", "E12000003", "E92000001"], "E92000001", "E12000003") == \
        ["E92000001", "E12000003", "E06000021"]
    assert comparator_order(["E06000021"], "E92000001", None) == ["", "E06000021"]


def test_comparator_groups_come_after_the_benchmark_the_area_s_own_first_never_itself():
    """The area's own groups, then other groups (each once), sit between England and the region."""
    ordered = comparator_order(["E06000021", "E12000003", "E92000001"], "E92000001", "E12000003",
                               groups=["group:E12000003", "group:york_similar", "group:E12000003", "group:mine"],
                               area_code="group:mine")
    assert ordered == ["E92000001", "group:E12000003", "group:york_similar", "E12000003", "E06000021"]


def test_comparator_names_say_a_group_adds_its_councils_up():
    """An area keeps its name, a group says how many councils it adds up, and "" is "No comparator"."""
    groups = pd.DataFrame({"group_code": ["group:x"], "group_name": ["Similar councils"], "members": [16]})
    names = comparator_names({"E92000001": "England"}, groups)
    assert names == {"E92000001": "England", "": "No comparator", "group:x": "Similar councils (16 councils added up)"}


class TestIcons:
    @pytest.mark.parametrize("icon,letter,colour", [
        ("improvement_high", ">H<", "#0072B2"), ("concern_low", ">L<", "#D55E00"),
        ("neutral_high", ">H<", "#7B3294"), ("common_cause", "", "#767676"),
    ])
    def test_variation_icons_carry_letter_colour_and_words(self, icon, letter, colour):
        """Each variation icon is an SVG with its H/L letter, its colour and a text alternative."""
        import xml.etree.ElementTree as ElementTree

        svg = variation_svg(icon)
        root = ElementTree.fromstring(svg)
        assert root.get("role") == "img" and root.get("aria-label")
        assert letter in svg and colour in svg

    @pytest.mark.parametrize("icon,letter", [("pass", ">P<"), ("fail", ">F<"), ("hit_or_miss", ">?<")])
    def test_assurance_icons_carry_their_letter(self, icon, letter):
        """Pass, fail and hit-and-miss are P, F and ?."""
        assert letter in assurance_svg(icon)
