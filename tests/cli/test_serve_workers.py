"""``[server] workers = 2``: a supervisor keeps two ``esmbot serve`` workers on one port."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devtools.host import children, free_port

DEADLINE = 60.0


@pytest.fixture
def supervisor(tmp_path: Path, env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[bytes],
                                                                      int, Path]]:
    port = free_port()
    log_path = tmp_path / "serve.log"
    settings = {"ESMBOT_SERVER__PORT": str(port), "ESMBOT_SERVER__WORKERS": "2"}
    with log_path.open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], cwd=tmp_path,
                                   env={**env, **settings}, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        yield process, port, log_path
    finally:
        for pid in children(process.pid):
            _signal(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
            process.wait()


def test_two_workers_answer_on_one_port_a_killed_one_comes_back_and_all_stop_on_sigterm(
    supervisor: tuple[subprocess.Popen[bytes], int, Path],
) -> None:
    process, port, log_path = supervisor
    log = lambda: log_path.read_text(errors="replace")  # noqa: E731
    _wait_for(lambda: log().count("esmbot serving on") == 2, log)
    workers = children(process.pid)
    assert len(workers) == 2
    assert all(_healthz(port) for _ in range(6))

    _signal(workers[0], signal.SIGKILL)
    _wait_for(lambda: len(children(process.pid)) == 2
              and workers[0] not in children(process.pid), log)
    # the supervisor's line may reach the shared log file a moment after the new worker runs
    _wait_for(lambda: "starting it again" in log(), log)
    assert f"(pid {workers[0]}) exited" in log()
    _wait_for(lambda: _healthz(port), log)

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=DEADLINE) == 0, log()
    assert children(process.pid) == []


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _healthz(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _wait_for(condition: Callable[[], bool], log: Callable[[], str]) -> None:
    give_up = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < give_up, "gave up waiting:\n" + log()[-4000:]
        time.sleep(0.1)
