"""Neutral messages -> WeCom app messages (``text``, ``markdown``, ``template_card``). Pure.

- ``Text`` -> ``text`` (at most 2,048 bytes).
- A ``Card`` with 1-6 buttons -> ``template_card`` of type ``button_interaction``: the title,
  short fields side by side (``horizontal_content_list``, at most 6), the rest of the fields,
  the body and the footer as ``sub_title_text``, one button per neutral button whose ``key`` is
  the action id (a button's ``value`` is not carried: action ids say everything).
- A ``Card`` without buttons -> ``markdown``.
- A ``Card`` with more than 6 buttons (WeCom's limit) comes degraded by the core
  (``chat.channel.degrade``): its buttons are numbered ``choices``, sent as ``markdown``; the
  person replies with the number (or the label) and the channel maps it back to the action
  (``Outgoing.choices``). Dropping buttons would lose choices, so none is dropped.
- In a group chat (``appchat/send``, which has no cards and whose replies never reach the app)
  cards are ``markdown`` without their buttons; the core's footers say what to type instead.

WeCom documents most lengths as advice ("建议不超过"), which its clients cut when shown; the
limits here keep to the hard ones (6 buttons, 6 side-by-side fields, keys of 1,024 bytes, 2,048
bytes of text) and stay near the advised ones elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adapters.kit.choices import numbered
from adapters.kit.errors import RenderError
from adapters.kit.text import bilingual, clip, clip_bytes
from chat.replies import Button, Card, CardField, Message, Text

MAX_BUTTONS = 6
MAX_SIDE_BY_SIDE = 6
TEXT_LIMIT_BYTES = 2048  # text and markdown content
KEY_LIMIT_BYTES = 1024  # a button's key, i.e. our action id
TITLE_LIMIT = 36
DESC_LIMIT = 44
SUBTITLE_LIMIT = 512
KEYNAME_LIMIT = 10  # longer labels go below instead of being cut
SIDE_VALUE_LIMIT = 30  # longer (or multi-line) values go below instead of being cut
BUTTON_TEXT_LIMIT = 20
STYLES = {"primary": 1, "danger": 2}  # "default" is left to WeCom's default (1)

Json = dict[str, Any]


@dataclass(frozen=True)
class Outgoing:
    msgtype: str  # "text" | "markdown" | "template_card"
    body: Json  # the object under ``msgtype`` in message/send (appchat/send)
    choices: tuple[Button, ...] = ()  # numbered choices a reply may pick


def for_person(message: Message, task_id: str) -> Outgoing:
    """What ``message/send`` sends to one member; ``task_id`` names a card (unique per app)."""
    if isinstance(message, Text):
        return Outgoing("text", {"content": clip_bytes(message.text, TEXT_LIMIT_BYTES)})
    if not message.buttons:
        return Outgoing("markdown", {"content": markdown(message, with_choices=True)},
                        choices=numbered(message))
    return Outgoing("template_card", template_card(message, task_id))


def for_chat(message: Message) -> Outgoing:
    """What ``appchat/send`` sends to a group chat: no buttons there."""
    if isinstance(message, Text):
        return Outgoing("text", {"content": clip_bytes(message.text, TEXT_LIMIT_BYTES)})
    return Outgoing("markdown", {"content": markdown(message, with_choices=False)})


def card_update(message: Message) -> Json | None:
    """The ``template_card`` that replaces a card in ``update_template_card`` (the task id
    stays the card's own); None when it cannot be a card (numbered choices, or more buttons
    than a card takes)."""
    if isinstance(message, Text):
        title, _, rest = message.text.strip().partition("\n")
        message = Card(title=title, body=rest.strip())
    if numbered(message) or len(message.buttons) > MAX_BUTTONS:
        return None
    return template_card(message, task_id=None)


def template_card(card: Card, task_id: str | None) -> Json:
    side, below = _split_fields(card.fields)
    title, body = card.title.strip(), card.body.strip()
    if not title:  # a title is required: the body's first line becomes it
        first, _, rest = body.partition("\n")
        title, body = first.strip() or "esmbot", rest.strip()
    desc = body if body and "\n" not in body and len(body) <= DESC_LIMIT else ""
    main_title: Json = {"title": clip(title, TITLE_LIMIT)}
    if desc:
        main_title["desc"] = desc
    result: Json = {"card_type": "button_interaction", "main_title": main_title}
    lines = [body if body and not desc else "", *below, card.footer.strip()]
    subtitle = "\n".join(line for line in lines if line)
    if subtitle:
        result["sub_title_text"] = clip(subtitle, SUBTITLE_LIMIT)
    if side:
        result["horizontal_content_list"] = [{"keyname": f.label, "value": f.value}
                                             for f in side]
    if task_id:
        result["task_id"] = task_id
    if card.buttons:
        result["button_list"] = button_list(card.buttons)
    else:
        result["replace_text"] = bilingual("adapter.done")  # the grey, unclickable button
    return result


def button_list(buttons: tuple[Button, ...]) -> list[Json]:
    if len(buttons) > MAX_BUTTONS:
        raise RenderError(f"{len(buttons)} buttons: the core offers more than "
                          f"{MAX_BUTTONS} as numbered choices")
    keys = [b.action_id for b in buttons]
    if len(set(keys)) != len(keys):
        raise RenderError(f"two buttons do the same action: {keys}")
    result = []
    for button in buttons:
        if not button.action_id or len(button.action_id.encode()) > KEY_LIMIT_BYTES:
            raise RenderError(f"action id must be 1-{KEY_LIMIT_BYTES} bytes: "
                              f"{button.action_id[:40]!r}")
        item: Json = {"text": clip(button.label or "·", BUTTON_TEXT_LIMIT),
                      "key": button.action_id}
        if button.style in STYLES:
            item["style"] = STYLES[button.style]
        result.append(item)
    return result


def markdown(card: Card, *, with_choices: bool) -> str:
    """WeCom markdown: the title in bold, fields as ``label：value``, the numbered choices
    when a reply can pick them, the footer in grey."""
    lines = [f"**{card.title.strip()}**"] if card.title.strip() else []
    if card.body.strip():
        lines.append(card.body.strip())
    lines.extend(_field_line(f) for f in card.fields)
    if with_choices and card.choices:
        lines.append(bilingual("adapter.choose_hint") + ":")
        lines.extend(f"{i}. {b.label}" for i, b in enumerate(card.choices, 1))
    if card.footer.strip():
        lines.append(f'<font color="comment">{card.footer.strip()}</font>')
    return clip_bytes("\n".join(lines), TEXT_LIMIT_BYTES)


def _split_fields(fields: tuple[CardField, ...]) -> tuple[list[CardField], list[str]]:
    """Short one-line fields side by side (at most 6); the others as lines below."""
    side: list[CardField] = []
    below: list[str] = []
    for item in fields:
        value = item.value.strip()
        fits = (len(side) < MAX_SIDE_BY_SIDE and 0 < len(item.label) <= KEYNAME_LIMIT
                and value and "\n" not in value and len(value) <= SIDE_VALUE_LIMIT)
        if fits:
            side.append(CardField(item.label, value))
        else:
            below.append(_field_line(item))
    return side, below


def _field_line(item: CardField) -> str:
    value = item.value.strip()
    return f"{item.label}：{value}" if "\n" not in value else f"{item.label}：\n{value}"
