"""Small holes (issue 12, part 9): optional dimension labels, duplicate YAML keys, an
empty scope."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from project import make_project as make_fetch_project

from kuntadata.areas import load_areas
from kuntadata.config import load_site_config
from kuntadata.errors import SpecError
from kuntadata.fetch import fetch_datasets
from kuntadata.package import AREAS_DIR, build_package
from kuntadata.paths import REPO_ROOT, ProjectPaths
from kuntadata.spec import load_dataset_spec, load_dataset_specs

# --- (d) dimensions without labels, as documented in docs/datasets.md ---------------------

UI_DOWNLOAD = REPO_ROOT / "tests" / "fixtures" / "statfin" / "statfin_tjt_128c_ui_download_en.csv"
DOCUMENTED_SPEC = """title: {fi: Tulot desiileittäin, sv: Inkomster, en: Income by decile}
theme: economy
source:
  kind: file
  path: files/128c.csv
  area: SSS
  columns: {indicator: Information}
  dimensions: [{column: Decile, name: decile}]
  pivot: {column: period}
indicators:
  - id: gross_income
    select: 6. GROSS INCOME, mean
    title: {fi: Bruttotulot, sv: Bruttoinkomster, en: Gross income}
    unit: {fi: euroa, sv: euro, en: euros}
"""


def test_documented_dimensions_example_without_labels_packages(tmp_path: Path) -> None:
    root = make_fetch_project(tmp_path, ())
    (root / "datasets" / "income_deciles.yaml").write_text(DOCUMENTED_SPEC, "utf-8")
    (root / "files").mkdir()
    shutil.copy(UI_DOWNLOAD, root / "files" / "128c.csv")
    paths = ProjectPaths(root)
    config = load_site_config(paths.site_config)
    specs = load_dataset_specs(paths.datasets)
    areas = load_areas(paths.raw / AREAS_DIR)
    summary = fetch_datasets(paths, config, specs, areas, report=lambda _: None)
    assert [o.status for o in summary.outcomes] == ["fetched"]
    package = build_package(paths, config, specs, areas)  # raised on the enum "[]" before
    assert package.rows == 40  # 10 deciles × 4 years of the real file
    descriptor = json.loads((paths.package / "datapackage.json").read_text("utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == "income_deciles")
    field = next(f for f in resource["schema"]["fields"] if f["name"] == "decile")
    assert len(field["constraints"]["enum"]) == 10
    assert "I (Lowest-income 10 %)" in field["constraints"]["enum"]
    values = resource["x-kuntadata"]["dimensions"][0]["values"]
    assert list(values)[:3] == ["I (Lowest-income 10 %)", "II", "III"]  # the file's order
    assert values["II"] == {"fi": "II", "sv": "II", "en": "II"}  # the file's own text


# --- (e) duplicate YAML keys ---------------------------------------------------------------


def test_duplicate_key_in_site_yaml_names_file_and_lines(tmp_path: Path) -> None:
    text = (REPO_ROOT / "site.yaml").read_text("utf-8")
    lines = text.splitlines()
    scope_line = next(i for i, line in enumerate(lines, 1) if line.startswith("scope:"))
    (tmp_path / "site.yaml").write_text(text + "scope: [MK12]\n", "utf-8")
    with pytest.raises(SpecError) as caught:
        load_site_config(tmp_path / "site.yaml")
    assert str(caught.value).startswith(
        f"site.yaml:{len(lines) + 1}: duplicate key 'scope' (first on line {scope_line}); "
        "YAML would keep only the last value"
    )


def test_duplicate_key_in_a_dataset_spec_names_file_and_lines(tmp_path: Path) -> None:
    text = (REPO_ROOT / "datasets" / "families.yaml").read_text("utf-8")
    marker = "indicators:\n  - id: "
    assert marker in text
    first = text[: text.index(marker)].count("\n") + 2  # the line of the first indicator's id
    doubled = text.replace(marker, marker + "families\n    id: ", 1)
    (tmp_path / "families.yaml").write_text(doubled, "utf-8")
    with pytest.raises(SpecError) as caught:
        load_dataset_spec(tmp_path / "families.yaml")
    assert f"datasets/families.yaml:{first + 1}: duplicate key 'id' (first on line {first})" in (
        str(caught.value)
    )


# --- (f) an empty scope --------------------------------------------------------------------


@pytest.mark.parametrize("empty", ["[]", ""])
def test_empty_scope_says_what_to_write(tmp_path: Path, empty: str) -> None:
    text = (REPO_ROOT / "site.yaml").read_text("utf-8")
    lines = text.splitlines()
    number, line = next((i, x) for i, x in enumerate(lines, 1) if x.startswith("scope:"))
    lines[number - 1] = f"scope: {empty}"
    (tmp_path / "site.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(SpecError) as caught:
        load_site_config(tmp_path / "site.yaml")
    assert caught.value.problems == [
        f"site.yaml:{number}: scope is empty: use `all`, a region code like MK12, or a list of "
        "municipality codes (`scope: all`, `scope: [MK12]`, `scope: [KU091, KU049]`)"
    ]
    assert line.startswith("scope: all")
