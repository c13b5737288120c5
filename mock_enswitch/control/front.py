"""The front doors, `/` and `/_mock`: where a newcomer who opens the mock's address lands. A small
page (HTML for a browser, JSON for anything that does not ask for HTML first) with the version
and the ways in, instead of Werkzeug's "The requested URL was not found". Unguarded, like
health: it tells nothing the addresses it links to do not."""

from __future__ import annotations

from functools import cache
from html import escape
from importlib.metadata import PackageNotFoundError, version

from flask import Blueprint, Response, jsonify, request

from ..surfaces import API_ROOT, CONTROL_ROOT
from .views import service

blueprint = Blueprint("front", __name__)


@cache
def package_version() -> str:
    try:
        return version("mock-enswitch")
    except PackageNotFoundError:  # run from a source tree without an install
        return "unknown"


@blueprint.get("/")
@blueprint.get(CONTROL_ROOT)
@blueprint.get(CONTROL_ROOT + "/")
def front_door() -> Response:
    mock = service()
    links = {
        "api": mock.config.path_prefix.rstrip("/") + API_ROOT + "/",
        "dashboard": CONTROL_ROOT + "/ui",
        "functions": CONTROL_ROOT + "/functions",
        "openapi": CONTROL_ROOT + "/openapi.json",
        "health": CONTROL_ROOT + "/health",
    }
    about = {
        "name": "mock-enswitch",
        "version": package_version(),
        "enswitch_version": mock.config.enswitch_version,
        "links": links,
    }
    if request.accept_mimetypes.best_match(["application/json", "text/html"]) != "text/html":
        return jsonify(about)
    items = "".join(
        f'<li><a href="{escape(href)}">{escape(href)}</a>: {escape(what)}</li>'
        for href, what in (
            (links["api"], "the Enswitch JSON API: /api/json/<category>/<action>/"),
            (links["dashboard"], "the dashboard"),
            (links["functions"], "the functions served, and the real ones not served yet"),
            (links["openapi"], "the OpenAPI document"),
            (links["health"], "health"),
        )
    )
    page = (
        "<!doctype html><html><head><meta charset='utf-8'><title>mock-enswitch</title></head>"
        f"<body><h1>mock-enswitch {escape(about['version'])}</h1>"
        f"<p>A local mock of the Enswitch JSON API, emulating Enswitch "
        f"{escape(str(about['enswitch_version']))}.</p><ul>{items}</ul></body></html>"
    )
    return Response(page, mimetype="text/html")
