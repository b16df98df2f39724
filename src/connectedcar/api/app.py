"""The application factory: one ASGI app serving every API surface of the platform."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.telemetry import TelemetryConfig
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from connectedcar import __version__
from connectedcar.api import errors
from connectedcar.api.auth import bearer
from connectedcar.api.auth.oauth2 import routes as oauth2_routes
from connectedcar.api.b2c.v2 import PREFIX as B2C_V2_PREFIX
from connectedcar.api.b2c.v2.router import ROUTES as B2C_V2_ROUTES
from connectedcar.api.cors import CrossOriginMiddleware
from connectedcar.api.fleet import V3_PREFIX as FLEET_V3_PREFIX
from connectedcar.api.fleet import auth as fleet_auth
from connectedcar.api.fleet.monitors import V2_ROUTES as MONITOR_V2_ROUTES
from connectedcar.api.fleet.monitors import V3_ROUTES as MONITOR_V3_ROUTES
from connectedcar.api.fleet.remotes import V3_ROUTES as REMOTE_V3_ROUTES
from connectedcar.api.fleet.routes import V2_ROUTES as FLEET_V2_ROUTES
from connectedcar.api.fleet.routes import V3_ROUTES as FLEET_V3_ROUTES
from connectedcar.api.ratelimit import RateLimitMiddleware
from connectedcar.api.rendering import JsonResponse
from connectedcar.ingest import http_native
from connectedcar.runtime import Runtime

V2_SURFACE = [*B2C_V2_ROUTES, *FLEET_V2_ROUTES, *MONITOR_V2_ROUTES]
V3_SURFACE = [*FLEET_V3_ROUTES, *MONITOR_V3_ROUTES, *REMOTE_V3_ROUTES]

_V2_DESCRIPTION = """\
The B2C Connected Car API 2.0.0 of Groupe PSA / Stellantis (seed 000), served by connectedcar.

Every call needs an OAuth2 access token (`Authorization: Bearer ...`, from
`/accounts/signin/v1/{brand}/oauth2/token`) and your application's `client_id` query parameter.
Responses are `application/hal+json`, positions `application/geo+json`. 120 requests per 60 s per client.

The Fleet Owner API v2 (`/fleets...`, seed 001) answers under the same prefix: HTTP Basic credentials
of a fleet (`connectedcar admin fleet create`) and the fleet's `client_id`.
"""

_FLEET_V3_DESCRIPTION = """The Fleet Owner API v3 of Groupe PSA / Stellantis (seed 001), served by connectedcar.

Every call needs the fleet's HTTP Basic credentials and its `client_id` query parameter (both printed by
`connectedcar admin fleet create`). Collections page with indexRange/pageSize (or limit/offset);
lastPosition answers `application/vnd.geo+json`.
"""


# FastAPI's OpenTelemetry hooks check for configured providers on every request; we configure none.
NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


def _surface(title: str, description: str, routes: list[BaseRoute]) -> FastAPI:
    """An app that only describes one API surface: its OpenAPI document and interactive docs.

    Requests are served by the main app, which holds the same routes in its own flat table: a mounted
    sub-app would add its own middleware stack and routing pass to every request.
    """
    return FastAPI(
        title=title,
        version="2.0.0",
        description=description,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        routes=list(routes),
        telemetry=NO_TELEMETRY,
    )


def _b2c_and_fleet(schema: dict[str, Any]) -> dict[str, Any]:
    return fleet_auth.document(bearer.document(schema))


def _documentation(
    app: FastAPI,
    prefix: str,
    surface: FastAPI,
    secure: Callable[[dict[str, Any]], dict[str, Any]] = bearer.document,
) -> None:
    schema: dict[str, Any] = {}

    @app.get(f"{prefix}/openapi.json", include_in_schema=False)
    async def openapi() -> Response:
        if not schema:
            # As the official files: a server URL, and paths relative to it.
            document = secure(surface.openapi())
            document["servers"] = [{"url": prefix}]
            document["paths"] = {path.removeprefix(prefix): item for path, item in document["paths"].items()}
            schema.update(document)
        return JsonResponse(schema, media_type="application/json")

    @app.get(f"{prefix}/docs", include_in_schema=False)
    async def docs() -> Response:
        return get_swagger_ui_html(openapi_url=f"{prefix}/openapi.json", title=f"{surface.title} - docs")


def create_app(runtime: Runtime) -> FastAPI:
    app = FastAPI(
        title="connectedcar",
        version=__version__,
        description="Self-hosted Connected Car platform speaking the PSA / Stellantis Connected Car API.",
        default_response_class=JsonResponse,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        routes=[*V2_SURFACE, *V3_SURFACE],
        telemetry=NO_TELEMETRY,
    )
    app.state.runtime = runtime
    app.state.fleet_authenticator = fleet_auth.FleetAuthenticator(runtime)
    errors.install(app)

    v2 = _surface("Connected Car (B2C) v2", _V2_DESCRIPTION, V2_SURFACE)
    _documentation(app, B2C_V2_PREFIX, v2, _b2c_and_fleet)
    v3 = _surface("Connected Car Fleet Owner v3", _FLEET_V3_DESCRIPTION, V3_SURFACE)
    _documentation(app, FLEET_V3_PREFIX, v3, fleet_auth.document)
    app.include_router(oauth2_routes.router)
    app.include_router(http_native.router)

    @app.get("/", include_in_schema=False)
    async def index(request: Request) -> Response:
        body: dict[str, Any] = {
            "name": "connectedcar",
            "version": __version__,
            "_links": {
                "b2c-v2": {"href": B2C_V2_PREFIX},
                "b2c-v2-openapi": {"href": f"{B2C_V2_PREFIX}/openapi.json"},
                "b2c-v2-docs": {"href": f"{B2C_V2_PREFIX}/docs"},
                "fleet-v3": {"href": f"{FLEET_V3_PREFIX}/fleets"},
                "fleet-v3-openapi": {"href": f"{FLEET_V3_PREFIX}/openapi.json"},
                "fleet-v3-docs": {"href": f"{FLEET_V3_PREFIX}/docs"},
                "oauth2-authorize": {"href": "/accounts/signin/v1/{brand}/oauth2/authorize", "templated": True},
                "oauth2-token": {"href": "/accounts/signin/v1/{brand}/oauth2/token", "templated": True},
            },
        }
        return JsonResponse(body, media_type="application/json")

    @app.get("/health", include_in_schema=False)
    async def health() -> Response:
        return JsonResponse({"status": "ok"}, media_type="application/json")

    def rate_limited(path: str) -> bool:
        if not path.startswith("/connectedcar/"):
            return False
        return not (path.endswith("/openapi.json") or "/docs" in path)

    app.add_middleware(RateLimitMiddleware, limiter=runtime.limiter, applies_to=rate_limited)
    origins = [o.strip() for o in runtime.settings.cors_allow_origins.split(",") if o.strip()]
    if origins:
        # Added last, so outermost: a browser's preflight is answered before the rate limiter counts it.
        app.add_middleware(CrossOriginMiddleware, origins=origins)
    return app
