"""Read PC-Axis PX files (the format StatFin tables are stored in) into one immutable table.

Used by the file source (a PX file downloaded by hand) and by the test server, which serves a
real PX file the way the PxWeb API would. The parser keeps what a client of the API sees:
variable codes, value codes, the texts in every language, the elimination ("total") value,
the time and content variables, per-content units/decimals/last-updated, and the cells with
their status symbols (``..``, ``...``, ``-``) kept apart from the numbers, never turned into 0.

Texts are returned as written in the file: PX marks a line break in NOTE texts with ``#`` and
separates notes with ``##`` (see ``split_px_note``).
"""

from __future__ import annotations

import codecs
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from ...errors import SpecError
from .encodings import C1_CONTROLS, encoding_that_fits, is_utf8_text

EntryKey = tuple[str, str | None, tuple[str, ...]]

_HEAD = re.compile(
    r'\s*([A-Za-z][A-Za-z0-9_-]*)(?:\[([A-Za-z_-]+)\])?(?:\(((?:"[^"]*"|[^")])*)\))?\s*='
)
_VALUE = re.compile(r'((?:"[^"]*"|[^";])*);')
_TOKEN = re.compile(r'"([^"]*)"|(TLIST\([^)]*\))|(,)|([^\s",]+)')
_DATA_TOKEN = re.compile(r'"[^"]*"|[^\s",;]+')
_ARG = re.compile(r'"([^"]*)"')
_TIME_NAMES = {
    "vuosi", "kuukausi", "neljännes", "vuosineljännes", "aika", "year", "month", "quarter",
    "time", "period", "år", "månad", "kvartal", "tid",
}  # fmt: skip
_CONTENT_KEYWORDS = ("REFPERIOD", "BASEPERIOD", "STOCKFA", "CFPRICES", "DAYADJ", "SEASADJ")


class PxCell(NamedTuple):
    """One cell: ``value`` is None when the source published a symbol instead of a number."""

    value: float | None
    status: str | None


@dataclass(frozen=True)
class PxContent:
    """What the PX file says about one value of the content variable (one measure)."""

    code: str
    units: Mapping[str, str]
    decimals: int  # PRECISION, else DECIMALS (as the file stores the numbers)
    show_decimals: int  # PRECISION, else SHOWDECIMALS, else DECIMALS (what PxWeb shows)
    precision: int | None
    last_updated: str | None  # raw PX timestamp "CCYYMMDD hh:mm", local time of the producer
    contact: Mapping[str, str]
    source: Mapping[str, str]
    extra: Mapping[str, str]  # REFPERIOD, STOCKFA, ... in the default language


@dataclass(frozen=True)
class PxVariable:
    """One dimension. ``code`` is VARIABLECODE (or the default-language name) - stable across
    languages, unlike ``names``."""

    code: str
    names: Mapping[str, str]
    codes: tuple[str, ...]
    texts: Mapping[str, tuple[str, ...]]
    eliminable: bool
    elimination: str | None  # value code of the total the server uses when the variable is left out
    is_time: bool
    is_content: bool
    map: str | None
    time_format: str | None
    meta_id: str | None
    notes: Mapping[str, tuple[str, ...]]
    value_notes: Mapping[str, Mapping[str, tuple[str, ...]]]
    contents: Mapping[str, PxContent]

    @property
    def name(self) -> str:
        """The default-language name (first language of the table)."""
        return next(iter(self.names.values()))

    def position(self, code: str) -> int:
        """Index of a value code in table order; KeyError names the variable and the code."""
        try:
            return self._positions[code]
        except KeyError:
            raise KeyError(f"variable {self.code!r} has no value code {code!r}") from None

    def text(self, code: str, lang: str) -> str:
        """The label of a value code in a language (default language when not translated)."""
        texts = self.texts.get(lang) or next(iter(self.texts.values()))
        return texts[self.position(code)]

    @property
    def _positions(self) -> dict[str, int]:
        cached = self.__dict__.get("_position_cache")
        if cached is None:
            cached = {code: i for i, code in reversed(list(enumerate(self.codes)))}
            object.__setattr__(self, "_position_cache", cached)
        return cached


