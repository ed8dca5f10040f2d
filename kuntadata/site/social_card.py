"""Social card images (PNG, 1200×630): what a link to a page shows on social media.

Why PNG at build time: Open Graph readers (messengers, social sites) fetch an image and show
it; none of them draws SVG. Each card shows one chart's real numbers: its title, the area,
the latest value with unit and period, a line or bars drawn from the same series as the page,
the source, the licence and the site's name.

Why a cache: drawing and compressing a card costs tens of milliseconds, and a site has a card
per page. A card is named by the sha256 of everything drawn on it (`CardSpec`) plus the
renderer's version and Pillow's, so an unchanged chart is never drawn again: its PNG is taken
from `.cache/cards/` (ProjectPaths.cards) and copied into `_site/cards/<hash>.png`. Identical
cards are one file. Pillow's version is not part of the key: the same data gives the same
addresses on every machine (golden files, reproducible builds); a change of the drawing
bumps RENDERER_VERSION. The font is DejaVu Sans shipped in `fonts/` (cut to Latin), laid out
with Pillow's basic layout, so a card is the same on every machine; Pillow's own bundled font
(`ImageFont.load_default(size=…)`, Aileron) has no ä, ö or å, so it cannot be used.
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from .content_cache import CACHE_DAYS, ContentCache, content_key

WIDTH, HEIGHT = 1200, 630
RENDERER_VERSION = "2"  # bump when the drawing changes: every card is then drawn again
CARD_DIR = "cards"  # under _site/
LICENCE = "CC BY 4.0"
MARGIN = 60
INK, MUTED, GRID, WHITE = "#1a1a1a", "#4d4d4d", "#c9d1d9", "#ffffff"
PALETTE_COLOURS = 8  # five flat colours and anti-aliased edges: ~10 kB files, text still smooth


@dataclass(frozen=True)
class CardSpec:
    """Everything drawn on one card, already formatted in the page's language."""

    site_name: str
    title: str
    area: str
    value: str  # the latest value as the page writes it ("694 392")
    unit: str
    period: str  # the latest value's period ("2025")
    values: tuple[float | None, ...]  # the series drawn, oldest first; None = not published
    first_period: str
    last_period: str
    low_label: str  # the value at the chart's bottom line, formatted
    high_label: str  # the value at the chart's top line
    kind: str  # "line" | "bar"
    source: str
    colour: str  # the site's primary colour (site.yaml theme.primary_color)
    licence: str = LICENCE

    @property
    def key(self) -> str:
        """The card's content hash: also its file name, so equal cards are one file."""
        drawn = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)
        return content_key(RENDERER_VERSION, drawn)

    @property
    def path(self) -> str:
        return f"{CARD_DIR}/{self.key}.png"


def chart_range(values: list[float], kind: str) -> tuple[float, float]:
    """The bottom and top value of the card's plot: zero is always in it, as in the site's
    own charts (svgchart.py), so a 12 % fall in families does not fill the card's height.
    `kind` (line | bar) does not change the range; both ends are labelled with their values."""
    low, high = min(min(values), 0.0), max(max(values), 0.0)
    if low == high:  # every value 0
        low, high = -1.0, 1.0
    return low, high


FONTS = Path(__file__).parent / "fonts"


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONTS / name), size, layout_engine=ImageFont.Layout.BASIC)


def _fit(
    draw: ImageDraw.ImageDraw, text: str, size: int, width: int, smallest: int, bold: bool = False
) -> tuple[str, ImageFont.FreeTypeFont]:
    """The largest font size from `size` down to `smallest` at which `text` fits `width`;
    at `smallest` the text is cut with "…" so it never runs off the card."""
    while size > smallest and draw.textlength(text, font=_font(size, bold)) > width:
        size -= 2
    font = _font(size, bold)
    if draw.textlength(text, font=font) <= width:
        return text, font
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…", font


