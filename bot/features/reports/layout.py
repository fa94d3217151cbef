"""A report as one plain card: a title naming the period, a block per part (each figure with
numerator/denominator and its change), the dashboard links when ``[web] public_url`` is set,
and the definitions of the figures shown in the footer (cut last where a platform limits a
message's length)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.features.reports.commands import Cadence
from bot.features.reports.content import Part
from bot.features.reports.figures import definition_of, figure_line, has_value, name_of
from bot.metrics.model import Figure, Period
from chat.i18n import say
from chat.replies import Card
from dialogs.model import Bundle

TITLE_KEYS = {"weekly": "report.weekly_title", "monthly": "report.monthly_title"}
ON_DEMAND_KEYS = {"weekly": "report.on_demand_weekly", "monthly": "report.on_demand_monthly"}
LAYER_KEYS = {"efficiency": "report.layer_efficiency", "quality": "report.layer_quality",
              "compliance": "report.layer_compliance"}
LAYER_ORDER = ("quality", "efficiency", "compliance")


@dataclass(frozen=True)
class Frame:
    cadence: Cadence
    period: Period
    locale: str
    public_url: str = ""
    on_demand: bool = False


def report_card(parts: Sequence[Part], frame: Frame, bundle: Bundle) -> Card:
    lines = [say(ON_DEMAND_KEYS[frame.cadence], frame.locale)] if frame.on_demand else []
    for part in parts:
        lines.extend(["", *part_lines(part, frame.locale, bundle)])
    links = dashboard_links(parts, frame)
    if links:
        lines.extend(["", *links])
    return Card(title=title_of(frame), body="\n".join(lines).strip(),
                footer=definitions(parts, frame.locale))


def title_of(frame: Frame) -> str:
    period = frame.period
    last = (period.end - timedelta(days=1)).date()
    return say(TITLE_KEYS[frame.cadence], frame.locale, label=period.label,
               first=period.start.date().isoformat(), last=last.isoformat())


def part_lines(part: Part, locale: str, bundle: Bundle) -> list[str]:
    before = part.report.previous
    lines = [heading(part, locale, bundle)]
    if not is_quiet(part):
        lines.extend(figure_line(f, before.figure(f.key) if before else None, locale)
                     for f in part.report.figures)
    else:
        lines.append(say("report.no_figures", locale))
    if part.at_risk:
        items = [say("report.at_risk_item", locale, tid=t, rid=r) for t, r in part.at_risk]
        lines.append(say("report.at_risk", locale, items=_joined(items, locale)))
    exceptions = part.report.figure("exceptions") if part.layer == "compliance" else None
    if exceptions is not None:
        lines.extend(exception_lines(exceptions, locale, bundle))
    return lines


def is_quiet(part: Part) -> bool:
    """Nothing to count in the period nor in the one before: one line says so (it keeps the
    message short for an owner of many services)."""
    reports = [part.report, *([part.report.previous] if part.report.previous else [])]
    return not any(has_value(f) for r in reports for f in r.figures)


def heading(part: Part, locale: str, bundle: Bundle) -> str:
    if part.layer == "quality":
        service = bundle.catalog.get(part.subject)
        return say("report.quality_heading", locale,
                   service=service.name.get(locale) if service else part.subject)
    if part.layer == "efficiency":
        group = bundle.directory.groups.get(part.subject)
        return say("report.efficiency_heading", locale,
                   group=group.name.get(locale) if group else part.subject)
    return say("report.compliance_heading", locale)


def exception_lines(figure: Figure, locale: str, bundle: Bundle) -> list[str]:
    """Exceptions granted by reason, and the services over their review threshold."""
    lines = []
    reasons = figure.by.get("reason") or {}
    if reasons:
        items = [say("report.reason_item", locale, reason=reason_label(bundle, r, locale),
                     n=int(f.value or 0)) for r, f in reasons.items()]
        lines.append(say("report.by_reason", locale, items=_joined(items, locale)))
    if figure.items:
        names = [_service_name(bundle, s, locale) for s in figure.items]
        lines.append(say("report.over_threshold", locale, services=_joined(names, locale)))
    return lines


def reason_label(bundle: Bundle, value: str, locale: str) -> str:
    """A reason's catalog label (the first service kind that lists it), else as recorded."""
    for service in bundle.catalog.services.values():
        for kind in service.exceptions:
            if (reason := kind.reason(value)) is not None:
                return reason.label.get(locale)
    return value


def dashboard_links(parts: Sequence[Part], frame: Frame) -> list[str]:
    if not frame.public_url:
        return []
    base = frame.public_url.rstrip("/")
    layers = [layer for layer in LAYER_ORDER if any(p.layer == layer for p in parts)]
    return [say("report.dashboard", frame.locale, layer=say(LAYER_KEYS[layer], frame.locale),
                url=f"{base}/console/dashboard/{layer}?period={frame.period.label}")
            for layer in layers]


def definitions(parts: Sequence[Part], locale: str) -> str:
    keys = dict.fromkeys(f.key for p in parts for f in p.report.figures)
    lines = [say("report.definition", locale, name=name_of(k, locale), text=text)
             for k in keys if (text := definition_of(k, locale))]
    return "\n".join([say("report.definitions", locale), *lines]) if lines else ""


def _service_name(bundle: Bundle, service_id: str, locale: str) -> str:
    service = bundle.catalog.get(service_id)
    return service.name.get(locale) if service else service_id


def _joined(items: Sequence[str], locale: str) -> str:
    return say("fmt.list_sep", locale).join(items)
