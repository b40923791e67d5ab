"""The apps under test: the current checkout and the baseline commit, each served by Streamlit.

Each server is started as the README says (``python -m streamlit run
mapapp/server.py``) with the Python that runs the benchmark, on a free port of
127.0.0.1, with its own data folder and an empty cache folder of its own.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench_table import BenchError

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Server:
    """A running app.

    Attributes
    ----------
    url
        Base URL, e.g. ``http://127.0.0.1:PORT``.
    process
        The server process (Streamlit runs the page in this same process).
    spawned
        ``time.perf_counter()`` just before the process was started.
    healthy
        ``time.perf_counter()`` when ``/_stcore/health`` first answered 200.
    cache_dir
        The app's cache folder (``$MAPAPP_CACHE_DIR``), empty when it started.
    log
        The server's log file.
    """

    url: str
    process: subprocess.Popen
    spawned: float
    healthy: float
    cache_dir: Path
    log: Path

    @property
    def pid(self) -> int:
        """Process id of the server."""
        return self.process.pid

    def memory_mb(self) -> tuple[float, float]:
        """Resident memory now and at its peak, in MB (10^6 bytes), from ``/proc/<pid>/status``.

        Returns
        -------
        tuple of float
            (VmRSS, VmHWM).

        Raises
        ------
        BenchError
            If the figures cannot be read (not Linux, or the process is gone).
        """
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError as exc:
            raise BenchError(f"cannot read the memory of process {self.pid}: {exc}") from exc
        values = {}
        for line in status.splitlines():
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = int(rest.split()[0]) * 1024 / 1e6  # the kernel's "kB" are KiB
        if len(values) != 2:
            raise BenchError(f"no VmRSS/VmHWM in /proc/{self.pid}/status")
        return values["VmRSS"], values["VmHWM"]


def stop(process: subprocess.Popen, timeout: float) -> None:
    """Stop a server process: politely, then for good after ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


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


def healthy(url: str) -> bool:
    """Whether the app at ``url`` answers its health check.

    Parameters
    ----------
    url
        Base URL of the app.

    Returns
    -------
    bool
        True on a 200 from ``/_stcore/health``.
    """
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
            return reply.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def serving(root: Path, name: str, timeout: float = 120.0) -> Iterator[Server]:
    """Start the app in ``root`` with an empty cache folder; stop it on exit, also on error.

    Parameters
    ----------
    root
        A checkout of the app (with ``mapapp/`` and ``geodata/``).
    name
        A short name for the log file and the messages.
    timeout
        Seconds to wait for the health check.

    Yields
    ------
    Server
        The running app.

    Raises
    ------
    BenchError
        If the app exits or does not answer in time; the message ends with its log.
    """
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-cache-") as cache:
        port = free_port()
        log_file = tempfile.NamedTemporaryFile("w", prefix=f"bench-{name}-", suffix=".log", delete=False)
        log = Path(log_file.name)
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("MAPAPP_BENCHMARK", "MAPAPP_DATA_DIR", "MAPAPP_CACHE_DIR")
        }
        env.update(MAPAPP_DATA_DIR=str(root / "geodata"), MAPAPP_CACHE_DIR=cache)
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
        url = f"http://127.0.0.1:{port}"
        spawned = time.perf_counter()
        process = subprocess.Popen(command, cwd=root, stdout=log_file, stderr=subprocess.STDOUT, env=env)
        try:
            while not healthy(url):
                if process.poll() is not None or time.perf_counter() - spawned > timeout:
                    log_file.flush()
                    tail = log.read_text(errors="replace")[-2000:]
                    raise BenchError(f"the {name} app did not start (log {log}):\n{tail}")
                time.sleep(0.05)
            server = Server(url, process, spawned, time.perf_counter(), Path(cache), log)
            print(f"[{name}] serving {url}, pid {process.pid}, log {log}", file=sys.stderr)
            yield server
        finally:
            stop(process, 15)
            log_file.close()


@contextlib.contextmanager
def baseline_checkout(commit: str) -> Iterator[Path]:
    """The app as it was at ``commit``, extracted from git into a temporary folder.

    Parameters
    ----------
    commit
        A commit of this repository (e.g. ``b4c8bfb``).

    Yields
    ------
    Path
        The folder (removed on exit).

    Raises
    ------
    BenchError
        If git is missing or the commit cannot be archived.
    """
    git = shutil.which("git")
    if git is None:
        raise BenchError("git is not on the PATH: cannot extract the baseline")
    archive = subprocess.run([git, "-C", str(REPO), "archive", commit], capture_output=True)
    if archive.returncode != 0:
        raise BenchError(f"git archive {commit} failed: {archive.stderr.decode(errors='replace').strip()}")
    with tempfile.TemporaryDirectory(prefix=f"bench-baseline-{commit}-") as folder:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(folder, filter="data")
        yield Path(folder)
