"""Slack Web API failures -> ``ChannelError`` the outbox understands (retry, wait, or give up)."""

from __future__ import annotations

from collections.abc import Mapping

from slack_sdk.errors import SlackApiError

from adapters.kit.errors import retry_after
from chat.channel import ChannelError, UpdateUnsupported

# Retrying cannot help: the token, the target or the payload is wrong.
PERMANENT = frozenset({
    "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
    "no_permission", "missing_scope", "not_allowed_token_type", "team_access_not_granted",
    "channel_not_found", "not_in_channel", "is_archived", "user_not_found", "users_not_found",
    "user_disabled", "cannot_dm_bot", "restricted_action", "msg_too_long", "no_text",
    "invalid_blocks", "invalid_blocks_format", "invalid_arguments", "invalid_arg_name",
    "too_many_attachments", "ekm_access_denied",
})
# chat.update cannot edit this message any more; the outbox then sends a new one.
NOT_UPDATABLE = frozenset({"message_not_found", "cant_update_message", "edit_window_closed"})


def api_error_code(exc: SlackApiError) -> str:
    data = getattr(exc.response, "data", None)
    return str(data.get("error") or "") if isinstance(data, Mapping) else ""


def from_api_error(exc: SlackApiError, method: str) -> ChannelError:
    code = api_error_code(exc)
    status = getattr(exc.response, "status_code", 0)
    message = f"slack {method}: {code or 'HTTP ' + str(status)}"
    label = code or str(status)
    if status == 429 or code == "ratelimited":
        return ChannelError(message, retry_after=retry_after(exc.response.headers), code=label)
    if code in NOT_UPDATABLE:
        return UpdateUnsupported(message, permanent=True, code=label)
    return ChannelError(message, permanent=code in PERMANENT, code=label)
