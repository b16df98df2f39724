"""One error hierarchy, rendered as the real API does: {"code": 40410, "uuid": "...", "message": "..."}.

Codes are the HTTP status followed by two digits naming the case, as real PSA bodies do (40410:
"No vehicule found"). Every error raised while serving a request is one of these, or becomes one.
"""

from __future__ import annotations

import logging
import uuid
from typing import ClassVar

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

log = logging.getLogger("connectedcar.api")


class ApiError(Exception):
    default_status: ClassVar[int] = 500
    default_code: ClassVar[int] = 50000

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status if status is not None else self.default_status
        self.code = code if code is not None else self.default_code
        self.headers = headers or {}


class BadRequest(ApiError):
    default_status, default_code = 400, 40000


class InvalidParameter(BadRequest):
    """A query or body field with a bad value: the message names the field and the reason."""

    default_code = 40001

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"Invalid parameter '{field}': {reason}")
        self.field = field


class MissingParameter(BadRequest):
    default_code = 40002

    def __init__(self, field: str) -> None:
        super().__init__(f"Missing parameter '{field}': it is required")
        self.field = field


class Unauthorized(ApiError):
    """401 with a WWW-Authenticate challenge (RFC 6750)."""

    default_status, default_code = 401, 40100

    def __init__(self, message: str, *, error: str = "invalid_token", code: int | None = None) -> None:
        challenge = f'Bearer realm="connectedcar", error="{error}", error_description="{message}"'
        if error == "":
            challenge = 'Bearer realm="connectedcar"'
        super().__init__(message, code=code, headers={"WWW-Authenticate": challenge})


class Forbidden(ApiError):
    default_status, default_code = 403, 40300


class NotFound(ApiError):
    default_status, default_code = 404, 40400


class MethodNotAllowed(ApiError):
    default_status, default_code = 405, 40500


class NotAcceptable(ApiError):
    default_status, default_code = 406, 40600


class TooManyRequests(ApiError):
    default_status, default_code = 429, 42900


class Conflict(ApiError):
    default_status, default_code = 409, 40900


class PayloadTooLarge(ApiError):
    default_status, default_code = 413, 41300


class ServiceUnavailable(ApiError):
    default_status, default_code = 503, 50300


class InternalError(ApiError):
    default_status, default_code = 500, 50000


def error_body(code: int, message: str) -> bytes:
    return orjson.dumps({"code": code, "uuid": str(uuid.uuid4()), "message": message})


def error_response(error: ApiError) -> Response:
    return Response(
        error_body(error.code, error.message),
        status_code=error.status,
        media_type="application/json",
        headers=error.headers,
    )


def _validation_message(exc: RequestValidationError) -> tuple[str, str]:
    first = exc.errors()[0] if exc.errors() else {}
    location = [str(part) for part in first.get("loc", ()) if part not in ("query", "path", "body", "header")]
    field = ".".join(location) or "request"
    reason = str(first.get("msg", "invalid value"))
    return field, reason


def install(app: FastAPI) -> None:
    """Render every failure with the API's error body: ours, FastAPI's validation, routing and crashes."""

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> Response:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> Response:
        field, reason = _validation_message(exc)
        return error_response(InvalidParameter(field, reason))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return error_response(NotFound("No such resource", code=40400))
        if exc.status_code == 405:
            return error_response(MethodNotAllowed("Method not allowed on this resource"))
        return error_response(ApiError(str(exc.detail), status=exc.status_code, code=exc.status_code * 100))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(InternalError("Internal server error"))
