"""Part 1 — Parse the log."""

from __future__ import annotations

import io
import json
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given

from grading.core import plain, returned

from .logs import PROMPT_ERRORS, PROMPT_LINES, PROMPT_ROWS, PROPERTY, log_lines
from .workloads import line_of, lines, rows

GOOD = {
    "ts_ms": 1764000000123,
    "run_id": "r-17",
    "tool": "search",
    "status": "ok",
    "latency_ms": 120.5,
}


def line(**changes: Any) -> str:
    """The GOOD record with some fields changed (a value of `...` removes the field)."""
    record = {k: v for k, v in (GOOD | changes).items() if v is not ...}
    return json.dumps(record)


def reasons(result: Any) -> list[tuple[int, str]]:
    """(line, reason) of every error: `detail` is free text and never graded."""
    return [(error.line, error.reason) for error in result.errors]


# A line with exactly one problem, and the reason it must get.
ONE_PROBLEM = {
    "truncated JSON": ('{"ts_ms": 1764000000123, "run_id": "r-17", "tool": "sea', "bad_json"),
    "not JSON at all": ("ts=1764000000123 tool=search", "bad_json"),
    "single quotes": ("{'ts_ms': 1}", "bad_json"),
    "a JSON array": ('["ts_ms", 1764000000123]', "not_object"),
    "a JSON string": ('"search"', "not_object"),
    "a JSON number": ("42", "not_object"),
    "JSON null": ("null", "not_object"),
    "empty object": ("{}", "missing_field"),
    "no ts_ms": (line(ts_ms=...), "missing_field"),
    "no run_id": (line(run_id=...), "missing_field"),
    "no tool": (line(tool=...), "missing_field"),
    "no status": (line(status=...), "missing_field"),
    "no latency_ms": (line(latency_ms=...), "missing_field"),
    "ts_ms as a string": (line(ts_ms="1764000000123"), "wrong_type"),
    "ts_ms as a float": (line(ts_ms=1764000000123.5), "wrong_type"),
    "ts_ms as true": (line(ts_ms=True), "wrong_type"),
    "run_id as a number": (line(run_id=17), "wrong_type"),
    "tool as null": (line(tool=None), "wrong_type"),
    "status as a number": (line(status=0), "wrong_type"),
    "latency_ms as a string": (line(latency_ms="120.5"), "wrong_type"),
    "latency_ms as true": (line(latency_ms=True), "wrong_type"),
    "latency_ms as false": (line(latency_ms=False), "wrong_type"),
    "latency_ms NaN": (line(latency_ms=float("nan")), "wrong_type"),
    "latency_ms Infinity": (line(latency_ms=float("inf")), "wrong_type"),
    "latency_ms -Infinity": (line(latency_ms=float("-inf")), "wrong_type"),
    "latency_ms null": (line(latency_ms=None), "wrong_type"),
    "status in capitals": (line(status="OK"), "unknown_status"),
    "status failed": (line(status="failed"), "unknown_status"),
    "negative latency": (line(latency_ms=-0.5), "negative_latency"),
}

# The row of the prompt's table that each reason comes from.
RULE_OF_REASON = {
    "bad_json": pytest.mark.rule("1.5"),
    "not_object": pytest.mark.rule("1.6"),
    "missing_field": pytest.mark.rule("1.7"),
    "wrong_type": pytest.mark.rule("1.8"),
    "unknown_status": pytest.mark.rule("1.9"),
    "negative_latency": pytest.mark.rule("1.10"),
}

# A line with several problems: the first check in the prompt's order wins.
FIRST_CHECK_WINS = {
    "two fields missing": (line(ts_ms=..., run_id=...), "missing_field"),
    "missing beats wrong type": (line(tool=..., ts_ms="x"), "missing_field"),
    "missing beats unknown status": (line(latency_ms=..., status="OK"), "missing_field"),
    "wrong type beats unknown status": (line(ts_ms=True, status="OK"), "wrong_type"),
    "NaN beats unknown status": (line(latency_ms=float("nan"), status="OK"), "wrong_type"),
    "unknown status beats negative latency": (line(status="OK", latency_ms=-1), "unknown_status"),
    "the prompt's example": (
        '{"ts_ms": true, "run_id": "r-1", "tool": "x", "status": "OK", "latency_ms": -1}',
        "wrong_type",
    ),
}


