"""`build_site`: data/package + content/ + site_templates/ → _site/, atomically.

The site is written into a temporary sibling of `_site/` and swapped in only when every page
rendered, so a failed build leaves the previous site untouched. Templates are compiled once
per language; data is grouped once (package_data.py); pages are plain string writes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup

from ..errors import BuildError
from ..lock import exit_with_parent
from ..paths import ProjectPaths
from . import fmt
from .catalog import CATALOG_PATH, catalog_jsonld
from .context import PACKAGE_ZIP, Site
from .downloads import MunicipalityZips, package_zip
from .fork import check_fork
from .freshness import date_sentence, source_notes, statuses
from .i18n import translations
from .maps import MAP_PATH, site_map
from .meta import sitemap
from .municipality import municipality_page
from .package_data import load_package, pick
from .pages import (
    catalogue_page,
    content_page,
    home_page,
    indicator_page,
    not_found_page,
    region_page,
    root_index,
)
from .vendor import write_vendor
from .whatsnew import atom_feed, change_groups, whatsnew_page

CONTENT_SECTIONS = {"about": "about.md", "accessibility": "accessibility.md"}


@dataclass(frozen=True)
class SiteSummary:
    pages: int
    files: int
    seconds: float
    path: Path

    def __str__(self) -> str:
        return f"Built {self.pages} pages, {self.files} files in {self.seconds:.1f} s"


class _Writer:
    """Writes files under the temporary site directory and counts them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.pages = 0
        self.files = 0
        self._dirs: set[Path] = set()

    def write(self, relative: str, data: str | bytes) -> None:
        path = self.root / relative
        if path.parent not in self._dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(path.parent)
        if isinstance(data, str):
            data = data.encode("utf-8")
        path.write_bytes(data)
        self.files += 1
        if relative.endswith(".html"):
            self.pages += 1


def build_date(built_at: datetime | None = None) -> datetime:
    """The date shown as "built": explicit > SOURCE_DATE_EPOCH (reproducible builds) > now."""
    if built_at is not None:
        return built_at
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(tz=UTC)


def make_environment(templates: Path, lang: str) -> Environment:
    """A Jinja environment for one language: autoescape on, gettext installed."""
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals["_"] = env.globals["gettext"] = _fast_gettext(lang)
    return env


def _fast_gettext(lang: str) -> Callable[..., Markup]:
    """Jinja's newstyle gettext (translation as Markup, variables escaped by `%`), without
    its per-call context lookup: a whole-Finland build makes tens of thousands of calls."""
    catalogue = translations(lang)
    cache: dict[str, Markup] = {}

    def gettext(message: str, **variables: Any) -> Markup:
        text = cache.get(message)
        if text is None:
            text = cache[message] = Markup(catalogue.gettext(message))
        return text % variables

    return gettext


def build_site(
    paths: ProjectPaths,
    config: Any,
    *,
    base_url: str | None = None,
    progress: Callable[[str], None] | None = None,
    built_at: datetime | None = None,
) -> SiteSummary:
    """Build the whole static site into `paths.site`; raise BuildError saying what to fix."""
    started = time.perf_counter()
    say = progress or (lambda message: None)
    logo = check_fork(paths, config)  # languages, scope, logo: fail before rendering
    if not (paths.package / "datapackage.json").exists():
        raise BuildError(
            f"{paths.package}: no data package here; run `python build.py package` first"
        )
    if not (paths.templates / "base.html").exists():
        raise BuildError(f"{paths.templates}: site templates missing (base.html not found)")
    say(f"Reading the data package in {paths.package}")
    package = load_package(paths.package, scope=config.scope)
    municipalities = [a.code for a in package.areas.resolve_scope(config.scope)]
    regions = sorted({package.areas.get(c).region for c in municipalities} - {""})
    site = Site(
        config=config,
        package=package,
        languages=tuple(config.languages),
        base_url=base_url or config.base_url or "/",
        built_at=build_date(built_at),
        municipalities=municipalities,
        regions=[r for r in regions if package.areas.get(r)],
        csv_names=_csv_names(package.datasets),
        logo=logo,
        content=paths.content,
    )
    paths.site.parent.mkdir(parents=True, exist_ok=True)
    tmp = paths.site.parent / f"{paths.site.name}.tmp-{uuid.uuid4().hex[:8]}"
    try:
        writer = _Writer(tmp)
        _render_all(site, paths, writer, say)
        _swap(tmp, paths.site)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    summary = SiteSummary(writer.pages, writer.files, time.perf_counter() - started, paths.site)
    say(str(summary))
    return summary


