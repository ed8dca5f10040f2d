"""Which areas a municipality is compared with (site.yaml `compare`), on the real areas table.

An area covering exactly the same municipalities as the municipality, or as an area listed
before it, would repeat the same figures under another name: the City of Helsinki's
wellbeing services area is Helsinki, Åland's wellbeing county is the region Ahvenanmaa, and
outside Uusimaa each wellbeing services county covers exactly its region.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kuntadata.site.areas_view import load_area_index

AREAS = Path(__file__).resolve().parent.parent / "data" / "raw" / "classification" / "areas"
COMPARE = ("region", "wellbeing_county", "country")


@pytest.fixture(scope="module")
def areas():
    return load_area_index(AREAS)


@pytest.mark.parametrize(
    "code, expected",
    [
        ("KU091", ["MK01", "SSS"]),  # Helsinki: not HVA90 "Helsingin kaupunki", itself
        ("KU035", ["MK21", "SSS"]),  # Brändö: Ahvenanmaa once, not region and county
        ("KU049", ["MK01", "HVA03", "SSS"]),  # Espoo: Uusimaa is split into counties
        ("KU297", ["MK11", "SSS"]),  # Kuopio: Pohjois-Savo's county is the region
    ],
)
def test_an_area_with_the_same_municipalities_is_compared_once(
    areas, code: str, expected: list[str]
) -> None:
    found = areas.related(code, COMPARE)
    assert found == expected, [areas.name(c, "fi") for c in found]


def test_no_municipality_sees_one_area_twice(areas) -> None:
    for municipality in areas.municipalities():
        found = areas.related(municipality.code, COMPARE)
        covers = [areas.members(code) for code in [municipality.code, *found]]
        assert len(set(covers)) == len(covers), municipality.code
        names = [areas.name(code, "fi") for code in found]
        assert len(set(names)) == len(names), (municipality.code, names)
        assert found[-1] == "SSS"
