"""grading.core.expect: the helpers exercise test suites use to compare results and to word
failures."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from grading.core import expect


@dataclass
class Point:
    x: int
    y: tuple[int, ...]


class TestPlain:
    def test_a_dataclass_instance_becomes_a_dict_of_plain_values(self) -> None:
        got = expect.plain(Point(1, (2, 3)))
        assert got == {"x": 1, "y": [2, 3]}, (
            f"expected fields as a dict, tuple as list; got {got!r}"
        )
        assert type(got) is dict, f"expected a dict, got {type(got).__name__}"

    def test_a_dataclass_class_itself_is_left_alone(self) -> None:
        assert expect.plain(Point) is Point, "expected the class object back unchanged"

    def test_lists_and_tuples_become_lists_all_the_way_down(self) -> None:
        got = expect.plain((1, [Point(4, ())], {"k": (5,)}))
        assert got == [1, [{"x": 4, "y": []}], {"k": [5]}], f"got {got!r}"
        assert type(got) is list and type(got[2]["k"]) is list, f"expected lists, got {got!r}"

    @pytest.mark.parametrize("value", [5, "text", None, 2.5])
    def test_scalars_come_back_unchanged(self, value: object) -> None:
        assert expect.plain(value) == value, f"expected {value!r} back unchanged"


class TestReturned:
    def test_the_right_kind_is_handed_back(self) -> None:
        assert expect.returned(3, int, "add(1, 2)") == 3

    def test_the_message_names_the_call_what_came_back_and_the_kind(self) -> None:
        with pytest.raises(AssertionError) as raised:
            expect.returned("3", int, "add(1, 2)")
        first = str(raised.value).splitlines()[0]  # pytest may add its own explanation below
        assert first == "add(1, 2) returned '3'; expected a int", first

    def test_a_repr_of_exactly_80_characters_is_shown_whole(self) -> None:
        value = "x" * 78  # repr adds two quotes: 80 characters
        with pytest.raises(AssertionError) as raised:
            expect.returned(value, int, "f()")
        assert f"returned {value!r};" in str(raised.value), str(raised.value)

    def test_a_longer_repr_is_cut_to_80_characters_ending_in_an_ellipsis(self) -> None:
        value = "abcdefghij" * 9  # repr: 92 characters
        with pytest.raises(AssertionError) as raised:
            expect.returned(value, int, "f()")
        shown = repr(value)[:79] + "…"
        assert len(shown) == 80
        first = str(raised.value).splitlines()[0]
        assert first == f"f() returned {shown}; expected a int", first

    def test_short_cuts_to_the_width_it_is_given(self) -> None:
        assert expect._short("abcdef", width=5) == "'abc…", "expected 4 characters and '…'"
        assert expect._short("abc", width=5) == "'abc'", "expected a repr that fits shown whole"
