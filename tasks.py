"""The project's two commands, needing nothing but Python 3.11+.

    python3 tasks.py run    set up .venv and start the app on the bundled data
    python3 tasks.py test   set up .venv, find or install a browser, run every test

Set-up is idempotent: the virtual environment is created once and packages are
installed again only when requirements.txt changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
STAMP = VENV / ".requirements-sha256"
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def say(message: str) -> None:
    """Progress on stderr, so it never mixes with a command's output."""
    print(f"[tasks] {message}", file=sys.stderr, flush=True)


def fail(message: str) -> None:
    """Stop with a message that says what to do."""
    print(f"[tasks] error: {message}", file=sys.stderr, flush=True)
    raise SystemExit(1)


def is_root_on_debian() -> bool:
    """apt-get can be used without asking anyone."""
    return (
        hasattr(os, "geteuid")
        and os.geteuid() == 0
        and Path("/etc/debian_version").exists()
        and bool(shutil.which("apt-get"))
    )


def apt_install(*packages: str) -> bool:
    """Install Debian packages; True on success."""
    say(f"installing {' '.join(packages)} with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    update = subprocess.run(["apt-get", "update", "-qq"], env=env)
    install = subprocess.run(["apt-get", "install", "-y", "-qq", *packages], env=env)
    return update.returncode == 0 and install.returncode == 0


def create_venv() -> None:
    """Create .venv, installing Debian's venv module first if it is missing."""
    if PY.exists():
        return
    say(f"creating {VENV.name}/ with {sys.executable}")
    if subprocess.run([sys.executable, "-m", "venv", str(VENV)]).returncode == 0:
        return
    shutil.rmtree(VENV, ignore_errors=True)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}-venv"
    if is_root_on_debian() and apt_install(version):
        if subprocess.run([sys.executable, "-m", "venv", str(VENV)]).returncode == 0:
            return
    fail(f"could not create a virtual environment: install the venv module ({version} on Debian)")


def install_requirements() -> None:
    """Pip install -r requirements.txt, only when it changed since the last time."""
    requirements = ROOT / "requirements.txt"
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == digest:
        return
    say("installing requirements.txt")
    run = subprocess.run(
        [str(PY), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", str(requirements)]
    )
    if run.returncode != 0:
        fail("pip could not install requirements.txt (see above)")
    STAMP.write_text(digest + "\n")


def setup() -> None:
    """The isolated environment with every pinned package."""
    if sys.version_info < (3, 11):  # noqa: UP036 - says so on an older Python
        fail(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    create_venv()
    install_requirements()


def find_browser() -> str:
    """A Chromium for the browser tests: its path, or "playwright" for Playwright's own.

    Order: $MAPAPP_CHROMIUM; a system Chromium/Chrome; Debian's ``chromium``
    package when root on Debian; Playwright's installer. Never silently none.
    """
    given = os.environ.get("MAPAPP_CHROMIUM")
    if given:
        return given
    for name in BROWSER_NAMES:
        path = shutil.which(name)
        if path:
            return path
    if is_root_on_debian() and apt_install("chromium"):
        path = shutil.which("chromium")
        if path:
            return path
    say("no system Chromium: trying Playwright's own browser download")
    if subprocess.run([str(PY), "-m", "playwright", "install", "--with-deps", "chromium"]).returncode == 0:
        return "playwright"
    fail(
        "no browser for the browser tests: install Chromium (Debian: apt-get install chromium), "
        "or set MAPAPP_CHROMIUM to a Chromium executable"
    )
    return ""  # unreachable


def find_node() -> str:
    """Node.js for the JavaScript syntax check: its path (installed with apt when root on Debian)."""
    for name in ("node", "nodejs"):
        path = shutil.which(name)
        if path:
            return path
    if is_root_on_debian() and apt_install("nodejs"):
        path = shutil.which("node") or shutil.which("nodejs")
        if path:
            return path
    fail("no Node.js for the JavaScript check: install it (Debian: apt-get install nodejs)")
    return ""  # unreachable


def js_problems(node: str, files: list[Path]) -> list[str]:
    """Syntax errors of JavaScript files, each read as an ES module; [] when all parse.

    The file is given on stdin with ``--input-type=module``: ``node --check file.js``
    on a file with ``import``/``export`` reports nothing at all, even for broken code.
    """
    problems = []
    for path in files:
        with path.open("rb") as source:
            run = subprocess.run(
                [node, "--input-type=module", "--check"], stdin=source, capture_output=True, text=True
            )
        if run.returncode != 0:
            detail = run.stderr.replace(
                "[stdin]", path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
            )
            problems.append(detail.strip())
    return problems


def check_js() -> None:
    """Every .js file of the package parses (its behaviour is tested in Chromium)."""
    files = sorted((ROOT / "mapapp").rglob("*.js"))
    problems = js_problems(find_node(), [f for f in files if "vendor" not in f.parts])
    if problems:
        fail("JavaScript syntax errors:\n" + "\n\n".join(problems))


def run_app(extra: list[str]) -> int:
    """Start the app on the bundled data (replaces this process)."""
    setup()
    os.chdir(ROOT)
    args = [str(BIN / "streamlit"), "run", "mapapp/server.py", *extra]
    os.execv(args[0], args)
    return 0


def run_tests(extra: list[str]) -> int:
    """Lint, the JavaScript syntax check and every test, browser tests included."""
    setup()
    env = {**os.environ, "MAPAPP_CHROMIUM": find_browser()}
    say(f"browser for the browser tests: {env['MAPAPP_CHROMIUM']}")
    lint = subprocess.run([str(PY), "-m", "ruff", "check", "."], cwd=ROOT)
    if lint.returncode != 0:
        fail("ruff found problems (see above)")
    check_js()
    return subprocess.run([str(PY), "-m", "pytest", *extra], cwd=ROOT, env=env).returncode


def main(argv: list[str]) -> int:
    """Dispatch ``run`` or ``test``; further arguments go to streamlit or pytest."""
    commands = {"run": run_app, "test": run_tests}
    if not argv or argv[0] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    return commands[argv[0]](argv[1:])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
