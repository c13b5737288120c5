"""The OpenAPI 3.1 document of the Enswitch API as one version serves it, generated from the table.

Nothing here is written per function: paths, parameters (types, defaults, enums, bounds), the
POST bodies, the envelope with each function's possible codes and the `data` shapes all come from
`api/functions.py` as `Function.at(version)` gives it, so the document cannot drift from what the
mock answers. Every outcome is HTTP 200 with the Enswitch code in `responses[0].code` (the
reference's "Our decisions"), so each operation has a single HTTP response whose schema is a
`oneOf`: a success carrying `data`, or any other documented code without it.
"""

from __future__ import annotations

from typing import Any

from .api.functions import FUNCTIONS
from .api.table import DECIMAL, DECIMAL_TEXT, INTEGER, Default, Function, Param, Record
from .versions import Version, format_version

ENVELOPE = "#/components/schemas/Response"

DESCRIPTION = """\
The Enswitch JSON API as mock-enswitch serves it when emulating Enswitch {version}.

- GET or POST, the client's choice. GET: parameters in the query string, separated by `;` or
  `&`. POST: a form body or a JSON object body; the query string is merged in, the body winning.
  A repeated parameter keeps its last value. The trailing slash is optional.
- Authenticate on every call with `auth_username` and `auth_password`{token}.
- Every reply is HTTP 200; the outcome is `responses[0].code`, a string. A 400 names the offending
  parameter in `key`. `validation=1` runs every check, answers 201 and changes nothing.
- Parameters a function does not take in this version (including those added by later versions)
  are ignored, as the guides do not say otherwise; `mock-enswitch serve --strict` answers 400 on
  them instead, naming the parameter in `key`.
- Faults injected through the mock's control API (`/_mock/faults`, the `X-Mock-Enswitch-Fault`
  header) may answer any code, or no well-formed reply at all; they are not described here.
"""


def document(version: Version, path_prefix: str = "", api_root: str = "") -> dict[str, Any]:
    """The whole document for `version`; `path_prefix` and `api_root` as the server's
    --path-prefix and --api-root (its root listed first: what its clients use)."""
    functions = [served for function in FUNCTIONS if (served := function.at(version))]
    schemas: dict[str, Any] = {"Response": RESPONSE}
    paths: dict[str, Any] = {}
    for function in functions:
        name = schema_name(function)
        schemas[name + "Params"] = params_schema(function)
        schemas[name + "Reply"] = reply_schema(function)
        paths[f"/{function.path}/"] = {
            "get": operation(function, "get"),
            "post": operation(function, "post"),
        }
    token = any(param.name == "auth_token" for param in auth_params(functions))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Enswitch JSON API (mock-enswitch)",
            "version": format_version(version),
            "description": DESCRIPTION.format(
                version=format_version(version),
                token=", or with `auth_token` from `user/login` with `token=1`" if token else "",
            ),
        },
        "servers": [
            {"url": path_prefix.rstrip("/") + root}
            for root in ([api_root.rstrip("/")] if api_root else []) + ["/api/json"]
        ],
        "tags": [
            {"name": category}
            for category in sorted({function.path.split("/")[0] for function in functions})
        ],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                param.name: {"type": "apiKey", "in": "query", "name": param.name}
                for param in auth_params(functions)
            },
        },
    }


RESPONSE = {
    "type": "object",
    "description": "One outcome: the code (a string), the offending parameter on a 400, a message.",
    "properties": {
        "code": {"type": "string", "pattern": "^[0-9]{3}$"},
        "key": {"type": "string"},
        "message": {"type": "string"},
    },
    "required": ["code", "key", "message"],
    "additionalProperties": False,
}


def schema_name(function: Function) -> str:
    """recording/groups/create -> RecordingGroupsCreate."""
    return "".join(part.capitalize() for part in function.path.replace("_", "/").split("/"))


def auth_params(functions: list[Function]) -> list[Param]:
    seen: dict[str, Param] = {}
    for function in functions:
        for param in function.params:
            if param.auth:
                seen.setdefault(param.name, param)
    return list(seen.values())


def operation(function: Function, method: str) -> dict[str, Any]:
    name = schema_name(function)
    content: dict[str, Any] = {
        "application/json": {"schema": {"$ref": f"#/components/schemas/{name}Reply"}}
    }
    description = "Every outcome. Codes in responses[0].code: " + "; ".join(
        f"{code} {text}" for code, text in sorted(function.codes.items())
    )
    if function.file:
        file = function.file
        content[file["mimetype"]] = {
            "schema": {"type": "string", "contentMediaType": file["mimetype"]}
        }
        description += (
            f". With {file['param']}={file['value']}, a success is the file itself "
            f"({file['mimetype']}, with Content-Length); errors still come in the envelope."
        )
    result: dict[str, Any] = {
        "operationId": f"{function.path.replace('/', '_')}_{method}",
        "summary": function.summary,
        "description": operation_description(function),
        "tags": [function.path.split("/")[0]],
        "responses": {"200": {"description": description, "content": content}},
        "security": security(function),
    }
    if method == "get":
        result["parameters"] = [query_param(function, param) for param in function.params]
    else:
        body = {"$ref": f"#/components/schemas/{name}Params"}
        result["requestBody"] = {
            "required": any(p.required for p in function.params),
            "content": {
                "application/x-www-form-urlencoded": {"schema": body},
                "application/json": {"schema": body},
            },
        }
    return result


