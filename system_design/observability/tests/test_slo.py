"""Part 3 — SLO error budget and burn-rate alerts."""

from __future__ import annotations

from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grading.core import returned

from .series import DAY, SLO, MinuteRow, sli_series, with_spikes
from .traces import PROPERTY

# PROMPT.md's worked example: SLO 0.9, one rule ("fast", long 4, short 2, threshold 2.0).
PROMPT_ROWS: tuple[MinuteRow, ...] = tuple((10 - bad, 10) for bad in (0, 0, 5, 5, 1, 0, 0, 8))
PROMPT_SLO = 0.9
PROMPT_RULE = ("fast", 4, 2, 2.0)
PROMPT_ALERTS = [("fast", 3, 4), ("fast", 7, 7)]

WEEK = 7 * DAY
INCIDENT_START = 3 * DAY  # 5% errors (burn rate 50) for an hour
INCIDENT = ((INCIDENT_START, 60, 0.05),)
SLOW_BURN = ((3 * DAY, 2 * DAY, 0.002),)  # burn rate 2 for two days


def minutes(impl: ModuleType, rows: list[MinuteRow] | tuple[MinuteRow, ...]) -> list[object]:
    return [impl.Minute(good, total) for good, total in rows]


def triples(alerts: list[object]) -> list[tuple[str, int, int]]:
    return [(a.rule, a.start, a.end) for a in alerts]  # type: ignore[attr-defined]


def default_rules(impl: ModuleType) -> tuple[object, ...]:
    return tuple(
        impl.BurnRule(*r)
        for r in (
            ("page-1h", 60, 5, 14.4),
            ("page-6h", 360, 30, 6.0),
            ("ticket-3d", 4320, 360, 1.0),
        )
    )


def of_rule(alerts: list[tuple[str, int, int]], prefix: str) -> list[tuple[str, int, int]]:
    return [a for a in alerts if a[0].startswith(prefix)]


small_series = st.lists(
    st.integers(0, 12).flatmap(lambda total: st.tuples(st.integers(0, total), st.just(total))),
    max_size=40,
)
small_rules = st.lists(
    st.tuples(
        st.sampled_from(("a", "b", "c")),
        st.integers(1, 12),
        st.integers(1, 4),
        st.sampled_from((1.0, 2.5, 3.14159, 6.0)),
    ),
    min_size=1,
    max_size=3,
    unique_by=lambda rule: rule[0],
)


