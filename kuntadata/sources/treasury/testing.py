"""A local emulator of the State Treasury's municipal finance REST API, for tests and seeding.

It serves real recorded content only (tests/fixtures/treasury/, see tests/fixtures/README.md),
reshaped into the API's field names:
- `GET /rest/v1/json/aineistot`: the catalogue slice (`municipal_finance_catalog_v1_slice.csv`,
  all rows but KKLMY, which has its own catalogue) plus the six KTAS 2023 documents whose
  catalogue rows are not in that slice; theirs are rebuilt from the document-level columns of
  `municipal_finance_ktas_core_v1_slice.csv` (business id, period, approval stage and times,
  document URL — the same values the catalogue has, checked for 2024 in the README).
- `GET /rest/v1/json/dokumentti/<stage>/<PACKAGE>/<business id>/<period>`: the facts of the
  nine recorded KTAS documents (Espoo, Hanko, Vantaa 2023 and 2024; Hyvinkää, Inkoo and
  0125920-9 2023), only their 32 core facts of 158–160. A listed document that was not recorded
  answers 404 (the adapter then warns and builds the rest), so the seeded snapshot says which.
- `GET /kuntatalous/v1/taksonomia`: the taxonomy index (`municipal_finance_taxonomy_index_v1.csv`),
  its blob URLs pointing at this server; `GET /kuntataloudentaksonomia/KTAS.json`: the KTAS
  taxonomy (`municipal_finance_ktas_taxonomy_v1.csv`). Other taxonomies answer 501 (not recorded).

What is NOT known from a recording and is this emulator's choice (the dataset spec therefore
says `verified: false`; `build.py check --live` verifies the real layout): the raw JSON layout
(`{"aineistot": [...]}`, a list of fact objects, a list of taxonomy rows — from the API's field
list [S-off] and a third-party loader's code [S]); timestamps written without the `Z` the
loader added; `tunnusluku` and `solutunniste` as strings; taxonomy keys with a blank value
left out; `taso` an integer and `pakollisuus` true (the README's hash check shows both typed).
Fact fields with no recorded value (`kommentti`, `kieli`) are left out.

Bad input for tests, as attributes: ``missing_documents`` (document paths answered 404),
``fact_values`` ({(business id, period, code): raw arvo}), ``unlabelled`` (taxonomy codes
served without labels), ``extra_entries`` (catalogue entries appended), ``faults``.

Use ``with TreasuryServer() as server:`` or run
``python -m kuntadata.sources.treasury.testing --port 8767``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..testing import Faults, LocalEmulator, fault_answer, realdata_dir

JSON_TYPE = "application/json;charset=UTF-8"
REAL_HOST = "https://prodkuntarest.westeurope.cloudapp.azure.com"
BLOB_PREFIX = "https://tkdpprodjrpstacc02.blob.core.windows.net"
CATALOGUE_PATH = "/rest/v1/json/aineistot"
DOCUMENT_PREFIX = "/rest/v1/json/dokumentti/"
TAXONOMY_INDEX_PATH = "/kuntatalous/v1/taksonomia"
TAXONOMY_PREFIX = "/kuntataloudentaksonomia/"
CATALOGUE_FILE = "municipal_finance_catalog_v1_slice.csv"
FACTS_FILE = "municipal_finance_ktas_core_v1_slice.csv"
TAXONOMY_FILE = "municipal_finance_ktas_taxonomy_v1.csv"
INDEX_FILE = "municipal_finance_taxonomy_index_v1.csv"
TAXONOMY_KEYS = {  # the loader's CSV column → the API's key [S]
    "indicator_code": "solutunniste",
    "indicator_name_fi": "tunnusluku",
    "indicator_name_sv": "tunnusluku_sv",
    "indicator_name_en": "tunnusluku_en",
    "task_name_fi": "tehtava",
    "task_name_sv": "tehtava_sv",
    "task_name_en": "tehtava_en",
    "level": "taso",
    "service_class": "palvelu",
    "sector": "sektori",
    "entrypoint": "entrypoint",
    "taxonomy_version": "versio",
    "technical_taxonomy_version": "tekninen_versio",
    "subpackage": "osakokonaisuus",
    "mandatory": "pakollisuus",
    "protected": "suojattu",
}


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str = JSON_TYPE
    headers: dict[str, str] = field(default_factory=dict)
    replayed: tuple[str, ...] = ()  # the real files the body was built from, for provenance


def raw_time(text: str) -> str:
    """The loader added a `Z`; the API's own form is served without it."""
    return text.removesuffix("Z")


