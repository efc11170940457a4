"""A TCP proxy on loopback that behaves like venue Wi-Fi: it delays every chunk a little and,
at random moments, cuts every open connection and refuses new ones for a while (issue 19).

    python bench/_flaky_proxy.py --target 5432 [--port 0] [--cut-every 30] [--outage 1-3]
        [--delay-ms 0-5] [--seed 1] [--log cuts.log] [--down-file PATH]

Prints ``listening PORT`` on its first line. Each cut is appended to ``--log`` as one line
"start_epoch end_epoch", so the bench can tell the lags of changes that met a cut from the
rest. ``SIGTERM`` ends it. Cuts start only when the file ``--armed`` exists (set-up first).
``--down-file``: the network is gone while that file exists (a test's cut, at its moment).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import signal
import sys
import time
from pathlib import Path


def _span(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    return float(low), float(high or low)


class FlakyProxy:
    def __init__(self, args: argparse.Namespace) -> None:
        self.target = args.target
        self.cut_every = args.cut_every
        self.outage = _span(args.outage)
        self.delay = tuple(ms / 1000 for ms in _span(args.delay_ms))
        # Two streams: the per-chunk delays draw as often as traffic flows, so drawn from one
        # stream the cuts came at different moments in each run of the same seed (2 to 9 cuts
        # in 120 s). The cuts' own stream makes runs comparable cut for cut.
        self.rng = random.Random(args.seed + 1_000_003)
        self.cut_rng = random.Random(args.seed)
        self.log = Path(args.log) if args.log else None
        self.armed = Path(args.armed) if args.armed else None
        self.down_file = Path(args.down_file) if args.down_file else None
        self.down = False
        self.open: set[asyncio.StreamWriter] = set()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.down:  # the hall's network is gone: the connection fails at once
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target)
        except OSError:
            writer.transport.abort()
            return
        self.open.update((writer, up_writer))
        try:
            await asyncio.gather(self.pipe(reader, up_writer), self.pipe(up_reader, writer))
        finally:
            for w in (writer, up_writer):
                self.open.discard(w)
                w.transport.abort()

    async def pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while data := await reader.read(65536):
                low, high = self.delay
                if high > 0:
                    await asyncio.sleep(self.rng.uniform(low, high))
                if self.down or writer.is_closing():
                    return
                writer.write(data)
                await writer.drain()
        writer.transport.abort()  # either side gone: the other goes too (as a cut does)

    async def cutter(self) -> None:
        if self.cut_every <= 0:
            return
        while True:
            await asyncio.sleep(self.cut_rng.expovariate(1 / self.cut_every))
            if self.armed is not None and not self.armed.exists():
                continue
            began = time.time()
            self.cut()
            await asyncio.sleep(self.cut_rng.uniform(*self.outage))
            self.down = False
            if self.log is not None:
                with self.log.open("a") as fh:
                    fh.write(f"{began:.3f} {time.time():.3f}\n")

    def cut(self) -> None:
        self.down = True
        for w in list(self.open):
            w.transport.abort()

    async def follow_down_file(self) -> None:
        if self.down_file is None:
            return
        while True:
            gone = self.down_file.exists()
            if gone and not self.down:
                self.cut()
            elif not gone and self.down:
                self.down = False
            await asyncio.sleep(0.01)

    async def main(self, port: int) -> None:
        server = await asyncio.start_server(self.handle, "127.0.0.1", port)
        print(f"listening {server.sockets[0].getsockname()[1]}", flush=True)
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        tasks = [asyncio.create_task(self.cutter()), asyncio.create_task(self.follow_down_file())]
        async with server:
            await stop.wait()
        for task in tasks:
            task.cancel()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", type=int, required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cut-every", type=float, default=30.0, help="mean s between cuts")
    parser.add_argument("--outage", default="1-3", help="s without network per cut")
    parser.add_argument("--delay-ms", default="0-5", help="added to every chunk")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log", default="")
    parser.add_argument("--armed", default="")
    parser.add_argument("--down-file", default="")
    args = parser.parse_args()
    asyncio.run(FlakyProxy(args).main(args.port))
    sys.exit(0)


if __name__ == "__main__":
    main()
