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
- a person the directory knows only by ``email`` (no ``slack`` id) is addressed by that email
  (``user=<email>``): sends resolve it with ``users.lookupByEmail``, and events from a Slack user
  the directory does not know are looked up with ``users.info`` and, if their email is such a
  person's, carry that email as ``user``, so both directions meet in one key.

A click on a button that needs a reason (``Button(needs_reason=True)``, e.g. Reject; its Slack
``action_id`` carries a mark, see ``action_ids``) opens a modal asking for the reason; its
submission becomes the click again with the reason as its ``text``, so the core decides without
asking. When the modal cannot be opened the click goes to the core at once and it asks in chat
instead.

Requests are acknowledged as soon as they are parsed; the events go to the core in tracked
background tasks (awaited when the channel stops). Redeliveries keep their ``event_id`` and the
core's inbound dedupe drops them.
"""