class TreasuryServer(LocalEmulator):
    def __init__(self, host: str = "127.0.0.1", port: int = 0, realdata: Path | None = None):
        self.realdata = (realdata or realdata_dir()) / "treasury"
        self.missing_documents: set[str] = set()
        self.fact_values: dict[tuple[str, str, str], Any] = {}
        self.unlabelled: set[str] = set()
        self.extra_entries: list[dict[str, Any]] = []
        self.faults = Faults()
        self.requests: list[str] = []
        self.replayed: dict[str, tuple[str, ...]] = {}
        self._lock = threading.Lock()
        self._listen(host, port)
        self.url = f"http://{self.host}:{self.port}"
        self.taxonomy_url = f"{self.url}{TAXONOMY_INDEX_PATH}"
        self._entries, self._documents = self._load()

    def env(self) -> dict[str, str]:
        """The environment that points the adapter at this server."""
        return {
            "KUNTADATA_TREASURY_URL": self.url,
            "KUNTADATA_TREASURY_TAXONOMY_URL": self.taxonomy_url,
        }

    def calls(self, path_contains: str = "") -> list[str]:
        return [p for p in list(self.requests) if path_contains in p]

    def document_path(self, stage: str, package: str, business_id: str, period: str) -> str:
        return f"{DOCUMENT_PREFIX}{stage}/{package}/{business_id}/{period}"

    # -- recorded content -------------------------------------------------------------------

    def _read(self, name: str) -> list[dict[str, str]]:
        with (self.realdata / name).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def _load(self) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
        entries = []
        for row in self._read(CATALOGUE_FILE):
            if row["source_url"].endswith(CATALOGUE_PATH):
                entries.append(self._entry(row, row["document_url"]))
        documents: dict[str, list[dict[str, Any]]] = {}
        listed = {e["tunnusluvut"] for e in entries}
        for row in self._read(FACTS_FILE):
            path = urlsplit(row["source_url"]).path
            if path not in documents:
                documents[path] = []
                if self.url + path not in listed:
                    entries.append(self._entry(row, row["source_url"]))
            documents[path].append(
                {
                    "ytunnus": row["business_id"],
                    "raportointikausi": row["reporting_period"],
                    "raportointikokonaisuus": row["reporting_package"],
                    "osakokonaisuus": row["subpackage"],
                    "taksonomia": row["taxonomy_version"],
                    "tunnusluku": row["indicator_code"],
                    "arvo": row["value_raw"],
                    "tarkastushavainnot": [],
                    "hyväksymisvaihe": row["approval_stage"],
                    "hyväksymispvm": raw_time(row["approved_at"]),
                }
            )
        entries.sort(
            key=lambda e: (e["raportointikokonaisuus"], e["raportointikausi"], e["ytunnus"])
        )
        return entries, documents

    def _entry(self, row: dict[str, str], url: str) -> dict[str, Any]:
        return {
            "ytunnus": row["business_id"],
            "raportointikokonaisuus": row["reporting_package"],
            "raportointikausi": row["reporting_period"],
            "hyvaksymisvaihe": row["approval_stage"],
            "hyvaksymispvm": raw_time(row["approved_at"]),
            "julkaisupvm": raw_time(row["published_at"]),
            "tunnusluvut": url.replace(REAL_HOST, self.url),
        }

    def taxonomy_rows(self) -> list[dict[str, Any]]:
        rows = []
        for row in self._read(TAXONOMY_FILE):
            item: dict[str, Any] = {}
            for column, key in TAXONOMY_KEYS.items():
                value = row[column]
                if not value or (
                    column.startswith("indicator_name") and row["indicator_code"] in self.unlabelled
                ):
                    continue
                item[key] = (
                    int(value)
                    if key == "taso"
                    else value == "True"
                    if key == "pakollisuus"
                    else value
                )
            rows.append(item)
        return rows

    # -- routing ----------------------------------------------------------------------------

    def answer(self, target: str, user_agent: str) -> Answer:
        path = urlsplit(target).path
        with self._lock:
            self.requests.append(path)
        if not user_agent or user_agent.startswith("python-requests"):
            return Answer(403, b"Forbidden", "text/plain")
        fault = self.faults.take("GET", path)
        if fault and fault.mode in ("429", "503", "html"):
            return fault_answer(Answer, fault.mode, fault.retry_after)
        answer = self._route(path)
        if answer.replayed:
            with self._lock:
                self.replayed[path] = answer.replayed
        if fault and fault.mode == "truncated":
            answer.body = answer.body[: len(answer.body) // 2]
        return answer

    def _route(self, path: str) -> Answer:
        if path == CATALOGUE_PATH:
            body = {"aineistot": [*self._entries, *self.extra_entries]}
            return _json(body, (CATALOGUE_FILE, FACTS_FILE))
        if path.startswith(DOCUMENT_PREFIX):
            return self._document(path)
        if path == TAXONOMY_INDEX_PATH:
            urls = [
                row["taxonomy_url"].replace(BLOB_PREFIX, self.url) for row in self._read(INDEX_FILE)
            ]
            return _json(urls, (INDEX_FILE,))
        if path.startswith(TAXONOMY_PREFIX):
            if path == f"{TAXONOMY_PREFIX}KTAS.json":
                return _json(self.taxonomy_rows(), (TAXONOMY_FILE,))
            return _error(501, f"not recorded: {path}")
        return _error(404, "Not found")

    def _document(self, path: str) -> Answer:
        facts = self._documents.get(path)
        if facts is None or path in self.missing_documents:
            listed = any(urlsplit(e["tunnusluvut"]).path == path for e in self._entries)
            why = "listed in the catalogue but not recorded" if listed else "no such document"
            return _error(404, f"{why}: {path}")
        served = []
        for fact in facts:
            key = (fact["ytunnus"], fact["raportointikausi"], fact["tunnusluku"])
            served.append(
                {**fact, "arvo": self.fact_values[key]} if key in self.fact_values else fact
            )
        return _json(served, (FACTS_FILE,))


def _json(body: Any, replayed: tuple[str, ...]) -> Answer:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Answer(200, text.encode("utf-8"), replayed=replayed)


def _error(status: int, message: str) -> Answer:
    return Answer(status, json.dumps({"error": message}).encode("utf-8"))


@contextlib.contextmanager
def treasury_env(server: TreasuryServer) -> Iterator[None]:
    """Point the adapter at `server` for the duration (restores the environment after)."""
    before = {k: os.environ.get(k) for k in server.env()}
    os.environ.update(server.env())
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the State Treasury API emulator.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8767)
    args = parser.parse_args(argv)
    with TreasuryServer(args.host, args.port) as server:
        print(f"{server.url}  (taxonomy index {server.taxonomy_url})", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
