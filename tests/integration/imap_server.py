"""A throwaway Dovecot IMAP server on 127.0.0.1 for tests (``dovecot -F``, no system service).

Debian 12 ships Dovecot 2.3: plaintext logins on loopback need ``ssl = no`` plus
``disable_plaintext_auth = no`` (2.4 renamed it ``auth_allow_cleartext``). One test user in a
passwd-file, mail in a Maildir under the server's own folder.

Dovecot refuses to give mail access to UID 0, so as root (the CI machine) the mail processes
run as the package's ``dovecot`` user and the folder is handed to it; login processes run as
``dovenull`` as in the packaged setup. As an ordinary user everything runs as that user.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

USER = "jo@booth.example.com"
PASSWORD = "imap-s3cret"
INSTALL_HINT = (
    "Dovecot is not installed: the IMAP Sent-folder tests need a real IMAP server. "
    "Run `make sysdeps` (or: apt-get install --no-install-recommends dovecot-imapd)."
)


class DovecotUnavailable(RuntimeError):
    pass


def dovecot_binary() -> str:
    found = shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if os.access("/usr/sbin/dovecot", os.X_OK) else None
    )
    if found is None:
        raise DovecotUnavailable(INSTALL_HINT)
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class DovecotServer:
    root: Path
    port: int
    sent_folder: str
    tls_port: int = 0  # implicit TLS (imaps), when started with tls=True
    cert: Path | None = None  # the self-signed certificate to trust, when started with tls=True
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def connect(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        conn.login(USER, PASSWORD)
        return conn

    def file_message(self, raw: bytes, folder: str | None = None) -> None:
        """Play "the server filed what it accepted": APPEND the message to a folder."""
        conn = self.connect()
        try:
            typ, data = conn.append(f'"{folder or self.sent_folder}"', r"(\Seen)", None, raw)
            if typ != "OK":
                raise RuntimeError(f"APPEND refused: {data!r}")
        finally:
            conn.logout()

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        proc, self.process = self.process, None
        if proc is None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        shutil.rmtree(self.root, ignore_errors=True)


def _config(root: Path, port: int, sent_folder: str, uid: int, gid: int, tls_port: int = 0) -> str:
    as_root = os.geteuid() == 0
    me = pwd.getpwuid(os.geteuid()).pw_name
    login_user = "dovenull" if as_root else me
    internal_user = "dovecot" if as_root else me
    # A folder literally named "Sent" but not marked \Sent stands beside a differently named
    # special-use folder, so a lookup that guessed by name would search the wrong one.
    decoy = "  mailbox Sent {\n    auto = create\n  }\n" if sent_folder != "Sent" else ""
    tls = (
        f"ssl = yes\nssl_cert = <{root}/cert.pem\nssl_key = <{root}/key.pem\n"
        if tls_port
        else "ssl = no\n"
    )
    return f"""\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
{tls}disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/users
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox "{sent_folder}" {{
    special_use = \\Sent
    auto = subscribe
  }}
{decoy}}}
"""


def start_server(sent_folder: str = "Sent", *, tls: bool = False) -> DovecotServer:
    """Start Dovecot in the foreground on a free loopback port; raises DovecotUnavailable.
    ``tls``: a self-signed certificate for 127.0.0.1, STARTTLS on ``port`` and implicit TLS on
    ``tls_port`` (plaintext logins stay allowed so one server serves both kinds of test)."""
    binary = dovecot_binary()
    # Not under pytest's tmp dir: that is private to root, and the dovecot/dovenull users
    # must reach their folders.
    root = Path(tempfile.mkdtemp(prefix="boothapp-imap-"))
    root.chmod(0o755)
    if os.geteuid() == 0:
        mail_user = pwd.getpwnam("dovecot")
        uid, gid = mail_user.pw_uid, mail_user.pw_gid
    else:
        uid, gid = os.geteuid(), os.getegid()
    (root / "mail").mkdir()
    (root / "state").mkdir()
    if os.geteuid() == 0:
        os.chown(root / "mail", uid, gid)
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{root}/mail/{USER}::\n")
    port = _free_port()
    tls_port = _free_port() if tls else 0
    if tls:
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-keyout", str(root / "key.pem"), "-out", str(root / "cert.pem"),
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
    conf = root / "dovecot.conf"
    conf.write_text(_config(root, port, sent_folder, uid, gid, tls_port))
    proc = subprocess.Popen(
        [binary, "-F", "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    server = DovecotServer(
        root, port, sent_folder, tls_port, root / "cert.pem" if tls else None, proc
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            log = server.log()
            shutil.rmtree(root, ignore_errors=True)
            raise DovecotUnavailable(f"dovecot exited with {proc.returncode}: {err}{log}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server
        except OSError:
            time.sleep(0.1)
    log = server.log()
    server.stop()
    raise DovecotUnavailable(f"dovecot did not start listening on {port}: {log}")


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    """One Dovecot for the session, Sent folder "Sent". Fails (never skips) without Dovecot."""
    try:
        server = start_server("Sent")
    except DovecotUnavailable as exc:
        pytest.fail(str(exc))  # loudly: a missing server must not pass as a skipped test
    yield server
    server.stop()
