"""The P1 baselines: an endpoint that answers every /api/json/ call with the envelope a
successful create returns. A bare Flask one, served by waitress (8 threads, its default set-up)
or by the mock's own server (uvicorn through the bridge, `make_server`); and a raw ASGI one on
the mock's own server (the same protocol and ASGI app in front, no WSGI): the reference P1's
CPU goals are ratios to.

    python benchmarks/bare_app.py PORT waitress|mock|asgi
"""

from __future__ import annotations

import json
import sys

from flask import Flask

from mock_enswitch import Config
from mock_enswitch.server import make_server

BODY = {"responses": [{"code": "200", "key": "", "message": "OK"}], "data": {"id": 1}}
RAW = (json.dumps(BODY) + "\n").encode()
RAW_HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(RAW)).encode())]


async def raw_asgi(scope: dict, receive, send) -> None:
    """The ASGI endpoint: reads the body, answers the envelope's bytes."""
    more = True
    while more:
        more = (await receive()).get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": RAW_HEADERS})
    await send({"type": "http.response.body", "body": RAW})


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
    elif server_name == "asgi":
        server = make_server(app(), Config(port=port))
        server.live.http = raw_asgi
        print(f"ready on port {server.effective_port}", file=sys.stderr, flush=True)
        server.run()
    else:
        server = make_server(app(), Config(port=port))
        print(f"ready on port {server.effective_port}", file=sys.stderr, flush=True)
        server.run()


if __name__ == "__main__":
    serve(int(sys.argv[1]), sys.argv[2])
