from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fastapi import Body, Depends, FastAPI, Header, Path, Query, Request
from starlette.responses import Response

from connectedcar.api import errors
from connectedcar.api.routing import DirectRoute

calls: list[str] = []


async def page(limit: str | None = Query(None), offset: str | None = Query(None)) -> tuple[str | None, str | None]:
    calls.append("page")
    return limit, offset


async def who(request: Request) -> str:
    calls.append("who")
    return request.headers.get("x-user", "nobody")


async def guarded(user: str = Depends(who)) -> str:
    return f"guarded:{user}"


async def endpoint(
    request: Request,
    id: str = Path(..., max_length=5),
    tags: list[str] | None = Query(None, alias="type"),
    p: tuple[str | None, str | None] = Depends(page),
    user: str = Depends(who),
    g: str = Depends(guarded),
) -> Response:
    return Response(repr((request.url.path, id, tags, p, user, g)))


def _app(route_endpoint: Any, path: str = "/things/{id}") -> FastAPI:
    app = FastAPI()
    errors.install(app)
    app.router.routes.append(DirectRoute(path, route_endpoint, methods=["GET"]))
    return app


def _get(
    app: FastAPI, path: str, query: str = "", headers: list[tuple[bytes, bytes]] | None = None
) -> tuple[int, bytes]:
    sent: dict[str, Any] = {"body": b""}

    async def run() -> None:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": query.encode(),
            "headers": headers or [],
            "client": ("127.0.0.1", 1),
            "server": ("t", 80),
        }

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                sent["status"] = message["status"]
            else:
                sent["body"] += message.get("body", b"")

        await app(scope, receive, send)

    asyncio.run(run())
    return sent["status"], sent["body"]


def test_resolves_path_query_lists_and_nested_dependencies_once_each() -> None:
    calls.clear()
    status, body = _get(_app(endpoint), "/things/ab", "type=x&type=y&limit=3", [(b"x-user", b"ada")])
    assert status == 200
    assert body.decode() == repr(("/things/ab", "ab", ["x", "y"], ("3", None), "ada", "guarded:ada"))
    assert calls == ["page", "who"], "a dependency used twice runs once per request"


def test_absent_list_query_is_none_and_path_max_length_is_a_400_naming_the_field() -> None:
    status, body = _get(_app(endpoint), "/things/ab")
    assert status == 200 and "None" in body.decode()
    status, body = _get(_app(endpoint), "/things/abcdef")
    assert status == 400 and b"'id'" in body and b"at most 5" in body


async def _with_body(payload: dict[str, Any] = Body(...)) -> Response:
    return Response()


async def _with_header(x_token: str | None = Header(None)) -> Response:
    return Response()


def _sync_dependency() -> str:
    return "x"


async def _with_sync_dependency(value: str = Depends(_sync_dependency)) -> Response:
    return Response()


async def _with_required_query(q: str = Query(...)) -> Response:
    return Response()


def _sync_endpoint() -> Response:
    return Response()


@pytest.mark.parametrize(
    ("unsupported", "reason"),
    [
        (_with_body, "body"),
        (_with_header, "header"),
        (_with_sync_dependency, "async function"),
        (_with_required_query, "required query"),
        (_sync_endpoint, "async function"),
    ],
)
def test_unsupported_signatures_are_refused_when_the_route_is_built(unsupported: Any, reason: str) -> None:
    with pytest.raises(TypeError, match=reason):
        DirectRoute("/x", unsupported, methods=["GET"] if unsupported is not _with_body else ["POST"])
