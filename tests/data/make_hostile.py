"""Build ``tests/data/hostile/``: the bundled data with hostile text in every text field.

Run from the repository root (re-runnable; the tests check the committed copy
still passes ``validate``)::

    python tests/data/make_hostile.py

Every free-text value of every layer (names, notes, the notes and labels inside
closures, counts and progress, the monthly table's text columns) gets the
payloads below appended, every list of sources gets URLs that are valid but
try to break out of Markdown and HTML, and the first feature of each layer gets
a 100 KB name. A field whose schema does not take free text (ids, dates,
enumerations) is left as it was: the script injects,
runs the project's own validation, and puts back each value it rejects, so the
fixture always passes ``python -m mapapp validate``. The backdrop and border
lines are simplified to keep the fixture small.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from mapapp import data  # noqa: E402
from mapapp.layers import REGISTRY  # noqa: E402

OUT = REPO / "tests" / "data" / "hostile"

#: Text that must be shown literally wherever it ends up.
PAYLOADS = (
    "{{7*7}}",
    "{% raw %}",
    "{# of people}",
    "{{ unfinished",
    "{{ lipsum.__globals__.os.popen(dict(id=1)|first).read()|trim }}",
    "{{'map_div'}}",
    "<script>window.__hostile=1</script>",
    '<img src=x onerror="window.__hostile=2">',
    "</script><script>window.__hostile=3</script>",
    "[log in here](https://evil.example)",
    "![px](http://127.0.0.1:9/p.png)",
    ":red[alarm] :material/warning: $x^2$",
    "$` $& $' $$",
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\u202eevil\u202c \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
    "zero\u200bwidth\u200d\ufeff",
    "` ' \" \\ \\u0041",
)
HOSTILE_TEXT = " ".join(PAYLOADS)
#: One long value per layer (100 KB).
LONG_TEXT = "{{7*7}}" + "x" * 100_000
#: Valid source URLs that try to break out of Markdown links and HTML attributes.
HOSTILE_URLS = (
    "https://a.example/x)![px](http://127.0.0.1:9/img.png",
    "https://b.example/'onmouseover=window.__hostile=4'",
    "https://c.example/$&$'?q=[x](javascript:alert(1))",
)
#: Fields whose text is structure, not prose: never injected.
STRUCTURAL = {
    "id",
    "layer",
    "sources",
    "source_url",
    "start",
    "end",
    "date",
    "style",
    "country",
    "month",
    "metric",
    "value",
    "value_kind",
    "date_precision",
    "end_precision",
    "basis",
    "period_start",
    "period_end",
}


def _inject(value: object, key: str = "") -> object:
    """``value`` with the payloads appended to each free-text string in it."""
    if key == "sources" and isinstance(value, list):
        return [*value, *HOSTILE_URLS]
    if key in STRUCTURAL:
        return value
    if isinstance(value, str):
        return f"{value} {HOSTILE_TEXT}" if value else HOSTILE_TEXT
    if isinstance(value, list):
        return [_inject(item, key) for item in value]
    if isinstance(value, dict):
        return {k: _inject(v, k) for k, v in value.items()}
    return value


def _lean(doc: dict, tolerance: float) -> dict:
    """The collection with its geometries simplified (fixture size)."""
    for feature in doc["features"]:
        geom = shape(feature["geometry"]).simplify(tolerance, preserve_topology=True)
        feature["geometry"] = mapping(shapely.set_precision(geom, 1e-4))
    return doc


def _rejected(spec, doc: dict) -> set[tuple[str, str]]:
    """(feature id, top-level field) pairs the project's validation rejects."""
    problems = data.check_layer(spec, doc, spec.file)
    return {(str(p.feature_id), str(p.field).split("[")[0].split(".")[0]) for p in problems}


def hostile_layer(spec, original: dict) -> dict:
    """One layer with hostile text wherever its schema takes free text."""
    doc = json.loads(json.dumps(original))
    for index, feature in enumerate(doc["features"]):
        props = feature["properties"]
        feature["properties"] = {k: _inject(v, k) for k, v in props.items()}
        if index == 0 and "name" in props:
            feature["properties"]["name"] = LONG_TEXT
    # Put back every value the schema rejects (an enumeration, a code), feature by feature.
    originals = {f["properties"]["id"]: f["properties"] for f in original["features"]}
    for _ in range(5):
        bad = _rejected(spec, doc)
        if not bad:
            return doc
        for feature in doc["features"]:
            fid = feature["properties"]["id"]
            for bad_id, name in bad:
                if bad_id == fid and name in originals[fid]:
                    feature["properties"][name] = originals[fid][name]
    raise SystemExit(f"{spec.file}: still rejected after restoring: {sorted(_rejected(spec, doc))[:5]}")


def _csv_text(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def hostile_monthly(path: Path, scratch: Path) -> str:
    """The monthly table with hostile text in every column that takes free text, and a hostile source."""
    original = list(csv.DictReader(path.open(encoding="utf-8")))
    rows = [{k: (v if k in STRUCTURAL else _inject(v)) for k, v in row.items()} for row in original]
    rows[0]["source_url"] = HOSTILE_URLS[0]
    for _ in range(5):
        scratch.write_text(_csv_text(rows), encoding="utf-8")
        _, problems = data.read_monthly(scratch, scratch.name)
        if not problems:
            return _csv_text(rows)
        for problem in problems:  # put back what the table's schema does not take as free text
            line = int(str(problem.feature_id).removeprefix("line ")) - 2
            rows[line][problem.field] = original[line][problem.field]
    raise SystemExit(f"{data.MONTHLY_FILE}: still rejected: {problems[:3]}")


def main() -> None:
    """Write the fixture from the bundled data."""
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    for spec in REGISTRY:
        original = json.loads((data.DEFAULT_DATA_DIR / spec.file).read_text(encoding="utf-8"))
        if spec.id in ("countries", "border_segments"):
            original = _lean(original, 0.02)
        doc = hostile_layer(spec, original)
        (OUT / spec.file).write_text(json.dumps(doc, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    monthly = hostile_monthly(data.DEFAULT_DATA_DIR / data.MONTHLY_FILE, OUT / data.MONTHLY_FILE)
    (OUT / data.MONTHLY_FILE).write_text(monthly, encoding="utf-8")
    _, _, problems = data.validate_directory(OUT)
    if problems:
        raise SystemExit("\n".join(str(p) for p in problems[:20]))
    print(f"wrote {OUT.name}/: valid")


if __name__ == "__main__":
    main()
