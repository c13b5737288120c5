"""The P1 baseline: a bare Flask endpoint that answers every /api/json/ call with the envelope a
successful create returns, served by the same waitress set-up as the mock (`make_server`)."""

from __future__ import annotations

import sys

from flask import Flask

from mock_enswitch import Config
from mock_enswitch.server import make_server

BODY = {"responses": [{"code": "200", "key": "", "message": "OK"}], "data": {"id": 1}}


def app() -> Flask:
    bare = Flask("bare")

    @bare.route("/api/json/<path:path>", methods=["GET", "POST"])
    def answer(path: str):
        return BODY

    return bare


if __name__ == "__main__":
    server = make_server(app(), Config(port=int(sys.argv[1]), threads=int(sys.argv[2])))
    print(f"ready on port {server.effective_port}", file=sys.stderr, flush=True)
    server.run()
