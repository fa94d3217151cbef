"""Rows built from what was just written, without SQLModel's constructor.

A row the store inserted with a Core statement is put in the session as if it had been read:
``loaded`` builds it the way the ORM builds a row it loads (the class's ``__new__``, then the
column values straight into the instance's dict), which costs a fraction of ``Model(**values)``
(that one walks pydantic's fields and sets each through the instrumented ``__setattr__``).
Every column gets a value: one not given takes the model's default, so nothing is left
expired to be loaded later.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import configure_mappers, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state
from sqlmodel import SQLModel

Row = TypeVar("Row", bound=SQLModel)
_DEFAULTS: dict[type, tuple[Any, tuple[tuple[str, Callable[[], Any]], ...]]] = {}


def built(cls: type[Row], values: dict[str, Any]) -> Row:
    """A transient ``cls`` row with ``values`` (the model's defaults for the other columns)."""
    spec = _DEFAULTS.get(cls)
    if spec is None:
        spec = _DEFAULTS[cls] = _spec(cls)
    manager, defaults = spec
    row: Row = manager.new_instance()
    state = instance_state(row).dict
    for name, default in defaults:
        state[name] = values[name] if name in values else default()
    return row


def loaded(session: AsyncSession, cls: type[Row], values: dict[str, Any]) -> Row:
    """A ``cls`` row with ``values`` (including its primary key), in the session as if read."""
    row = built(cls, values)
    make_transient_to_detached(row)
    session.add(row)
    return row


def _spec(cls: type[SQLModel]) -> tuple[Any, tuple[tuple[str, Callable[[], Any]], ...]]:
    configure_mappers()  # a row built before any query still gets instrumented attributes
    mapper = inspect(cls)
    defaults = []
    for attribute in mapper.column_attrs:
        field = cls.model_fields[attribute.key]
        defaults.append((attribute.key, _default_of(cls, attribute.key, field)))
    return mapper.class_manager, tuple(defaults)


def _default_of(cls: type, name: str, field: Any) -> Callable[[], Any]:
    if field.is_required():
        def missing() -> Any:
            raise TypeError(f"{cls.__name__}.{name} needs a value")
        return missing
    if field.default_factory is not None:
        return field.default_factory
    value = field.get_default()
    return lambda: value
