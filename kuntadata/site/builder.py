"""`build_site`: data/package + content/ + site_templates/ → _site/, atomically.

The site is written into a temporary sibling of `_site/` and swapped in only when every page
rendered, so a failed build leaves the previous site untouched; the old site is renamed aside
and deleted in the background (workers.py). Templates are compiled once per language; data is
grouped once (package_data.py); pages are plain string writes. The work is a list of tasks
that two processes take from one queue (workers.py), largest first and the small
municipality tasks (pages in every language, CSV files, workbook, zip) last, so both cores
stay busy to the end.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markdown_it import MarkdownIt
from markupsafe import Markup

from ..errors import BuildError
from ..paths import ProjectPaths
from . import fmt
from .area_page import area_codes_in_scope, area_csv, area_page
from .catalog import CATALOG_PATH, catalog_jsonld
from .compare import json_files
from .compare_page import compare_page, text_files
from .content_cache import ContentCache
from .context import PACKAGE_ZIP, Site
from .downloads import (
    LABELS_PATH,
    MunicipalityCsvs,
    MunicipalityZips,
    indicator_csv,
    labels_csv,
    package_zip,
)
from .finance_gauge import finance_law
from .fork import check_fork
from .freshness import date_sentence, source_notes, statuses
from .i18n import translations
from .maps import map_shapes
from .meta import sitemap
from .municipality import municipality_page
from .package_data import load_package, pick
from .pages import (
    catalogue_page,
    content_page,
    home_page,
    indicator_page,
    not_found_page,
    root_index,
)
from .share import add_indicator_card, add_municipality_cards
from .social_card import CardFiles
from .whatsnew import atom_feed, change_groups, whatsnew_page
from .workbook import municipality_workbook, workbook_link
from .workers import can_fork, run_shared, swap, sweep, temporary_name

CONTENT_SECTIONS = {"about": "about.md", "accessibility": "accessibility.md"}
DOWNLOADS_TEXT = "downloads.md"  # content/<lang>/: the data page's words on file formats
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


@dataclass(frozen=True)
class SiteSummary:
    pages: int
    files: int
    seconds: float
    path: Path
    cards_rendered: int = 0  # social cards drawn (the rest came from the cache)

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


class _UnindentedLoader(FileSystemLoader):
    """Templates without their indentation: readable in the file, ~3 KB less on every
    municipality page, the same document (white space at a line's start collapses with the
    line break; no template has a <pre>). Done once when a template is read, not per page."""

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        return _INDENT.sub("\n", source), filename, uptodate


_INDENT = re.compile(r"\n[ \t]+")


class _DictFirstEnvironment(Environment):
    """Jinja looks `chart.title` up as an attribute first and only then as an item; every
    context here is a plain dict, so each lookup raised and caught an AttributeError
    (~5 million a whole-Finland build). A dict is asked for the item first; anything else,
    or a key the dict lacks (`notes.get(…)`, a missing value), goes the usual way."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def make_environment(templates: Path, lang: str) -> Environment:
    """A Jinja environment for one language: autoescape on, gettext installed."""
    env = _DictFirstEnvironment(
        loader=_UnindentedLoader(str(templates)),
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
    sweep(paths.site)
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
        logo=logo,
        content=paths.content,
    )
    paths.site.parent.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:8]
    tmp = temporary_name(paths.site, token)
    try:
        writer = _Writer(tmp)
        cards_rendered = _render_all(site, paths, writer, say)
        swap(tmp, paths.site, token)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    summary = SiteSummary(writer.pages, writer.files, time.perf_counter() - started, paths.site,
                          cards_rendered)  # fmt: skip
    say(str(summary))
    return summary


def _language_environment(site: Site, paths: ProjectPaths, lang: str, by_dataset) -> Environment:
    env = make_environment(paths.templates, lang)
    env.globals["source_notes"] = source_notes(site, lang, by_dataset)
    env.globals["dataset_notes"] = {
        dataset_id: date_sentence(status, lang) for dataset_id, status in by_dataset.items()
    }
    return env


class _Downloads:
    """Per-municipality downloads, each helper prepared on first use in the process that
    needs it (a forked worker that renders no municipality never splits the package).
    Workbooks come from `workbooks` (the cache of earlier builds) when their content is
    unchanged."""

    def __init__(self, site: Site, workbooks: ContentCache) -> None:
        self.site = site
        self.workbooks = workbooks
        self._zips: MunicipalityZips | None = None
        self._csvs: MunicipalityCsvs | None = None

    def write(self, writer: _Writer, code: str) -> None:
        if self._zips is None:
            self._zips, self._csvs = MunicipalityZips(self.site), MunicipalityCsvs(self.site)
        for path, text in self._csvs.files(code):
            writer.write(path, text)
        writer.write(*municipality_workbook(self.site, code, self.workbooks))
        writer.write(self.site.municipality_zip_path(code), self._zips.build(code))


