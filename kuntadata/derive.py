"""Derived indicators: a dataset's indicator per resident, with the population of another.

Emissions in kilotonnes or euros of debt mean little until divided by the population, and
the sources rarely publish that ratio themselves. A spec declares such an indicator with
`per_resident: {of: <indicator>, population: <dataset>.<indicator>, multiply: N}`; it is
computed here, in the package stage, only where both numbers exist for the same area and
period — never from an estimate — and a missing part keeps its status symbol.
"""

from __future__ import annotations

import pandas as pd

from .tidy import TidyDataset


def add_per_resident(tidied: list[TidyDataset]) -> list[str]:
    """Append the rows of every derived indicator to its dataset; return warnings."""
    by_id = {item.spec.id: item for item in tidied}
    warnings: list[str] = []
    for item in tidied:
        for indicator in item.spec.derived:
            rule = indicator.per_resident
            dataset_id = rule["population"].split(".", 1)[0]
            population = by_id.get(dataset_id)
            item.meta["indicators"].append(_meta(indicator, rule))
            if population is None:
                warnings.append(
                    f"{item.spec.id}: {indicator.id} needs dataset {dataset_id!r}, "
                    "which is not in the package; no values computed"
                )
                continue
            rows = _ratio(item, population, rule, indicator.id)
            item.frame = pd.concat([item.frame, rows], ignore_index=True)
            item.sources.extend(s for s in population.sources if s not in item.sources)
            if rows.empty:
                warnings.append(
                    f"{item.spec.id}: {indicator.id}: no area and period with both "
                    f"{rule['of']} and {rule['population']}"
                )
    return warnings


def _ratio(item: TidyDataset, population: TidyDataset, rule: dict, indicator_id: str):
    frame = item.frame[item.frame["indicator"] == rule["of"]]
    people = population.frame[population.frame["indicator"] == rule["population"].split(".")[1]]
    for dimension in population.meta.get("dimensions", []):
        total = dimension.get("total") or "SSS"
        people = people[people[dimension["column"]] == total]
    people = people[["area", "period", "value", "status"]].rename(
        columns={"value": "population", "status": "population_status"}
    )
    merged = frame.merge(people, on=["area", "period"], how="inner")
    multiply = float(rule.get("multiply", 1))
    known = merged["value"].notna() & merged["population"].notna() & (merged["population"] > 0)
    merged["value"] = (merged["value"] / merged["population"] * multiply).where(known)
    merged["status"] = merged["status"].where(merged["status"] != "", None)
    merged["status"] = merged["status"].fillna(
        merged["population_status"].where(merged["population_status"] != "", None)
    )
    merged.loc[known, "status"] = ""
    merged["status"] = merged["status"].fillna("..")
    merged["indicator"] = indicator_id
    out = merged[list(item.frame.columns)]
    return out.astype(item.frame.dtypes.to_dict())


def _meta(indicator, rule: dict) -> dict:
    return {
        "id": indicator.id,
        "title": indicator.title,
        "unit": indicator.unit,
        "description": indicator.description,
        "decimals": indicator.decimals if indicator.decimals is not None else 2,
        "higher_is": indicator.higher_is,
        "responsible": indicator.responsible,
        "additive": False,
        "derived": {
            "of": rule["of"],
            "population": rule["population"],
            "multiply": rule.get("multiply", 1),
        },
    }
