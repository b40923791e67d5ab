"""Benchmark the map that keeps time in the browser against the previous server-side step.

Run from the repository root with the project's virtual environment::

    .venv/bin/python bench/bench_map.py            # the whole run (about 15 minutes)
    .venv/bin/python bench/bench_map.py --quick    # few samples: checks that it works

Both apps are started by the script, one after the other (never at the same
time), each with an empty cache folder: the working tree, and the baseline
commit (``--baseline``, the last commit of the server-side step), extracted
with ``git archive``. Browser figures come from headless Chromium
(Playwright); capacity and memory from a protocol-level client
(:mod:`bench_protocol`), so the server is measured without a browser's CPU.
See ``bench/README.md`` for what each figure times.

It is a benchmark, not a test: the exit status is 0 whenever the figures were
measured, met or not; 1 if a measurement failed; 2 if there is no Chromium.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import itertools
import os
import shutil
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_protocol import capacity, walk
from bench_servers import REPO, Server, baseline_checkout, serving
from bench_table import BenchError, Row, Samples, median_p95, ms, print_table, size

BASELINE = "b4c8bfb"
VIEWPORT = {"width": 1366, "height": 768}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome")
COLD_DAY = dt.date(2021, 11, 13)
STEP_START = dt.date(2021, 11, 1)

# The current app: the engine's root element, the day it has drawn, and its basemap.
ROOT = ".tm"
NEW_DRAWN_JS = """(day) => {
    const root = document.querySelector(".tm");
    const m = root && root.timemap;
    return !!m && root.dataset.day === day && m.basemap && m.basemap.getLayers().length > 0;
}"""
# One key press inside the page: from the keydown to the day drawn, then to the next frame
# (the one that shows it).
NEW_STEP_JS = """async (root) => {
    const before = root.dataset.day;
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
    const t0 = performance.now();
    root.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
    while (root.dataset.day === before) await frame();
    const drawn = performance.now() - t0;
    await frame();
    return [drawn, performance.now() - t0, root.dataset.day];
}"""
# Every day the map draws, with its time: a record the page keeps while it plays.
RECORD_JS = """(root) => {
    window.__benchDays = [];
    new MutationObserver(() => window.__benchDays.push([root.dataset.day, performance.now()]))
        .observe(root, { attributes: true, attributeFilter: ["data-draws"] });
}"""

# The baseline: a streamlit-folium iframe whose script sets window.__mapappDay once drawn.
OLD_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
OLD_SLIDER = '[data-testid="stSlider"] input[type="range"]'
OLD_DRAWN_JS = """([selector, day]) => Array.from(document.querySelectorAll(selector)).some((f) => {
    try { return f.contentWindow.__mapappDay === day; } catch (e) { return false; }
})"""
SCRIPT_IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return !app || !["running", "rerunRequested"].includes(app.dataset.testScriptState);
}"""


@dataclass
class AppFigures:
    """What one app measured.

    Attributes
    ----------
    first_visit_spawn, first_visit_health
        The first page after the server started until the map drew: from the
        process's spawn, and from its first health answer (ms).
    cold, cold_bytes
        Cold loads (ms) and the bytes each transferred (as sent, gzip).
    steps, steps_frame, steps_roundtrip
        A day step: to the day drawn, to the next frame, and (current app) a
        Playwright key press to the day seen from Python (ms).
    play_rate, play_skipped, play_days
        Play at 30 days/s: days per second achieved, days skipped, days drawn.
    load, sync, capacity_errors, capacity_wall_s
        Concurrent readers: page loads and day syncs (ms).
    rss_mb, hwm_mb, walk_days
        Server memory after visiting every day (now, and at its peak).
    """

    first_visit_spawn: float | None = None
    first_visit_health: float | None = None
    cold: Samples = field(default_factory=Samples)
    cold_bytes: list[int] = field(default_factory=list)
    steps: Samples = field(default_factory=Samples)
    steps_frame: Samples = field(default_factory=Samples)
    steps_roundtrip: Samples = field(default_factory=Samples)
    play_rate: float | None = None
    play_skipped: int | None = None
    play_days: int = 0
    load: Samples = field(default_factory=Samples)
    sync: Samples = field(default_factory=Samples)
    capacity_errors: list[str] = field(default_factory=list)
    capacity_wall_s: float = 0.0
    rss_mb: float | None = None
    hwm_mb: float | None = None
    walk_days: int = 0
    errors: list[str] = field(default_factory=list)


