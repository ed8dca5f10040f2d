"""A throw-away copy of the project (site.yaml, datasets/, areas reference) for stage tests."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
AREAS = Path("data/raw/classification/areas")


def make_project(
    root: Path,
    datasets: tuple[str, ...] = ("families",),
    scope: str = "all",
    with_snapshots: bool = False,
) -> Path:
    """Copy the config, the named dataset specs and the areas reference into `root`."""
    (root / "datasets").mkdir(parents=True)
    text = (REPO / "site.yaml").read_text("utf-8")
    if scope != "all":
        text = text.replace("scope: all ", f"scope: {scope} ")
    (root / "site.yaml").write_text(text, "utf-8")
    for name in datasets:
        shutil.copy(REPO / "datasets" / f"{name}.yaml", root / "datasets" / f"{name}.yaml")
    shutil.copytree(REPO / AREAS, root / AREAS)
    if with_snapshots:
        for name in datasets:
            source = REPO / "data" / "raw" / "statfin" / name
            shutil.copytree(source, root / "data" / "raw" / "statfin" / name)
    return root


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root with its bytes, to prove a failed run changed nothing."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }
