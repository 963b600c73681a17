#!/usr/bin/env python3
"""Throughput and latency of POST /fapi/v1/marginType: a bare Flask app versus the fake with each key type.

One run measures four cases, each against its own server process on 127.0.0.1, driven by Debian's `wrk`:

  bare     a Flask app that reads the same parameters and answers {"code":200,"msg":"success"} with no checks
  hmac     the real fake, HMAC-SHA256-signed requests
  ed25519  the real fake, Ed25519-signed requests
  rsa      the real fake, RSA (PKCS#1 v1.5, SHA-256, 2048-bit) signed requests

All four are served by the same `ThreadedServer` (waitress, same thread count). Every fake request passes the whole
gate and changes state successfully (200): see README.md for how the request pool keeps it on that path.
The report goes to stdout and to benchmarks/results/throughput.md.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import http.client
import json
import os
import platform
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from app_profile import AppProfile, profile_app
from bench_server import build_app
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from mockserver.domain.catalogue import SymbolCatalogue
from mockserver.domain.keys import build_key
from mockserver.domain.signing import decode_signature_value
from mockserver.hosting.server import DEFAULT_THREADS

HERE = Path(__file__).resolve().parent
SERVER_SCRIPT = HERE / "bench_server.py"
LUA_SCRIPT = HERE / "presigned.lua"
DEFAULT_OUTPUT = HERE / "results" / "throughput.md"

HOST = "127.0.0.1"  # loopback only: nothing here ever targets another address
PATH = "/fapi/v1/marginType"
CASES = ("bare", "hmac", "ed25519", "rsa")
FAKE_KEY_TYPES = {"hmac": "HMAC", "ed25519": "ED25519", "rsa": "RSA"}
TARGETS = {"hmac": 0.9, "ed25519": 0.8, "rsa": 0.8}  # req/s as a fraction of bare's; reported, never asserted
RECV_WINDOW = 5000
MARGIN_TYPES = ("ISOLATED", "CROSSED")  # every pair starts CROSSED: ISOLATED first, then back, always succeeds
WRK_MARKER = "WRK_RESULT "
PROBE_PAIRS = 3
PROFILE_REQUESTS = 4000
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class BenchError(RuntimeError):
    """Something that makes a run meaningless: a missing tool, a server that does not answer as it should."""


# --------------------------------------------------------------------------------------------------------------------
# Signing (written for the benchmark; it never goes through mockserver's verifier)


class Signer:
    """One key of one type: the spec the fake registers it with, and signatures over a payload as wire text."""

    def __init__(self, key_type: str) -> None:
        self.key_type = key_type
        self._secret = secrets.token_hex(32)
        self._ed25519 = ed25519.Ed25519PrivateKey.generate() if key_type == "ED25519" else None
        self._rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048) if key_type == "RSA" else None

    def key_spec(self, api_key: str) -> dict[str, Any]:
        if self.key_type == "HMAC":
            return {"type": "HMAC", "apiKey": api_key, "secret": self._secret}
        private = self._ed25519 if self._ed25519 is not None else self._rsa
        assert private is not None
        pem = (
            private.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode("ascii")
        )
        return {"type": self.key_type, "apiKey": api_key, "publicKey": pem}

    def sign(self, payload: bytes) -> str:
        if self.key_type == "HMAC":
            return hmac.new(self._secret.encode("ascii"), payload, hashlib.sha256).hexdigest()
        if self._ed25519 is not None:
            raw = self._ed25519.sign(payload)
        else:
            assert self._rsa is not None
            raw = self._rsa.sign(payload, padding.PKCS1v15(), hashes.SHA256())
        return quote(base64.b64encode(raw).decode("ascii"), safe="")


def signed_bodies(signer: Signer, symbols: list[str], timestamp_ms: int) -> dict[tuple[str, str], str]:
    """One signed form body per (symbol, marginType). The API key is not part of the signed payload, so every
    account of a case shares its key material and these bodies."""
    bodies: dict[tuple[str, str], str] = {}
    for symbol in symbols:
        for margin_type in MARGIN_TYPES:
            payload = f"symbol={symbol}&marginType={margin_type}&recvWindow={RECV_WINDOW}&timestamp={timestamp_ms}"
            bodies[symbol, margin_type] = f"{payload}&signature={signer.sign(payload.encode('ascii'))}"
    return bodies


def verify_cost_us(signer: Signer, body: str, count: int = 2000) -> float:
    """CPU µs of the fake's signature check alone (`ApiKey.verify` on the decoded signature, as the gate calls it)."""
    key = build_key(signer.key_spec("benchverify")).key
    payload_text, _, signature = body.rpartition("&signature=")
    payload, raw = payload_text.encode("ascii"), decode_signature_value(signature.encode("ascii"))
    if not key.verify(payload, raw):
        raise BenchError(f"the {signer.key_type} signature does not verify with mockserver's own check")
    started = time.process_time()
    for _ in range(count):
        key.verify(payload, raw)
    return (time.process_time() - started) * 1e6 / count


