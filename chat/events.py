"""Neutral inbound events: what every channel adapter turns platform payloads into."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ConversationKey:
    """Where a message came from or goes to.

    ``conversation == ""`` means "the direct conversation with ``user``"; the adapter resolves it
    (Slack ``conversations.open``, WeCom and DingTalk send by user id).
    """

    channel: str
    tenant: str
    conversation: str
    user: str
    thread: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "channel": self.channel,
            "tenant": self.tenant,
            "conversation": self.conversation,
            "user": self.user,
            "thread": self.thread,
        }

    @classmethod
    def from_dict(cls, data: dict[str, str | None]) -> ConversationKey:
        return cls(
            channel=str(data["channel"]),
            tenant=str(data.get("tenant") or ""),
            conversation=str(data.get("conversation") or ""),
            user=str(data["user"]),
            thread=data.get("thread"),
        )

    @property
    def lock_id(self) -> str:
        """One id per conversation, used to serialize turns and to key dialog state."""
        return f"{self.channel}:{self.tenant}:{self.conversation or '@' + self.user}:{self.user}"


@dataclass(frozen=True)
class MessageRef:
    """What a channel returns from a send, so the message can be updated later."""

    channel: str
    conversation: str
    native_id: str
    update_token: str | None = None
    expires_at: datetime | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "channel": self.channel,
            "conversation": self.conversation,
            "native_id": self.native_id,
            "update_token": self.update_token,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, str | None]) -> MessageRef:
        expires = data.get("expires_at")
        return cls(
            channel=str(data["channel"]),
            conversation=str(data.get("conversation") or ""),
            native_id=str(data["native_id"]),
            update_token=data.get("update_token"),
            expires_at=datetime.fromisoformat(expires) if expires else None,
        )


@dataclass(frozen=True)
class MessageReceived:
    key: ConversationKey
    event_id: str
    text: str
    received_at: datetime | None = None


@dataclass(frozen=True)
class ActionInvoked:
    """A button click (or a typed number that an adapter mapped back to a button)."""

    key: ConversationKey
    event_id: str
    action_id: str
    value: str = ""
    source: MessageRef | None = None
    received_at: datetime | None = None
    text: str = ""  # typed with the click, e.g. a reason from a platform's modal dialog


InboundEvent = MessageReceived | ActionInvoked
