"""The compose service under a real container engine (podman and podman-compose, which
tools/compose/setup-engine.sh installs and .ci/run calls): the image built from the Dockerfile on
the local base, `podman-compose up` of docker-compose.yml as it is, healthy by its own check,
the API and the control API (with the token) through the mapped port, a write kept on the volume
across down and up, and a client container reaching the mock by its service name, as the
README's "your client" service does. Skipped, saying how, where no engine is installed.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from conftest import host_network_alone

ROOT = Path(__file__).resolve().parent.parent
BASE = os.environ.get("MOCK_ENSWITCH_TEST_BASE", "localhost/mock-enswitch-base:bookworm")
SERVICE = "mock-enswitch"
AUTH = "auth_username=acme-admin;auth_password=acme-admin-pass"


def engine_missing() -> str:
    """Why the test cannot run here ("" when it can)."""
    for tool in ("podman", "podman-compose"):
        if shutil.which(tool) is None:
            return f"no {tool}: run `sudo bash tools/compose/setup-engine.sh` (CI does)"
    found = subprocess.run(["podman", "image", "exists", BASE], capture_output=True)
    if found.returncode != 0:
        return f"no base image {BASE}: run `sudo bash tools/compose/setup-engine.sh` (CI does)"
    return ""


pytestmark = pytest.mark.skipif(bool(engine_missing()), reason=engine_missing() or "ready")


@pytest.fixture(autouse=True)
def not_beside_the_dashboard():
    """The engine's new interfaces make Chromium drop what it has in flight (conftest)."""
    with host_network_alone():
        yield


def compose_file() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