@dataclass(frozen=True)
class PxTable:
    """A whole PX file. ``data``/``status`` are flat, row-major over ``variables`` (STUB then
    HEADING, the last variable varying fastest), exactly as the DATA block lists them."""

    path: str
    languages: tuple[str, ...]
    titles: Mapping[str, str]
    descriptions: Mapping[str, str]
    contents: Mapping[str, str]
    sources: Mapping[str, str]
    notes: Mapping[str, tuple[str, ...]]
    units: Mapping[str, str]
    subject_areas: Mapping[str, str]
    subject_code: str | None
    matrix: str
    table_id: str
    decimals: int
    show_decimals: int | None
    stub: tuple[str, ...]
    heading: tuple[str, ...]
    variables: tuple[PxVariable, ...]
    data: tuple[float | None, ...] = field(repr=False)
    status: tuple[str | None, ...] = field(repr=False)
    entries: Mapping[EntryKey, tuple[str, ...]] = field(repr=False, compare=False)

    @property
    def language(self) -> str:
        return self.languages[0]

    def variable(self, key: str) -> PxVariable:
        """Find a variable by its code or by its name in any language."""
        for variable in self.variables:
            if key == variable.code or key in variable.names.values():
                return variable
        known = ", ".join(v.code for v in self.variables)
        raise KeyError(f"{self.path}: no variable {key!r} (variables: {known})")

    @property
    def content_variable(self) -> PxVariable | None:
        return next((v for v in self.variables if v.is_content), None)

    @property
    def time_variable(self) -> PxVariable | None:
        return next((v for v in self.variables if v.is_time), None)

    def flat_index(self, selection: Mapping[str, str]) -> int:
        """Position in ``data`` of the cell picked by {variable code or name: value code}.

        An eliminable variable left out of ``selection`` stands for its elimination value (the
        total), as on the PxWeb server; any other variable must be given.
        """
        chosen = {self.variable(key).code: code for key, code in selection.items()}
        index = 0
        for variable in self.variables:
            code = chosen.get(variable.code, variable.elimination)
            if code is None:
                raise KeyError(f"{self.path}: selection lacks variable {variable.code!r}")
            index = index * len(variable.codes) + variable.position(code)
        return index

    def cell(self, selection: Mapping[str, str]) -> PxCell:
        index = self.flat_index(selection)
        return PxCell(self.data[index], self.status[index])

    def keyword(self, keyword: str, *args: str, lang: str | None = None) -> tuple[str, ...] | None:
        """Raw access to any keyword, e.g. ``keyword("NEXT-UPDATE")``; None when absent."""
        key_lang = None if lang in (None, self.language) else lang
        return self.entries.get((keyword.upper(), key_lang, tuple(args)))


def parse_px(data: bytes, path: str = "<px>") -> PxTable:
    """Parse the bytes of a PX file; SpecError names the file and what to fix."""
    text = _decode(data, path)
    entries, data_text = _read_entries(text, path)
    return _build_table(entries, data_text, path)


def split_px_note(text: str, newline: str = "\n") -> list[str]:
    """PX NOTE text -> separate notes: ``##`` separates notes, ``#`` is a line break."""
    return [part.replace("#", newline) for part in text.split("##") if part.strip()]


def px_timestamp_to_utc(stamp: str) -> str:
    """PX timestamp in Finnish local time (as StatFin writes it) -> UTC ISO with ``Z``.

    ``"20230616 08:00"`` -> ``"2023-06-16T05:00:00Z"`` (json-stat2 ``updated``).

    Uses the EU summer-time rule for Finland (UTC+3 from the last Sunday of March to the last
    Sunday of October, otherwise UTC+2), so no time-zone database is needed.
    """
    local = datetime.strptime(stamp.strip()[:14], "%Y%m%d %H:%M")
    utc = local - timedelta(hours=2)
    if _last_sunday(local.year, 3, 1) <= utc < _last_sunday(local.year, 10, 1):
        utc -= timedelta(hours=1)
    return utc.replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _last_sunday(year: int, month: int, hour: int) -> datetime:
    day = datetime(year, month + 1, 1) - timedelta(days=1)
    return (day - timedelta(days=(day.weekday() + 1) % 7)).replace(hour=hour)


# --- decoding -------------------------------------------------------------------------------