@pytest.mark.part(1)
class TestPart1Parse:
    @pytest.mark.rule("1.1")
    def test_returns_a_parse_result(self, impl: ModuleType) -> None:
        got = impl.parse_log([line()])
        returned(got, impl.ParseResult, "parse_log([one good line])")

    @pytest.mark.rule("1.1", "1.2", "1.13")
    def test_prompt_example(self, impl: ModuleType) -> None:
        result = impl.parse_log(list(PROMPT_LINES))
        got = (result.events, reasons(result))
        expected = ([impl.ToolCall(*row) for row in PROMPT_ROWS], list(PROMPT_ERRORS))
        assert got == expected, "parse_log(<the 13 lines of the example in PROMPT.md>)"

    @pytest.mark.rule("1.1")
    def test_a_good_line_becomes_a_tool_call(self, impl: ModuleType) -> None:
        result = impl.parse_log([line()])
        got = (result.events, result.errors)
        expected = ([impl.ToolCall(1764000000123, "r-17", "search", "ok", 120.5)], [])
        assert got == expected, f"parse_log([{line()!r}])"

    @pytest.mark.rule("1.13")
    def test_latency_is_stored_as_a_float(self, impl: ModuleType) -> None:
        result = impl.parse_log([line(latency_ms=120)])
        got = type(result.events[0].latency_ms)
        expected = float
        assert got is expected, f"parse_log([{line(latency_ms=120)!r}]): latency_ms 120 → 120.0"

    @pytest.mark.rule("1.13")
    def test_ts_ms_is_kept_as_given(self, impl: ModuleType) -> None:
        # 2**53 + 1 is the first integer a float cannot hold: float(ts_ms) would change it.
        text = line(ts_ms=2**53 + 1)
        event = impl.parse_log([text]).events[0]
        got = (type(event.ts_ms), event.ts_ms)
        expected = (int, 2**53 + 1)
        assert got == expected, f"parse_log([{text!r}]): (type, value) of ts_ms, kept as given"

    @pytest.mark.rule("1.10")
    def test_zero_latency_is_valid(self, impl: ModuleType) -> None:
        result = impl.parse_log([line(latency_ms=0)])
        got = (result.events, result.errors)
        expected = ([impl.ToolCall(1764000000123, "r-17", "search", "ok", 0.0)], [])
        assert got == expected, f"parse_log([{line(latency_ms=0)!r}])"

    @pytest.mark.rule("1.1")
    def test_extra_keys_are_ignored(self, impl: ModuleType) -> None:
        text = line(attempt=2, args={"q": "weather"}, trace_id=None)
        result = impl.parse_log([text])
        got = (result.events, result.errors)
        expected = ([impl.ToolCall(1764000000123, "r-17", "search", "ok", 120.5)], [])
        assert got == expected, f"parse_log([{text!r}])"

    @pytest.mark.rule("1.12")
    @pytest.mark.parametrize(
        ("text", "reason"),
        [
            pytest.param(text, reason, id=name, marks=RULE_OF_REASON[reason])
            for name, (text, reason) in ONE_PROBLEM.items()
        ],
    )
    def test_each_bad_line_gets_its_reason(self, impl: ModuleType, text: str, reason: str) -> None:
        result = impl.parse_log([text])
        got = (result.events, reasons(result))
        expected = ([], [(1, reason)])
        assert got == expected, f"parse_log([{text!r}])"

    @pytest.mark.rule("1.5", "1.14")
    @pytest.mark.parametrize(
        ("shown", "text"),
        [("'[' * 100_000", "[" * 100_000), ("'{\"a\": ' * 100_000", '{"a": ' * 100_000)],
        ids=["an array nested 100,000 deep", "an object nested 100,000 deep"],
    )
    def test_json_too_deep_for_json_loads_is_bad_json(
        self, impl: ModuleType, shown: str, text: str
    ) -> None:
        # On JSON nested this deep, json.loads raises RecursionError, which is not a ValueError.
        call = f"parse_log([{shown}])"
        try:
            result = impl.parse_log([text])
        except NotImplementedError:
            raise  # the starter's body: "not started", not a failure
        except Exception as error:  # whatever escaped, the failure names it
            escaped = type(error).__name__
        else:
            escaped = None
        if escaped is not None:
            pytest.fail(
                f"{call} raised {escaped}; bad_json is any exception json.loads raises, "
                "and parse_log never raises because of a line's content"
            )
        got = (result.events, reasons(result))
        expected = ([], [(1, "bad_json")])
        assert got == expected, call

    @pytest.mark.rule("1.4", "1.11", "1.15")
    @pytest.mark.parametrize(
        ("text", "reason"), FIRST_CHECK_WINS.values(), ids=FIRST_CHECK_WINS.keys()
    )
    def test_first_failing_check_wins(self, impl: ModuleType, text: str, reason: str) -> None:
        result = impl.parse_log([text])
        got = reasons(result)
        expected = [(1, reason)]
        assert got == expected, (
            f"parse_log([{text!r}]); checks run in the order bad_json, not_object, "
            "missing_field, wrong_type, unknown_status, negative_latency"
        )

    @pytest.mark.rule("1.3", "1.17")
    def test_blank_lines_are_skipped_but_counted(self, impl: ModuleType) -> None:
        given_lines = ["\n", line() + "\n", "   \n", "\t", "", "{oops\n"]
        result = impl.parse_log(given_lines)
        got = (len(result.events), reasons(result))
        expected = (1, [(6, "bad_json")])
        assert got == expected, f"parse_log({given_lines!r}): (number of events, errors)"

    @pytest.mark.rule("1.2")
    def test_line_numbers_count_every_line(self, impl: ModuleType) -> None:
        given_lines = [line(), "oops", line(), line(status="??"), line(), line(latency_ms=-1)]
        got = reasons(impl.parse_log(given_lines))
        expected = [(2, "bad_json"), (4, "unknown_status"), (6, "negative_latency")]
        assert got == expected, f"parse_log({given_lines!r})"

    @pytest.mark.rule("1.13")
    def test_events_keep_input_order(self, impl: ModuleType, seed: int) -> None:
        given_rows = rows(50, seed)
        result = impl.parse_log(line_of(row) for row in given_rows)
        got = result.events
        expected = [impl.ToolCall(*row) for row in given_rows]
        assert got == expected, "parse_log(<50 good lines>): events must keep the input's order"

    @pytest.mark.rule("1.4")
    def test_all_bad_lines_give_no_events(self, impl: ModuleType) -> None:
        given_lines = ["{", "[]", "{}", line(status="OK")]
        result = impl.parse_log(given_lines)
        got = (result.events, reasons(result))
        expected = (
            [],
            [(1, "bad_json"), (2, "not_object"), (3, "missing_field"), (4, "unknown_status")],
        )
        assert got == expected, f"parse_log({given_lines!r})"

    @pytest.mark.rule("1.1")
    def test_empty_input(self, impl: ModuleType) -> None:
        result = returned(impl.parse_log([]), impl.ParseResult, "parse_log([])")
        got = (result.events, result.errors)
        expected = ([], [])
        assert got == expected, "parse_log([])"

    @pytest.mark.rule("1.16", "1.17")
    def test_reads_a_one_shot_generator(
        self, impl: ModuleType, reference: ModuleType, seed: int
    ) -> None:
        got = plain(impl.parse_log(lines(300, seed, bad_every=10)))
        expected = plain(reference.parse_log(lines(300, seed, bad_every=10)))
        got["errors"] = [(e["line"], e["reason"]) for e in got["errors"]]
        expected["errors"] = [(e["line"], e["reason"]) for e in expected["errors"]]
        assert got == expected, (
            f"parse_log(<a generator of 300 lines, seed {seed}, every 10th bad>)"
        )

    @pytest.mark.rule("1.16", "1.17")
    def test_reads_an_open_file(self, impl: ModuleType, reference: ModuleType) -> None:
        text = "".join(PROMPT_LINES)
        result = impl.parse_log(io.StringIO(text))
        got = (plain(result.events), reasons(result))
        expected = (plain([reference.ToolCall(*row) for row in PROMPT_ROWS]), list(PROMPT_ERRORS))
        assert got == expected, (
            "parse_log(io.StringIO(<the 13 lines of the example in PROMPT.md>)): an open text "
            "file, read line by line"
        )

    @pytest.mark.rule("1.4", "1.14")
    @PROPERTY
    @given(given_lines=log_lines)
    def test_never_raises_and_agrees_with_the_reference(
        self, impl: ModuleType, reference: ModuleType, given_lines: list[str]
    ) -> None:
        result = impl.parse_log(given_lines)
        exact = reference.parse_log(given_lines)
        got = (plain(result.events), reasons(result))
        expected = (plain(exact.events), reasons(exact))
        assert got == expected, f"parse_log({given_lines!r})"
