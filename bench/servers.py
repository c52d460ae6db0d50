"""Start the production server (gunicorn, `lifelong.config.wsgi`) on a fresh database.

`running_server("sqlite")` or `running_server("postgresql")` yields a `Server` whose database
has been migrated and loaded with the demo data and whose static files are collected, and
stops the server (and drops the PostgreSQL database) on the way out. Every benchmark in bench/
starts its server through here, so all of them measure the same deployment.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
POSTGRES_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
POSTGRES_BENCH_DB = "lifelong_bench"
DATABASES = ("sqlite", "postgresql")
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 15


@dataclass(frozen=True)
class Server:
    database: str
    database_url: str
    host: str
    port: int
    workers: int
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        body: bytes | dict | None = None,
        headers: dict[str, str] | None = None,
    ):
        """One request on its own connection: (status, parsed JSON or raw bytes). A dict body
        is sent as JSON."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            payload = json.dumps(body).encode() if isinstance(body, dict) else body
            all_headers = {"Content-Type": "application/json"} if payload else {}
            all_headers.update(headers or {})
            conn.request(method, path, body=payload, headers=all_headers)
            response = conn.getresponse()
            data = response.read()
            if response.getheader("Content-Type", "").startswith("application/json"):
                return response.status, json.loads(data)
            return response.status, data
        finally:
            conn.close()

    def bearer_token(self, username: str, password: str) -> str:
        status, body = self.request(
            "POST", "/api/v1/auth/token", {"username": username, "password": password}
        )
        if status != 200:
            raise RuntimeError(f"login as {username} failed: {status} {body!r}")
        return body["token"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_url(name: str) -> str:
    admin = urlparse(POSTGRES_ADMIN_URL)
    return admin._replace(path=f"/{name}").geturl()


def recreate_postgres_database(name: str = POSTGRES_BENCH_DB) -> str:
    import psycopg
    from psycopg import sql

    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return _postgres_url(name)


def drop_postgres_database(name: str = POSTGRES_BENCH_DB) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _lifelong(env: dict, source: Path, *args: str) -> None:
    subprocess.run(
        [str(BIN / "lifelong"), *args],
        env=env,
        cwd=source,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=600,
    )


def _log_tail(log_path: Path, lines: int = 30) -> str:
    """The end of the server's log, for the error: the temporary directory is gone by the time
    anyone could open the file."""
    try:
        return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _wait_healthy(host: str, port: int, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{_log_tail(log_path)}")
        conn = http.client.HTTPConnection(host, port, timeout=2)
        try:
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    raise RuntimeError(
        f"/healthz did not answer 200 within {START_TIMEOUT_S} s:\n{_log_tail(log_path)}"
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT_S)


@contextlib.contextmanager
def running_server(database: str, *, workers: int = 2, source: Path = ROOT) -> Iterator[Server]:
    """gunicorn with `workers` sync workers on 127.0.0.1, on a fresh `database`.

    `source` is the project tree to serve: this one, or an exported revision (its `src/` is put
    ahead of the editable install on the path, so the same venv serves it)."""
    if database not in DATABASES:
        raise ValueError(f"database must be one of {DATABASES}, not {database!r}")
    with tempfile.TemporaryDirectory(prefix=f"lifelong-bench-{database}-") as tmp:
        var_dir = Path(tmp) / "var"
        if database == "sqlite":
            database_url = f"sqlite:///{var_dir / 'lifelong.sqlite3'}"
        else:
            database_url = recreate_postgres_database()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "LIFELONG_VAR_DIR": str(var_dir),
            "LIFELONG_MODE": "demo",
            "LIFELONG_LOG_LEVEL": "WARNING",
        }
        if source.resolve() != ROOT:
            env["PYTHONPATH"] = str(source.resolve() / "src")
        try:
            _lifelong(env, source, "migrate", "--no-input")
            _lifelong(env, source, "load_demo")
            _lifelong(env, source, "collectstatic", "--no-input", "-v0")
            host, port = "127.0.0.1", free_port()
            log_path = Path(tmp) / "gunicorn.log"
            with open(log_path, "wb") as log:
                process = subprocess.Popen(
                    [
                        str(BIN / "gunicorn"),
                        "lifelong.config.wsgi",
                        "--preload",
                        "--bind",
                        f"{host}:{port}",
                        "--workers",
                        str(workers),
                    ],
                    env=env,
                    cwd=source,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
                try:
                    _wait_healthy(host, port, process, log_path)
                    yield Server(database, database_url, host, port, workers, log_path)
                finally:
                    _stop(process)
        finally:
            if database == "postgresql":
                drop_postgres_database()