def find_chromium() -> str | None:
    """The Chromium to drive: ``$MAPAPP_CHROMIUM``, else one on the PATH.

    Returns
    -------
    str or None
        Its path; None when ``$MAPAPP_CHROMIUM`` is ``playwright`` (Playwright's own).

    Notes
    -----
    Exits with status 2 and a message when there is no browser at all.
    """
    given = os.environ.get("MAPAPP_CHROMIUM")
    if given == "playwright":
        return None
    if given:
        return given
    for name in BROWSER_NAMES:
        if path := shutil.which(name):
            return path
    print(
        "error: no Chromium found. Set MAPAPP_CHROMIUM to its path or install one "
        f"({' / '.join(BROWSER_NAMES)}); `python3 tasks.py test` finds or installs one.",
        file=sys.stderr,
    )
    raise SystemExit(2)


def load_average() -> str:
    """The machine's 1-minute load average, as text."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


# --- the browser ----------------------------------------------------------------------------


def _wait_drawn(page, baseline: bool, day: dt.date, timeout_s: float) -> None:
    """Wait until the page's map has drawn ``day`` with every layer."""
    try:
        if baseline:
            page.wait_for_function(
                OLD_DRAWN_JS, arg=[OLD_FRAME, day.isoformat()], polling=10, timeout=timeout_s * 1000
            )
        else:
            page.wait_for_function(NEW_DRAWN_JS, arg=day.isoformat(), polling=10, timeout=timeout_s * 1000)
    except Exception as exc:  # Playwright's TimeoutError
        raise BenchError(f"the map did not draw {day} within {timeout_s:.0f} s") from exc


def _open(browser, url: str, baseline: bool, day: dt.date, timeout_s: float):
    """A new context and page at ``url``, the map drawn; returns (context, page, ms, bytes)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    sent = []
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.on("Network.loadingFinished", lambda event: sent.append(event["encodedDataLength"]))
    started = time.perf_counter()
    page.goto(url)
    _wait_drawn(page, baseline, day, timeout_s)
    took = (time.perf_counter() - started) * 1000
    page.wait_for_timeout(300)  # what the page still fetches once the map is drawn
    return context, page, took, sum(sent)


def first_visit(browser, server: Server, baseline: bool, out: AppFigures, timeout_s: float) -> None:
    """The first page opened as soon as the server answers, until the map draws."""
    context, _page, _took, _sent = _open(
        browser, f"{server.url}/?date={COLD_DAY}", baseline, COLD_DAY, timeout_s
    )
    drawn = time.perf_counter()
    context.close()
    out.first_visit_spawn = (drawn - server.spawned) * 1000
    out.first_visit_health = (drawn - server.healthy) * 1000


def cold_loads(browser, base: str, baseline: bool, loads: int, out: AppFigures, timeout_s: float) -> None:
    """Cold page loads, each in a new browser context (empty cache), to every layer drawn."""
    for _ in range(loads):
        context, _page, took, sent = _open(browser, f"{base}/?date={COLD_DAY}", baseline, COLD_DAY, timeout_s)
        context.close()
        out.cold.values.append(took)
        out.cold_bytes.append(sent)


def new_steps(browser, base: str, steps: int, warmup: int, out: AppFigures, timeout_s: float) -> None:
    """Day steps in the current app's map: a key press to the day drawn, measured in the page."""
    context, page, _took, _sent = _open(browser, f"{base}/?date={STEP_START}", False, STEP_START, timeout_s)
    try:
        root = page.locator(ROOT).first
        page.wait_for_timeout(1500)  # the page's own first runs (figures, chart) are over
        for index in range(warmup + steps):
            drawn, frame, _day = root.evaluate(NEW_STEP_JS)
            if index >= warmup:
                out.steps.values.append(drawn)
                out.steps_frame.values.append(frame)
            page.wait_for_timeout(120)
        # The same with a real key press from Playwright, timed from Python (its round trips included).
        page.locator(".tm-map").first.focus()
        day = dt.date.fromisoformat(root.get_attribute("data-day"))
        for _ in range(steps):
            day += dt.timedelta(days=1)
            started = time.perf_counter()
            page.keyboard.press("ArrowRight")
            page.wait_for_function(
                "(day) => document.querySelector('.tm').dataset.day === day",
                arg=day.isoformat(),
                polling="raf",
            )
            out.steps_roundtrip.values.append((time.perf_counter() - started) * 1000)
            page.wait_for_timeout(120)
    finally:
        context.close()


def play(browser, base: str, seconds: float, out: AppFigures, timeout_s: float) -> None:
    """Play at 30 days/s from 1 Nov 2021: every day drawn, and how many per second."""
    context, page, _took, _sent = _open(browser, f"{base}/?date={STEP_START}", False, STEP_START, timeout_s)
    try:
        root = page.locator(ROOT).first
        page.wait_for_timeout(1500)
        page.get_by_label("Play speed").select_option("30")
        root.evaluate(RECORD_JS)
        page.get_by_role("button", name="Play").click()
        page.wait_for_timeout(seconds * 1000)
        page.get_by_role("button", name="Pause").click()
        record = page.evaluate("() => window.__benchDays")
    finally:
        context.close()
    days = [dt.date.fromisoformat(day) for day, _t in record]
    if len(days) < 2:
        raise BenchError(f"Play drew {len(days)} day(s) in {seconds} s")
    out.play_days = len(days)
    out.play_skipped = sum(max(0, (b - a).days - 1) for a, b in itertools.pairwise(days))
    out.play_rate = (len(days) - 1) / ((record[-1][1] - record[0][1]) / 1000)


