"""Size and type checks an HTTP adapter makes on a signed body before it reads it. Pure.

A JSON body may nest deeper than any platform's payload (each level costs the parser and
every reader a frame) or carry arrays far larger than the platform ever sends; both are
refused here, walked without recursion. ``field_problem`` says which field the adapter reads
has the wrong type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MAX_DEPTH = 32  # the platforms' payloads nest about 10 deep
MAX_ITEMS = 1000  # items in any one array (a Slack message has at most 50 blocks)


def size_problem(body: Any, *, max_depth: int = MAX_DEPTH, max_items: int = MAX_ITEMS
                 ) -> str | None:
    """Too deep or too wide, or None."""
    stack = [(body, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > max_depth:
            return f"nested more than {max_depth} deep"
        if isinstance(value, list) and len(value) > max_items:
            return f"an array of more than {max_items} items"
        children = value.values() if isinstance(value, dict) else \
            value if isinstance(value, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return None


def field_problem(body: Mapping[str, Any], *, strings: tuple[str, ...] = (),
                  objects: tuple[str, ...] = (), lists: tuple[str, ...] = (),
                  numbers: tuple[str, ...] = ()) -> str | None:
    """A field present (and not null) has the type the adapter expects, or why not."""
    for names, kinds, label in ((strings, (str,), "a string"), (objects, (Mapping,), "an object"),
                                (lists, (list,), "an array"), (numbers, (int,), "an integer")):
        for name in names:
            value = body.get(name)
            if value is not None and (not isinstance(value, kinds) or isinstance(value, bool)):
                return f"{name} is not {label}"
    return None
