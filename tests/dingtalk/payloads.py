"""DingTalk payloads as DingTalk sends them (shapes from CHANNELS.md §3.1 and §3.3)."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

CORP = "ding0demo0corp"
WEBHOOK_LIFETIME_MS = 5_400_060  # about 90 minutes, as DingTalk's example shows
_ids = itertools.count(1)


def next_msg_id() -> str:
    """A fresh ``msgId`` (a redelivery keeps its own, so tests pass it explicitly)."""
    return f"msgTEST{next(_ids):06d}"


def robot_message(staff_id: str, text: str, *, webhook: str, group: str = "",
                  msg_id: str = "", created_ms: int | None = None,
                  webhook_expires_ms: int | None = None) -> dict[str, Any]:
    created = int(time.time() * 1000) if created_ms is None else created_ms
    data: dict[str, Any] = {
        "conversationId": group or f"cidDM{staff_id}",
        "chatbotCorpId": CORP, "chatbotUserId": "$:LWCP_v1:$esmbot",
        "msgId": msg_id or next_msg_id(),
        "senderNick": f"user {staff_id}", "isAdmin": False, "senderStaffId": staff_id,
        "sessionWebhookExpiredTime": created + WEBHOOK_LIFETIME_MS
        if webhook_expires_ms is None else webhook_expires_ms,
        "createAt": created, "senderCorpId": CORP, "conversationType": "2" if group else "1",
        "senderId": f"$:LWCP_v1:${staff_id}", "sessionWebhook": webhook,
        "text": {"content": f" {text}" if group else text}, "msgtype": "text",
        "robotCode": "dingtestappkey", "senderPlatform": "Mac",
    }
    if group:
        data.update(conversationTitle="IT 服务台", isInAtList=True,
                    atUsers=[{"dingtalkId": "$:LWCP_v1:$esmbot"}])
    return data


def card_callback(staff_id: str, out_track_id: str, action_id: str, value: str = "", *,
                  group: str = "") -> dict[str, Any]:
    """A click on a button whose post-back params are ``action_id`` and ``value``."""
    content = {"cardPrivateData": {"actionIds": ["esm_click"],
                                   "params": {"action_id": action_id, "value": value}}}
    return {"outTrackId": out_track_id, "corpId": CORP, "userId": staff_id,
            "type": "actionCallback", "spaceType": "IM_GROUP" if group else "IM_ROBOT",
            "spaceId": group or staff_id, "userIdType": 1,
            "content": json.dumps(content), "extension": "{}"}
