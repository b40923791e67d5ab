"""Benchmark the map app in a real browser: date steps and cold page loads.

Run from anywhere with the project's virtual environment::

    .venv/bin/python bench/bench_map.py                  # starts the app on a free port
    .venv/bin/python bench/bench_map.py --url http://127.0.0.1:8501   # an app already running

Three figures are measured in headless Chromium (Playwright), each printed as
median / min / max / n in milliseconds:

1. a date step (ArrowRight on the slider) until the map shows the next day,
   with the map updated in place (the app's default);
2. the same with ``&render=full`` (honoured only on the benchmark's own server,
   started with ``MAPAPP_BENCHMARK=1``), where the app re-creates the map at every rerun;
3. a cold page load (new browser context, empty cache) until every layer is drawn.

"The map shows day D" means: the map iframe's ``window.__mapappDay == D``. The
app's script sets it after the layers of that day are drawn. The exit status is
0 whenever the figures were measured, whatever they are (this is a benchmark,
not a test); 1 if a measurement failed, 2 if there is no Chromium.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
SLIDER = '[data-testid="stSlider"] input[type="range"]'
VIEWPORT = {"width": 1366, "height": 768}
# As in tests/browser/conftest.py (copied: the benchmark does not import the tests).
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

STEP_START = dt.date(2021, 11, 1)
COLD_DAY = dt.date(2021, 11, 13)
POLL_MS = 10  # in-page polling interval of the "map updated" check

TARGET_STEP_MS = 150.0
TARGET_SPEEDUP = 2.0
TARGET_COLD_MS = 2500.0

# True once some map iframe of the page shows the given day. The component iframes
# are same-origin (sandbox allow-same-origin), so the page can read their window.
DAY_SHOWN_JS = """([selector, day]) => Array.from(document.querySelectorAll(selector)).some((f) => {
    try { return f.contentWindow.__mapappDay === day; } catch (e) { return false; }
})"""
# The first day drawn, or the app's own error message if it shows one instead of a map.
FIRST_DAY_JS = """([selector, day]) => {
    for (const f of document.querySelectorAll(selector)) {
        try { if (f.contentWindow.__mapappDay === day) { return "ok"; } } catch (e) {}
    }
    const problems = Array.from(document.querySelectorAll(
        '[data-testid="stException"], [data-testid="stAlert"]'
    )).map((e) => e.innerText).filter((t) => /exception|error|cannot be drawn/i.test(t));
    return problems.length ? "error: " + problems.join(" | ").slice(0, 600) : false;
}"""
# Days currently drawn in the map iframes, for error messages.
DAYS_NOW_JS = """(selector) => Array.from(document.querySelectorAll(selector)).map((f) => {
    try { return String(f.contentWindow.__mapappDay); } catch (e) { return "(no access)"; }
})"""
SCRIPT_IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return !app || !["running", "rerunRequested"].includes(app.dataset.testScriptState);
}"""


class BenchError(RuntimeError):
    """A measurement could not be made (the app did not answer or draw in time)."""


@dataclass
class Result:
    """Timings of one measured scenario, in milliseconds.

    Attributes
    ----------
    name
        What was measured, as printed in the table.
    samples
        One duration per step or load, in milliseconds.
    notes
        Extra lines printed under the table (e.g. whether the iframe was kept).
    error
        Why the scenario stopped early, if it did.
    """

    name: str
    samples: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def median(self) -> float | None:
        """Median of the samples, None without samples."""
        return statistics.median(self.samples) if self.samples else None


