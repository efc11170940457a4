"""Shared plumbing for the fake CRM servers: a threaded loopback server and fault injection."""

from __future__ import annotations

import contextlib
import enum
import json
import random
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Fault(enum.StrEnum):
    SERVER_ERROR = "5xx"  # 503, nothing applied
    TIMEOUT = "timeout"  # applied, then the reply comes after the client gave up
    LOST = "lost"  # applied, then the connection closes with no reply
    PARTIAL = "partial"  # some records get a per-record error


@dataclass
class FaultPlan:
    """Scripted faults first (``queue``), then random ones at ``rate`` from a seeded generator."""

    rate: float = 0.0
    kinds: tuple[Fault, ...] = (Fault.SERVER_ERROR, Fault.LOST, Fault.PARTIAL)
    timeout_sleep_s: float = 1.0
    partial_share: float = 0.1
    seed: int = 7
    queue: deque[Fault] = field(default_factory=deque)
    injected: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.queue = deque(self.queue)
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()

    def next(self) -> Fault | None:
        with self._lock:
            fault: Fault | None = None
            if self.queue:
                fault = self.queue.popleft()
            elif self.rate and self._rng.random() < self.rate:
                fault = self._rng.choice(self.kinds)
            if fault is not None:
                self.injected[fault.value] = self.injected.get(fault.value, 0) + 1
            return fault

    def pick_partial(self, n: int) -> set[int]:
        with self._lock:
            k = max(1, int(n * self.partial_share))
            return set(self._rng.sample(range(n), min(k, n)))


class SlidingWindow:
    """At most ``limit`` accepted requests in any ``window_s`` s; rejected ones are not counted."""

    def __init__(self, limit: int, window_s: float) -> None:
        self.limit = limit
        self.window_s = window_s
        self._times: deque[float] = deque()
        self._lock = threading.Lock()
        self.total = 0

    def take(self) -> tuple[bool, int]:
        with self._lock:
            now = time.monotonic()
            while self._times and self._times[0] <= now - self.window_s:
                self._times.popleft()
            if len(self._times) >= self.limit:
                return False, 0
            self._times.append(now)
            self.total += 1
            return True, self.limit - len(self._times)


class JsonHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    app: Any = None  # set by FakeServer

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        return

    def read_json(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return ValueError

    def send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def drop(self) -> None:
        """Close the connection without a reply (a lost response)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _dispatch(self) -> None:
        self.app.handle(self)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _dispatch


def read_multipart(h: JsonHandler) -> dict[str, tuple[str, bytes]]:
    """A ``multipart/form-data`` body: field name -> (file name or "", bytes)."""
    from email.parser import BytesParser
    from email.policy import HTTP

    length = int(h.headers.get("Content-Length") or 0)
    raw = h.rfile.read(length) if length else b""
    head = f"Content-Type: {h.headers.get('Content-Type', '')}\r\n\r\n".encode()
    msg = BytesParser(policy=HTTP).parsebytes(head + raw)
    out: dict[str, tuple[str, bytes]] = {}
    if not msg.is_multipart():
        return out
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name:
            data = part.get_payload(decode=True) or b""
            out[str(name)] = (part.get_filename() or "", bytes(data))  # type: ignore[arg-type]
    return out


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (injected timeout) or a dropped reply breaks the pipe: expected.
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeServer:
    def __init__(self, app: Any) -> None:
        handler = type("Handler", (JsonHandler,), {"app": app})
        self.httpd = _QuietServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
