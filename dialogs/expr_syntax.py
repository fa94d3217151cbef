"""The syntax of ``when`` expressions: tokens, the tree, and a recursive-descent parser.

Grammar (lowest precedence first)::

    expr       := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | comparison
    comparison := operand [("==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not" "in") operand]
    operand    := NAME | literal | "[" [literal ("," literal)* [","]] "]" | "(" expr ")"
    literal    := ["-"] NUMBER | STRING | "true" | "false"

Names are field ids or dotted names such as ``requester.dept``. Nothing is ever ``eval``-ed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import NoReturn

KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false"})
COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")
MAX_DEPTH = 64
_DIGITS = "0123456789"
_NAME_START = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"
_NAME_CHARS = _NAME_START + _DIGITS
_PUNCTUATION = ("==", "!=", "<=", ">=", "<", ">", "(", ")", "[", "]", ",", "-")
_HINTS = {"=": "use '==' to compare", "&": "use 'and'", "|": "use 'or'", "!": "use 'not'"}

LiteralValue = Decimal | str | bool


class ExprError(ValueError):
    """An expression that cannot be read; the message says where and what was expected."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position  # 1-based character position, when known


# --- the tree -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class Literal:
    value: LiteralValue


@dataclass(frozen=True)
class ListOf:
    items: tuple[Literal, ...]


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Compare:
    op: str  # one of COMPARISONS, "in" or "not in"
    left: Node
    right: Node


Node = Name | Literal | ListOf | Not | And | Or | Compare


def names_in(node: Node) -> frozenset[str]:
    """Every name the tree refers to."""
    if isinstance(node, Name):
        return frozenset({node.name})
    if isinstance(node, Not):
        return names_in(node.operand)
    if isinstance(node, And | Or):
        return frozenset().union(*(names_in(n) for n in node.operands))
    if isinstance(node, Compare):
        return names_in(node.left) | names_in(node.right)
    return frozenset()


# --- tokens -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # "number", "string", "name", "keyword", "op" or "end"
    text: str
    position: int  # 1-based
    value: LiteralValue | None = None

    def describe(self) -> str:
        return "the end of the expression" if self.kind == "end" else repr(self.text)


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    index = 0
    while index < len(source):
        char = source[index]
        if char.isspace():
            index += 1
        elif char in _DIGITS:
            index = _read_number(source, index, tokens)
        elif char in "'\"":
            index = _read_string(source, index, tokens)
        elif char in _NAME_START:
            index = _read_name(source, index, tokens)
        else:
            index = _read_punctuation(source, index, tokens)
    tokens.append(Token("end", "", len(source) + 1))
    return tokens


def _read_number(source: str, start: int, tokens: list[Token]) -> int:
    end = _skip(source, start, _DIGITS)
    if end + 1 < len(source) and source[end] == "." and source[end + 1] in _DIGITS:
        end = _skip(source, end + 1, _DIGITS)
    if end < len(source) and source[end] in _NAME_CHARS + ".":
        raise ExprError(f"at position {start + 1}: malformed number", start + 1)
    text = source[start:end]
    tokens.append(Token("number", text, start + 1, Decimal(text)))
    return end


def _read_string(source: str, start: int, tokens: list[Token]) -> int:
    quote, chars, index = source[start], [], start + 1
    while index < len(source):
        char = source[index]
        if char == "\\" and index + 1 < len(source):
            chars.append(source[index + 1])
            index += 2
        elif char == quote:
            text = source[start : index + 1]
            tokens.append(Token("string", text, start + 1, "".join(chars)))
            return index + 1
        else:
            chars.append(char)
            index += 1
    raise ExprError(f"at position {start + 1}: the string has no closing {quote}", start + 1)


def _read_name(source: str, start: int, tokens: list[Token]) -> int:
    end = _skip(source, start, _NAME_CHARS)
    while end + 1 < len(source) and source[end] == "." and source[end + 1] in _NAME_START:
        end = _skip(source, end + 1, _NAME_CHARS)
    text = source[start:end]
    if text in KEYWORDS:
        value = {"true": True, "false": False}.get(text)
        tokens.append(Token("keyword", text, start + 1, value))
    else:
        tokens.append(Token("name", text, start + 1))
    return end


