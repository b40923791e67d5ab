"""A read-only install works: the app writes nothing into its own folders.

The project is copied, made read-only, and started from the copy. As root
(who may write anywhere) the server runs as the unprivileged user ``nobody``
when the system allows it, so the folder is really read-only to it. Either
way the copy must be byte-for-byte unchanged after the page was drawn.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import REPO, start_app, stop_app
from mapdriver import count, open_map

pytestmark = pytest.mark.browser

NOBODY = 65534


def _tree(root: Path) -> dict[str, str]:
    """Path → content hash of every file under ``root``."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _as_nobody() -> list[str] | None:
    """The prefix that runs a command as ``nobody``, if we are root and it can run Python here."""
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or not setpriv:
        return None
    prefix = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    probe = subprocess.run([*prefix, sys.executable, "-c", "import streamlit"], capture_output=True)
    return prefix if probe.returncode == 0 else None


@pytest.fixture
def place():
    """A folder another user can reach (pytest's own temporary folders are private to us)."""
    folder = Path(tempfile.mkdtemp(prefix="mapapp-read-only-"))
    folder.chmod(0o755)
    yield folder
    for path in folder.rglob("*"):
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
    shutil.rmtree(folder)


def test_the_app_runs_from_a_read_only_copy(page, place):
    tmp_path = place
    copy = tmp_path / "project"
    for name in ("mapapp", "geodata", ".streamlit"):
        shutil.copytree(REPO / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    for path in [copy, *copy.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    before = _tree(copy)
    cache = tmp_path / "cache"
    cache.mkdir()
    prefix = _as_nobody()
    if prefix:
        os.chown(cache, NOBODY, NOBODY)
    env = {"MAPAPP_CACHE_DIR": str(cache), "PYTHONDONTWRITEBYTECODE": "1", "HOME": str(cache)}
    proc, url = start_app(root=copy, env=env, log_name="read-only.log", prefix=prefix)
    try:
        open_map(page, url)
        assert count(page, "camps") > 0
        assert page.locator('[data-testid="stException"]').count() == 0
        assert "PermissionError" not in page.inner_text("body")
    finally:
        stop_app(proc)
    assert _tree(copy) == before, "the app wrote into its own folder"
    assert any(cache.rglob("timeline.*.json")), "generated files belong in the cache folder"