def _municipalities(site, writer, codes, envs, downloads: _Downloads, cards: CardFiles) -> None:
    """Municipality pages in every language, then their CSV files, workbook and zip."""
    for lang in site.languages:
        template = envs[lang].get_template("municipality.html")
        for code in codes:
            context, _csv_paths = municipality_page(site, code, lang)
            context["workbook"] = workbook_link(site, code, context["page"]["root"])
            add_municipality_cards(site, context, code, lang, cards)
            _page(writer, site.municipality_path(lang, code), template, context)
    for code in codes:
        downloads.write(writer, code)


def _render_all(site: Site, paths: ProjectPaths, writer: _Writer, say: Callable) -> int:
    """Every page and file, as tasks shared by two processes (workers.py): the large ones
    first, the small municipality tasks last, so both processes finish together. Social
    cards are drawn inside the page tasks, so they share both processes too. Returns the
    number of cards drawn (not taken from the cache)."""
    by_dataset = statuses(site)
    cards = CardFiles(paths.cards, writer.write)
    changes = change_groups(site)
    envs = {lang: _language_environment(site, paths, lang, by_dataset) for lang in site.languages}
    downloads = _Downloads(site, ContentCache(paths.workbooks, ".xlsx"))
    tasks: list[Callable[[], None]] = []
    for lang in site.languages:
        for dataset in site.package.datasets:
            for indicator in dataset.charted:
                tasks.append(partial(_indicator, site, writer, envs[lang], dataset, indicator,
                                     lang, cards))  # fmt: skip
    tasks.append(partial(_indicator_csvs, site, writer))
    tasks.append(partial(_site_files, site, paths, writer, envs))
    tasks.append(partial(_compare_json, site, writer))
    for lang in site.languages:
        tasks.append(partial(_compare_pages, site, writer, envs[lang], lang))
    for lang in site.languages:
        tasks.append(partial(_language_pages, site, paths, writer, envs[lang], lang, changes))
    areas = area_codes_in_scope(site)
    for start in range(0, len(areas), AREA_TASK):
        tasks.append(partial(_areas, site, writer, areas[start : start + AREA_TASK], envs))
    codes = list(site.municipalities)
    for start in range(0, len(codes), MUNICIPALITY_TASK):
        chunk = codes[start : start + MUNICIPALITY_TASK]
        tasks.append(partial(_municipalities, site, writer, chunk, envs, downloads, cards))
    parallel = len(codes) >= 40  # a small site is done before a second process pays off
    say(f"Rendering pages and downloads ({2 if parallel and can_fork() else 1} processes)")

    def counts() -> str:
        return f"{writer.pages} {writer.files} {cards.rendered}"

    report = run_shared(tasks, parallel=parallel, report=counts)
    if report is not None:
        pages, files, rendered = (int(n) for n in report.split())
        writer.pages += pages
        writer.files += files
        cards.cache.made += rendered
    cards.prune()  # after the tasks: every card this build used has just been touched
    downloads.workbooks.prune()  # and every workbook
    return cards.rendered


MUNICIPALITY_TASK = 2  # municipalities per task: small, so neither process idles at the end
AREA_TASK = 6  # regions, counties and sub-regions per task (pages in every language, one CSV)


def _areas(site, writer, codes, envs) -> None:
    """Area pages (area_page.py) in every language, then each area's CSV."""
    for lang in site.languages:
        template = envs[lang].get_template("area.html")
        for code in codes:
            _page(writer, site.area_path(lang, code), template, area_page(site, code, lang))
    for code in codes:
        writer.write(*area_csv(site, code))


def _indicator(site, writer, env, dataset, indicator, lang, cards) -> None:
    context = indicator_page(site, dataset, indicator, lang)
    add_indicator_card(site, context, dataset, indicator, lang, cards)
    _page(writer, site.indicator_path(lang, indicator.id), env.get_template("indicator.html"),
          context)  # fmt: skip