def _csv_names(datasets: list) -> dict[tuple[str, str], str]:
    """`families.csv` when an indicator id is unique in the package, else `dataset-id.csv`."""
    counts: dict[str, int] = {}
    for dataset in datasets:
        for indicator in dataset.charted:
            counts[indicator.id] = counts.get(indicator.id, 0) + 1
    return {
        (d.id, i.id): f"{i.id}.csv" if counts[i.id] == 1 else f"{d.id}-{i.id}.csv"
        for d in datasets
        for i in d.charted
    }


def _language_environment(site: Site, paths: ProjectPaths, lang: str, by_dataset) -> Environment:
    env = make_environment(paths.templates, lang)
    env.globals["source_notes"] = source_notes(site, lang, by_dataset)
    env.globals["dataset_notes"] = {
        dataset_id: date_sentence(status, lang) for dataset_id, status in by_dataset.items()
    }
    return env


def _municipalities(site, writer, codes, envs, zips) -> None:
    """Municipality pages, their chart CSVs and zips for `codes`, in every language."""
    for lang in site.languages:
        template = envs[lang].get_template("municipality.html")
        for code in codes:
            context, files = municipality_page(site, code, lang)
            _page(writer, site.municipality_path(lang, code), template, context)
            for path, text in files:
                writer.write(path, text)
    for code in codes:
        writer.write(site.municipality_zip_path(code), zips.build(code))


def _fork_worker(site, root: Path, codes, envs) -> tuple[int, int] | None:
    """Render `codes` in a forked child (2 cores: about half the build time); None = no fork.

    The child inherits the loaded package, writes its files into the same temporary site
    directory, and reports its page and file counts through a pipe.
    """
    if not codes or not hasattr(os, "fork") or os.environ.get("KUNTADATA_SITE_WORKERS") == "1":
        return None
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller
        exit_with_parent(parent)  # a killed build leaves no worker behind (lock.py)
        os.close(read_end)
        status = 0
        try:
            child = _Writer(root)
            _municipalities(site, child, codes, envs, MunicipalityZips(site))
            message = f"{child.pages} {child.files}"
        except BaseException as exc:  # reported to the parent, which raises BuildError
            message = f"error {type(exc).__name__}: {exc}"
            status = 1
        os.write(write_end, message.encode("utf-8"))
        os.close(write_end)
        os._exit(status)
    os.close(write_end)
    return pid, read_end


def _join_worker(worker: tuple[int, int] | None, writer: _Writer) -> None:
    if worker is None:
        return
    pid, read_end = worker
    with os.fdopen(read_end, "rb") as pipe:
        message = pipe.read().decode("utf-8")
    _, status = os.waitpid(pid, 0)
    if status != 0 or message.startswith("error") or not message:
        raise BuildError(f"rendering municipality pages failed in a worker: {message or status}")
    pages, files = (int(n) for n in message.split())
    writer.pages += pages
    writer.files += files


