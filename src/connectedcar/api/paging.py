"""Collections: limit/offset (seed 000) and indexRange/pageSize (v2 spec, seeds 001 and 003), with
HAL `_links` self/first/prev/next/last that are true for the page served."""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import Query, Request

from connectedcar.api.errors import InvalidParameter
from connectedcar.api.rendering import link

_INDEX_RANGE = re.compile(r"^(\d{1,9})-(\d{0,9})$")
_PAGING_KEYS = frozenset({"limit", "offset", "indexRange", "pageSize"})


@dataclass(frozen=True, slots=True)
class Page:
    offset: int
    limit: int
    style: str  # "offset" or "indexRange": links speak the client's dialect

    def query(self, offset: int) -> dict[str, str]:
        if self.style == "indexRange":
            return {"indexRange": f"{offset}-{offset + self.limit - 1}", "pageSize": str(self.limit)}
        return {"limit": str(self.limit), "offset": str(offset)}


def _int(name: str, raw: str | None, *, minimum: int, maximum: int) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise InvalidParameter(name, f"expected an integer, got {raw[:40]!r}") from None
    if value < minimum:
        raise InvalidParameter(name, f"must be at least {minimum}, got {value}")
    if value > maximum:
        raise InvalidParameter(name, f"must be at most {maximum}, got {value}")
    return value


def parse_page(
    *,
    limit: str | None,
    offset: str | None,
    index_range: str | None,
    page_size: str | None,
    default_limit: int,
    max_limit: int,
) -> Page:
    lim = _int("limit", limit, minimum=1, maximum=max_limit)
    off = _int("offset", offset, minimum=0, maximum=10**9)
    size = _int("pageSize", page_size, minimum=1, maximum=max_limit)
    if index_range is not None and index_range != "":
        if lim is not None or off is not None:
            raise InvalidParameter("indexRange", "use either indexRange/pageSize or limit/offset, not both")
        match = _INDEX_RANGE.match(index_range.strip())
        if not match:
            raise InvalidParameter(
                "indexRange", f"expected 'start-end' or 'start-' (e.g. 0-9), got {index_range[:40]!r}"
            )
        start = int(match.group(1))
        if match.group(2):
            end = int(match.group(2))
            if end < start:
                raise InvalidParameter("indexRange", f"end {end} is before start {start}")
            count = end - start + 1
            if count > max_limit:
                raise InvalidParameter("indexRange", f"at most {max_limit} items per page, asked for {count}")
            if size is not None:
                count = min(count, size)
        else:
            count = size or default_limit
        return Page(offset=start, limit=count, style="indexRange")
    if size is not None:
        if lim is not None:
            raise InvalidParameter("pageSize", "use either pageSize or limit, not both")
        return Page(offset=off or 0, limit=size, style="indexRange" if off is None else "offset")
    return Page(offset=off or 0, limit=lim or default_limit, style="offset")


def paging(default_limit: int = 10) -> Callable[..., Coroutine[Any, Any, Page]]:
    """A dependency reading the page parameters, with this collection's default page size."""

    async def dependency(
        request: Request,
        limit: str | None = Query(None, description=f"Page size (default {default_limit})."),
        offset: str | None = Query(None, description="Index of the first item (0-based)."),
        indexRange: str | None = Query(None, description="Alternative to limit/offset: 'start-end', e.g. 0-9."),
        pageSize: str | None = Query(None, description="Alternative to limit, with indexRange."),
    ) -> Page:
        max_limit: int = request.app.state.runtime.settings.max_page_size
        return parse_page(
            limit=limit,
            offset=offset,
            index_range=indexRange,
            page_size=pageSize,
            default_limit=default_limit,
            max_limit=max_limit,
        )

    return dependency


def _href(path: str, base_query: list[tuple[str, str]], page_query: dict[str, str]) -> str:
    return f"{path}?{urlencode([*page_query.items(), *base_query])}"


def collection_links(request: Request, page: Page, total: int) -> dict[str, dict[str, str]]:
    """self, first and last always; prev unless on the first page; next unless on the last."""
    path = request.url.path
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in _PAGING_KEYS]
    last_offset = ((total - 1) // page.limit) * page.limit if total > 0 else 0
    links = {
        "self": link(_href(path, kept, page.query(page.offset))),
        "first": link(_href(path, kept, page.query(0))),
    }
    if page.offset > 0:
        links["prev"] = link(_href(path, kept, page.query(max(0, page.offset - page.limit))))
    if page.offset + page.limit < total:
        links["next"] = link(_href(path, kept, page.query(page.offset + page.limit)))
    links["last"] = link(_href(path, kept, page.query(last_offset)))
    return links


def collection(request: Request, page: Page, total: int, name: str, items: Sequence[Any]) -> dict[str, Any]:
    return {
        "_links": collection_links(request, page, total),
        "total": total,
        "_embedded": {name: list(items)},
    }