def render(spec: CardSpec) -> bytes:
    """The card as PNG bytes (palette image, so about 10–20 kB)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    draw = ImageDraw.Draw(image)
    inner = WIDTH - 2 * MARGIN
    draw.rectangle((0, 0, WIDTH, 64), fill=spec.colour)
    draw.text((MARGIN, 32), spec.site_name, font=_font(30, bold=True), fill=WHITE, anchor="lm")
    title, font = _fit(draw, spec.title, 50, inner, 32, bold=True)
    draw.text((MARGIN, 96), title, font=font, fill=INK)
    area, font = _fit(draw, spec.area, 32, inner, 24)
    draw.text((MARGIN, 166), area, font=font, fill=MUTED)
    _draw_value(draw, spec)
    _draw_chart(draw, spec, (MARGIN, 330, WIDTH - MARGIN, 520))
    footer = f"{spec.source} · {spec.licence}"
    footer, font = _fit(draw, footer, 24, inner, 18)
    draw.line((MARGIN, 572, WIDTH - MARGIN, 572), fill=GRID, width=2)
    draw.text((MARGIN, 600), footer, font=font, fill=MUTED, anchor="lm")
    buffer = io.BytesIO()
    # Fast octree quantizing and zlib level 6: ~10 ms a card; median cut and `optimize`
    # would add ~80 ms a card for 1 kB less.
    palette = image.quantize(PALETTE_COLOURS, method=Image.Quantize.FASTOCTREE, dither=0)
    palette.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def _draw_value(draw: ImageDraw.ImageDraw, spec: CardSpec) -> None:
    big = _font(72, bold=True)
    draw.text((MARGIN, 300), spec.value, font=big, fill=spec.colour, anchor="ls")
    x = MARGIN + draw.textlength(spec.value, font=big) + 18
    rest = f"{spec.unit} · {spec.period}" if spec.unit else spec.period
    rest, font = _fit(draw, rest, 32, int(WIDTH - MARGIN - x), 22)
    draw.text((x, 300), rest, font=font, fill=INK, anchor="ls")


def _draw_chart(draw: ImageDraw.ImageDraw, spec: CardSpec, box: tuple[int, int, int, int]) -> None:
    """The series as a line (gaps where a value is not published) or bars, with its bottom
    and top values written at the left and the first and last period under it."""
    known = [v for v in spec.values if v is not None]
    if len(spec.values) < 2 or not known:
        return
    label_font = _font(22)
    label_width = int(max(draw.textlength(t, font=label_font)
                          for t in (spec.low_label, spec.high_label))) + 16  # fmt: skip
    left, top, right, bottom = box[0] + label_width, box[1], box[2], box[3]
    low, high = chart_range(known, spec.kind)
    draw.text((box[0], top), spec.high_label, font=label_font, fill=MUTED, anchor="lm")
    draw.text((box[0], bottom), spec.low_label, font=label_font, fill=MUTED, anchor="lm")
    draw.line((left, top, right, top), fill=GRID, width=1)
    draw.line((left, bottom, right, bottom), fill=GRID, width=2)

    def y_of(value: float) -> float:
        return bottom - (value - low) / (high - low) * (bottom - top)

    step = (right - left) / len(spec.values)
    if spec.kind == "bar":
        zero = y_of(0.0)
        draw.line((left, zero, right, zero), fill=INK, width=2)
        for index, value in enumerate(spec.values):
            if value is not None:
                x = left + index * step
                y0, y1 = sorted((zero, y_of(value)))
                draw.rectangle((x + step * 0.15, y0, x + step * 0.85, y1), fill=spec.colour)
    else:
        run: list[tuple[float, float]] = []
        for index, value in enumerate([*spec.values, None]):
            if value is not None:
                run.append((left + (index + 0.5) * step, y_of(value)))
                continue
            if len(run) > 1:
                draw.line(run, fill=spec.colour, width=6, joint="curve")
            for x, y in run[-1:]:
                draw.ellipse((x - 7, y - 7, x + 7, y + 7), fill=spec.colour)
            run = []
    draw.text((left, bottom + 26), spec.first_period, font=label_font, fill=MUTED, anchor="lm")
    draw.text((right, bottom + 26), spec.last_period, font=label_font, fill=MUTED, anchor="rm")


class CardFiles:
    """The cards of one build in one process: each drawn at most once, from the cache when
    it holds the card, and written once into the site.

    `rendered` counts cards drawn in this process (a warm build draws none)."""

    def __init__(self, cache_dir: Path, write: Any) -> None:
        self.cache = ContentCache(cache_dir, ".png")
        self._write = write  # write(relative_path, bytes) into the site being built
        self._written: set[str] = set()

    @property
    def rendered(self) -> int:
        return self.cache.made

    def add(self, spec: CardSpec) -> str:
        """The card's path under the site root, written there on first use."""
        path = spec.path
        if path not in self._written:
            self._write(path, self.cache.get(spec.key, lambda: render(spec)))
            self._written.add(path)
        return path

    def prune(self, days: int = CACHE_DAYS) -> int:
        """Delete cached cards no build has used for `days`; returns how many."""
        return self.cache.prune(days)
