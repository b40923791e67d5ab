"""The map's files: compressed once, decoded to the same bytes, Starlette's answers otherwise."""

from __future__ import annotations

import asyncio
import concurrent.futures
import gzip
import os

import pytest
from starlette.exceptions import HTTPException

from mapapp import staticfiles
from mapapp.staticfiles import CompressedFiles, accepts_gzip


def get(app, path: str, headers: dict[str, str] | None = None, method: str = "GET"):
    """One request to an ASGI app: (status, headers, body)."""
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
    }
    sent = []
    asked = []

    async def receive():
        # The request once; then nothing until the response is done (no disconnect).
        if not asked:
            asked.append(True)
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()

    async def send(message):
        sent.append(message)

    # In a thread of its own: the browser tests leave an event loop running in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start = sent[0]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body


@pytest.fixture
def files(tmp_path):
    staticfiles.gzipped.cache_clear()
    big = ('{"features": [' + ",".join(['{"id": "camp-1", "n": 2000}'] * 400) + "]}").encode()
    (tmp_path / "timeline.json").write_bytes(big)
    (tmp_path / "tiny.js").write_bytes(b"export const x = 1;\n")
    return tmp_path, big, CompressedFiles(directory=tmp_path)


def test_a_file_is_sent_gzip_encoded_and_decodes_to_its_bytes(files):
    _, big, app = files
    status, headers, body = get(app, "/timeline.json", {"Accept-Encoding": "gzip, deflate, br"})
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert headers["vary"] == "Accept-Encoding"
    assert headers["content-type"].startswith("application/json")
    assert int(headers["content-length"]) == len(body) < len(big)
    assert gzip.decompress(body) == big


def test_a_file_is_compressed_once_for_many_requests(files):
    _, _, app = files
    for _ in range(5):
        get(app, "/timeline.json", {"Accept-Encoding": "gzip"})
    info = staticfiles.gzipped.cache_info()
    assert (info.misses, info.hits) == (1, 4)


def test_a_changed_file_is_compressed_again(files):
    folder, _, app = files
    get(app, "/timeline.json", {"Accept-Encoding": "gzip"})
    changed = b'{"changed": true, "pad": "' + b"x" * 2000 + b'"}'
    (folder / "timeline.json").write_bytes(changed)
    os.utime(folder / "timeline.json", ns=(1, 1))
    _, _, body = get(app, "/timeline.json", {"Accept-Encoding": "gzip"})
    assert gzip.decompress(body) == changed


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Accept-Encoding": "br"},
        {"Accept-Encoding": "gzip;q=0"},
        {"Accept-Encoding": "gzip", "Range": "bytes=0-9"},
    ],
    ids=["no-accept-encoding", "brotli-only", "gzip-refused", "range"],
)
def test_requests_that_cannot_take_gzip_get_the_file_as_it_is(files, headers):
    _, big, app = files
    status, sent, body = get(app, "/timeline.json", headers)
    assert "content-encoding" not in sent
    if "Range" in headers:
        assert (status, body) == (206, big[:10])
    else:
        assert (status, body) == (200, big)


def test_small_files_head_missing_and_not_modified_are_starlettes_own(files):
    _, _, app = files
    status, sent, body = get(app, "/tiny.js", {"Accept-Encoding": "gzip"})
    assert (status, body, "content-encoding" in sent) == (200, b"export const x = 1;\n", False)
    status, sent, _ = get(app, "/timeline.json", {"Accept-Encoding": "gzip"}, method="HEAD")
    assert (status, "content-encoding" in sent) == (200, False)
    with pytest.raises(HTTPException) as missing:  # the app's exception handler answers it
        get(app, "/nothing.json", {"Accept-Encoding": "gzip"})
    assert missing.value.status_code == 404
    _, first, _ = get(app, "/timeline.json", {"Accept-Encoding": "gzip"})
    again = get(app, "/timeline.json", {"Accept-Encoding": "gzip", "If-None-Match": first["etag"]})
    assert again[0] == 304


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("gzip", True),
        ("deflate, GZIP", True),
        ("gzip;q=0.5", True),
        ("*", True),
        ("gzip; q=0", False),
        ("", False),
    ],
)
def test_accepts_gzip_reads_the_header(value, expected):
    scope = {"type": "http", "headers": [(b"accept-encoding", value.encode())]}
    assert accepts_gzip(scope) is expected
