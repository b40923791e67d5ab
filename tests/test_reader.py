"""The reader edition's files: what ``python -m mapapp publish`` writes, and the single file."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import json
import re

import brotli
import pytest
from helpers import REPO, write_layers

from mapapp import cli, data, reader

DAY = dt.date(2021, 11, 16)
BLOCK = re.compile(r'<script type="application/json" id="rd-(\w+)">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def bundled() -> data.Dataset:
    return data.load_dataset()


@pytest.fixture(scope="module")
def site(bundled) -> dict[str, bytes]:
    return reader.site_files(bundled)


def _tree(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_the_site_names_every_file_by_its_content(site):
    page = site["index.html"].decode("utf-8")
    config = json.loads(dict(BLOCK.findall(page))["config"])
    named = set(re.findall(r'(?:href|src)="([^"#:]+)"', page)) | set(config["files"].values())
    assert named == set(site) - {"index.html"}
    for name, body in site.items():
        if name != "index.html":
            _, digest, _ = name.split(".")
            assert digest == hashlib.sha256(body).hexdigest()[:12], name
    # What the page fetches first is preloaded; the popups wait for the first click.
    for key in ("timeline", "pages", "backdrop"):
        assert f'<link rel="preload" href="{config["files"][key]}" as="fetch" crossorigin>' in page
    assert config["files"]["popups"] not in page.split('id="rd-config"')[0]


def test_the_site_holds_no_third_party_and_no_data_text_in_its_html(site):
    page = site["index.html"].decode("utf-8")
    assert not re.search(r'(?:href|src)="https?:', page)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "script-src 'self';" in policy and "unsafe-eval" not in policy and "default-src 'none'" in policy
    # The only outside address the page may use is the tile server of the OpenStreetMap basemap.
    assert set(re.findall(r"https?://[^\s;]+", policy)) == {reader.TILE_ORIGIN}


def test_compressed_copies_hold_the_same_bytes(site):
    files = reader.with_compressed_copies(site)
    for name, body in site.items():
        assert gzip.decompress(files[name + ".gz"]) == body
        assert brotli.decompress(files[name + ".br"]) == body
        assert len(files[name + ".br"]) < len(body)


def test_the_bundle_is_the_engine_and_the_page_without_imports():
    code = reader.bundle(reader.SITE_JS)
    assert "export class TimeMap" in code and "export class Reader" in code
    assert not re.search(r"^import ", code, re.M)


def test_single_file_carries_everything_and_only_its_own_scripts_may_run(bundled):
    start = reader.Start(day=DAY, layers=("events", "camps"), basemap="osm", where=(53.6, 23.8, 9))
    html = reader.single_file(bundled, start)
    assert "<script src=" not in html and '<link rel="stylesheet"' not in html
    blocks = dict(BLOCK.findall(html))
    assert set(blocks) == {"config", "timeline", "pages", "popups", "backdrop"}
    rules = json.loads(blocks["config"])["rules"]
    assert (rules["defaultDay"], rules["defaultLayers"], rules["defaultBasemap"], rules["defaultWhere"]) == (
        "2021-11-16",
        ["events", "camps"],
        "osm",
        [53.6, 23.8, 9],
    )
    docs = reader.documents(bundled)
    for name in ("timeline", "pages", "popups", "backdrop"):
        assert json.loads(blocks[name]) == docs[name]
    # The policy allows exactly the two inline scripts, by hash.
    policy = re.search(r'Content-Security-Policy" content="([^"]+)"', html).group(1)
    scripts = re.findall(r"<script(?: type=\"module\")?>(.*?)</script>", html, re.S)
    assert len(scripts) == 2
    for body in scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert "'self'" not in policy.split("script-src")[1].split(";")[0]


def test_the_data_cannot_end_a_script_element(tmp_path, layers):
    layers["events.geojson"]["features"][2]["properties"]["name"] = "</script><script>alert(1)</script>"
    dataset = data.load_dataset(write_layers(tmp_path / "geodata", layers))
    html = reader.single_file(dataset, reader.Start(day=DAY, layers=("events",)))
    assert "<script>alert(1)" not in html
    assert html.count("<script") == html.count("</script>") == 7


def test_publishing_twice_gives_the_same_bytes(tmp_path):
    for out in ("one", "two"):
        assert cli.main(["publish", str(tmp_path / out)]) == 0
    one, two = _tree(tmp_path / "one"), _tree(tmp_path / "two")
    assert one == two
    assert "index.html" in one and "index.html.br" in one and len(one) == 3 * 9
    assert cli.main(["publish", str(tmp_path / "single"), "--single-file"]) == 0
    assert cli.main(["publish", str(tmp_path / "single2"), "--single-file"]) == 0
    assert _tree(tmp_path / "single") == _tree(tmp_path / "single2")


def test_publishing_again_replaces_an_earlier_edition(tmp_path):
    out = tmp_path / "out"
    assert cli.main(["publish", str(out)]) == 0
    stale = out / "timeline.0123456789ab.json"
    stale.write_text("{}")
    keep = out / "robots.txt"
    keep.write_text("User-agent: *\n")
    assert cli.main(["publish", str(out), "--base", "osm"]) == 0
    assert not stale.exists() and keep.exists()
    assert '"defaultBasemap":"osm"' in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args, words",
    [
        (["--base", "satellite"], "invalid choice: 'satellite'"),
        (["--zip"], "unrecognized arguments: --zip"),
        ([], "the following arguments are required: OUT"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(tmp_path, capsys, args, words):
    argv = ["publish", *args] + ([str(tmp_path / "out")] if args else [])
    with pytest.raises(SystemExit) as stop:
        cli.main(argv)
    assert stop.value.code == 2
    assert words in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_invalid_data_exits_2_and_writes_nothing(tmp_path, layers, capsys):
    layers["events.geojson"]["features"][0]["properties"]["start"] = "2021-13-45"
    directory = write_layers(tmp_path / "geodata", layers)
    out = tmp_path / "out"
    assert cli.main(["publish", str(out), "--data-dir", str(directory)]) == 2
    err = capsys.readouterr().err
    assert "events.geojson" in err and "nothing was written" in err
    assert not out.exists()


def test_a_folder_of_other_files_is_left_alone(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert cli.main(["publish", str(out)]) == 2
    assert "not empty and holds no reader edition" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    target = tmp_path / "file.html"
    target.write_text("x")
    assert cli.main(["publish", str(target)]) == 2
    assert target.read_text() == "x"


def test_the_site_is_small_enough_for_a_first_view(site):
    """The budget of the issue: what a first view transfers, gzip-compressed (the popups wait)."""
    files = reader.with_compressed_copies(site)
    config = json.loads(dict(BLOCK.findall(site["index.html"].decode("utf-8")))["config"])
    first = [n for n in site if n != config["files"]["popups"]]
    total = sum(len(files[n + ".gz"]) for n in first)
    assert total <= 1_500_000, total


def test_the_hostile_fixture_publishes(tmp_path):
    out = tmp_path / "out"
    assert cli.main(["publish", str(out), "--data-dir", str(REPO / "tests" / "data" / "hostile")]) == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "{{" not in page and "__hostile" not in page
