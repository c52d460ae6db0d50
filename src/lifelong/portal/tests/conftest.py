"""Browser-test fixtures: a real server on a fresh database, and Debian's Chromium.

pytest-django's live_server would flush the test database between tests, which the
append-only tables refuse; so the browser tests get a server of their own instead: a new
database (a temp SQLite file, or `<name>_browser` on the PostgreSQL of DATABASE_URL), migrated
and loaded with the demo data by the `lifelong` command, with static files collected, and
served by gunicorn exactly as `make run` serves it. Everything is torn down at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).with_name("vendor") / "axe.min.js"
STARTUP_SECONDS = 60


@dataclass(frozen=True)
class Server:
    url: str
    database_url: str


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _recreate_postgres(url: str) -> str:
    """Drop and create `<name>_browser` next to the test database; returns its URL."""
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/") + "_browser"
    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return _with_database(url, name)


def _drop_postgres(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _run(args: list[str], env: dict[str, str], log: Path) -> None:
    with log.open("ab") as out:
        result = subprocess.run(args, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{log.read_text(errors='replace')[-4000:]}")


def _wait_for_health(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if json.load(response) == {"status": "ok", "database": "ok"}:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"no healthy server after {STARTUP_SECONDS}s:\n{log.read_text()[-4000:]}")


def _require_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser tests need Debian's Chromium at {CHROMIUM} "
            "(apt-get install chromium fonts-noto-cjk); .ci/run installs it"
        )
    pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package")


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    """A gunicorn serving the demo data on a database of its own, for this test session."""
    _require_chromium()
    workdir = Path(tempfile.mkdtemp(prefix="lifelong-browser-"))
    log = workdir / "server.log"
    test_url = os.environ.get("DATABASE_URL", "")
    if _is_postgres(test_url):
        database_url = _recreate_postgres(test_url)
    else:
        database_url = f"sqlite:///{workdir / 'browser.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LIFELONG_VAR_DIR": str(workdir / "var"),
        "LIFELONG_MODE": "demo",
        "DJANGO_DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "lifelong.config.settings",
    }
    lifelong = [sys.executable, "-m", "lifelong"]
    process = None
    try:
        _run([*lifelong, "migrate", "--no-input", "-v0"], env, log)
        _run([*lifelong, "load_demo"], env, log)
        _run([*lifelong, "collectstatic", "--no-input", "-v0"], env, log)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        with log.open("ab") as out:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "lifelong.config.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                    "--access-logfile",
                    "-",
                ],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        _wait_for_health(url, process, log)
        yield Server(url=url, database_url=database_url)
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if _is_postgres(database_url):
            _drop_postgres(database_url)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def chromium(server: Server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _console_error(message, errors: list[str]) -> None:
    # Chromium logs every 4xx response, the page's own included; a page's status is its
    # test's business, and failed sub-resources are caught by _failed_resource with their URL.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        errors.append(message.text)


def _failed_resource(response, errors: list[str]) -> None:
    if response.request.resource_type != "document" and response.status >= 400:
        errors.append(f"{response.status} {response.url}")


@pytest.fixture
def open_page(chromium, server: Server):
    """Opens pages in fresh browser contexts (no cookies), on a phone-sized screen. The test
    fails on any console error, such as a Content-Security-Policy violation, except in
    contexts opened `for_axe`: injecting axe-core is an inline script, which the CSP rightly
    refuses, so those contexts bypass it."""
    contexts = []
    errors: list[str] = []

    def open_(path: str = "/", *, for_axe: bool = False, cookies: dict[str, str] | None = None):
        context = chromium.new_context(
            base_url=server.url,
            viewport={"width": 390, "height": 844},
            locale="zh-CN",
            bypass_csp=for_axe,
        )
        contexts.append(context)
        if cookies:
            context.add_cookies(
                [{"name": k, "value": v, "url": server.url} for k, v in cookies.items()]
            )
        page = context.new_page()
        page.set_default_timeout(10_000)
        if not for_axe:
            page.on("console", lambda msg: _console_error(msg, errors))
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("response", lambda response: _failed_resource(response, errors))
        page.goto(path)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert errors == [], f"console errors: {errors}"


@pytest.fixture
def axe_check():
    """Run axe-core on the page; fail on any serious or critical violation, listing them."""

    def check(page, label: str) -> list[dict]:
        page.add_script_tag(path=str(AXE))
        results = page.evaluate("axe.run()")
        bad = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
        if bad:
            for violation in bad:
                nodes = [node["target"] for node in violation["nodes"]]
                print(
                    f"[{label}] {violation['impact']} {violation['id']}: {violation['help']} {nodes}"
                )
        assert bad == [], f"axe found serious/critical violations on {label}: " + ", ".join(
            v["id"] for v in bad
        )
        return results["violations"]

    return check
