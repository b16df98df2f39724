"""Responses: JSON bytes through orjson, HAL and GeoJSON media types, Accept negotiation."""

from __future__ import annotations

import functools
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from connectedcar.api.errors import NotAcceptable

HAL = "application/hal+json"
GEOJSON = "application/geo+json"
VND_GEOJSON = "application/vnd.geo+json"
JSON = "application/json"

HAL_TYPES = (HAL, JSON)
# Positions are GeoJSON whatever the client asks among these: seed 000's own lastPosition request
# sends `accept: application/hal+json` and gets a GeoJSON Feature.
GEO_TYPES = (GEOJSON, VND_GEOJSON, JSON, HAL)


class JsonResponse(Response):
    media_type = HAL

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def _accepted(header: str) -> list[tuple[str, float]]:
    ranges: list[tuple[str, float]] = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        quality = 1.0
        for param in fields[1:]:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        ranges.append((fields[0].lower(), quality))
    return ranges


def negotiate(request: Request, offered: tuple[str, ...]) -> str:
    """The media type to answer with: the client's most preferred one we offer, else 406.

    `offered` is in our order of preference; wildcards pick the first. For GEO_TYPES, a client asking
    for hal+json or json gets application/geo+json (the seed's default for geolocation data).
    """
    return _negotiate(request.headers.get("accept", ""), offered)


@functools.lru_cache(maxsize=256)
def _negotiate(header: str, offered: tuple[str, ...]) -> str:
    """Clients send the same few Accept headers over and over: the answer is memoized (bounded)."""
    if not header.strip():
        return offered[0]
    if len(header) > 1024:
        raise NotAcceptable("The Accept header is too long")
    best: tuple[float, int, str] | None = None
    for media_range, quality in _accepted(header):
        if quality <= 0:
            continue
        for rank, media_type in enumerate(offered):
            matches = media_range in ("*/*", media_type) or (
                media_range.endswith("/*") and media_type.startswith(media_range[:-1])
            )
            if matches:
                candidate = (quality, -rank, media_type)
                if best is None or candidate > best:
                    best = candidate
                break
    if best is None:
        raise NotAcceptable(f"Cannot answer with {header!r}; this resource is available as {', '.join(offered)}")
    chosen = best[2]
    if offered is GEO_TYPES and chosen in (HAL, JSON):
        return GEOJSON
    return chosen


def hal(request: Request, content: Any) -> JsonResponse:
    return JsonResponse(content, media_type=negotiate(request, HAL_TYPES))


def geo(request: Request, content: Any) -> JsonResponse:
    return JsonResponse(content, media_type=negotiate(request, GEO_TYPES))


def link(href: str) -> dict[str, str]:
    return {"href": href}
