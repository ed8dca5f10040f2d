"""The State Treasury source (`kind: treasury`) against the real recorded files.

The local emulator (kuntadata/sources/treasury/testing.py) serves the recorded catalogue slice,
the KTAS taxonomy and the core facts of nine real KTAS documents; the real adapter, the real
fetch and package stages read them. Every figure asserted here is a recorded value (Espoo's
budgeted annual margin 2023 = 349 083 947.70 €, shared/realdata/treasury/README.md §4).
"""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from project import REPO, make_project

from kuntadata.areas import load_areas
from kuntadata.config import load_site_config
from kuntadata.errors import FetchError
from kuntadata.fetch import fetch_datasets
from kuntadata.package import build_package
from kuntadata.paths import ProjectPaths
from kuntadata.snapshot import read_provenance, verify_snapshot
from kuntadata.sources.http import HttpClient
from kuntadata.sources.testing import realdata_dir
from kuntadata.sources.treasury import api
from kuntadata.sources.treasury.adapter import fetch_treasury
from kuntadata.sources.treasury.business_ids import MAPPING_DIR, load_business_ids
from kuntadata.sources.treasury.check import check_treasury_spec
from kuntadata.sources.treasury.testing import TreasuryServer
from kuntadata.sources.treasury.tidy import tidy_treasury
from kuntadata.spec import load_dataset_spec, load_dataset_specs

TREASURY = realdata_dir() / "treasury"
RAW = REPO / "data" / "raw"
ESPOO, HANKO, VANTAA, HYVINKAA, INKOO, JARVENPAA = (
    "0101263-6",
    "0103166-9",
    "0124610-9",
    "0125866-0",
    "0126293-4",
    "0126541-4",
)
JOINT_AUTHORITY = "0125920-9"  # in the recorded files, not in any municipality list
UUSIMAA = {"KU049", "KU078", "KU091", "KU092", "KU106", "KU149", "KU186"}
BUDGET = REPO / "datasets" / "municipal_budget.yaml"
FETCH_WARNINGS: list[str] = []  # what the module's fetch warned, filled by `project`


