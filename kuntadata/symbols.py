"""The one table of missing-value symbols and what they mean.

StatFin (PxWeb) marks a cell it does not publish with a symbol instead of a number: the
json-stat2 `value` is null and `status` holds the symbol. The package keeps the symbol in
the `status` column, leaves `value` empty and never writes 0; the site explains the symbol
in the reader's language. Symbols are the PX defaults (PCAxis `DATASYMBOL1..6`, `DATASYMBOLNIL`)
with the meanings Statistics Finland gives in its table notes.
"""

from __future__ import annotations

STATUS_MEANINGS: dict[str, dict[str, str]] = {
    ".": {
        "fi": "tieto on loogisesti mahdoton esittää",
        "sv": "uppgift kan inte förekomma",
        "en": "category not applicable",
    },
    "..": {
        "fi": "tietoa ei ole saatu, se on liian epävarma esitettäväksi tai se on salassapidettävä",
        "sv": "uppgift inte tillgänglig, för osäker för att anges eller sekretessbelagd",
        "en": "data not available, too uncertain to be presented, or confidential",
    },
    "...": {
        "fi": "tieto on salassapidettävä",
        "sv": "uppgiften är sekretessbelagd",
        "en": "confidential",
    },
    "....": {
        "fi": "tieto on puutteellinen (lähteen merkintä ....)",
        "sv": "uppgiften är bristfällig (källans symbol ....)",
        "en": "incomplete data (source symbol ....)",
    },
    ".....": {
        "fi": "tieto puuttuu (lähteen merkintä .....)",
        "sv": "uppgift saknas (källans symbol .....)",
        "en": "data missing (source symbol .....)",
    },
    "......": {
        "fi": "tieto puuttuu (lähteen merkintä ......)",
        "sv": "uppgift saknas (källans symbol ......)",
        "en": "data missing (source symbol ......)",
    },
    "-": {
        "fi": "ei yhtään (määrä on nolla)",
        "sv": "ingenting (storheten är noll)",
        "en": "magnitude nil (none)",
    },
    "suppressed": {
        "fi": "tuottaja ei julkaise arvoa (liian pieni määrä tai tietosuoja)",
        "sv": "producenten publicerar inte värdet (för litet antal eller dataskydd)",
        "en": "not published by the producer (too small a count or privacy)",
    },
}

NOT_FETCHED: dict[str, str] = {
    "fi": "tietoa ei ole vielä haettu tälle alueelle",
    "sv": "uppgiften har ännu inte hämtats för detta område",
    "en": "not yet fetched for this area",
}


def status_meaning(symbol: str, lang: str) -> str:
    """Return the reader-facing meaning of a status symbol, naming unknown symbols as such."""
    meanings = STATUS_MEANINGS.get(symbol)
    if meanings is None:
        unknown = {"fi": "lähteen merkintä", "sv": "källans symbol", "en": "source symbol"}
        return f"{unknown.get(lang, unknown['en'])} {symbol}"
    return meanings.get(lang, meanings["en"])
