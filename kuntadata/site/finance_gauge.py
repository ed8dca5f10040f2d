"""The finance gauge on the municipality page: Local Government Act § 118 as the law says it.

Why: the evaluation procedure for a municipality in a particularly difficult financial
position ("kriisikunta") is what residents hear about in the news. The gauge shows each
condition's outcome, linked to the law's own words on the law text page (finance_law.py:
Finnish from the recorded Finlex text; Swedish and English marked as this site's unofficial
translations; the same for every municipality, so written once), every input it needs with
its status in this data — available with value, year and source; not yet fetched; no figure;
not published by any source we read, naming the publisher — and a conclusion that never
claims more than the inputs allow ("cannot be assessed: N inputs missing", not "not met").

The conditions, inputs and formulas are data (content/finance_criteria.yaml, read by
kuntadata/finance_criteria.py, assessed by kuntadata/finance_assessment.py); this module only
reads the package's figures for them and words the result. The assessment of an area is the
same in every language and computed once.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd

from .. import finance_assessment as fa
from .. import finance_criteria as fc
from . import fmt
from .context import Site
from .finance_law import SECTION, finance_law_page, quote_anchor
from .gaps import symbol_meaning
from .i18n import gettext_for, translations
from .package_data import Dataset, pick

CRITERIA_FILE = "finance_criteria.yaml"
OPERATOR_SIGNS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥"}


class PackageFigures:
    """`finance_assessment.Figures` over the site's package: the rows at the total of every
    dimension, exactly as published (strings read as exact decimals), indexed once."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self._cells: dict[str, dict[str, dict[str, tuple[str, str]]]] = {}

    def _dataset(self, indicator: str) -> Dataset | None:
        dataset_id, _, indicator_id = indicator.partition(".")
        dataset = self.site.package.dataset(dataset_id)
        if dataset is None or all(i.id != indicator_id for i in dataset.indicators):
            return None
        return dataset

    def fetched(self, indicator: str) -> bool:
        return self._dataset(indicator) is not None

    def figure(self, indicator: str, area: str, period: str | None) -> fa.Figure | None:
        by_period = self._index(indicator).get(area) or {}
        if period is None:
            known = [p for p, (value, _) in by_period.items() if _decimal(value) is not None]
            period = fmt.latest_period(known or list(by_period)) if by_period else None
        if period is None or period not in by_period:
            return None
        value, symbol = by_period[period]
        return fa.Figure(period, _decimal(value), symbol)

    def _index(self, indicator: str) -> dict[str, dict[str, tuple[str, str]]]:
        if indicator not in self._cells:
            dataset = self._dataset(indicator)
            cells: dict[str, dict[str, tuple[str, str]]] = {}
            if dataset is not None:
                frame = _totals(dataset)
                frame = frame[frame["indicator"] == indicator.partition(".")[2]]
                for area, period, value, status in zip(
                    frame["area"], frame["period"], frame["value"], frame["status"], strict=True
                ):
                    cells.setdefault(area, {})[period] = (value, status)
            self._cells[indicator] = cells
        return self._cells[indicator]


def _totals(dataset: Dataset) -> pd.DataFrame:
    """Rows at the total of every dimension column still in the frame; a column without a
    total (budget stages) leaves nothing, since no one value may stand for all."""
    frame = dataset.frame
    for dim in dataset.meta.get("dimensions") or []:
        column = dim.get("column")
        if column in frame.columns:
            total = dim.get("total")
            frame = frame[frame[column] == total] if total else frame.iloc[0:0]
    return frame


