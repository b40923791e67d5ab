"""Benchmark the reader edition: its first view's weight, its cold load, and a day step.

Run from the repository root with the project's virtual environment::

    .venv/bin/python bench/bench_reader.py            # the whole run (a few minutes)
    .venv/bin/python bench/bench_reader.py --quick    # few samples: checks that it works

The script publishes the edition twice with the Python that runs it, into a
temporary folder (``--keep DIR`` to publish into DIR and keep it):
``python -m mapapp publish site/`` (the static site) and ``python -m mapapp
publish single/ --single-file`` (one HTML file), and times both. Then:

1. First view weight. The first view is ``index.html``, every file its
   ``href``/``src`` attributes name, and the data files its ``#rd-config``
   names but the popups (fetched once the map is drawn, listed apart). Each
   part's size as written, and of the ``.gz`` and ``.br`` copies beside it.
2. Cold load. The site folder served by ``python -m http.server`` on a free
   port of 127.0.0.1; each load in a new browser context (empty cache) at
   1366×768, until the page sets ``html[data-ready]`` (the map, its outlines
   and the panels drawn). An init script records ``performance.now()`` (ms since
   the navigation started) when the attribute appears: the main figure. The
   wall time of ``goto`` and the wait, seen from Python, is the second. That
   server sends no ``Content-Encoding``: the bytes come uncompressed from disk,
   so the weight over a network is figure 1, not this load's.
3. The single file, opened from ``file://``, the same way: its draw time, and
   its size (raw, and gzip/Brotli computed here).
4. A day step: the site opened on ``#date=2021-11-01``; in the page, a
   ``keydown`` ArrowRight dispatched on the engine's root (``.tm``), then
   animation frames until its ``data-day`` is the next day, and the frame after
   (painted). The same in-page timing as ``bench/bench_map.py`` uses for the app,
   so the two figures compare.

The baseline, in the same run: the app itself (Streamlit, the working tree, on
the same data, started as the README says with an empty cache folder), its
cold loads to every layer drawn as ``bench/bench_map.py`` times them
(``--skip-app`` to leave it out); beside it the reader edition's own cold
load seen from Python, the like-for-like figure.

It is a benchmark, not a test: the exit status is 0 whenever the figures were
measured, met or not; 1 if a measurement failed; 2 if there is no Chromium.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import brotli

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_map
from bench_map import CHROMIUM_ARGS, STEP_START, VIEWPORT, find_chromium, load_average
from bench_servers import REPO, free_port, serving, stop
from bench_table import BenchError, Row, Samples, ms, print_table, size

#: Targets: first view over the network (gzip), cold load median, single file's slowest draw, step median.
FIRST_VIEW_MAX_BYTES = 1_500_000
COLD_MAX_MS = 1000.0
SINGLE_MAX_MS = 2000.0
STEP_MAX_MS = 50.0

#: What each file of the site is, by the start of its name and its extension.
PART_NAMES = {
    ("index", "html"): "index.html",
    ("leaflet", "js"): "Leaflet",
    ("reader", "js"): "reader bundle (engine + page)",
    ("reader", "css"): "stylesheet",
    ("fromdisk", "js"): "from-disk notice",
    ("timeline", "json"): "timeline",
    ("backdrop", "json"): "backdrop (outlines)",
    ("pages", "json"): "pages (figures, chart)",
    ("popups", "json"): "popups",
}
_CONFIG = re.compile(r'<script type="application/json" id="rd-config">(.*?)</script>', re.S)
_REFERENCE = re.compile(r'\b(?:href|src)="([^"]+)"')

# Installed before any of the page's scripts (through the DevTools protocol, so the page's
# Content-Security-Policy does not stop it): the time ``data-ready`` appears, and the main
# thread's long tasks. The document is observed, not <html>, which may not exist yet.
READY_INIT_JS = """(() => {
    window.__readyAt = null;
    window.__longTasks = [];
    new MutationObserver((records, observer) => {
        const html = document.documentElement;
        if (html && html.hasAttribute("data-ready")) {
            window.__readyAt = performance.now();
            observer.disconnect();
        }
    }).observe(document, { attributes: true, attributeFilter: ["data-ready"], subtree: true });
    try {
        new PerformanceObserver((list) => {
            for (const task of list.getEntries()) window.__longTasks.push([task.startTime, task.duration]);
        }).observe({ type: "longtask", buffered: true });
    } catch (error) {}
})();"""
# What the load cost, read once the page is ready: its phases and its resources (in ms since
# the navigation started). Always a function: a bare expression would be eval'd, which the
# page's policy forbids.
TIMING_JS = """() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const ready = window.__readyAt;
    return {
        ready,
        html: nav ? nav.responseEnd : null,
        dcl: nav ? nav.domContentLoadedEventEnd : null,
        resources: performance.getEntriesByType("resource").map(
            (r) => [r.name.split("/").pop(), r.startTime, r.responseEnd, r.transferSize]),
        navBytes: nav ? nav.transferSize : 0,
        longTasks: window.__longTasks.filter(([start]) => ready === null || start < ready)
            .reduce((sum, [, duration]) => sum + duration, 0),
    };
}"""
# One key press inside the page, as bench_map.py's NEW_STEP_JS times it (keydown → the day
# drawn → the next frame), waiting for the expected day and giving up after ~600 frames so a
# page that never steps cannot hang the run.
STEP_JS = """async (root, day) => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
    const t0 = performance.now();
    root.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
    let frames = 0;
    while (root.dataset.day !== day && frames < 600) { await frame(); frames += 1; }
    const drawn = performance.now() - t0;
    await frame();
    return [drawn, performance.now() - t0, root.dataset.day];
}"""


@dataclass
class Part:
    """One file of the edition and the sizes of its copies.

    Attributes
    ----------
    name
        What it is (``PART_NAMES``).
    file
        Its file name in the site.
    raw, gz, br
        Bytes of the file and of its ``.gz`` and ``.br`` copies (None when a copy is missing).
    """

    name: str
    file: str
    raw: int
    gz: int | None
    br: int | None


@dataclass
class Loads:
    """A series of cold loads.

    Attributes
    ----------
    ready
        In the page: ms from the navigation's start to ``data-ready``.
    wall
        From Python: ms from just before ``goto`` to the ready attribute seen.
    html, dcl, data, long_tasks
        In the page: the HTML received, DOMContentLoaded, the last data file of the first
        view received (site only), and the main thread's long tasks before ready, summed (ms).
    bytes
        Bytes of the first view per load (resource timing's ``transferSize``: uncompressed here).
    resources
        The last load's resources: (file, start, end) in ms since the navigation's start.
    """

    ready: Samples = field(default_factory=Samples)
    wall: Samples = field(default_factory=Samples)
    html: Samples = field(default_factory=Samples)
    dcl: Samples = field(default_factory=Samples)
    data: Samples = field(default_factory=Samples)
    long_tasks: Samples = field(default_factory=Samples)
    bytes: list[int] = field(default_factory=list)
    resources: list[tuple[str, float, float]] = field(default_factory=list)


@dataclass
class Figures:
    """Everything one run measured (see the module's docstring)."""

    publish_site_ms: float | None = None
    publish_single_ms: float | None = None
    first_view: list[Part] = field(default_factory=list)
    later: list[Part] = field(default_factory=list)
    single_raw: int | None = None
    single_gz: int | None = None
    single_br: int | None = None
    site: Loads = field(default_factory=Loads)
    single: Loads = field(default_factory=Loads)
    steps: Samples = field(default_factory=Samples)
    steps_frame: Samples = field(default_factory=Samples)
    #: The baseline of the same run: the app (Streamlit) on the same data, cold loads to all layers drawn.
    app: bench_map.AppFigures = field(default_factory=bench_map.AppFigures)
    errors: list[str] = field(default_factory=list)


# --- publishing and weighing ----------------------------------------------------------------


def publish(out: Path, single_file: bool, timeout_s: float) -> float:
    """Publish the edition into ``out`` as the README says, with this Python; its duration.

    Parameters
    ----------
    out
        The folder to write (new, empty, or an earlier edition).
    single_file
        Pass ``--single-file``.
    timeout_s
        Longest wait for the command.

    Returns
    -------
    float
        Wall time of the command, ms.

    Raises
    ------
    BenchError
        If the command fails or runs out of time.
    """
    command = [sys.executable, "-m", "mapapp", "publish", str(out)] + (
        ["--single-file"] if single_file else []
    )
    started = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"publish did not finish within {timeout_s:.0f} s") from exc
    took = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise BenchError(f"publish exited {done.returncode}: {(done.stderr or done.stdout).strip()}")
    return took


def _part(site: Path, file: str) -> Part:
    stem, ext = file.split(".", 1)[0], file.rsplit(".", 1)[-1]
    copies = [site / f"{file}.{suffix}" for suffix in ("gz", "br")]
    gz, br = (path.stat().st_size if path.is_file() else None for path in copies)
    return Part(PART_NAMES.get((stem, ext), file), file, (site / file).stat().st_size, gz, br)


def first_view(site: Path) -> tuple[list[Part], list[Part]]:
    """The files of the first view, and those the page fetches later (the popups).

    Parameters
    ----------
    site
        The published site.

    Returns
    -------
    tuple of list of Part
        (first view, later), each part once, in the order the page names them.

    Raises
    ------
    BenchError
        If ``index.html`` has no readable ``#rd-config``, or names a file that is not there.
    """
    page = (site / "index.html").read_text(encoding="utf-8")
    found = _CONFIG.search(page)
    if not found:
        raise BenchError("index.html has no #rd-config element")
    try:
        files = json.loads(found.group(1))["files"]
    except (ValueError, KeyError) as exc:
        raise BenchError(f"#rd-config has no readable files: {exc}") from exc
    # Data URLs and other origins are not files of the site.
    named = [ref for ref in _REFERENCE.findall(page) if ":" not in ref and not ref.startswith("#")]
    named += [files[key] for key in ("timeline", "backdrop", "pages")]
    wanted = ["index.html", *dict.fromkeys(named)]
    missing = [file for file in [*wanted, files["popups"]] if not (site / file).is_file()]
    if missing:
        raise BenchError(f"index.html names file(s) the site lacks: {', '.join(missing)}")
    return [_part(site, file) for file in wanted], [_part(site, files["popups"])]


# --- the browser ----------------------------------------------------------------------------


@contextlib.contextmanager
def static_server(folder: Path, timeout_s: float = 15.0) -> Iterator[str]:
    """Serve ``folder`` with ``python -m http.server`` on a free port of 127.0.0.1.

    Parameters
    ----------
    folder
        The folder to serve.
    timeout_s
        Longest wait for its first answer.

    Yields
    ------
    str
        Its base URL (``http://127.0.0.1:PORT/``); the server is stopped on exit, also on error.

    Raises
    ------
    BenchError
        If it does not answer in time.
    """
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "http.server",
        str(port),
        "--bind",
        "127.0.0.1",
        "--directory",
        str(folder),
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as reply:
                    reply.read()
                break
            except OSError as exc:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise BenchError(f"http.server on port {port} did not answer") from exc
                time.sleep(0.1)
        yield url
    finally:
        stop(process, 5)


def _open_ready(browser, url: str, timeout_s: float):
    """A new context (empty cache) and page at ``url``, ready; returns (context, page, wall ms)."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.add_init_script(READY_INIT_JS)
        page = context.new_page()
        started = time.perf_counter()
        page.goto(url, timeout=timeout_s * 1000)
        try:
            page.wait_for_selector("html[data-ready]", state="attached", timeout=timeout_s * 1000)
        except Exception as exc:  # Playwright's TimeoutError
            notice = page.evaluate("() => (document.getElementById('rd-notice') || {}).textContent || ''")
            raise BenchError(f"{url}: not ready within {timeout_s:.0f} s {notice.strip()[:200]}") from exc
        return context, page, (time.perf_counter() - started) * 1000
    except BaseException:
        context.close()
        raise


def cold_loads(browser, url: str, loads: int, out: Loads, timeout_s: float) -> None:
    """Cold loads of ``url``, each in a new browser context, to ``html[data-ready]``.

    Parameters
    ----------
    browser
        Playwright's Chromium.
    url
        The page (``http://`` for the site, ``file://`` for the single file).
    loads
        How many.
    out
        Where the figures go.
    timeout_s
        Longest wait for one load.
    """
    for _ in range(loads):
        context, page, wall = _open_ready(browser, url, timeout_s)
        try:
            timing = page.evaluate(TIMING_JS)
        finally:
            context.close()
        if timing["ready"] is None:
            raise BenchError("data-ready appeared but the init script did not see it")
        out.ready.values.append(timing["ready"])
        out.wall.values.append(wall)
        out.html.values.append(timing["html"])
        out.dcl.values.append(timing["dcl"])
        out.long_tasks.values.append(timing["longTasks"])
        # The first view: what was asked for before the map was ready (the popups come after).
        first = [r for r in timing["resources"] if r[1] <= timing["ready"]]
        ends = [end for name, _start, end, _bytes in first if name.endswith(".json")]
        if ends:
            out.data.values.append(max(ends))
        out.bytes.append(timing["navBytes"] + sum(r[3] for r in first))
        out.resources = [(name, start, end) for name, start, end, _bytes in timing["resources"]]


def day_steps(browser, url: str, steps: int, warmup: int, out: Figures, timeout_s: float) -> None:
    """Day steps in the site's map: a keydown on the engine's root to the next day drawn, in the page.

    Parameters
    ----------
    browser
        Playwright's Chromium.
    url
        The site's page; opened on ``#date=`` :data:`bench_map.STEP_START`.
    steps, warmup
        Timed steps, and untimed ones before them.
    out
        Where the figures go.
    timeout_s
        Longest wait for the page.

    Raises
    ------
    BenchError
        If a step does not draw the next day.
    """
    context, page, _wall = _open_ready(browser, f"{url}#date={STEP_START.isoformat()}", timeout_s)
    try:
        root = page.locator(".tm").first
        if root.get_attribute("data-day") != STEP_START.isoformat():
            raise BenchError(f"the page opened on {root.get_attribute('data-day')}, not {STEP_START}")
        page.wait_for_timeout(1500)  # as bench_map.py: the page's own first runs are over
        day = STEP_START
        for index in range(warmup + steps):
            day += dt.timedelta(days=1)
            drawn, frame, shown = root.evaluate(STEP_JS, day.isoformat())
            if shown != day.isoformat():
                raise BenchError(f"ArrowRight drew {shown}, not {day}")
            if index >= warmup:
                out.steps.values.append(drawn)
                out.steps_frame.values.append(frame)
            page.wait_for_timeout(120)  # as bench_map.py: a reader's pace, not a burst
    finally:
        context.close()


# --- the tables -----------------------------------------------------------------------------


def _kb(value: int | None) -> str:
    return "—" if value is None else size(value)


def print_weights(fig: Figures) -> None:
    """The first view's files, their sizes as written, gzip and Brotli; then the files fetched later."""
    rows = [(p.name, p.file, _kb(p.raw), _kb(p.gz), _kb(p.br)) for p in fig.first_view]
    total = [sum(getattr(p, key) or 0 for p in fig.first_view) for key in ("raw", "gz", "br")]
    rows.append(("first view, total", "", *(size(n) for n in total)))
    rows += [
        (f"later: {p.name} (fetched once the map is drawn)", p.file, _kb(p.raw), _kb(p.gz), _kb(p.br))
        for p in fig.later
    ]
    headers = ("part", "file", "raw", "gzip", "brotli")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    print()
    print("1. First view weight: the files a reader's browser fetches before the map is drawn")
    line = _cells(headers, widths)
    print(line)
    print("-" * len(line))
    for row in rows:
        print(_cells(row, widths))


def _cells(row: tuple[str, ...], widths: list[int]) -> str:
    # Names to the left, sizes to the right.
    return " | ".join(
        f"{cell:<{width}}" if index < 2 else f"{cell:>{width}}"
        for index, (cell, width) in enumerate(zip(row, widths, strict=True))
    )


def _spread(samples: Samples) -> str:
    if not samples.values:
        return "—"
    return (
        f"median {ms(samples.median)} (min {ms(min(samples.values))}, max {ms(max(samples.values))}, "
        f"n={len(samples)})"
    )


def rows_of(fig: Figures) -> list[Row]:
    """The figures' table: each figure, its target, PASS or MISS."""
    rows = [
        Row("publish the site (python -m mapapp publish)", ms(fig.publish_site_ms)),
        Row("publish the single file (--single-file)", ms(fig.publish_single_ms)),
    ]
    if fig.first_view:
        gz = sum(p.gz or 0 for p in fig.first_view)
        complete = all(p.gz is not None for p in fig.first_view)
        rows.append(
            Row(
                "1. first view weight, gzip",
                size(gz),
                f"≤ {size(FIRST_VIEW_MAX_BYTES)}",
                gz <= FIRST_VIEW_MAX_BYTES,
            )
        )
        if not complete:
            rows[-1] = Row(
                rows[-1].measure, f"{size(gz)} (a .gz copy is missing)", rows[-1].target, failed=True
            )
        rows.append(Row("   … Brotli", size(sum(p.br or 0 for p in fig.first_view))))
        rows.append(
            Row("   … popups, fetched once the map is drawn (gzip)", size(sum(p.gz or 0 for p in fig.later)))
        )
    site = fig.site
    rows.append(
        Row(
            "2. cold load → data-ready (in page, since navigation)",
            _spread(site.ready),
            f"median ≤ {ms(COLD_MAX_MS)}",
            None if site.ready.median is None else site.ready.median <= COLD_MAX_MS,
        )
    )
    rows.append(Row("   … goto → ready seen from Python", _spread(site.wall)))
    app = fig.app.cold
    rows.append(Row("   baseline: the app (Streamlit), cold load → all layers drawn (Python)", _spread(app)))
    if app.median and site.wall.median:
        sooner = f"{app.median / site.wall.median:.1f}×"
        rows.append(Row("   … the reader edition is this much sooner", sooner))
    rows.append(Row("   … index.html received", ms(site.html.median)))
    rows.append(Row("   … DOMContentLoaded", ms(site.dcl.median)))
    rows.append(Row("   … last data file received", ms(site.data.median)))
    rows.append(Row("   … main-thread long tasks before ready (sum)", ms(site.long_tasks.median)))
    if site.bytes:
        rows.append(Row("   … bytes transferred (uncompressed, local)", size(statistics.median(site.bytes))))
    rows.append(Row("3. single file, size", _kb(fig.single_raw)))
    rows.append(Row("   … gzip / Brotli (computed here)", f"{_kb(fig.single_gz)} / {_kb(fig.single_br)}"))
    single = fig.single
    worst = max(single.ready.values) if single.ready.values else None
    rows.append(
        Row(
            "   single file from file:// → data-ready",
            _spread(single.ready),
            f"max ≤ {ms(SINGLE_MAX_MS)}",
            None if worst is None else worst <= SINGLE_MAX_MS,
        )
    )
    rows.append(Row("   … goto → ready seen from Python", _spread(single.wall)))
    rows.append(Row("   … DOMContentLoaded", ms(single.dcl.median)))
    rows.append(Row("   … main-thread long tasks before ready (sum)", ms(single.long_tasks.median)))
    step = fig.steps.median
    rows.append(
        Row(
            "4. step: keydown → day drawn (median, max)",
            f"{ms(step)}, {ms(max(fig.steps.values))} (n={len(fig.steps)})" if step is not None else "—",
            f"median ≤ {ms(STEP_MAX_MS)}",
            None if step is None else step <= STEP_MAX_MS,
        )
    )
    if fig.steps_frame.values:
        rows.append(
            Row(
                "   … → the next frame painted (median, max)",
                f"{ms(fig.steps_frame.median)}, {ms(max(fig.steps_frame.values))}",
            )
        )
    return rows


def print_resources(loads: Loads) -> None:
    """The last cold load's requests, in the order they started (ms since the navigation's start)."""
    if not loads.resources:
        return
    print("\nThe last cold load of the site, request by request (ms since the navigation started):")
    for name, start, end in sorted(loads.resources, key=lambda r: r[1]):
        print(f"  {name:<32} {start:7.0f} → {end:7.0f}  ({end - start:5.0f} ms)")
    print(f"  {'data-ready':<32} {loads.ready.values[-1]:7.0f}")


# --- the run --------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few samples: check that the script works")
    parser.add_argument("--loads", type=int, default=None, help="cold loads of each edition (default 15)")
    parser.add_argument("--steps", type=int, default=None, help="timed day steps (default 30)")
    parser.add_argument(
        "--keep", type=Path, default=None, help="publish into DIR (site/, single/) and keep it"
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="longest wait for one page, s")
    parser.add_argument(
        "--skip-app", action="store_true", help="do not start the app for the baseline's cold loads"
    )
    args = parser.parse_args(argv)
    args.loads = args.loads if args.loads is not None else (3 if args.quick else 15)
    args.steps = args.steps if args.steps is not None else (10 if args.quick else 30)
    return args


def _measure(fig: Figures, label: str, step) -> bool:
    """Run one measurement; a failure is noted (and the run goes on). True when it worked."""
    print(f"[reader] {label}…", file=sys.stderr, flush=True)
    try:
        step()
        return True
    except BenchError as exc:
        fig.errors.append(f"{label}: {exc}")
    except Exception as exc:  # Playwright's errors: the figure is missing, the others may not be
        fig.errors.append(f"{label}: {type(exc).__name__}: {exc}")
    return False


def measure(browser, folder: Path, args: argparse.Namespace, fig: Figures) -> None:
    """Publish both editions into ``folder`` and take every figure."""
    site, single = folder / "site", folder / "single"

    def publish_site() -> None:
        fig.publish_site_ms = publish(site, False, 300)
        fig.first_view, fig.later = first_view(site)

    def publish_single() -> None:
        fig.publish_single_ms = publish(single, True, 300)
        body = (single / "index.html").read_bytes()
        fig.single_raw, fig.single_gz = len(body), len(gzip.compress(body))
        fig.single_br = len(brotli.compress(body))

    site_ok = _measure(fig, "publish the site", publish_site)
    single_ok = _measure(fig, "publish the single file", publish_single)
    if site_ok:
        with static_server(site) as url:
            _measure(
                fig,
                "cold loads of the site",
                lambda: cold_loads(browser, url, args.loads, fig.site, args.timeout),
            )
            _measure(fig, "day steps", lambda: day_steps(browser, url, args.steps, 3, fig, args.timeout))
    if not args.skip_app:
        # The baseline in the same run: the app as the README starts it, on the same data.
        def app_loads() -> None:
            with serving(REPO, "app") as server:
                bench_map.cold_loads(browser, server.url, False, args.loads, fig.app, args.timeout)

        _measure(fig, "cold loads of the app (baseline)", app_loads)
    if single_ok:
        file_url = (single / "index.html").resolve().as_uri()
        _measure(
            fig,
            "cold loads of the single file",
            lambda: cold_loads(browser, file_url, args.loads, fig.single, args.timeout),
        )


def main(argv: list[str] | None = None) -> int:
    """Publish, measure and print the tables; 0 when measured, 1 when a measurement failed."""
    args = parse_args(argv)
    chromium = find_chromium()  # exits 2 before the long publish when there is no browser
    from playwright.sync_api import sync_playwright

    load_before = load_average()
    fig = Figures()
    with contextlib.ExitStack() as stack:
        if args.keep:
            folder = args.keep.resolve()
            folder.mkdir(parents=True, exist_ok=True)
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-reader-")))
        pw = stack.enter_context(sync_playwright())
        launch = {"args": CHROMIUM_ARGS} | ({"executable_path": chromium} if chromium else {})
        browser = pw.chromium.launch(**launch)
        stack.callback(browser.close)
        measure(browser, folder, args, fig)
    print(
        f"\nThe reader edition (working tree); {os.cpu_count()} CPUs, "
        f"1-minute load {load_before} before, {load_average()} after"
    )
    if fig.first_view:
        print_weights(fig)
    print_table("Figures", rows_of(fig))
    print(
        "\nCold loads: the site from python -m http.server on 127.0.0.1, which sends no "
        "Content-Encoding: the transfer is uncompressed (bytes from disk); the weight a reader "
        "downloads from a host that serves the .gz/.br copies is figure 1."
    )
    print_resources(fig.site)
    if args.keep:
        print(f"\nThe editions are kept in {folder}/ (site/ and single/).")
    for error in fig.errors:
        print(f"FAILED: {error}")
    return 1 if fig.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
