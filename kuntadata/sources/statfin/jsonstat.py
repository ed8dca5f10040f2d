"""Decoding json-stat2 (what PxWeb answers) into cells keyed by dimension codes.

`value` is a flat array in row-major order over `id` (the last id varies fastest). A missing
cell is `null` in `value` with its symbol in `status` (an object keyed by the flat index as a
string, or a list). A status can also sit on a non-null value (a data note): the value is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import Any


@dataclass(frozen=True)
class Cell:
    codes: dict[str, str]
    value: float | None
    status: str | None


@dataclass(frozen=True)
class Dimension:
    id: str
    label: str
    codes: tuple[str, ...]
    labels: dict[str, str]
    units: dict[str, dict[str, Any]]
    elimination: bool


def dimensions(dataset: dict[str, Any]) -> list[Dimension]:
    out = []
    for dim_id in dataset["id"]:
        dim = dataset["dimension"][dim_id]
        category = dim["category"]
        index = category.get("index")
        if isinstance(index, dict):
            codes = tuple(sorted(index, key=index.__getitem__))
        elif isinstance(index, list):
            codes = tuple(index)
        else:
            codes = tuple(category.get("label", {}))
        out.append(
            Dimension(
                id=dim_id,
                label=dim.get("label", dim_id),
                codes=codes,
                labels=dict(category.get("label", {})),
                units=dict(category.get("unit", {})),
                elimination=bool(dim.get("extension", {}).get("elimination", False)),
            )
        )
    return out


def roles(dataset: dict[str, Any]) -> dict[str, str]:
    """Map `geo`, `time`, `metric` to the dimension ids the response names for them."""
    role = dataset.get("role") or {}
    return {name: ids[0] for name, ids in role.items() if ids}


def cells(dataset: dict[str, Any]) -> list[Cell]:
    """Every cell of a json-stat2 dataset, with its symbol when it has one."""
    if dataset.get("class") != "dataset" or "value" not in dataset:
        raise ValueError("not a json-stat2 dataset (no class 'dataset' or no 'value')")
    dims = dimensions(dataset)
    values = dataset["value"]
    sizes = [len(d.codes) for d in dims]
    expected = 1
    for size in sizes:
        expected *= size
    if isinstance(values, dict):
        values = [values.get(str(i)) for i in range(expected)]
    if len(values) != expected:
        raise ValueError(f"json-stat2 value has {len(values)} cells, size says {expected}")
    status = dataset.get("status") or {}
    if isinstance(status, str):
        status = {str(i): status for i in range(expected)}
    elif isinstance(status, list):
        status = {str(i): s for i, s in enumerate(status) if s}
    out = []
    for flat, combo in enumerate(product(*(d.codes for d in dims))):
        value = values[flat]
        symbol = status.get(str(flat))
        out.append(
            Cell(
                codes=dict(zip((d.id for d in dims), combo, strict=True)),
                value=None if value is None else float(value),
                status=symbol,
            )
        )
    return out