def _read_punctuation(source: str, start: int, tokens: list[Token]) -> int:
    for op in _PUNCTUATION:
        if source.startswith(op, start):
            tokens.append(Token("op", op, start + 1))
            return start + len(op)
    char = source[start]
    hint = f" ({_HINTS[char]})" if char in _HINTS else ""
    raise ExprError(f"at position {start + 1}: unexpected character {char!r}{hint}", start + 1)


def _skip(source: str, index: int, allowed: str) -> int:
    while index < len(source) and source[index] in allowed:
        index += 1
    return index


# --- the parser ---------------------------------------------------------------------------


def parse(source: str) -> Node:
    """The tree of ``source``; raises ``ExprError`` naming the position and what was expected."""
    if not source.strip():
        raise ExprError("the expression is empty", 1)
    parser = _Parser(tokenize(source))
    node = parser.or_expr()
    token = parser.peek()
    if token.kind != "end":
        chained = " (comparisons cannot be chained; use 'and')" if token.text in COMPARISONS else ""
        parser.fail("'and', 'or' or the end of the expression", token, chained)
    return node


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def take(self) -> Token:
        token = self.peek()
        self.index += 1
        return token

    def is_(self, kind: str, text: str) -> bool:
        token = self.peek()
        return token.kind == kind and token.text == text

    def fail(self, expected: str, token: Token, hint: str = "") -> NoReturn:
        raise ExprError(
            f"at position {token.position}: expected {expected}, "
            f"but found {token.describe()}{hint}",
            token.position,
        )

    def nest(self, token: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError(f"at position {token.position}: the expression is nested too deeply",
                            token.position)

    def or_expr(self) -> Node:
        operands = [self.and_expr()]
        while self.is_("keyword", "or"):
            self.take()
            operands.append(self.and_expr())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def and_expr(self) -> Node:
        operands = [self.not_expr()]
        while self.is_("keyword", "and"):
            self.take()
            operands.append(self.not_expr())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def not_expr(self) -> Node:
        if self.is_("keyword", "not"):
            token = self.take()
            self.nest(token)
            node = Not(self.not_expr())
            self.depth -= 1
            return node
        return self.comparison()

    def comparison(self) -> Node:
        left = self.operand()
        token = self.peek()
        if token.kind == "op" and token.text in COMPARISONS:
            self.take()
            return Compare(token.text, left, self.operand())
        if self.is_("keyword", "in"):
            self.take()
            return Compare("in", left, self.operand())
        if self.is_("keyword", "not") and self.peek(1).text == "in":
            self.index += 2
            return Compare("not in", left, self.operand())
        return left

    def operand(self) -> Node:
        token = self.peek()
        if token.kind == "name":
            self.take()
            return Name(token.text)
        if self.is_("op", "("):
            return self.parenthesized()
        if self.is_("op", "["):
            return self.list_of()
        return self.literal()

    def parenthesized(self) -> Node:
        opening = self.take()
        self.nest(opening)
        node = self.or_expr()
        if not self.is_("op", ")"):
            self.fail(f"')' to close the '(' at position {opening.position}", self.peek())
        self.take()
        self.depth -= 1
        return node

    def list_of(self) -> ListOf:
        opening = self.take()
        items: list[Literal] = []
        while not self.is_("op", "]"):
            items.append(self.literal("a value in the list or ']'"))
            if self.is_("op", ","):
                self.take()
            elif not self.is_("op", "]"):
                self.fail(f"',' or ']' to close the '[' at position {opening.position}",
                          self.peek())
        self.take()
        return ListOf(tuple(items))

    def literal(self, expected: str = "") -> Literal:
        expected = expected or "a value (a field name, a number, a 'string', true, false or a list)"
        token = self.peek()
        if token.kind in ("number", "string") or token.text in ("true", "false"):
            self.take()
            assert token.value is not None
            return Literal(token.value)
        if self.is_("op", "-") and self.peek(1).kind == "number":
            self.take()
            number = self.take().value
            assert isinstance(number, Decimal)
            return Literal(-number)
        self.fail(expected, token)
