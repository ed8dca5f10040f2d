"""The municipal finance gauge: Local Government Act § 118 criteria on the municipality page.

Why: the evaluation procedure for a municipality in a particularly difficult financial
position ("kriisikunta") is what residents hear about in the news; showing each criterion with
the municipality's value, the limit and the outcome lets them check it themselves. The limits
are data (content/finance_criteria.yaml, evaluated by kuntadata/finance_criteria.py); the gauge
needs the municipal key figures (dataset `municipal_finances`), and says so when the package
does not have them. Missing data is shown as "no data", never as met or not met.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..errors import KuntadataError
from ..finance_criteria import (
    Criterion,
    country_averages_from_frame,
    evaluate,
    load_finance_criteria,
)
from . import fmt
from .context import Site
from .i18n import gettext_for
from .package_data import Dataset, pick

FINANCE_DATASET = "municipal_finances"
CRITERIA_FILE = "finance_criteria.yaml"
YEARS_SHOWN = 2


def _load(site: Site) -> tuple[list[Criterion], dict[str, Any]] | None:
    """Criteria and the `law` block, once per build; None when the file is not there."""
    if "finance_criteria" not in site.cache:
        path = (site.content or Path("/nonexistent")) / CRITERIA_FILE
        loaded = None
        if path.exists():
            law = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("law") or {}
            loaded = (load_finance_criteria(path), law)
        site.cache["finance_criteria"] = loaded
    return site.cache["finance_criteria"]


def _totals(dataset: Dataset) -> pd.DataFrame:
    """The rows at the total of every dimension column (the criteria read one row per cell)."""
    frame = dataset.frame
    for dim in dataset.meta.get("dimensions") or []:
        column = dim.get("column")
        if column in frame.columns:
            frame = frame[frame[column] == (dim.get("total") or "SSS")]
    return frame


def _prepared(site: Site, dataset: Dataset) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The totals rows and each area's periods in them, once per build."""
    if "finance_totals" not in site.cache:
        frame = _totals(dataset)
        periods: dict[str, set[str]] = {}
        for area, period in zip(frame["area"], frame["period"], strict=True):
            periods.setdefault(area, set()).add(period)
        site.cache["finance_totals"] = (frame, {a: sorted(p) for a, p in periods.items()})
    return site.cache["finance_totals"]


def citation(criterion: Criterion, law: dict[str, Any], lang: str) -> str:
    """`Kuntalaki (410/2015) 118 § 3 mom. 1 kohta` / `section 118(3)(1)` style."""
    cite = criterion.citation
    title = pick(law.get("title"), lang) or "Local Government Act"
    number = cite.get("law") or law.get("number") or ""
    section = cite.get("section", "")
    sub, para = cite.get("subsection"), cite.get("paragraph")
    if lang == "en":
        text = f"{title} ({number}), section {section}"
        text += f"({sub})" if sub else ""
        return text + (f"({para})" if para else "")
    text = f"{title} ({number}) {section} §"
    text += f" {sub} mom." if sub else ""
    if para:
        text += f" {para} kohta" if lang == "fi" else f" {para} punkten"
    return text


def finance_gauge(site: Site, code: str, lang: str) -> dict[str, Any]:
    """The gauge's context: `available` False with the reason, or years of criteria rows."""
    _ = gettext_for(lang)
    dataset = site.package.dataset(FINANCE_DATASET)
    gauge: dict[str, Any] = {
        "available": False,
        "title": _("Municipal finances: the evaluation criteria of the Local Government Act"),
        "reason": "",
        "years": [],
        "caution": "",
        "source": "",
    }
    loaded = _load(site)
    if dataset is None or loaded is None:
        gauge["reason"] = _(
            "The finance gauge needs the municipal key figures (Statistics Finland, municipal "
            "key figures), which have not yet been fetched."
        )
        return gauge
    criteria, law = loaded
    frame, periods_by_area = _prepared(site, dataset)
    periods = periods_by_area.get(code, [])[-YEARS_SHOWN:]
    if not periods:
        gauge["reason"] = _("The municipal key figures have not been fetched for this "
                            "municipality.")  # fmt: skip
        return gauge
    if "finance_averages" not in site.cache:  # the same for every page: computed once
        site.cache["finance_averages"] = country_averages_from_frame(frame)
    averages = site.cache["finance_averages"]
    indicators = {i.id: i for i in dataset.indicators}
    try:
        years = [_year(criteria, law, frame, code, p, averages, indicators, lang)
                 for p in reversed(periods)]  # fmt: skip
    except KuntadataError as error:
        gauge["reason"] = str(error)
        return gauge
    gauge.update(available=True, years=years, source=dataset.text("attribution", lang))
    if not all(c.verified for c in criteria) or not law.get("verified", False):
        gauge["caution"] = _(
            "The limits have not yet been checked against the law in force (the section has "
            "been amended); read met / not met as indicative only."
        )
    return gauge


def _year(criteria, law, frame, code, period, averages, indicators, lang) -> dict[str, Any]:
    _ = gettext_for(lang)
    rows = []
    for result in evaluate(criteria, frame, code, period, averages):
        criterion = result.criterion
        indicator = indicators.get(criterion.indicator or "")
        decimals = indicator.decimals if indicator else 1
        unit = pick(indicator.unit, lang) if indicator else ""
        if not criterion.computable:
            outcome, css = _("cannot be assessed from statistics"), "unknown"
        elif result.met is None:
            outcome, css = _("no data"), "unknown"
        elif result.met:
            outcome, css = _("met"), "met"
        else:
            outcome, css = _("not met"), "not-met"
        rows.append({
            "text": pick(criterion.text, lang),
            "value": _with_unit(result.value, decimals, unit, lang) or "–",
            "limit": _with_unit(result.limit, decimals, unit, lang) or "–",
            "outcome": outcome,
            "css": css,
            "citation": citation(criterion, law, lang),
        })  # fmt: skip
    return {"period": period, "rows": rows,
            "caption": _("Evaluation criteria, {period}").format(period=period)}  # fmt: skip


def _with_unit(value: float | None, decimals: int, unit: str, lang: str) -> str:
    text = fmt.number(value, decimals, lang)
    return f"{text}{fmt.NBSP}{unit}" if text and unit else text
