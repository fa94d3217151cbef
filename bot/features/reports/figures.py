"""One figure as a line of a report: its name, its value with numerator/denominator, and its
change against the previous period (↑ higher, ↓ lower, = the same)."""

from __future__ import annotations

from bot.metrics.definitions import BY_KEY
from bot.metrics.model import Figure
from chat.i18n import say

UP, DOWN, SAME = "↑", "↓", "="


def figure_line(figure: Figure, before: Figure | None, locale: str) -> str:
    return say("report.figure", locale, name=name_of(figure.key, locale),
               value=value_text(figure, locale), change=change_text(figure, before, locale))


def name_of(key: str, locale: str) -> str:
    """``metric.<key>.name``; the key itself for a metric not in the definitions."""
    definition = BY_KEY.get(key)
    return definition.name(locale) if definition else key


def definition_of(key: str, locale: str) -> str:
    definition = BY_KEY.get(key)
    return definition.text(locale) if definition else ""


def headline(figure: Figure) -> float | None:
    """The one number a figure is compared by: its value, or for hours the wall-clock mean."""
    if figure.unit == "hours" and figure.wall is not None and figure.wall.mean is not None:
        return figure.wall.mean
    return figure.value


def value_text(figure: Figure, locale: str) -> str:
    if figure.unit == "rate":
        return _rate(figure, locale)
    if figure.unit == "hours":
        return _hours(figure, locale)
    if figure.unit == "score":
        return _score(figure, locale)
    if figure.unit == "check":
        return _check(figure, locale)
    return say("report.na", locale) if figure.value is None else number(figure.value)


def change_text(figure: Figure, before: Figure | None, locale: str) -> str:
    """Nothing when the previous period has no value (there is no change to show)."""
    then = headline(before) if before is not None else None
    if then is None or before is None:
        return ""
    now = headline(figure)
    shown = short_text(before, then, locale)
    if now is None:
        return say("report.change_unknown", locale, before=shown)
    arrow = UP if now > then else DOWN if now < then else SAME
    return say("report.change", locale, before=shown, arrow=arrow)


def short_text(figure: Figure, value: float, locale: str) -> str:
    if figure.unit == "rate":
        return say("report.percent", locale, percent=number(value * 100))
    if figure.unit == "hours":
        return say("report.hours_short", locale, hours=number(value))
    if figure.unit == "check":
        return _check(figure, locale)
    return number(value)


def number(value: float) -> str:
    """At most one decimal, none when it is whole: 30, 66.7, 4.5."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def _rate(figure: Figure, locale: str) -> str:
    numerator, denominator = figure.numerator or 0, figure.denominator or 0
    if figure.value is None:
        return say("report.rate_na", locale, numerator=numerator, denominator=denominator)
    return say("report.rate", locale, numerator=numerator, denominator=denominator,
               percent=number(figure.value * 100))


def _hours(figure: Figure, locale: str) -> str:
    wall, business = figure.wall, figure.business
    if wall is not None and wall.mean is not None:
        spent = business.mean if business is not None and business.mean is not None else None
        return say("report.hours", locale, wall=number(wall.mean), n=wall.count,
                   business=say("report.na", locale) if spent is None else number(spent))
    if figure.value is not None:
        return say("report.hours_short", locale, hours=number(figure.value))
    return say("report.na", locale)


def _score(figure: Figure, locale: str) -> str:
    answered, sent = figure.numerator or 0, figure.denominator or 0
    if figure.value is None:
        return say("report.score_na", locale, answered=answered, sent=sent)
    return say("report.score", locale, mean=number(figure.value), answered=answered, sent=sent)


def _check(figure: Figure, locale: str) -> str:
    if figure.value is None:
        return say("report.check_never", locale)
    if figure.value >= 1:
        return say("report.check_ok", locale)
    return say("report.check_failed", locale, seq=figure.parts.get("first_bad_seq") or "-")


def has_value(figure: Figure) -> bool:
    return headline(figure) is not None
