"""The map's files: compiled once per data version, written to the cache folder, found again."""

from __future__ import annotations

import json
import os
import time

import pytest
from helpers import write_layers

from mapapp import assets, compiled, data, pagedata, published
from mapapp.render import basemap


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A cache folder of this test, and a process that has published nothing yet."""
    monkeypatch.setenv(assets.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(published, "_PUBLISHED", {})
    return tmp_path / "cache" / "data"


@pytest.fixture
def dataset(tmp_path, layers):
    return data.load_dataset(write_layers(tmp_path / "geodata", layers))


def new_process(monkeypatch) -> None:
    """Forget what this process published, as a server started again would."""
    monkeypatch.setattr(published, "_PUBLISHED", {})


def no_compiling(monkeypatch) -> None:
    def refuse(dataset):
        raise AssertionError("compiled again")

    monkeypatch.setattr(compiled, "compile_timeline", refuse)


def test_the_files_are_written_once_named_by_content(cache, dataset):
    urls = published.published(dataset)
    assert set(urls) == {"timeline", "popups", "backdrop"}
    timeline, popups = compiled.compile_timeline(dataset)
    expected = {
        "timeline": compiled.to_bytes(timeline),
        "popups": compiled.to_bytes(popups),
        "backdrop": compiled.to_bytes(basemap.backdrop_collection(dataset.frame("countries"))),
    }
    for name, url in urls.items():
        file = url.removeprefix(f"{assets.URL_PREFIX}/data/")
        assert file.startswith(f"{name}.") and file.endswith(".json") and "/" not in file
        assert (cache / file).read_bytes() == expected[name]
        assert oct((cache / file).stat().st_mode & 0o777) == "0o644"
    index = cache / f"published-{published.data_version(dataset.directory)}.json"
    assert json.loads(index.read_text()) == {name: url.rsplit("/", 1)[1] for name, url in urls.items()}


def test_a_second_call_in_the_process_compiles_nothing(cache, dataset, monkeypatch):
    urls = published.published(dataset)
    no_compiling(monkeypatch)
    assert published.published(dataset) == urls


def test_a_new_process_reads_the_index_instead_of_compiling(cache, dataset, monkeypatch):
    urls = published.published(dataset)
    written = {path.name: path.stat().st_mtime_ns for path in cache.iterdir()}
    new_process(monkeypatch)
    no_compiling(monkeypatch)
    assert published.published(dataset) == urls
    assert {path.name: path.stat().st_mtime_ns for path in cache.iterdir()} == written


def test_a_new_process_writes_again_what_another_removed(cache, dataset, monkeypatch):
    urls = published.published(dataset)
    timeline_file = cache / urls["timeline"].rsplit("/", 1)[1]
    body = timeline_file.read_bytes()
    timeline_file.unlink()
    new_process(monkeypatch)
    assert published.published(dataset) == urls
    assert timeline_file.read_bytes() == body


def test_a_new_process_keeps_files_in_use_from_being_cleaned(cache, dataset, monkeypatch):
    urls = published.published(dataset)
    day_ago = time.time() - assets.STALE_AFTER_S - 10
    for path in cache.iterdir():
        os.utime(path, (day_ago, day_ago))
    new_process(monkeypatch)
    published.published(dataset)  # the index is read: its files are in use again
    assert assets.remove_stale_files(cache) == 1  # only the index itself was old
    for url in urls.values():
        assert (cache / url.rsplit("/", 1)[1]).exists()


def test_changed_data_is_a_new_version_with_new_files(cache, tmp_path, layers, monkeypatch):
    first = data.load_dataset(write_layers(tmp_path / "a", layers))
    before = published.published(first)
    version = published.data_version(first.directory)
    assert published.data_version(first.directory) == version  # the same files, the same version
    layers["events.geojson"]["features"][1]["properties"]["name"] = "Renamed event"
    write_layers(tmp_path / "a", layers)
    changed = data.load_dataset(tmp_path / "a")
    assert published.data_version(changed.directory) != version
    new_process(monkeypatch)
    after = published.published(changed)
    assert after["timeline"] != before["timeline"] and after["popups"] != before["popups"]
    assert after["backdrop"] == before["backdrop"]  # the countries did not change
    assert "Renamed event" in published.documents(changed)["popups"]["events"]["ev-span"]
    # The older version stays for a while: another process or an open page may still read it.
    assert (cache / before["timeline"].rsplit("/", 1)[1]).exists()


def test_documents_are_the_published_files_read_back(cache, dataset):
    documents = published.documents(dataset)
    timeline, popups = compiled.compile_timeline(dataset)
    assert documents["timeline"] == json.loads(compiled.to_bytes(timeline))
    assert documents["popups"] == json.loads(compiled.to_bytes(popups))
    assert [f["properties"]["id"] for f in documents["backdrop"]["features"]] == ["country-BY", "country-PL"]


def test_urls_follow_the_prefix_asked_for(cache, dataset):
    default = published.published(dataset)
    other = published.published(dataset, prefix="/elsewhere")
    for name in default:
        assert other[name] == default[name].replace(assets.URL_PREFIX, "/elsewhere", 1)


def test_the_day_figures_are_compiled_once_per_data_version(cache, dataset, monkeypatch):
    monkeypatch.setattr(published, "_PAGES", {})
    assert not published.pages_ready(dataset.directory)
    first = published.pages(dataset)
    assert published.pages_ready(dataset.directory)
    # A server started again reads them from the cache folder.
    monkeypatch.setattr(published, "_PAGES", {})
    monkeypatch.setattr(pagedata, "compile_pages", lambda d: pytest.fail("compiled again"))
    assert published.pages(dataset) == first


def test_prepare_compiles_ahead_so_the_server_has_nothing_left_to_do(cache, dataset, monkeypatch):
    from mapapp import cli

    monkeypatch.setattr(published, "_PAGES", {})
    assert cli.main(["prepare", "--data-dir", str(dataset.directory)]) == 0
    assert published.pages_ready(dataset.directory)
    assert published.compile_pages_aside(dataset.directory) is None


def test_the_server_compiles_them_aside_in_a_process_of_its_own(cache, dataset, monkeypatch):
    monkeypatch.setattr(published, "_PAGES", {})
    process = published.compile_pages_aside(dataset.directory)
    assert process is not None and process.wait(timeout=300) == 0
    assert published.pages_ready(dataset.directory)
    assert published.compile_pages_aside(dataset.directory) is None
