"""Slack: Events API / interactivity over HTTP (or Socket Mode) in, Web API out.

Only translation lives here; the core never sees a Slack payload.

Addressing (``ConversationKey`` for Slack):
- a direct message: ``conversation=""`` and ``user=<Slack user id>``, the same key the core's
  ``address_of`` builds for proactive sends, so a DM and a card sent to that person share one
  dialog; the DM channel id (``D...``) is looked up with ``conversations.open`` and cached;
- a thread in a channel (an ``app_mention``, and clicks on cards posted there):
  ``conversation="<channel id>/<thread ts>"`` and ``thread=<thread ts>``. The thread ts is inside
  ``conversation`` so each thread is its own dialog (``lock_id`` ignores ``thread``).
- ``tenant`` is the Slack team id.

A Reject click (``...:reject``) opens a modal asking for the reason; its submission becomes the
click followed by the reason as a message, which the core's prompt flow already expects. When
the modal cannot be opened the click goes to the core at once and it asks in chat instead.

Requests are acknowledged as soon as they are parsed; the events go to the core in tracked
background tasks (awaited when the channel stops). Redeliveries keep their ``event_id`` and the
core's inbound dedupe drops them.
"""
