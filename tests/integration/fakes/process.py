"""A vendor fake served from its own process (for the bench): the client under test and the
fake then do not share one interpreter's GIL, so the fake's request handling never starves the
app's sync run of CPU time it would have against a real vendor.

``FakeProcess("hubspot", limit=100)`` starts the fake (``HubSpotFake`` / ``SalesforceFake`` with
those keyword arguments) behind a ``FakeServer`` in a spawned process; ``url`` is its address,
``get("window.total")`` reads an attribute (dotted), ``call("contacts_by")`` calls a method;
both return plain, picklable values.
"""

from __future__ import annotations

import multiprocessing as mp
import operator
from multiprocessing.connection import Connection
from typing import Any


def _make(kind: str, kwargs: dict[str, Any]) -> Any:
    if kind == "hubspot":
        from tests.integration.fakes.hubspot_server import HubSpotFake

        return HubSpotFake(**kwargs)
    from tests.integration.fakes.salesforce_server import SalesforceFake

    return SalesforceFake(**kwargs)


def _serve(kind: str, kwargs: dict[str, Any], setup: list[tuple[str, tuple[Any, ...]]],
           conn: Connection) -> None:  # fmt: skip
    from tests.integration.fakes.common import FakeServer, SlidingWindow

    fake = _make(kind, kwargs)
    for method, args in setup:
        getattr(fake, method)(*args)
    with FakeServer(fake) as server:
        conn.send(server.url)
        while True:
            op, name, args = conn.recv()
            if op == "stop":
                conn.send(None)
                return
            if op == "get":
                conn.send(operator.attrgetter(name)(fake))
            elif op == "call":
                conn.send(getattr(fake, name)(*args))
            elif op == "window":  # a fresh window (e.g. a new day for the org's allowance)
                fake.window = SlidingWindow(*args)
                conn.send(None)


class FakeProcess:
    def __init__(self, kind: str, setup: list[tuple[str, tuple[Any, ...]]] | None = None,
                 **kwargs: Any) -> None:  # fmt: skip
        ctx = mp.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(
            target=_serve, args=(kind, kwargs, setup or [], child), name=f"fake-{kind}",
            daemon=True,
        )  # fmt: skip
        self._proc.start()
        self.url: str = self._conn.recv()

    def get(self, name: str) -> Any:
        self._conn.send(("get", name, ()))
        return self._conn.recv()

    def call(self, name: str, *args: Any) -> Any:
        self._conn.send(("call", name, args))
        return self._conn.recv()

    def new_window(self, limit: int, window_s: float) -> None:
        self._conn.send(("window", "", (limit, window_s)))
        self._conn.recv()

    def stop(self) -> None:
        if self._proc.is_alive():
            self._conn.send(("stop", "", ()))
            self._conn.recv()
        self._proc.join(timeout=10)

    def __enter__(self) -> FakeProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
