"""Part 1 — Data contract."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest

from grading.core import plain, returned

from .helpers import weather

FRESH = pd.Timestamp("2024-01-05")  # one day after the small batch's newest row
DATA_END = pd.Timestamp("2016-01-01")  # one day after the weather feed's newest row

Found = list[tuple[str, str | None, tuple[int, ...]]]


def small_batch() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "day": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]),
            "temp": [1.5, 2.0, 3.5, 4.0],
            "label": ["sun", "rain", "sun", "fog"],
        }
    )


def small_contract(
    impl: ModuleType, temp_nullable: bool = False, day_nullable: bool = False
) -> Any:
    return impl.Contract(
        columns=(
            impl.Column("day", "datetime", nullable=day_nullable),
            impl.Column("temp", "numeric", nullable=temp_nullable, min_value=-10.0, max_value=40.0),
            impl.Column("label", "string", allowed=("fog", "rain", "sun")),
        ),
        time_column="day",
        max_age_days=2,
    )


def found(violations: Any) -> Found:
    """(kind, column, rows) of every violation, sorted: the order and the messages aside."""
    return sorted((v.kind, v.column, tuple(v.rows)) for v in violations)


def changed(**columns: Any) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """A corruption: set whole columns (`temp=[...]`) or cells (`temp={1: np.nan}`)."""

    def corrupt(frame: pd.DataFrame) -> pd.DataFrame:
        for name, value in columns.items():
            if isinstance(value, dict):
                values = frame[name].astype(object).tolist()
                for row, cell in value.items():
                    values[row] = cell
                frame[name] = pd.Series(values, dtype=frame[name].dtype)
            else:
                frame[name] = value
        return frame

    return corrupt


def dropped(name: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    return lambda frame: frame.drop(columns=[name])


# corruption of the small batch -> every violation it must produce (kind, column, rows)
CORRUPTIONS: dict[str, tuple[Callable[[pd.DataFrame], pd.DataFrame], Found]] = {
    "a missing column": (dropped("temp"), [("missing_column", "temp", ())]),
    "numbers sent as text": (
        changed(temp=["1.5", "2.0", "3.5", "4.0"]),
        [("wrong_dtype", "temp", ())],
    ),
    "booleans where a number belongs": (
        changed(temp=[True, False, True, True]),
        [("wrong_dtype", "temp", ())],
    ),
    "dates sent as text (no time checks then)": (
        changed(day=["2024-01-01", "2024-01-01", "2024-01-03", "2024-01-04"]),
        [("wrong_dtype", "day", ())],
    ),
    "labels sent as codes": (changed(label=[0, 1, 0, 2]), [("wrong_dtype", "label", ())]),
    "a number among the labels (object column, one value not a str)": (
        changed(label=pd.Series(["sun", 1, "sun", "fog"], dtype=object)),
        [("wrong_dtype", "label", ())],
    ),
    "labels all missing, so the column is numeric (float NaN)": (
        changed(label=[np.nan, np.nan, np.nan, np.nan]),
        [("wrong_dtype", "label", ())],
    ),
    "labels all missing as dates (NaT), so the column is datetime": (
        changed(label=pd.Series([pd.NaT] * 4, dtype="datetime64[ns]")),
        [("wrong_dtype", "label", ())],
    ),
    "a missing number": (changed(temp={1: np.nan}), [("null", "temp", (1,))]),
    "a missing label": (changed(label={2: None}), [("null", "label", (2,))]),
    "a missing date": (changed(day={3: pd.NaT}), [("null", "day", (3,))]),
    "too cold and too hot": (
        changed(temp={0: -11.0, 3: 41.0}),
        [("out_of_range", "temp", (0, 3))],
    ),
    "an unknown label": (changed(label={1: "hail"}), [("unknown_category", "label", (1,))]),
    "labels are case-sensitive": (
        changed(label={0: "Sun"}),
        [("unknown_category", "label", (0,))],
    ),
    "a repeated day": (
        changed(day={2: pd.Timestamp("2024-01-02")}),
        [("not_increasing", "day", (2,))],
    ),
    "days out of order": (
        changed(day={1: pd.Timestamp("2024-01-03"), 2: pd.Timestamp("2024-01-02")}),
        [("not_increasing", "day", (2,))],
    ),
    "several problems at once, all reported": (
        changed(
            temp={1: np.nan, 2: 99.0},
            label={1: "hail"},
            day={3: pd.Timestamp("2024-01-03")},
        ),
        [
            ("not_increasing", "day", (3,)),
            ("null", "temp", (1,)),
            ("out_of_range", "temp", (2,)),
            ("unknown_category", "label", (1,)),
        ],
    ),
}

# corruption of the real feed -> what the learner's weather_contract() must catch
FEED_CORRUPTIONS: dict[str, tuple[Callable[[pd.DataFrame], pd.DataFrame], Found]] = {
    "a 60 °C day": (changed(temp_max={100: 60.0}), [("out_of_range", "temp_max", (100,))]),
    "a -45 °C night": (changed(temp_min={5: -45.0}), [("out_of_range", "temp_min", (5,))]),
    "negative rain": (changed(precipitation={7: -0.1}), [("out_of_range", "precipitation", (7,))]),
    "negative wind": (changed(wind={8: -2.0}), [("out_of_range", "wind", (8,))]),
    "a missing wind reading": (changed(wind={9: np.nan}), [("null", "wind", (9,))]),
    "labels outside the five": (
        changed(weather={11: "hail", 12: "Rain"}),
        [("unknown_category", "weather", (11, 12))],
    ),
    "a day sent twice": (
        changed(date={400: pd.Timestamp("2013-02-03")}),
        [("not_increasing", "date", (400,))],
    ),
    "the label column is gone": (dropped("weather"), [("missing_column", "weather", ())]),
    "dates as text": (
        lambda frame: frame.assign(date=frame["date"].dt.strftime("%Y-%m-%d")),
        [("wrong_dtype", "date", ())],
    ),
}


@pytest.mark.part(1)
class TestPart1Contract:
    @pytest.mark.rule("1.1")
    def test_returns_a_list_of_violations(self, impl: ModuleType) -> None:
        batch = changed(temp={1: np.nan})(small_batch())
        got = returned(
            impl.validate(batch, small_contract(impl), FRESH), list, "validate(<batch>, ...)"
        )
        kinds = [type(v).__name__ for v in got]
        assert kinds == ["Violation"], f"validate(<batch with one null>) returned {got!r}"

    @pytest.mark.rule("1.1", "1.6", "1.7", "1.8", "1.9", "1.10")
    def test_the_prompt_example(self, impl: ModuleType) -> None:
        batch = pd.DataFrame(
            {
                "day": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-02", "2024-01-04"]),
                "temp": [1.5, None, 99.0, 4.0],
                "label": ["sun", "rain", "hail", "fog"],
            }
        )
        got = found(impl.validate(batch, small_contract(impl), pd.Timestamp("2024-01-10")))
        expected: Found = sorted(
            [
                ("null", "temp", (1,)),
                ("out_of_range", "temp", (2,)),
                ("unknown_category", "label", (2,)),
                ("not_increasing", "day", (2,)),
                ("stale", "day", ()),
            ]
        )
        assert got == expected, (
            "validate(<the batch of PROMPT.md, Part 1>, <its contract>, as_of=2024-01-10): "
            "sorted (kind, column, rows); every violation, not the first"
        )

    @pytest.mark.rule("1.1")
    def test_a_valid_batch_has_no_violations(self, impl: ModuleType) -> None:
        got = impl.validate(small_batch(), small_contract(impl), FRESH)
        expected: list[Any] = []
        assert got == expected, "validate(<the 4-row batch, valid>, <contract>, as_of=2024-01-05)"

    @pytest.mark.rule(
        "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "1.11", "1.12", "1.13", "1.16"
    )
    @pytest.mark.parametrize(("corrupt", "expected"), CORRUPTIONS.values(), ids=CORRUPTIONS.keys())
    def test_each_corruption_is_reported_with_its_rows(
        self, impl: ModuleType, corrupt: Callable[[pd.DataFrame], pd.DataFrame], expected: Found
    ) -> None:
        batch = corrupt(small_batch())
        got = found(impl.validate(batch, small_contract(impl), FRESH))
        assert got == expected, (
            f"validate(<batch>, ...) on\n{batch}\n: sorted (kind, column, rows), rows are "
            "0-based positions"
        )

    @pytest.mark.rule("1.14")
    def test_every_message_names_its_column(self, impl: ModuleType) -> None:
        corrupt, _ = CORRUPTIONS["several problems at once, all reported"]
        violations = impl.validate(corrupt(small_batch()), small_contract(impl), FRESH)
        got = [(v.column, v.message) for v in violations if v.column not in v.message]
        expected: list[Any] = []
        assert got == expected, "validate(...): each message must say which column is wrong"

    @pytest.mark.rule("1.15")
    def test_columns_the_contract_does_not_mention_are_ignored(self, impl: ModuleType) -> None:
        batch = small_batch().assign(
            note=pd.Series([None, 1, "x", -1e9], dtype=object), flag=[True, False, True, True]
        )
        got = found(impl.validate(batch, small_contract(impl), FRESH))
        expected: Found = []
        assert got == expected, (
            "validate(<valid batch + undeclared columns 'note' (mixed, with a None) and 'flag'>, "
            "...): columns the contract does not mention are ignored"
        )

    @pytest.mark.rule("1.6", "1.13")
    def test_nullable_columns_may_be_missing(self, impl: ModuleType) -> None:
        batch = changed(temp={0: np.nan, 2: np.nan})(small_batch())
        got = found(impl.validate(batch, small_contract(impl, temp_nullable=True), FRESH))
        expected: Found = []
        assert got == expected, "validate(<temp null at rows 0 and 2>, <temp nullable>)"

    @pytest.mark.rule("1.7")
    def test_range_bounds_are_inclusive(self, impl: ModuleType) -> None:
        batch = changed(temp={0: -10.0, 3: 40.0})(small_batch())
        got = found(impl.validate(batch, small_contract(impl), FRESH))
        expected: Found = []
        assert got == expected, "validate(<temp -10 and 40>, <range [-10, 40]>)"

    @pytest.mark.rule("1.11")
    def test_rows_are_positions_not_index_labels(self, impl: ModuleType) -> None:
        batch = changed(label={2: "hail"})(small_batch())
        batch.index = pd.Index([7, 7, 3, 1])  # shuffled and repeated labels, as after a concat
        got = found(impl.validate(batch, small_contract(impl), FRESH))
        expected: Found = [("unknown_category", "label", (2,))]
        assert got == expected, "validate(<index [7, 7, 3, 1], bad label in the 3rd row>)"

    @pytest.mark.parametrize(
        ("as_of", "expected"),
        [
            ("2024-01-06", []),
            ("2024-01-06 00:00:01", [("stale", "day", ())]),
            ("2024-02-01", [("stale", "day", ())]),
        ],
        ids=["exactly 2 days old is fresh", "a second more is stale", "a month old"],
    )
    @pytest.mark.rule("1.10")
    def test_freshness(self, impl: ModuleType, as_of: str, expected: Found) -> None:
        got = found(impl.validate(small_batch(), small_contract(impl), pd.Timestamp(as_of)))
        assert got == expected, (
            f"validate(<newest row 2024-01-04>, <max_age_days=2>, as_of={as_of}): stale when "
            "as_of - newest > max_age_days"
        )

    @pytest.mark.parametrize(
        ("days", "expected"),
        [
            (["2024-01-02", "2024-01-04", None, "2024-01-03"], []),
            (["2024-01-01", None, "2024-01-03", "2024-01-02"], [("not_increasing", "day", (3,))]),
        ],
        ids=["a time after a missing one is not compared", "both times present: flagged"],
    )
    @pytest.mark.rule("1.9")
    def test_missing_times_are_not_compared(
        self, impl: ModuleType, days: list[str | None], expected: Found
    ) -> None:
        batch = small_batch().assign(day=pd.to_datetime(pd.Series(days)))
        got = found(impl.validate(batch, small_contract(impl, day_nullable=True), FRESH))
        assert got == expected, (
            f"validate(<day {days}, nullable>, ...): not_increasing compares each row with the "
            "previous row, and 'rows where either time is missing are not flagged' (PROMPT.md, "
            "Part 1): the row after a missing time is not compared with an earlier one"
        )

    @pytest.mark.rule("1.10")
    def test_a_time_column_without_values_is_stale(self, impl: ModuleType) -> None:
        batch = small_batch().assign(day=pd.Series([pd.NaT] * 4, dtype="datetime64[ns]"))
        got = found(impl.validate(batch, small_contract(impl, day_nullable=True), FRESH))
        expected: Found = [("stale", "day", ())]
        assert got == expected, (
            "validate(<day all NaT, nullable>, <max_age_days=2>, as_of=2024-01-05): a time "
            "column with no values is stale ('or the time column has no values', PROMPT.md)"
        )

    @pytest.mark.rule("1.10")
    def test_no_as_of_means_no_freshness_check(self, impl: ModuleType) -> None:
        got = found(impl.validate(small_batch(), small_contract(impl)))
        expected: Found = []
        assert got == expected, "validate(<valid batch>, <contract>) without as_of"

    @pytest.mark.rule("1.17")
    def test_the_input_frame_is_not_modified(self, impl: ModuleType) -> None:
        corrupt, _ = CORRUPTIONS["several problems at once, all reported"]
        batch = corrupt(small_batch())
        batch.index = pd.Index([10, 11, 12, 13])
        before = batch.copy(deep=True)
        impl.validate(batch, small_contract(impl), FRESH)
        got = (list(batch.columns), batch.equals(before), list(batch.index))
        expected = (list(before.columns), True, list(before.index))
        assert got == expected, (
            "validate(<batch with index 10..13>, ...): (columns, values unchanged?, index) "
            "must be as they were"
        )

    @pytest.mark.rule("1.18", "1.19")
    def test_weather_contract_matches_the_table(
        self, impl: ModuleType, reference: ModuleType
    ) -> None:
        got = plain(impl.weather_contract())
        expected = plain(reference.weather_contract())
        assert got == expected, "weather_contract(): see the table in PROMPT.md, Part 1"

    @pytest.mark.rule("1.20")
    def test_the_real_feed_is_valid(self, impl: ModuleType) -> None:
        feed = weather()
        got = found(impl.validate(feed, impl.weather_contract(), DATA_END))
        expected: Found = []
        assert got == expected, (
            "validate(<seattle-weather, 1,461 rows>, weather_contract(), 2016-01-01)"
        )

    @pytest.mark.rule("1.17")
    def test_the_real_feed_is_not_modified(self, impl: ModuleType) -> None:
        feed = changed(wind={9: np.nan})(weather())
        before = feed.copy(deep=True)
        impl.validate(feed, impl.weather_contract(), DATA_END)
        got = (list(feed.columns), feed.equals(before))
        expected = (list(before.columns), True)
        assert got == expected, "validate(<seattle-weather>, weather_contract()) changed the frame"

    @pytest.mark.parametrize(
        ("corrupt", "expected"), FEED_CORRUPTIONS.values(), ids=FEED_CORRUPTIONS.keys()
    )
    @pytest.mark.rule("1.18")
    def test_weather_contract_rejects_corrupted_feeds(
        self, impl: ModuleType, corrupt: Callable[[pd.DataFrame], pd.DataFrame], expected: Found
    ) -> None:
        got = found(impl.validate(corrupt(weather()), impl.weather_contract(), DATA_END))
        assert got == expected, (
            "validate(<corrupted seattle-weather>, weather_contract(), 2016-01-01)"
        )

    @pytest.mark.rule("1.19")
    def test_weather_contract_says_a_daily_feed_goes_stale(self, impl: ModuleType) -> None:
        as_of = pd.Timestamp("2016-01-05")
        got = found(impl.validate(weather(), impl.weather_contract(), as_of))
        expected: Found = [("stale", "date", ())]
        assert got == expected, (
            "validate(<seattle-weather, newest 2015-12-31>, weather_contract(), 2016-01-05)"
        )
