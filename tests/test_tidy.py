"""Tidying rules that real snapshots here cannot exercise: value groups (age 0–14 …)."""

from __future__ import annotations

from kuntadata.sources.statfin.tidy import _sum_groups
from kuntadata.spec import Selection, ValueGroup

AGES = ["SSS", "000", "001", "002", "003"]
SELECTION = Selection(
    variable="Ikä",
    values=("SSS",),
    column="age",
    groups=(ValueGroup("0-1", "000", "001"), ValueGroup("2-3", "002", "003")),
)


def key(age: str, indicator: str = "population") -> tuple[str, ...]:
    return ("KU091", "2025", age, indicator)


def test_groups_are_sums_of_their_members_and_members_are_dropped() -> None:
    rows = {
        key("SSS"): (10.0, None),
        key("000"): (1.0, None),
        key("001"): (2.0, None),
        key("002"): (3.0, None),
        key("003"): (4.0, None),
    }
    out = _sum_groups(rows, 2, SELECTION, AGES, {"population": True})
    assert out == {key("SSS"): (10.0, None), key("0-1"): (3.0, None), key("2-3"): (7.0, None)}


def test_a_missing_member_marks_the_group_and_never_gives_a_partial_sum() -> None:
    rows = {key("000"): (1.0, None), key("001"): (None, ".."), key("002"): (3.0, None)}
    out = _sum_groups(rows, 2, SELECTION, AGES, {"population": True})
    assert out[key("0-1")] == (None, "..")
    assert key("2-3") not in out  # 003 was not fetched: no group at all


def test_non_additive_indicators_are_never_summed() -> None:
    rows = {key("000", "mean_age"): (30.0, None), key("001", "mean_age"): (40.0, None)}
    assert _sum_groups(rows, 2, SELECTION, AGES, {"mean_age": False}) == {}


def test_every_status_symbol_in_the_package_is_explained() -> None:
    from kuntadata.package import status_meanings

    assert status_meanings("suppressed")["fi"].startswith("tuottaja ei julkaise arvoa")
    assert status_meanings("*")["en"] == "source symbol *"  # unknown: named, never hidden
