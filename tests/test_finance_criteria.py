"""The § 118 finance gauge: loading the criteria file and evaluating small frames.

Every frame here is a HAND-MADE TEST INPUT, not real data: round numbers chosen so each
comparison is easy to follow. Real values come from datasets/municipal_finances.yaml.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kuntadata.errors import KuntadataError, SpecError
from kuntadata.finance_criteria import (
    combine_groups,
    country_averages_from_frame,
    evaluate,
    load_finance_criteria,
    load_finance_criteria_file,
)
from kuntadata.spec import load_dataset_specs

REPO = Path(__file__).resolve().parent.parent
CRITERIA = REPO / "content" / "finance_criteria.yaml"


def made_up_frame(rows: list[tuple[str, str, str, object]]) -> pd.DataFrame:
    """TEST INPUT ONLY: (area, period, indicator, value) rows in the package's tidy shape."""
    frame = pd.DataFrame(rows, columns=["area", "period", "indicator", "value"])
    frame["status"] = ""
    return frame


# TEST INPUT: a made-up municipality KU999 and made-up country averages, two years.
CRISIS = [
    ("KU999", period, indicator, value)
    for period in ("2023", "2024")
    for indicator, value in (
        ("group_annual_margin_per_resident", -150.0),
        ("income_tax_rate", 8.9),
        ("group_loans_per_resident", 9000.0),
        ("group_relative_indebtedness", 60.0),
        ("group_accumulated_surplus_per_resident", -1200.0),
    )
]
AVERAGES = {
    "income_tax_rate": {"2023": 7.5, "2024": 7.6},
    "group_loans_per_resident": {"2023": 5000.0, "2024": 5200.0},
}


def by_id(results):
    return {r.criterion.id: r for r in results}


def test_the_repository_criteria_load_and_cite_the_law() -> None:
    criteria = load_finance_criteria(CRITERIA)
    assert [c.id for c in criteria] == [
        "deficit_not_covered_in_time",
        "group_accumulated_deficit",
        "group_annual_margin_negative",
        "tax_rate_above_average",
        "group_loans_above_average",
        "group_relative_indebtedness_high",
    ]
    for criterion in criteria:
        assert criterion.citation["law"] == "410/2015"
        assert criterion.citation["section"] == 118
        assert set(criterion.text) == {"fi", "sv", "en"}
        # Written offline from the original text: nothing may claim to be verified law yet.
        assert criterion.verified is False
        assert "Finlex" in criterion.note


def test_criteria_compare_indicators_of_the_finance_spec() -> None:
    specs = {s.id: s for s in load_dataset_specs(REPO / "datasets")}
    ids = {i.id for i in specs["municipal_finances"].indicators}
    for criterion in load_finance_criteria(CRITERIA):
        if criterion.indicator is not None:
            assert criterion.indicator in ids, criterion.id


def test_all_limits_met_in_two_consecutive_years() -> None:
    results = by_id(
        evaluate(load_finance_criteria(CRITERIA), made_up_frame(CRISIS), "KU999", 2024, AVERAGES)
    )
    tax = results["tax_rate_above_average"]
    assert (tax.value, tax.limit, tax.met) == (8.9, pytest.approx(8.1), True)
    loans = results["group_loans_above_average"]
    assert (loans.value, loans.limit, loans.met) == (9000.0, 7800.0, True)
    assert [c.limit for c in loans.checks] == [7800.0, 7500.0]  # 1.5 × each year's average
    assert results["group_relative_indebtedness_high"].met is True
    assert results["group_annual_margin_negative"].met is True
    assert results["group_accumulated_deficit"].met is True
    undecidable = results["deficit_not_covered_in_time"]
    assert undecidable.met is None
    assert undecidable.reason == "not computable from published statistics"
    _, groups = load_finance_criteria_file(CRITERIA)
    outcome = combine_groups(groups, results.values())
    assert outcome == {"s118_2_deficit": True, "s118_3_key_figures": True}


