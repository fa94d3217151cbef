"""Every metric has its name and definition in both languages, and every label the table and
the dashboards show exists: a figure is never shown without what it means."""

from __future__ import annotations

import pytest

from bot.metrics import render
from bot.metrics.definitions import DEFINITION_KEYS, DEFINITIONS, NAME_KEYS, Definition
from chat import i18n


@pytest.mark.parametrize("definition", DEFINITIONS, ids=lambda d: d.key)
def test_every_definition_has_a_name_and_a_text_in_chinese_and_english(
        definition: Definition) -> None:
    for locale in ("zh", "en"):
        name, text = definition.name(locale), definition.text(locale)
        assert name.strip() and text.strip(), (definition.key, locale)
        assert len(text) > len(name), (definition.key, locale)
    assert definition.name("zh") != definition.name("en")
    assert definition.text("zh") != definition.text("en")


def test_the_written_out_keys_are_exactly_the_definitions() -> None:
    keys = {d.key for d in DEFINITIONS}
    assert set(NAME_KEYS) == set(DEFINITION_KEYS) == keys
    assert all(NAME_KEYS[k] == f"metric.{k}.name" for k in keys)
    assert all(DEFINITION_KEYS[k] == f"metric.{k}.definition" for k in keys)


def test_every_label_of_layers_dimensions_parts_and_ages_exists() -> None:
    known = i18n.keys()
    labels = [*render.LAYER_KEYS.values(), *render.LABEL_KEYS.values(),
              *render.PART_KEYS.values(), *render.AGE_KEYS.values()]
    assert [key for key in labels if key not in known] == []
    assert render.part_label("approval_bh", "en") == "waiting for approval (business hours)"
    assert render.member_label("age", ">7d", "zh") == "7 天以上"
    assert render.member_label("service", "it.laptop", "en") == "it.laptop"
