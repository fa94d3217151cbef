"""Backup and restore (issue 21): alice is halfway through an expense claim when the admin
takes a backup; restored elsewhere, the trail verifies and alice's conversation goes on."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import Esmbot, jsonl


def _asks(process: subprocess.Popen[str], line: str) -> dict[str, object]:
    """Send one line to a running `esmbot chat --jsonl` and read until it asks something."""
    assert process.stdin and process.stdout
    process.stdin.write(line + "\n")
    process.stdin.flush()
    while True:
        message = json.loads(process.stdout.readline())
        if message.get("asks"):
            return message


def test_a_backup_taken_mid_conversation_restores_and_goes_on(esmbot: Esmbot, tmp_path: Path,
                                                              env: dict[str, str]) -> None:
    esmbot("chat", "--jsonl", stdin="我要报销差旅费8000元\n2026-11-20\n北京出差\n提交\n")
    chat = subprocess.Popen([sys.executable, "-m", "bot.cli", "chat", "--jsonl"], cwd=tmp_path,
                            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert _asks(chat, "我要报销差旅费300元")["asks"] == "spent_on"
        taken = esmbot("backup", "backups/esmbot.db")  # while the chat is open
        assert "schema" in taken.stdout
    finally:
        assert chat.stdin
        chat.stdin.close()
        chat.wait(timeout=60)

    restored = {"ESMBOT_STORE__URL": f"sqlite+aiosqlite:///{tmp_path / 'restored.db'}"}
    esmbot("restore", "backups/esmbot.db", extra_env=restored)
    assert esmbot("audit", "verify", extra_env=restored).returncode == 0
    out = jsonl(esmbot("chat", "--jsonl", stdin="2026-11-21\n去客户那里\n提交\n",
                       extra_env=restored).stdout)
    assert any("REQ-2" in json.dumps(m, ensure_ascii=False) for m in out)
    with sqlite3.connect(tmp_path / "restored.db") as db:
        assert db.execute("SELECT count(*) FROM request").fetchone()[0] == 2


def test_restore_refuses_what_would_lose_data(esmbot: Esmbot, tmp_path: Path) -> None:
    esmbot("chat", "--jsonl", stdin="我要报销差旅费8000元\n2026-11-20\n北京出差\n提交\n")
    esmbot("backup", "first.db")
    again = esmbot("backup", "first.db", check=False)
    assert again.returncode == 1 and "exists" in again.stderr
    over = esmbot("restore", "first.db", check=False)
    assert over.returncode == 1 and "--force" in over.stderr
    (tmp_path / "junk.db").write_text("not a database", encoding="utf-8")
    junk = esmbot("restore", "junk.db", "--force", check=False)
    assert junk.returncode == 1 and "not a SQLite database" in junk.stderr
    assert esmbot("restore", "first.db", "--force").returncode == 0


def test_postgresql_is_pointed_at_its_own_tools(esmbot: Esmbot) -> None:
    result = esmbot("backup", "x.db", check=False,
                    extra_env={"ESMBOT_STORE__URL": "postgresql+asyncpg://u@localhost/db"})
    assert result.returncode == 1 and "pg_dump" in result.stderr