@pytest.mark.part(3)
class TestPart3BurnRate:
    @pytest.mark.rule("3.1")
    @pytest.mark.parametrize(
        ("bad", "total", "slo", "expected"),
        [
            (2, 1_000, 0.999, 2.0),
            (1_000, 1_000, 0.999, 1_000.0),
            (5, 100, 0.95, 1.0),
            (0, 0, 0.999, 0.0),
        ],
    )
    def test_burn_rate(
        self, impl: ModuleType, bad: int, total: int, slo: float, expected: float
    ) -> None:
        got = impl.burn_rate(bad, total, slo)
        assert got == pytest.approx(expected, rel=1e-9), (
            f"burn_rate({bad}, {total}, {slo}): (bad / total) / (1 - slo), 0.0 for no events"
        )

    @pytest.mark.rule("3.2")
    @pytest.mark.parametrize(
        ("end", "window", "expected"),
        [(3, 4, 2.5), (3, 2, 5.0), (1, 4, 0.0), (2, 60, 5 / 30 / 0.1), (7, 1, 8.0)],
    )
    def test_window_burn_rate(
        self, impl: ModuleType, end: int, window: int, expected: float
    ) -> None:
        got = impl.window_burn_rate(minutes(impl, PROMPT_ROWS), end, window, PROMPT_SLO)
        assert got == pytest.approx(expected, rel=1e-9), (
            f"window_burn_rate(<PROMPT.md's 8 minutes>, end={end}, minutes={window}, slo=0.9): "
            f"indexes max(0, {end} - {window} + 1) .. {end}, both included"
        )

    @pytest.mark.rule("3.2")
    def test_window_burn_rate_pools_the_events_of_its_minutes(self, impl: ModuleType) -> None:
        # Traffic varies: the window's rate is its bad events over its events, not the mean of
        # the minutes' rates (which would give (0 + 10) / 2 = 5.0 here).
        rows = ((0, 10), (100, 100))
        got = impl.window_burn_rate(minutes(impl, rows), 1, 2, 0.9)
        expected = (10 / 110) / (1 - 0.9)
        assert got == pytest.approx(expected, rel=1e-9), (
            f"window_burn_rate(<Minutes {rows}>, end=1, minutes=2, slo=0.9): burn_rate of the "
            "window's summed bad and total events, 10 bad of 110"
        )

    @pytest.mark.rule("3.2")
    @PROPERTY
    @given(
        rows=small_series.filter(bool),
        end=st.integers(0, 39),
        window=st.integers(1, 12),
        slo=st.sampled_from((0.9, 0.99)),
    )
    def test_window_burn_rate_agrees_with_the_reference(
        self,
        impl: ModuleType,
        reference: ModuleType,
        rows: list[MinuteRow],
        end: int,
        window: int,
        slo: float,
    ) -> None:
        end = min(end, len(rows) - 1)
        got = impl.window_burn_rate(minutes(impl, rows), end, window, slo)
        expected = reference.window_burn_rate(minutes(reference, rows), end, window, slo)
        assert got == pytest.approx(expected, rel=1e-9), (
            f"window_burn_rate(<Minutes {rows}>, end={end}, minutes={window}, slo={slo})"
        )

    @pytest.mark.rule("3.3")
    @pytest.mark.parametrize(
        ("rows", "slo", "expected"),
        [
            (PROMPT_ROWS, 0.9, 1 - 19 / 8),
            (((999_500, 1_000_000),), 0.999, 0.5),
            (((1_000, 1_000),), 0.999, 1.0),
            ((), 0.999, 1.0),
        ],
        ids=["prompt example, overspent", "half spent", "nothing spent", "no events"],
    )
    def test_budget_remaining(
        self, impl: ModuleType, rows: tuple[MinuteRow, ...], slo: float, expected: float
    ) -> None:
        got = impl.budget_remaining(minutes(impl, rows), slo)
        assert got == pytest.approx(expected, rel=1e-9), (
            f"budget_remaining(<Minutes {rows[:3]}{'...' if len(rows) > 3 else ''}>, {slo}): "
            "1 - bad / ((1 - slo) * total)"
        )

    @pytest.mark.rule("3.6")
    def test_default_rules(self, impl: ModuleType, reference: ModuleType, seed: int) -> None:
        rows = sli_series(WEEK, seed, incidents=INCIDENT)
        alerts = triples(impl.evaluate_alerts(minutes(impl, rows), SLO))  # rules left out
        expected_alerts = triples(
            reference.evaluate_alerts(minutes(reference, rows), SLO, default_rules(reference))
        )
        got = (
            [
                (r.long_minutes, r.short_minutes, r.threshold, r.name.split("-")[0])
                for r in impl.DEFAULT_RULES
            ],
            alerts,
        )
        expected = (
            [(60, 5, 14.4, "page"), (360, 30, 6.0, "page"), (4320, 360, 1.0, "ticket")],
            expected_alerts,
        )
        assert got == expected, (
            "(DEFAULT_RULES as (long_minutes, short_minutes, threshold, page or ticket), "
            f"evaluate_alerts(<7 days, seed {seed}, a 5% outage>, 0.999) without rules): PROMPT.md "
            "gives page 1 h/5 min >= 14.4, page 6 h/30 min >= 6, ticket 3 d/6 h >= 1"
        )

    @pytest.mark.rule("3.4", "3.5")
    def test_alerts_prompt_example(self, impl: ModuleType) -> None:
        got = impl.evaluate_alerts(
            minutes(impl, PROMPT_ROWS), PROMPT_SLO, [impl.BurnRule(*PROMPT_RULE)]
        )
        returned(
            got,
            list,
            "evaluate_alerts(<PROMPT.md's 8 minutes>, 0.9, [BurnRule('fast', 4, 2, 2.0)])",
        )
        assert triples(got) == PROMPT_ALERTS, (
            "evaluate_alerts(<PROMPT.md's 8 minutes>, 0.9, [BurnRule('fast', 4, 2, 2.0)]): "
            "(rule, start, end) of each alert"
        )

    @pytest.mark.rule("3.4")
    def test_alerts_are_ordered_by_start_then_rule(self, impl: ModuleType) -> None:
        rules = [impl.BurnRule("zeta", 1, 1, 2.0), impl.BurnRule("alpha", 2, 1, 2.0)]
        got = triples(impl.evaluate_alerts(minutes(impl, PROMPT_ROWS), PROMPT_SLO, rules))
        expected = [("alpha", 2, 3), ("zeta", 2, 3), ("alpha", 7, 7), ("zeta", 7, 7)]
        assert got == expected, (
            "evaluate_alerts(<PROMPT.md's 8 minutes>, 0.9, [BurnRule('zeta', 1, 1, 2.0), "
            "BurnRule('alpha', 2, 1, 2.0)])"
        )

    @pytest.mark.rule("3.5")
    @pytest.mark.parametrize(
        ("rows", "slo", "rule", "expected"),
        [
            (((1, 2),) * 3, 0.5, ("r", 2, 1, 1.0), [("r", 1, 2)]),
            (((2, 4),) * 4, 0.75, ("r", 3, 2, 2.0), [("r", 2, 3)]),
        ],
        ids=["burn exactly 1.0", "burn exactly 2.0"],
    )
    def test_a_burn_exactly_at_the_threshold_fires(
        self,
        impl: ModuleType,
        rows: tuple[MinuteRow, ...],
        slo: float,
        rule: tuple[str, int, int, float],
        expected: list[tuple[str, int, int]],
    ) -> None:
        # Exact in binary floating point: (1 / 2) / 0.5 == 1.0 and (2 / 4) / 0.25 == 2.0.
        got = triples(impl.evaluate_alerts(minutes(impl, rows), slo, [impl.BurnRule(*rule)]))
        assert got == expected, (
            f"evaluate_alerts(<Minutes {rows}>, {slo}, [BurnRule{rule}]): both windows burn at "
            f"exactly {rule[3]}; PROMPT.md fires at >= threshold"
        )

    @pytest.mark.rule("3.7")
    def test_a_fast_burn_pages_within_20_minutes(self, impl: ModuleType, seed: int) -> None:
        rows = sli_series(WEEK, seed, incidents=INCIDENT)
        alerts = triples(impl.evaluate_alerts(minutes(impl, rows), SLO, default_rules(impl)))
        starts = [a[1] for a in of_rule(alerts, "page-1h") if a[2] >= INCIDENT_START]
        got = starts[0] - INCIDENT_START if starts else None
        assert got is not None and 0 <= got <= 20, (
            f"evaluate_alerts(<7 days, seed {seed}, 5% errors from minute {INCIDENT_START} for 60 "
            f"minutes>, 0.999, DEFAULT_RULES): page-1h fired {got} minutes after the incident "
            "began; a burn rate of 50 fills the 1-hour window to 14.4 in about 17 minutes"
        )

    @pytest.mark.rule("3.7")
    def test_the_page_stops_within_the_short_window_after_recovery(
        self, impl: ModuleType, seed: int
    ) -> None:
        rows = sli_series(WEEK, seed, incidents=INCIDENT)
        alerts = triples(impl.evaluate_alerts(minutes(impl, rows), SLO, default_rules(impl)))
        pages = of_rule(alerts, "page-1h")
        recovered = INCIDENT_START + 60
        got = max((a[2] for a in pages), default=None)
        assert got is not None and got < recovered + 5, (
            f"evaluate_alerts(<7 days, seed {seed}, 5% errors at minutes {INCIDENT_START}.."
            f"{recovered - 1}>, 0.999, DEFAULT_RULES): page-1h alerts {pages}; once errors stop, "
            "the 5-minute window clears it within 5 minutes, while the 1-hour window alone would "
            "keep paging for most of an hour"
        )

    @pytest.mark.rule("3.8")
    def test_budget_safe_noise_raises_no_alert(self, impl: ModuleType, seed: int) -> None:
        # A one-minute spike to 10% errors every 4 hours: 92% of the budget spent, no outage.
        rows = with_spikes(sli_series(WEEK, seed), every=240, rate=0.10)
        got = triples(impl.evaluate_alerts(minutes(impl, rows), SLO, default_rules(impl)))
        assert got == [], (
            f"evaluate_alerts(<7 days, seed {seed}, 0.05% errors, a 1-minute spike to 10% every "
            "240 minutes>, 0.999, DEFAULT_RULES): a spike burns at 100 for one minute, which no "
            "long window sees as an incident"
        )

    @pytest.mark.rule("3.9")
    def test_a_slow_burn_opens_a_ticket_not_a_page(self, impl: ModuleType, seed: int) -> None:
        rows = sli_series(WEEK, seed, incidents=SLOW_BURN)
        alerts = triples(impl.evaluate_alerts(minutes(impl, rows), SLO, default_rules(impl)))
        tickets = of_rule(alerts, "ticket")
        got = (
            of_rule(alerts, "page"),
            bool(tickets) and 3 * DAY + 720 < tickets[0][1] <= 4 * DAY + 180,
        )
        expected = ([], True)
        assert got == expected, (
            f"evaluate_alerts(<7 days, seed {seed}, burn rate 2 from day 3 for 2 days>, 0.999, "
            f"DEFAULT_RULES): (page alerts, ticket opened about a day in); alerts: {alerts}"
        )

    @pytest.mark.rule("3.10")
    def test_thirty_days_match_the_reference(
        self, impl: ModuleType, reference: ModuleType, seed: int
    ) -> None:
        # 43,200 minutes: a loop that re-adds each window (4,320 minutes wide) times out here.
        rows = sli_series(30 * DAY, seed, incidents=(*INCIDENT, (20 * DAY, 3 * DAY, 0.0015)))
        got = triples(impl.evaluate_alerts(minutes(impl, rows), SLO, default_rules(impl)))
        expected = triples(
            reference.evaluate_alerts(minutes(reference, rows), SLO, default_rules(reference))
        )
        assert got == expected, (
            f"evaluate_alerts(<30 days, seed {seed}, an outage and a 3-day slow burn>, 0.999, "
            "DEFAULT_RULES)"
        )

    @pytest.mark.rule("3.4", "3.5")
    @PROPERTY
    @given(rows=small_series, rules=small_rules, slo=st.sampled_from((0.9, 0.99)))
    def test_alerts_agree_with_the_reference(
        self,
        impl: ModuleType,
        reference: ModuleType,
        rows: list[MinuteRow],
        rules: list[tuple[str, int, int, float]],
        slo: float,
    ) -> None:
        got = triples(
            impl.evaluate_alerts(minutes(impl, rows), slo, [impl.BurnRule(*r) for r in rules])
        )
        expected = triples(
            reference.evaluate_alerts(
                minutes(reference, rows), slo, [reference.BurnRule(*r) for r in rules]
            )
        )
        assert got == expected, f"evaluate_alerts(<Minutes {rows}>, {slo}, <BurnRules {rules}>)"