# --------------------------------------------------------------------------------------------------------------------
# Request pools: files of pre-signed requests, one per wrk thread


@dataclass(frozen=True)
class RequestLine:
    api_key: str
    body: str


@dataclass
class Pool:
    """The requests of one wrk run. Each wrk thread owns a disjoint set of (account, symbol) pairs and cycles
    through them twice: every pair to ISOLATED, then every pair back to CROSSED. A pair is touched again only
    `pairs_per_thread` requests later, far more than the connections in flight, so each request finds the
    pair in the other state and succeeds."""

    prefix: Path
    lines: list[list[RequestLine]]  # by wrk thread: the cycle, without the spare first line of each file
    api_keys: list[str] = field(default_factory=list)

    @property
    def pairs_per_thread(self) -> int:
        return len(self.lines[0]) // 2


def build_pool(
    directory: Path,
    tag: str,
    bodies: dict[tuple[str, str], str],
    symbols: list[str],
    wrk_threads: int,
    accounts_per_thread: int,
) -> Pool:
    prefix = directory / f"requests-{tag}"
    pool = Pool(prefix, [])
    for thread in range(wrk_threads):
        accounts = [f"bench{tag}t{thread}a{index}" for index in range(accounts_per_thread)]
        # The spare (see presigned.lua) has an account of its own: sent or not, it never disturbs the cycle.
        spare = RequestLine(f"bench{tag}t{thread}spare", bodies[symbols[0], MARGIN_TYPES[0]])
        pool.api_keys.extend([*accounts, spare.api_key])
        lines = [
            RequestLine(account, bodies[symbol, margin_type])
            for margin_type in MARGIN_TYPES
            for symbol in symbols
            for account in accounts
        ]
        pool.lines.append(lines)
        text = "".join(f"{line.api_key}\t{line.body}\n" for line in [spare, *lines])
        Path(f"{prefix}.{thread}").write_text(text, "ascii")
    return pool


