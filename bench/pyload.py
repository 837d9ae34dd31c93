"""Fallback load generator for machines without wrk: asyncio, raw HTTP/1.1 keep-alive sockets.

Reads the same request-line files as bench/wrk/paths.lua and prints the same "BENCH_JSON" line.
It runs in its own process (bench/run.py starts it), like wrk, but one Python process
generates far less load than wrk: on a 2-core machine it tops out around a few thousand
requests/s, so its figures are a lower bound on the server's, and its latencies include its own
scheduling delay. Install wrk (`apt-get install wrk`) for the figures in docs/performance.md.

    python bench/pyload.py --url http://127.0.0.1:8080 --file paths.txt -c 64 -d 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from urllib.parse import urlsplit


def load_requests(path: str, host: str, headers: list[str] | None = None) -> list[bytes]:
    extra = "".join(f"{header}\r\n" for header in headers or ())
    requests = []
    with open(path, encoding="utf-8") as file:
        for raw in file:
            line = raw.rstrip("\n")
            if not line:
                continue
            if line.startswith("POST "):
                _, target, body = line.split(" ", 2)
                data = body.encode()
                requests.append(
                    f"POST {target} HTTP/1.1\r\nHost: {host}\r\n{extra}"
                    "Content-Type: application/json\r\n"
                    f"Content-Length: {len(data)}\r\n\r\n".encode()
                    + data
                )
            else:
                requests.append(f"GET {line} HTTP/1.1\r\nHost: {host}\r\n{extra}\r\n".encode())
    return requests


class Totals:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.bytes = 0
        self.status_errors = 0
        self.read_errors = 0
        self.connect_errors = 0
        self.counter = 0


async def read_response(reader: asyncio.StreamReader) -> tuple[int, int]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    size = len(head)
    if chunked:
        while True:
            size_line = await reader.readuntil(b"\r\n")
            chunk = int(size_line.strip().split(b";")[0], 16)
            await reader.readexactly(chunk + 2)
            size += chunk
            if chunk == 0:
                break
    elif length:
        await reader.readexactly(length)
        size += length
    return status, size


async def worker(
    host: str, port: int, requests: list[bytes], totals: Totals, deadline: float, offset: int
) -> None:
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError:
        totals.connect_errors += 1
        return
    index = offset
    while time.perf_counter() < deadline:
        payload = requests[index % len(requests)]
        index += 1
        started = time.perf_counter()
        try:
            writer.write(payload)
            status, size = await read_response(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            totals.read_errors += 1
            writer.close()
            try:
                reader, writer = await asyncio.open_connection(host, port)
            except OSError:
                totals.connect_errors += 1
                return
            continue
        totals.latencies.append(time.perf_counter() - started)
        totals.bytes += size
        if status >= 400:
            totals.status_errors += 1
    writer.close()


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def run(
    url: str, file: str, connections: int, duration: float, headers: list[str] | None = None
) -> dict[str, object]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    requests = load_requests(file, f"{host}:{port}", headers)
    totals = Totals()
    started = time.perf_counter()
    deadline = started + duration
    step = max(1, len(requests) // connections)
    await asyncio.gather(
        *(worker(host, port, requests, totals, deadline, i * step) for i in range(connections))
    )
    elapsed = time.perf_counter() - started
    lat = [value * 1_000_000 for value in totals.latencies]
    return {
        "requests": len(lat),
        "duration_us": int(elapsed * 1_000_000),
        "bytes": totals.bytes,
        "errors": {
            "connect": totals.connect_errors,
            "read": totals.read_errors,
            "write": 0,
            "status": totals.status_errors,
            "timeout": 0,
        },
        "latency_us": {
            "p50": percentile(lat, 0.50),
            "p95": percentile(lat, 0.95),
            "p99": percentile(lat, 0.99),
            "max": max(lat, default=0.0),
            "mean": sum(lat) / len(lat) if lat else 0.0,
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description="fallback HTTP load generator")
    parser.add_argument("--url", required=True)
    parser.add_argument("--file", required=True, help="request lines, as for paths.lua")
    parser.add_argument("-c", "--connections", type=int, default=64)
    parser.add_argument("-d", "--duration", type=float, default=20.0, help="seconds")
    parser.add_argument(
        "--header", action="append", default=[], help="'Name: value' sent with every request"
    )
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    result = asyncio.run(run(args.url, args.file, args.connections, args.duration, args.header))
    print("BENCH_JSON " + json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
