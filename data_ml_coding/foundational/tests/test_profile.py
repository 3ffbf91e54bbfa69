"""Part 1 — Load and profile."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest
from scipy.stats import f_oneway

from grading.core import returned

from . import oracle


def counted(column: pd.Series) -> list[tuple[str, int]]:
    """Value counts of the present values, most frequent first, ties by value."""
    counts = column.dropna().astype(str).value_counts()
    return sorted(((str(k), int(v)) for k, v in counts.items()), key=lambda kv: (-kv[1], kv[0]))


def dropped(name: str) -> Callable[[pd.DataFrame], None]:
    def change(frame: pd.DataFrame) -> None:
        del frame[name]

    return change


def replaced(name: str, values: object) -> Callable[[pd.DataFrame], None]:
    def change(frame: pd.DataFrame) -> None:
        frame[name] = values

    return change


def cell(row: int, name: str, value: object) -> Callable[[pd.DataFrame], None]:
    def change(frame: pd.DataFrame) -> None:
        if value is None or isinstance(value, str):
            frame[name] = frame[name].astype(object)
        frame.loc[row, name] = value

    return change


# One broken copy of the raw table each: the column the error must name, and a word it must say.
BROKEN = {
    "body_mass_g missing": (dropped("body_mass_g"), "body_mass_g", "missing"),
    "species missing": (dropped("species"), "species", "missing"),
    "body_mass_g as text": (
        lambda f: replaced("body_mass_g", f["body_mass_g"].astype(str))(f),
        "body_mass_g",
        "dtype",
    ),
    "year as a fraction": (lambda f: replaced("year", f["year"] + 0.5)(f), "year", "dtype"),
    "island as numbers": (replaced("island", 1), "island", "dtype"),
    "body_mass_g as booleans": (replaced("body_mass_g", True), "body_mass_g", "dtype"),
    "an unknown species": (cell(0, "species", "Emperor"), "species", "Emperor"),
    "sex in capitals": (cell(0, "sex", "MALE"), "sex", "MALE"),
    "a missing species": (cell(5, "species", None), "species", "missing"),
    "a missing island": (cell(5, "island", None), "island", "missing"),
    "a negative body mass": (cell(0, "body_mass_g", -1.0), "body_mass_g", "-1"),
    "a flipper of 3 metres": (cell(7, "flipper_length_mm", 3000.0), "flipper_length_mm", "3000"),
    "a year before the study": (cell(0, "year", 1999), "year", "1999"),
}

# A small table whose profile is easy to check by hand.
SMALL = {
    "species": ["Adelie", "Gentoo", "Adelie", "Chinstrap", "Adelie", "Gentoo"],
    "island": ["Dream", "Biscoe", "Torgersen", "Dream", "Dream", "Biscoe"],
    "bill_length_mm": [43.0, 47.0, np.nan, 47.0, 43.0, 45.0],
    "bill_depth_mm": [18.0, 15.0, np.nan, 18.0, 19.0, 14.0],
    "flipper_length_mm": [190.0, 215.0, np.nan, 195.0, 185.0, 220.0],
    "body_mass_g": [3700.0, 5000.0, np.nan, 3800.0, 3500.0, 5200.0],
    "sex": ["male", "female", np.nan, "female", np.nan, "male"],
    "year": [2007, 2008, 2008, 2009, 2009, 2009],
}


@pytest.mark.part(1)
class TestPart1LoadAndProfile:
    @pytest.mark.rule("1.13")
    def test_load_data_returns_a_data_frame(self, impl: ModuleType) -> None:
        returned(impl.load_data(), pd.DataFrame, "load_data()")

    @pytest.mark.rule("1.1", "1.2", "1.3", "1.4", "1.13")
    def test_load_data_types_every_column_of_the_contract(self, impl: ModuleType) -> None:
        frame = impl.load_data()
        expected_frame = oracle.penguins()
        got = {name: str(dtype) for name, dtype in frame.dtypes.items()}
        expected = {name: str(dtype) for name, dtype in expected_frame.dtypes.items()}
        assert got == expected, "load_data(): columns (in contract order) and their dtypes"
        got_levels = {name: list(frame[name].cat.categories) for name in oracle.CATEGORIES}
        assert got_levels == oracle.CATEGORIES, (
            "load_data(): a category column's categories are the contract's allowed values"
        )

    @pytest.mark.rule("1.6", "1.13")
    def test_load_data_keeps_every_row_and_value(self, impl: ModuleType) -> None:
        got = oracle.cells(impl.load_data())
        expected = oracle.cells(oracle.penguins())
        assert len(got) == len(expected), (
            f"load_data() returned {len(got)} rows; the table has {len(expected)}: rows with a "
            "missing value are kept (imputation happens later, inside the pipeline)"
        )
        assert got == expected, "load_data(): the values of palmerpenguins.load_penguins()"

    @pytest.mark.rule("1.6")
    def test_validate_keeps_rows_with_missing_values(self, impl: ModuleType) -> None:
        given = oracle.raw()
        got = (len(impl.validate(given)), int(impl.validate(given).isna().any(axis=1).sum()))
        expected = (len(given), int(given.isna().any(axis=1).sum()))
        assert got == expected, (
            "validate(<the raw table>): (rows, rows with a missing value); a contract checks, it "
            "does not drop rows"
        )

    @pytest.mark.rule("1.1")
    def test_validate_keeps_the_contract_columns_in_order(self, impl: ModuleType) -> None:
        given = oracle.raw()
        given["comment"] = "extra"
        given = given[list(reversed(given.columns))]
        got = list(impl.validate(given).columns)
        expected = oracle.COLUMNS
        assert got == expected, (
            "validate(<the raw table, columns reversed, plus a 'comment' column>): exactly the "
            "contract's columns, in the contract's order"
        )

    @pytest.mark.rule("1.5")
    def test_validate_accepts_text_stored_as_object(self, impl: ModuleType) -> None:
        given = oracle.raw()
        for name in oracle.CATEGORIES:
            given[name] = given[name].astype(object)
        got = oracle.cells(impl.validate(given))
        expected = oracle.cells(oracle.penguins())
        assert got == expected, (
            "validate(<the raw table with its text columns as dtype object>): text may arrive "
            "as object (pandas 2) or str (pandas 3); both are text"
        )

    @pytest.mark.rule("1.4")
    def test_categories_are_the_contracts_even_when_absent_from_the_data(
        self, impl: ModuleType
    ) -> None:
        given = oracle.raw().head(10)  # ten Adelies from Torgersen
        typed = impl.validate(given)
        got = {name: list(typed[name].cat.categories) for name in oracle.CATEGORIES}
        expected = oracle.CATEGORIES
        assert got == expected, (
            f"validate(load_penguins().head(10)): categories {got}; a category column's "
            "categories are the allowed values, in the contract's order, whichever of them the "
            "rows happen to hold (here only Adelie and Torgersen)"
        )
        assert oracle.cells(typed) == oracle.cells(oracle.penguins().head(10)), (
            "validate(load_penguins().head(10)): the values of those ten rows, unchanged"
        )

    @pytest.mark.rule("1.2", "1.11")
    def test_booleans_are_not_numbers(self, impl: ModuleType) -> None:
        contract = (impl.ColumnSpec("flag", "float", nullable=False, low=0.0, high=1.0),)
        given = pd.DataFrame({"flag": [True, False, True]})
        with pytest.raises(impl.ContractError, match="flag") as caught:
            impl.validate(given, contract=contract)
        got = str(caught.value)
        assert "dtype" in got, (
            f"validate(pd.DataFrame({{'flag': [True, False, True]}}), <flag a float in [0, 1]>) "
            f"said {got!r}: any numeric dtype is accepted, booleans are not; say 'dtype'"
        )

    @pytest.mark.rule("1.5")
    def test_validate_accepts_text_stored_as_category(self, impl: ModuleType) -> None:
        given = oracle.raw()
        for name in oracle.CATEGORIES:
            given[name] = given[name].astype("category")  # categories inferred, sorted
        got = oracle.cells(impl.validate(given))
        expected = oracle.cells(oracle.penguins())
        assert got == expected, (
            "validate(<the raw table with its text columns as dtype category>): text may arrive "
            "as str, object or category"
        )

    @pytest.mark.rule("1.7")
    def test_validate_does_not_modify_its_input(self, impl: ModuleType) -> None:
        given = oracle.raw()
        before = (list(given.columns), [str(d) for d in given.dtypes], oracle.cells(given))
        impl.validate(given)
        got = (list(given.columns), [str(d) for d in given.dtypes], oracle.cells(given))
        assert got == before, "validate(frame) changed `frame`; return a typed copy instead"

    @pytest.mark.rule("1.2", "1.3", "1.8", "1.9", "1.10", "1.11", "1.12")
    @pytest.mark.parametrize(("change", "column", "word"), BROKEN.values(), ids=BROKEN.keys())
    def test_a_broken_contract_is_an_error_naming_the_column(
        self,
        impl: ModuleType,
        change: Callable[[pd.DataFrame], None],
        column: str,
        word: str,
    ) -> None:
        given = oracle.raw()
        change(given)
        with pytest.raises(impl.ContractError, match=column) as caught:
            impl.validate(given)
        got = str(caught.value)
        assert word in got, f"validate(<raw table, {column} broken>) said {got!r}; name {word!r}"

    @pytest.mark.rule("1.8")
    def test_every_broken_column_is_named_at_once(self, impl: ModuleType) -> None:
        given = oracle.raw()
        del given["bill_depth_mm"]
        given["year"] = given["year"].astype(str)
        with pytest.raises(impl.ContractError) as caught:
            impl.validate(given)
        got = sorted(name for name in ("bill_depth_mm", "year") if name in str(caught.value))
        expected = ["bill_depth_mm", "year"]
        assert got == expected, (
            f"validate(<raw table without bill_depth_mm, year as text>) said "
            f"{str(caught.value)!r}: one error naming every broken column saves a round trip"
        )

    @pytest.mark.rule("1.8", "1.12")
    def test_every_column_that_fails_a_check_is_named_at_once(self, impl: ModuleType) -> None:
        given = oracle.raw()
        cell(0, "species", "Emperor")(given)
        cell(0, "body_mass_g", -1.0)(given)
        cell(0, "year", 1999)(given)
        with pytest.raises(impl.ContractError) as caught:
            impl.validate(given)
        message = str(caught.value)
        got = [
            word
            for word in ("species", "Emperor", "body_mass_g", "-1", "year", "1999")
            if word in message
        ]
        expected = ["species", "Emperor", "body_mass_g", "-1", "year", "1999"]
        assert got == expected, (
            f"validate(<raw table, row 0: species 'Emperor', body mass -1.0, year 1999>) said "
            f"{message!r}: after one broken column, keep checking the others"
        )

    @pytest.mark.rule("1.12")
    def test_a_bound_left_as_none_is_no_bound(self, impl: ModuleType) -> None:
        contract = (
            impl.ColumnSpec("depth_m", "float", nullable=True, high=0.0),
            impl.ColumnSpec("count", "int", nullable=False, low=0),
        )
        given = pd.DataFrame({"depth_m": [-1e6, -0.5, np.nan], "count": [0, 5, 10**9]})
        typed = impl.validate(given, contract=contract)
        got = (list(typed.columns), typed["depth_m"].tolist()[:2], typed["count"].tolist())
        expected = (["depth_m", "count"], [-1e6, -0.5], [0, 5, 10**9])
        assert got == expected, (
            "validate(pd.DataFrame({'depth_m': [-1e6, -0.5, nan], 'count': [0, 5, 10**9]}), "
            "<depth_m float with only high=0.0, count int with only low=0>): a bound that is "
            "None does not limit that side"
        )
        with pytest.raises(impl.ContractError, match="depth_m") as caught:
            impl.validate(given.assign(depth_m=[-1.0, 3.0, np.nan]), contract=contract)
        assert "3.0" in str(caught.value), (
            f"validate(<depth_m 3.0 above its high bound 0.0>) said {str(caught.value)!r}; "
            "name the offending value"
        )

    @pytest.mark.rule("1.8")
    def test_contract_error_is_a_value_error(self, impl: ModuleType) -> None:
        given = oracle.raw()
        del given["island"]
        with pytest.raises(ValueError, match="island"):
            impl.validate(given)

    @pytest.mark.rule("1.14", "1.15", "1.16", "1.17", "1.18", "1.20")
    def test_profile_of_the_penguins_matches_pandas(self, impl: ModuleType) -> None:
        frame = oracle.penguins()
        got = impl.profile(frame)
        returned(got, impl.Profile, "profile(<the penguins>)")
        classes = counted(frame["species"])
        expected_summary = {
            "rows": len(frame),
            "missing": {name: int(n) for name, n in frame.isna().sum().items()},
            "rows_with_missing": int(frame.isna().any(axis=1).sum()),
            "class_counts": classes,
            "imbalance": pytest.approx(classes[0][1] / classes[-1][1]),
            "levels": {name: counted(frame[name]) for name in oracle.CATEGORICAL},
        }
        got_summary = {
            "rows": got.rows,
            "missing": got.missing,
            "rows_with_missing": got.rows_with_missing,
            "class_counts": list(got.class_counts.items()),
            "imbalance": got.imbalance,
            "levels": {name: list(counts.items()) for name, counts in got.levels.items()},
        }
        assert got_summary == expected_summary, (
            "profile(<the penguins>): counts as pandas gives them, most frequent first"
        )

    @pytest.mark.rule("1.19")
    def test_profile_numeric_summaries_match_pandas_describe(self, impl: ModuleType) -> None:
        frame = oracle.penguins()
        summaries = impl.profile(frame).numeric
        assert list(summaries) == oracle.NUMERIC, (
            f"profile(<the penguins>).numeric has keys {list(summaries)}; one per NUMERIC column"
        )
        for name in oracle.NUMERIC:
            s = summaries[name]
            got = (s.count, s.mean, s.std, s.min, s.max)
            d = frame[name].describe()
            expected = (int(d["count"]), d["mean"], d["std"], d["min"], d["max"])
            assert got == pytest.approx(expected, rel=1e-12), (
                f"profile(<the penguins>).numeric[{name!r}]: (count, mean, std with ddof=1, "
                "min, max) as pandas describe() gives them"
            )

    @pytest.mark.rule("1.14", "1.15", "1.16", "1.17", "1.18", "1.19", "1.20")
    def test_profile_of_a_small_table(self, impl: ModuleType) -> None:
        frame = pd.DataFrame(SMALL)
        got = impl.profile(frame)
        expected = (
            6,
            {"species": 0, "bill_length_mm": 1, "sex": 2, "year": 0},
            2,
            [("Adelie", 3), ("Gentoo", 2), ("Chinstrap", 1)],
            3.0,
            [("Dream", 3), ("Biscoe", 2), ("Torgersen", 1)],
            [("female", 2), ("male", 2)],
            (5, 45.0, 2.0, 43.0, 47.0),
        )
        bill = got.numeric["bill_length_mm"]
        got_tuple = (
            got.rows,
            {k: got.missing[k] for k in expected[1]},
            got.rows_with_missing,
            list(got.class_counts.items()),
            got.imbalance,
            list(got.levels["island"].items()),
            list(got.levels["sex"].items()),
            (bill.count, round(bill.mean, 9), round(bill.std, 9), bill.min, bill.max),
        )
        assert got_tuple == expected, (
            f"profile(pd.DataFrame({SMALL})): rows, some missing counts, rows with a missing "
            "cell, classes, imbalance 3/1, island and sex levels (ties by name), bill length "
            "summary (std with ddof=1)"
        )

    @pytest.mark.rule("1.17", "1.18", "1.20")
    @pytest.mark.parametrize("absent", ["Chinstrap", "Adelie"], ids=["no Chinstrap", "no Adelie"])
    def test_profile_counts_only_the_classes_and_levels_that_appear(
        self, impl: ModuleType, absent: str
    ) -> None:
        frame = oracle.penguins()
        frame = frame[frame["species"] != absent]  # still a Categorical of all three species
        got = impl.profile(frame)
        classes = counted(frame["species"])
        expected = (
            classes,
            pytest.approx(classes[0][1] / classes[-1][1]),
            {name: counted(frame[name]) for name in oracle.CATEGORICAL},
        )
        got_tuple = (
            list(got.class_counts.items()),
            got.imbalance,
            {name: list(counts.items()) for name, counts in got.levels.items()},
        )
        assert got_tuple == expected, (
            f"profile(<the penguins without {absent}, species still a Categorical of all "
            "three>): (class_counts, imbalance, levels); rows per species that appears, so an "
            "unused category is no class with count 0, and a level is a present value"
        )

    @pytest.mark.rule("1.21", "1.22")
    def test_feature_separation_is_the_anova_f_statistic(self, impl: ModuleType) -> None:
        frame = oracle.penguins()
        got = impl.feature_separation(frame)
        groups = {
            name: [frame.loc[frame["species"] == s, name].dropna() for s in oracle.SPECIES]
            for name in oracle.NUMERIC
        }
        expected = {name: float(f_oneway(*g).statistic) for name, g in groups.items()}
        assert set(got) == set(expected), "feature_separation(<the penguins>): keys are NUMERIC"
        assert got == pytest.approx(expected, rel=1e-9), (
            "feature_separation(<the penguins>): scipy.stats.f_oneway over the species, "
            "missing values left out"
        )
        assert list(got) == sorted(expected, key=lambda name: -expected[name]), (
            f"feature_separation(<the penguins>) returned keys {list(got)}: highest F first"
        )

    @pytest.mark.rule("1.23", "1.24", "1.25", "1.26")
    def test_charts_are_two_readable_pngs_in_out_dir(
        self, impl: ModuleType, tmp_path: Path
    ) -> None:
        out_dir = tmp_path / "state" / "charts"
        got = impl.save_eda_charts(oracle.penguins(), out_dir)
        expected = [out_dir / "eda_distributions.png", out_dir / "eda_scatter.png"]
        assert [Path(p) for p in got] == expected, (
            f"save_eda_charts(<the penguins>, {out_dir}): the CHARTS paths, in order "
            "(and out_dir is created if it does not exist)"
        )
        for path in expected:
            head = path.read_bytes()[:8]
            assert head == oracle.PNG_SIGNATURE, f"{path.name} is not a PNG file"
            width, height = oracle.png_size(path)
            assert width >= 800 and height >= 500, (
                f"{path.name} is {width}x{height} pixels; at least 800x500 keeps labels readable"
            )
        written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
        assert written == [
            "state",
            "state/charts",
            *(f"state/charts/{p.name}" for p in expected),
        ], f"save_eda_charts wrote {written}; it may write only into out_dir"
