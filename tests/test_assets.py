"""Files the map fetches: from installed packages and a cache folder, never the package."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from mapapp import assets


def test_vendor_files_are_served_from_their_packages():
    js, css = assets.vendor_links()
    routes = dict(assets.file_routes())
    for _, url in js + css:
        route = next(path for path in routes if url.startswith(path + "/"))
        file = routes[route] / url.removeprefix(route + "/")
        assert file.stat().st_size > 1_000, url
    leaflet = next(folder for path, folder in routes.items() if "/vendor/leaflet-1.9.3" in path)
    assert (leaflet / "images" / "marker-icon.png").exists()


def test_generated_files_go_to_the_cache_folder_not_the_package(tmp_path, monkeypatch):
    monkeypatch.setenv(assets.CACHE_ENV, str(tmp_path / "cache"))
    routes = dict(assets.file_routes())
    assert routes[f"{assets.URL_PREFIX}/data"] == tmp_path / "cache" / "data"
    assert (tmp_path / "cache" / "data").is_dir()
    package = Path(assets.__file__).parent
    assert all(
        not str(folder).startswith(str(package)) or folder == assets.PACKAGE_STATIC
        for folder in routes.values()
    )


def test_the_cache_folder_defaults_to_the_users_cache(tmp_path, monkeypatch):
    monkeypatch.delenv(assets.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert assets.cache_dir() == tmp_path / "xdg" / "border-crisis-map"


def test_an_unwritable_users_cache_falls_back_to_a_temporary_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(assets.CACHE_ENV, raising=False)
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    folder = assets.cache_dir()
    assert folder.name.startswith("border-crisis-map-") and os.access(folder, os.W_OK)


def test_published_geojson_is_named_by_content(tmp_path):
    doc = {"type": "FeatureCollection", "features": []}
    url = assets.publish_geojson("towns", doc, "/p", tmp_path)
    assert url.startswith("/p/data/towns.") and url.endswith(".geojson")
    path = tmp_path / url.rsplit("/", 1)[1]
    assert json.loads(path.read_text()) == doc
    assert assets.publish_geojson("towns", doc, "/p", tmp_path) == url
    other = assets.publish_geojson("towns", {**doc, "x": 1}, "/p", tmp_path)
    assert other != url


def test_published_files_are_readable_and_stale_versions_removed(tmp_path):
    doc = {"type": "FeatureCollection", "features": []}
    first = assets.publish_geojson("events", doc, "/p", tmp_path)
    old = tmp_path / first.rsplit("/", 1)[1]
    assert oct(old.stat().st_mode & 0o777) == "0o644"
    other_layer = assets.publish_geojson("towns", doc, "/p", tmp_path)
    day_ago = time.time() - assets.STALE_AFTER_S - 10
    os.utime(old, (day_ago, day_ago))
    assets.publish_geojson("events", {**doc, "v": 2}, "/p", tmp_path)
    assert not old.exists()
    assert (tmp_path / other_layer.rsplit("/", 1)[1]).exists()


def test_recent_versions_are_kept_for_other_processes(tmp_path):
    doc = {"type": "FeatureCollection", "features": []}
    first = assets.publish_geojson("events", doc, "/p", tmp_path)
    assets.publish_geojson("events", {**doc, "v": 2}, "/p", tmp_path)
    assert (tmp_path / first.rsplit("/", 1)[1]).exists()


def test_day_files_unused_for_a_day_are_cleaned_and_files_in_use_kept(tmp_path):
    unused, in_use = tmp_path / "camps-day.a.geojson", tmp_path / "camps-day.b.geojson"
    assets.ensure_file(unused, b"{}")
    assets.ensure_file(in_use, b"{}")
    day_ago = time.time() - assets.STALE_AFTER_S - 10
    os.utime(unused, (day_ago, day_ago))
    os.utime(in_use, (day_ago, day_ago))
    assets.ensure_file(in_use, b"{}")  # asked for again: its time is refreshed
    assert assets.remove_stale_files(tmp_path) == 1
    assert not unused.exists() and in_use.exists()


def test_ensure_file_writes_once_and_world_readable(tmp_path):
    path = tmp_path / "data" / "x.json"
    assets.ensure_file(path, b"{}")
    assert path.read_bytes() == b"{}" and oct(path.stat().st_mode & 0o777) == "0o644"
    assets.ensure_file(path, b"changed")  # there already: left alone
    assert path.read_bytes() == b"{}"
