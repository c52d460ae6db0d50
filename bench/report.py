"""The machine a benchmark ran on, and the Markdown it writes to docs/benchmarks.md."""

from __future__ import annotations

import datetime as dt
import os
import platform
import sqlite3
import statistics
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from loadgen import Sample

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class EndpointResult:
    name: str
    samples: list[Sample] = field(default_factory=list)

    @property
    def requests_per_s(self) -> float:
        return statistics.median(s.requests_per_s for s in self.samples)

    @property
    def p50_ms(self) -> float:
        return statistics.median(s.p50_ms for s in self.samples)

    @property
    def p99_ms(self) -> float:
        return statistics.median(s.p99_ms for s in self.samples)

    @property
    def requests(self) -> int:
        return sum(s.requests for s in self.samples)

    @property
    def errors(self) -> int:
        return sum(s.errors for s in self.samples)


@dataclass
class DatabaseResult:
    database: str
    engine_version: str
    endpoints: list[EndpointResult]


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError:
        return ""


def _cpu_model() -> str:
    for line in _read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory() -> str:
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            kib = int(line.split()[1])
            return f"{kib / 1024 / 1024:.1f} GiB"
    return "unknown"


def load_average() -> str:
    """1, 5 and 15 minute load averages: above the core count, the figures are noise."""
    return " ".join(_read("/proc/loadavg").split()[:3]) or "unknown"


def source_revision(root: Path = ROOT) -> str:
    """The commit benchmarked, and whether the tree had changes; the tree may have no .git."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "no git metadata (exported tree)"
    return f"{commit}" + (" with uncommitted changes" if dirty else "")


def machine_info(source: str) -> dict[str, str]:
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "CPU": _cpu_model(),
        "cores (nproc)": str(os.cpu_count()),
        "memory": _memory(),
        "load average at start (1/5/15 min)": load_average(),
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "Django": metadata.version("Django"),
        "gunicorn": metadata.version("gunicorn"),
        "SQLite": sqlite3.sqlite_version,
        "source benchmarked": source,
    }


def postgres_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return f"PostgreSQL {row[0].split()[0]}" if row else "PostgreSQL"


def _fmt(value: float, digits: int) -> str:
    return f"{value:,.{digits}f}"


def render(
    *,
    command: str,
    machine: dict[str, str],
    settings: dict[str, str],
    results: Sequence[DatabaseResult],
    quick: bool,
) -> str:
    lines = [
        "## Hot endpoints over HTTP (`bench/run.py`)",
        "",
        "Figures are medians of the timed runs. Compare endpoints and databases *within one",
        "run* (ratios), not absolute figures across runs or machines.",
        "",
    ]
    if quick:
        lines += ["**Smoke run (`--quick`): too short to quote.**", ""]
    lines += ["### Command", "", "```sh", command, "```", "", "### Machine", ""]
    lines += ["| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in machine.items()]
    lines += ["", "### Settings", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in settings.items()]
    for result in results:
        lines += [
            "",
            f"### {result.database} ({result.engine_version})",
            "",
            "| endpoint | req/s | p50 ms | p99 ms | requests timed | errors |",
            "|---|--:|--:|--:|--:|--:|",
        ]
        for e in result.endpoints:
            lines.append(
                f"| `{e.name}` | {_fmt(e.requests_per_s, 0)} | {_fmt(e.p50_ms, 1)} "
                f"| {_fmt(e.p99_ms, 1)} | {e.requests:,} | {e.errors:,} |"
            )
    if len(results) > 1:
        base = results[0]
        lines += [
            "",
            f"### Ratios within this run ({' / '.join(r.database for r in results[1:])}"
            f" vs {base.database}, req/s)",
            "",
            "| endpoint | " + " | ".join(r.database for r in results[1:]) + " |",
            "|---|" + "--:|" * (len(results) - 1),
        ]
        for i, e in enumerate(base.endpoints):
            ratios = [
                _fmt(r.endpoints[i].requests_per_s / e.requests_per_s, 2) for r in results[1:]
            ]
            lines.append(f"| `{e.name}` | " + " | ".join(ratios) + " |")
    lines += [
        "",
        "### Notes",
        "",
        "- Load generator and server share the same cores over loopback (127.0.0.1): the",
        "  generator's own CPU use lowers the server's throughput, more so for the Python",
        "  generator than for wrk. Figures are a floor for a dedicated server.",
        "- gunicorn's sync workers close the connection after every response, so every request",
        "  pays a TCP connect on loopback; a reverse proxy in front (nginx) keeps client",
        "  connections alive in production.",
        "- `errors` counts answers other than 200 and socket errors; a run with errors is not a",
        "  valid figure.",
        "- A load average above the core count (see Machine) means other work shared the",
        "  cores during the run.",
        "- Reproduce: `make bench` (working tree), `--revision REV` (one commit, exported),",
        "  `--generator python` (without wrk), `--databases sqlite`, `--quick` (smoke run).",
        "- Speed is never asserted in the test suite; this file is the only place for it.",
        "",
    ]
    return "\n".join(lines)


HEADER = """# Benchmarks

Written by `make bench`; do not edit by hand. Each section below is rewritten by the script
named in its heading and only by it (`bench/run.py` for the endpoints, `bench/domains.py` for
each domain benchmark, one section per benchmark), so sections can be refreshed one at a time.
The machine is shared with other work and noisy: every section gives the command, the machine
and its load, and compares figures measured in the same run.
"""


def write_section(path: Path, key: str, body: str) -> None:
    """Put `body` between the `key` markers of the Markdown file at `path`, keeping every other
    section; a section not yet in the file is appended, a file without sections starts afresh
    with HEADER (the old single-report layout is replaced)."""
    begin, end = f"<!-- begin {key} -->", f"<!-- end {key} -->"
    block = f"{begin}\n{body.strip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if "<!-- begin " not in text:
        text = HEADER
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        tail = rest.split(end, 1)[1]
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
