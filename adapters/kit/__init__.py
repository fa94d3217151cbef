"""The adapter kit: the plumbing every platform adapter shares, written once.

- ``plumbing``: the inbound sink, background dispatch (``background``), closers run on stop;
- ``choices``: numbered choices (a reply "2" or a label clicks a button of the latest card);
- ``errors``: one setup error, ``Retry-After`` and transport failures as ``ChannelError``;
- ``tokens``: an access token cached until shortly before it expires, fetched once at a time;
- ``text``: clipping to a length or to a number of UTF-8 bytes;
- ``host``: what an adapter may ask of the app it attaches to;
- ``replay``: a signed nonce is believed once, with one body (the host keeps it);
- ``settings``: the base of every adapter's settings section.

What the core does for every channel is in the contract (``chat.channel.degrade``: a card
fitted to the channel's ``Capabilities``); which platforms exist is ``adapters.registry``.
"""
