"""No page shows text of another language: UI strings of fi/en never on sv pages, and so on.

Every translated string of the gettext catalogues and every title, unit and description of
the data package is collected per language and cut at its placeholders into literal
fragments. A fragment of one language that no text of the page's language contains (and
that is not a name: area names are left out, and text inside an element marked with its own
`lang`, such as "Helsingfors" beside "Helsinki", is skipped) must not occur in the visible
text of that page, its `aria-label`s, `title`s or `alt`s.

The site is built from the real committed snapshots (data/raw/) for four municipalities that
exercise the awkward cases: Helsinki (bilingual, its own wellbeing services county), Mäntyharju
(Pertunmaa merged into it), Brändö (Åland, Swedish only, many gaps) and Närpes (Swedish
majority). Run `python -m tests.test_language _site` to check a whole built site.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import shutil
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kuntadata.paths import REPO_ROOT

LANGS = ("fi", "sv", "en")
LOCALE = REPO_ROOT / "kuntadata" / "site" / "locale"
MIN_LENGTH = 10  # shorter fragments ("Data", "Period") are shared words or too ambiguous
PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)s|%s|%d")
SCOPE = ("KU091", "KU507", "KU035", "KU545")  # Helsinki, Mäntyharju, Brändö, Närpes
BUILT = datetime(2026, 11, 23, tzinfo=UTC)


def catalogue_texts(lang: str) -> list[str]:
    """What pages in `lang` may show from the UI: each msgstr (English: msgid when empty)."""
    from babel.messages.pofile import read_po

    path = LOCALE / lang / "LC_MESSAGES" / "messages.po"
    texts = []
    for message in read_po(io.BytesIO(path.read_bytes()), locale=lang):
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        string = message.string if isinstance(message.string, str) else message.string[0]
        texts.append(string or (source if lang == "en" else ""))
    return [text for text in texts if text]


def package_texts(package: Path) -> dict[str, list[str]]:
    """Titles, units, descriptions and labels per language from `datapackage.json`."""
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    found: dict[str, list[str]] = {lang: [] for lang in LANGS}

    def walk(value: object) -> None:
        if isinstance(value, dict):
            texts = value.values()
            if value and set(value) <= set(LANGS) and all(isinstance(v, str) for v in texts):
                for lang, text in value.items():
                    found[lang].append(text)
                return
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(descriptor)
    return found


def fragments(text: str) -> set[str]:
    """The literal parts of a text between its placeholders, long enough to mean something."""
    parts = (part.strip(" .,:;()–-·\u00a0") for part in PLACEHOLDER.split(text))
    return {part for part in parts if len(part) >= MIN_LENGTH and re.search(r"[^\W\d_]{3}", part)}


def area_names(package: Path) -> set[str]:
    names = set()
    for line in (package / "areas.csv").read_text(encoding="utf-8").splitlines()[1:]:
        names.update(line.split(",")[2:5])
    return {name for name in names if name}


def foreign_fragments(package: Path) -> dict[str, set[str]]:
    """Per page language: fragments of the other languages that its own texts never use."""
    package_by_lang = package_texts(package)
    own: dict[str, list[str]] = {
        lang: catalogue_texts(lang) + package_by_lang[lang] for lang in LANGS
    }
    names = area_names(package)
    result = {}
    for lang in LANGS:
        mine = "\n".join(own[lang])
        candidates = set()
        for other in LANGS:
            if other != lang:
                for text in own[other]:
                    candidates |= fragments(text)
        result[lang] = {
            f for f in candidates if f not in mine and not any(name in f for name in names)
        }
    return result


class VisibleText(HTMLParser):
    """Text a reader or a screen reader meets: data, aria-label, title and alt; skips
    scripts, styles and any element whose own `lang` differs from the page's."""

    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                      "source", "track", "wbr"})  # fmt: skip

    def __init__(self, lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = lang
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        other = values.get("lang") not in (None, self.lang) and tag != "html"
        skip = tag in ("script", "style") or other
        if not skip and not self._skipping():
            for name in ("aria-label", "title", "alt", "placeholder"):
                if values.get(name):
                    self.parts.append(values[name] or "")
        if tag not in self.VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if not self._skipping():
            self.parts.append(data)

    def text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.parts))


