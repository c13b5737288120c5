"""user/login: the caller's own fields, and from 4.1 an auth_token (section 1.4 of the reference)."""

from __future__ import annotations

from ...domain.access import RequestContext, token_serializer

HIDDEN = ("password",)


def login(call: RequestContext, values: dict) -> dict:
    person = {key: value for key, value in call.caller.person.items() if key not in HIDDEN}
    if values.get("token"):
        switch = call.switch
        person["auth_token"] = token_serializer(switch).dumps({"person": person["id"]})
        if switch.token_expiry:
            person["auth_token_expiry"] = switch.token_expiry
            person["auth_token_expires"] = switch.now() + switch.token_expiry
        else:
            person["auth_token_expiry"] = 0
    return person
