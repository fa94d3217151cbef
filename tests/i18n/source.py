"""The project's own Python source, read as syntax trees: its string literals and say() calls."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE_PACKAGES = ("bot", "chat", "org", "dialogs", "store", "scheduler")
ADAPTER_PACKAGES = ("adapters",)


@dataclass(frozen=True)
class Literal:
    """One string literal of the code (docstrings and other bare strings left out)."""

    path: str  # relative to the repository, e.g. "bot/views.py"
    line: int
    text: str


TEMPLATE_FOLDERS = ("bot/console/templates",)
_TEMPLATE_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']""")


def template_keys() -> Iterator[tuple[str, str]]:
    """(path, key) for every ``t("key")`` of the web console's templates."""
    for folder in TEMPLATE_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.html")):
            for key in _TEMPLATE_KEY.findall(path.read_text(encoding="utf-8")):
                yield path.relative_to(ROOT).as_posix(), key


def python_files(packages: tuple[str, ...]) -> list[Path]:
    return sorted(p for package in packages for p in (ROOT / package).rglob("*.py"))


@cache
def tree_of(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def literals(packages: tuple[str, ...]) -> Iterator[Literal]:
    for path in python_files(packages):
        tree = tree_of(path)
        bare = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and id(node) not in bare:
                yield Literal(path.relative_to(ROOT).as_posix(), node.lineno, node.value)


def say_calls(packages: tuple[str, ...]) -> Iterator[tuple[str, ast.Call]]:
    """Every ``say(key, locale, ...)`` call (the function imported from chat.i18n)."""
    for path in python_files(packages):
        for node in ast.walk(tree_of(path)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id == "say" and node.args:
                yield path.relative_to(ROOT).as_posix(), node


def key_mappings(packages: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """(path, key) for each value of a ``..._KEYS = {...}`` dict: keys chosen by a state."""
    for path in python_files(packages):
        for node in ast.walk(tree_of(path)):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict) \
                    and any(isinstance(t, ast.Name) and t.id.endswith("_KEYS")
                            for t in node.targets):
                for value in node.value.values:
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        yield path.relative_to(ROOT).as_posix(), value.value
