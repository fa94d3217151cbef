"""WeCom (企业微信) self-built app: encrypted callbacks in, the qyapi API out.

Only translation lives here; the core never sees a WeCom payload.

Why aiohttp and not wechatpy's client: wechatpy's ``WeChatClient`` is synchronous (requests),
and a blocking call on the event loop would stall every other conversation, timer and callback
of the process, the 5-second callback deadline included. Running it in threads would work but
brings a thread pool, a second HTTP stack and wechatpy's own retry on token errors, which we
would have to keep in step with the outbox's retries. The few calls esmbot makes (``gettoken``,
``message/send``, ``message/update_template_card``, ``appchat/send``) are small JSON POSTs, so
they are made with aiohttp (``adapters.wecom.api``) and the base URL is configurable for tests
and proxies (wechatpy 1.8 hard-codes the ``gettoken`` URL). wechatpy is used for what it is
good at and what is easy to get subtly wrong: the callback crypto (``WeChatCrypto``: the
signature, AES-CBC with its 32-byte PKCS#7 padding, the CorpID check), which does no I/O.

Addressing (``ConversationKey`` for WeCom): a member is ``conversation=""``, ``user=<UserID>``
(the key ``address_of`` builds from ``wecom = "..."`` in the directory), ``tenant=<CorpID>``;
a group chat is ``conversation=<chatid>`` (an app group chat, ``appchat/send``).

Callbacks: ``GET /wecom/callback`` answers URL verification; ``POST`` is signature-checked,
decrypted, answered 200 with an empty body at once and handled in tracked background tasks
(awaited when the channel stops). Retries keep their event id (``MsgId``, or
``FromUserName:CreateTime`` plus the event's kind) and the core's inbound dedupe drops them.

Cards and their updates: a ``Card`` with buttons is a ``button_interaction`` template card with
a fresh ``task_id``; a click (``template_card_event``) becomes an ``ActionInvoked`` and leaves
its single-use ``ResponseCode`` with the channel; when the core updates the card, the channel
spends that code (or the one ``message/send`` returned, kept in the ``MessageRef``) on
``message/update_template_card`` with the whole new card. No passive reply is used: the core
decides in a turn that commits before anything is sent, and its card updates leave through the
outbox, so the HTTP answer would have to wait for the turn and the outbox to reach this card,
racing WeCom's 5-second deadline; and the passive ``update_button`` reply only renames the
clicked button, while the core's update says who decided, when, and what is left to do. With
no code left (72 h, one use each) the outbox sends the new version as a new message.
"""