def old_steps(browser, base: str, steps: int, warmup: int, out: AppFigures, timeout_s: float) -> None:
    """Day steps in the baseline: ArrowRight on the sidebar slider until its map iframe shows the day."""
    context, page, _took, _sent = _open(browser, f"{base}/?date={STEP_START}", True, STEP_START, timeout_s)
    try:
        slider = page.locator(OLD_SLIDER).first
        day = STEP_START
        for index in range(warmup + steps):
            day += dt.timedelta(days=1)
            started = time.perf_counter()
            slider.press("ArrowRight")
            _wait_drawn(page, True, day, timeout_s)
            if index >= warmup:
                out.steps.values.append((time.perf_counter() - started) * 1000)
            page.wait_for_function(SCRIPT_IDLE_JS, polling=50, timeout=timeout_s * 1000)
            page.wait_for_timeout(250)
    finally:
        context.close()


# --- one app --------------------------------------------------------------------------------


def measure(browser, root: Path, name: str, args: argparse.Namespace) -> AppFigures:
    """Every figure of one app, its server started fresh (the first visit needs a fresh start)."""
    baseline = name == "baseline"
    out = AppFigures()
    with serving(root, name) as server:
        steps = [
            ("first visit", lambda: first_visit(browser, server, baseline, out, args.timeout)),
            ("cold loads", lambda: cold_loads(browser, server.url, baseline, args.loads, out, args.timeout)),
        ]
        if baseline:
            steps.append(("steps", lambda: old_steps(browser, server.url, args.steps, 2, out, args.timeout)))
        else:
            steps.append(("steps", lambda: new_steps(browser, server.url, args.steps, 3, out, args.timeout)))
            steps.append(("play", lambda: play(browser, server.url, args.play_s, out, args.timeout)))
        steps.append(("capacity", lambda: _capacity(server, baseline, args, out)))
        steps.append(("memory", lambda: _memory(server, baseline, args, out)))
        for label, step in steps:
            print(f"[{name}] {label}…", file=sys.stderr, flush=True)
            try:
                step()
            except BenchError as exc:
                out.errors.append(f"{name}, {label}: {exc}")
    return out


