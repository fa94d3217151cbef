"""Reload without restart (issue 21): the admin adds a service while `esmbot serve` runs;
`esmbot reload` (or SIGHUP) brings it in, a broken file is refused and the running catalog
stays, and a second replica on the same PostgreSQL follows the same reload."""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.app import build_app
from bot.reload import ask_everyone, follow_reloads
from bot.services import utc_now
from bot.settings import Settings
from devtools.host import free_port
from dialogs.loader import demo_paths
from tests.cli.test_admin_cli import _own_catalog
from tests.pg import fresh_database

DEMO_SERVICES = len(list(demo_paths()[0].glob("*.toml")))
PARKING = "facilities.parking.toml"


def _catalog_without_parking(tmp_path: Path) -> tuple[Path, str]:
    folder = _own_catalog(tmp_path)
    parking = (folder / PARKING).read_text(encoding="utf-8")
    (folder / PARKING).unlink()
    return folder, parking


def _ready(port: int) -> dict[str, object]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as answer:
        loaded: dict[str, object] = json.loads(answer.read())
        return loaded


def _wait_for(check: Callable[[], bool], what: str) -> None:
    for _ in range(150):
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_running_server_takes_an_added_service_and_refuses_a_broken_one(
        tmp_path: Path, env: dict[str, str]) -> None:
    folder, parking = _catalog_without_parking(tmp_path)
    port = free_port()
    served = {**env, "ESMBOT_CATALOG__PATH": str(folder), "ESMBOT_SERVER__PORT": str(port),
              "ESMBOT_SERVER__RELOAD_POLL_SECONDS": "0.2"}

    def esmbot(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=tmp_path,
                              env=served, capture_output=True, text=True, timeout=120)

    server = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], cwd=tmp_path,
                              env=served, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: _ready(port)["services"] == DEMO_SERVICES, "the server")
        (folder / PARKING).write_text(parking, encoding="utf-8")
        assert esmbot("reload").returncode == 0
        _wait_for(lambda: _ready(port)["services"] == DEMO_SERVICES + 1, "the reload")

        (folder / "broken.toml").write_text("[service]\nid = 'x'\nnmae = 1\n", encoding="utf-8")
        refused = esmbot("reload")
        assert refused.returncode == 1 and "broken.toml" in refused.stdout
        assert "the running catalog stays" in refused.stderr

        server.send_signal(signal.SIGHUP)  # the server checks for itself, and refuses too
        _wait_for(lambda: _ready(port)["reload_generation"] == 2, "the SIGHUP")
        assert _ready(port)["services"] == DEMO_SERVICES + 1
        (folder / "broken.toml").unlink()
        shutil.copy(folder / PARKING, folder / "facilities.parking2.toml")
        second = folder / "facilities.parking2.toml"
        second.write_text(second.read_text(encoding="utf-8").replace(
            'id = "facilities.parking"', 'id = "facilities.parking2"'), encoding="utf-8")
        server.send_signal(signal.SIGHUP)
        _wait_for(lambda: _ready(port)["services"] == DEMO_SERVICES + 2, "the second SIGHUP")
        assert server.poll() is None  # SIGHUP never stops it
    finally:
        server.terminate()
        _, log = server.communicate(timeout=30)
    assert "reload refused, the running catalog stays" in log


@pytest.mark.parametrize("kind", ["postgresql"])
async def test_two_replicas_follow_one_reload(kind: str, tmp_path: Path) -> None:
    folder, parking = _catalog_without_parking(tmp_path)
    async with fresh_database(kind, tmp_path, migrated=True) as url:
        settings = Settings.model_validate({"store": {"url": url},
                                            "catalog": {"path": str(folder)}})
        one, two = await build_app(settings), await build_app(settings)
        try:
            (folder / PARKING).write_text(parking, encoding="utf-8")
            await ask_everyone(one.db, by="test", now=utc_now())
            assert await asyncio.gather(follow_reloads(one), follow_reloads(two)) == [True, True]
            for replica in (one, two):
                assert "facilities.parking" in replica.bundle.catalog.services
                assert replica.pipeline.services is replica.services
                match = replica.services.matcher.match("停车位")
                assert match and "facilities.parking" in str(match)
            assert await follow_reloads(one) is False  # nothing newer was asked for
        finally:
            await one.close()
            await two.close()
