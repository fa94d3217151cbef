"""A figure (as ``board.figure_json`` gives it) in words: the number a dashboard prints next
to its chart, numerator and denominator included, "n/a" when there is nothing to divide by."""

from __future__ import annotations

from typing import Any

from chat.i18n import say


def number(value: float | int | None, locale: str, digits: int = 1) -> str:
    if value is None:
        return say("web.dash.na", locale)
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"


def rate(figure: dict[str, Any], locale: str) -> str:
    value = figure.get("value")
    percent = say("web.dash.na", locale) if value is None else f"{100 * value:.1f}"
    return say("web.dash.rate", locale, numerator=figure.get("numerator") or 0,
               denominator=figure.get("denominator") or 0, percent=percent)


def stats(stats: dict[str, Any] | None, locale: str) -> str:
    if not stats or not stats.get("count"):
        return say("web.dash.no_data", locale)
    return say("web.dash.hours", locale, mean=number(stats["mean"], locale),
               median=number(stats["median"], locale), p90=number(stats["p90"], locale),
               count=stats["count"])


def score(figure: dict[str, Any], locale: str) -> str:
    return say("web.dash.score", locale, score=number(figure.get("value"), locale, 2),
               answered=figure.get("numerator") or 0, sent=figure.get("denominator") or 0)


def check(figure: dict[str, Any], locale: str) -> str:
    value = figure.get("value")
    if value is None:
        return say("web.dash.check_never", locale)
    if value:
        return say("web.dash.check_ok", locale)
    bad = (figure.get("parts") or {}).get("first_bad_seq")
    return say("web.dash.check_bad", locale, seq=number(bad, locale))


def headline(figure: dict[str, Any], locale: str) -> list[str]:
    """The lines printed under a figure's name: the value, then its parts of note."""
    unit = figure["unit"]
    if unit == "rate":
        return [rate(figure, locale)]
    if unit == "hours":
        return [say("web.dash.wall", locale, text=stats(figure.get("wall"), locale)),
                say("web.dash.business", locale, text=stats(figure.get("business"), locale))]
    if unit == "score":
        return [score(figure, locale)]
    if unit == "check":
        return [check(figure, locale)]
    return [number(figure.get("value"), locale)]
