"""The base of every adapter's settings section (``[slack]``, ``[wecom]``, ``[dingtalk]``).

Each adapter declares its section once, as a pydantic model in ``adapters/<x>/config.py``;
``bot.settings`` uses that model as the type of the section, and the adapter receives it as is.
Pydantic stays at this edge: an unknown key, a bad value or a missing secret stops start-up with
the key's name (``bot.settings`` words the error).
"""

from __future__ import annotations

from pydantic import AfterValidator, BaseModel, ConfigDict, SecretStr, ValidationInfo


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def base_url(example: str, *, slash: bool = False, drop: str = "") -> AfterValidator:
    """A platform's API base URL: http(s), ending in one ``/`` (``slash``) or none, without
    ``drop`` at its end; the error names an ``example``."""
    def check(value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError(f"use an http(s) URL such as {example}")
        if slash:
            return value if value.endswith("/") else value + "/"  # urljoin drops a last segment
        return value.rstrip("/").removesuffix(drop) if drop else value.rstrip("/")

    return AfterValidator(check)


def required_when_enabled(section: str, info: ValidationInfo, present: bool,
                          hint: str = "") -> None:
    """Refuse a missing value in an enabled section, naming where it may be set."""
    if present or not info.data.get("enabled"):
        return
    env = f"ESMBOT_{section.upper()}__{str(info.field_name).upper()}"
    raise ValueError(f"required when [{section}] enabled = true{hint} "
                     f"(set it here or in {env})")


def secret(value: SecretStr) -> str:
    return value.get_secret_value()


