"""site.yaml and datasets/*.yaml: every problem listed with file, line and key path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kuntadata.config import load_site_config
from kuntadata.errors import SpecError
from kuntadata.spec import load_dataset_specs

REPO = Path(__file__).resolve().parent.parent


def test_the_repository_specs_load() -> None:
    specs = {s.id: s for s in load_dataset_specs(REPO / "datasets")}
    assert specs["families"].source["table"] == "12c1"
    assert [i.id for i in specs["families"].indicators][:2] == [
        "families",
        "families_with_children",
    ]
    assert specs["population"].selections[0].variable == "Sukupuoli"


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("title:\n  fi: Perheet\n  sv: [unclosed\n", "utf-8")
    with pytest.raises(SpecError) as caught:
        load_dataset_specs(tmp_path)
    assert "datasets/broken.yaml:4: malformed YAML" in str(caught.value)
    assert "Aborted with 1 error" in str(caught.value)


def test_unknown_key_is_listed_with_its_line_and_allowed_keys(tmp_path: Path) -> None:
    text = (REPO / "datasets" / "families.yaml").read_text("utf-8")
    text = text.replace("theme: population", "theme: population\ncolour: red")
    (tmp_path / "families.yaml").write_text(text, "utf-8")
    with pytest.raises(SpecError) as caught:
        load_dataset_specs(tmp_path)
    message = str(caught.value)
    line = text.splitlines().index("colour: red") + 1
    assert (
        f"datasets/families.yaml:{line}: (top level): Additional properties are not "
        "allowed ('colour' was unexpected)" in message
    )
    assert "allowed keys: attribution, cadence, chart, description" in message


def test_all_problems_in_all_files_then_one_abort(tmp_path: Path) -> None:
    shutil.copy(REPO / "datasets" / "families.yaml", tmp_path / "families.yaml")
    (tmp_path / "a.yaml").write_text(
        "title: {fi: A, sv: A, en: A}\ntheme: weather\nsource: {kind: statfin}\nindicators: []\n",
        "utf-8",
    )
    (tmp_path / "b.yaml").write_text("title: {fi: B}\n", "utf-8")
    with pytest.raises(SpecError) as caught:
        load_dataset_specs(tmp_path)
    message = str(caught.value)
    assert "datasets/a.yaml:2: theme: 'weather' is not one of" in message
    assert "datasets/a.yaml:3: source: 'table' is a required property" in message
    assert "datasets/a.yaml:4: indicators: [] should be non-empty" in message
    assert "datasets/b.yaml:1: title: 'sv' is a required property" in message
    assert "datasets/b.yaml:1: (top level): 'theme' is a required property" in message
    assert message.endswith("in datasets/")
    assert "Aborted with" in message


def test_chart_must_name_an_indicator(tmp_path: Path) -> None:
    text = (REPO / "datasets" / "families.yaml").read_text("utf-8")
    text = text.replace(
        "indicators: [families, families_with_children]", "indicators: [families, familes]"
    )
    (tmp_path / "families.yaml").write_text(text, "utf-8")
    with pytest.raises(SpecError, match=r"chart.indicators\[1\]: 'familes' is not an indicator"):
        load_dataset_specs(tmp_path)


def test_only_with_an_unknown_dataset_lists_the_known_ones() -> None:
    with pytest.raises(SpecError) as caught:
        load_dataset_specs(REPO / "datasets", ("famlies",))
    assert "--only famlies: no such dataset; known: " in str(caught.value)
    assert "families, " in str(caught.value) and "population" in str(caught.value)


def test_site_config_problems_and_env_override(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "site.yaml"
    path.write_text("title: {fi: X}\nlanguages: [fi, de]\nscope: [MK7]\n", "utf-8")
    with pytest.raises(SpecError) as caught:
        load_site_config(path)
    message = str(caught.value)
    assert "site.yaml:2: languages[1]: 'de' is not one of 'fi', 'sv', 'en'" in message
    assert "site.yaml:3: scope" in message
    config = load_site_config(REPO / "site.yaml")
    assert config.source_url("statfin") == "https://pxdata.stat.fi/PxWeb/api/v1"
    monkeypatch.setenv("KUNTADATA_STATFIN_URL", "http://127.0.0.1:9/PxWeb/api/v1/")
    assert config.source_url("statfin") == "http://127.0.0.1:9/PxWeb/api/v1"


def families_renaming(tmp_path: Path, new_id: str) -> None:
    """datasets/families.yaml in `tmp_path` with its second indicator renamed `new_id`."""
    text = (REPO / "datasets" / "families.yaml").read_text("utf-8")
    (tmp_path / "families.yaml").write_text(
        text.replace("id: families_with_children", f"id: {new_id}").replace(
            "[families, families_with_children]", f"[families, {new_id}]"
        ),
        "utf-8",
    )


def test_indicator_ids_are_unique_across_datasets(tmp_path: Path) -> None:
    shutil.copy(REPO / "datasets" / "population.yaml", tmp_path / "population.yaml")
    families_renaming(tmp_path, "population")
    with pytest.raises(SpecError) as caught:
        load_dataset_specs(tmp_path)
    assert (
        "datasets/population.yaml: indicator id 'population' is already used in "
        "datasets/families.yaml; indicator ids must be unique" in str(caught.value)
    )


def test_an_indicator_id_may_not_be_a_section_id_of_the_pages(tmp_path: Path) -> None:
    """An indicator id is also its chart's anchor on a page (`#families`): "downloads" would
    be the anchor of the page's downloads section too."""
    families_renaming(tmp_path, "downloads")
    with pytest.raises(SpecError) as caught:
        load_dataset_specs(tmp_path)
    assert "indicator id 'downloads' is the id of a section of the site's pages" in str(
        caught.value
    )
