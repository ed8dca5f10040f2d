"""Golden test: a small built site (2 datasets × 3 municipalities) compared file by file.

The expected files live in tests/golden/site/. They change only on purpose; regenerate them
with ONE command from the repository root, then review the diff before committing:

    python -m tests.test_site_golden

(equivalently `KUNTADATA_REGEN_GOLDEN=1 python -m pytest tests/test_site_golden.py`).
The build date is fixed and zips are written with fixed timestamps. Zip files are
compared as a text listing of their members and contents, Excel workbooks as their
sheets' cells (value and number format), social card PNGs as their size (their names are
already the hash of what they show).
"""

from __future__ import annotations

import difflib
import os
import shutil
import sys
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

try:
    from tests.site_fixtures import make_project, site_config
except ModuleNotFoundError:  # pytest run without the repository root on sys.path
    from site_fixtures import make_project, site_config

import openpyxl
from PIL import Image

from kuntadata.site import build_site

GOLDEN = Path(__file__).parent / "golden" / "site"
MUNICIPALITIES = ("KU049", "KU091", "KU092")  # Espoo, Helsinki, Vantaa
SKIP: set[str] = set()


def build_golden_site(root: Path) -> Path:
    paths = make_project(root, municipalities=MUNICIPALITIES)
    build_site(paths, site_config(), built_at=datetime(2026, 11, 23, tzinfo=UTC))
    return paths.site


def comparable_files(site: Path) -> dict[str, str]:
    """Relative path → text; zips become a listing so diffs stay readable."""
    files: dict[str, str] = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        relative = path.relative_to(site).as_posix()
        if relative in SKIP:
            continue
        if path.suffix == ".xlsx":
            files[relative + ".txt"] = workbook_text(path)
        elif path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                parts = [
                    f"=== {info.filename} {info.date_time}\n" + archive.read(info).decode("utf-8")
                    for info in archive.infolist()
                ]
            files[relative + ".txt"] = "".join(parts)
        elif path.suffix == ".png":  # social cards: named by what they show (share.py);
            with Image.open(path) as image:  # their bytes depend on Pillow's zlib
                files[relative + ".txt"] = f"PNG {image.width}x{image.height}\n"
        else:
            files[relative] = path.read_text(encoding="utf-8")
    return files


def workbook_text(path: Path) -> str:
    """A workbook as text: each sheet's frozen cell, then every row with each cell's value
    and, for numbers, its number format."""
    book = openpyxl.load_workbook(path)
    parts = []
    for sheet in book.worksheets:
        parts.append(f"=== {sheet.title} (frozen at {sheet.freeze_panes})\n")
        for row in sheet.iter_rows():
            cells = [
                f"{c.value!r} [{c.number_format}]"
                if isinstance(c.value, int | float)
                else repr(c.value)
                for c in row
            ]
            parts.append(" | ".join(cells) + "\n")
    return "".join(parts)


def regenerate() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        files = comparable_files(build_golden_site(Path(tmp)))
    shutil.rmtree(GOLDEN, ignore_errors=True)
    for relative, text in files.items():
        target = GOLDEN / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    print(f"Wrote {len(files)} golden files to {GOLDEN}")


def test_site_matches_golden_files(tmp_path: Path) -> None:
    if os.environ.get("KUNTADATA_REGEN_GOLDEN"):
        regenerate()
    actual = comparable_files(build_golden_site(tmp_path))
    expected = {
        p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(GOLDEN.rglob("*"))
        if p.is_file()
    }
    assert sorted(actual) == sorted(expected), "file list differs; see the command in the docstring"
    for relative, text in expected.items():
        if actual[relative] != text:
            diff = "\n".join(
                difflib.unified_diff(
                    text.splitlines(), actual[relative].splitlines(), "golden", "built", n=1
                )
            )
            raise AssertionError(f"{relative} differs from the golden file:\n{diff[:4000]}")


if __name__ == "__main__":
    regenerate()
    sys.exit(0)
