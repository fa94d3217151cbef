"""A stretch of time as people say it: "20 分钟", "3.5 h", "2 days"."""

from __future__ import annotations

from datetime import timedelta

from chat.i18n import say


def describe_span(span: timedelta, locale: str) -> str:
    minutes = int(span.total_seconds() // 60)
    if minutes < 60:
        return say("time.minutes", locale, n=max(minutes, 1))
    hours = minutes / 60
    if hours < 48:
        return say("time.hours", locale, n=f"{hours:.1f}".rstrip("0").rstrip("."))
    return say("time.days", locale, n=f"{hours / 24:.1f}".rstrip("0").rstrip("."))
