"""Sharing a chart: its social card image, and the page's Open Graph image.

Why no file per chart: a whole-Finland site has ~59,000 charts (308 municipalities × ~64
charts × 3 languages), and the host allows 15,000 files. So a chart's permalink is its
anchor, its embed view is the municipality page itself opened at `#embed-<chart id>` (CSS
`:target` shows that chart alone, site.css), and a social card is drawn for each page's first
chart only (`social_cards: first_chart` in site.yaml); a small fork can ask for a card per
chart (`every_chart`), each chart's share line then linking its card.

A card shows the same numbers as the page: the area's own series of the chart, its latest
published value at the indicator's precision, the dataset's attribution.
"""

from __future__ import annotations

from typing import Any

from . import fmt
from .context import Site
from .package_data import Dataset, Indicator, pick
from .social_card import HEIGHT, WIDTH, CardFiles, CardSpec, chart_range

COUNTRY = "SSS"
EMBED_HEIGHT = 680  # px: a chart, its sentences, full source and credit in a 600 px wide iframe


def embed_help(themes: list[dict[str, Any]]) -> dict[str, Any]:
    """What the page's one embedding explanation needs: an example anchor (the page's first
    chart) and the iframe height that site.js writes into each chart's code too."""
    first = next((c["id"] for t in themes for c in t["charts"] if c["has_chart"]), "")
    return {"example": first, "height": EMBED_HEIGHT}


def card_spec(
    site: Site, dataset: Dataset, indicator: Indicator, code: str, lang: str
) -> CardSpec | None:
    """The card of `indicator` for area `code`; None when the area has no published value
    (a card never shows an empty chart as if it were data)."""
    series = dataset.series.get((indicator.id, code))
    latest = series.latest_known() if series is not None else -1
    if series is None or latest < 0:
        return None
    known = [v for v in series.values if v is not None]
    kind = (dataset.meta.get("chart") or {}).get("type") or "line"
    kind = "bar" if kind == "bar" else "line"
    low, high = chart_range(known, kind)
    return CardSpec(
        site_name=pick(site.config.title, lang),
        title=pick(indicator.title, lang),
        area=site.areas.display_name(code, lang),
        value=fmt.number(series.values[latest], indicator.decimals, lang),
        unit=pick(indicator.unit, lang),
        period=fmt.period_label(series.periods[latest], lang),
        values=tuple(series.values),
        first_period=fmt.period_label(series.periods[0], lang),
        last_period=fmt.period_label(series.periods[-1], lang),
        low_label=fmt.number(low, indicator.decimals, lang),
        high_label=fmt.number(high, indicator.decimals, lang),
        kind=kind,
        source=dataset.text("attribution", lang),
        colour=site.primary_color,
    )


def og_image(site: Site, spec: CardSpec) -> dict[str, Any]:
    """The page's Open Graph image (base.html): an absolute URL, as crawlers need, and the
    card's words as its text alternative."""
    alt = f"{spec.title}, {spec.area}: {spec.value}{fmt.NBSP}{spec.unit} ({spec.period})"
    return {"url": site.absolute(spec.path), "width": WIDTH, "height": HEIGHT, "alt": alt}


def add_municipality_cards(
    site: Site, context: dict[str, Any], code: str, lang: str, cards: CardFiles
) -> None:
    """Card(s) of a municipality page: its first chart with a value becomes the page's
    og:image; with `social_cards: every_chart` every chart with a value gets a card too.
    Each carded chart's block gets `card_href` (its share line links the image)."""
    every = site.config.social_cards == "every_chart"
    page = context["page"]
    indicators = {i.id: (d, i) for d in site.package.datasets for i in d.charted}
    for theme in context["themes"]:
        for block in theme["charts"]:
            if not block["has_chart"] or (page["og_image"] and not every):
                continue
            dataset, indicator = indicators[block["id"]]
            spec = card_spec(site, dataset, indicator, code, lang)
            if spec is None:
                continue
            block["card_href"] = page["root"] + cards.add(spec)
            if not page["og_image"]:
                page["og_image"] = og_image(site, spec)


def add_indicator_card(
    site: Site,
    context: dict[str, Any],
    dataset: Dataset,
    indicator: Indicator,
    lang: str,
    cards: CardFiles,
) -> None:
    """An indicator page's card: the whole country's series (the page ranks municipalities
    in one period; the country's line is the one series that stands for all of them).
    No card when the country has no published value."""
    spec = card_spec(site, dataset, indicator, COUNTRY, lang)
    if spec is None:
        return
    cards.add(spec)
    context["page"]["og_image"] = og_image(site, spec)
