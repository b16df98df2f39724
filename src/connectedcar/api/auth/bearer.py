"""The B2C API's guard: a Bearer access token, issued to the client named by `client_id`, with scope."""

from __future__ import annotations

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from connectedcar.api.auth.tokens import AccessGrant, GrantError
from connectedcar.api.errors import Forbidden, MissingParameter, Unauthorized
from connectedcar.runtime import Runtime

bearer_scheme = HTTPBearer(
    auto_error=False,
    description="An access token from /accounts/signin/v1/{brand}/oauth2/token (authorization-code flow).",
)


async def current_grant(
    request: Request,
    client_id: str | None = Query(None, description="Your application's client_id: required on every call."),
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer_scheme),
) -> AccessGrant:
    runtime: Runtime = request.app.state.runtime
    header = request.headers.get("authorization")
    if not header:
        raise Unauthorized("Missing access token: send 'Authorization: Bearer <token>'", error="", code=40101)
    if credentials is None or not credentials.credentials:
        raise Unauthorized("The Authorization header must be 'Bearer <token>'", error="invalid_request", code=40102)
    if not client_id:
        raise MissingParameter("client_id")
    token = credentials.credentials
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