def _render_all(site: Site, paths: ProjectPaths, writer: _Writer, say: Callable) -> None:
    by_dataset = statuses(site)
    changes = change_groups(site)
    envs = {lang: _language_environment(site, paths, lang, by_dataset) for lang in site.languages}
    codes = list(site.municipalities)
    forked = codes[len(codes) // 2 :] if len(codes) >= 40 else []
    worker = _fork_worker(site, writer.root, forked, envs)
    own = codes if worker is None else codes[: len(codes) - len(forked)]
    try:
        _render_rest(site, paths, writer, say, own, envs, changes)
    except BaseException:
        _abandon_worker(worker)
        raise
    _join_worker(worker, writer)


def _abandon_worker(worker: tuple[int, int] | None) -> None:
    """A failed build stops its worker too, so nothing writes into the discarded directory."""
    if worker is None:
        return
    pid, read_end = worker
    os.close(read_end)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    os.waitpid(pid, 0)


def _render_rest(site, paths, writer, say, own, envs, changes) -> None:
    """Everything but the forked half of the municipality pages."""
    zips = MunicipalityZips(site)
    say("Rendering municipality pages")
    _municipalities(site, writer, own, envs, zips)
    for lang in site.languages:
        say(f"Rendering {lang} pages")
        templates = {
            name: envs[lang].get_template(f"{name}.html")
            for name in ("home", "region", "indicator", "catalogue", "content", "whatsnew")
        }
        _page(writer, site.home_path(lang), templates["home"], home_page(site, lang))
        for code in site.regions:
            _page(writer, site.region_path(lang, code), templates["region"],
                  region_page(site, code, lang))  # fmt: skip
        for dataset in site.package.datasets:
            for indicator in dataset.charted:
                context, (csv_path, text) = indicator_page(site, dataset, indicator, lang)
                _page(writer, site.indicator_path(lang, indicator.id), templates["indicator"],
                      context)  # fmt: skip
                writer.write(csv_path, text)
        _page(writer, site.section_path(lang, "data"), templates["catalogue"],
              catalogue_page(site, lang))  # fmt: skip
        _page(writer, site.section_path(lang, "whatsnew"), templates["whatsnew"],
              whatsnew_page(site, lang, changes))  # fmt: skip
        writer.write(f"{lang}/feed.xml", atom_feed(site, lang, changes))
        for section, filename in CONTENT_SECTIONS.items():
            source = paths.content / lang / filename
            if not source.exists():
                raise BuildError(
                    f"{source}: missing; every language needs content/{lang}/"
                    f"{filename} (copy another language's file and translate it)"
                )
            context = content_page(site, lang, section, source.read_text(encoding="utf-8"),
                                   _content_values(site, lang))  # fmt: skip
            _page(writer, site.section_path(lang, section), templates["content"], context)
    logical_pages = _logical_pages(site)
    default_env = envs[site.languages[0]]
    writer.write("404.html", default_env.get_template("404.html").render(not_found_page(site)))
    writer.write("index.html", default_env.get_template("index.html").render(root_index(site)))
    writer.write("sitemap.xml", sitemap(site, logical_pages))
    writer.write(
        "robots.txt", f"User-agent: *\nAllow: /\nSitemap: {site.absolute('sitemap.xml')}\n"
    )
    say("Writing downloads")
    writer.write(PACKAGE_ZIP, package_zip(site.package.directory))
    writer.write(CATALOG_PATH, catalog_jsonld(site))
    for source in sorted(site.package.directory.iterdir()):
        if source.is_file():
            writer.write(f"data/package/{source.name}", source.read_bytes())
    static = paths.templates / "static"
    for source in sorted(static.rglob("*")) if static.exists() else []:
        if source.is_file():
            writer.write(f"static/{source.relative_to(static).as_posix()}", source.read_bytes())
    write_vendor(writer.write)
    if site_map(site) is not None:  # one simplified map per site, shared by indicator pages
        writer.write(MAP_PATH, site_map(site).text)
    writer.write(".nojekyll", "")


def _page(writer: _Writer, path: str, template: Template, context: dict[str, Any]) -> None:
    writer.write(path + "index.html", template.render(context))


def _logical_pages(site: Site) -> list[dict[str, str]]:
    langs = site.languages
    pages = [{x: site.home_path(x) for x in langs}]
    pages += [{x: site.municipality_path(x, c) for x in langs} for c in site.municipalities]
    pages += [{x: site.region_path(x, c) for x in langs} for c in site.regions]
    pages += [
        {x: site.indicator_path(x, i.id) for x in langs}
        for d in site.package.datasets
        for i in d.charted
    ]
    sections = ("data", "whatsnew", *CONTENT_SECTIONS)
    pages += [{x: site.section_path(x, s) for x in langs} for s in sections]
    return pages


def _content_values(site: Site, lang: str) -> dict[str, str]:
    contact = site.config.contact or {}
    return {
        "organisation": pick(contact.get("organisation"), lang) or pick(site.config.title, lang),
        "email": contact.get("email") or "",
        "feedback_url": contact.get("feedback_url") or "",
        "statement_date": fmt.long_date(contact.get("statement_date"), lang),
        "site_title": pick(site.config.title, lang),
        "base_url": site.base_url,
        "build_date": fmt.long_date(site.built_at, lang),
    }


def _swap(tmp: Path, target: Path) -> None:
    """Replace `target` by `tmp` with two renames; the old site is removed only afterwards."""
    old = None
    if target.exists():
        old = target.parent / f"{target.name}.old-{uuid.uuid4().hex[:8]}"
        target.rename(old)
    tmp.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
