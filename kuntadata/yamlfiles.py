"""Reading the YAML files people edit, with problems reported by file, line and key path.

Both `site.yaml` and `datasets/*.yaml` are checked against JSON Schemas in `schemas/`. A
person editing them should see every problem at once (`datasets/x.yaml:12: source.table:
'table' is a required property`) rather than fixing them one abort at a time.

A key written twice in one mapping is an error, not YAML's silent "the last one wins": in a
hand-edited file the second `scope:` or `title:` is nearly always a slip, and the value the
person meant may be the one dropped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from .errors import SpecError
from .paths import SCHEMAS_DIR

LineFinder = Callable[[tuple[Any, ...]], int | None]
MERGE_TAG = "tag:yaml.org,2002:merge"


class DuplicateKeyError(yaml.YAMLError):
    """A mapping has the same key twice; lines are 1-based."""

    def __init__(self, key: Any, line: int, first_line: int) -> None:
        super().__init__(f"duplicate key {key!r} (line {line}, first on line {first_line})")
        self.key, self.line, self.first_line = key, line, first_line


class UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader, refusing a key written twice in one mapping (`<<` merges may
    still override, as YAML intends)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        first_lines: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = first_lines.setdefault(key, key_node.start_mark.line + 1)
            except TypeError:  # an unhashable key: the base class reports it
                continue
            if first != key_node.start_mark.line + 1:
                raise DuplicateKeyError(key, key_node.start_mark.line + 1, first)
        return super().construct_mapping(node, deep=deep)


def load_yaml(path: Path, label: str) -> tuple[Any, LineFinder]:
    """Parse a YAML file; return its data and a function mapping a key path to a line number.

    Malformed YAML raises SpecError naming the file and the line of the problem.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError(f"{label}: not UTF-8 text ({exc}); save the file as UTF-8") from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=UniqueKeyLoader)  # a SafeLoader: no arbitrary objects
    except DuplicateKeyError as exc:
        raise SpecError(
            f"{label}:{exc.line}: duplicate key {exc.key!r} (first on line {exc.first_line}); "
            "YAML would keep only the last value: remove or rename one"
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{label}:{mark.line + 1}" if mark else label
        problem = getattr(exc, "problem", None) or str(exc)
        raise SpecError(f"{where}: malformed YAML: {problem}") from exc

    def line_of(key_path: tuple[Any, ...]) -> int | None:
        current = node
        line = current.start_mark.line + 1 if current is not None else None
        for key in key_path:
            if isinstance(current, yaml.MappingNode):
                match = next((v for k, v in current.value if k.value == key), None)
            elif isinstance(current, yaml.SequenceNode) and isinstance(key, int):
                match = current.value[key] if key < len(current.value) else None
            else:
                match = None
            if match is None:
                break
            current = match
            line = current.start_mark.line + 1
        return line

    return data, line_of


@cache
def load_schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS_DIR / name).read_text(encoding="utf-8"))


def schema_problems(data: Any, schema_name: str, label: str, line_of: LineFinder) -> list[str]:
    """Every schema violation as `file:line: key.path: message`, in document order."""
    schema = load_schema(schema_name)
    validator = jsonschema.Draft202012Validator(schema)
    problems: list[tuple[int, str]] = []
    for error in _leaf_errors(validator.iter_errors(data)):
        key_path = tuple(error.absolute_path)
        line = line_of(key_path) or 0
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = set(error.schema.get("properties", {}))
            extra = [k for k in error.instance if k not in allowed]
            if extra:
                line = line_of((*key_path, extra[0])) or line
        dotted = _dotted(key_path) or "(top level)"
        problems.append((line, f"{label}:{line}: {dotted}: {_message(error)}"))
    return [text for _, text in sorted(problems, key=lambda item: item[0])]


def _leaf_errors(
    errors: Iterable[jsonschema.ValidationError],
) -> Iterable[jsonschema.ValidationError]:
    """Prefer the most specific sub-error of a oneOf/anyOf so the message says what to fix."""
    for error in errors:
        if error.context:
            best = jsonschema.exceptions.best_match(error.context)
            yield best
        else:
            yield error


def _message(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        return f"{error.message}; allowed keys: {', '.join(allowed)}"
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(repr, error.validator_value))}"
    return error.message


def _dotted(key_path: tuple[Any, ...]) -> str:
    out = ""
    for key in key_path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out
