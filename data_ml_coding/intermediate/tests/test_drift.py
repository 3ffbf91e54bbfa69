"""Part 3 — Drift monitoring."""

from __future__ import annotations

import math
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from .helpers import FEATURES, weather, year

PROPERTY = settings(max_examples=40)
# Small integers repeat a lot: ties are where ECDF and binning mistakes show.
samples = st.lists(st.integers(-5, 5).map(float), min_size=1, max_size=40)
floats = st.lists(
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False), min_size=1, max_size=40
)


def term(cur: float, ref: float) -> float:
    return (cur - ref) * math.log(cur / ref)


def psi_case(impl: ModuleType, ref: list[float], cur: list[float], bins: int) -> float:
    return float(impl.psi(ref, cur, bins=bins))


def approx(value: float) -> Any:
    return pytest.approx(value, rel=1e-9, abs=1e-12)


def drifted(report: Any) -> list[str]:
    return [d.feature for d in report if d.drifted]


@pytest.mark.part(3)
class TestPart3Drift:
    @pytest.mark.rule("3.1", "3.3")
    def test_psi_by_hand(self, impl: ModuleType) -> None:
        # Reference 1..10 with 2 bins: one edge at the median 5.5; shares 0.5 / 0.5.
        got = psi_case(impl, list(range(1, 11)), [1, 1, 1, 1, 1, 1, 1, 1, 9, 10], bins=2)
        expected = term(0.8, 0.5) + term(0.2, 0.5)
        assert got == approx(expected), (
            "psi(1..10, [1 x8, 9, 10], bins=2): edge 5.5; shares ref (0.5, 0.5), cur (0.8, 0.2)"
        )

    @pytest.mark.rule("3.2")
    def test_psi_bins_are_right_closed(self, impl: ModuleType) -> None:
        # Edge 2 (the median of 1, 2, 3): 2 belongs to the bin (-inf, 2], not (2, inf).
        got = psi_case(impl, [1, 2, 3], [2, 2, 2, 3], bins=2)
        expected = term(0.75, 2 / 3) + term(0.25, 1 / 3)
        assert got == approx(expected), (
            "psi([1, 2, 3], [2, 2, 2, 3], bins=2): edge 2; a value equal to an edge falls in the "
            "bin it closes: ref (2/3, 1/3), cur (3/4, 1/4)"
        )

    @pytest.mark.rule("3.3")
    def test_psi_of_an_empty_bin_is_finite(self, impl: ModuleType) -> None:
        got = psi_case(impl, list(range(1, 11)), [20, 30], bins=2)
        expected = term(1e-4, 0.5) + term(1.0, 0.5)
        assert got == approx(expected), (
            "psi(1..10, [20, 30], bins=2): the lower bin is empty in current; its share is "
            "floored at epsilon = 1e-4, so PSI is finite"
        )

    @pytest.mark.rule("3.3")
    def test_psi_uses_the_given_epsilon(self, impl: ModuleType) -> None:
        got = float(impl.psi(list(range(1, 11)), [20, 30], bins=2, epsilon=1e-6))
        expected = term(1e-6, 0.5) + term(1.0, 0.5)
        assert got == approx(expected), "psi(1..10, [20, 30], bins=2, epsilon=1e-6)"

    @pytest.mark.rule("3.1")
    def test_psi_merges_repeated_quantiles(self, impl: ModuleType) -> None:
        # Mostly dry days: the deciles 0.1 .. 0.6 of the reference are all 0, one edge.
        ref = [0.0] * 6 + [1.0, 2.0, 3.0, 4.0]
        cur = [0.0] * 3 + [1.0] * 7
        # Inner edges 0, 1.3, 2.2, 3.1; bins (-inf, 0], (0, 1.3], (1.3, 2.2], (2.2, 3.1], (3.1, inf).
        got = psi_case(impl, ref, cur, bins=10)
        expected = (
            term(0.3, 0.6) + term(0.7, 0.1) + term(1e-4, 0.1) + term(1e-4, 0.1) + term(1e-4, 0.1)
        )
        assert got == approx(expected), (
            f"psi({ref}, {cur}, bins=10): inner edges are the distinct deciles (0, 1.3, 2.2, 3.1)"
        )

    @pytest.mark.rule("3.3")
    def test_identical_samples_have_zero_psi(self, impl: ModuleType) -> None:
        values = weather()["temp_max"].to_numpy()
        got = float(impl.psi(values, values))
        expected = 0.0
        assert got == approx(expected), "psi(temp_max, temp_max)"

    @pytest.mark.rule("3.1", "3.2", "3.3")
    @PROPERTY
    @given(ref=samples, cur=samples, bins=st.integers(2, 10))
    def test_psi_agrees_with_the_reference(
        self, impl: ModuleType, reference: ModuleType, ref: list[float], cur: list[float], bins: int
    ) -> None:
        got = float(impl.psi(ref, cur, bins=bins))
        expected = float(reference.psi(ref, cur, bins=bins))
        assert got == approx(expected), f"psi({ref}, {cur}, bins={bins})"

    @pytest.mark.rule("3.5")
    def test_category_psi_by_hand(self, impl: ModuleType) -> None:
        got = float(impl.category_psi(["a", "a", "b", "b"], ["a", "a", "a", "b"]))
        expected = term(0.75, 0.5) + term(0.25, 0.5)
        assert got == approx(expected), "category_psi(['a', 'a', 'b', 'b'], ['a', 'a', 'a', 'b'])"

    @pytest.mark.rule("3.5")
    def test_a_new_category_is_floored_at_epsilon(self, impl: ModuleType) -> None:
        got = float(impl.category_psi(["a", "b"], ["a", "c"]))
        expected = term(0.5, 0.5) + term(1e-4, 0.5) + term(0.5, 1e-4)
        assert got == approx(expected), (
            "category_psi(['a', 'b'], ['a', 'c']): b vanished, c is new; both shares floored at 1e-4"
        )

    @pytest.mark.parametrize(
        ("ref", "cur"),
        [
            ([3.0, 1.0, 2.0, 9.0, 4.0], [8.0, 2.5, 7.0, 1.5]),
            ([1.0, 1.0, 2.0, 2.0, 2.0, 3.0], [2.0, 2.0, 3.0, 3.0]),
            ([5.0, 4.0, 3.0, 2.0, 1.0], [1.0]),
            ([0.0] * 7 + [1.0, 5.0], [0.0, 0.0, 2.0, 5.0, 5.0, 6.0]),
        ],
        ids=["unsorted", "ties", "reversed against one value", "many zeros"],
    )
    @pytest.mark.rule("3.6", "3.7")
    def test_ks_matches_scipy(self, impl: ModuleType, ref: list[float], cur: list[float]) -> None:
        result = impl.ks_test(ref, cur)
        scipy_d = float(stats.ks_2samp(ref, cur).statistic)
        n, m = len(ref), len(cur)
        got = (float(result.statistic), float(result.pvalue))
        expected = (
            approx(scipy_d),
            approx(float(special.kolmogorov(scipy_d * math.sqrt(n * m / (n + m))))),
        )
        assert got == expected, (
            f"ks_test({ref}, {cur}): (statistic = scipy.stats.ks_2samp's, pvalue = "
            "scipy.special.kolmogorov(D * sqrt(n*m/(n+m))))"
        )

    # scipy's p-value sometimes falls back to its asymptotic method; only the statistic counts.
    @pytest.mark.rule("3.6")
    @pytest.mark.filterwarnings("ignore:ks_2samp:RuntimeWarning")
    @PROPERTY
    @given(ref=st.one_of(samples, floats), cur=st.one_of(samples, floats))
    def test_ks_statistic_agrees_with_scipy(
        self, impl: ModuleType, ref: list[float], cur: list[float]
    ) -> None:
        got = float(impl.ks_test(ref, cur).statistic)
        expected = float(stats.ks_2samp(ref, cur).statistic)
        assert got == approx(expected), f"ks_test({ref}, {cur}).statistic vs scipy.stats.ks_2samp"

    @pytest.mark.rule("3.6")
    def test_ks_on_the_real_feed(self, impl: ModuleType) -> None:
        feed = weather()
        old, new = year(feed, 2012), year(feed, 2015)
        got = [round(float(impl.ks_test(old[f], new[f]).statistic), 12) for f in FEATURES]
        expected = [
            round(float(stats.ks_2samp(old[f], new[f], method="asymp").statistic), 12)
            for f in FEATURES
        ]
        assert got == expected, f"ks_test(<2012>, <2015>).statistic for {FEATURES}, vs scipy"

    @pytest.mark.parametrize(
        ("function", "ref", "cur"),
        [
            ("psi", [], [1.0, 2.0]),
            ("psi", [1.0, 2.0], []),
            ("category_psi", [], ["a"]),
            ("category_psi", ["a"], []),
            ("ks_test", [], [1.0, 2.0]),
            ("ks_test", [1.0, 2.0], []),
        ],
        ids=lambda value: value if isinstance(value, str) else ("empty" if not value else "full"),
    )
    @pytest.mark.rule("3.8")
    def test_empty_samples_raise(
        self, impl: ModuleType, function: str, ref: list[Any], cur: list[Any]
    ) -> None:
        with pytest.raises(ValueError):
            getattr(impl, function)(ref, cur)

    @pytest.mark.rule("3.4")
    def test_psi_defaults_are_ten_bins_and_a_floor_of_1e_4(
        self, impl: ModuleType, reference: ModuleType
    ) -> None:
        feed = weather()
        old, new = year(feed, 2012)["wind"], year(feed, 2015)["wind"] + 3.0
        got = float(impl.psi(old, new))
        expected = approx(float(reference.psi(old, new, bins=10, epsilon=1e-4)))
        assert got == expected, (
            "psi(<2012 wind>, <2015 wind + 3 m/s>) with the defaults: PSI_BINS = 10, "
            "PSI_EPSILON = 1e-4"
        )

    @pytest.mark.rule("3.9", "3.10", "3.11", "3.12")
    def test_report_finds_the_real_shift(self, impl: ModuleType) -> None:
        feed = weather()
        report = impl.drift_report(year(feed, 2012), year(feed, 2015), FEATURES, ["weather"])
        got = ([d.feature for d in report], drifted(report))
        expected = ([*FEATURES, "weather"], ["temp_max", "weather"])
        assert got == expected, (
            "drift_report(<2012>, <2015>, FEATURES, ['weather']): (features in order, those that "
            "drifted): 2015 ran ~2 °C warmer, and the label mix moved from rain to fog/sun"
        )

    @pytest.mark.rule("3.9", "3.11")
    def test_report_values_agree_with_the_reference(
        self, impl: ModuleType, reference: ModuleType
    ) -> None:
        feed = weather()
        args = (year(feed, 2012), year(feed, 2015), FEATURES, ["weather"])
        got = [
            (d.feature, approx(d.psi), d.ks_statistic is None, d.drifted)
            for d in impl.drift_report(*args)
        ]
        expected = [
            (d.feature, d.psi, d.ks_statistic is None, d.drifted)
            for d in reference.drift_report(*args)
        ]
        assert got == expected, (
            "drift_report(<2012>, <2015>, ...): (feature, psi, KS left empty?, drifted); a "
            "categorical feature has no KS"
        )

    @pytest.mark.rule("3.13")
    def test_no_alarm_on_two_samples_of_the_same_window(self, impl: ModuleType) -> None:
        days = year(weather(), 2012)
        even, odd = days.iloc[::2], days.iloc[1::2]
        got = drifted(impl.drift_report(even, odd, FEATURES, ["weather"]))
        expected: list[str] = []
        assert got == expected, "drift_report(<even days of 2012>, <odd days of 2012>, ...)"

    @pytest.mark.rule("3.10")
    def test_thresholds_are_the_callers(self, impl: ModuleType) -> None:
        feed = weather()
        report = impl.drift_report(
            year(feed, 2012), year(feed, 2015), FEATURES, psi_threshold=0.1, ks_alpha=0.05
        )
        got = drifted(report)
        expected = ["temp_max", "temp_min"]
        assert got == expected, (
            "drift_report(<2012>, <2015>, FEATURES, psi_threshold=0.1, ks_alpha=0.05)"
        )

    @pytest.mark.parametrize(
        ("psi_threshold", "ks_alpha"), [(1e9, 0.05), (0.1, 0.0)], ids=["KS alone", "PSI alone"]
    )
    @pytest.mark.rule("3.10")
    def test_either_test_alone_raises_the_alarm(
        self, impl: ModuleType, psi_threshold: float, ks_alpha: float
    ) -> None:
        feed = weather()
        report = impl.drift_report(
            year(feed, 2012), year(feed, 2015), FEATURES, [], psi_threshold, ks_alpha
        )
        got = drifted(report)
        expected = ["temp_max", "temp_min"]
        assert got == expected, (
            f"drift_report(<2012>, <2015>, FEATURES, psi_threshold={psi_threshold}, "
            f"ks_alpha={ks_alpha}): a feature drifts when PSI is above the threshold OR the KS "
            "p-value is below alpha"
        )

    @pytest.mark.rule("3.10", "3.11")
    def test_a_psi_equal_to_the_threshold_is_not_drift(self, impl: ModuleType) -> None:
        feed = weather()
        old, new = year(feed, 2012), year(feed, 2015)
        first = impl.drift_report(old, new, FEATURES, ["weather"])
        got = []
        for d in first:
            numeric = [d.feature] if d.ks_statistic is not None else []
            categorical = [] if numeric else [d.feature]
            # ks_alpha=0.0: no p-value is below it, so only the PSI can raise the alarm.
            again = impl.drift_report(old, new, numeric, categorical, d.psi, 0.0)
            got.append((d.feature, again[0].drifted))
        expected = [(d.feature, False) for d in first]
        assert got == expected, (
            "drift_report(<2012>, <2015>, [feature], psi_threshold=<that feature's own PSI>, "
            "ks_alpha=0.0): (feature, drifted); drifted when psi > psi_threshold, strictly: a "
            "PSI equal to the threshold is not drift"
        )

    @pytest.mark.rule("3.12")
    def test_the_same_window_is_quiet_for_a_synthetic_feature(self, impl: ModuleType) -> None:
        rng = np.random.default_rng(3)
        frame_a = pd.DataFrame({"x": rng.normal(10, 2, 2000)})
        frame_b = pd.DataFrame({"x": rng.normal(10, 2, 2000)})
        got = drifted(impl.drift_report(frame_a, frame_b, ["x"]))
        expected: list[str] = []
        assert got == expected, "drift_report(<2,000 draws of N(10, 2)>, <2,000 more>, ['x'])"