# --------------------------------------------------------------------------------------------------------------------
# Server processes


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads) from /proc/PID/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text("ascii")
    fields = stat.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class ServerProcess:
    """A `bench_server.py` child: started from a spec, stopped by closing its stdin."""

    def __init__(self, spec: dict[str, Any], directory: Path) -> None:
        spec_path = directory / f"server-{spec['case']}.json"
        spec_path.write_text(json.dumps(spec), "utf-8")
        # The server's stderr (waitress's and the fake's log output) goes to a file: kept out of the report, read
        # back for its warnings and shown when the server fails.
        self.log_path = directory / f"server-{spec['case']}.log"
        with self.log_path.open("w") as log_file:
            self._process = subprocess.Popen(
                [sys.executable, str(SERVER_SCRIPT), str(spec_path)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log_file,
                text=True,
            )
        assert self._process.stdout is not None
        ready = self._process.stdout.readline()
        if not ready:
            self.stop()
            raise BenchError(f"the {spec['case']} server exited before it was ready:\n{self.log_text()[-2000:]}")
        info = json.loads(ready)
        self.port: int = int(info["port"])
        self.pid: int = int(info["pid"])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def cpu_seconds(self) -> float:
        return process_cpu_seconds(self.pid)

    def log_text(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")

    def queue_warnings(self) -> int:
        """How often waitress logged "Task queue depth is N": requests waited for a free worker thread."""
        return self.log_text().count("Task queue depth is")

    def stop(self) -> None:
        stdin: IO[str] | None = self._process.stdin
        if stdin is not None and not stdin.closed:
            stdin.close()
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()  # only this child, by its own handle
            self._process.wait()


def http_call(port: int, method: str, path: str, body: str = "", api_key: str | None = None) -> tuple[int, Any]:
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if api_key is not None:
        headers["X-MBX-APIKEY"] = api_key
    try:
        connection.request(method, path, body=body.encode("ascii") if body else None, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def probe(case: str, server: ServerProcess, pool: Pool, timestamp_ms: int) -> list[str]:
    """Send a few of the pool's own requests before the load and check their answers; returns what was seen.

    On the fake, each probed pair goes ISOLATED (200), back to CROSSED (200) so the pool's state is unchanged,
    then CROSSED again (-4046, proving the state really changed); a body with a changed timestamp must fail
    the signature check (-1022). No probe may see -1021 (clock) or -1022 (signing) on a pool request.
    """
    lines = pool.lines[0]
    half = pool.pairs_per_thread
    seen: list[str] = []

    def expect(line: RequestLine, body: str, status: int, code: int) -> None:
        got_status, answer = http_call(server.port, "POST", PATH, body, line.api_key)
        got_code = answer.get("code") if isinstance(answer, dict) else None
        if (got_status, got_code) != (status, code):
            raise BenchError(
                f"{case}: probe {body[:60]}... answered HTTP {got_status} {answer}, expected HTTP {status} code {code}"
            )
        seen.append(f"{got_status}/{got_code}")

    if case == "bare":
        expect(lines[0], lines[0].body, 200, 200)
        return seen
    for index in range(min(PROBE_PAIRS, half)):
        to_isolated, to_crossed = lines[index], lines[half + index]
        expect(to_isolated, to_isolated.body, 200, 200)
        expect(to_crossed, to_crossed.body, 200, 200)
        expect(to_crossed, to_crossed.body, 400, -4046)
    tampered = lines[0].body.replace(f"timestamp={timestamp_ms}", f"timestamp={timestamp_ms - 1}")
    expect(lines[0], tampered, 400, -1022)
    return seen


def journal_tally(server: ServerProcess) -> Counter[str]:
    """Status/code of the fake's last 1000 journal entries (its journal's default size)."""
    status, entries = http_call(server.port, "GET", "/__mock__/journal?limit=1000")
    if status != 200 or not isinstance(entries, list):
        raise BenchError(f"could not read the fake's journal: HTTP {status}")
    return Counter(f"{entry['status']}/{entry['code']}" for entry in entries)


# --------------------------------------------------------------------------------------------------------------------
# wrk


@dataclass(frozen=True)
class WrkResult:
    requests: int
    duration_s: float
    errors: dict[str, int]
    latency_us: dict[str, float]

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s

    @property
    def non_2xx(self) -> int:
        return self.errors["status"]

    @property
    def socket_errors(self) -> int:
        return sum(count for name, count in self.errors.items() if name != "status")


def wrk_version(wrk: str) -> str:
    completed = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)
    first = (completed.stdout or completed.stderr).splitlines()
    return first[0].split(" Copyright")[0].strip() if first else "unknown"


def wrk_command(wrk: str, url: str, pool: Pool, threads: int, connections: int, duration_s: float) -> list[str]:
    return [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(duration_s))}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA_SCRIPT),
        url,
        "--",
        str(pool.prefix),
    ]


def parse_wrk(output: str) -> WrkResult:
    for line in output.splitlines():
        if line.startswith(WRK_MARKER):
            data = json.loads(line[len(WRK_MARKER) :])
            return WrkResult(
                requests=int(data["requests"]),
                duration_s=data["duration_us"] / 1e6,
                errors={name: int(count) for name, count in data["errors"].items()},
                latency_us={name: float(value) for name, value in data["latency_us"].items()},
            )
    raise BenchError(f"wrk printed no result line:\n{output}")


