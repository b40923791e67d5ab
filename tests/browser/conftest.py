"""Browser fixtures: the real app on a free port, and Chromium driven by Playwright.

The browser comes from $MAPAPP_CHROMIUM (set by ``python3 tasks.py test``), or a
system Chromium. With none, the tests fail and say why: they are never skipped.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(
    root: Path = REPO,
    env: dict | None = None,
    log_name: str = "streamlit.log",
    prefix: list[str] | None = None,
):
    """Start ``streamlit run mapapp/server.py`` in ``root`` as the README does; returns (process, url).

    ``prefix`` goes before the command (e.g. to run it as another user). Fails
    the test, naming the log, if the server does not answer within 90 s.
    """
    port = _free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = (ARTIFACTS / log_name).open("w")
    proc = subprocess.Popen(
        [
            *(prefix or []),
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "mapapp/server.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
        ],
        cwd=root,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "MAPAPP_DATA_DIR": "", **(env or {})},
    )
    proc.log = log
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            log.close()
            pytest.fail(f"the app did not start (see {ARTIFACTS.name}/{log_name})")
        time.sleep(0.3)
    return proc, url


def stop_app(proc) -> None:
    """Stop a server started by :func:`start_app`."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    proc.log.close()


@pytest.fixture(scope="session")
def app_url():
    """The app on the bundled data."""
    proc, url = start_app()
    yield url
    stop_app(proc)


@pytest.fixture(scope="session")
def hostile_app_url():
    """The app on the hostile fixture (``tests/data/hostile``)."""
    proc, url = start_app(
        env={"MAPAPP_DATA_DIR": str(REPO / "tests" / "data" / "hostile")}, log_name="hostile.log"
    )
    yield url
    stop_app(proc)


def chromium_executable() -> str | None:
    """Path of the Chromium to use, None for Playwright's own; fails if there is none."""
    given = os.environ.get("MAPAPP_CHROMIUM")
    if given == "playwright":
        return None
    if given:
        return given
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if shutil.which(name):
            return shutil.which(name)
    pytest.fail(
        "no Chromium for the browser tests: run them with `python3 tasks.py test`, which finds or "
        "installs one, or set MAPAPP_CHROMIUM"
    )


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh context (no cache) at a laptop's size, recording every request."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.requested_urls = []
    page.on("request", lambda request: page.requested_urls.append(request.url))
    yield page
    context.close()
