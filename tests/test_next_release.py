"""When the next figure is due (issue 14 part 6): the producer's announced date, else an
estimate one cadence after its last update, labelled as an estimate; nothing for an irregular
source or one without an update time; overdue once the time has passed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from test_cli import run

from kuntadata.site.freshness import date_sentence, next_sentence
from kuntadata.status import DatasetStatus, dataset_status

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[1]


def write_package(root: Path, *metas: dict) -> Path:
    package = root / "data" / "package"
    package.mkdir(parents=True)
    resources = [
        {"name": meta["dataset"], "path": f"{meta['dataset']}.csv", "x-kuntadata": meta}
        for meta in metas
    ]
    (package / "datapackage.json").write_text(json.dumps({"resources": resources}), "utf-8")
    return package


def meta(dataset: str, cadence: str, updated: str = "", next_release: str = "") -> dict:
    return {
        "dataset": dataset,
        "cadence": cadence,
        "updated": updated,
        "next_release": next_release,
        "fetched_at": "2026-11-29T08:00:00Z",
        "periods": ["2024", "2025"],
    }


def status_of(package: Path, dataset: str, now: datetime = NOW) -> DatasetStatus:
    return next(s for s in dataset_status(package, now=now) if s.dataset == dataset)


def sentences(status: DatasetStatus) -> dict[str, str]:
    return {lang: next_sentence(status, lang) for lang in ("fi", "sv", "en")}


def test_yearly_estimate_from_the_producers_update_in_three_languages(tmp_path: Path) -> None:
    package = write_package(tmp_path, meta("population", "yearly", "2026-04-01T05:00:00Z"))
    status = status_of(package, "population")
    assert (status.next_due, status.next_estimated, status.overdue) == ("2027-04", True, False)
    assert sentences(status) == {
        "fi": "Seuraava luku arviolta huhtikuussa 2027 (arvio: julkaistaan vuosittain).",
        "sv": "Nästa siffra väntas omkring april 2027 (uppskattning: publiceras årligen).",
        "en": "Next figure expected around April 2027 (estimate: published yearly).",
    }
    # in the chart blocks' source line (and the indicator page), after the dates
    assert date_sentence(status, "en") == (
        "Data fetched 29 November 2026, updated by the source 1 April 2026. "
        "Next figure expected around April 2027 (estimate: published yearly)."
    )
    assert "next figure expected around 2027-04 (estimate)" in status.line()


def test_monthly_and_quarterly_estimates(tmp_path: Path) -> None:
    package = write_package(
        tmp_path,
        meta("jobseekers", "monthly", "2026-11-20T05:00:00Z"),
        meta("openings", "quarterly", "2026-10-30T05:00:00Z"),
    )
    monthly = status_of(package, "jobseekers")
    assert (monthly.next_due, monthly.overdue) == ("2026-12", False)
    assert sentences(monthly) == {
        "fi": "Seuraava luku arviolta joulukuussa 2026 (arvio: julkaistaan kuukausittain).",
        "sv": "Nästa siffra väntas omkring december 2026 (uppskattning: publiceras månadsvis).",
        "en": "Next figure expected around December 2026 (estimate: published monthly).",
    }
    quarterly = status_of(package, "openings")
    assert quarterly.next_due == "2027-01"
    assert next_sentence(quarterly, "en") == (
        "Next figure expected around January 2027 (estimate: published quarterly)."
    )


def test_announced_next_release_wins_and_is_not_an_estimate(tmp_path: Path) -> None:
    package = write_package(
        tmp_path, meta("population", "yearly", "2026-04-01T05:00:00Z", "2027-03-31")
    )
    status = status_of(package, "population")
    assert (status.next_due, status.next_estimated, status.overdue) == ("2027-03-31", False, False)
    assert sentences(status) == {
        "fi": "Seuraava julkaisu 31.3.2027.",
        "sv": "Nästa publicering 31 mars 2027.",
        "en": "Next release 31 March 2027.",
    }
    assert all("arvio" not in s and "uppskattning" not in s for s in sentences(status).values())
    assert "next release 2027-03-31 (announced)" in status.line()


def test_irregular_or_no_update_time_gives_no_date(tmp_path: Path) -> None:
    package = write_package(
        tmp_path,
        meta("elections", "irregular", "2021-06-14T05:00:00Z"),
        meta("sotkanet", "yearly"),  # Sotkanet and file snapshots give no update time
    )
    elections = status_of(package, "elections")
    assert (elections.next_due, elections.overdue) == ("", False)
    assert sentences(elections) == {
        "fi": "Julkaistaan epäsäännöllisesti; seuraavan luvun julkaisuajasta ei ole tietoa.",
        "sv": "Publiceras oregelbundet; när nästa siffra kommer är inte känt.",
        "en": "Published irregularly; when the next figure is due is not known.",
    }
    assert "next figure: not known" in elections.line()
    unknown = status_of(package, "sotkanet")
    assert unknown.next_due == "" and not unknown.overdue
    assert sentences(unknown) == {
        "fi": "Seuraavan luvun julkaisuajasta ei ole tietoa.",
        "sv": "När nästa siffra kommer är inte känt.",
        "en": "When the next figure is due is not known.",
    }
    for text in (*sentences(elections).values(), *sentences(unknown).values()):
        assert not any(ch.isdigit() for ch in text)


def test_overdue_estimate_and_overdue_announced_date(tmp_path: Path) -> None:
    package = write_package(
        tmp_path,
        meta("families", "yearly", "2023-06-16T05:00:00Z"),
        meta("announced", "yearly", "2026-04-01T05:00:00Z", "2026-11-01"),
        meta("this_month", "monthly", "2026-10-31T05:00:00Z"),
    )
    families = status_of(package, "families")
    assert (families.next_due, families.overdue, families.stale) == ("2024-06", True, True)
    assert sentences(families) == {
        "fi": "Seuraava luku on myöhässä: sitä odotettiin arviolta kesäkuussa 2024 "
        "(arvio: julkaistaan vuosittain).",
        "sv": "Nästa siffra är försenad sedan omkring juni 2024 "
        "(uppskattning: publiceras årligen).",
        "en": "Next figure overdue since around June 2024 (estimate: published yearly).",
    }
    # the staleness judgement is status.py's, still said after it
    assert date_sentence(families, "en").endswith(
        "longer than its usual cadence; newer figures may exist."
    )
    assert "next figure overdue since 2024-06 (estimate)" in families.line()
    announced = status_of(package, "announced")
    assert announced.overdue and not announced.stale
    assert next_sentence(announced, "en") == (
        "Next figure overdue since 1 November 2026, the date the source announced."
    )
    assert next_sentence(announced, "fi") == (
        "Seuraava luku on myöhässä: lähde ilmoitti julkaisevansa sen 1.11.2026."
    )
    # expected around November 2026, judged in November 2026: not yet overdue
    assert not status_of(package, "this_month").overdue
    assert status_of(package, "this_month", datetime(2026, 12, 1, tzinfo=UTC)).overdue


def test_build_status_says_when_the_next_figure_is_due(tmp_path: Path) -> None:
    write_package(
        tmp_path,
        meta("population", "yearly", "2026-04-01T05:00:00Z", "2099-03-31"),
        meta("elections", "irregular"),
    )
    result = run(tmp_path, "status")
    assert result.exit_code == 0, result.output
    assert (
        "population: " in result.output and "next release 2099-03-31 (announced)" in result.output
    )
    assert "elections: " in result.output and "next figure: not known" in result.output


@pytest.mark.parametrize("path", sorted((REPO / "datasets").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_spec_declares_its_cadence(path: Path) -> None:
    spec = yaml.safe_load(path.read_text("utf-8"))
    assert spec.get("cadence") in {"yearly", "quarterly", "monthly", "irregular"}
    expected = {
        "unemployed_jobseekers": "monthly",
        "municipal_tax_rate": "yearly",
        "municipal_election_turnout_2021": "irregular",
        "population": "yearly",
    }
    if path.stem in expected:
        assert spec["cadence"] == expected[path.stem]
