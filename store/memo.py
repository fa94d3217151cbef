"""Values a repository remembers for the rest of the session's current transaction.

A turn is one transaction, and some things need reading only once in it: the head of the audit
chain (the turn holds the append lock from its first append on, so nobody else moves it), or a
request row the turn already has. A memo is tied to the innermost transaction it was written
in: after a commit, a rollback, or a savepoint begun or ended, it is gone, and the repository
reads the database again. Before the session has begun a transaction nothing is remembered.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction


def recall(session: AsyncSession, name: str) -> Any | None:
    """What ``remember`` stored under ``name`` in this very transaction, else None (and a
    memo of an earlier transaction is dropped, so the rows it held are let go)."""
    return recall_in(session.sync_session, name)


def recall_in(sync: Session, name: str) -> Any | None:
    """``recall`` given the synchronous session (as a session event hook is)."""
    found = sync.info.get(name)
    if found is None:
        return None
    transaction = sync.get_nested_transaction() or sync.get_transaction()
    if transaction is None or found[0] is not transaction:
        del sync.info[name]
        return None
    return found[1]


def remember(session: AsyncSession, name: str, value: Any) -> None:
    """Keep ``value`` under ``name`` until the current transaction ends (or a savepoint
    begins or ends); does nothing outside a transaction."""
    transaction = _current(session)
    if transaction is not None:
        session.info[name] = (transaction, value)  # a strong reference: ``is`` stays sound


def _current(session: AsyncSession) -> SessionTransaction | None:
    sync = session.sync_session
    return sync.get_nested_transaction() or sync.get_transaction()