def _indicator_csvs(site: Site, writer: _Writer) -> None:
    """data/indikaattori/: each indicator's ranking CSV, shared by every language, and
    data/kunnat.svg, the shapes of the indicator maps. One task
    writes them all, so whichever process takes it writes each file once (the page tasks
    are per language and only link to it)."""
    for dataset in site.package.datasets:
        for indicator in dataset.charted:
            writer.write(*indicator_csv(site, dataset, indicator))
    shapes = map_shapes(site)  # the indicator maps' municipalities, also language-neutral
    if shapes:
        writer.write(*shapes)


def _compare_json(site: Site, writer: _Writer) -> None:
    """data/json/: what the compare page reads (compare.py)."""
    for path, text in [*json_files(site), *text_files(site)]:
        writer.write(path, text)


def _compare_pages(site: Site, writer: _Writer, env: Environment, lang: str) -> None:
    """The compare page and every municipality's pre-built comparison with its peers."""
    template = env.get_template("compare.html")
    _page(writer, site.compare_path(lang), template, compare_page(site, lang))
    for code in site.municipalities:
        _page(writer, site.compare_path(lang, code), template, compare_page(site, lang, code))


def _language_pages(site, paths, writer, env, lang, changes) -> None:
    """Home, catalogue and what's-new pages, the feed and the content pages."""
    templates = {
        name: env.get_template(f"{name}.html")
        for name in ("home", "catalogue", "content", "whatsnew")
    }
    _page(writer, site.home_path(lang), templates["home"], home_page(site, lang))
    catalogue = catalogue_page(site, lang)
    catalogue["formats"] = _formats_text(paths, lang)
    catalogue["labels_href"] = catalogue["page"]["root"] + LABELS_PATH
    _page(writer, site.section_path(lang, "data"), templates["catalogue"], catalogue)
    _page(writer, site.section_path(lang, "whatsnew"), templates["whatsnew"],
          whatsnew_page(site, lang, changes))  # fmt: skip
    writer.write(f"{lang}/feed.xml", atom_feed(site, lang, changes))
    law = finance_law(site, lang)
    if law is not None:
        _page(writer, site.section_path(lang, "finance_law"),
              env.get_template("finance_law.html"), law)  # fmt: skip
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


def _formats_text(paths: ProjectPaths, lang: str) -> Markup:
    """content/<lang>/downloads.md: what the data page says about the file formats (a fork
    rewrites it like the other content pages); empty when the file is not there."""
    source = paths.content / lang / DOWNLOADS_TEXT
    if not source.exists():
        return Markup("")
    return Markup(_MARKDOWN.render(source.read_text(encoding="utf-8")))


def _site_files(site, paths, writer, envs) -> None:
    """The files that are not per language: root pages, sitemap, package, static assets."""
    default_env = envs[site.languages[0]]
    writer.write("404.html", default_env.get_template("404.html").render(not_found_page(site)))
    writer.write("index.html", default_env.get_template("index.html").render(root_index(site)))
    writer.write("sitemap.xml", sitemap(site, _logical_pages(site)))
    writer.write(
        "robots.txt", f"User-agent: *\nAllow: /\nSitemap: {site.absolute('sitemap.xml')}\n"
    )
    writer.write(PACKAGE_ZIP, package_zip(site.package.directory))
    writer.write(CATALOG_PATH, catalog_jsonld(site))
    writer.write(LABELS_PATH, labels_csv(site))
    for source in sorted(site.package.directory.iterdir()):
        if source.is_file():
            writer.write(f"data/package/{source.name}", source.read_bytes())
    static = paths.templates / "static"
    for source in sorted(static.rglob("*")) if static.exists() else []:
        if source.is_file():
            writer.write(f"static/{source.relative_to(static).as_posix()}", source.read_bytes())
    writer.write(".nojekyll", "")


def _page(writer: _Writer, path: str, template: Template, context: dict[str, Any]) -> None:
    writer.write(path + "index.html", template.render(context))


def _logical_pages(site: Site) -> list[dict[str, str]]:
    langs = site.languages
    pages = [{x: site.home_path(x) for x in langs}]
    pages += [{x: site.municipality_path(x, c) for x in langs} for c in site.municipalities]
    pages += [{x: site.area_path(x, c) for x in langs} for c in area_codes_in_scope(site)]
    pages += [
        {x: site.indicator_path(x, i.id) for x in langs}
        for d in site.package.datasets
        for i in d.charted
    ]
    sections = ("data", "whatsnew", *CONTENT_SECTIONS)
    sections += ("finance_law",) if finance_law(site, langs[0]) is not None else ()
    pages += [{x: site.section_path(x, s) for x in langs} for s in sections]
    pages += [{x: site.compare_path(x, c) for x in langs} for c in ("", *site.municipalities)]
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
