"""Filling a service's form: start a dialog, carry it turn by turn (typed answers go to
``flow.continue_form`` from the router), its buttons, and submitting the request."""

from __future__ import annotations

from bot.features.forms import handlers
from bot.features.forms.actions import DialogClick
from bot.features.registry import Feature, on_click
from dialogs.engine import ACTION_PREFIX

FEATURE = Feature(
    name="forms",
    actions={ACTION_PREFIX: on_click(DialogClick, handlers.dialog_click)},
)
