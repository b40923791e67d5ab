"""Files the map fetches: from installed packages and a cache folder, never the package."""

from __future__ import annotations

import os
import time
from pathlib import Path

from mapapp import assets


def test_the_engine_and_leaflet_are_served_by_the_app_itself():
    links = assets.engine_links()
    routes = dict(assets.file_routes())
    urls = [links["leaflet"], links["engine"], *links["css"]]
    assert links["engine"].endswith("/static/timemap.js") and links["leaflet"].endswith("/leaflet.js")
    for url in urls:
        assert url.startswith(assets.URL_PREFIX + "/"), url
        route = next(path for path in routes if url.startswith(path + "/"))
        file = routes[route] / url.removeprefix(route + "/")
        assert file.stat().st_size > 1_000, url
    leaflet = next(folder for path, folder in routes.items() if "/vendor/leaflet-1.9.3" in path)
    assert (leaflet / "images" / "marker-icon.png").exists()
    assert assets.engine_links("/p")["engine"] == "/p/static/timemap.js"


def test_our_scripts_are_committed_files_of_the_package():
    for name in (assets.ENGINE_JS, assets.COMPONENT_JS, assets.MAP_CSS):
        assert (assets.PACKAGE_STATIC / name).stat().st_size > 500, name


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


def test_published_json_is_named_by_content(tmp_path):
    body = b'{"layers": []}'
    url = assets.publish_json("timeline", body, "/p", tmp_path)
    assert url.startswith("/p/data/timeline.") and url.endswith(".json")
    path = tmp_path / url.rsplit("/", 1)[1]
    assert path.read_bytes() == body
    assert assets.publish_json("timeline", body, "/p", tmp_path) == url
    other = assets.publish_json("timeline", b'{"layers": [1]}', "/p", tmp_path)
    assert other != url


def test_published_files_are_readable_and_stale_versions_removed(tmp_path):
    first = assets.publish_json("timeline", b"{}", "/p", tmp_path)
    old = tmp_path / first.rsplit("/", 1)[1]
    assert oct(old.stat().st_mode & 0o777) == "0o644"
    other_name = assets.publish_json("popups", b"{}", "/p", tmp_path)
    day_ago = time.time() - assets.STALE_AFTER_S - 10
    os.utime(old, (day_ago, day_ago))
    assets.publish_json("timeline", b'{"v": 2}', "/p", tmp_path)
    assert not old.exists()
    assert (tmp_path / other_name.rsplit("/", 1)[1]).exists()


def test_recent_versions_are_kept_for_other_processes(tmp_path):
    first = assets.publish_json("timeline", b"{}", "/p", tmp_path)
    assets.publish_json("timeline", b'{"v": 2}', "/p", tmp_path)
    assert (tmp_path / first.rsplit("/", 1)[1]).exists()


def test_files_unused_for_a_day_are_cleaned_and_files_in_use_kept(tmp_path):
    unused, in_use = tmp_path / "timeline.a.json", tmp_path / "timeline.b.json"
    assets.ensure_file(unused, b"{}")
    assets.ensure_file(in_use, b"{}")
    day_ago = time.time() - assets.STALE_AFTER_S - 10
    os.utime(unused, (day_ago, day_ago))
    os.utime(in_use, (day_ago, day_ago))
    assert assets.mark_in_use(in_use)  # asked for again: its time is refreshed
    assert not assets.mark_in_use(tmp_path / "gone.json")
    assert assets.remove_stale_files(tmp_path) == 1
    assert not unused.exists() and in_use.exists()


def test_ensure_file_writes_once_and_world_readable(tmp_path):
    path = tmp_path / "data" / "x.json"
    assets.ensure_file(path, b"{}")
    assert path.read_bytes() == b"{}" and oct(path.stat().st_mode & 0o777) == "0o644"
    assets.ensure_file(path, b"changed")  # there already: left alone
    assert path.read_bytes() == b"{}"
