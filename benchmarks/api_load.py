"""API load benchmark: next-stop and plan reads under 50 concurrent clients.

Starts ``uvicorn api.service.main:app`` on 127.0.0.1 only (a free port, a fresh SQLite store in a
temporary folder, the demo territories), creates a conseiller token and one plan of
Creusot-Montceau through the API, then runs ``--clients`` asyncio clients (one
``httpx.AsyncClient`` each) back to back for ``--duration`` seconds: half the requests ask the
next stop of a van at an instant drawn inside the plan (``GET /plans/{id}/next``), half read the
whole plan (``GET /plans/{id}``). The run is bounded (it stops by itself after ``--duration``
seconds plus the set-up) and the server is stopped at the end.

Prints one JSON line: ``{"requests", "rps", "p50_ms", "p95_ms", "p99_ms", "errors", ...}``;
an error is any answer other than 200 or any transport failure. Goal: p95 < 50 ms, 0 errors.

Usage: ``python benchmarks/api_load.py [--duration 60] [--clients 50] [--weeks 4]
[--workers 1] [--seed 0] [--think-ms 0] [--driver auto|python|wrk]``. With ``--think-ms`` each
client pauses between two requests (a paced load instead of back-to-back requests).

Driver: 50 Python clients cost about twice the server's CPU per request, so on a 2-core machine
they measure their own queueing as much as the server. ``wrk`` (``apt-get install wrk``; used by
default when installed) sends the same mix of paths from C with 50 connections, back to back.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

from api.cli.serve import open_store
from api.service.auth import create_token
from api.service.settings import load_settings
from benchmarks import REPO

HOST = "127.0.0.1"
TERRITORY = "creusot-montceau"
START = "2026-03-02"  # a school-term Monday


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children (Linux ``/proc``; 0 elsewhere)."""
    total = 0.0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        stat = Path(f"/proc/{p}/stat")
        if stat.exists():
            fields = stat.read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "api.service.main:app",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    proc = subprocess.Popen(cmd, cwd=REPO, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{HOST}:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("le serveur n'a pas démarré en 60 s")


async def client_loop(
    base: str,
    headers: dict[str, str],
    plan_id: str,
    asks: list[tuple[str, str]],
    stop_at: float,
    seed: int,
    out: list[tuple[str, float, int]],
    think_s: float = 0.0,
) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        while time.perf_counter() < stop_at:
            if rng.random() < 0.5:
                van, at = rng.choice(asks)
                kind, url, params = "next", f"/plans/{plan_id}/next", {"van": van, "at": at}
            else:
                kind, url, params = "plan", f"/plans/{plan_id}", None
            t0 = time.perf_counter()
            try:
                status = (await client.get(url, params=params)).status_code
            except httpx.HTTPError:
                status = -1
            out.append((kind, time.perf_counter() - t0, status))
            if think_s:
                await asyncio.sleep(think_s)


async def run_clients(
    base: str,
    headers: dict[str, str],
    plan_id: str,
    asks: list[tuple[str, str]],
    *,
    clients: int,
    duration: float,
    seed: int,
    think_s: float = 0.0,
) -> tuple[list[tuple[str, float, int]], float]:
    out: list[tuple[str, float, int]] = []
    t0 = time.perf_counter()
    stop_at = t0 + duration
    await asyncio.gather(
        *(
            client_loop(base, headers, plan_id, asks, stop_at, seed + i, out, think_s)
            for i in range(clients)
        )
    )
    return out, time.perf_counter() - t0


WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, '
    .. '"errors": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def run_wrk(base: str, token: str, plan_id: str, asks, *, clients: int, duration: float) -> dict:
    """The same mix through ``wrk`` (a C load generator, Debian package ``wrk``): the client no
    longer competes with the server for the 2 cores as much as Python clients do."""
    from urllib.parse import urlencode

    paths = []
    for van, at in asks:
        paths.append(f"/plans/{plan_id}/next?" + urlencode({"van": van, "at": at}))
        paths.append(f"/plans/{plan_id}")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths))
    cmd = [
        "wrk", "-t2", f"-c{clients}", f"-d{int(duration)}s", "--timeout", "10s",
        "-H", f"Authorization: Bearer {token}", "-s", f.name, base,
    ]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=duration + 60)
    Path(f.name).unlink()
    line = next(x for x in out.stdout.splitlines() if x.startswith("WRK "))
    raw = json.loads(line[4:])
    seconds = raw["duration_us"] / 1e6
    return {
        "driver": "wrk",
        "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds, 1),
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "errors": raw["errors"],
        "duration_s": round(seconds, 1),
    }


def instants(plan: dict, seed: int) -> list[tuple[str, str]]:
    """(van, instant) pairs inside the plan: before, during or between its visits."""
    rng = random.Random(seed)
    asks = []
    for v in plan["visits"]:
        hh, mm = map(int, v["start"].split(":"))
        start = dt.datetime.fromisoformat(v["date"]) + dt.timedelta(hours=hh, minutes=mm)
        asks.append((v["van"], (start - dt.timedelta(minutes=rng.randint(0, 600))).isoformat()))
    return asks


