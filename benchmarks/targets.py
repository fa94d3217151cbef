"""The servers under load, each in its own process, as they would run in production.

``esmbot`` is ``esmbot serve`` itself, configured only through ``ESMBOT_*`` environment
variables (Slack in HTTP mode, its Web API at the fake). Quiet hours are off, so that the
approvers' cards go out during the run whatever the time of day (otherwise they would wait as
``notice`` timers for the morning). The references run ``benchmarks.echo``.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from benchmarks.fake_slack import BOT_TOKEN
from devtools.host import children, free_port

SIGNING_SECRET = "bench-signing-secret"
START_LIMIT = 120.0


@dataclass
class Target:
    name: str  # esmbot | aiohttp | bolt
    store: str  # sqlite | postgresql | -
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    workers: int = 1

    @property
    def events_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    def cpu_seconds(self) -> float:
        """User + system CPU time the server's processes (with its workers) used so far."""
        return sum(_cpu_seconds(pid) for pid in self.pids())

    def rss_mb(self) -> float:
        return sum(_rss_mb(pid) for pid in self.pids())

    def pids(self) -> list[int]:
        """The server process and its children (``[server] workers`` > 1)."""
        return [self.process.pid, *children(self.process.pid)]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


async def start_esmbot(workdir: Path, api_url: str, store: str, store_url: str,
                       directory: Path, workers: int = 1, *, port: int | None = None,
                       extra_env: dict[str, str] | None = None, label: str = ""
                       ) -> Target:
    """``esmbot serve`` on ``port`` (default: a free one); ``extra_env`` adds or overrides
    settings, ``label`` names its log apart from earlier runs on the same port."""
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESMBOT_")}
    env.update({
        "ESMBOT_STORE__URL": store_url,
        "ESMBOT_SERVER__HOST": "127.0.0.1",
        "ESMBOT_SERVER__PORT": str(port),
        "ESMBOT_SERVER__WORKERS": str(workers),
        "ESMBOT_DIRECTORY__PATH": str(directory),
        "ESMBOT_POLICIES__QUIET_HOURS": "",
        "ESMBOT_SLACK__ENABLED": "true",
        "ESMBOT_SLACK__MODE": "http",
        "ESMBOT_SLACK__BOT_TOKEN": BOT_TOKEN,
        "ESMBOT_SLACK__SIGNING_SECRET": SIGNING_SECRET,
        "ESMBOT_SLACK__API_BASE_URL": api_url,
        **(extra_env or {}),
    })
    argv = [sys.executable, "-m", "bot.cli", "serve"]
    return await _start("esmbot", store, argv, port, workdir, env, "/healthz", workers, label)


async def start_echo(workdir: Path, api_url: str, kind: str, workers: int = 1) -> Target:
    port = free_port()
    argv = [sys.executable, "-m", "benchmarks.echo", kind, "--port", str(port),
            "--api-url", api_url, "--signing-secret", SIGNING_SECRET, "--workers", str(workers)]
    return await _start(kind, "-", argv, port, workdir, dict(os.environ), None, workers)


async def _start(name: str, store: str, argv: list[str], port: int, workdir: Path,
                 env: dict[str, str], health: str | None, workers: int, label: str = ""
                 ) -> Target:
    log = workdir / f"{name}-{store}-{port}{label}.log"
    env = {**env, "PYTHONPATH": _pythonpath(env)}
    with log.open("wb") as out:  # a file, never a pipe: a full pipe would stall the server
        process = subprocess.Popen(argv, cwd=workdir, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    target = Target(name, store, process, port, log, workers)
    try:
        await _wait_until_up(target, health)
        await _wait_for_workers(target)
    except BaseException:
        target.stop()
        raise
    return target


async def _wait_until_up(target: Target, health: str | None) -> None:
    deadline = time.monotonic() + START_LIMIT
    url = f"http://127.0.0.1:{target.port}{health or '/'}"
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if target.process.poll() is not None:
                raise RuntimeError(f"{target.name} exited at start:\n{_tail(target.log)}")
            try:
                async with session.get(url) as response:
                    if health is None or response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{target.name} did not come up in {START_LIMIT:.0f} s:\n"
                       f"{_tail(target.log)}")


async def _wait_for_workers(target: Target) -> None:
    """With workers, the port answers as soon as the first is up: wait for all of them."""
    if target.workers == 1:
        return
    deadline = time.monotonic() + START_LIMIT
    marker = "esmbot serving on" if target.name == "esmbot" else "serving on"
    while time.monotonic() < deadline:
        if target.log.read_text(errors="replace").count(marker) >= target.workers:
            return
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{target.name}: not all {target.workers} workers came up:\n"
                       f"{_tail(target.log)}")


def _tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def _pythonpath(env: dict[str, str]) -> str:
    """The project root first, so ``bot`` and ``benchmarks`` import from this checkout."""
    root = str(Path(__file__).resolve().parent.parent)
    rest = env.get("PYTHONPATH", "")
    return f"{root}{os.pathsep}{rest}" if rest else root


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # gone meanwhile
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0