def _in_thread(function, *args, **kwargs):
    """Run an asyncio client beside Playwright's own event loop (which owns this thread)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def _capacity(server: Server, baseline: bool, args: argparse.Namespace, out: AppFigures) -> None:
    mode = "slider" if baseline else "map"
    # A reader's map reports a day once it rests 300 ms: a reader stepping as fast as the
    # page lets them sends one sync per ~0.3 s at most.
    result = _in_thread(capacity, server.url, args.readers, args.syncs, think_s=0.3, mode=mode)
    out.load, out.sync = result.loads, result.syncs
    out.capacity_errors, out.capacity_wall_s = result.errors, result.wall_s
    if result.errors:
        raise BenchError(f"{len(result.errors)} reader(s) failed: {result.errors[0]}")


def _memory(server: Server, baseline: bool, args: argparse.Namespace, out: AppFigures) -> None:
    visited = _in_thread(walk, server.url, "slider" if baseline else "map", limit=args.walk_days)
    out.walk_days = visited.days
    out.rss_mb, out.hwm_mb = server.memory_mb()


# --- the table ------------------------------------------------------------------------------


def rows_of(new: AppFigures, old: AppFigures | None, args: argparse.Namespace) -> list[Row]:
    """The table's rows: each figure of the current app, its target, and the baseline's beside it."""
    rows = []
    base = (lambda f: f(old)) if old else (lambda f: None)

    step, old_step = new.steps.median, base(lambda o: o.steps.median)
    rows.append(
        Row("step in the map: key press → day drawn", ms(step), "≤ 50 ms", step is not None and step <= 50)
    )
    rows.append(Row("  … → the next frame painted", ms(new.steps_frame.median)))
    rows.append(Row("  … Playwright key press, seen from Python", ms(new.steps_roundtrip.median)))
    rows.append(Row("baseline: server-side step (slider → map iframe)", ms(old_step)))
    if step and old_step:
        rows.append(
            Row("step speed-up against the baseline", f"{old_step / step:.0f}×", "≥ 4×", old_step / step >= 4)
        )
    rate = new.play_rate
    rows.append(
        Row(
            "Play at 30 days/s: days per second achieved",
            f"{rate:.1f} days/s ({new.play_days} days)" if rate else "—",
            "30",
            rate is not None and rate >= 29,
        )
    )
    rows.append(Row("Play at 30 days/s: days skipped", str(new.play_skipped), "0", new.play_skipped == 0))
    cold = new.cold.median
    rows.append(Row("cold load → all layers drawn", ms(cold), "≤ 2.0 s", cold is not None and cold <= 2000))
    if new.cold_bytes:
        rows.append(Row("  bytes transferred (gzip)", size(statistics.median(new.cold_bytes))))
    rows.append(Row("baseline: cold load", ms(base(lambda o: o.cold.median))))
    if old and old.cold_bytes:
        rows.append(Row("  baseline bytes transferred", size(statistics.median(old.cold_bytes))))
    first = new.first_visit_spawn
    rows.append(
        Row("first visit after start → map drawn", ms(first), "≤ 4 s", first is not None and first <= 4000)
    )
    rows.append(Row("  … of which after the first health answer", ms(new.first_visit_health)))
    rows.append(Row("baseline: first visit after start", ms(base(lambda o: o.first_visit_spawn))))
    who = f"{args.readers} readers × {args.syncs} syncs"
    p95_load, p95_sync = new.load.p95, new.sync.p95
    rows.append(Row(f"capacity, {who}: page load", median_p95(new.load), "p95 ≤ 2 s", _le(p95_load, 2000)))
    rows.append(Row(f"capacity, {who}: sync", median_p95(new.sync), "p95 ≤ 2 s", _le(p95_sync, 2000)))
    if old:
        rows.append(Row("baseline capacity: page load", median_p95(old.load)))
        rows.append(Row("baseline capacity: sync", median_p95(old.sync)))
    rss = new.rss_mb
    rows.append(
        Row(
            f"server RSS after {new.walk_days} days visited",
            f"{rss:.0f} MB (peak {new.hwm_mb:.0f} MB)" if rss else "—",
            "≤ 300 MB",
            _le(rss, 300),
        )
    )
    if old and old.rss_mb:
        rows.append(
            Row(f"baseline RSS after {old.walk_days} days", f"{old.rss_mb:.0f} MB (peak {old.hwm_mb:.0f} MB)")
        )
    return rows


def _le(value: float | None, limit: float) -> bool | None:
    return None if value is None else value <= limit


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few samples: check that the script works")
    parser.add_argument("--skip-baseline", action="store_true", help="measure the current app only")
    parser.add_argument("--baseline", default=BASELINE, help=f"baseline commit (default {BASELINE})")
    parser.add_argument("--steps", type=int, default=30, help="timed day steps (default 30)")
    parser.add_argument("--loads", type=int, default=5, help="cold loads (default 5)")
    parser.add_argument("--play-s", type=float, default=4.0, help="seconds of Play at 30 days/s")
    parser.add_argument("--readers", type=int, default=20, help="concurrent readers (default 20)")
    parser.add_argument("--syncs", type=int, default=20, help="syncs per reader (default 20)")
    parser.add_argument("--walk-days", type=int, default=None, help="days visited for memory (default all)")
    parser.add_argument("--timeout", type=float, default=120.0, help="longest wait for one map draw, s")
    args = parser.parse_args(argv)
    if args.quick:
        args.steps, args.loads, args.play_s = 5, 1, 2.0
        args.readers, args.syncs, args.walk_days = 3, 3, 20
    return args


def main(argv: list[str] | None = None) -> int:
    """Measure both apps and print the table; 0 when measured, 1 when a measurement failed."""
    args = parse_args(argv)
    chromium = find_chromium()
    from playwright.sync_api import sync_playwright

    load_before = load_average()
    errors = []
    with sync_playwright() as pw:
        launch = {"args": CHROMIUM_ARGS} | ({"executable_path": chromium} if chromium else {})
        browser = pw.chromium.launch(**launch)
        try:
            new = measure(browser, REPO, "current", args)
            errors += new.errors
            old = None
            if not args.skip_baseline:
                with baseline_checkout(args.baseline) as folder:
                    old = measure(browser, folder, "baseline", args)
                errors += old.errors
        finally:
            browser.close()
    title = (
        f"The map that keeps time (working tree) against the server-side step ({args.baseline}); "
        f"{os.cpu_count()} CPUs, 1-minute load {load_before} before, {load_average()} after"
    )
    print_table(title, rows_of(new, old, args))
    print(
        "\nCapacity and memory: a protocol-level client (Streamlit's websocket messages, "
        "bench/bench_protocol.py), no browser, so only the server's work is timed."
    )
    for error in errors:
        print(f"FAILED: {error}")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
