"""/_mock/namespaces: the namespaces of this server (namespaces.py), on the bare root's control
API only (a namespace does not see the others).

    GET    /_mock/namespaces          {"namespaces": [{name, created, last_used, size}], "max": N}
    DELETE /_mock/namespaces/<name>   204; 404 if there is none of that name
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from ..namespaces import NAME_KEY
from .views import guard, no_content, problem

blueprint = Blueprint("control_namespaces", __name__)
blueprint.before_request(guard)


def registry():
    return current_app.extensions["mock_enswitch_namespaces"]


def in_a_namespace():
    if NAME_KEY in request.environ:
        return problem(404, "Namespaces are listed and dropped on the server's own /_mock/.")
    return None


blueprint.before_request(in_a_namespace)


@blueprint.get("/namespaces")
def list_namespaces():
    return jsonify(namespaces=registry().listing(), max=registry().limit)


@blueprint.delete("/namespaces/<name>")
def drop_namespace(name: str):
    if not registry().drop(name):
        return problem(404, f"No namespace {name}.", "name")
    return no_content()