class Project:
    """docker-compose.yml under podman-compose, as a project of its own (its container,
    network and volume named after it), with what it printed kept for a failure's message."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.log: list[str] = []
        service = compose_file()["services"][SERVICE]
        self.image = service["image"]
        self.port = int(service["ports"][0].split(":")[0])
        self.token = service["environment"]["MOCK_ENSWITCH_CONTROL_TOKEN"]
        self.url = f"http://127.0.0.1:{self.port}"
        self.container = f"{name}_{SERVICE}_1"

    def run(self, *command: str, check: bool = True, timeout: float = 300) -> str:
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
        self.log.append(f"$ {' '.join(command)}\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
        if check and result.returncode != 0:
            pytest.fail(f"{' '.join(command)} failed:\n{self.output()}")
        return result.stdout

    def compose(self, *args: str) -> str:
        return self.run("podman-compose", "-p", self.name, *args)

    def output(self) -> str:
        logs = subprocess.run(["podman", "logs", self.container], capture_output=True, text=True)
        return "\n".join(self.log[-6:]) + f"\n--- {self.container} ---\n{logs.stdout}{logs.stderr}"

    def wait_healthy(self, timeout: float = 60) -> None:
        """Until the compose file's own health check passes (no systemd runs it here: it is run
        by hand, as `podman healthcheck run`)."""
        deadline = time.monotonic() + timeout
        while True:
            state = self.run(
                "podman", "inspect", "-f", "{{.State.Status}}", self.container, check=False
            ).strip()
            if state not in ("running", "created", "configured"):
                pytest.fail(f"{self.container} is {state or 'gone'}:\n{self.output()}")
            checked = subprocess.run(
                ["podman", "healthcheck", "run", self.container], capture_output=True
            )
            if state == "running" and checked.returncode == 0:
                return
            if time.monotonic() > deadline:
                pytest.fail(f"not healthy after {timeout:.0f} s:\n{self.output()}")
            time.sleep(0.5)

    def get(self, path: str, headers: dict | None = None) -> tuple[int, dict]:
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return reply.status, json.loads(reply.read())
        except urllib.error.HTTPError as error:
            with error:
                return error.code, json.loads(error.read() or b"{}")

    def teardown(self) -> None:
        self.run("podman-compose", "-p", self.name, "down", "-v", check=False)
        self.run("podman", "network", "rm", "-f", f"{self.name}_default", check=False)
        self.run("podman", "volume", "rm", "-f", f"{self.name}_mock-enswitch-data", check=False)


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_the_compose_service_under_a_real_engine():
    project = Project(f"mockenswitch{os.getpid()}")
    if not port_free(project.port):
        pytest.fail(f"port {project.port} is taken: the compose file maps it; free it first")
    began = time.monotonic()
    project.run(
        "podman", "build", "--format", "docker", "--build-arg", f"BASE={BASE}",
        "-t", project.image, str(ROOT), timeout=900,
    )  # fmt: skip
    built = time.monotonic()
    try:
        project.compose("up", "-d")
        project.wait_healthy()
        status, health = project.get("/_mock/health")
        assert status == 200 and health["status"] == "ok"
        status, groups = project.get(f"/api/json/recording/groups/list/?{AUTH}")
        assert groups["responses"][0]["code"] == "200", groups
        token = {"X-Mock-Enswitch-Token": project.token}
        status, journal = project.get("/_mock/requests", token)
        assert status == 200
        assert any(r["function"] == "recording/groups/list" for r in journal["requests"])
        assert project.get("/_mock/requests")[0] == 401  # bound to 0.0.0.0: the token
        status, _ = project.get("/_mock/requests", {**token, "Host": "evil.example:8080"})
        assert status == 403  # a DNS-rebinding name is refused
        status, made = project.get(f"/api/json/recording/groups/create/?{AUTH};name=kept")
        assert made["responses"][0]["code"] == "200", made

        project.compose("down")  # the volume stays
        project.compose("up", "-d")
        project.wait_healthy()
        status, groups = project.get(f"/api/json/recording/groups/list/?{AUTH}")
        assert "kept" in [g["name"] for g in groups["data"]], project.output()

        # The README's client: another container on the compose network, by service name.
        client = (
            "import json, os, urllib.request\n"
            "url = os.environ['ENSWITCH_URL'] + 'recording/groups/list/?" + AUTH + "'\n"
            "body = json.load(urllib.request.urlopen(url, timeout=10))\n"
            "assert 'kept' in [g['name'] for g in body['data']], body\n"
            "request = urllib.request.Request('http://mock-enswitch:8080/_mock/requests',\n"
            "    headers={'X-Mock-Enswitch-Token': os.environ['TOKEN']})\n"
            "assert json.load(urllib.request.urlopen(request, timeout=10))['requests']\n"
            "print('client ok')\n"
        )
        said = project.run(
            "podman", "run", "--rm", "--no-healthcheck", "--net", f"{project.name}_default",
            "-e", f"ENSWITCH_URL=http://{SERVICE}:8080/api/json/", "-e", f"TOKEN={project.token}",
            project.image, "python3", "-c", client,
        )  # fmt: skip
        assert "client ok" in said

        # Two jobs sharing the service, each in its own namespace, at the same time.
        job = (
            "import json, os, urllib.request\n"
            "base = os.environ['ENSWITCH_URL']\n"
            "def call(path):\n"
            "    return json.load(urllib.request.urlopen(base + path, timeout=10))\n"
            "call('recording/groups/create/?" + AUTH + ";name=' + os.environ['JOB'])\n"
            "names = [g['name'] for g in call('recording/groups/list/?" + AUTH + "')['data']]\n"
            "assert os.environ['JOB'] in names and os.environ['OTHER'] not in names, names\n"
            "assert 'kept' not in names, names\n"
            "print('job ok')\n"
        )
        jobs = [
            subprocess.Popen(
                [
                    "podman",
                    "run",
                    "--rm",
                    "--no-healthcheck",
                    "--net",
                    f"{project.name}_default",
                    "-e",
                    f"ENSWITCH_URL=http://{SERVICE}:8080/ns/{name}/api/json/",
                    "-e",
                    f"JOB={name}",
                    "-e",
                    f"OTHER={other}",
                    project.image,
                    "python3",
                    "-c",
                    job,
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )  # fmt: skip
            for name, other in (("job-a", "job-b"), ("job-b", "job-a"))
        ]
        for started in jobs:
            said, _ = started.communicate(timeout=120)
            assert started.returncode == 0 and "job ok" in said, said

        project.run("podman", "stop", "-t", "10", project.container)  # SIGTERM: a clean stop
        logs = subprocess.run(["podman", "logs", project.container], capture_output=True, text=True)
        assert "mock-enswitch stopped" in logs.stdout + logs.stderr
    finally:
        project.teardown()
    print(f"image build {built - began:.1f} s; compose checks {time.monotonic() - built:.1f} s")
