"""Leaflet and jQuery are copied from installed packages, never fetched."""

from __future__ import annotations

import json
import os
import time

from mapapp import assets


def test_vendor_files_are_published(tmp_path):
    assets.publish_vendor_files(tmp_path)
    assets.publish_vendor_files(tmp_path)  # idempotent
    js, css = assets.vendor_links("/app/static")
    for _, url in js + css:
        if url.endswith(assets.MAP_CSS):
            continue
        relative = url.removeprefix("/app/static/")
        assert (tmp_path / relative).stat().st_size > 10_000, url
    assert (tmp_path / "vendor" / "leaflet-1.9.3" / "images" / "marker-icon.png").exists()


def test_published_geojson_is_named_by_content(tmp_path):
    doc = {"type": "FeatureCollection", "features": []}
    url = assets.publish_geojson("towns", doc, "/base/app/static", tmp_path)
    assert url.startswith("/base/app/static/data/towns.") and url.endswith(".geojson")
    path = tmp_path / "data" / url.rsplit("/", 1)[1]
    assert json.loads(path.read_text()) == doc
    assert assets.publish_geojson("towns", doc, "/base/app/static", tmp_path) == url
    other = assets.publish_geojson("towns", {**doc, "x": 1}, "/base/app/static", tmp_path)
    assert other != url


def test_published_files_are_readable_and_stale_versions_removed(tmp_path):
    doc = {"type": "FeatureCollection", "features": []}
    first = assets.publish_geojson("events", doc, "/p", tmp_path)
    old = tmp_path / "data" / first.rsplit("/", 1)[1]
    assert oct(old.stat().st_mode & 0o777) == "0o644"
    other_layer = assets.publish_geojson("towns", doc, "/p", tmp_path)
    day_ago = time.time() - assets.STALE_AFTER_S - 10
    os.utime(old, (day_ago, day_ago))
    assets.publish_geojson("events", {**doc, "v": 2}, "/p", tmp_path)
    assert not old.exists()
    assert (tmp_path / "data" / other_layer.rsplit("/", 1)[1]).exists()


def test_recent_versions_are_kept_for_other_processes(tmp_path):
    doc = {"type": "FeatureCollection", "features": []}
    first = assets.publish_geojson("events", doc, "/p", tmp_path)
    assets.publish_geojson("events", {**doc, "v": 2}, "/p", tmp_path)
    assert (tmp_path / "data" / first.rsplit("/", 1)[1]).exists()


def test_static_prefix_follows_base_url_path():
    assert assets.static_prefix("") == "/app/static"
    assert assets.static_prefix("/maps/") == "/maps/app/static"


def test_ensure_file_writes_once_and_world_readable(tmp_path):
    path = tmp_path / "data" / "x.json"
    assets.ensure_file(path, b"{}")
    assert path.read_bytes() == b"{}" and oct(path.stat().st_mode & 0o777) == "0o644"
    assets.ensure_file(path, b"changed")  # there already: left alone
    assert path.read_bytes() == b"{}"
