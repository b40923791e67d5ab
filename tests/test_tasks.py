"""The project's commands: the JavaScript check that ``python3 tasks.py test`` runs first."""

from __future__ import annotations

import importlib.util
import shutil

import pytest
from helpers import REPO

spec = importlib.util.spec_from_file_location("tasks", REPO / "tasks.py")
tasks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tasks)

NODE = shutil.which("node") or shutil.which("nodejs")
needs_node = pytest.mark.skipif(NODE is None, reason="tasks.py installs Node.js before the tests run")


@needs_node
def test_the_package_javascript_parses():
    files = sorted((REPO / "mapapp" / "static").glob("*.js"))
    assert {f.name for f in files} >= {"timemap.js", "component.js", "reader.js", "reader-site.js"}
    assert tasks.js_problems(NODE, files) == []


@needs_node
def test_the_reader_editions_bundles_parse(tmp_path):
    from mapapp import reader

    # Files joined into one module: a name declared twice would only fail here (or in a reader's browser).
    bundles = []
    for start in (reader.SITE_JS, reader.SINGLE_JS):
        path = tmp_path / f"bundle-{start}"
        path.write_text(reader.bundle(start), encoding="utf-8")
        bundles.append(path)
    assert tasks.js_problems(NODE, bundles) == []


@needs_node
def test_a_syntax_error_in_a_module_is_found_and_named(tmp_path):
    broken = tmp_path / "broken.js"
    # `node --check broken.js` says nothing about this file: it is read as a module.
    broken.write_text("export const a = 1;\nconst b = ;\n", encoding="utf-8")
    fine = tmp_path / "fine.js"
    fine.write_text("export const a = 1;\n", encoding="utf-8")
    problems = tasks.js_problems(NODE, [fine, broken])
    assert len(problems) == 1 and "broken.js" in problems[0] and "SyntaxError" in problems[0]