def run_wrk(command: list[str], duration_s: float, cpus: list[int] | None = None) -> tuple[WrkResult, float]:
    """Run wrk to completion; returns its result and the CPU seconds it used (from the reaped child's rusage)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=duration_s + 60,
        check=False,
        preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode != 0:
        raise BenchError(f"wrk failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return parse_wrk(completed.stdout), cpu


# --------------------------------------------------------------------------------------------------------------------
# CPU accounting


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine spent busy (all cores, steal included), from the first line of /proc/stat."""
    fields = Path("/proc/stat").read_text("ascii").splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(value) for value in fields[:8])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


@dataclass(frozen=True)
class Measurement:
    """One measured wrk run against one server, with the CPU each side used meanwhile."""

    wrk: WrkResult
    server_cpu_s: float
    wrk_cpu_s: float
    machine_cpu_s: float
    queue_warnings: int

    @property
    def server_cores(self) -> float:
        return self.server_cpu_s / self.wrk.duration_s

    @property
    def wrk_cores(self) -> float:
        return self.wrk_cpu_s / self.wrk.duration_s

    @property
    def other_cores(self) -> float:
        """Everything else that ran on the machine meanwhile (other processes, the kernel's own work)."""
        return max(0.0, self.machine_cpu_s - self.server_cpu_s - self.wrk_cpu_s) / self.wrk.duration_s

    @property
    def server_us_per_request(self) -> float:
        return self.server_cpu_s * 1e6 / max(self.wrk.requests, 1)


def measure(server: ServerProcess, command: list[str], duration_s: float, wrk_cpus: list[int] | None) -> Measurement:
    queued_before = server.queue_warnings()
    server_before, machine_before = server.cpu_seconds(), machine_busy_seconds()
    result, wrk_cpu = run_wrk(command, duration_s, wrk_cpus)
    server_cpu = server.cpu_seconds() - server_before
    machine_cpu = machine_busy_seconds() - machine_before
    return Measurement(result, server_cpu, wrk_cpu, machine_cpu, server.queue_warnings() - queued_before)


# --------------------------------------------------------------------------------------------------------------------
# One case: its key, its request pools, its server


class CaseRun:
    """Everything one case needs across the run. Warm-up, each measured round and the profile run get pools with
    accounts of their own, because a run that wrk cuts off leaves its pairs half-way through the cycle."""

    def __init__(
        self, case: str, args: argparse.Namespace, directory: Path, symbols: list[str], timestamp_ms: int
    ) -> None:
        self.case = case
        self.args = args
        self.directory = directory
        self.timestamp_ms = timestamp_ms
        # The bare app ignores what it reads, so it gets HMAC-signed bodies like the hmac case: the same bytes.
        signer = Signer(FAKE_KEY_TYPES.get(case, "HMAC"))
        bodies = signed_bodies(signer, symbols, timestamp_ms)
        self.signer, self.sample_body = signer, bodies[symbols[0], MARGIN_TYPES[0]]
        tags = ["w", "p", *(f"r{index}" for index in range(args.rounds))]
        self.pools = {
            tag: build_pool(directory, f"{case}{tag}", bodies, symbols, args.threads, args.accounts) for tag in tags
        }
        spec: dict[str, Any] = {"case": case, "threads": args.server_threads, "cpus": args.server_cpus}
        if case != "bare":
            spec["frozen_at_ms"] = timestamp_ms
            spec["keys"] = [signer.key_spec(api_key) for pool in self.pools.values() for api_key in pool.api_keys]
        self.spec = spec
        self.server = ServerProcess(spec, directory)
        self.probes: list[str] = []
        self.measurements: list[Measurement] = []
        self.journal: Counter[str] | None = None
        self.profile: AppProfile | None = None
        self.verify_us: float | None = None

    def command(self, tag: str, duration_s: float) -> list[str]:
        return wrk_command(
            self.args.wrk, self.server.url, self.pools[tag], self.args.threads, self.args.connections, duration_s
        )

    def prepare(self, log: Callable[[str], None]) -> None:
        self.probes = probe(self.case, self.server, self.pools["r0"], self.timestamp_ms)
        log(f"[{self.case}] server pid {self.server.pid} on {self.server.url}; probes answered {' '.join(self.probes)}")
        if self.args.warmup > 0:
            warm, _ = run_wrk(self.command("w", self.args.warmup), self.args.warmup, self.args.wrk_cpus)
            log(f"[{self.case}] warm-up: {warm.rps:,.0f} req/s, non-2xx {warm.non_2xx}")

    def measure_round(self, index: int, log: Callable[[str], None]) -> None:
        result = measure(
            self.server, self.command(f"r{index}", self.args.duration), self.args.duration, self.args.wrk_cpus
        )
        self.measurements.append(result)
        log(
            f"[{self.case}] round {index + 1}: {result.wrk.rps:,.0f} req/s, "
            f"p50 {result.wrk.latency_us['p50'] / 1e3:.2f} ms, p99 {result.wrk.latency_us['p99'] / 1e3:.2f} ms, "
            f"non-2xx {result.wrk.non_2xx}; cores: server "
            f"{result.server_cores:.2f}, wrk {result.wrk_cores:.2f}, other {result.other_cores:.2f}"
        )

    def finish(self, log: Callable[[str], None]) -> None:
        if self.case != "bare":
            self.journal = journal_tally(self.server)
        if self.args.profile:
            requests = [(line.api_key, line.body) for line in self.pools["p"].lines[0]]
            self.profile = profile_app(lambda: build_app(self.spec), PATH, requests, PROFILE_REQUESTS)
            if self.case != "bare":
                self.verify_us = verify_cost_us(self.signer, self.sample_body)
            statuses = dict(self.profile.statuses)
            log(f"[{self.case}] in-process app: {self.profile.us_per_request:,.0f} µs/req, statuses {statuses}")
            if set(statuses) != {200}:
                raise BenchError(f"{self.case}: the in-process profile left the success path: {statuses}")

    # Medians over the rounds: the machine is shared and noisy, and rounds interleave the cases in time.
    def median(self, value: Callable[[Measurement], float]) -> float:
        return statistics.median(value(m) for m in self.measurements)

    @property
    def rps(self) -> float:
        return self.median(lambda m: m.wrk.rps)

    @property
    def requests(self) -> int:
        return sum(m.wrk.requests for m in self.measurements)

    @property
    def non_2xx(self) -> int:
        return sum(m.wrk.non_2xx for m in self.measurements)

    @property
    def socket_errors(self) -> int:
        return sum(m.wrk.socket_errors for m in self.measurements)


