"""The compose service without a Docker engine: read docker-compose.yml and the Dockerfile, check
they agree, run the service's exact command with its environment, and run its declared health
check until it reports healthy.

Two values are changed, and only these: the port (a free one instead of 8080, so parallel test
workers never clash) and the database path (a temporary file instead of the /data volume). Both
are set through the same environment variables the container uses, so the command, the server's
reading of its environment, and the health check's reading of the port are what runs in Docker.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from live import free_port

from mock_enswitch.cli import main

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def compose_service() -> dict:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return compose["services"]["mock-enswitch"]


def dockerfile() -> dict[str, list[str]]:
    """Instruction -> arguments (continuation lines joined); ENV kept as one list of pairs."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    instructions: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, rest = line.partition(" ")
            instructions.setdefault(name.upper(), []).append(rest.strip())
    return instructions


def exec_form(text: str) -> list[str]:
    return yaml.safe_load(text)  # a JSON array is valid YAML


def docker_env() -> dict[str, str]:
    pairs = shlex.split(" ".join(dockerfile()["ENV"]))
    return dict(pair.split("=", 1) for pair in pairs)


def healthcheck_cmd() -> list[str]:
    line = dockerfile()["HEALTHCHECK"][0]
    return exec_form(line.split(" CMD ", 1)[1])


def seconds(text: str) -> float:
    return float(text.rstrip("s"))


def test_command_port_and_health_check_agree():
    service, docker = compose_service(), dockerfile()
    assert service["command"] == exec_form(docker["CMD"][0])
    kind, shell = service["healthcheck"]["test"]
    assert kind == "CMD-SHELL"  # the form every engine runs (tests/test_compose_engine.py)
    program, flag, code = shlex.split(shell)
    assert (program, flag, code) == ("python3", *healthcheck_cmd()[1:])
    port = service["environment"]["MOCK_ENSWITCH_PORT"]
    assert docker_env()["MOCK_ENSWITCH_PORT"] == port
    assert docker["EXPOSE"] == [port]
    assert service["ports"] == [f"{port}:{port}"]
    assert service["environment"]["MOCK_ENSWITCH_HOST"] == "0.0.0.0"
    db = service["environment"]["MOCK_ENSWITCH_DB"]
    assert any(db.startswith(volume.split(":")[1]) for volume in service["volumes"])
    assert "curl" not in " ".join(healthcheck_cmd())
    assert "USER" in docker  # not root


def test_the_declared_service_becomes_healthy(tmp_path):
    service = compose_service()
    env = {**os.environ, **docker_env(), **{k: str(v) for k, v in service["environment"].items()}}
    env["MOCK_ENSWITCH_PORT"] = str(free_port())
    env["MOCK_ENSWITCH_DB"] = str(tmp_path / "mock-enswitch.db.json")
    command = service["command"]
    command = [str(BIN / command[0]), *command[1:]]  # the console script of this environment
    check = service["healthcheck"]
    program, *rest = shlex.split(check["test"][1])  # CMD-SHELL: one shell line
    probe = [sys.executable if program.startswith("python") else program, *rest]
    budget = seconds(check["start_period"]) + check["retries"] * seconds(check["interval"])
    log = tmp_path / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + budget
            healthy = False
            while not healthy and time.monotonic() < deadline:
                result = subprocess.run(
                    probe, env=env, capture_output=True, timeout=seconds(check["timeout"]) + 5
                )
                healthy = result.returncode == 0
                if not healthy:
                    assert server.poll() is None, log.read_text()
                    time.sleep(0.2)
            assert healthy, log.read_text()
            # Bound to 0.0.0.0 with a token: health is open, the rest of /_mock/ is guarded.
            port = env["MOCK_ENSWITCH_PORT"]
            guarded = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import urllib.request; urllib.request.urlopen("
                    f"'http://127.0.0.1:{port}/_mock/faults', timeout=2)",
                ],
                capture_output=True,
                text=True,
            )
            assert "HTTP Error 401" in guarded.stderr
        finally:
            server.terminate()
            server.wait(timeout=10)
    assert server.returncode == 0
    assert (tmp_path / "mock-enswitch.db.json").exists()


@pytest.mark.parametrize("path", ["Dockerfile", "docker-compose.yml"])
def test_docker_files_name_only_options_that_exist(path):
    """Every MOCK_ENSWITCH_* variable the files mention is an option of `serve`."""
    help_text = CliRunner().invoke(main, ["serve", "--help"]).output
    names = set(re.findall(r"MOCK_ENSWITCH_([A-Z_]+)", (ROOT / path).read_text())) - {"OPTION"}
    assert names
    for name in names:
        option = "--" + name.lower().replace("_", "-")
        assert option in help_text, f"{path} sets MOCK_ENSWITCH_{name}, but serve has no {option}"