def _decode(data: bytes, path: str) -> str:
    """Decode with the declared CODEPAGE, refusing a codepage that plainly does not fit, because
    a wrong guess silently turns every ä into mojibake in area names."""
    head = data[:8192].decode("latin-1")
    match = re.search(r'CODEPAGE\s*=\s*"([^"]*)"', head)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    declared = match.group(1).strip() if match else None
    if declared is None:
        return _decode_undeclared(data)
    try:
        codec = codecs.lookup(declared).name
    except LookupError:
        raise _encoding_error(path, declared, "Python does not know that codepage", data) from None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise _encoding_error(path, declared, f"byte {exc.start} does not decode", data) from None
    if not codec.startswith("utf") and is_utf8_text(data):
        raise _encoding_error(path, declared, "the bytes are UTF-8", data)
    if C1_CONTROLS.search(text):
        raise _encoding_error(path, declared, "it yields control characters", data)
    return text


def _decode_undeclared(data: bytes) -> str:
    """No CODEPAGE: the PX default is iso-8859-1, but tools that omit it often write UTF-8."""
    return data.decode("utf-8") if is_utf8_text(data) else data.decode("iso-8859-1")


def _encoding_error(path: str, declared: str, reason: str, data: bytes) -> SpecError:
    fits = encoding_that_fits(data, ("iso-8859-15", "cp1252"))
    hint = f'it decodes as {fits}: set CODEPAGE="{fits}"' if fits else "re-save it as UTF-8"
    return SpecError(f'{path}: CODEPAGE="{declared}" does not fit the file ({reason}); {hint}')


# --- keywords -------------------------------------------------------------------------------


def _read_entries(text: str, path: str) -> tuple[dict[EntryKey, tuple[str, ...]], str]:
    """Split the header into {(KEYWORD, lang, args): values} and return the DATA text."""
    entries: dict[EntryKey, tuple[str, ...]] = {}
    pos = 0
    while True:
        head = _HEAD.match(text, pos)
        if head is None:
            line = text.count("\n", 0, pos) + 1
            if not text[pos:].strip():
                raise SpecError(f"{path}: no DATA= block (end of file at line {line})")
            snippet = text[pos : pos + 40].strip()
            raise SpecError(f"{path}: line {line}: cannot read a PX keyword at {snippet!r}")
        keyword, lang, raw_args = head.group(1).upper(), head.group(2), head.group(3)
        if keyword == "DATA":
            return entries, text[head.end() :]
        value = _VALUE.match(text, head.end())
        if value is None:
            line = text.count("\n", 0, pos) + 1
            raise SpecError(f"{path}: line {line}: {keyword} has no closing ';'")
        args = tuple(_ARG.findall(raw_args)) if raw_args else ()
        entries[(keyword, lang, args)] = _values(value.group(1))
        pos = value.end()


def _values(raw: str) -> tuple[str, ...]:
    """Quoted strings lose their quotes; strings not separated by a comma are one string (PX
    continues long texts on the next line that way)."""
    out: list[str] = []
    joinable = False
    for match in _TOKEN.finditer(raw):
        string, tlist, comma, bare = match.groups()
        if comma:
            joinable = False
        elif string is not None:
            if joinable:
                out[-1] += string
            else:
                out.append(string)
            joinable = True
        else:
            out.append(tlist or bare)
            joinable = False
    return tuple(out)


class _Keywords:
    """Language-aware reading of entries: ``[sv]`` keywords name variables and values by their
    Swedish texts, so lookups translate names through the per-language name lists."""

    def __init__(self, entries: Mapping[EntryKey, tuple[str, ...]], default: str) -> None:
        self.entries = entries
        self.default = default

    def get(self, keyword: str, lang: str, *args: str) -> tuple[str, ...] | None:
        key_lang = None if lang == self.default else lang
        found = self.entries.get((keyword, key_lang, args))
        if found is None and key_lang is None:
            found = self.entries.get((keyword, self.default, args))
        return found

    def one(self, keyword: str, lang: str, *args: str) -> str | None:
        found = self.get(keyword, lang, *args)
        return found[0] if found else None

    def per_lang(self, keyword: str, langs: Sequence[str], *args: str) -> dict[str, str]:
        out = {lang: self.one(keyword, lang, *args) for lang in langs}
        return {lang: value for lang, value in out.items() if value is not None}


# --- building the table ---------------------------------------------------------------------


