"""A throwaway PostgreSQL on 127.0.0.1 for the hub demo (``boothapp demo --hub``, issue 19):
initdb into a folder of its own and pg_ctl, no system service, trust authentication on
loopback only, gone when stopped.

The server binaries are found as the tests find theirs (``initdb`` on PATH, else the newest
``/usr/lib/postgresql/*/bin``, where Debian and Ubuntu put them; ``scripts/install-system-
deps.sh`` installs them). PostgreSQL refuses to run as root, so as root it runs as the
``postgres`` user. For a show, use a real server (docs/HUB.md); this one is for trying.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from boothapp.core.i18n import _
from boothapp.services.errors import ValidationError


def bin_dir() -> Path:
    """Where initdb, pg_ctl and createdb are; a one-line error when PostgreSQL is missing."""
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if not found:
        raise ValidationError(
            _("the hub demo needs the PostgreSQL server programs (apt-get install postgresql)")
        )
    return Path(found[-1]).parent


def _version(path: str) -> int:
    part = Path(path).parts[-3]  # /usr/lib/postgresql/<major>/bin/initdb
    return int(part) if part.isdigit() else 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LoopbackPostgres:
    root: Path
    port: int
    bindir: Path
    owned: bool = False  # a folder of its own: removed at stop

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *cmd: str) -> subprocess.CompletedProcess[str]:
        if os.geteuid() == 0:
            runuser = shutil.which("runuser") or "/usr/sbin/runuser"
            cmd = (runuser, "-u", "postgres", "--", *cmd)
        return subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=120)

    def start(self) -> None:
        data = self.root / "pgdata"
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        res = self._run(str(self.bindir / "initdb"), "-D", str(data), "-U", "postgres",
                        "--auth=trust", "-E", "UTF8", "--no-sync")  # fmt: skip
        if res.returncode != 0:
            raise _failed("initdb", res)
        opts = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root}"
        res = self._run(str(self.bindir / "pg_ctl"), "-D", str(data), "-o", opts,
                        "-l", str(self.root / "pg.log"), "-w", "start")  # fmt: skip
        if res.returncode != 0:
            raise _failed("pg_ctl start", res)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise ValidationError(
            _("the hub demo's PostgreSQL did not start: {error}").format(error="not listening")
        )

    def create_database(self, name: str) -> str:
        res = self._run(str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                        "-U", "postgres", name)  # fmt: skip
        if res.returncode != 0:
            raise _failed("createdb", res)
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.root / "pgdata"),
                  "-m", "fast", "-w", "stop")  # fmt: skip
        if self.owned:
            shutil.rmtree(self.root, ignore_errors=True)


def start_loopback(root: Path | None = None) -> LoopbackPostgres:
    """``root``: the server's folder (kept); default a temporary one of its own, removed at
    stop (as root it is handed to the ``postgres`` user, which must reach it: a folder
    inside another private temporary folder would not do)."""
    owned = root is None
    folder = Path(tempfile.mkdtemp(prefix="boothapp-demo-pg-")) if root is None else root
    server = LoopbackPostgres(root=folder, port=free_port(), bindir=bin_dir(), owned=owned)
    try:
        server.start()
    except BaseException:
        if owned:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return server


def _failed(step: str, res: subprocess.CompletedProcess[str]) -> ValidationError:
    return ValidationError(
        _("the hub demo's PostgreSQL did not start: {error}").format(
            error=f"{step}: {_last(res.stderr)}"
        )
    )


def _last(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "?"
