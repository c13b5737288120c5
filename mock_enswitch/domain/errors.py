"""Errors are values with an Enswitch code; one handler turns them into the envelope.

The messages for 401, 402 and 403 are the wording every vendor function page uses for them.
"""

from __future__ import annotations


class ApiError(Exception):
    """An Enswitch outcome other than success: body code, offending parameter, message."""

    code = "500"
    default_message = "Internal error."

    def __init__(self, message: str | None = None, key: str = "") -> None:
        self.key = key
        self.message = message or self.default_message
        super().__init__(f"{self.code} {key}: {self.message}")


class BadRequest(ApiError):
    code = "400"
    default_message = "Invalid input parameters specified."

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message, key)


class NotAuthenticated(ApiError):
    code = "401"
    default_message = "The authentication details provided are invalid."


class RoleDenied(ApiError):
    code = "402"
    default_message = "Your role does not allow this."


class PlanDenied(ApiError):
    code = "403"
    default_message = "Your rate plan does not allow this."


class NotFound(ApiError):
    code = "404"
    default_message = "The object does not exist, or you do not have permission to access it."


MEANINGS = {
    "200": "Success.",
    "201": "Input passed validation. Only returned if validation=1.",
    "204": "Success.",
    "400": "Invalid input parameters specified. Check the key and message fields for more details.",
    "401": NotAuthenticated.default_message,
    "402": RoleDenied.default_message,
    "403": PlanDenied.default_message,
}
"""What each code means, in the words of the guides' code tables (the function table's
`codes`, the OpenAPI document); a 404's meaning is each function's own."""

STANDARD_MESSAGES = {
    cls.code: cls.default_message
    for cls in (ApiError, BadRequest, NotAuthenticated, RoleDenied, PlanDenied, NotFound)
}
"""The documented message for each error code, for anything (faults) that answers with a code alone."""


class NotServed(ApiError):
    """A real Enswitch function that the mock does not serve yet. Code 501 (our choice: no
    Enswitch page uses it): a 404 would read, in every client, as "does not exist or does not
    belong to you", which is false and hides that the gap is the mock's. Answered after the
    credentials are checked, as the real function would check them."""

    code = "501"
    default_message = "This Enswitch function is not served by mock-enswitch yet."