def recorded(name: str) -> list[dict[str, str]]:
    with (TREASURY / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def fetch(server: TreasuryServer, **kwargs):
    spec = load_dataset_spec(BUDGET)
    client = kwargs.pop("client", None) or HttpClient()
    return fetch_treasury(
        spec,
        client,
        load_business_ids(RAW),
        UUSIMAA,
        base=server.url,
        taxonomy_index=server.taxonomy_url,
        **kwargs,
    )


def value_of(frame, area: str, period: str, stage: str, indicator: str):
    rows = frame[
        (frame["area"] == area)
        & (frame["period"] == period)
        & (frame["stage"] == stage)
        & (frame["indicator"] == indicator)
    ]
    assert len(rows) == 1, (area, period, stage, indicator, rows)
    return rows.iloc[0]


# --- business ids → municipalities, from data -----------------------------------------


def test_every_recorded_business_id_maps_to_at_most_one_municipality_and_none_twice() -> None:
    mapping = load_business_ids(RAW)
    seen = set()
    for name in (
        "municipal_finance_catalog_v1_slice.csv",
        "municipal_finance_ktas_core_v1_slice.csv",
        "municipal_finance_document_manifest_v1_slice.csv",
    ):
        seen |= {row["business_id"] for row in recorded(name)}
    areas = [mapping[b] for b in seen if b in mapping]
    assert len(areas) == len(set(areas)), "a municipality has two business ids"
    assert sorted(seen - set(mapping)) == ["0125920-9", "2274586-3"]  # not established
    assert mapping["0201256-6"] == "KU091"  # Helsinki, corrected from the osta list
    assert "0164308-3" not in mapping  # Heinävesi's id, which osta gave to Helsinki
    assert mapping[ESPOO] == "KU049" and mapping[INKOO] == "KU149"


def test_the_mapping_names_are_the_areas_names_and_every_row_says_where_it_is_from() -> None:
    names = {a.code: a.name_fi for a in load_areas(RAW / "classification" / "areas").all()}
    path = RAW / MAPPING_DIR / "business_ids.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        assert names[row["area"]] == row["name_fi"], row
        assert row["source"] in ("osta", "corrected"), row
        assert row["source"] == "osta" or len(row["note"]) > 40, row
    provenance = json.loads((path.parent / "provenance.json").read_text("utf-8"))
    assert {s["id"] for s in provenance["sources"]} == {"osta", "corrected"}


# --- the emulator serves what was recorded ---------------------------------------------


def test_emulator_serves_the_recorded_catalogue_and_facts_in_the_api_field_names() -> None:
    with TreasuryServer() as server:
        client = HttpClient()
        catalogue = client.get(f"{server.url}{api.CATALOGUE_PATH}").json()["aineistot"]
        espoo_2024 = next(
            e
            for e in catalogue
            if (e["ytunnus"], e["raportointikokonaisuus"], e["raportointikausi"])
            == (ESPOO, "KTAS", "2024")
        )
        assert espoo_2024["hyvaksymispvm"] == "2023-12-19T16:37:13.67"  # recorded, without Z
        facts = client.get(espoo_2024["tunnusluvut"]).json()
    manifest = {
        r["document_url"] for r in recorded("municipal_finance_document_manifest_v1_slice.csv")
    }
    rebuilt_2023 = [
        e
        for e in catalogue
        if e["raportointikausi"] == "2023" and e["raportointikokonaisuus"] == "KTAS"
    ]
    assert len(rebuilt_2023) == 6
    for entry in rebuilt_2023:  # the rebuilt catalogue rows point at the recorded documents
        assert entry["tunnusluvut"].replace(server.url, api.DEFAULT_BASE_URL) in manifest
    assert len(facts) == 32
    margin = next(f for f in facts if f["tunnusluku"] == "1093")
    assert margin["arvo"] == "256889999.50"  # Espoo 2024 VUOSIKATE, budget


# --- which document stands ----------------------------------------------------------------


def _entry(stage: str, approved: str, url: str) -> api.CatalogueEntry:
    return api.CatalogueEntry(JARVENPAA, "KTAS", "2024", stage, approved, approved, url)


def test_a_corrected_document_supersedes_the_final_one_then_the_latest_approval_wins() -> None:
    # Approval metadata only (no figures): the recorded catalogue never lists two documents
    # for one key, so the competitor of Järvenpää's real `jalkikorjattu` row is constructed.
    corrected = _entry("jalkikorjattu", "2024-04-19T09:54:05.837Z", "…/jalkikorjattu/…")
    final_later = _entry("lopullinen", "2024-05-01T00:00:00Z", "…/lopullinen/…")
    assert api.standing_documents([final_later, corrected])[corrected.key] == corrected
    earlier = _entry("lopullinen", "2024-01-01T00:00:00Z", "…/a")
    later = _entry("lopullinen", "2024-02-01T00:00:00Z", "…/b")
    assert api.standing_documents([later, earlier])[later.key] == later
    assert api.fold("Jälkikorjattu") == "jalkikorjattu"
    assert api.iso_time("2024-04-19 09:54:05.837") == "2024-04-19T09:54:05.837Z"


def test_adapter_fetches_only_the_standing_document() -> None:
    with TreasuryServer() as server:
        real = f"{server.url}/rest/v1/json/dokumentti/lopullinen/KTAS/{ESPOO}/2023"
        server.extra_entries.append(
            {  # an earlier `alustava` listing of Espoo 2023: superseded by the real `lopullinen`
                "ytunnus": ESPOO,
                "raportointikokonaisuus": "KTAS",
                "raportointikausi": "2023",
                "hyvaksymisvaihe": "alustava",
                "hyvaksymispvm": "2022-12-01T00:00:00",
                "julkaisupvm": "2022-12-01T00:00:00",
                "tunnusluvut": real.replace("lopullinen", "alustava"),
            }
        )
        fetch(server)
        assert server.calls(f"/lopullinen/KTAS/{ESPOO}/2023")
        assert not server.calls("/alustava/")


# --- fetch → snapshot → tidy, with the real values ----------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> ProjectPaths:
    """A project scoped to Uusimaa, fetched from the emulator by the real fetch stage."""
    root = tmp_path_factory.mktemp("treasury")
    make_project(root, ("municipal_budget", "population", "group_accounts"), scope="[MK01]")
    shutil.copytree(RAW / MAPPING_DIR, root / "data/raw" / MAPPING_DIR)
    shutil.copytree(RAW / "statfin/population", root / "data/raw/statfin/population")
    paths = ProjectPaths(root)
    specs = [s for s in load_dataset_specs(paths.datasets) if s.id == "municipal_budget"]
    areas = load_areas(paths.raw / "classification/areas")
    with TreasuryServer() as server, pytest.MonkeyPatch.context() as patch:
        for key, value in server.env().items():
            patch.setenv(key, value)
        summary = fetch_datasets(
            paths, load_site_config(paths.site_config), specs, areas, report=lambda _: None
        )
    assert [o.status for o in summary.outcomes] == ["fetched"], summary.outcomes
    FETCH_WARNINGS[:] = summary.warnings
    return paths


def test_fetch_keeps_every_response_with_provenance(project: ProjectPaths) -> None:
    directory = project.raw / "treasury" / "municipal_budget"
    assert verify_snapshot(directory) == []
    provenance = read_provenance(directory)
    roles = {e["file"]: e["role"] for e in provenance["files"]}
    assert roles["catalogue.json"] == "catalogue"
    assert roles["taxonomy-KTAS.json"] == "taxonomy"
    documents = sorted(f for f, role in roles.items() if role == "document")
    assert documents == [
        f"document-KTAS-2023-{ESPOO}.json",
        f"document-KTAS-2023-{HANKO}.json",
        f"document-KTAS-2023-{VANTAA}.json",
        f"document-KTAS-2023-{HYVINKAA}.json",
        f"document-KTAS-2023-{INKOO}.json",
        f"document-KTAS-2024-{ESPOO}.json",
        f"document-KTAS-2024-{HANKO}.json",
        f"document-KTAS-2024-{VANTAA}.json",
    ]
    assert provenance["years"] == ["2023", "2024"]
    assert {d["area"] for d in provenance["documents"]} == {
        "KU049",
        "KU078",
        "KU092",
        "KU106",
        "KU149",
    }


def test_unknown_business_id_and_missing_document_are_warnings_naming_the_document(
    project: ProjectPaths,
) -> None:
    assert project.raw.exists()
    text = "\n".join(FETCH_WARNINGS)
    assert f"{JOINT_AUTHORITY}: KTAS 2023 of {JOINT_AUTHORITY} (" in text
    assert f"/dokumentti/lopullinen/KTAS/{JOINT_AUTHORITY}/2023)" in text
    # Listed in the catalogue, not recorded, so the emulator answers 404:
    for business_id, stage in (
        (HYVINKAA, "lopullinen"),
        (INKOO, "lopullinen"),
        (JARVENPAA, "jalkikorjattu"),
    ):
        assert (
            f"/dokumentti/{stage}/KTAS/{business_id}/2024), but the service answers HTTP 404"
            in text
        )


def test_tidy_gives_the_recorded_budget_and_plan_figures(project: ProjectPaths) -> None:
    spec = load_dataset_spec(project.datasets / "municipal_budget.yaml")
    areas = {a.code for a in load_areas(project.raw / "classification/areas").all()}
    item = tidy_treasury(spec, project.raw / "treasury" / "municipal_budget", areas)
    frame = item.frame
    assert list(frame.columns) == ["area", "period", "stage", "indicator", "value", "status"]
    margin = "budget_annual_margin"
    assert value_of(frame, "KU049", "2023", "budget", margin)["value"] == 349083947.70
    assert value_of(frame, "KU049", "2022", "amended_budget", margin)["value"] == 154866427.03
    assert value_of(frame, "KU049", "2024", "plan_1", margin)["value"] == 237902905.19
    assert value_of(frame, "KU049", "2025", "plan_2", margin)["value"] == 230155274.64
    assert value_of(frame, "KU049", "2024", "budget", margin)["value"] == 256889999.50
    assert value_of(frame, "KU049", "2023", "budget", "budget_loans")["value"] == 887539000.00
    assert value_of(frame, "KU049", "2024", "budget", "budget_loans")["value"] == 1322792984.00
    assert len(frame) == 8 * 32  # eight documents, 32 core facts each
    assert set(frame["status"]) == {""}
    labels = item.meta["indicators"][0]["taxonomy"]["cells"]
    assert {c["code"]: c["stage"] for c in labels} == {
        "576": "amended_budget",
        "1093": "budget",
        "328": "plan_1",
        "237": "plan_2",
    }
    assert labels[0]["label"] == {"fi": "VUOSIKATE", "sv": "Årsbidrag", "en": "Annual margin"}
    assert item.meta["dimensions"][0]["values"]["plan_1"]["fi"] == "1. suunnitelmavuosi"
    assert item.warnings == []


def test_package_has_the_stage_column_per_resident_values_and_public_sources(
    project: ProjectPaths,
) -> None:
    specs = load_dataset_specs(project.datasets)
    areas = load_areas(project.raw / "classification/areas")
    build_package(project, load_site_config(project.site_config), specs, areas)
    descriptor = json.loads((project.package / "datapackage.json").read_text("utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == "municipal_budget")
    assert resource["schema"]["primaryKey"] == ["area", "period", "stage", "indicator"]
    paths = [s["path"] for s in resource["sources"]]
    assert paths[0] == "https://prodkuntarest.westeurope.cloudapp.azure.com/rest/v1/json/aineistot"
    assert f"{api.DEFAULT_BASE_URL}/rest/v1/json/dokumentti/lopullinen/KTAS/{ESPOO}/2023" in paths
    assert "127.0.0.1" not in json.dumps(descriptor)
    assert resource["x-kuntadata"]["source"]["producer"]["fi"] == "Valtiokonttori"
    with (project.package / "municipal_budget.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    espoo = {(r["period"], r["stage"], r["indicator"]): r for r in rows if r["area"] == "KU049"}
    assert espoo[("2023", "budget", "budget_annual_margin")]["value"] == "349083947.70"
    with (project.package / "population.csv").open(encoding="utf-8") as handle:
        people = {
            (r["area"], r["period"]): float(r["value"])
            for r in csv.DictReader(handle)
            if r["sex"] == "SSS" and r["indicator"] == "population"
        }
    per_resident = {k: r for k, r in espoo.items() if k[2] == "budget_annual_margin_per_resident"}
    assert set(per_resident) == {  # population exists for 2025 only: plan years, nothing else
        ("2025", "plan_1", "budget_annual_margin_per_resident"),
        ("2025", "plan_2", "budget_annual_margin_per_resident"),
    }
    expected = round(285070125.04 / people[("KU049", "2025")])
    assert per_resident[("2025", "plan_1", "budget_annual_margin_per_resident")]["value"] == str(
        expected
    )
    pending = {p["dataset"]: [i["id"] for i in p["indicators"]] for p in descriptor["x-pending"]}
    assert pending["group_accounts"] == [
        "group_annual_margin",
        "group_depreciation",
        "group_interest_expenses",
        "group_loans",
        "group_accumulated_surplus",
    ]


# --- bad input: a warning naming the document, the rest built ----------------------------


def test_a_fact_that_is_not_a_number_is_not_available_with_a_warning(tmp_path: Path) -> None:
    with TreasuryServer() as server:
        server.fact_values[(ESPOO, "2023", "1093")] = "n/a"
        result = fetch(server)
    directory = _write(tmp_path, result)
    item = tidy_treasury(load_dataset_spec(BUDGET), directory, UUSIMAA)
    cell = value_of(item.frame, "KU049", "2023", "budget", "budget_annual_margin")
    assert cell["status"] == ".." and cell["value"] != cell["value"]  # NaN: empty, never 0
    assert (
        value_of(item.frame, "KU049", "2024", "budget", "budget_annual_margin")["value"]
        == 256889999.50
    )
    warning = next(w for w in item.warnings if "not a number" in w)
    assert f"KTAS 2023 of {ESPOO} (document-KTAS-2023-{ESPOO}.json" in warning
    assert "'n/a'" in warning and "code 1093" in warning


def test_a_missing_document_is_left_out_and_the_rest_built(tmp_path: Path) -> None:
    with TreasuryServer() as server:
        server.missing_documents.add(server.document_path("lopullinen", "KTAS", VANTAA, "2024"))
        result = fetch(server)
    warning = next(w for w in result.warnings if f"/KTAS/{VANTAA}/2024" in w)
    assert "HTTP 404" in warning and "the rest is built" in warning
    item = tidy_treasury(load_dataset_spec(BUDGET), _write(tmp_path, result), UUSIMAA)
    vantaa = item.frame[item.frame["area"] == "KU092"]
    assert sorted(set(vantaa["period"])) == ["2022", "2023", "2024", "2025"]  # the 2023 document
    assert (
        value_of(item.frame, "KU049", "2024", "budget", "budget_annual_margin")["value"]
        == 256889999.50
    )


def test_a_taxonomy_code_without_a_label_is_a_warning(tmp_path: Path) -> None:
    with TreasuryServer() as server:
        server.unlabelled.add("1093")  # VUOSIKATE, budget column
        result = fetch(server)
    directory = _write(tmp_path, result)
    spec = load_dataset_spec(BUDGET)
    item = tidy_treasury(spec, directory, UUSIMAA)
    warning = next(w for w in item.warnings if "'VUOSIKATE'" in w)
    assert "taxonomy-KTAS.json" in warning and "names no cell for budget" in warning
    margin = item.frame[item.frame["indicator"] == "budget_annual_margin"]
    assert "budget" not in set(margin["stage"])  # left out, never taken from another column
    assert (
        value_of(item.frame, "KU049", "2024", "plan_1", "budget_annual_margin")["value"]
        == 237902905.19
    )
    by_code = replace(spec, indicators=(replace(spec.indicators[0], select="1093"),))
    item = tidy_treasury(by_code, directory, UUSIMAA)
    warning = next(w for w in item.warnings if "code 1093" in w)
    assert "has no label in fi, sv, en" in warning and "taxonomy-KTAS.json" in warning
    assert (
        value_of(item.frame, "KU049", "2023", "budget", "budget_annual_margin")["value"]
        == 349083947.70
    )


def test_a_business_id_unknown_at_package_time_is_a_warning_naming_the_document(
    tmp_path: Path,
) -> None:
    with TreasuryServer() as server:
        result = fetch(server)
    directory = _write(tmp_path, result)
    mapping = tmp_path / "data/raw" / MAPPING_DIR / "business_ids.csv"
    lines = mapping.read_text("utf-8").splitlines(keepends=True)
    mapping.write_text("".join(line for line in lines if not line.startswith(HANKO)), "utf-8")
    item = tidy_treasury(load_dataset_spec(BUDGET), directory, UUSIMAA)
    warning = next(w for w in item.warnings if HANKO in w)
    assert f"left out the document KTAS 2023 of {HANKO} (document-KTAS-2023-{HANKO}.json" in warning
    assert "KU078" not in set(item.frame["area"]) and "KU049" in set(item.frame["area"])


def test_a_failing_catalogue_keeps_nothing_half_written() -> None:
    with TreasuryServer() as server:
        server.faults.add("503", times=5, path_contains="aineistot")
        with pytest.raises(FetchError, match="catalogue"):
            fetch(server, client=HttpClient(max_attempts=1))


def _write(tmp_path: Path, result) -> Path:
    """The adapter's responses as a snapshot under a project layout (mapping beside it)."""
    from kuntadata.fetch import raw_files
    from kuntadata.snapshot import write_snapshot

    shutil.copytree(RAW / MAPPING_DIR, tmp_path / "data/raw" / MAPPING_DIR, dirs_exist_ok=True)
    directory = tmp_path / "data/raw/treasury/municipal_budget"
    write_snapshot(
        directory,
        raw_files(result),
        dataset="municipal_budget",
        source="treasury",
        licence={"name": "x", "path": "https://example.org/"},
        attribution="",
        extra=result.provenance,
    )
    return directory


# --- the committed snapshot, the specs, the live check ------------------------------------


def test_committed_snapshot_was_fetched_from_the_recorded_files() -> None:
    directory = RAW / "treasury" / "municipal_budget"
    assert verify_snapshot(directory) == []
    provenance = read_provenance(directory)
    assert "from the local emulator" in provenance["emulator"]  # its path moved since
    assert provenance["replayed_from"]["catalogue.json"] == [
        "treasury/municipal_finance_catalog_v1_slice.csv",
        "treasury/municipal_finance_ktas_core_v1_slice.csv",
    ]
    areas = {a.code for a in load_areas(RAW / "classification/areas").all()}
    frame = tidy_treasury(load_dataset_spec(BUDGET), directory, areas).frame
    assert (
        value_of(frame, "KU049", "2023", "budget", "budget_annual_margin")["value"] == 349083947.70
    )


def test_budget_figures_are_titled_as_budget_and_plan_never_as_accounts() -> None:
    spec = load_dataset_spec(BUDGET)
    for indicator in (*spec.indicators, *spec.derived):
        assert indicator.title["fi"].startswith("Talousarvio ja -suunnitelma: "), indicator.id
        assert indicator.title["sv"].startswith("Budget och plan: "), indicator.id
        assert indicator.title["en"].startswith("Budget and plan: "), indicator.id
    assert (
        spec.indicator("budget_annual_margin").title["fi"]
        == "Talousarvio ja -suunnitelma: vuosikate"
    )


def test_group_accounts_codes_are_the_osta_kkotr_codes() -> None:
    """The §118 inputs: each code is a KKOTR code of the osta list with the expected label."""
    labels = {}
    for row in recorded("osta_financial_codes_kkotr_kktr_slice.csv"):
        if row["entity"] == "KKOTR":
            labels.setdefault(row["code"], row["label"])
    spec = load_dataset_spec(REPO / "datasets" / "group_accounts.yaml")
    codes = {i.id: i.select.split("+") for i in spec.indicators}
    assert {k: [labels[c] for c in v] for k, v in codes.items()} == {
        "group_annual_margin": ["Vuosikate"],
        "group_depreciation": ["Poistot ja arvonalentumiset"],
        "group_interest_expenses": ["Korkokulut"],
        "group_loans": [
            "Pitkäaikainen (korollinen vieras pääoma)",
            "Lyhytaikainen (korollinen vieras pääoma)",
        ],
        "group_accumulated_surplus": [
            "Edellisten tilikausien ylijäämä (alijäämä)",
            "Tilikauden ylijäämä (alijäämä), oma pääoma",
        ],
    }
    assert not spec.verified


def test_live_check_reads_taxonomy_catalogue_and_one_document(monkeypatch) -> None:
    spec = load_dataset_spec(BUDGET)
    with TreasuryServer() as server:
        for key, value in server.env().items():
            monkeypatch.setenv(key, value)
        url, problems, warnings = check_treasury_spec(spec, HttpClient(), RAW)
        assert (problems, warnings) == ([], [])
        assert url == f"{server.url}{api.CATALOGUE_PATH}"
        assert server.calls(f"/dokumentti/lopullinen/KTAS/{ESPOO}/2024")  # one standing document
        typo = replace(spec.indicators[0], select="VUOSIKATTE")
        broken = replace(spec, indicators=(typo, *spec.indicators[1:]))
        _, problems, _ = check_treasury_spec(broken, HttpClient(), RAW)
    assert any("no taxonomy label 'VUOSIKATTE'; close: 'VUOSIKATE'" in p for p in problems)
