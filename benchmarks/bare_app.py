"""The P1 baselines: a bare Flask endpoint that answers every /api/json/ call with the envelope a
successful create returns, served by waitress (8 threads, its default set-up: the goal's
reference) or by the mock's own server (uvicorn through the bridge, `make_server`).

    python benchmarks/bare_app.py PORT waitress|mock
"""

from __future__ import annotations

import sys

from flask import Flask

from mock_enswitch import Config
from mock_enswitch.server import make_server

BODY = {"responses": [{"code": "200", "key": "", "message": "OK"}], "data": {"id": 1}}
WAITRESS_THREADS = 8


def app() -> Flask:
    bare = Flask("bare")

    @bare.route("/api/json/<path:path>", methods=["GET", "POST"])
    def answer(path: str):
        return BODY

    return bare


def serve(port: int, server_name: str) -> None:
    if server_name == "waitress":
        from waitress.server import create_server

        server = create_server(app(), host="127.0.0.1", port=port, threads=WAITRESS_THREADS)
        print(f"ready on port {server.effective_port}", file=sys.stderr, flush=True)
        server.run()
    else:
        server = make_server(app(), Config(port=port))
        print(f"ready on port {server.effective_port}", file=sys.stderr, flush=True)
        server.run()


if __name__ == "__main__":
    serve(int(sys.argv[1]), sys.argv[2])