def summary(samples: list[tuple[str, float, int]], elapsed: float) -> dict:
    lat = np.array([s[1] for s in samples]) * 1000.0
    ok = sum(1 for s in samples if s[2] == 200)

    def pct(q: float, values: np.ndarray) -> float:
        return round(float(np.percentile(values, q)), 2) if values.size else float("nan")

    by_kind = {}
    for kind in ("next", "plan"):
        k = np.array([s[1] for s in samples if s[0] == kind]) * 1000.0
        by_kind[kind] = {"requests": int(k.size), "p50_ms": pct(50, k), "p95_ms": pct(95, k)}
    return {
        "requests": len(samples),
        "rps": round(len(samples) / elapsed, 1),
        "p50_ms": pct(50, lat),
        "p95_ms": pct(95, lat),
        "p99_ms": pct(99, lat),
        "errors": len(samples) - ok,
        "by_kind": by_kind,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--weeks", type=int, default=4)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--think-ms",
        type=float,
        default=0.0,
        help="pause of each client between two requests (0: back to back)",
    )
    ap.add_argument(
        "--driver",
        choices=("auto", "python", "wrk"),
        default="auto",
        help="load generator: wrk (Debian package, a C client) when installed, else asyncio "
        "httpx clients; the same request mix either way",
    )
    args = ap.parse_args()
    if args.driver == "auto":
        args.driver = "wrk" if shutil.which("wrk") and not args.think_ms else "python"
    if not 0 < args.duration <= 600 or not 0 < args.clients <= 500:
        raise SystemExit("--duration dans ]0, 600] s et --clients dans ]0, 500]")
    with tempfile.TemporaryDirectory(prefix="milo-load-") as tmp:
        env = os.environ | {
            "MILO_ENV": "development",
            "MILO_STATE_DIR": tmp,
            "MILO_JOBS_SYNC": "true",
            "MILO_DATABASE_URL": "",
            "MILO_SECRET_KEY": "",
            "MILO_MAX_TIME_LIMIT": "10",
        }
        os.environ.update(env)
        settings = load_settings()
        db = open_store(settings)
        conseiller = create_token(db, settings.secret, role="conseiller", territory_id=TERRITORY)
        manager = create_token(db, settings.secret, role="manager", territory_id=TERRITORY)
        db.dispose()
        port = free_port()
        base = f"http://{HOST}:{port}"
        server = start_server(env, port, args.workers)
        try:
            r = httpx.post(
                f"{base}/territories/{TERRITORY}/plans",
                timeout=120,
                headers={"Authorization": f"Bearer {manager}"},
                json={"start": START, "weeks": args.weeks, "time_limit": 5, "seed": args.seed},
            )
            r.raise_for_status()
            plan_id = r.json()["id"]
            # conseillers read the published plan only
            httpx.post(
                f"{base}/plans/{plan_id}/publish", headers={"Authorization": f"Bearer {manager}"}
            ).raise_for_status()
            headers = {"Authorization": f"Bearer {conseiller}"}
            plan = httpx.get(f"{base}/plans/{plan_id}", headers=headers).json()["plan"]
            asks = instants(plan, args.seed)
            server_cpu0, client_cpu0 = cpu_seconds(server.pid), time.process_time()
            if args.driver == "wrk":
                token = headers["Authorization"].split()[1]
                wrk = run_wrk(
                    base, token, plan_id, asks, clients=args.clients, duration=args.duration
                )
                server_cpu = cpu_seconds(server.pid) - server_cpu0
                wrk["server_cpu_ms_per_request"] = round(
                    1000 * server_cpu / max(wrk["requests"], 1), 2
                )
                wrk |= {"benchmark": "api_load", "host": HOST, "clients": args.clients}
                wrk["load_average_1min"] = round(os.getloadavg()[0], 2)
                print(json.dumps(wrk, ensure_ascii=False))
                return
            samples, elapsed = asyncio.run(
                run_clients(
                    base,
                    headers,
                    plan_id,
                    asks,
                    clients=args.clients,
                    duration=args.duration,
                    seed=args.seed,
                    think_s=args.think_ms / 1000.0,
                )
            )
            server_cpu = cpu_seconds(server.pid) - server_cpu0
            client_cpu = time.process_time() - client_cpu0
        finally:
            server.terminate()
            server.wait(timeout=30)
    result = {
        "benchmark": "api_load",
        "host": HOST,
        "clients": args.clients,
        "workers": args.workers,
        "think_ms": args.think_ms,
        "duration_s": round(elapsed, 1),
        "plan_visits": len(plan["visits"]),
        "plan_bytes": len(json.dumps(plan)),
        "server_cpu_ms_per_request": round(1000 * server_cpu / max(len(samples), 1), 2),
        "client_cpu_ms_per_request": round(1000 * client_cpu / max(len(samples), 1), 2),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    result |= summary(samples, elapsed)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
