"""Tests for analysis.spc.xmr_many, and property tests (hypothesis) of the whole SPC engine."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.spc import RESULT_COLUMNS, xmr, xmr_many

from .test_spc import RNORM_20, RNORM_DATES, _assert_golden

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow])
_FLIP = {"increase": "decrease", "decrease": "increase", "neutral": "neutral"}
_SWAP = {"special_cause_improvement": "special_cause_concern",
         "special_cause_concern": "special_cause_improvement"}


def _long(series: dict[str, pd.Series]) -> pd.DataFrame:
    """A long table (area, period, value) from one series per key."""
    return pd.concat(
        [pd.DataFrame({"area": k, "period": s.index, "value": s.to_numpy()}) for k, s in series.items()],
        ignore_index=True,
    )


def _facets() -> pd.DataFrame:
    """The reference's 20 random values split into facets 0 and 1 of 10 points each."""
    return pd.DataFrame({"area": ["f0"] * 10 + ["f1"] * 10, "period": RNORM_DATES, "value": RNORM_20})


class TestXmrMany:
    """Every series of a long table is charted at once."""

    def test_reference_facets(self):
        """Two facets get the limits of the reference's summary (_snaps/ptd_spc.md, summary(s3))."""
        # mean_col 0.074626 / 0.208622, lpl -2.600585 / -3.279005, upl 2.749837 / 3.696249,
        # n 10 / 10, common_cause 10 / 10, variation_type common_cause / common_cause.
        points, summary = xmr_many(_facets(), key="area", period="period", value="value",
                                   improvement_direction="increase")
        assert summary.index.tolist() == ["f0", "f1"]
        assert summary["mean"].tolist() == pytest.approx([0.074626, 0.208622], abs=5e-7)
        assert summary["lpl"].tolist() == pytest.approx([-2.600585, -3.279005], abs=5e-7)
        assert summary["upl"].tolist() == pytest.approx([2.749837, 3.696249], abs=5e-7)
        assert summary["n_points"].tolist() == [10, 10]
        assert summary["variation_icon"].tolist() == ["common_cause", "common_cause"]
        assert summary["trial_limits"].tolist() == [True, True]  # 10 < 13
        assert (points["point_type"] == "common_cause").all()

    def test_keeps_rows_and_adds_columns(self):
        """The table comes back with the same rows, order, index and columns, plus the results."""
        table = _facets().sample(frac=1, random_state=3)
        table.index = table.index + 100
        table["note"] = "x"
        points, _ = xmr_many(table, key="area", period="period", value="value",
                             improvement_direction="increase")
        assert points.index.equals(table.index)
        assert list(points.columns) == [*table.columns, *RESULT_COLUMNS]
        pd.testing.assert_frame_equal(points[table.columns], table)

    def test_same_as_xmr(self):
        """Each series' rows equal xmr on that series alone."""
        table = _facets()
        points, summary = xmr_many(table, key="area", period="period", value="value",
                                   improvement_direction={"f0": "increase", "f1": "neutral"},
                                   rebase={"f1": [RNORM_DATES[15]]}, target={"f0": 1.0})
        for area, direction, rebase, target in [("f0", "increase", [], 1.0),
                                                ("f1", "neutral", [RNORM_DATES[15]], None)]:
            rows = table["area"] == area
            alone = xmr(pd.Series(table.loc[rows, "value"].to_numpy(), index=RNORM_DATES[rows]),
                        direction, rebase=rebase, target=target)
            got = points.loc[rows, list(RESULT_COLUMNS)].set_axis(alone.index)
            pd.testing.assert_frame_equal(got, alone[list(RESULT_COLUMNS)])
            assert summary.loc[area, "assurance_icon"] == alone.attrs["assurance_icon"] or (
                alone.attrs["assurance_icon"] is None and pd.isna(summary.loc[area, "assurance_icon"]))
        assert summary["n_segments"].tolist() == [1, 2]

    def test_options_as_series(self):
        """Directions and targets may come as Series indexed by key, as read from a table."""
        table = _facets()
        as_dict = xmr_many(table, key="area", period="period", value="value",
                           improvement_direction={"f0": "increase", "f1": "decrease"},
                           target={"f0": 0.5, "f1": 4.0})
        as_series = xmr_many(table, key="area", period="period", value="value",
                             improvement_direction=pd.Series({"f0": "increase", "f1": "decrease"}),
                             target=pd.Series({"f0": 0.5, "f1": 4.0}))
        pd.testing.assert_frame_equal(as_dict.summary, as_series.summary)

    def test_rebase_for_a_key_not_in_the_table_is_ignored(self):
        """A rebase entry for a series that is not in the table changes nothing."""
        table = _facets()
        plain = xmr_many(table, key="area", period="period", value="value",
                         improvement_direction="increase")
        extra = xmr_many(table, key="area", period="period", value="value",
                         improvement_direction="increase", rebase={"elsewhere": [RNORM_DATES[3]]})
        pd.testing.assert_frame_equal(plain.points, extra.points)
        pd.testing.assert_frame_equal(plain.summary, extra.summary)

    def test_empty_table(self):
        """An empty table gives empty points and an empty summary."""
        table = _facets().iloc[:0]
        points, summary = xmr_many(table, key="area", period="period", value="value",
                                   improvement_direction="increase")
        assert points.empty and summary.empty
        assert list(points.columns) == [*table.columns, *RESULT_COLUMNS]

    def test_summary_golden(self, update_golden):
        """The per-series summary of the facets (limits checked against the reference above)."""
        _, summary = xmr_many(_facets(), key="area", period="period", value="value",
                              improvement_direction={"f0": "increase", "f1": "decrease"},
                              target={"f0": 0.5, "f1": 4.0})
        # By hand from the limits above: f0 target 0.5 inside -2.60..2.75 is hit or miss;
        # f1 target 4.0 above upl 3.70 with "decrease" is a pass.
        assert summary["assurance_icon"].tolist() == ["hit_or_miss", "pass"]
        _assert_golden(summary, "spc_many_summary", update_golden)