# --- the app --------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now.

    Returns
    -------
    int
        The port number.
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_app(timeout: float = 90.0) -> Iterator[str]:
    """Start ``streamlit run mapapp/server.py`` on a free port; stop it on exit, also on error.

    The server runs with ``MAPAPP_BENCHMARK=1``, the only way its links take
    ``render=full`` (the slow baseline measured against).

    Parameters
    ----------
    timeout
        Seconds to wait for ``/_stcore/health`` to answer 200.

    Yields
    ------
    str
        The app's base URL, e.g. ``http://127.0.0.1:PORT``.

    Raises
    ------
    BenchError
        If the app exits or does not answer in time; the message ends with its log.
    """
    port = free_port()
    log = tempfile.NamedTemporaryFile("w+", prefix="bench-streamlit-", suffix=".log", delete=False)
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "mapapp/server.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    env = {**os.environ, "MAPAPP_BENCHMARK": "1"}
    proc = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while not _healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                tail = Path(log.name).read_text(errors="replace")[-2000:]
                raise BenchError(f"the app did not start (log {log.name}):\n{tail}")
            time.sleep(0.3)
        print(f"app started at {url} (log: {log.name})", file=sys.stderr)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
            return reply.status == 200
    except OSError:
        return False


def find_chromium() -> str | None:
    """The Chromium to drive: ``$MAPAPP_CHROMIUM``, else one on the PATH.

    Returns
    -------
    str or None
        Path of the executable; None when ``$MAPAPP_CHROMIUM`` is ``playwright``
        (Playwright's own browser, as the tests allow).

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
        "error: no Chromium found. Set MAPAPP_CHROMIUM to its path, install one "
        f"({' / '.join(BROWSER_NAMES)} on the PATH), or run `python3 tasks.py test` once, "
        "which finds or installs one.",
        file=sys.stderr,
    )
    raise SystemExit(2)


# --- waiting for the map ------------------------------------------------------------------


def page_url(base: str, day: dt.date, render: str | None = None) -> str:
    """URL of the app opened on ``day``, optionally in another render mode.

    Parameters
    ----------
    base
        The app's base URL.
    day
        Day to open on (``?date=``).
    render
        ``"full"`` for the naive re-render mode; None for the default.

    Returns
    -------
    str
        The URL.
    """
    params = {"date": day.isoformat()}
    if render:
        params["render"] = render
    return f"{base.rstrip('/')}/?{urlencode(params)}"


def wait_first_day(page, day: dt.date, timeout_ms: float) -> None:
    """Wait until the freshly opened page's map shows ``day``.

    Parameters
    ----------
    page
        Playwright page, just navigated to the app.
    day
        Day the map should show.
    timeout_ms
        How long to wait.

    Raises
    ------
    BenchError
        If the app shows an error instead of the map, or the day is not drawn in time.
    """
    try:
        handle = page.wait_for_function(
            FIRST_DAY_JS, arg=[MAP_FRAME, day.isoformat()], polling=POLL_MS, timeout=timeout_ms
        )
    except Exception as exc:  # Playwright's TimeoutError and friends
        raise BenchError(
            f"the map did not show {day} within {timeout_ms / 1000:.0f} s: {_days(page)}"
        ) from exc
    status = handle.json_value()
    if status != "ok":
        raise BenchError(f"the app shows an error instead of the map: {status[len('error: ') :]}")


def wait_day(page, day: dt.date, timeout_ms: float) -> None:
    """Wait until some map iframe of the page shows ``day`` (polling in the page).

    Parameters
    ----------
    page
        Playwright page showing the app.
    day
        Day the map should show.
    timeout_ms
        How long to wait.

    Raises
    ------
    BenchError
        If no map iframe shows the day in time.
    """
    try:
        page.wait_for_function(
            DAY_SHOWN_JS, arg=[MAP_FRAME, day.isoformat()], polling=POLL_MS, timeout=timeout_ms
        )
    except Exception as exc:
        raise BenchError(
            f"the map did not show {day} within {timeout_ms / 1000:.0f} s: {_days(page)}"
        ) from exc


def _days(page) -> str:
    try:
        return f"map iframes show {page.evaluate(DAYS_NOW_JS, MAP_FRAME)}"
    except Exception as exc:  # the page itself may be gone
        return f"(could not read the map iframes: {exc})"


def settle(page, pause_ms: float, timeout_ms: float) -> None:
    """Let the rest of the rerun finish so the next step starts from an idle app.

    Parameters
    ----------
    page
        Playwright page showing the app.
    pause_ms
        Extra pause after the script is idle.
    timeout_ms
        Longest wait for the script to stop running (not an error if exceeded).
    """
    with contextlib.suppress(Exception):
        page.wait_for_function(SCRIPT_IDLE_JS, polling=50, timeout=timeout_ms)
    page.wait_for_timeout(pause_ms)


# --- the three scenarios ------------------------------------------------------------------


def measure_steps(browser, base: str, args: argparse.Namespace, render: str | None) -> Result:
    """Time date steps (ArrowRight on the slider) until the map shows the next day.

    Parameters
    ----------
    browser
        Playwright browser.
    base
        The app's base URL.
    args
        Parsed command line (``steps``, ``warmup``, ``settle``, ``timeout``).
    render
        None for the default in-place update, ``"full"`` for the naive re-render.

    Returns
    -------
    Result
        One sample per timed step, and whether the map iframe was kept.
    """
    mode = "full re-render" if render else "in place"
    result = Result(f"date step → map updated, {mode}")
    timeout_ms = args.timeout * 1000
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(page_url(base, STEP_START, render))
        wait_first_day(page, STEP_START, timeout_ms)
        first = page.query_selector(MAP_FRAME)
        first_src = first.get_attribute("src")
        # A mark in the map's window: it survives only if the iframe's document does.
        first.content_frame().evaluate("() => { window.__benchMark = true; }")
        settle(page, args.settle, timeout_ms)
        slider = page.locator(SLIDER).first
        slider.focus()
        day = STEP_START
        kept = replaced = 0
        for index in range(args.warmup + args.steps):
            day += dt.timedelta(days=1)
            t0 = time.perf_counter()
            slider.press("ArrowRight")  # focuses the slider first, should a re-render have taken it
            wait_day(page, day, timeout_ms)
            t1 = time.perf_counter()
            if index >= args.warmup:
                result.samples.append((t1 - t0) * 1000)
                same = page.evaluate(
                    "([el, sel]) => el.isConnected && document.querySelector(sel) === el", [first, MAP_FRAME]
                )
                if same and first.get_attribute("src") == first_src:
                    kept += 1
                else:
                    replaced += 1
            settle(page, args.settle, timeout_ms)
        document_kept = kept == args.steps and first.content_frame().evaluate(
            "() => window.__benchMark === true"
        )
        result.notes.append(
            f"iframe kept: {'yes' if kept == args.steps else 'no'} "
            f"(same element and src in {kept}/{args.steps} steps"
            + (f", map document kept: {'yes' if document_kept else 'no'})" if kept else ")")
        )
        if replaced:
            result.notes.append(f"iframe replaced in {replaced}/{args.steps} steps")
    except BenchError as exc:
        result.error = str(exc)
    finally:
        context.close()
    return result


def measure_cold_loads(browser, base: str, args: argparse.Namespace) -> Result:
    """Time cold page loads, each in a new browser context, until every layer is drawn.

    Parameters
    ----------
    browser
        Playwright browser.
    base
        The app's base URL.
    args
        Parsed command line (``loads``, ``timeout``).

    Returns
    -------
    Result
        One sample per load, from ``page.goto`` to ``__mapappDay`` set.
    """
    result = Result("cold page load → all layers drawn")
    url = page_url(base, COLD_DAY)
    for _ in range(args.loads):
        context = browser.new_context(viewport=VIEWPORT)
        try:
            page = context.new_page()
            t0 = time.perf_counter()
            page.goto(url)
            wait_first_day(page, COLD_DAY, args.timeout * 1000)
            result.samples.append((time.perf_counter() - t0) * 1000)
        except BenchError as exc:
            result.error = str(exc)
            break
        finally:
            context.close()
    return result


# --- report -------------------------------------------------------------------------------


def verdict(ok: bool | None) -> str:
    """PASS, MISS, or n/a when the figure is missing.

    Parameters
    ----------
    ok
        Whether the target is met; None when it could not be judged.

    Returns
    -------
    str
        The word to print.
    """
    return "n/a" if ok is None else ("PASS" if ok else "MISS")


def _load() -> str:
    """The 1-minute load average, as text (other work on the machine skews the figures)."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:  # not available on this platform
        return "n/a"


