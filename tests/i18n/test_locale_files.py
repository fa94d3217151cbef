"""The locale files: the same keys in every locale, the same placeholders, all renderable."""

from __future__ import annotations

import string
import tomllib
from typing import get_args

import pytest

from chat import i18n
from chat.locale import LOCALES, Locale

CATALOG = i18n.load_catalog()


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_the_locales_are_the_files() -> None:
    """A new locale file makes say() speak it; people may choose it once chat/locale.py
    (Locale, LOCALES) and the settings' default_locale know it too."""
    assert i18n.locales() == set(CATALOG)
    assert set(CATALOG) == set(LOCALES) == set(get_args(Locale)), "extend chat/locale.py"
    assert i18n.DEFAULT_LOCALE in CATALOG


@pytest.mark.parametrize("locale", sorted(CATALOG))
def test_every_key_is_in_every_locale(locale: str) -> None:
    default = set(CATALOG[i18n.DEFAULT_LOCALE])
    assert sorted(default - set(CATALOG[locale])) == [], f"missing in {locale}.toml"
    assert sorted(set(CATALOG[locale]) - default) == [], f"only in {locale}.toml"


@pytest.mark.parametrize("locale", sorted(CATALOG))
def test_placeholders_are_the_same_in_every_locale(locale: str) -> None:
    default = CATALOG[i18n.DEFAULT_LOCALE]
    differ = {key: (placeholders(default[key]), placeholders(text))
              for key, text in CATALOG[locale].items()
              if key in default and placeholders(text) != placeholders(default[key])}
    assert differ == {}


@pytest.mark.parametrize("locale", sorted(CATALOG))
def test_every_key_renders_with_its_placeholders(locale: str) -> None:
    for key, template in CATALOG[locale].items():
        values = {name: f"<{name}>" for name in placeholders(template)}
        text = i18n.say(key, locale, **values)
        assert text.strip() or not template.strip(), key
        assert all(f"<{name}>" in text for name in values), key


def test_placeholders_are_plain_names() -> None:
    """No format specs, conversions, indexing or attributes: translators see {name} only."""
    for locale, texts in CATALOG.items():
        for key, template in texts.items():
            for _, name, spec, conversion in string.Formatter().parse(template):
                if name is not None:
                    assert name.isidentifier() and not spec and not conversion, (locale, key)


def test_the_files_are_valid_toml_with_one_table_per_room() -> None:
    for path in sorted(i18n.LOCALES_DIR.glob("*.toml")):
        document = tomllib.loads(path.read_text(encoding="utf-8"))
        assert all(isinstance(table, dict) for table in document.values()), path.name


def test_say_falls_back_to_the_default_locale_and_refuses_unknown_keys() -> None:
    assert i18n.say("dlg.yes", "en") == "Yes"
    assert i18n.say("dlg.yes", "zh") == i18n.say("dlg.yes", "fr") == i18n.say("dlg.yes", "") == "是"
    assert i18n.say("dlg.start", "en", service="VPN") == "Sure, let's do \"VPN\"."
    with pytest.raises(KeyError):
        i18n.say("dlg.no_such_key", "zh")