class TestXmrManyValidation:
    """Bad tables and options are refused with a message naming the column, key or value."""

    @pytest.mark.parametrize("change,kwargs,error,message", [
        (None, {"improvement_direction": {"f0": "increase"}}, ValueError,
         "improvement_direction has no entry for key 'f1'"),
        (None, {"improvement_direction": {"f0": "increase", "f1": "up"}}, ValueError,
         """improvement_direction['f1'] must be "increase", "decrease" or "neutral" (got "up")"""),
        (None, {"target": {"f0": "high"}}, TypeError, """target['f0'] must be a number or None (got "high")"""),
        (None, {"rebase": ["2020-01-05"]}, TypeError, "rebase must be a mapping from key to dates (got list)"),
        (None, {"rebase": {"f0": "2020-01-05"}}, TypeError,
         """rebase['f0'] must be a sequence of dates (got "2020-01-05")"""),
        (None, {"key": "region"}, ValueError, "key column 'region' is not in table"),
        (None, {"value": "area"}, ValueError, "key, period and value must be three different columns"),
        ("period-as-text", {}, TypeError, "period column 'period' must hold datetimes (got dtype str)"),
        ("value-as-text", {}, TypeError, "column 'value' must be numeric (got dtype str)"),
        ("duplicate", {}, ValueError, "table has duplicate periods: key 'f0' has 2020-01-02 00:00:00 more than once"),
        ("missing-key", {}, ValueError, "column 'area' has a missing key in row 4"),
        ("clash", {}, ValueError, "table already has result column(s) ['mean']"),
    ])
    def test_bad_input(self, change, kwargs, error, message):
        """Each problem has its own message."""
        table = _facets()
        if change == "period-as-text":
            table["period"] = table["period"].astype(str)
        elif change == "value-as-text":
            table["value"] = table["value"].astype(str)
        elif change == "duplicate":
            table.loc[1, "period"] = table.loc[0, "period"]
        elif change == "missing-key":
            table.loc[4, "area"] = None
        elif change == "clash":
            table["mean"] = 0.0
        arguments = {"key": "area", "period": "period", "value": "value",
                     "improvement_direction": "increase", **kwargs}
        with pytest.raises(error) as raised:
            xmr_many(table, **arguments)
        assert message in str(raised.value)

    def test_not_a_table(self):
        """The table must be a DataFrame."""
        with pytest.raises(TypeError, match="table must be a pandas DataFrame"):
            xmr_many([1, 2], key="a", period="b", value="c", improvement_direction="increase")


# ------------------------------------------------------------------------------------------------
# Property tests
# ------------------------------------------------------------------------------------------------

# Small integers make ties, points on the mean and repeated values common; floats and NaN the rest.
_VALUE = st.one_of(
    st.integers(-4, 4).map(float),
    st.floats(-1000, 1000, allow_nan=False, allow_infinity=False),
    st.just(math.nan),
)
_DIRECTION = st.sampled_from(["increase", "decrease", "neutral"])


@st.composite
def _series(draw, values=_VALUE, max_size=40):
    """A series on distinct months (gaps allowed) with rebase dates, direction and target."""
    months = draw(st.lists(st.integers(0, 80), min_size=1, max_size=max_size, unique=True))
    index = pd.DatetimeIndex(sorted(pd.Timestamp("2015-01-01") + pd.DateOffset(months=m) for m in months))
    y = draw(st.lists(values, min_size=len(index), max_size=len(index)))
    rebase = draw(st.lists(st.sampled_from(list(index)), max_size=3))
    if draw(st.booleans()):
        rebase.append(pd.Timestamp("2030-01-01"))  # matches nothing, so ignored
    target = draw(st.one_of(st.none(), st.integers(-5, 5).map(float),
                            st.floats(-1000, 1000, allow_nan=False, allow_infinity=False)))
    return pd.Series(y, index=index, dtype=float), rebase, draw(_DIRECTION), target