def test_a_limit_not_met_in_the_earlier_year_is_not_met() -> None:
    rows = [r for r in CRISIS if not (r[1] == "2023" and r[2] == "group_relative_indebtedness")]
    rows.append(("KU999", "2023", "group_relative_indebtedness", 45.0))  # TEST INPUT
    results = by_id(
        evaluate(load_finance_criteria(CRITERIA), made_up_frame(rows), "KU999", "2024", AVERAGES)
    )
    indebtedness = results["group_relative_indebtedness_high"]
    assert (indebtedness.value, indebtedness.limit, indebtedness.met) == (60.0, 50.0, False)
    _, groups = load_finance_criteria_file(CRITERIA)
    assert combine_groups(groups, results.values())["s118_3_key_figures"] is False


def test_missing_data_is_never_met_or_not_met() -> None:
    rows = [r for r in CRISIS if r[1] == "2024"]  # TEST INPUT: the year before is missing
    rows = [(a, p, i, None if i == "income_tax_rate" else v) for a, p, i, v in rows]
    results = by_id(
        evaluate(load_finance_criteria(CRITERIA), made_up_frame(rows), "KU999", "2024", AVERAGES)
    )
    tax = results["tax_rate_above_average"]
    assert (tax.value, tax.met) == (None, None)
    margin = results["group_annual_margin_negative"]
    assert (margin.value, margin.met) == (-150.0, None)
    assert margin.reason == "missing data for 2023"
    _, groups = load_finance_criteria_file(CRITERIA)
    assert combine_groups(groups, results.values())["s118_3_key_figures"] is None


def test_missing_average_leaves_a_relative_limit_unknown() -> None:
    results = by_id(
        evaluate(load_finance_criteria(CRITERIA), made_up_frame(CRISIS), "KU999", "2024", {})
    )
    tax = results["tax_rate_above_average"]
    assert (tax.value, tax.limit, tax.met) == (8.9, None, None)
    assert results["group_relative_indebtedness_high"].met is True  # absolute: no average needed


def test_an_area_without_rows_is_unknown_not_fine() -> None:
    results = evaluate(
        load_finance_criteria(CRITERIA), made_up_frame(CRISIS), "KU998", "2024", AVERAGES
    )
    assert {r.met for r in results} == {None}


def test_averages_from_the_country_rows() -> None:
    rows = [*CRISIS, ("SSS", "2024", "income_tax_rate", 7.6)]  # TEST INPUT
    assert country_averages_from_frame(made_up_frame(rows)) == {"income_tax_rate": {"2024": 7.6}}


def test_dimension_rows_must_be_filtered_first() -> None:
    rows = [*CRISIS, ("KU999", "2024", "income_tax_rate", 9.0)]  # TEST INPUT: a duplicate
    with pytest.raises(KuntadataError, match="several rows for KU999 \\(income_tax_rate 2024\\)"):
        evaluate(load_finance_criteria(CRITERIA), made_up_frame(rows), "KU999", "2024", {})


def test_a_broken_criteria_file_lists_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "finance_criteria.yaml"
    path.write_text(
        "criteria:\n"
        "  - id: a\n"
        "    text: {fi: A}\n"
        "    indicator: x\n"
        "    checks: [{op: '=<', value: 1}]\n"
        "    citation: {law: 410/2015, section: 118}\n"
        "  - id: b\n"
        "    text: {fi: B, sv: B, en: B}\n"
        "    indicator: x\n"
        "    checks: [{op: '<', value: 1, average_plus: 2}]\n"
        "    citation: {law: 410/2015, section: 118}\n"
        "    note: check Finlex\n",
        "utf-8",
    )
    with pytest.raises(SpecError) as caught:
        load_finance_criteria(path)
    message = str(caught.value)
    assert "criteria[0].text: missing sv, en" in message
    assert "criteria[0].note: an unverified criterion must say what to check and where" in message
    assert "criteria[0].checks[0].op: must be one of <, <=, >, >=" in message
    assert (
        "criteria[1].checks[0]: give exactly one of value, average_plus, average_times" in message
    )
    assert "Aborted with 4 errors in finance_criteria.yaml" in message
