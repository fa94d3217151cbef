"""The small, safe expression language of ``when`` conditions (never ``eval``).

    amount >= 1000 and model == 'pro'
    category in ['travel', 'meals'] or 'security' in requester.roles
    not gpu

``parse_expr`` reads the text into a tree (``dialogs.expr_syntax``), ``Expr.evaluate`` decides it
on the answers so far (``dialogs.expr_values``: forgiving, never raising), and ``check_types``
finds comparisons that can never make sense for the fields' types (``dialogs.expr_types``).
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from typing import Any

from dialogs.expr_syntax import (
    And,
    Compare,
    ExprError,
    ListOf,
    Literal,
    Name,
    Node,
    Not,
    Or,
    names_in,
    parse,
)
from dialogs.expr_types import type_errors
from dialogs.expr_values import compare, truthy

# The requester's attributes an expression may use, with their types for ``check_types``.
REQUESTER_NAMES: dict[str, str] = {
    "requester.id": "user",
    "requester.dept": "text",
    "requester.level": "number",
    "requester.roles": "list",
}

__all__ = ["REQUESTER_NAMES", "Expr", "ExprError", "check_types", "parse_expr"]


@dataclass(frozen=True)
class Expr:
    """A parsed ``when`` condition: its text, its tree and every name it uses."""

    source: str
    root: Node
    names: frozenset[str]

    def evaluate(self, env: Mapping[str, Any]) -> bool:
        """True when the condition holds; a name missing from ``env`` is None. Never raises."""
        return truthy(_value(self.root, env))

    def __str__(self) -> str:
        return self.source


def parse_expr(source: str) -> Expr:
    """Read ``source``; raises ``ExprError`` saying where and what was expected."""
    if not isinstance(source, str):
        raise ExprError(f"an expression must be a string, not {type(source).__name__}")
    root = parse(source)
    return Expr(source=source, root=root, names=names_in(root))


def check_types(
    expr: Expr, types: Mapping[str, str], options: Mapping[str, Set[str]] | None = None
) -> list[str]:
    """Type errors of ``expr`` given the type of each name (field types, plus ``list``) and the
    option values of choice fields; an empty list when it is fine."""
    return type_errors(expr.root, types, options)


def _value(node: Node, env: Mapping[str, Any]) -> Any:
    if isinstance(node, Name):
        return _lookup(env, node.name)
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, ListOf):
        return tuple(item.value for item in node.items)
    if isinstance(node, Not):
        return not truthy(_value(node.operand, env))
    if isinstance(node, And):
        return all(truthy(_value(operand, env)) for operand in node.operands)
    if isinstance(node, Or):
        return any(truthy(_value(operand, env)) for operand in node.operands)
    assert isinstance(node, Compare)
    return compare(node.op, _value(node.left, env), _value(node.right, env))


def _lookup(env: Mapping[str, Any], name: str) -> Any:
    """``env[name]``; a dotted name not in ``env`` is looked up through nested mappings."""
    if name in env:
        return env[name]
    head, _, rest = name.partition(".")
    value: Any = env.get(head) if rest else None
    for part in rest.split(".") if rest else ():
        value = value.get(part) if isinstance(value, Mapping) else None
    return value
