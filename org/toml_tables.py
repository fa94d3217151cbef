"""Reading TOML tables strictly: every key known, every value of the right type.

A ``Table`` reads one table of a file and reports what is wrong with it as ``Problem``s (file,
item, message) instead of raising, so a loader can collect every problem in one pass.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chat.locale import I18n
from org.durations import parse_duration
from org.model import Duration, Problem

I18N_KEYS = ("zh", "en")


class Report:
    """Where the problems of one file go."""

    def __init__(self, file: Path | str, problems: list[Problem]) -> None:
        self.file = str(file)
        self.problems = problems

    def add(self, item: str, message: str) -> None:
        self.problems.append(Problem(self.file, item, message))


def read_bytes(path: Path, report: Report) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as exc:
        report.add("file", f"cannot be read: {exc.strerror or exc}")
        return None


def parse_toml(raw: bytes, report: Report) -> dict[str, Any] | None:
    """The document in ``raw``; None (and a problem naming the line) when it is not TOML."""
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        report.add("file", f"is not UTF-8 text (byte {exc.start})")
    except tomllib.TOMLDecodeError as exc:
        report.add("TOML", f"invalid TOML: {exc}")
    return None


def read_toml(path: Path, report: Report) -> dict[str, Any] | None:
    raw = read_bytes(path, report)
    return None if raw is None else parse_toml(raw, report)


def valid_timezone(name: str) -> bool:
    """True for an IANA time zone name such as ``Asia/Shanghai``."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: 'America' is a folder
        return False
    return True


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when a choice is close to ``word``, else ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def describe(value: Any) -> str:
    """A value as a person would name it in an error message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


class Table:
    """One TOML table being read; problems are reported against ``item``.

    ``path`` is where the table sits inside the item (``"options[2]"``), so messages can say
    ``options[2].label`` rather than just ``label``.
    """

    def __init__(self, data: Mapping[str, Any], report: Report, item: str, keys: Collection[str],
                 path: str = "") -> None:
        self.data = data
        self.report = report
        self.item = item
        self.path = path
        for key in data:
            if key not in keys:
                self.report.add(item, f"unknown key '{self.where(key)}'{did_you_mean(key, keys)}")

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def problem(self, message: str, key: str | None = None) -> None:
        where = self.where(key) if key is not None else self.path
        self.report.add(self.item, f"'{where}' {message}" if where else message)

    def has(self, key: str) -> bool:
        return key in self.data

    def child(self, data: Mapping[str, Any], path: str, keys: Collection[str]) -> Table:
        return Table(data, self.report, self.item, keys, self.where(path))

    def say(self, key: str, message: str) -> None:
        """A problem worded as ``key: message`` (for messages that quote something else)."""
        self.report.add(self.item, f"{self.where(key)}: {message}")

    def raw(self, key: str, *, required: bool = False) -> Any:
        """The value as it is, for shapes the typed readers do not cover; None when absent."""
        return self._get(key, required)

    def _get(self, key: str, required: bool) -> Any:
        if key not in self.data:
            if required:
                self.report.add(self.item, f"missing required key '{self.where(key)}'")
            return None
        return self.data[key]

    def _typed(self, key: str, value: Any, ok: bool, wanted: str) -> bool:
        if not ok:
            self.problem(f"must be {wanted}, not {describe(value)}", key)
        return ok

    def text(self, key: str, *, required: bool = False) -> str | None:
        value = self._get(key, required)
        if value is None or not self._typed(key, value, isinstance(value, str), "a text"):
            return None
        if not value.strip():
            self.problem("must not be empty", key)
            return None
        return str(value)

    def flag(self, key: str, default: bool) -> bool:
        value = self._get(key, False)
        if value is None or not self._typed(key, value, isinstance(value, bool), "true or false"):
            return default
        return bool(value)

    def integer(self, key: str, *, minimum: int | None = None) -> int | None:
        value = self._get(key, False)
        ok = isinstance(value, int) and not isinstance(value, bool)
        if value is None or not self._typed(key, value, ok, "a whole number"):
            return None
        if minimum is not None and value < minimum:
            self.problem(f"must be at least {minimum}, not {value}", key)
            return None
        return int(value)

    def number(self, key: str) -> Decimal | None:
        value = self._get(key, False)
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if value is None or not self._typed(key, value, ok, "a number"):
            return None
        return Decimal(str(value))

    def choice(self, key: str, allowed: Collection[str], *, required: bool = False,
               what: str = "") -> str | None:
        value = self.text(key, required=required)
        if value is not None and value not in allowed:
            name = what or f"value for '{self.where(key)}'"
            self.report.add(self.item, f"unknown {name} {value!r}{did_you_mean(value, allowed)}"
                                       f" (one of: {', '.join(allowed)})")
            return None
        return value

    def texts(self, key: str, *, required: bool = False) -> tuple[str, ...] | None:
        value = self._get(key, required)
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        if value is None or not self._typed(key, value, ok, "a list of texts"):
            return None
        return tuple(value)

    def i18n(self, key: str, *, required: bool = False) -> I18n | None:
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.problem(f"must be a table {{ zh = \"...\", en = \"...\" }}, not {describe(value)}",
                         key)
            return None
        table = self.child(value, key, I18N_KEYS)
        zh, en = table.text("zh", required=True), table.text("en", required=True)
        return I18n(zh, en) if zh is not None and en is not None else None

    def day(self, key: str, *, required: bool = False) -> date | None:
        return self.as_day(self._get(key, required), key)

    def as_day(self, value: Any, key: str) -> date | None:
        if value is None:
            return None
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(f"must be a date written YYYY-MM-DD, not {describe(value)}", key)
        return None

    def duration(self, key: str, *, required: bool = False) -> Duration | None:
        value = self.text(key, required=required)
        if value is None:
            return None
        try:
            return parse_duration(value)
        except ValueError as exc:
            self.problem(f"is not a valid duration: {exc}", key)
            return None

    def table(self, key: str, keys: Collection[str], *, required: bool = False) -> Table | None:
        value = self._get(key, required)
        if value is None or not self._typed(key, value, isinstance(value, dict), "a table"):
            return None
        return self.child(value, key, keys)

    def tables(self, key: str) -> list[dict[str, Any]]:
        """The tables of an array of tables (``[[key]]``); [] when absent or malformed."""
        value = self._get(key, False)
        ok = isinstance(value, list) and all(isinstance(v, dict) for v in value)
        if value is None or not self._typed(key, value, ok, f"an array of tables [[{key}]]"):
            return []
        return list(value)