def ratio_to_bare(run: CaseRun, bare: CaseRun | None) -> float | None:
    """Median over rounds of this case's req/s over bare's in the same round (neighbours in time)."""
    if bare is None:
        return None
    return statistics.median(m.wrk.rps / b.wrk.rps for m, b in zip(run.measurements, bare.measurements, strict=True))


# --------------------------------------------------------------------------------------------------------------------
# Report


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text("utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def code_under_test() -> str:
    """The commit the fake was measured at, and whether mockserver/ had uncommitted changes."""

    def git(*command: str) -> str:
        completed = subprocess.run(["git", *command], cwd=HERE.parent, capture_output=True, text=True, check=False)
        return completed.stdout.strip() if completed.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return "fapi-mock (not a git checkout)"
    dirty = git("status", "--porcelain", "--", "mockserver")
    return f"fapi-mock at {commit}" + (" with uncommitted changes in mockserver/" if dirty else "")


def machine_lines(args: argparse.Namespace) -> list[str]:
    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "?"

    nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip() or "?"
    return [
        f"- Machine: {nproc} cores (nproc), {cpu_model()}; {platform.system()} {platform.release()}",
        f"- Code: {code_under_test()}",
        f"- Python {platform.python_version()} ({platform.python_implementation()}); "
        f"Flask {version('flask')}, Werkzeug {version('werkzeug')}, waitress {version('waitress')} "
        f"({args.server_threads} threads), cryptography {version('cryptography')}",
        f"- Load: {wrk_version(args.wrk)}, {args.threads} thread(s), {args.connections} connections, keep-alive; "
        f"{pinning(args)}; "
        f"{args.rounds} round(s) of {args.duration:g} s per case, cases interleaved, after a {args.warmup:g} s "
        "warm-up each; figures are medians over the rounds",
    ]


def pinning(args: argparse.Namespace) -> str:
    if not args.server_cpus:
        return "not pinned"
    return f"server pinned to CPU {args.server_cpus[0]}, wrk to CPU {','.join(map(str, args.wrk_cpus))}"


def verdict(case: str, ratio: float | None) -> str:
    target = TARGETS.get(case)
    if target is None or ratio is None:
        return "-"
    return f">= {target:.1f}x {'met' if ratio >= target else 'MISSED'}"


def render(runs: list[CaseRun], args: argparse.Namespace) -> str:
    bare = next((run for run in runs if run.case == "bare"), None)
    lines = [
        "# fapi-mock throughput: POST /fapi/v1/marginType",
        "",
        *machine_lines(args),
        "",
        "| case | req/s | p50 ms | p99 ms | req/s vs bare | target | server CPU µs/req | CPU vs bare | server cores "
        "| wrk cores | other cores | non-2xx |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    bare_us = bare.median(lambda m: m.server_us_per_request) if bare is not None else None
    for run in runs:
        ratio = ratio_to_bare(run, bare)
        us = run.median(lambda m: m.server_us_per_request)
        cpu_ratio = f"{bare_us / us:.2f}x" if bare_us is not None else "-"
        lines.append(
            f"| {run.case} | {run.rps:,.0f} | {run.median(lambda m: m.wrk.latency_us['p50']) / 1e3:.2f} "
            f"| {run.median(lambda m: m.wrk.latency_us['p99']) / 1e3:.2f} "
            f"| {f'{ratio:.2f}x' if ratio is not None else '-'} | {verdict(run.case, ratio)} "
            f"| {us:,.0f} | {cpu_ratio} | {run.median(lambda m: m.server_cores):.2f} "
            f"| {run.median(lambda m: m.wrk_cores):.2f} | {run.median(lambda m: m.other_cores):.2f} "
            f"| {run.non_2xx} |"
        )
    lines += [
        "",
        "`req/s vs bare` is the median over rounds of the case's req/s divided by bare's in the same round. "
        "`server CPU µs/req` is the server process's CPU time (all threads) per answered request, and `CPU vs bare` "
        "bare's µs/req over the case's: the req/s ratio the server's own work implies, which other load on the "
        "machine does not shift. `cores` are CPU seconds per second of load for the server, wrk, and everything "
        "else on the machine. Latencies are wrk's "
        "(closed loop, so they include queueing behind the other connections).",
        "",
        "## What was measured",
        "",
        "- Fake cases: every request is validly signed and answered 200. Each wrk thread cycles through its own "
        f"{args.accounts} accounts x {len(SymbolCatalogue())} symbols, each (account, symbol) to ISOLATED and, one "
        "full pass later, back to CROSSED, so every request runs the whole gate (key, parameters, recvWindow, "
        "timestamp, signature verification), the state change under the exchange lock, the weight header and the "
        "journal entry. The fake's clock is frozen at the signing instant (recvWindow 5000); the weight limit is off.",
        "- bare: the same request bytes (HMAC-signed) to a Flask app that reads the same parameters, checks nothing "
        'and answers `{"code":200,"msg":"success"}`, behind the same ThreadedServer.',
    ]
    for run in runs:
        checks = f"probes {' '.join(run.probes)}"
        if run.journal is not None:
            checks += "; journal tail " + ", ".join(f"{n}x {k}" for k, n in run.journal.most_common())
        queued = sum(m.queue_warnings for m in run.measurements)
        if queued:
            checks += f"; waitress queued a request {queued:,} times"
        if run.socket_errors:
            checks += f"; socket errors {[m.wrk.errors for m in run.measurements]}"
        rounds = ", ".join(f"{m.wrk.rps:,.0f}" for m in run.measurements)
        lines.append(f"- {run.case}: {run.requests:,} requests (req/s by round: {rounds}); {checks}")
    lines += ["", "## Is wrk the bottleneck?", "", wrk_bottleneck_note(runs)]
    lines += ["", "## Targets", "", targets_note(runs, bare)]
    if any(run.profile is not None for run in runs):
        lines += ["", *profile_section(runs)]
    return "\n".join(lines) + "\n"


def wrk_bottleneck_note(runs: list[CaseRun]) -> str:
    measurements = [(run.case, m) for run in runs for m in run.measurements]
    case, worst = max(measurements, key=lambda item: item[1].wrk_cores / max(item[1].server_cores, 1e-9))
    share = worst.wrk_cores / max(worst.server_cores, 1e-9)
    cores = os.cpu_count() or 1
    busiest = max(m.wrk_cores + m.server_cores + m.other_cores for _, m in measurements)
    head = "No:" if share < 0.5 else "Possibly: wrk used a large share of the CPU;"
    return (
        f"{head} wrk used at most {worst.wrk_cores:.2f} cores ({share:.0%} of the server's CPU, {case} case) while "
        f"the server used {worst.server_cores:.2f}; the machine was at most {busiest:.2f} of {cores} cores busy. "
        "The server is one CPython process bounded by its GIL at about one core, so its CPU time per request "
        "(µs/req) is what sets req/s; a non-zero `other cores` means something else shared the machine."
    )


def targets_note(runs: list[CaseRun], bare: CaseRun | None) -> str:
    if bare is None:
        return "The bare case was not run, so no ratio is computed."
    bare_us = bare.median(lambda m: m.server_us_per_request)
    parts = []
    for run in runs:
        target = TARGETS.get(run.case)
        ratio = ratio_to_bare(run, bare)
        if target is None or ratio is None:
            continue
        extra = run.median(lambda m: m.server_us_per_request) - bare_us
        parts.append(
            f"{run.case} {ratio:.2f}x (target {target:.1f}x, {'met' if ratio >= target else 'missed'}; "
            f"{extra:+,.0f} µs of server CPU per request over bare)"
        )
    return "; ".join(parts) + "." if parts else "No fake case was run."


def profile_section(runs: list[CaseRun]) -> list[str]:
    bare = next((run.profile for run in runs if run.case == "bare" and run.profile is not None), None)
    lines = [
        "## Where the time goes (in-process profile of the Flask app)",
        "",
        f"Each case's app is called {PROFILE_REQUESTS:,} times in one thread with the same request bytes as the load, "
        "without waitress or sockets: `app µs/req` is that time unprofiled (CPU time), and the rest of the server's "
        "µs/req under load is waitress, sockets and thread hand-offs, the same work in every case. cProfile then "
        "attributes the app's time; `≈µs/req` scales each share to the unprofiled time (profiling overhead inflates "
        "functions that make many small calls and understates C calls such as signature verification; the "
        "`signature check alone` column times `ApiKey.verify` by itself for an unbiased figure).",
        "",
        "| case | server CPU µs/req under load | app µs/req in-process | app over bare | signature check alone µs |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        if run.profile is None:
            continue
        extra = f"{run.profile.us_per_request - bare.us_per_request:+,.0f}" if bare is not None else "-"
        verify = f"{run.verify_us:,.1f}" if run.verify_us is not None else "-"
        lines.append(
            f"| {run.case} | {run.median(lambda m: m.server_us_per_request):,.0f} "
            f"| {run.profile.us_per_request:,.0f} | {extra} | {verify} |"
        )
    for run in runs:
        profile = run.profile
        if profile is None:
            continue
        lines += ["", f"### {run.case}: app {profile.us_per_request:,.0f} µs/req", ""]
        lines += ["| self time by package | share | ≈µs/req |", "| --- | ---: | ---: |"]
        lines += [
            f"| {h.name} | {h.share:.1%} | {h.us_per_request:,.1f} |" for h in profile.by_package if h.share >= 0.005
        ]
        if profile.mockserver:
            lines += ["", "| mockserver function (with callees) | share | ≈µs/req |", "| --- | ---: | ---: |"]
            lines += [f"| `{h.name}` | {h.share:.1%} | {h.us_per_request:,.1f} |" for h in profile.mockserver]
        lines += ["", "| function by self time | share | ≈µs/req |", "| --- | ---: | ---: |"]
        lines += [f"| `{h.name}` | {h.share:.1%} | {h.us_per_request:,.1f} |" for h in profile.self_top]
    return lines


# --------------------------------------------------------------------------------------------------------------------
# Command line


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python benchmarks/throughput.py",
        description="Throughput and latency of POST /fapi/v1/marginType: a bare Flask app vs the fake with HMAC, "
        "Ed25519 and RSA keys, all served by waitress on 127.0.0.1 and loaded with wrk. Writes the report to stdout "
        "and benchmarks/results/throughput.md.",
    )
    parser.add_argument(
        "--duration", type=float, help="seconds of measured load per case and round (default 10; --quick: 2)"
    )
    parser.add_argument("--rounds", type=int, help="measured rounds, cases interleaved (default 3; --quick: 1)")
    parser.add_argument("--warmup", type=float, help="seconds of warm-up load per case (default 2; --quick: 1)")
    parser.add_argument(
        "--connections",
        type=int,
        default=DEFAULT_THREADS,
        help=f"wrk connections (default {DEFAULT_THREADS}: one per waitress thread, so requests almost never wait "
        "in waitress's queue)",
    )
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument(
        "--server-threads",
        type=int,
        default=DEFAULT_THREADS,
        help=f"waitress worker threads, the same for every case (default {DEFAULT_THREADS}, ThreadedServer's)",
    )
    parser.add_argument(
        "--accounts",
        type=int,
        default=20,
        help="accounts per wrk thread and run; each brings one (account, symbol) pair per symbol (default 20)",
    )
    parser.add_argument(
        "--cases", default=",".join(CASES), help=f"comma-separated subset of {','.join(CASES)} (default: all)"
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 round of 2 s per case after a 1 s warm-up")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also time and cProfile each case's Flask app in-process (no waitress) and report the hotspots",
    )
    parser.add_argument(
        "--pin",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="pin each server to the last CPU and wrk to the others (default: on when there are 2+ CPUs)",
    )
    parser.add_argument("--wrk", default="wrk", help="wrk executable (default: on PATH)")
    parser.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT, help="markdown report (default benchmarks/results/throughput.md)"
    )
    args = parser.parse_args(argv)
    if args.duration is None:
        args.duration = 2.0 if args.quick else 10.0
    if args.rounds is None:
        args.rounds = 1 if args.quick else 3
    if args.warmup is None:
        args.warmup = 1.0 if args.quick else 2.0
    cases = [case.strip() for case in args.cases.split(",") if case.strip()]
    unknown = sorted(set(cases) - set(CASES))
    if unknown or not cases:
        parser.error(f"--cases takes {', '.join(CASES)}; got {', '.join(unknown) or 'nothing'}")
    args.cases = [case for case in CASES if case in cases]
    cpus = sorted(os.sched_getaffinity(0))
    args.server_cpus, args.wrk_cpus = (cpus[-1:], cpus[:-1]) if args.pin and len(cpus) >= 2 else (None, None)
    if not 1 <= args.duration <= 600 or not 0 <= args.warmup <= 600 or not 1 <= args.rounds <= 20:
        parser.error("--duration must be 1-600 s, --warmup 0-600 s and --rounds 1-20")
    if args.threads < 1 or args.connections < args.threads:
        parser.error("--threads must be at least 1 and --connections at least --threads")
    if args.server_threads < 1 or args.accounts < 1:
        parser.error("--server-threads and --accounts must be at least 1")
    return args


def find_tool(name: str, hint: str) -> str:
    path = shutil.which(name)
    if path is None:
        print(f"error: {name} not found. {hint}", file=sys.stderr)
        sys.exit(2)
    return path


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.wrk = find_tool(args.wrk, "Install it with `bash benchmarks/setup.sh` (Debian's wrk package).")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    symbols = list(SymbolCatalogue())
    timestamp_ms = time.time_ns() // 1_000_000
    runs: list[CaseRun] = []
    try:
        with tempfile.TemporaryDirectory(prefix="fapi-bench-") as scratch:
            try:
                for case in args.cases:
                    runs.append(CaseRun(case, args, Path(scratch), symbols, timestamp_ms))
                for run in runs:
                    run.prepare(log)
                for index in range(args.rounds):
                    for run in runs:
                        run.measure_round(index, log)
                for run in runs:
                    run.finish(log)
            finally:
                for run in runs:
                    run.server.stop()
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    report = render(runs, args)
    print(report, end="")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report, "utf-8")
    log(f"report written to {args.output}")
    if any(run.non_2xx or run.socket_errors for run in runs):
        log("error: some requests failed (non-2xx or socket errors): these numbers do not measure the success path")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