def report(results: list[Result], load_before: str) -> None:
    """Print the table of figures, the ratio, the CPU count and the targets.

    Parameters
    ----------
    results
        The three scenarios: in place, full re-render, cold load.
    load_before
        The load average when the benchmark started.
    """
    inplace, full, cold = results
    width = max(len(r.name) for r in results)
    print()
    print(f"{'measurement':<{width}}  {'median':>8}  {'min':>8}  {'max':>8}  {'n':>3}")
    for r in results:
        if r.samples:
            print(
                f"{r.name:<{width}}  {r.median:>8.0f}  {min(r.samples):>8.0f}  "
                f"{max(r.samples):>8.0f}  {len(r.samples):>3}"
            )
        else:
            print(f"{r.name:<{width}}  {'—':>8}  {'—':>8}  {'—':>8}  {0:>3}")
    print("(milliseconds)")
    for r in results:
        for note in r.notes:
            print(f"{r.name}: {note}")
        if r.error:
            print(f"{r.name}: FAILED after {len(r.samples)} sample(s): {r.error}")
    ratio = full.median / inplace.median if inplace.median and full.median else None
    print()
    print(f"ratio full / in place (medians): {f'{ratio:.2f}×' if ratio else 'n/a'}")
    print(f"CPUs: {os.cpu_count()}; load average (1 min) before {load_before}, after {_load()}")
    print("targets:")
    step_ok = inplace.median <= TARGET_STEP_MS if inplace.median is not None else None
    print(f"  step median ≤ {TARGET_STEP_MS:.0f} ms: {verdict(step_ok)}")
    speed_ok = ratio >= TARGET_SPEEDUP if ratio else None
    print(f"  step ≥ {TARGET_SPEEDUP:.0f}× faster than full re-render: {verdict(speed_ok)}")
    cold_ok = cold.median <= TARGET_COLD_MS if cold.median is not None else None
    print(f"  cold load median ≤ {TARGET_COLD_MS / 1000:.1f} s: {verdict(cold_ok)}")


