"""Deploying esmbot (issue 21): the Dockerfile's own commands install and start it in a clean
virtual environment, the compose file and the env example name only settings that exist, the
systemd unit is one systemd accepts. No container engine can pull images here, so the image is
tested through the commands it runs."""

from __future__ import annotations

import configparser
import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
import venv
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from bot.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
ALLOWED_OTHER_RUNS = ("useradd ",)  # what the test cannot do without root in an image


@dataclass(frozen=True)
class Instruction:
    keyword: str
    argument: str


def instructions(path: Path) -> list[Instruction]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    joined, parts = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not parts and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            parts.append(line.rstrip()[:-1].strip())
            continue
        joined.append(" ".join([*parts, line.strip()]))
        parts = []
    return [Instruction(*[*text.split(None, 1), ""][:2]) for text in joined]


def dockerfile_env(steps: list[Instruction]) -> dict[str, str]:
    env: dict[str, str] = {}
    for step in steps:
        if step.keyword == "ENV":
            for pair in shlex.split(step.argument):
                key, _, value = pair.partition("=")
                env[key] = value
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Instruction]]:
    """The Dockerfile's COPY sources staged and its `pip install` RUNs done in a fresh venv."""
    steps = instructions(ROOT / "Dockerfile")
    stage = tmp_path_factory.mktemp("image")
    env_dir = tmp_path_factory.mktemp("venv") / "esmbot"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ESMBOT_", "VIRTUAL"))}
    clean["PATH"] = f"{bin_dir}{os.pathsep}{clean.get('PATH', '')}"
    for step in steps:
        if step.keyword == "COPY":
            *sources, _ = step.argument.split()
            for source in sources:
                origin = ROOT / source
                if origin.is_dir():
                    shutil.copytree(origin, stage / source, ignore=shutil.ignore_patterns(
                        "__pycache__"))
                else:
                    shutil.copy(origin, stage / source)
        elif step.keyword == "RUN":
            if step.argument.startswith(ALLOWED_OTHER_RUNS):
                continue
            assert step.argument.startswith("pip install "), step.argument
            subprocess.run(shlex.split(step.argument), cwd=stage, env=clean, check=True,
                           capture_output=True, timeout=600)
    return bin_dir, steps


def test_the_image_starts_and_its_healthcheck_passes(image: tuple[Path, list[Instruction]],
                                                     tmp_path: Path) -> None:
    bin_dir, steps = image
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESMBOT_")}
    env.update(dockerfile_env(steps))
    assert env["ESMBOT_SERVER__HOST"] == "0.0.0.0"  # reachable from outside the container
    port = str(free_port())
    env.update(PATH=f"{bin_dir}{os.pathsep}{env['PATH']}", ESMBOT_SERVER__PORT=port,
               ESMBOT_SERVER__HOST="127.0.0.1",
               ESMBOT_STORE__URL=f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}")
    command = next(s for s in steps if s.keyword == "CMD").argument
    healthcheck = next(s for s in steps if s.keyword == "HEALTHCHECK").argument
    probe = shlex.split(healthcheck.split(" CMD ", 1)[1])
    server = subprocess.Popen(yaml.safe_load(command), cwd=tmp_path, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        healthy = False
        for _ in range(100):
            if subprocess.run(probe, env=env, capture_output=True).returncode == 0:
                healthy = True
                break
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            time.sleep(0.2)
        assert healthy
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_image_runs_as_a_user_of_its_own(image: tuple[Path, list[Instruction]]) -> None:
    _, steps = image
    users = [s.argument for s in steps if s.keyword == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert "--require-hashes -r requirements.lock" in " ".join(
        s.argument for s in steps if s.keyword == "RUN")


def test_the_readme_installs_a_plain_host_the_way_the_image_does() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    runs = [s.argument for s in instructions(ROOT / "Dockerfile") if s.keyword == "RUN"
            and s.argument.startswith("pip install")]
    for run in runs:
        assert run.removeprefix("pip install ") in readme, run


def _settings_keys() -> set[str]:
    keys = set()
    for section, field in Settings.model_fields.items():
        model = field.annotation
        for key in getattr(model, "model_fields", {}):
            keys.add(f"ESMBOT_{section.upper()}__{key.upper()}")
    return keys


def _env_example() -> dict[str, str]:
    lines = (ROOT / "deploy" / "esmbot.env.example").read_text(encoding="utf-8").splitlines()
    pairs = [line.split("=", 1) for line in lines if line and not line.startswith("#")]
    return {key: value for key, value in pairs}


def test_the_env_example_names_only_settings_and_loads() -> None:
    example = _env_example()
    assert set(example) <= _settings_keys(), set(example) - _settings_keys()
    settings = load_settings(None, example)
    assert settings.catalog.path == "/etc/esmbot/org/catalog"
    commented = [line.lstrip("# ").split("=", 1)[0] for line in
                 (ROOT / "deploy" / "esmbot.env.example").read_text("utf-8").splitlines()
                 if line.startswith("# ESMBOT_")]
    assert set(commented) <= _settings_keys(), set(commented) - _settings_keys()


def test_the_compose_file_runs_esmbot_on_postgresql_15() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    db, bot = compose["services"]["db"], compose["services"]["esmbot"]
    assert db["image"] == "postgres:15" and "pgdata" in compose["volumes"]
    assert bot["build"] == "." and bot["env_file"] == "esmbot.env"
    assert set(bot["environment"]) <= _settings_keys()
    assert bot["environment"]["ESMBOT_STORE__URL"].startswith("postgresql+asyncpg://")
    assert all(port.startswith("127.0.0.1:") for port in bot["ports"])


def test_the_systemd_unit_is_one_systemd_accepts(tmp_path: Path) -> None:
    unit = (ROOT / "deploy" / "esmbot.service").read_text(encoding="utf-8")
    parsed = configparser.ConfigParser(strict=True, interpolation=None)
    parsed.read_string(unit)
    service = parsed["Service"]
    assert service["User"] == "esmbot" and service["EnvironmentFile"] == "/etc/esmbot/esmbot.env"
    assert service["ExecStart"].endswith("/esmbot serve")
    assert "ExecReload" not in service  # until esmbot handles SIGHUP, which would kill it
    analyze = shutil.which("systemd-analyze")
    if analyze:  # where systemd is installed, it checks the unit itself
        local = tmp_path / "esmbot.service"
        local.write_text(unit.replace("/opt/esmbot/bin/esmbot", str(Path(sys.executable)
                                                                     .with_name("esmbot"))),
                         encoding="utf-8")
        checked = subprocess.run([analyze, "verify", str(local)], capture_output=True,
                                 text=True)
        assert checked.returncode == 0, checked.stderr
