"""The /_mock/ blueprint: what a test harness or a compose health check asks the mock."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from ..fixtures import FixtureError

blueprint = Blueprint("control", __name__)


@blueprint.get("/health")
def health():
    """200 once the fixtures are loaded, which is true as soon as the app exists."""
    service = current_app.extensions["mock_enswitch"]
    return jsonify(status="ok", enswitch_version=service.config.enswitch_version)


@blueprint.post("/reset")
def reset():
    service = current_app.extensions["mock_enswitch"]
    try:
        with service.lock:
            service.reset()
    except FixtureError as error:
        return jsonify(error=str(error)), 400
    return jsonify(status="reset")


@blueprint.get("/openapi.json")
def openapi_document():
    """The OpenAPI 3.1 document of the Enswitch API as this mock serves it (its version, prefix)."""
    from ..openapi import document

    service = current_app.extensions["mock_enswitch"]
    return jsonify(document(service.version, service.config.path_prefix))