def _build_table(entries: dict[EntryKey, tuple[str, ...]], data_text: str, path: str) -> PxTable:
    default = (entries.get(("LANGUAGE", None, ())) or ("fi",))[0]
    listed = entries.get(("LANGUAGES", None, ())) or (default,)
    languages = (default, *(lang for lang in listed if lang != default))
    kw = _Keywords(entries, default)
    if kw.get("KEYS", default):
        raise SpecError(f"{path}: KEYS (sparse DATA) is not supported; export the full table")
    names = _variable_names(kw, languages, path)
    decimals = int(kw.one("DECIMALS", default) or 0)
    show = kw.one("SHOWDECIMALS", default)
    show_decimals = int(show) if show is not None else None
    variables = tuple(
        _variable(kw, languages, names, i, decimals, show_decimals, path)
        for i in range(len(names[default]))
    )
    values, status = _read_data(data_text, variables, path)
    stub_count = len(kw.get("STUB", default) or ())
    description = kw.per_lang("DESCRIPTION", languages)
    matrix = kw.one("MATRIX", default) or ""
    return PxTable(
        path=path,
        languages=languages,
        titles=kw.per_lang("TITLE", languages),
        descriptions=description,
        contents=kw.per_lang("CONTENTS", languages),
        sources=kw.per_lang("SOURCE", languages),
        notes={lang: kw.get("NOTE", lang) or () for lang in languages},
        units=kw.per_lang("UNITS", languages),
        subject_areas=kw.per_lang("SUBJECT-AREA", languages),
        subject_code=kw.one("SUBJECT-CODE", default),
        matrix=matrix,
        table_id=_table_id(description.get(default, ""), matrix, kw.one("TABLEID", default)),
        decimals=decimals,
        show_decimals=show_decimals,
        stub=tuple(v.code for v in variables[:stub_count]),
        heading=tuple(v.code for v in variables[stub_count:]),
        variables=variables,
        data=values,
        status=status,
        entries=entries,
    )


def _variable_names(kw: _Keywords, languages: Sequence[str], path: str) -> dict[str, list[str]]:
    default = languages[0]
    base = [*(kw.get("STUB", default) or ()), *(kw.get("HEADING", default) or ())]
    if not base:
        raise SpecError(f"{path}: neither STUB nor HEADING is given")
    names = {}
    for lang in languages:
        translated = [*(kw.get("STUB", lang) or ()), *(kw.get("HEADING", lang) or ())]
        if translated and len(translated) != len(base):
            raise SpecError(f"{path}: STUB/HEADING[{lang}] lists {len(translated)} variables")
        names[lang] = translated or base
    return names


def _variable(
    kw: _Keywords,
    languages: Sequence[str],
    names: Mapping[str, list[str]],
    i: int,
    decimals: int,
    show_decimals: int | None,
    path: str,
) -> PxVariable:
    default = languages[0]
    name = names[default][i]
    lang_names = {lang: names[lang][i] for lang in languages}
    texts = {
        lang: kw.get("VALUES", lang, lang_names[lang]) or kw.get("VALUES", default, name) or ()
        for lang in languages
    }
    codes = kw.get("CODES", default, name) or texts[default]
    for lang, lang_texts in texts.items():
        if len(lang_texts) != len(codes):
            raise SpecError(
                f'{path}: VALUES[{lang}]("{lang_names[lang]}") has {len(lang_texts)} values '
                f"but the variable has {len(codes)} codes"
            )
    raw_elimination = kw.one("ELIMINATION", default, name)
    eliminable, elimination = _elimination(raw_elimination, codes, texts[default], name, path)
    timeval = kw.get("TIMEVAL", default, name)
    is_content = name == kw.one("CONTVARIABLE", default)
    return PxVariable(
        code=kw.one("VARIABLECODE", default, name) or name,
        names=lang_names,
        codes=tuple(codes),
        texts={lang: tuple(t) for lang, t in texts.items()},
        eliminable=eliminable,
        elimination=elimination,
        is_time=bool(timeval)
        or (kw.one("VARIABLE-TYPE", default, name) or "").lower() == "time"
        or name.lower() in _TIME_NAMES,
        is_content=is_content,
        map=kw.one("MAP", default, name),
        time_format=_time_format(timeval),
        meta_id=kw.one("META-ID", default, name),
        notes=_variable_notes(kw, lang_names),
        value_notes=_value_notes(kw, lang_names, texts, codes),
        contents=_contents(kw, lang_names, texts, codes, decimals, show_decimals)
        if is_content
        else {},
    )


def _elimination(
    raw: str | None, codes: Sequence[str], texts: Sequence[str], name: str, path: str
) -> tuple[bool, str | None]:
    """ELIMINATION is YES/NO or the default-language *text* of the total; return its code."""
    if raw is None or raw.upper() == "NO":
        return False, None
    if raw.upper() == "YES":
        return True, None
    if raw in texts:
        return True, codes[list(texts).index(raw)]
    if raw in codes:
        return True, raw
    raise SpecError(f'{path}: ELIMINATION("{name}")="{raw}" matches no value of {name!r}')


