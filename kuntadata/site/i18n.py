"""UI strings through gettext: one `.po` catalogue per language, compiled in memory.

The `.po` files under `kuntadata/site/locale/` are the only place a translator edits; no `.mo`
is committed. At build time each catalogue is compiled with Babel's own writer into memory
and installed into a Jinja environment (the i18n extension), so templates and Python share
exactly the same translations. English msgids are the source text: an empty `msgstr` falls
back to the msgid, so `en/messages.po` mostly stays empty.

To refresh the catalogues after editing templates or Python:
    pybabel extract -F kuntadata/site/babel.cfg -k _ -k N_ -k p_:1c,2 \\
        -o /tmp/messages.pot .
    pybabel update -i /tmp/messages.pot -d kuntadata/site/locale --no-fuzzy-matching
"""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from ..errors import BuildError

LOCALE_DIR = Path(__file__).parent / "locale"
SUPPORTED = ("fi", "sv", "en")
LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
OG_LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}


def check_languages(languages: tuple[str, ...]) -> None:
    """Refuse a language the site has no catalogue for, naming the supported ones."""
    if not languages:
        raise BuildError("site.yaml: languages: list at least one of fi, sv, en")
    unknown = [lang for lang in languages if lang not in SUPPORTED]
    if unknown:
        raise BuildError(
            f"site.yaml: languages: unknown language {unknown[0]!r}; the site has "
            f"translations for {', '.join(SUPPORTED)} only (add "
            f"kuntadata/site/locale/{unknown[0]}/LC_MESSAGES/messages.po to support it)"
        )


@lru_cache(maxsize=8)
def translations(lang: str) -> Translations:
    """The compiled catalogue for `lang` (cached: compiling once per process is enough)."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        raise BuildError(f"{path}: missing translation catalogue for {lang!r}")
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain="messages")


def gettext_for(lang: str):
    """`_` for Python code that prepares page text (sentences, labels)."""
    return translations(lang).gettext


def pgettext_for(lang: str):
    """`pgettext(context, message)`: the same English text translated differently by context.
    Bind it as `p_ = pgettext_for(lang)` so `pybabel extract -k p_:1c,2` finds the calls.

    Used with the context "month or quarter" where Finnish says "vuodelta 2025" of a year but
    must say "ajalta kesäkuu 2026" of a month, while the English stays "for {period}".
    """
    return translations(lang).pgettext


def N_(message: str) -> str:
    """Marks a string for extraction (`pybabel extract -k N_`); translated where it is shown."""
    return message
