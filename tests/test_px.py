"""The PX parser against the real StatFin 12c1 file and small PX texts for the edge cases."""

from __future__ import annotations

import pytest

from kuntadata.errors import SpecError
from kuntadata.sources.files.px import PxTable, parse_px, px_timestamp_to_utc, split_px_note
from kuntadata.sources.testing import read_fixture, realdata_dir

REALDATA = realdata_dir()
PX_12C1 = REALDATA / "statfin" / "statfin_perh_12c1_2006-2022_all_areas.px"


@pytest.fixture(scope="module")
def families() -> PxTable:
    return parse_px(read_fixture(PX_12C1), str(PX_12C1))


def test_real_file_dimensions(families: PxTable) -> None:
    assert families.languages == ("fi", "sv", "en")
    assert families.table_id == "12c1"
    assert families.matrix == "001_12c1_2022"
    assert [v.code for v in families.variables] == ["Vuosi", "Alue", "Perhetyyppi", "Tiedot"]
    assert families.stub == ("Vuosi", "Alue", "Perhetyyppi")
    assert families.heading == ("Tiedot",)
    sizes = [len(v.codes) for v in families.variables]
    assert sizes == [17, 551, 1, 16]
    assert len(families.data) == len(families.status) == 17 * 551 * 16 == 149872


def test_real_file_names_in_three_languages(families: PxTable) -> None:
    area = families.variable("Alue")
    assert area.names == {"fi": "Alue", "sv": "Område", "en": "Area"}
    assert families.variable("Område") is area
    assert families.variable("Tiedot").names["en"] == "Information"
    assert families.variable("Vuosi").names["sv"] == "År"
    assert area.text("KU091", "sv") == "Helsingfors"
    assert area.text("SSS", "en") == "WHOLE COUNTRY"
    assert area.text("SSS", "fi") == "KOKO MAA"
    assert families.titles["en"] == "Families 31.12. by Year, Area, Family type and Information"
    assert families.descriptions["sv"].startswith("12c1 -- Nyckeltal för familjer")
    assert families.sources["fi"] == "Tilastokeskus, perheet"
    assert families.contents["fi"] == "Perheet 31.12."


def test_real_file_codes_and_roles(families: PxTable) -> None:
    year, area, family_type, contents = families.variables
    assert year.codes[0] == "2006" and year.codes[-1] == "2022"
    assert year.is_time and year.time_format == "A1" and not year.eliminable
    assert area.codes[:3] == ("SSS", "KU020", "KU005")
    assert sum(code.startswith("KU") for code in area.codes) == 309
    assert area.eliminable and area.elimination == "SSS"
    assert area.map == "Alue 2023"
    assert area.meta_id == "SCALE-TYPE=nominal"
    assert family_type.elimination == "SSS"
    assert contents.is_content and not area.is_content
    assert contents.codes[:3] == ("perhlkm", "hloperh", "perhkoko")


def test_real_file_content_metadata(families: PxTable) -> None:
    contents = families.variable("Tiedot").contents
    assert contents["perhkoko"].precision == 2 and contents["perhkoko"].decimals == 2
    # No PRECISION: DECIMALS=2 is how the file stores it, SHOWDECIMALS=0 is what PxWeb shows.
    assert contents["perhlkm"].decimals == 2 and contents["perhlkm"].show_decimals == 0
    assert contents["perhlkm"].units == {"fi": "Lukumäärä", "sv": "Antal", "en": "Number"}
    assert contents["perhkoko"].units["en"] == "Ratio"
    assert contents["perhlkm"].last_updated == "20230616 08:00"
    assert "stat.fi/en/statistics/perh" in contents["perhlkm"].contact["en"]
    notes = families.variable("Tiedot").value_notes
    assert notes["en"]["lapsiperhe"][0].startswith("A family with underage children is")


def test_real_values(families: PxTable) -> None:
    helsinki = {"Alue": "KU091", "Vuosi": "2022", "Tiedot": "perhlkm"}
    assert families.cell(helsinki).value == 161417
    assert families.cell({"Area": "SSS", "Year": "2006", "Tiedot": "perhlkm"}).value == 1431376
    assert families.cell({"Alue": "KU091", "Vuosi": "2022", "Tiedot": "perhkoko"}).value == 2.66
    assert families.cell(helsinki).status is None


def test_real_values_match_the_raw_text_by_hand(families: PxTable) -> None:
    """This file writes one STUB row (16 contents) per line after DATA=: read it directly."""
    raw = read_fixture(PX_12C1).decode("iso-8859-15")
    rows = raw[raw.index("DATA=") + len("DATA=") :].split("\n")[1:]
    area_position = families.variable("Alue").position("KU091")
    assert area_position == 34
    row = (2022 - 2006) * 551 + area_position
    assert rows[row].split()[0] == "161417.00"
    assert rows[0].split()[:3] == ["1431376.00", "4039944.00", "2.82"]


def test_real_file_has_no_status_symbols(families: PxTable) -> None:
    assert all(status is None for status in families.status)
    assert all(value is not None for value in families.data)


def test_real_file_label_quirks(families: PxTable) -> None:
    """Labels are not a key: HVA07 is labelled HVA06 in every language."""
    area = families.variable("Alue")
    assert area.text("HVA07", "fi") == "HVA06 Kanta-Hämeen hyvinvointialue"
    assert area.text("HVA06", "fi") == "HVA06 Satakunnan hyvinvointialue"
    assert area.text("FI1D7", "en") == "FI1D7Lapland"
    assert area.text("KU478", "fi") == "Maarianhamina - Mariehamn"


