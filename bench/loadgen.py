"""Loopback load generators with one interface, and the warm-up/measure plan every benchmark
in bench/ follows.

- `wrk` (Debian's package) when it is installed: C, so it leaves more CPU to the server.
- A Python generator otherwise, so the figures can be reproduced anywhere the venv runs:
  one thread per connection, each an `http.client` connection kept alive as long as the server
  allows (gunicorn's sync workers close after every response, so it reconnects, as wrk does).

Both are bounded: by time, and the Python one also by a request count. Both count any answer
other than the expected status, or a socket error, as an error instead of a latency.

A later benchmark (search, xAPI ingestion) describes its requests as `Endpoint`s, possibly
POSTs with a body, and calls `measure_endpoints` against a server from `servers.py`.
"""

from __future__ import annotations

import http.client
import math
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

GENERATORS = ("wrk", "python")
REQUEST_TIMEOUT_S = 10
MAX_REQUESTS_PER_RUN = 1_000_000
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Endpoint:
    """One request to measure. `authenticated` endpoints get the caller's bearer token."""

    name: str
    path: str
    method: str = "GET"
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    authenticated: bool = False
    expected_status: int = 200


@dataclass(frozen=True)
class Plan:
    warmup_s: float
    runs: int
    run_s: float
    connections: int
    workers: int


@dataclass(frozen=True)
class Sample:
    """One measured run against one endpoint."""

    requests: int
    errors: int
    seconds: float
    requests_per_s: float
    p50_ms: float
    p99_ms: float


def available(generator: str) -> bool:
    return generator == "python" or (generator == "wrk" and shutil.which("wrk") is not None)


def choose(preference: str) -> str:
    """`auto` means wrk where installed, else the Python generator."""
    if preference == "auto":
        return "wrk" if available("wrk") else "python"
    if not available(preference):
        raise RuntimeError(f"load generator {preference!r} is not installed")
    return preference


def measure_endpoints(
    base_url: str,
    endpoints: Sequence[Endpoint],
    plan: Plan,
    generator: str,
    *,
    auth_headers: dict[str, str] | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, list[Sample]]:
    """Warm every endpoint up (not counted), then `plan.runs` timed runs of each, endpoints
    interleaved so a burst of noise on a shared machine does not land on one endpoint only."""

    def headers_of(endpoint: Endpoint) -> dict[str, str]:
        extra = auth_headers if endpoint.authenticated and auth_headers else {}
        return {**endpoint.headers, **extra}

    def one_run(endpoint: Endpoint, seconds: float) -> Sample:
        return measure(
            generator,
            base_url + endpoint.path,
            method=endpoint.method,
            body=endpoint.body,
            headers=headers_of(endpoint),
            expected_status=endpoint.expected_status,
            connections=plan.connections,
            seconds=seconds,
            max_requests=MAX_REQUESTS_PER_RUN,
        )

    for endpoint in endpoints:
        log(f"   warm-up {endpoint.name} ({plan.warmup_s:g} s)")
        one_run(endpoint, plan.warmup_s)
    samples: dict[str, list[Sample]] = {e.name: [] for e in endpoints}
    for run in range(1, plan.runs + 1):
        for endpoint in endpoints:
            sample = one_run(endpoint, plan.run_s)
            samples[endpoint.name].append(sample)
            log(
                f"   run {run}/{plan.runs} {endpoint.name}: {sample.requests_per_s:.0f} req/s,"
                f" p50 {sample.p50_ms:.1f} ms, p99 {sample.p99_ms:.1f} ms, errors {sample.errors}"
            )
    return samples


