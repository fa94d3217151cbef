from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Esmbot = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ESMBOT_")}
    clean["ESMBOT_STORE__URL"] = f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}"
    return clean


@pytest.fixture
def esmbot(tmp_path: Path, env: dict[str, str]) -> Esmbot:
    """Run ``esmbot ARGS`` in a fresh folder, with ``stdin`` piped in."""

    def run(*args: str, stdin: str = "", extra_env: dict[str, str] | None = None,
            check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "bot.cli", *args], input=stdin, capture_output=True,
            text=True, cwd=tmp_path, env={**env, **(extra_env or {})}, timeout=120,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"esmbot {args} failed:\n{result.stdout}\n{result.stderr}")
        return result

    return run


def jsonl(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]
