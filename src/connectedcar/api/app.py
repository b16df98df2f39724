"""The application factory: one ASGI app serving every API surface of the platform."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response

from connectedcar import __version__
from connectedcar.api import errors
from connectedcar.api.auth.oauth2 import routes as oauth2_routes
from connectedcar.api.b2c.v2.router import router as b2c_v2_router
from connectedcar.api.ratelimit import RateLimitMiddleware
from connectedcar.api.rendering import JsonResponse
from connectedcar.runtime import Runtime

B2C_V2_PREFIX = "/connectedcar/v2"

_V2_DESCRIPTION = """\
The B2C Connected Car API 2.0.0 of Groupe PSA / Stellantis (seed 000), served by connectedcar.

Every call needs an OAuth2 access token (`Authorization: Bearer ...`, from
`/accounts/signin/v1/{brand}/oauth2/token`) and your application's `client_id` query parameter.
Responses are `application/hal+json`, positions `application/geo+json`. 120 requests per 60 s per client.
"""


def _surface(runtime: Runtime, title: str, description: str) -> FastAPI:
    surface = FastAPI(
        title=title,
        version="2.0.0",
        description=description,
        default_response_class=JsonResponse,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    surface.state.runtime = runtime
    errors.install(surface)
    return surface


def create_app(runtime: Runtime) -> FastAPI:
    app = FastAPI(
        title="connectedcar",
        version=__version__,
        description="Self-hosted Connected Car platform speaking the PSA / Stellantis Connected Car API.",
        default_response_class=JsonResponse,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.runtime = runtime
    errors.install(app)

    v2 = _surface(runtime, "Connected Car (B2C) v2", _V2_DESCRIPTION)
    v2.include_router(b2c_v2_router)
    app.include_router(oauth2_routes.router)

    @app.get("/", include_in_schema=False)
    async def index(request: Request) -> Response:
        body: dict[str, Any] = {
            "name": "connectedcar",
            "version": __version__,
            "_links": {
                "b2c-v2": {"href": B2C_V2_PREFIX},
                "b2c-v2-openapi": {"href": f"{B2C_V2_PREFIX}/openapi.json"},
                "b2c-v2-docs": {"href": f"{B2C_V2_PREFIX}/docs"},
                "oauth2-authorize": {"href": "/accounts/signin/v1/{brand}/oauth2/authorize", "templated": True},
                "oauth2-token": {"href": "/accounts/signin/v1/{brand}/oauth2/token", "templated": True},
            },
        }
        return JsonResponse(body, media_type="application/json")

    @app.get("/health", include_in_schema=False)
    async def health() -> Response:
        return JsonResponse({"status": "ok"}, media_type="application/json")

    app.mount(B2C_V2_PREFIX, v2)

    def rate_limited(path: str) -> bool:
        if not path.startswith("/connectedcar/"):
            return False
        return not (path.endswith("/openapi.json") or "/docs" in path)

    app.add_middleware(RateLimitMiddleware, limiter=runtime.limiter, applies_to=rate_limited)
    return app
