"""Staleness report from the package: a source unchanged longer than its cadence is flagged."""

from __future__ import annotations

from datetime import UTC, datetime

from project import make_project
from test_cli import run

from kuntadata.status import dataset_status


def test_stale_source_is_flagged_from_the_producers_update_time(tmp_path):
    root = make_project(tmp_path, ("families", "population"), with_snapshots=True)
    assert run(root, "--offline", "package").exit_code == 0
    statuses = {
        s.dataset: s
        for s in dataset_status(root / "data/package", now=datetime(2026, 11, 23, tzinfo=UTC))
    }
    families, population = statuses["families"], statuses["population"]
    assert families.updated == "2023-06-16T05:00:00Z"  # LAST-UPDATED of the real 12c1 PX
    assert families.latest_period == "2022" and families.stale
    assert population.updated == "2026-04-01T05:00:00Z" and not population.stale
    assert population.age_days == 235
    result = run(root, "--strict", "status")
    assert result.exit_code == 1
    assert "warning: families: the source has not changed for" in result.output
    assert "--strict: 1 stale dataset(s)" in result.output
