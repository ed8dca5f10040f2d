"""Telling which text encoding a file is in: UTF-8, or a Western single-byte one.

Finnish statistics files come as UTF-8, cp1252 (Windows "ANSI") or ISO-8859-15 (PX
CODEPAGE). A single-byte decoding never fails, so "it decoded" proves nothing; what gives a
wrong choice away is C1 control characters (0x80–0x9F), which no real text contains.
"""

from __future__ import annotations

import re

C1_CONTROLS = re.compile("[\x80-\x9f]")


def is_utf8_text(data: bytes) -> bool:
    """Non-ASCII bytes that are valid UTF-8 (pure ASCII fits every encoding: False)."""
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def encoding_that_fits(
    data: bytes, single_byte: tuple[str, ...] = ("cp1252", "iso-8859-15")
) -> str | None:
    """UTF-8 when the bytes are UTF-8 (or ASCII), else the first single-byte encoding that
    decodes them without C1 controls; None when nothing fits."""
    if data.isascii() or is_utf8_text(data):
        return "utf-8"
    for candidate in single_byte:
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        if not C1_CONTROLS.search(text):
            return candidate
    return None
