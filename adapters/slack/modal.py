"""The reason modal: a click on a button that needs a reason (``Button.needs_reason``, e.g.
Reject) asks for it in a Slack modal. Pure.

The click itself rides in the modal's ``private_metadata`` (action id, value, conversation and
the card it came from). The submission becomes that click again, carrying the reason as its
``text``, so the core decides at once and does not ask for the reason in chat.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from adapters.kit.text import bilingual
from adapters.slack.inbound import CHANNEL
from chat.events import ActionInvoked, ConversationKey, MessageRef

CALLBACK_ID = "esmbot.reject_reason"
BLOCK_ID = "reason"
INPUT_ID = "text"
METADATA_LIMIT = 3000
REASON_LIMIT = 3000


def reject_modal(click: ActionInvoked) -> dict[str, Any] | None:
    """The ``views.open`` view for ``click``, or None when its context does not fit."""
    metadata = encode_click(click)
    if len(metadata) > METADATA_LIMIT:
        return None
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "private_metadata": metadata,
        "title": _plain(bilingual("adapter.reason_title")),
        "submit": _plain(bilingual("adapter.reason_title")),
        "close": _plain(bilingual("adapter.reason_cancel")),
        "blocks": [{
            "type": "input",
            "block_id": BLOCK_ID,
            "label": _plain(bilingual("adapter.reason_label")),
            "element": {"type": "plain_text_input", "action_id": INPUT_ID, "multiline": True,
                        "max_length": REASON_LIMIT},
        }],
    }


def encode_click(click: ActionInvoked) -> str:
    data = {"a": click.action_id, "v": click.value, "c": click.key.conversation,
            "t": click.key.thread, "tenant": click.key.tenant,
            "src": click.source.as_dict() if click.source else None}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def reason_of(body: Mapping[str, Any]) -> str:
    values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    return str(((values.get(BLOCK_ID) or {}).get(INPUT_ID) or {}).get("value") or "").strip()


def click_from_submission(body: Mapping[str, Any]) -> ActionInvoked | None:
    """The click carrying the typed reason; None if the submission is not ours or is
    malformed."""
    view = body.get("view") or {}
    user = str((body.get("user") or {}).get("id") or "")
    if view.get("callback_id") != CALLBACK_ID or not user:
        return None
    try:
        data = json.loads(view.get("private_metadata") or "")
    except ValueError:
        return None
    if not isinstance(data, dict) or not data.get("a"):
        return None
    key = ConversationKey(CHANNEL, str(data.get("tenant") or ""), str(data.get("c") or ""),
                          user, thread=data.get("t"))
    source = MessageRef.from_dict(data["src"]) if data.get("src") else None
    view_id = str(view.get("id") or body.get("trigger_id") or "")
    return ActionInvoked(key, f"view:{view_id}:click", str(data["a"]), str(data.get("v") or ""),
                         source, text=reason_of(body))


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}
