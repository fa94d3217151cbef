"""A report written out: a table for people (grouped by layer, ``12 / 40 = 30 %``, "n/a" for a
denominator of 0, durations in wall-clock and business hours), JSON (the Figure fields plus
each figure's name and definition in the chosen locale) and CSV (one row per figure and per
breakdown member). ``esmbot metrics`` prints them; the dashboards' JSON is ``report_json``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from typing import Any

from bot.metrics.definitions import BY_KEY
from bot.metrics.model import LAYERS, Figure, Report, Stats
from bot.metrics.numbers import rounded
from chat.i18n import say

CSV_HEADER = ("key", "layer", "dimension", "member", "value", "numerator", "denominator",
              "wall_mean", "wall_median", "wall_p90", "business_mean", "business_median",
              "business_p90")
BUSINESS_SUFFIX = "_bh"

LAYER_KEYS = {"efficiency": "metric.layer.efficiency", "quality": "metric.layer.quality",
              "compliance": "metric.layer.compliance"}
LABEL_KEYS = {
    "service": "metric.dim.service", "group": "metric.dim.group",
    "approver": "metric.dim.approver", "kind": "metric.dim.kind",
    "reason": "metric.dim.reason", "impact": "metric.dim.impact", "age": "metric.dim.age",
    "status": "metric.dim.status", "service_department": "metric.dim.service_department",
    "requester_department": "metric.dim.requester_department",
}
PART_KEYS = {
    "submitted": "metric.part.submitted", "pending_approval": "metric.part.pending_approval",
    "in_progress": "metric.part.in_progress", "returned": "metric.part.returned",
    "approval": "metric.part.approval", "claim_wait": "metric.part.claim_wait",
    "work": "metric.part.work", "requester_wait": "metric.part.requester_wait",
    "confirmation": "metric.part.confirmation", "other": "metric.part.other",
    "granted": "metric.part.granted", "denied": "metric.part.denied",
    "active_at_end": "metric.part.active_at_end", "expired": "metric.part.expired",
    "revoked": "metric.part.revoked",
    "deferred_approved_afterwards": "metric.part.deferred_approved_afterwards",
    "deferred_pending": "metric.part.deferred_pending",
    "checked": "metric.part.checked", "first_bad_seq": "metric.part.first_bad_seq",
}
AGE_KEYS = {"0-1d": "metric.age.0-1d", "1-3d": "metric.age.1-3d", "3-7d": "metric.age.3-7d",
            ">7d": "metric.age.over_7d"}


# ------------------------------------------------------------------------------------- JSON

def report_json(report: Report, locale: str, timezone: str) -> dict[str, Any]:
    """The report as ``esmbot metrics --json`` prints it (and the dashboards' API serves it)."""
    data: dict[str, Any] = {
        "period": {"label": report.period.label, "start": report.period.start.isoformat(),
                   "end": report.period.end.isoformat(), "timezone": timezone},
        "cut": {k: v for k, v in report.cut.as_dict().items() if v is not None},
        "computed_at": report.computed_at.isoformat(),
        "figures": [figure_json(f, locale) for f in report.figures],
    }
    if report.previous is not None:
        data["previous"] = report_json(report.previous, locale, timezone)
    return data


def figure_json(figure: Figure, locale: str | None = None) -> dict[str, Any]:
    """The Figure's fields (hours and rates to 4 decimals); with ``locale`` also its name and
    definition (the breakdowns inside ``by`` carry the fields only)."""
    data: dict[str, Any] = {
        "key": figure.key, "layer": figure.layer, "unit": figure.unit,
        "value": rounded(figure.value), "numerator": figure.numerator,
        "denominator": figure.denominator, "wall": _stats_json(figure.wall),
        "business": _stats_json(figure.business),
        "parts": {k: _number(v) for k, v in figure.parts.items()},
        "by": {dim: {member: figure_json(f) for member, f in rows.items()}
               for dim, rows in figure.by.items()},
        "items": list(figure.items),
    }
    if locale is not None:
        definition = BY_KEY[figure.key]
        data["name"] = definition.name(locale)
        data["definition"] = definition.text(locale)
    return data


def _stats_json(stats: Stats | None) -> dict[str, Any] | None:
    if stats is None:
        return None
    return {"count": stats.count, "mean": rounded(stats.mean), "median": rounded(stats.median),
            "p90": rounded(stats.p90)}


def _number(value: float | int | None) -> float | int | None:
    return rounded(value) if isinstance(value, float) else value


# -------------------------------------------------------------------------------------- CSV

def report_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for figure in report.figures:
        writer.writerow(_csv_row(figure, figure, "", ""))
        for dimension, rows in figure.by.items():
            for member, part in rows.items():
                writer.writerow(_csv_row(figure, part, dimension, member))
    return out.getvalue()


def _csv_row(figure: Figure, shown: Figure, dimension: str, member: str) -> list[str]:
    def cell(value: float | int | None) -> str:
        return "" if value is None else str(_number(value))

    wall, business = shown.wall, shown.business
    return [figure.key, figure.layer, dimension, member, cell(shown.value),
            cell(shown.numerator), cell(shown.denominator),
            *(cell(getattr(wall, s)) if wall else "" for s in ("mean", "median", "p90")),
            *(cell(getattr(business, s)) if business else "" for s in ("mean", "median", "p90"))]


# ------------------------------------------------------------------------------------ table

def report_table(report: Report, locale: str, timezone: str) -> str:
    """Readable lines, grouped by layer: each figure's name and value, then its parts, its
    breakdowns and the requests behind it."""
    period = report.period
    lines = [f"{period.label}  [{period.start.isoformat()} .. {period.end.isoformat()}) "
             f"{timezone}"]
    cut = ", ".join(f"{k}={v}" for k, v in report.cut.as_dict().items() if v is not None)
    if cut:
        lines.append(cut)
    for layer in LAYERS:
        shown = [f for f in report.figures if f.layer == layer]
        if shown:
            lines += ["", f"== {say(LAYER_KEYS[layer], locale)} =="]
            for figure in shown:
                lines += list(_figure_lines(figure, locale))
    return "\n".join(lines)


def _figure_lines(figure: Figure, locale: str) -> Iterator[str]:
    yield f"{BY_KEY[figure.key].name(locale)}: {value_text(figure, locale)}"
    if figure.parts:
        yield f"    {say('metric.parts', locale)}: " + ", ".join(_parts(figure, locale))
    for dimension, rows in figure.by.items():
        if not rows:
            continue
        shown = [f"{member_label(dimension, m, locale)} {value_text(f, locale)}"
                 for m, f in rows.items()]
        if figure.unit == "hours":  # long: one member a line
            yield f"    {label(dimension, locale)}:"
            yield from (f"        {line}" for line in shown)
        else:
            yield f"    {label(dimension, locale)}: " + "; ".join(shown)
    if figure.items:
        yield f"    {say('metric.items', locale)}: " + ", ".join(figure.items)


def _parts(figure: Figure, locale: str) -> Iterator[str]:
    """Each part with its value; a stage and its ``_bh`` twin together (wall; business)."""
    parts = figure.parts
    for key, value in parts.items():
        if key.endswith(BUSINESS_SUFFIX) and key[:-len(BUSINESS_SUFFIX)] in parts:
            continue
        text = f"{part_label(key, locale)}: {_part_value(figure, key, value, locale)}"
        twin = key + BUSINESS_SUFFIX
        if twin in parts:
            text += (f" ({say('metric.business', locale)} "
                     f"{_part_value(figure, twin, parts[twin], locale)})")
        yield text


def value_text(figure: Figure, locale: str) -> str:
    """``12 / 40 = 30 %``, ``n/a``, ``4.2 (answered 3 / 4 = 75 %)``, hours wall and business."""
    if figure.unit == "rate":
        return fraction(figure.numerator, figure.denominator, locale)
    if figure.unit == "hours":
        return hours_text(figure, locale)
    if figure.unit == "score":
        score = say("metric.na", locale) if figure.value is None else f"{figure.value:.2f}"
        answered = fraction(figure.numerator, figure.denominator, locale)
        return f"{score} ({say('metric.answered', locale)} {answered})"
    if figure.unit == "check":
        if figure.value is None:
            return say("metric.na", locale)
        return say("metric.yes" if figure.value else "metric.no", locale)
    return say("metric.na", locale) if figure.value is None else f"{figure.value:g}"


def fraction(numerator: int | None, denominator: int | None, locale: str) -> str:
    top, bottom = numerator or 0, denominator or 0
    if not bottom:
        return f"{top} / {bottom} = {say('metric.na', locale)}"
    return f"{top} / {bottom} = {percent(top / bottom)}"


def percent(share: float) -> str:
    text = f"{share * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text} %"


def hours_text(figure: Figure, locale: str) -> str:
    parts = []
    for word, stats in (("metric.wall", figure.wall), ("metric.business", figure.business)):
        if stats is not None:
            parts.append(f"{say(word, locale)} {_stats_text(stats, locale)}")
    return "; ".join(parts) or _hours(figure.value, locale)


def _stats_text(stats: Stats, locale: str) -> str:
    if not stats.count:
        return f"{say('metric.na', locale)} (n=0)"
    return (f"{say('metric.mean', locale)} {_hours(stats.mean, locale)}, "
            f"{say('metric.median', locale)} {_hours(stats.median, locale)}, "
            f"{say('metric.p90', locale)} {_hours(stats.p90, locale)} (n={stats.count})")


def _hours(value: float | None, locale: str) -> str:
    if value is None:
        return say("metric.na", locale)
    return f"{value:.2f} {say('metric.hours', locale)}"


def _part_value(figure: Figure, key: str, value: float | int | None, locale: str) -> str:
    if figure.unit == "hours" and isinstance(value, float | int):
        return _hours(float(value), locale)
    if value is None:
        return say("metric.na", locale) if key != "first_bad_seq" else "-"
    return f"{value:g}" if isinstance(value, float) else str(value)


def label(dimension: str, locale: str) -> str:
    key = LABEL_KEYS.get(dimension)
    return say(key, locale) if key else dimension


def part_label(part: str, locale: str) -> str:
    """A part's name; a stage with the ``_bh`` suffix is that stage in business hours."""
    base, business = (part[:-len(BUSINESS_SUFFIX)], True) if part.endswith(
        BUSINESS_SUFFIX) else (part, False)
    key = PART_KEYS.get(base)
    text = say(key, locale) if key else base
    return f"{text} ({say('metric.business', locale)})" if business else text


def member_label(dimension: str, member: str, locale: str) -> str:
    keys: Mapping[str, str] = AGE_KEYS if dimension == "age" else (
        PART_KEYS if dimension == "status" else {})
    key = keys.get(member)
    return say(key, locale) if key else member
