"""Only our workspace and our app: a signed request for another ``team_id`` or ``api_app_id``
is refused before any listener sees it.

The signing secret proves the request is Slack's, not that it is meant for us: an app
distributed to other workspaces, or one signing secret reused by two apps, brings their events
too. Our workspace is ``[slack] team_id`` or, when unset, the bot token's (bolt's
``auth.test``); our app is ``[slack] app_id``, checked when set. The team is bolt's reading of
the payload (``authorizations[0]`` first, as bolt does for shared channels). Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def foreign(body: Mapping[str, Any], request_team: str | None, our_team: str, our_app: str
            ) -> str | None:
    """Why the request is not for us, or None when it is."""
    if our_team and request_team != our_team:
        return f"team {str(request_team)[:20]!r} is not ours"
    app = body.get("api_app_id")
    if our_app and app != our_app:
        return f"api_app_id {str(app)[:20]!r} is not ours"
    return None
