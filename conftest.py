"""Fixtures shared by every domain's tests: the demo data loaded once per session (each test
then runs inside a transaction that is rolled back), an API client that speaks JSON, and for
browser tests (`@pytest.mark.browser`) a real server with Debian's Chromium in front of it.

Browser fixtures, for any domain's `test_browser_*.py`:
- `live_site` (session): the base URL of a gunicorn serving the demo data on a database of
  its own (a temp SQLite file, or `<name>_browser` on the PostgreSQL of DATABASE_URL), with
  static files collected and a background-task worker running, as `make run` serves it.
  pytest-django's `live_server` would flush the test database between tests, which the
  append-only tables refuse, so the browser tests get a server of their own instead.
- `live_site_server` (session): the same server as a `LiveSite`, whose `sms_code_to(phone)`
  reads the last code the logging verification gateway sent (from the server's log: the
  gateway's in-memory outbox lives in another process).
- `browser_page`: opens pages in fresh browser contexts on a phone-sized screen and fails the
  test on any console error (a Content-Security-Policy violation included).
- `axe_check`: runs axe-core on a page and fails on serious or critical violations.
They skip with a message where Chromium or Playwright is missing.
"""

from __future__ import annotations

import json
import os
import re
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
from django.core.management import call_command
from django.test import Client

DEMO_PASSWORD = "lifelong-demo"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0)


class ApiClient:
    """A JSON client for /api/v1 that can sign in as a demo account."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.token = token

    def _headers(self) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **params):
        return self.client.get(path, params, **self._headers())

    def post(self, path: str, body=None, raw: str | None = None):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(path, data, content_type="application/json", **self._headers())

    def login(self, username: str, password: str = DEMO_PASSWORD) -> ApiClient:
        response = Client().post(
            "/api/v1/auth/token",
            json.dumps({"username": username, "password": password}),
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        return ApiClient(response.json()["token"])


@pytest.fixture
def api(db) -> ApiClient:
    return ApiClient()


@pytest.fixture
def as_user(db):
    """`as_user("district_officer")` → an ApiClient holding a real token of that demo account.

    The token is minted directly (password checks are tested on their own) so that the scope
    matrices, which sign in hundreds of times, do not spend their time hashing passwords."""
    from django.contrib.auth import get_user_model

    from lifelong.identity.services import create_api_token_for

    def make(username: str) -> ApiClient:
        user = get_user_model().objects.get(username=username)
        return ApiClient(create_api_token_for(user=user, name="test"))

    return make


# ---- browser tests: a real server, Debian's Chromium, axe-core ------------------------------

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
# axe-core is test-only and vendored with its licence next to the portal's browser tests.
AXE = Path(__file__).resolve().parent / "src/lifelong/portal/tests/vendor/axe.min.js"
STARTUP_SECONDS = 60
# What identity's LoggingVerificationGateway logs for every code it "sends".
SMS_LOG_LINE = re.compile(r"SMS code (?P<code>\d{6}) to (?P<phone>\S+) \(logging gateway\)")


@dataclass(frozen=True)
class LiveSite:
    url: str
    database_url: str
    log: Path

    def sms_code_to(self, phone: str, timeout: float = 5.0) -> str:
        """The newest code the server's logging gateway sent to this number. The gateway logs
        the number masked (138****0001), so give numbers that differ in their last four."""
        from lifelong.shared.pii import mask_phone

        masked = mask_phone(phone)
        deadline = time.monotonic() + timeout
        while True:
            codes = [
                m["code"]
                for m in SMS_LOG_LINE.finditer(self.log.read_text(errors="replace"))
                if m["phone"] == masked
            ]
            if codes:
                return codes[-1]
            if time.monotonic() > deadline:
                raise AssertionError(f"no SMS code to {masked} in {self.log}")
            time.sleep(0.1)


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
        # The arguments are this file's own constants: the lifelong command and its options.
        result = subprocess.run(  # noqa: S603
            args, env=env, stdout=out, stderr=subprocess.STDOUT, check=False
        )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{log.read_text(errors='replace')[-4000:]}")


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603


def _stop(process: subprocess.Popen | None) -> None:
    if process is None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_for_health(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            # Always the http://127.0.0.1 URL of the server started above.
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:  # noqa: S310
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
def live_site_server() -> Iterator[LiveSite]:
    """gunicorn and a task worker serving the demo data on a database of their own, for this
    test session; torn down at its end."""
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
        "LIFELONG_LOG_LEVEL": "INFO",
        "DJANGO_DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "lifelong.config.settings",
    }
    lifelong = [sys.executable, "-m", "lifelong"]
    server = worker = None
    try:
        _run([*lifelong, "migrate", "--no-input", "-v0"], env, log)
        _run([*lifelong, "load_demo"], env, log)
        _run([*lifelong, "collectstatic", "--no-input", "-v0"], env, log)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        worker = _start(
            [
                *lifelong,
                "db_worker",
                "--queue-name",
                "*",
                "--interval",
                "0.5",
                "--no-startup-delay",
                "--no-reload",
            ],
            env,
            log,
        )
        server = _start(
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
            env,
            log,
        )
        _wait_for_health(url, server, log)
        yield LiveSite(url=url, database_url=database_url, log=log)
    finally:
        _stop(server)
        _stop(worker)
        if _is_postgres(database_url):
            _drop_postgres(database_url)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def live_site(live_site_server: LiveSite) -> str:
    """The base URL of the browser tests' server, e.g. http://127.0.0.1:41234."""
    return live_site_server.url


@pytest.fixture(scope="session")
def chromium(live_site: str):
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
def browser_page(chromium, live_site: str):
    """`browser_page("/path", for_axe=False, cookies={...})` opens a page in a fresh browser
    context (no cookies but those given), on a phone-sized screen, in Chinese. The test fails
    on any console error, such as a Content-Security-Policy violation, except in contexts
    opened `for_axe`: injecting axe-core is an inline script, which the CSP rightly refuses,
    so those contexts bypass it."""
    contexts = []
    errors: list[str] = []

    def open_(path: str = "/", *, for_axe: bool = False, cookies: dict[str, str] | None = None):
        context = chromium.new_context(
            base_url=live_site,
            viewport={"width": 390, "height": 844},
            locale="zh-CN",
            bypass_csp=for_axe,
            accept_downloads=True,
        )
        contexts.append(context)
        if cookies:
            context.add_cookies(
                [{"name": k, "value": v, "url": live_site} for k, v in cookies.items()]
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
    """`axe_check(page, label)` runs axe-core on the page; fails on any serious or critical
    violation, listing them; returns all violations."""

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


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` exercise PostgreSQL-only behaviour (row locks, COPY, deferred
    constraint triggers). On SQLite they are skipped before any fixture runs: a transactional
    test's closing flush would otherwise hit the append-only triggers, which refuse DELETE."""
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    skip = pytest.mark.skip(reason="PostgreSQL-only behaviour; runs in the PostgreSQL pass")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)
