"""Per-municipality files, summed sector rows and a per-resident indicator (emissions).

No real Syke ALas file exists here, so the two CSV files below are test inputs written in the
documented layout (APIS.md §4.2, FORMATS.md §4: `;`, decimal comma, NA for missing), with
made-up emission figures; the population they are divided by is the real recorded StatFin
11re value (Helsinki 694 392 on 31.12.2025).
"""

from __future__ import annotations

import csv
import shutil

from project import REPO, make_project
from test_cli import run

TEMPLATE = "https://paastot.hiilineutraalisuomi.fi/Tulokset_taso_5/kunta_{kuntanro}.csv"
HEADER = "vuosi;hinku_laskenta;päästökauppa;taso_3;taso_4;taso_5;kt;kt_tuuli;GWh\n"
TEST_FILES = {  # test inputs in the documented layout, not real emissions
    "KU091": HEADER + "2025;TRUE;FALSE;Liikenne;Tieliikenne;Henkilöautot;1000,5;0;NA\n"
    "2025;TRUE;FALSE;Lämmitys;Kaukolämpö;Kaukolämpö;200,5;0;NA\n",
    "KU049": HEADER + "2025;TRUE;FALSE;Liikenne;Tieliikenne;Henkilöautot;NA;0;NA\n"
    "2025;TRUE;FALSE;Lämmitys;Kaukolämpö;Kaukolämpö;300,0;0;NA\n",
}
SPEC = f"""
title: {{fi: Päästöt, sv: Utsläpp, en: Emissions}}
theme: environment
verified: false
written_against: {{note: test spec}}
source:
  kind: file
  path: {TEMPLATE}
  format: csv
  encoding: utf-8
  delimiter: ";"
  decimal: ","
  sum_rows: true
  missing_values: ["NA", "NULL"]
  columns: {{period: vuosi, value: kt}}
  filter: {{hinku_laskenta: ["TRUE"]}}
indicators:
  - id: ghg_emissions
    select: kt
    title: {{fi: Päästöt, sv: Utsläpp, en: Emissions}}
    unit: {{fi: kt CO2-ekv., sv: kt CO2-ekv., en: kt CO2e}}
    decimals: 1
  - id: ghg_per_resident
    per_resident: {{of: ghg_emissions, population: population.population, multiply: 1000}}
    title: {{fi: Päästöt asukasta kohden, sv: Utsläpp per invånare, en: Emissions per resident}}
    unit: {{fi: t CO2-ekv./as., sv: t CO2-ekv./inv., en: t CO2e per resident}}
    decimals: 2
    higher_is: worse
"""


def test_emissions_per_resident_from_one_file_per_municipality(tmp_path, file_server):
    root = make_project(
        tmp_path / "project", ("population",), scope="[KU091, KU049, KU092]", with_snapshots=True
    )
    (root / "datasets" / "emissions.yaml").write_text(SPEC, "utf-8")
    for code, text in TEST_FILES.items():
        path = tmp_path / f"{code}.csv"
        path.write_text(text, "utf-8")
        file_server.add(TEMPLATE.replace("{kuntanro}", str(int(code[2:]))), path)
    result = run(
        root,
        "--only",
        "emissions",
        "fetch",
        "package",
        env={"KUNTADATA_FILES_URL": file_server.url},
    )
    assert result.exit_code == 0, result.output
    assert "emissions: no file for 1 municipality(ies): KU092" in result.output
    rows = {
        (r["area"], r["indicator"]): r
        for r in csv.DictReader((root / "data/package/emissions.csv").open(encoding="utf-8"))
    }
    assert rows[("KU091", "ghg_emissions")]["value"] == "1201.0"  # 1000,5 + 200,5
    assert rows[("KU091", "ghg_per_resident")]["value"] == "1.73"  # 1201.0 kt / 694 392
    assert rows[("KU049", "ghg_emissions")]["value"] == ""  # a missing sector: no total
    assert rows[("KU049", "ghg_per_resident")]["status"] == ".."
    assert ("KU092", "ghg_emissions") not in rows  # no file: not fetched, not 0
    shutil.rmtree(root)


def test_the_repository_emissions_spec_uses_the_per_municipality_template():
    text = (REPO / "datasets" / "ghg_emissions.yaml").read_text("utf-8")
    assert "kunta_{kuntanro}.csv" in text and "per_resident:" in text