def operation_description(function: Function) -> str:
    lines = []
    if function.privileges:
        lines.append("Role privilege: " + " or ".join(function.privileges) + " (else 402).")
    if function.feature:
        lines.append(f"The customer's rate plan must allow {function.feature} (else 403).")
    if function.returns:
        lines.append("Returns: " + function.returns)
    if not function.documented:
        lines.append(
            "Not in the vendor's guides: its shape is one of mock-enswitch's decisions "
            "(see the reference's 'Our decisions')."
        )
    history = [
        f"{format_version(when)}: {text}"
        for when, text in function.history()
        if function.version is None or when <= function.version
    ]
    lines.append("Change history: " + " ".join(history))
    return "\n\n".join(lines)


def security(function: Function) -> list[dict[str, list]]:
    names = {param.name for param in function.params if param.auth}
    options = [{"auth_username": [], "auth_password": []}]
    if "auth_token" in names:
        options.append({"auth_token": []})
    return options


def value_schema(param: Param) -> dict[str, Any]:
    """A parameter's JSON Schema: type, enum, bounds, lengths, default."""
    schema: dict[str, Any] = {"type": param.type}
    if param.type == DECIMAL:  # text on the wire, as the amounts are in the rows
        pattern = f"^(?:{DECIMAL_TEXT.pattern})$"
        schema = {"type": "string", "format": "decimal", "pattern": pattern}
    if param.choices is not None:
        schema["enum"] = list(param.choices)
    for attribute, keyword in (
        ("minimum", "minimum"),
        ("maximum", "maximum"),
        ("min_length", "minLength"),
        ("max_length", "maxLength"),
    ):
        if getattr(param, attribute) is not None:
            schema[keyword] = getattr(param, attribute)
    if param.default is not None and not isinstance(param.default, Default):
        schema["default"] = param.default
    if param.examples:
        schema["examples"] = list(param.examples)
    return schema


def param_description(function: Function, param: Param) -> str:
    text = param.description
    if isinstance(param.default, Default):
        text += f" Default: {param.default.value}"
    if param.auth and param.name != "auth_token":
        token = function.param("auth_token") is not None
        text += " Needed (else 401) unless auth_token is given." if token else " Needed (else 401)."
    return text


def query_param(function: Function, param: Param) -> dict[str, Any]:
    return {
        "name": param.name,
        "in": "query",
        "required": param.required,
        "description": param_description(function, param),
        "schema": value_schema(param),
    }


def params_schema(function: Function) -> dict[str, Any]:
    """The POST body: an object of the function's parameters (form fields or JSON members)."""
    return {
        "type": "object",
        "properties": {
            param.name: {**value_schema(param), "description": param_description(function, param)}
            for param in function.params
        },
        "required": [param.name for param in function.params if param.required],
    }


def data_schema(record: Record) -> dict[str, Any]:
    """The shape of `data`: field types only, as stored values are not re-checked against the
    parameter rules of the emulated version (a fixture may hold fraction 0 under 3.13)."""
    row = {
        "type": "object",
        "properties": {
            field.name: {"type": field.type, "description": field.description}
            for field in record.fields
        },
        "required": [field.name for field in record.fields if field.required],
        "additionalProperties": not record.complete,
    }
    if not record.many:
        return row
    if record.values:
        first = record.fields[0]
        row = {"type": first.type, "description": first.description}
    rows = {"type": "array", "items": row}
    if not record.countable:
        return rows
    count = {
        "type": "object",
        "properties": {"count": {"type": INTEGER, "description": "How many rows (count=1)."}},
        "required": ["count"],
        "additionalProperties": False,
    }
    return {"oneOf": [rows, count]}


def envelope_schema(codes: list[str], data: dict[str, Any] | None) -> dict[str, Any]:
    first = {"allOf": [{"$ref": ENVELOPE}, {"properties": {"code": {"enum": codes}}}]}
    properties: dict[str, Any] = {
        "responses": {
            "type": "array",
            "minItems": 1,
            "prefixItems": [first],
            "items": {"$ref": ENVELOPE},
        }
    }
    required = ["responses"]
    if data is not None:
        properties["data"] = data
        required.append("data")
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def reply_schema(function: Function) -> dict[str, Any]:
    """A success with `data` (when the function returns some), or any other code without it."""
    codes = sorted(function.codes)
    carrier = "200" if "200" in function.codes else function.success  # calls/make: 200 with wait
    with_data = carrier if function.data is not None else None
    branches = []
    if with_data:
        branches.append(envelope_schema([with_data], data_schema(function.data)))
    others = [code for code in codes if code != with_data]
    branches.append(envelope_schema(others, None))
    return {
        "description": f"The envelope of {function.path}; codes: {', '.join(codes)}.",
        "oneOf": branches,
    }
