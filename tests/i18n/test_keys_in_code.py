"""Keys and code agree: every key is used, every key the code names exists, none is built."""

from __future__ import annotations

import ast

from chat import i18n
from tests.i18n.source import (
    ADAPTER_PACKAGES,
    CORE_PACKAGES,
    key_mappings,
    literals,
    say_calls,
    template_keys,
)

PACKAGES = (*CORE_PACKAGES, *ADAPTER_PACKAGES)


def _named_keys(node: ast.expr) -> list[str] | None:
    """The keys a say() call's first argument can be, or None when it is computed elsewhere."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _named_keys(node.body), _named_keys(node.orelse)
        return None if body is None or orelse is None else [*body, *orelse]
    return None


def test_every_key_is_used_somewhere_in_code() -> None:
    written = {literal.text for literal in literals(PACKAGES) if literal.path != "chat/i18n.py"}
    written |= {key for _path, key in template_keys()}  # the console's t("web.…")
    assert sorted(i18n.keys() - written) == []


def test_every_key_named_in_code_exists() -> None:
    named = [(path, call.lineno, key) for path, call in say_calls(PACKAGES)
             for key in _named_keys(call.args[0]) or []]
    named += [(path, 0, key) for path, key in key_mappings(PACKAGES)]
    named += [(path, 0, key) for path, key in template_keys()]
    assert named, "found no say() call: is the scan looking at the right folders?"
    known = i18n.keys()
    assert [n for n in named if n[2] not in known] == []


def test_no_key_is_built_at_run_time() -> None:
    """f"apr.seat_{state}" defeats the checks above: map states to written-out keys instead."""
    built = [(path, call.lineno) for path, call in say_calls(PACKAGES)
             if isinstance(call.args[0], ast.JoinedStr | ast.BinOp)
             or (isinstance(call.args[0], ast.Call)
                 and isinstance(call.args[0].func, ast.Attribute)
                 and call.args[0].func.attr in ("format", "join"))]
    assert built == []
