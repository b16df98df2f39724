"""The B2C API's guard: a Bearer access token, issued to the client named by `client_id`, with scope.

The guard reads the request itself rather than through FastAPI parameter dependencies: it runs on
every call, and resolving sub-dependencies costs more than the check. The OpenAPI document learns
about `client_id` and the bearer scheme from `document()` instead.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from connectedcar.api.auth.tokens import AccessGrant, GrantError
from connectedcar.api.errors import Forbidden, MissingParameter, Unauthorized
from connectedcar.api.ratelimit import query_client_id
from connectedcar.runtime import Runtime

SCHEME = "bearerAuth"


async def current_grant(request: Request) -> AccessGrant:
    runtime: Runtime = request.app.state.runtime
    header = request.headers.get("authorization")
    if not header:
        raise Unauthorized("Missing access token: send 'Authorization: Bearer <token>'", error="", code=40101)
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("The Authorization header must be 'Bearer <token>'", error="invalid_request", code=40102)
    client_id = query_client_id(request.scope)
    if not client_id:
        raise MissingParameter("client_id")
    grant = runtime.tokens.cached_grant(token)
    if grant is None:
        try:
            grant = await runtime.store.run(lambda conn: runtime.tokens.verify_access(conn, token))
        except GrantError as exc:
            raise Unauthorized(f"Invalid access token: {exc.description}", code=40103) from None
    if grant.client_id != client_id:
        raise Unauthorized("Invalid access token: it was issued to another client_id", code=40104)
    if "public" not in grant.scope:
        raise Forbidden("The access token lacks the 'public' scope", code=40301)
    return grant


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the bearer scheme and the required `client_id` query parameter to every operation."""
    components = schema.setdefault("components", {})
    components.setdefault("securitySchemes", {})[SCHEME] = {
        "type": "http",
        "scheme": "bearer",
        "description": "An access token from /accounts/signin/v1/{brand}/oauth2/token (authorization-code flow).",
    }
    client_id = {
        "name": "client_id",
        "in": "query",
        "required": True,
        "description": "Your application's client_id: required on every call.",
        "schema": {"type": "string"},
    }
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            operation["security"] = [{SCHEME: []}]
            operation["parameters"] = [client_id, *operation.get("parameters", [])]
    return schema