# --- command line -------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line.

    Parameters
    ----------
    argv
        Arguments without the program name; None for ``sys.argv[1:]``.

    Returns
    -------
    argparse.Namespace
        The options.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="benchmark the app already running at this URL instead of starting one")
    parser.add_argument("--steps", type=int, default=25, help="timed date steps per mode (≥ 20; default 25)")
    parser.add_argument("--loads", type=int, default=5, help="cold page loads (default 5)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps before each mode (default 2)")
    parser.add_argument(
        "--settle",
        type=float,
        default=250,
        help="pause in ms after each step once the app is idle (default 250)",
    )
    parser.add_argument("--timeout", type=float, default=60, help="seconds to wait for any one map update")
    args = parser.parse_args(argv)
    if args.steps < 20:
        parser.error("--steps must be at least 20")
    if args.loads < 1 or args.warmup < 0:
        parser.error("--loads must be at least 1 and --warmup at least 0")
    return args


def run(browser, base: str, args: argparse.Namespace) -> list[Result]:
    """Measure the three scenarios against the app at ``base``.

    Parameters
    ----------
    browser
        Playwright browser.
    base
        The app's base URL.
    args
        Parsed command line.

    Returns
    -------
    list of Result
        In place, full re-render, cold load.
    """
    print(f"benchmarking {base} …", file=sys.stderr)
    inplace = measure_steps(browser, base, args, render=None)
    full = measure_steps(browser, base, args, render="full")
    cold = measure_cold_loads(browser, base, args)
    return [inplace, full, cold]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures.

    Parameters
    ----------
    argv
        Arguments without the program name; None for ``sys.argv[1:]``.

    Returns
    -------
    int
        0 when every figure was measured, 1 when a measurement failed.
    """
    args = parse_args(argv)
    load_before = _load()
    executable = find_chromium()
    from playwright.sync_api import sync_playwright

    try:
        with contextlib.ExitStack() as stack:
            base = args.url or stack.enter_context(running_app())
            playwright = stack.enter_context(sync_playwright())
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            stack.callback(browser.close)
            results = run(browser, base, args)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    report(results, load_before)
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
