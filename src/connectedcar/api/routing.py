"""DirectRoute: an endpoint documented by FastAPI, served without FastAPI's per-request solver.

FastAPI builds the OpenAPI document from an endpoint's signature (Path, Query, Depends) and, on
every request, resolves that signature generically: about 20 µs of a read endpoint's budget, more
than the rest of the framework. The API's endpoints only use a few shapes of parameter, so each
DirectRoute compiles its signature once, at startup, into a plan of plain lookups:

- the Request itself;
- string path parameters (with their max_length checked: a 400 naming the field);
- optional string query parameters, and list ones (repeated keys);
- async dependencies made of the same shapes, resolved depth first, each once per request.

Anything else (bodies, headers, sync dependencies, dependencies with yield) is refused when the
route is built, so a new endpoint that needs more fails loudly at import, never silently at runtime.
The parameters' own validation stays where it is: in the dependencies' parse functions.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, cast

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.responses import Response
from starlette.routing import request_response

from connectedcar.api.errors import InvalidParameter

Resolver = Callable[[Request, dict[int, Any]], Awaitable[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class _PathParam:
    name: str
    alias: str
    max_length: int | None


@dataclass(frozen=True, slots=True)
class _QueryParam:
    name: str
    alias: str
    many: bool


def _max_length(field: Any) -> int | None:
    for constraint in getattr(field.field_info, "metadata", ()):
        limit = getattr(constraint, "max_length", None)
        if limit is not None:
            return int(limit)
    return None


def _is_list(field: Any) -> bool:
    annotation = field.field_info.annotation
    return "list[" in str(annotation).lower() or getattr(annotation, "__origin__", None) is list


def _unsupported(dependant: Dependant, what: str) -> TypeError:
    return TypeError(f"DirectRoute cannot serve {getattr(dependant.call, '__qualname__', dependant.call)}: {what}")


def _compile(dependant: Dependant) -> Resolver:
    for kind in ("header_params", "cookie_params", "body_params"):
        if getattr(dependant, kind):
            raise _unsupported(dependant, kind.replace("_", " "))
    for name in (
        "websocket_param_name",
        "http_connection_param_name",
        "response_param_name",
        "background_tasks_param_name",
        "security_scopes_param_name",
    ):
        if getattr(dependant, name):
            raise _unsupported(dependant, name.replace("_param_name", " parameter"))
    path = [_PathParam(f.name, f.alias, _max_length(f)) for f in dependant.path_params]
    query = [_QueryParam(f.name, f.alias, _is_list(f)) for f in dependant.query_params]
    for field in dependant.query_params:
        if field.field_info.is_required():
            raise _unsupported(dependant, f"required query parameter {field.alias!r} (parse it yourself)")
    subs: list[tuple[str, int, Callable[..., Any], Resolver]] = []
    for sub in dependant.dependencies:
        call = sub.call
        if call is None or sub.name is None or not inspect.iscoroutinefunction(call):
            raise _unsupported(dependant, f"dependency {sub.name!r} must be an async function")
        subs.append((sub.name, id(call), call, _compile(sub)))
    request_name = dependant.request_param_name

    async def resolve(request: Request, cache: dict[int, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if request_name:
            values[request_name] = request
        if path:
            params = request.path_params
            for p in path:
                value = params[p.alias]
                if p.max_length is not None and len(value) > p.max_length:
                    raise InvalidParameter(p.alias, f"must be at most {p.max_length} characters long")
                values[p.name] = value
        if query:
            query_params = request.query_params
            for q in query:
                values[q.name] = (query_params.getlist(q.alias) or None) if q.many else query_params.get(q.alias)
        for name, key, call, resolve_sub in subs:
            if key not in cache:
                cache[key] = await call(**await resolve_sub(request, cache))
            values[name] = cache[key]
        return values

    return resolve


class DirectRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        # FastAPI wraps the handler in two AsyncExitStacks (for dependencies with yield) and a body
        # limit (for bodies): a DirectRoute has neither, so Starlette's plain wrapper serves it.
        self.app = request_response(self.get_route_handler())

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        call = self.dependant.call
        if call is None or not inspect.iscoroutinefunction(call):
            raise _unsupported(self.dependant, "the endpoint must be an async function")
        endpoint = cast(Callable[..., Awaitable[Response]], call)
        resolve = _compile(self.dependant)

        async def handler(request: Request) -> Response:
            return await endpoint(**await resolve(request, {}))

        return handler
