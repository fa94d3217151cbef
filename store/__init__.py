"""The store: tables, migrations, the async engine, the unit of work and the repositories.

Open it with ``await Database.open(url)`` (``store.db``); change things inside
``async with db.unit_of_work() as uow:`` through the repository modules (``store.requests``,
``store.dialogs``, ``store.inbound``, ``store.outbox``, ``store.audit``, ``store.console_inbox``),
which take ``uow.session`` first and never commit.
"""