def page_text(html: str, lang: str) -> str:
    parser = VisibleText(lang)
    parser.feed(html)
    return parser.text()


def foreign_text_on_pages(site: Path, package: Path) -> dict[str, list[str]]:
    """`page → [fragment, …]` for every page that shows another language's UI text."""
    foreign = foreign_fragments(package)
    found: dict[str, list[str]] = {}
    for lang in LANGS:
        patterns = sorted(foreign[lang])
        for page in sorted((site / lang).rglob("index.html")):
            text = page_text(page.read_text(encoding="utf-8"), lang).replace("\u00a0", " ")
            hits = [f for f in patterns if f.replace("\u00a0", " ") in text]
            if hits:
                found[page.relative_to(site).as_posix()] = hits
    return found


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """The real package from the committed snapshots, and a site for SCOPE built from it."""
    from test_cli import run

    from kuntadata.config import load_site_config
    from kuntadata.paths import ProjectPaths
    from kuntadata.site import build_site

    root = tmp_path_factory.mktemp("language")
    shutil.copy(REPO_ROOT / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO_ROOT / "datasets", root / "datasets")
    shutil.copytree(REPO_ROOT / "data" / "raw", root / "data" / "raw")
    for name in ("content", "site_templates"):
        (root / name).symlink_to(REPO_ROOT / name, target_is_directory=True)
    result = run(root, "--offline", "package")
    assert result.exit_code == 0, result.output
    config = dataclasses.replace(load_site_config(root / "site.yaml"), scope=SCOPE)
    build_site(ProjectPaths(root), config, built_at=BUILT)
    yield root / "_site", root / "data" / "package"


def test_fragments_are_cut_at_placeholders() -> None:
    sentence = "{title} ({area}, {period}): {value}, up {change} from the previous year."
    assert fragments(sentence) == {"from the previous year"}
    assert fragments("%(title)s by municipality, %(period)s, largest first") == {
        "by municipality",
        "largest first",
    }


def test_the_checker_finds_english_on_a_swedish_page() -> None:
    html = (
        '<html lang="sv"><body><p>Källa: Statistikcentralen (Population 31.12.)</p>'
        '<p lang="fi">Helsinki</p><script>var x = "Responsible: other";</script></body></html>'
    )
    text = page_text(html, "sv")
    assert "Population 31.12." in text
    assert "Helsinki" not in text and "Responsible" not in text


def test_no_page_shows_another_languages_ui_text(real_site: tuple[Path, Path]) -> None:
    site, package = real_site
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html"))
    assert "sv/kunta/091-helsingfors/index.html" in pages
    assert "fi/kunta/507-mantyharju/index.html" in pages
    assert foreign_text_on_pages(site, package) == {}


def test_swedish_helsinki_page_reads_swedish(real_site: tuple[Path, Path]) -> None:
    site, _package = real_site
    html = (site / "sv/kunta/091-helsingfors/index.html").read_text(encoding="utf-8")
    text = page_text(html, "sv")
    assert "Population 31.12." not in text
    assert "Familjer (Helsingfors, 2022): 161 417 familjer, en ökning med 0,4 % från " \
        "föregående år." in text.replace("\u00a0", " ")  # fmt: skip


if __name__ == "__main__":
    built = Path(sys.argv[1] if len(sys.argv) > 1 else "_site")
    problems = foreign_text_on_pages(built, REPO_ROOT / "data" / "package")
    for page, hits in problems.items():
        print(page, "\n   ", "\n    ".join(hits))
    print(f"{len(problems)} page(s) with another language's text")
    sys.exit(1 if problems else 0)
