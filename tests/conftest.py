"""Shared fixtures: a tiny, valid data directory built inline."""

from __future__ import annotations

import atexit
import copy
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from helpers import minimal_layers, write_layers

# Generated files go to a cache folder of this test run, never into the package or
# the user's cache (the browser tests' server inherits it).
os.environ["MAPAPP_CACHE_DIR"] = tempfile.mkdtemp(prefix="mapapp-test-cache-")
atexit.register(shutil.rmtree, os.environ["MAPAPP_CACHE_DIR"], ignore_errors=True)


@pytest.fixture
def layers() -> dict[str, dict]:
    """A fresh copy of the minimal layers, to spoil in a test."""
    return copy.deepcopy(minimal_layers())


@pytest.fixture
def data_dir(tmp_path: Path, layers: dict[str, dict]) -> Path:
    """A small valid data directory."""
    return write_layers(tmp_path / "geodata", layers)