class TestProperties:
    """Relations that hold for any series."""

    @PROPERTY_SETTINGS
    @given(many=st.dictionaries(st.sampled_from(["a", "b", "c", "d", "e"]), _series(),
                                min_size=1, max_size=5),
           screen=st.booleans(), shuffle=st.randoms(use_true_random=False))
    def test_many_equals_xmr_per_series(self, many, screen, shuffle):
        """xmr_many gives each series exactly what xmr gives it alone, icons included."""
        table = _long({k: s for k, (s, *_) in many.items()})
        order = list(range(len(table)))
        shuffle.shuffle(order)
        table = table.iloc[order]
        points, summary = xmr_many(
            table, key="area", period="period", value="value",
            improvement_direction={k: d for k, (_, _, d, _) in many.items()},
            rebase={k: r for k, (_, r, _, _) in many.items()},
            target={k: t for k, (*_, t) in many.items()},
            screen_outliers=screen,
        )
        for k, (series, rebase, direction, target) in many.items():
            alone = xmr(series, direction, rebase=rebase, target=target, screen_outliers=screen)
            got = points[points["area"] == k].sort_values("period")
            got = got.set_index(pd.DatetimeIndex(got["period"].to_numpy()))[["value", *RESULT_COLUMNS]]
            pd.testing.assert_frame_equal(got, alone, check_exact=True, check_freq=False)
            row = summary.loc[k]
            assert row["variation_icon"] == alone.attrs["variation_icon"]
            if alone.attrs["assurance_icon"] is None:
                assert pd.isna(row["assurance_icon"])
            else:
                assert row["assurance_icon"] == alone.attrs["assurance_icon"]
            assert bool(row["trial_limits"]) is alone.attrs["trial_limits"]
            last = alone.attrs["segments"][-1]
            np.testing.assert_array_equal(row[["mean", "lpl", "upl"]].to_numpy(dtype=float),
                                          [last["mean"], last["lpl"], last["upl"]])
            assert row["n_segments"] == len(alone.attrs["segments"])
            assert row["n_points"] == len(series)

    @PROPERTY_SETTINGS
    @given(drawn=_series(), screen=st.booleans())
    def test_limits_are_symmetric_about_the_mean(self, drawn, screen):
        """The process limits and the 2-sigma lines sit symmetrically around the mean, in order."""
        series, rebase, direction, _ = drawn
        result = xmr(series, direction, rebase=rebase, screen_outliers=screen).dropna(subset=["upl"])
        mean, lpl, upl = result["mean"], result["lpl"], result["upl"]
        tolerance = 1e-9 * (1 + mean.abs() + (upl - lpl).abs())
        assert ((upl - mean) - (mean - lpl)).abs().le(tolerance).all()
        assert ((result["npl_upper"] - mean) - (mean - result["npl_lower"])).abs().le(tolerance).all()
        assert (lpl <= result["npl_lower"]).all() and (result["npl_lower"] <= mean).all()
        assert (mean <= result["npl_upper"]).all() and (result["npl_upper"] <= upl).all()

    @PROPERTY_SETTINGS
    @given(drawn=_series(values=st.one_of(st.integers(-6, 6).map(float), st.just(math.nan)), max_size=30),
           screen=st.booleans())
    def test_reversing_time_and_direction_swaps_improvement_and_concern(self, drawn, screen):
        """Read backwards with the opposite direction, every non-trend signal swaps good and bad."""
        # Integer values make every sum exact, so the reversed series has the very same mean and
        # moving ranges. Limits, runs and 2-of-3 windows are symmetric in time; trends are not.
        series, _, direction, _ = drawn
        forward = xmr(series, direction, screen_outliers=screen)
        backward = xmr(pd.Series(series.to_numpy()[::-1], index=series.index), _FLIP[direction],
                       screen_outliers=screen).iloc[::-1]
        for (_, f), (_, b) in zip(forward.iterrows(), backward.iterrows(), strict=True):
            if str(f["rule"]).startswith("trend") or str(b["rule"]).startswith("trend"):
                continue
            assert (pd.isna(f["rule"]) and pd.isna(b["rule"])) or f["rule"] == b["rule"]
            assert b["point_type"] == _SWAP.get(f["point_type"], f["point_type"])
        np.testing.assert_array_equal(forward["upl"], backward["upl"])