def _time_format(timeval: Sequence[str] | None) -> str | None:
    if not timeval or not timeval[0].upper().startswith("TLIST("):
        return None
    return timeval[0][6:-1].split(",")[0].strip()


def _variable_notes(kw: _Keywords, lang_names: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    notes = {}
    for lang, name in lang_names.items():
        found = [*(kw.get("NOTEX", lang, name) or ()), *(kw.get("NOTE", lang, name) or ())]
        if found:
            notes[lang] = tuple(found)
    return notes


def _value_notes(
    kw: _Keywords,
    lang_names: Mapping[str, str],
    texts: Mapping[str, Sequence[str]],
    codes: Sequence[str],
) -> dict[str, dict[str, tuple[str, ...]]]:
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for lang, name in lang_names.items():
        for code, text in zip(codes, texts[lang], strict=True):
            found = [
                *(kw.get("VALUENOTEX", lang, name, text) or ()),
                *(kw.get("VALUENOTE", lang, name, text) or ()),
            ]
            if found:
                out.setdefault(lang, {})[code] = tuple(found)
    return out


def _contents(
    kw: _Keywords,
    lang_names: Mapping[str, str],
    texts: Mapping[str, Sequence[str]],
    codes: Sequence[str],
    decimals: int,
    show_decimals: int | None,
) -> dict[str, PxContent]:
    """Per-content keywords are keyed by the value *text* of each language; value j has the
    same position in every language."""
    default = next(iter(lang_names))
    out = {}
    for j, code in enumerate(codes):
        text = texts[default][j]
        raw_precision = kw.one("PRECISION", default, lang_names[default], text)
        precision = int(raw_precision) if raw_precision is not None else None
        shown = show_decimals if show_decimals is not None else decimals
        out[code] = PxContent(
            code=code,
            units=_content_texts(kw, "UNITS", texts, j),
            decimals=precision if precision is not None else decimals,
            show_decimals=precision if precision is not None else min(shown, decimals),
            precision=precision,
            last_updated=kw.one("LAST-UPDATED", default, text) or kw.one("LAST-UPDATED", default),
            contact=_content_texts(kw, "CONTACT", texts, j),
            source=_content_texts(kw, "SOURCE", texts, j),
            extra={k: v for k in _CONTENT_KEYWORDS if (v := kw.one(k, default, text)) is not None},
        )
    return out


def _content_texts(
    kw: _Keywords, keyword: str, texts: Mapping[str, Sequence[str]], j: int
) -> dict[str, str]:
    out = {}
    for lang, lang_texts in texts.items():
        value = kw.one(keyword, lang, lang_texts[j])
        if value is not None:
            out[lang] = value
    return out


def _table_id(description: str, matrix: str, tableid: str | None) -> str:
    """The 4-character StatFin id (``12c1``) that the post-2026 API uses in URLs."""
    if match := re.match(r"\s*(\w{4})\s+--", description):
        return match.group(1)
    if match := re.fullmatch(r"\d+_(\w{4})_\d+", matrix):
        return match.group(1)
    if tableid and (match := re.search(r"_pxt_(\w+)$", tableid)):
        return match.group(1)
    return matrix


# --- data -----------------------------------------------------------------------------------


def _read_data(
    data_text: str, variables: Sequence[PxVariable], path: str
) -> tuple[tuple[float | None, ...], tuple[str | None, ...]]:
    """Numbers become floats; anything else (``".."``, ``"-"``, bare ``..``) is a status."""
    end = data_text.rfind(";")
    tokens = _DATA_TOKEN.findall(data_text if end < 0 else data_text[:end])
    expected = math.prod(len(v.codes) for v in variables)
    if len(tokens) != expected:
        sizes = " x ".join(str(len(v.codes)) for v in variables)
        raise SpecError(f"{path}: DATA has {len(tokens)} values, expected {expected} ({sizes})")
    values: list[float | None] = []
    status: list[str | None] = []
    for token in tokens:
        if token[0] != '"':
            try:
                values.append(float(token))
                status.append(None)
                continue
            except ValueError:
                pass
        values.append(None)
        status.append(token.strip('"'))
    return tuple(values), tuple(status)
