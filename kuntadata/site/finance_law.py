"""The law text behind the finance gauge, once per language on a page of its own.

Why a page: Local Government Act § 118 (its lead, conditions, criteria and computation rules)
is the same for every municipality. Quoted in full on each of the 308 municipality pages it
was ~5 KB in Finnish and ~10 KB in Swedish and English (the translation and the Finnish
original); the municipality page now keeps the outcome of each condition and criterion and
links to its words here. Each quote has an anchor named after its place in the law
(`s118-m3-p4`: section 118, moment 3, point 4), so a link says where it points.
"""

from __future__ import annotations

from typing import Any

from .. import finance_criteria as fc
from .context import Site, common
from .i18n import gettext_for
from .package_data import pick

SECTION = "finance_law"  # context.SLUGS: the page's folder under each language


def quote_anchor(quote: fc.Quote) -> str:
    """`s118-m3-p4` for section 118, moment 3, point 4 (`s118-m2` without a point)."""
    anchor = f"s{quote.section}-m{quote.moment}"
    return anchor + (f"-p{quote.point}" if quote.point else "")


def finance_law_page(site: Site, lang: str, words: Any, criteria: fc.FinanceCriteria) -> dict:
    """The page's context: the law's title and link, the note on translations, and the
    conditions in the order of the criteria file, each quote once (a computation rule that
    two criteria share is shown where it first occurs). `words` is finance_gauge's wording
    of quotes and citations in `lang`, so both pages cite the law alike."""
    _ = gettext_for(lang)
    title = _("Municipal finances: the evaluation procedure in the Local Government Act")
    path = site.section_path(lang, SECTION)
    page = common(site, lang, path, title, {x: site.section_path(x, SECTION) for x in
                                            site.languages})  # fmt: skip
    shown: set[str] = set()

    def once(quotes: list[fc.Quote | None]) -> list[dict[str, str]]:
        found = []
        for quote in quotes:
            if quote is None or quote_anchor(quote) in shown:
                continue
            shown.add(quote_anchor(quote))
            found.append({**words.quote(quote), "id": quote_anchor(quote)})
        return found

    lead = once([criteria.lead])
    conditions = []
    for condition in criteria.conditions:
        quotes = once([condition.quote, *condition.related, *condition.computation])
        parts = [
            {
                "quotes": once([criterion.quote, *criterion.computation]),
                "method": pick(criterion.method, lang),
            }
            for criterion in condition.criteria
        ]
        conditions.append({"quotes": quotes, "criteria": parts})
    return {
        "page": page,
        "law": words.law(),
        "intro": _(
            "Section 118 of the Local Government Act says when the evaluation procedure for "
            "a municipality in a particularly difficult financial position may be started. "
            "Each municipality's page shows whether its figures meet each condition below; "
            "this page quotes the law once for all of them."
        ),
        "lead": lead,
        "conditions": conditions,
        "unpublished_title": _("Inputs that no source we read publishes"),
        "unpublished": words.unpublished(),
    }