def measure(
    generator: str,
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    expected_status: int = 200,
    connections: int,
    seconds: float,
    max_requests: int,
) -> Sample:
    if urlparse(url).hostname not in LOOPBACK:
        raise ValueError("the benchmark only loads the loopback interface")
    if generator == "wrk":
        return run_wrk(
            url,
            method=method,
            body=body,
            headers=headers or {},
            expected_status=expected_status,
            connections=connections,
            seconds=seconds,
        )
    return run_python(
        url,
        method=method,
        body=body,
        headers=headers or {},
        expected_status=expected_status,
        connections=connections,
        seconds=seconds,
        max_requests=max_requests,
    )


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def run_python(
    url: str,
    *,
    method: str,
    body: bytes | None,
    headers: dict[str, str],
    expected_status: int,
    connections: int,
    seconds: float,
    max_requests: int,
) -> Sample:
    parsed = urlparse(url)
    path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
    host, port = parsed.hostname, parsed.port or 80
    issued = 0
    lock = threading.Lock()
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    start = time.perf_counter()
    deadline = start + seconds

    def take_ticket() -> bool:
        nonlocal issued
        with lock:
            if issued >= max_requests:
                return False
            issued += 1
            return True

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=REQUEST_TIMEOUT_S)
        mine = latencies[index]
        try:
            while time.perf_counter() < deadline and take_ticket():
                t0 = time.perf_counter()
                try:
                    conn.request(method, path, body=body, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    ok = response.status == expected_status
                    if response.will_close:
                        conn.close()  # reopened by the next request()
                except (OSError, http.client.HTTPException):
                    conn.close()
                    ok = False
                if ok:
                    mine.append((time.perf_counter() - t0) * 1000)
                else:
                    errors[index] += 1
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + REQUEST_TIMEOUT_S + 5)
    elapsed = time.perf_counter() - start
    merged = sorted(x for per_thread in latencies for x in per_thread)
    return Sample(
        requests=len(merged),
        errors=sum(errors),
        seconds=elapsed,
        requests_per_s=len(merged) / elapsed,
        p50_ms=percentile(merged, 0.50),
        p99_ms=percentile(merged, 0.99),
    )


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"unexpected wrk duration {text!r}")
    return float(match.group(1)) * _UNIT_MS[match.group(2)]


def parse_wrk(output: str) -> Sample:
    """wrk's `--latency` report, with the unexpected-status count our Lua script prints."""

    def find(pattern: str) -> re.Match:
        match = re.search(pattern, output, re.MULTILINE)
        if not match:
            raise ValueError(f"wrk output lacks {pattern!r}:\n{output}")
        return match

    done = find(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m)")
    total = int(done.group(1))
    elapsed_s = _ms(done.group(2) + done.group(3)) / 1000
    unexpected = int(find(r"^unexpected status: (\d+)").group(1))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    # wrk counts a "read" error when a server closes a connection it will not keep alive:
    # not a failed request. Connect, write and timeout errors are.
    failed = sum(int(socket_errors.group(i)) for i in (1, 3, 4)) if socket_errors else 0
    return Sample(
        requests=total - unexpected,
        errors=unexpected + failed,
        seconds=elapsed_s,
        requests_per_s=(total - unexpected) / elapsed_s,
        p50_ms=_ms(find(r"^\s+50%\s+(\S+)").group(1)),
        p99_ms=_ms(find(r"^\s+99%\s+(\S+)").group(1)),
    )


def _lua_string(value: str | bytes) -> str:
    raw = value.encode("utf-8") if isinstance(value, str) else value
    return '"' + "".join(f"\\{b:03d}" for b in raw) + '"'


def wrk_script(method: str, body: bytes | None, expected_status: int) -> str:
    """Method and body for every request, and a count of answers with another status
    (wrk's own count treats any 2xx/3xx as fine)."""
    lines = [f"wrk.method = {_lua_string(method)}"]
    if body is not None:
        lines.append(f"wrk.body = {_lua_string(body)}")
    lines += [
        "local threads = {}",
        "function setup(thread) table.insert(threads, thread) end",
        "function init(args) unexpected = 0 end",
        f"function response(status, headers, body)"
        f" if status ~= {expected_status} then unexpected = unexpected + 1 end end",
        "function done(summary, latency, requests)",
        "  local n = 0",
        '  for _, t in ipairs(threads) do n = n + t:get("unexpected") end',
        '  io.write(string.format("unexpected status: %d\\n", n))',
        "end",
    ]
    return "\n".join(lines) + "\n"


def run_wrk(
    url: str,
    *,
    method: str,
    body: bytes | None,
    headers: dict[str, str],
    expected_status: int,
    connections: int,
    seconds: float,
) -> Sample:
    with tempfile.TemporaryDirectory(prefix="lifelong-wrk-") as tmp:
        script = Path(tmp) / "request.lua"
        script.write_text(wrk_script(method, body, expected_status), encoding="utf-8")
        command = [
            "wrk",
            "--threads",
            str(min(2, connections)),
            "--connections",
            str(connections),
            "--duration",
            f"{max(1, round(seconds))}s",
            "--timeout",
            f"{REQUEST_TIMEOUT_S}s",
            "--latency",
            "--script",
            str(script),
        ]
        for name, value in headers.items():
            command += ["--header", f"{name}: {value}"]
        result = subprocess.run(
            [*command, url],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + REQUEST_TIMEOUT_S + 30,
        )
    return parse_wrk(result.stdout)
