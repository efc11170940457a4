"""A throwaway PostgreSQL server on 127.0.0.1 for tests (initdb + pg_ctl, no system service).

PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` user.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from boothapp.demo.loopback_pg import bin_dir, free_port
from boothapp.services.errors import ValidationError


class PostgresUnavailable(RuntimeError):
    pass


def _bin_dir() -> Path:
    """The app's own finder (``boothapp demo --hub`` starts its server the same way)."""
    try:
        return bin_dir()
    except ValidationError as exc:
        raise PostgresUnavailable(str(exc)) from exc


@dataclass
class PgServer:
    root: Path
    port: int
    bindir: Path
    options: str = ""  # more ``-c name=value`` settings (the hub bench needs connections)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *cmd: str) -> subprocess.CompletedProcess[str]:
        if os.geteuid() == 0:
            # /usr/sbin is not on every PATH (a clean shell, cron): find runuser anyway.
            runuser = shutil.which("runuser") or "/usr/sbin/runuser"
            cmd = (runuser, "-u", "postgres", "--", *cmd)
        return subprocess.run(cmd, capture_output=True, text=True, check=False)

    def start(self) -> None:
        data = self.root / "pgdata"
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        res = self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        if res.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {res.stderr.strip()}")
        opts = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off"
        if self.options:
            opts += f" {self.options}"
        res = self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            opts,
            "-l",
            str(self.root / "pg.log"),
            "-w",
            "start",
        )
        if res.returncode != 0:
            raise PostgresUnavailable(f"pg_ctl start failed: {res.stderr.strip()}")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise PostgresUnavailable("PostgreSQL did not start listening")

    def create_database(self, name: str) -> str:
        res = self._run(
            str(self.bindir / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            name,
        )
        if res.returncode != 0:
            raise PostgresUnavailable(f"createdb failed: {res.stderr.strip()}")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.root / "pgdata"), "-m", "fast", "-w", "stop"
        )


def start_server(root: Path, options: str = "") -> PgServer:
    server = PgServer(root=root, port=free_port(), bindir=_bin_dir(), options=options)
    server.start()
    return server
