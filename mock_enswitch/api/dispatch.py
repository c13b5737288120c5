"""From a function path and its raw parameters to a reply body: the checks, in their order.

401 (credentials) -> 402 (role privilege) -> 400 (parameters, by the table) -> what the function
concerns, resolved through the caller's reach (404, or 400 on `customer`) -> the rate plan (403)
-> the operation's own rules. Every step is here, driven by the table, so no operation can skip
one. `validation=1` runs all of it and answers 201.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from ..domain.access import RequestContext, authenticate, require_privilege
from ..domain.errors import NotFound
from ..domain.outcome import FileReply, Success
from .envelope import envelope
from .names import refuse
from .params import validate

if TYPE_CHECKING:
    from ..config import Config
    from ..domain.switch import Switch
    from ..versions import Version
    from .table import Function


class Mock(Protocol):
    """What dispatch needs of the running mock (the Service): a protocol, so that this module
    does not import the service that imports it."""

    functions: dict[str, Function]
    served_names: frozenset[str]
    switch: Switch
    version: Version
    config: Config


def dispatch(service: Mock, path: str, raw: dict[str, str]) -> dict | FileReply:
    function = service.functions.get(path)
    if function is None:
        refuse(
            service.switch,
            service.version,
            service.served_names,
            path,
            raw,
            service.config.path_prefix,
        )
    if function.open_when is not None and function.open_when(raw):
        caller = None  # no login needed (customers/get with check=1): no role, no reach
    else:
        token = raw.get("auth_token") if function.param("auth_token") else None
        caller = authenticate(
            service.switch, raw.get("auth_username"), raw.get("auth_password"), token
        )
        require_privilege(caller, function.privileges)
    values = validate(function, raw, strict=service.config.strict)
    request = RequestContext(
        service.switch, caller, values.pop("validation", 0) == 1, served=function
    )
    try:
        customer, request.target = function.concerns.resolve(request, values)
    except NotFound:  # in the words of this function's guide ("...permission to copy it.")
        raise NotFound(function.codes.get("404")) from None
    if function.feature:
        request.check_plan(customer, function.feature)
    data = function.operation(request, values)
    if isinstance(data, FileReply):
        return data
    if request.validate_only:
        return envelope("201")
    if isinstance(data, Success):  # a code that depends on the call (calls/make's wait)
        return envelope(data.code, data=data.data)
    return envelope(function.success, data=data if function.success == "200" else None)