def _decimal(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        return None
    return number if number.is_finite() else None


def _prepared(site: Site) -> tuple[fc.FinanceCriteria, fa.Inputs] | None:
    """The criteria and the input reader, once per build; None without the criteria file."""
    if "finance_criteria" not in site.cache:
        path = (site.content or Path("/nonexistent")) / CRITERIA_FILE
        prepared = None
        if path.exists():
            criteria = fc.load_finance_criteria(path)
            prepared = (criteria, fa.Inputs(criteria, PackageFigures(site), _municipalities(site)))
        site.cache["finance_criteria"] = prepared
    return site.cache["finance_criteria"]


def _municipalities(site: Site) -> Callable[[str], list[str]]:
    def of_year(period: str) -> list[str]:
        """Every municipality that existed at the end of `period` (abolished ones until
        their last year), whatever the site's scope: the law averages over all of them."""
        year = int(period) if period.isdigit() else 0
        return [
            a.code
            for a in site.areas.areas.values()
            if a.level == "municipality" and (not a.valid_to or int(a.valid_to) >= year)
        ]

    return of_year


def finance_gauge(site: Site, code: str, lang: str) -> dict[str, Any] | None:
    """The gauge's context for one municipality page; None when content/ has no criteria."""
    prepared = _prepared(site)
    if prepared is None:
        return None
    criteria, inputs = prepared
    key = ("finance_assessment", code)
    if key not in site.cache:
        site.cache[key] = fa.assess(criteria, inputs, code)
    assessment: fa.Assessment = site.cache[key]
    return _Words(site, criteria, lang).gauge(assessment)


def finance_law(site: Site, lang: str) -> dict[str, Any] | None:
    """The context of the law text page (finance_law.py); None when content/ has no
    criteria, and then no page is written."""
    prepared = _prepared(site)
    if prepared is None:
        return None
    criteria = prepared[0]
    return finance_law_page(site, lang, _Words(site, criteria, lang), criteria)


class _Words:
    """Everything the gauge says in one language."""

    def __init__(self, site: Site, criteria: fc.FinanceCriteria, lang: str) -> None:
        self.site, self.criteria, self.lang = site, criteria, lang
        self._ = gettext_for(lang)
        self.ngettext = translations(lang).ngettext

    def gauge(self, assessment: fa.Assessment) -> dict[str, Any]:
        _ = self._
        law = self.criteria.law
        conclusion, css = self.conclusion(assessment)
        return {
            "title": _(
                "Municipal finances: when the evaluation procedure of the Local "
                "Government Act may be started"
            ),
            "conclusion": conclusion,
            "css": css,
            "inputs": self.inputs(assessment),
            "years": self.years(assessment.year),
            "law": {"url": law.get("url", ""), "link": self.law()["link"]},
            "law_page": self.site.section_path(self.lang, SECTION),
            "law_page_link": _("The law's text and how this site applies it"),
            "conditions": [self.condition(c) for c in assessment.conditions],
        }

    def law(self) -> dict[str, str]:
        """The law's address on Finlex, its link text and, outside the official languages,
        the note that the quotes are this site's translation."""
        _ = self._
        law = self.criteria.law
        return {
            "url": law.get("url", ""),
            "link": _(
                "{law} ({number}), section {section}: the consolidated text in force "
                "on Finlex (version {version})"
            ).format(
                law=pick(law.get("title"), self.lang),
                number=law.get("number", ""),
                section=law.get("section", ""),
                version=law.get("finlex_version", ""),
            ),
            "translation": ""
            if self.lang in (law.get("official_languages") or ["fi"])
            else _(
                "Unofficial translation by this site: only the Finnish text of the law "
                "was recorded, and it is shown under each translation. The law in force "
                "is on Finlex."
            ),
        }

    def conclusion(self, assessment: fa.Assessment) -> tuple[str, str]:
        _ = self._
        if assessment.met is True:
            return _(
                "According to these inputs, at least one condition for starting the "
                "evaluation procedure is met."
            ), "met"
        if assessment.met is False:
            return _(
                "According to these inputs, none of the conditions for starting the "
                "evaluation procedure is met."
            ), "not-met"
        count = len(assessment.missing)
        if not count:
            return _(
                "Cannot be assessed: a key figure cannot be computed from these inputs "
                "(it would divide by zero)."
            ), "unknown"
        return self.ngettext(
            "Cannot be assessed: {count} input missing.",
            "Cannot be assessed: {count} inputs missing.",
            count,
        ).format(count=count), "unknown"

    def years(self, year: str | None) -> str:
        _ = self._
        if year is None:
            return _(
                "The law compares the years of the municipality's latest group accounts "
                "and the year before; no group accounts of this municipality have been "
                "fetched yet."
            )
        return _("Latest group accounts: {year}; the year before: {previous}.").format(
            year=year, previous=int(year) - 1
        )

    def citation(self, quote: fc.Quote) -> str:
        """`Kuntalaki 118 § 3 mom. 1 kohta` / `section 118(3)(1)` style."""
        law = pick(self.criteria.law.get("title"), self.lang)
        if self.lang == "en":
            text = f"{law}, section {quote.section}({quote.moment})"
            return text + (f"({quote.point})" if quote.point else "")
        text = f"{law} {quote.section} § {quote.moment} mom."
        if quote.point:
            text += f" {quote.point} kohta" if self.lang == "fi" else f" {quote.point} punkten"
        return text

    def quote(self, quote: fc.Quote | None) -> dict[str, str] | None:
        if quote is None:
            return None
        official = self.criteria.law.get("official_languages") or ["fi"]
        translated = self.lang not in official
        return {
            "citation": self.citation(quote),
            "text": quote.text.get(self.lang) or quote.text["fi"],
            "original": quote.text["fi"] if translated else "",
            "original_label": self._("The law's Finnish text") if translated else "",
        }

    def outcome(self, met: bool | None, assessed: bool = True) -> tuple[str, str]:
        _ = self._
        if not assessed:
            return _("not assessed by this site"), "unknown"
        if met is None:
            return _("cannot be assessed"), "unknown"
        return (_("met"), "met") if met else (_("not met"), "not-met")

    def condition(self, result: fa.ConditionResult) -> dict[str, Any]:
        condition = result.condition
        outcome, css = self.outcome(result.met)
        return {
            "id": condition.id,
            "citation": self.citation(condition.quote),
            "anchor": quote_anchor(condition.quote),
            "outcome": outcome,
            "css": css,
            "criteria": [self.criterion(c) for c in result.criteria],
            "several": len(result.criteria) > 1,
        }

    def inputs(self, assessment: fa.Assessment) -> list[dict[str, str]]:
        """Every input of every criterion once (name, year, status, source), in the order
        the criteria use them: one table for the gauge instead of one per criterion, which
        repeated the shared inputs and, above them, the list of what is missing (~5 kB on
        each of 924 pages). The criteria name the inputs they use (`uses`)."""
        rows: dict[str, dict[str, str]] = {}
        for condition in assessment.conditions:
            for criterion in condition.criteria:
                for state in criterion.inputs:
                    row = self.input_row(state, short=True)
                    rows.setdefault(self.input_label(row), row)
        return list(rows.values())

    def input_label(self, row: dict[str, str]) -> str:
        return f"{row['name']} ({row['period']})" if row["period"] else row["name"]

    def criterion(self, result: fa.CriterionResult) -> dict[str, Any]:
        _ = self._
        criterion = result.criterion
        outcome, css = self.outcome(result.met, criterion.assessed)
        return {
            "citation": self.citation(criterion.quote) if criterion.quote else "",
            "anchor": quote_anchor(criterion.quote) if criterion.quote else "",
            "outcome": outcome,
            "css": css,
            "value_title": pick(criterion.value_title, self.lang),
            "uses": _("Inputs: {inputs}.").format(
                inputs="; ".join(
                    dict.fromkeys(
                        self.input_label(self.input_row(state, short=True))
                        for state in result.inputs
                    )
                )
            ),
            "checks": [
                self.check_row(criterion, spec, check)
                for spec, check in zip(criterion.checks, result.checks, strict=True)
            ],
        }

    def check_row(
        self, criterion: fc.Criterion, spec: fc.Check, check: fa.CheckResult
    ) -> dict[str, str]:
        """Year, value, limit and outcome; a limit the law writes as a number keeps its own
        digits (2,0 percentage points, 0,8), a computed one the criterion's decimals."""
        _ = self._
        unit = pick(criterion.unit, self.lang)
        sign = OPERATOR_SIGNS[check.op]
        digits = criterion.decimals
        if not spec.limit.names:
            exponent = Decimal(spec.limit.source).as_tuple().exponent
            digits = max(0, -exponent) if isinstance(exponent, int) else digits
        limit = self.number(check.limit, digits, unit)
        limit_title = pick(criterion.limit_title, self.lang) if criterion.limit_title else ""
        if limit and limit_title:
            limit = f"{sign} {limit} ({limit_title})"
        elif limit:
            limit = f"{sign} {limit}"
        else:
            limit = f"{sign} {limit_title}" if limit_title else "–"
        outcome, css = self.outcome(check.met)
        return {
            "period": check.period
            or (_("latest group accounts") if spec.year_offset == 0 else _("the year before")),
            "value": self.number(check.value, criterion.decimals, unit) or "–",
            "limit": limit,
            "outcome": outcome,
            "css": css,
        }

    def number(self, value: Decimal | None, decimals: int, unit: str) -> str:
        text = fmt.number(None if value is None else float(value), decimals, self.lang)
        return f"{text}{fmt.NBSP}{unit}" if text and unit else text

    def input_row(self, state: fa.InputState, short: bool = False) -> dict[str, str]:
        """One input: its name, year, status in words and where it comes from. `short`: an
        input no source publishes names its publisher only; why it is not published is the
        same for every municipality, so the law text page says it (`unpublished`)."""
        _ = self._
        spec = self.criteria.inputs[state.input]
        row = {"name": pick(spec.title, self.lang), "period": state.period or "", "css": ""}
        if state.status == fa.AVAILABLE:
            row.update(
                status=self.available(spec, state),
                css="available",
                source=self.attribution(spec) or pick(spec.where, self.lang),
            )
            return row
        row["css"] = "missing"
        row["source"] = pick(spec.where, self.lang)
        if state.status == fa.NOT_PUBLISHED and state.because:
            part = pick(self.criteria.inputs[state.because].title, self.lang)
            row["status"] = _(
                "cannot be computed: {input} is not published by any source we read"
            ).format(input=part)
        elif state.status == fa.NOT_PUBLISHED:
            publisher = pick((spec.not_published or {}).get("publisher"), self.lang)
            row["status"] = _("not published by any source we read")
            row["source"] = _("Publisher: {publisher}.").format(publisher=publisher)
            if not short:
                row["source"] += " " + pick((spec.not_published or {}).get("why"), self.lang)
        elif state.status == fa.NOT_FETCHED and state.because:
            part = pick(self.criteria.inputs[state.because].title, self.lang)
            row["status"] = _("cannot be computed yet: {input} not yet fetched").format(input=part)
        elif state.status == fa.NOT_FETCHED:
            row["status"] = _("not yet fetched")
        elif state.of:
            row["status"] = _("no figure for {lacking} of {count} municipalities").format(
                lacking=state.lacking, count=state.of
            )
        elif state.symbol:
            row["status"] = _("no figure ({symbol} {meaning})").format(
                symbol=state.symbol, meaning=symbol_meaning(self.site, state.symbol, self.lang)
            )
        else:
            row["status"] = _("no figure in the fetched data")
        return row

    def unpublished(self) -> list[dict[str, str]]:
        """Inputs no source we read publishes: name, publisher and why, for the law page."""
        _ = self._
        return [
            {
                "name": pick(spec.title, self.lang),
                "publisher": _("Publisher: {publisher}.").format(
                    publisher=pick(spec.not_published.get("publisher"), self.lang)
                ),
                "why": pick(spec.not_published.get("why"), self.lang),
            }
            for spec in self.criteria.inputs.values()
            if spec.not_published
        ]

    def available(self, spec: fc.InputSpec, state: fa.InputState) -> str:
        decimals, unit = spec.decimals, pick(spec.unit, self.lang) if spec.unit else ""
        if spec.indicator:
            dataset = self.site.package.dataset(spec.dataset)
            indicator_id = spec.indicator.partition(".")[2]
            for indicator in dataset.indicators if dataset else []:
                if indicator.id == indicator_id:
                    decimals, unit = indicator.decimals, pick(indicator.unit, self.lang)
        return self.number(state.value, 2 if decimals is None else decimals, unit)

    def attribution(self, spec: fc.InputSpec) -> str:
        dataset = self.site.package.dataset(spec.dataset) if spec.indicator else None
        return dataset.text("attribution", self.lang) if dataset else ""
