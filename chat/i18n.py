"""Every user-facing sentence, looked up by key in the reader's locale.

The sentences live in one TOML file per locale, ``chat/locales/<locale>.toml`` (``[dlg]`` table,
``start`` key = ``"dlg.start"``), read once at import. ``say(key, locale, **values)`` formats one.
A locale without a file is spoken in the default locale; a new language is a new file.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

LOCALES_DIR = Path(__file__).with_name("locales")
DEFAULT_LOCALE = "zh"


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """``{"dlg": {"start": "..."}}`` -> ``{"dlg.start": "..."}``."""
    flat: dict[str, str] = {}
    for name, value in table.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = str(value)
    return flat


def load_catalog(folder: Path = LOCALES_DIR) -> dict[str, dict[str, str]]:
    """locale -> key -> template, one locale per ``<locale>.toml`` in ``folder``."""
    return {path.stem: _flatten(tomllib.loads(path.read_text(encoding="utf-8")))
            for path in sorted(folder.glob("*.toml"))}


_CATALOG = load_catalog()
_DEFAULT = _CATALOG[DEFAULT_LOCALE]


def say(key: str, locale: str, **values: Any) -> str:
    """The text for ``key`` in ``locale`` (the default locale if it has no file), formatted with
    ``values``. An unknown key raises ``KeyError``."""
    template = _CATALOG.get(locale, _DEFAULT)[key]
    return template.format(**values) if values else template


def keys() -> frozenset[str]:
    return frozenset(_DEFAULT)


def locales() -> frozenset[str]:
    return frozenset(_CATALOG)