def test_real_table_notes(families: PxTable) -> None:
    notes = split_px_note(families.notes["en"][0])
    assert notes[1] == ".. not applicable"
    assert families.keyword("NEXT-UPDATE") == ("20240614 08:00",)


SMALL_PX = """CHARSET="ANSI";
CODEPAGE="iso-8859-15";
LANGUAGE="fi";
LANGUAGES="fi","sv";
DECIMALS=1;
MATRIX="x";
DESCRIPTION="abcd -- Testi; taulu, jossa puolipiste";
DESCRIPTION[sv]="abcd -- Test";
TITLE="Otsikko, pitkä "
"jatkuu";
STUB="Alue";
STUB[sv]="Område";
HEADING="Vuosi","Tiedot";
HEADING[sv]="År","Uppgifter";
CONTVARIABLE="Tiedot";
CONTVARIABLE[sv]="Uppgifter";
VALUES("Alue")="Koko maa","Ähtäri, kunta";
VALUES[sv]("Område")="Hela landet","Etseri";
CODES("Alue")="SSS","KU989";
VALUES("Vuosi")="2020","2021";
VALUES[sv]("År")="2020","2021";
TIMEVAL("Vuosi")=TLIST(A1, "2020"-"2021");
VALUES("Tiedot")="Määrä","Osuus";
VALUES[sv]("Uppgifter")="Antal","Andel";
CODES("Tiedot")="maara","osuus";
ELIMINATION("Alue")=YES;
PRECISION[sv]("Uppgifter","Andel")=2;
PRECISION("Tiedot","Osuus")=2;
UNITS("Määrä")="kpl";
UNITS[sv]("Antal")="st";
DATA=
1 2.25 3 ".."
"-" 6.5
".." "..."
;
"""


def test_small_px_edge_cases() -> None:
    table = parse_px(SMALL_PX.encode("iso-8859-15"), "small.px")
    assert table.descriptions["fi"] == "abcd -- Testi; taulu, jossa puolipiste"
    assert table.table_id == "abcd"
    assert table.titles["fi"] == "Otsikko, pitkä jatkuu"
    area, year, contents = table.variables
    assert area.codes == ("SSS", "KU989")
    assert area.texts["fi"] == ("Koko maa", "Ähtäri, kunta")
    assert area.texts["sv"][1] == "Etseri"
    assert area.eliminable and area.elimination is None
    assert year.codes == ("2020", "2021") and year.is_time and year.time_format == "A1"
    assert contents.contents["osuus"].decimals == 2
    assert contents.contents["maara"].decimals == 1
    assert contents.contents["maara"].units == {"fi": "kpl", "sv": "st"}
    assert table.data[:3] == (1.0, 2.25, 3.0)
    assert table.status[:6] == (None, None, None, "..", "-", None)
    assert table.data[3] is None and table.data[4] is None
    cell = table.cell({"Alue": "KU989", "Vuosi": "2021", "Tiedot": "osuus"})
    assert cell == (None, "...")


def test_values_used_as_codes_when_codes_absent() -> None:
    table = parse_px(SMALL_PX.encode("iso-8859-15"))
    assert table.variable("Vuosi").codes == ("2020", "2021")
    with pytest.raises(KeyError, match="Vuosi"):
        table.cell({"Alue": "SSS", "Tiedot": "maara"})


def test_utf8_bytes_declared_latin_are_refused() -> None:
    with pytest.raises(SpecError) as caught:
        parse_px(SMALL_PX.encode("utf-8"), "wrong.px")
    message = str(caught.value)
    assert "wrong.px" in message and 'CODEPAGE="iso-8859-15"' in message
    assert "utf-8" in message


def test_latin_bytes_declared_utf8_are_refused() -> None:
    text = SMALL_PX.replace('CODEPAGE="iso-8859-15"', 'CODEPAGE="utf-8"')
    with pytest.raises(SpecError, match=r"bad\.px.*decodes as iso-8859-15"):
        parse_px(text.encode("iso-8859-15"), "bad.px")


def test_unknown_codepage_is_refused() -> None:
    text = SMALL_PX.replace('CODEPAGE="iso-8859-15"', 'CODEPAGE="klingon"')
    with pytest.raises(SpecError, match=r"x\.px.*klingon"):
        parse_px(text.encode("iso-8859-15"), "x.px")


def test_data_count_mismatch_is_reported() -> None:
    text = SMALL_PX.replace('".." "..."\n', "")
    with pytest.raises(SpecError, match=r"short\.px: DATA has 6 values, expected 8"):
        parse_px(text.encode("iso-8859-15"), "short.px")


def test_missing_data_block_is_reported() -> None:
    text = SMALL_PX[: SMALL_PX.index("DATA=")]
    with pytest.raises(SpecError, match=r"nodata\.px: no DATA= block"):
        parse_px(text.encode("iso-8859-15"), "nodata.px")


def test_timestamps_to_utc() -> None:
    assert px_timestamp_to_utc("20230616 08:00") == "2023-06-16T05:00:00Z"
    assert px_timestamp_to_utc("20260401 08:00") == "2026-04-01T05:00:00Z"
    assert px_timestamp_to_utc("20240101 08:00") == "2024-01-01T06:00:00Z"


def test_split_px_note() -> None:
    assert split_px_note("a#b##c", "\r\n") == ["a\r\nb", "c"]
