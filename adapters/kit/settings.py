"""The base of every adapter's settings section (``[slack]``, ``[wecom]``, ``[dingtalk]``).

Each adapter declares its section once, as a pydantic model in ``adapters/<x>/config.py``;
``bot.settings`` uses that model as the type of the section, and the adapter receives it as is.
Pydantic stays at this edge: an unknown key, a bad value or a missing secret stops start-up with
the key's name (``bot.settings`` words the error).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, SecretStr


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def http_url(value: str, example: str) -> str:
    """``value`` when it is an http(s) URL; else the error names an ``example``."""
    if not value.startswith(("https://", "http://")):
        raise ValueError(f"use an http(s) URL such as {example}")
    return value


def secret(value: SecretStr) -> str:
    return value.get_secret_value()
