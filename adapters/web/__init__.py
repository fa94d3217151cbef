"""The web console's chat panel (``/console/chat``): a channel over a WebSocket.

Only translation lives here; the core never sees a frame. The page (``bot/console/static/
chat.js``) speaks JSON frames over ``/console/ws``, whose route (``bot/console/chat.py``)
authenticates the person by their console session and hands the socket over
(``adapters.web.socket.serve``) with their directory id.

Addressing (``ConversationKey`` for web): ``conversation=""``, ``user=<directory person id>``,
``tenant=""``: the same key ``address_of`` builds, so a reply and a proactive card share one
dialog. There are no group chats on web.

Frames from the page: ``{"type": "say", "id": ..., "text": ...}`` and ``{"type": "click",
"id": ..., "action_id": ..., "value": ..., "message": <the card's id>}``; answered with
``{"type": "taken"|"refused", "id": ...}``. Frames to the page: ``{"type": "message"|"update",
"id": <message id>, "message": <chat.replies.message_to_dict>}``.

What cannot reach an open socket is kept in the host's mailbox until the person connects;
one process holds the sockets (several replicas: a person's messages go to the process that
sends them, and wait in the mailbox when their socket is on another one until they reconnect).
"""
