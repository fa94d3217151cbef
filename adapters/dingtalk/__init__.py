"""DingTalk (钉钉): an enterprise-internal app robot. Stream mode (or HTTP) in; OpenAPI and
sessionWebhooks out. Only translation lives here; the core never sees a DingTalk payload.

Decision: esmbot speaks the stream protocol itself (``stream``: aiohttp WebSocket client) and
does not use the dingtalk-stream SDK (0.24.3). The SDK makes blocking ``requests`` calls inside
the event loop (opening the connection, the token, replies, cards), so one slow DingTalk call
stalls every turn and the outbox; its ``start()`` swallows ``CancelledError`` and reconnects
forever, so it cannot be stopped with the bot; it reconnects with no backoff; it reads its
endpoint from the environment at import time. Isolating it in a thread would still leave an
unstoppable loop and a thread hop per event. The protocol is small and documented (open a
connection with clientId/clientSecret/subscriptions -> endpoint + ticket; WebSocket; ACK
every frame with its messageId; echo SYSTEM pings; reconnect on ``disconnect``), aiohttp is
already here, the OpenAPI base URL comes from settings, and tests can fake the gateway in the
test's own event loop. Revisit when an SDK release can be cancelled and is non-blocking.

Addressing (``ConversationKey``; tenant always "", one organisation per robot):
- one-to-one robot chat: ``conversation="" user=<staff id>`` (``senderStaffId``), the key the
  core's ``address_of`` builds from the directory's ``dingtalk`` id;
- a group where the robot was @mentioned: ``conversation=<openConversationId>``, and the
  answer goes to that group. A group card (``chat = { dingtalk = "cid..." }``) clicked there
  is answered there too.
- the event id of a message is its ``msgId`` (a redelivery keeps it: the core's inbound dedupe
  drops it); of a card click ``card:<stream messageId>``.

Sending: texts go through the conversation's ``sessionWebhook`` while it is valid (no token,
@-notifies the sender in a group), else ``oToMessages/batchSend`` (one-to-one) or
``groupMessages/send`` (group), ``msgParam`` a JSON string. The access token is cached and
refreshed on expiry or 401. 429 / QpsLimit -> ``ChannelError(retry_after)`` for the outbox.

Buttons, decision: with ``card_template_id`` cards are interactive cards
(``createAndDeliver``, ``callbackType`` STREAM); clicks arrive on the card-callback topic and
are acknowledged at once with an empty answer; the core decides, and changed cards are
updated with ``PUT /v1.0/card/instances`` through the outbox (so a refused click changes
nothing). Without a template, cards are markdown messages with numbered choices ("回复数字选择:
1 同意 · 2 驳回"); the person replies with the number or the label, and the adapter maps it to
that button of the latest card in the conversation (like the console). Not ActionCard buttons:
they only open URLs, and the ``dtmd://dingtalkclient/sendMessage`` trick is undocumented,
sends text that would be ambiguous for an older card, and in a group the text lacks the
@mention so it never reaches the robot. A Reject click is answered by the core asking for the
reason in chat (DingTalk has no modal).
"""
