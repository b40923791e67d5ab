"""The map's files served gzip-compressed once per process, not once per request.

Streamlit puts every route of the app behind Starlette's gzip middleware at
level 9, which compresses the body again for every request and keeps nothing.
The map's files (Leaflet, the engine, the compiled timeline, popups and
backdrop: about 1.6 MB) are the same for every reader, so with many readers
opening the page at once that repeated compression was a large share of the
server's CPU. :class:`CompressedFiles` compresses each file once, keeps the
result in memory, and marks the response as already encoded, so the middleware
passes it through untouched.
"""

from __future__ import annotations

import gzip
import os
from functools import lru_cache

import anyio.to_thread
from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

#: Files smaller than this are sent as they are (the middleware's own threshold).
MIN_SIZE = 500


def accepts_gzip(scope: Scope) -> bool:
    """Whether the request says it accepts a gzip-encoded body.

    Parameters
    ----------
    scope
        The ASGI request scope.

    Returns
    -------
    bool
        True when ``Accept-Encoding`` names gzip (without ``q=0``).
    """
    for part in Headers(scope=scope).get("accept-encoding", "").lower().split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


@lru_cache(maxsize=64)
def gzipped(path: str, mtime_ns: int, size: int) -> bytes:
    """The file's bytes gzip-compressed; cached per path, modification time and size.

    Parameters
    ----------
    path
        The file.
    mtime_ns, size
        Its ``os.stat`` figures: part of the cache key, so a changed file is
        compressed again.

    Returns
    -------
    bytes
        The gzip stream (``mtime=0``, so the same file always gives the same bytes).
    """
    with open(path, "rb") as file:
        return gzip.compress(file.read(), compresslevel=9, mtime=0)


class CompressedFiles(StaticFiles):
    """Starlette's static files, sent gzip-compressed from a per-process cache.

    Only whole ``GET`` answers of files of :data:`MIN_SIZE` bytes or more, to
    requests that accept gzip, are compressed; range requests, ``HEAD``,
    not-modified and error answers are Starlette's own.
    """

    async def get_response(self, path: str, scope: Scope) -> Response:
        """Starlette's answer, with the body replaced by the cached gzip stream when it may be."""
        response = await super().get_response(path, scope)
        if (
            not isinstance(response, FileResponse)
            or response.status_code != 200
            or scope["method"] != "GET"
            or "range" in Headers(scope=scope)
            or not accepts_gzip(scope)
        ):
            return response
        # Starlette's lookup has already stat'ed the file; stat again only if it did not say.
        stat = response.stat_result or os.stat(response.path)
        if stat.st_size < MIN_SIZE:
            return response
        body = await anyio.to_thread.run_sync(gzipped, str(response.path), stat.st_mtime_ns, stat.st_size)
        headers = {k: v for k, v in response.headers.items() if k not in ("content-length", "accept-ranges")}
        headers["content-encoding"] = "gzip"
        headers["vary"] = "Accept-Encoding"
        return Response(body, status_code=200, headers=headers)
