"""OAuth2 request parameters, read as RFC 6749 section 3 says: each at most once, empty means absent.

Every field is bounded (MAX_FIELD characters) and so is a form body (MAX_BODY bytes): the endpoints are
public and unauthenticated, and nothing a client legitimately sends comes near these limits.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qsl

from starlette.requests import Request

MAX_FIELD = 4096
MAX_BODY = 64 * 1024
MAX_FIELDS = 64
FORM_TYPE = "application/x-www-form-urlencoded"


class ParameterError(Exception):
    """A parameter given twice, too long, or a body that is not a bounded url-encoded form."""

    def __init__(self, description: str, field: str | None = None) -> None:
        super().__init__(description)
        self.description = description
        self.field = field


class Params:
    """Parameters by name; reading one given twice or too long raises ParameterError."""

    def __init__(self, items: Iterable[tuple[str, str]]) -> None:
        self._values: dict[str, list[str]] = {}
        for name, value in items:
            if value != "":  # RFC 6749 3.1: a parameter without a value is treated as omitted
                self._values.setdefault(name, []).append(value)

    def get(self, name: str) -> str | None:
        values = self._values.get(name)
        if not values:
            return None
        if len(values) > 1:
            raise ParameterError(f"{name} must not be given more than once", name)
        if len(values[0]) > MAX_FIELD:
            raise ParameterError(f"{name} is longer than {MAX_FIELD} characters", name)
        return values[0]

    def checked(self, *names: str) -> dict[str, str]:
        """The named parameters that are present, each checked."""
        found = {name: self.get(name) for name in names}
        return {name: value for name, value in found.items() if value is not None}


def query_params(request: Request) -> Params:
    return Params(request.query_params.multi_items())


async def form_params(request: Request) -> Params:
    """The url-encoded body of a POST, read at most MAX_BODY bytes far."""
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type != FORM_TYPE:
        raise ParameterError(f"the body must be {FORM_TYPE}")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise ParameterError(f"the body is larger than {MAX_BODY} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise ParameterError(f"the body is larger than {MAX_BODY} bytes")
    try:
        items = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict")
    except UnicodeDecodeError:
        raise ParameterError("the body is not valid UTF-8") from None
    except ValueError:
        raise ParameterError(f"the body has more than {MAX_FIELDS} fields") from None
    for name, value in items:
        if len(name) > MAX_FIELD or len(value) > MAX_FIELD:
            raise ParameterError(f"{name[:64]} is longer than {MAX_FIELD} characters", name[:64])
    return Params(items)
