"""Readers without a browser: Streamlit's own websocket protocol, spoken by a small client.

A browser tab talks to Streamlit over one websocket (``/_stcore/stream``): it
sends ``BackMsg`` protobufs (a ``rerun_script`` with the query string and the
widgets' values) and receives ``ForwardMsg`` protobufs (``new_session``, the
page's elements as deltas, ``script_finished``). :class:`Reader` does the same,
as the frontend of Streamlit 1.67 does it:

- the first run sends the URL's query string; later runs send the query string
  the app last wrote (``page_info_changed``), the page's hash (``new_session``)
  and the hashes of the large elements already received, so that the server
  sends references instead of them again (Streamlit's message cache);
- an ``auto_rerun`` (a fragment with ``run_every``; the app uses one to draw its
  chart a moment after the map) is answered after its interval, as the browser's
  timer would;
- a *sync* is what the page does when the day changes: with the map that keeps
  time (``map`` mode) the component's state ``day`` = ``{"value": ISO day, "n":
  k}`` in a ``json_value`` for the component's widget id, which is what
  ``setStateValue("day", …)`` sends, plus the slider's shown value as the
  browser sends it with every run; with the server-side map (``slider`` mode),
  the slider's new value.

The server's work is measured without a browser's CPU: no page is rendered and
no JavaScript runs. The files the map element names (under the app's file
route) are fetched over HTTP as part of a page load, as a browser would fetch
them; Streamlit's own frontend files are not (identical for both apps, cached
by browsers).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import websockets
from bench_table import BenchError, Samples
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import DoubleArray
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

#: The app's file route: every URL of the map element under it is fetched with a page load.
FILE_ROUTE = re.compile(r"/mapapp-files/[^\"'\s\\)]+")
FINISHED = ForwardMsg.ScriptFinishedStatus
EPOCH = dt.datetime(1970, 1, 1)


def day_words(day: dt.date) -> str:
    """The page's title for ``day``: ``"The map on 13 November 2021"``.

    Parameters
    ----------
    day
        The day.

    Returns
    -------
    str
        The title's text.
    """
    return f"The map on {day.day} {day:%B %Y}"


def slider_value(day: dt.date) -> list[float]:
    """A date slider's value on the wire: microseconds since the epoch of the day's midnight.

    Parameters
    ----------
    day
        The day.

    Returns
    -------
    list of float
        The ``double_array_value`` of the slider.
    """
    return [(dt.datetime.combine(day, dt.time()) - EPOCH) / dt.timedelta(microseconds=1)]


def _slider_day(micros: float) -> dt.date:
    return (EPOCH + dt.timedelta(microseconds=micros)).date()


@dataclass
class Reader:
    """One reader's tab, without a browser: a websocket session of the app.

    Attributes
    ----------
    base
        The app's base URL (``http://127.0.0.1:PORT``).
    query
        The query string the tab sends (the first one is the URL's).
    timeout
        Longest wait in seconds for one run to finish.
    """

    base: str
    query: str
    timeout: float = 180.0
    page_hash: str = ""
    cached: set[str] = field(default_factory=set)
    map_id: str = ""
    map_payload: str = ""
    slider_id: str = ""
    slider_shown: list[float] = field(default_factory=list)
    slider_range: tuple[dt.date, dt.date] | None = None
    heading: str = ""
    auto_rerun: tuple[float, str] | None = None
    errors: list[str] = field(default_factory=list)
    received: int = 0
    socket: object = None

    async def __aenter__(self) -> Reader:
        url = "ws" + self.base.removeprefix("http") + "/_stcore/stream"
        self.socket = await websockets.connect(
            url, subprotocols=["streamlit"], max_size=None, ping_interval=None, open_timeout=self.timeout
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self.socket.close()

    async def run(self, widgets: list[WidgetState] = (), fragment_id: str = "") -> float:
        """Ask for a run (a rerun of the page, or of one fragment) and wait until it has finished.

        Parameters
        ----------
        widgets
            Widget values to send.
        fragment_id
            A fragment to run on its timer (an ``auto_rerun``), or "" for the page.

        Returns
        -------
        float
            Milliseconds from sending the request to ``script_finished``.

        Raises
        ------
        BenchError
            If the run does not finish within ``timeout`` or the page raised.
        """
        back = BackMsg()
        state = back.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash
        state.widget_states.widgets.extend(widgets)
        state.cached_message_hashes.extend(sorted(self.cached))
        if fragment_id:
            state.fragment_id = fragment_id
            state.is_auto_rerun = True
        started = time.perf_counter()
        await self.socket.send(back.SerializeToString())
        try:
            async with asyncio.timeout(self.timeout):
                while not self._handle(await self.socket.recv(), bool(fragment_id)):
                    pass
        except TimeoutError as exc:
            raise BenchError(f"a run did not finish within {self.timeout:.0f} s") from exc
        if self.errors:
            raise BenchError("the page failed: " + " | ".join(self.errors)[:500])
        return (time.perf_counter() - started) * 1000

    def _handle(self, raw: bytes, fragment_run: bool) -> bool:
        """Take one message in; True when it ends the run asked for."""
        self.received += len(raw)
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.page_hash = msg.new_session.page_script_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "auto_rerun":
            self.auto_rerun = (msg.auto_rerun.interval, msg.auto_rerun.fragment_id)
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            if msg.metadata.cacheable and msg.hash:
                self.cached.add(msg.hash)
            self._element(msg.delta.new_element)
        elif kind == "script_finished":
            status = msg.script_finished
            if status == FINISHED.FINISHED_WITH_COMPILE_ERROR:
                self.errors.append("the script did not compile")
            return status in (FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_WITH_COMPILE_ERROR) or (
                fragment_run and status == FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
            )
        return False

    def _element(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "bidi_component":  # the map that keeps time (Components v2)
            self.map_id = element.bidi_component.id
            self.map_payload = element.bidi_component.json
        elif kind == "component_instance" and "folium" in element.component_instance.component_name:
            self.map_payload = element.component_instance.json_args
        elif kind == "slider" and element.slider.label == "Date":
            slider = element.slider
            self.slider_id = slider.id
            self.slider_range = (_slider_day(slider.min), _slider_day(slider.max))
            if slider.set_value or not self.slider_shown:
                self.slider_shown = list(slider.value if slider.set_value else slider.default)
        elif kind == "markdown" and "The map on" in element.markdown.body:
            self.heading = element.markdown.body.lstrip("#").strip()
        elif kind == "exception":
            self.errors.append(f"{element.exception.type}: {element.exception.message}")
        elif kind == "alert" and "went wrong" in element.alert.body:
            self.errors.append(element.alert.body)

    async def fetch_map_files(self) -> int:
        """Fetch every file the map element names under the app's file route, in parallel.

        Returns
        -------
        int
            Bytes received (headers and bodies; gzip accepted, as a browser does).
        """
        paths = sorted(set(FILE_ROUTE.findall(self.map_payload)))
        if not paths:
            raise BenchError("the page sent no map element naming its files")
        return sum(await asyncio.gather(*(http_get(self.base, path) for path in paths)))

    def sync_widgets(self, mode: str, day: dt.date, n: int) -> list[WidgetState]:
        """The widget values a tab sends when its day changes (see the module's notes).

        Parameters
        ----------
        mode
            ``"map"``: the map component reports its day; ``"slider"``: the slider moves.
        day
            The new day.
        n
            The report's number (the component numbers its reports).

        Returns
        -------
        list of WidgetState
            What the rerun request carries.

        Raises
        ------
        BenchError
            If the page has not shown the widget this needs.
        """
        if not self.slider_id:
            raise BenchError("the page shows no date slider")
        if mode == "slider":
            return [WidgetState(id=self.slider_id, double_array_value=DoubleArray(data=slider_value(day)))]
        if not self.map_id:
            raise BenchError("the page shows no map component with a state (Components v2)")
        report = json.dumps({"day": {"value": day.isoformat(), "n": n}})
        return [
            WidgetState(id=self.slider_id, double_array_value=DoubleArray(data=self.slider_shown)),
            WidgetState(id=self.map_id, json_value=report),
        ]

    async def open_page(self) -> float:
        """The first run of the tab plus the map's files: what a page load costs the server.

        Returns
        -------
        float
            Milliseconds from connecting to the last file received.
        """
        started = time.perf_counter()
        await self.run()
        await self.fetch_map_files()
        return (time.perf_counter() - started) * 1000

    async def follow_timer(self) -> float | None:
        """Answer the page's timed fragment (the chart drawn a moment after the map), if any.

        Returns
        -------
        float or None
            Milliseconds of that run, None when the page set no timer.
        """
        if self.auto_rerun is None:
            return None
        interval, fragment = self.auto_rerun
        self.auto_rerun = None
        await asyncio.sleep(interval)
        return await self.run(fragment_id=fragment)

    async def sync(self, mode: str, day: dt.date, n: int) -> float:
        """Tell the server the day changed and wait until the page has followed.

        Parameters
        ----------
        mode
            ``"map"`` or ``"slider"`` (see :meth:`sync_widgets`).
        day
            The new day.
        n
            The report's number.

        Returns
        -------
        float
            Milliseconds of the rerun.

        Raises
        ------
        BenchError
            If the page's title does not name the new day afterwards.
        """
        took = await self.run(self.sync_widgets(mode, day, n))
        if self.heading != day_words(day):
            raise BenchError(f"after a sync to {day} the page says {self.heading!r}")
        return took


async def http_get(base: str, path: str, timeout: float = 180.0) -> int:
    """GET ``path`` from the app over a fresh HTTP/1.1 connection, accepting gzip.

    Parameters
    ----------
    base
        The app's base URL.
    path
        The path to fetch.
    timeout
        Seconds.

    Returns
    -------
    int
        Bytes received.

    Raises
    ------
    BenchError
        Unless the answer is a 200.
    """
    where = urlsplit(base)
    async with asyncio.timeout(timeout):
        reader, writer = await asyncio.open_connection(where.hostname, where.port)
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {where.netloc}\r\nAccept-Encoding: gzip\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        await writer.drain()
        answer = await reader.read()
        writer.close()
    status = answer.split(b" ", 2)[1:2]
    if status != [b"200"]:
        raise BenchError(f"GET {path}: {answer[:60]!r}")
    return len(answer)


@dataclass
class Capacity:
    """What concurrent readers met.

    Attributes
    ----------
    loads
        One page load per reader (first run and the map's files).
    timers
        The chart's timed run per reader.
    syncs
        Every sync of every reader.
    errors
        Readers that failed, with why.
    wall_s
        Seconds from the first connection to the last reader done.
    """

    loads: Samples = field(default_factory=Samples)
    timers: Samples = field(default_factory=Samples)
    syncs: Samples = field(default_factory=Samples)
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0


async def _one_reader(
    base: str, first: dt.date, syncs: int, think_s: float, mode: str, out: Capacity
) -> None:
    async with Reader(base, f"date={first.isoformat()}") as tab:
        out.loads.values.append(await tab.open_page())
        timer = await tab.follow_timer()
        if timer is not None:
            out.timers.values.append(timer)
        for k in range(1, syncs + 1):
            await asyncio.sleep(think_s)
            out.syncs.values.append(await tab.sync(mode, first + dt.timedelta(days=k), k))


async def _capacity(
    base: str, readers: int, syncs: int, think_s: float, mode: str, first: dt.date
) -> Capacity:
    out = Capacity()
    started = time.perf_counter()
    # Each reader opens the map on a day of its own, a week apart, as readers of different links.
    outcomes = await asyncio.gather(
        *(
            _one_reader(base, first + dt.timedelta(days=7 * i), syncs, think_s, mode, out)
            for i in range(readers)
        ),
        return_exceptions=True,
    )
    out.wall_s = time.perf_counter() - started
    out.errors = [f"{type(o).__name__}: {o}" for o in outcomes if isinstance(o, BaseException)]
    return out


def capacity(
    base: str, readers: int, syncs: int, think_s: float, mode: str, first: dt.date = dt.date(2021, 7, 1)
) -> Capacity:
    """Readers that all open the page at once, then each sync ``syncs`` new days.

    Parameters
    ----------
    base
        The app's base URL.
    readers
        Concurrent sessions.
    syncs
        Days each reader moves through after its page has loaded (one day each).
    think_s
        Pause before each sync (the map reports a day only after it rests 300 ms).
    mode
        ``"map"`` (the component's state) or ``"slider"``.
    first
        The first reader's day; the others open a week apart.

    Returns
    -------
    Capacity
        The timings and the readers that failed.
    """
    return asyncio.run(_capacity(base, readers, syncs, think_s, mode, first))


@dataclass
class Walk:
    """One reader visiting every day of the period.

    Attributes
    ----------
    days
        Days visited, each by a sync (the page opens on its default day first).
    syncs
        One per day.
    """

    days: int = 0
    syncs: Samples = field(default_factory=Samples)


async def _walk(base: str, mode: str, limit: int | None) -> Walk:
    out = Walk()
    async with Reader(base, "") as tab:
        await tab.open_page()
        await tab.follow_timer()
        if tab.slider_range is None:
            raise BenchError("the page shows no date slider: cannot tell the period")
        first, last = tab.slider_range
        total = (last - first).days + 1
        count = total if limit is None else min(limit, total)
        for k in range(count):
            out.syncs.values.append(await tab.sync(mode, first + dt.timedelta(days=k), k + 1))
            out.days += 1
    return out


def walk(base: str, mode: str, limit: int | None = None) -> Walk:
    """One reader goes through the whole period a day at a time (for the server's memory).

    Parameters
    ----------
    base
        The app's base URL.
    mode
        ``"map"`` or ``"slider"``.
    limit
        Visit only the first ``limit`` days (a smoke run); None for every day.

    Returns
    -------
    Walk
        The days visited and the syncs' timings.
    """
    return asyncio.run(_walk(base, mode, limit))
