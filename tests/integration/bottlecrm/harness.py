"""Run a real BottleCRM (PyPI ``django-crm==1.35.0``) on loopback for end-to-end sync tests.

Follows the SQLite variant in ``CRM.md`` §3.2: its own Python 3.12 venv (the wheel installs
generic top-level packages such as ``common`` and ``leads``, so it never shares our venv),
``migrate`` once into a cached template under ``<repo>/.crm/`` (~1.5-2 min), then a copy of the
template per test session, a user/org/personal access token/lead intake, and
``django-admin runserver 127.0.0.1:<free port> --noreload``.

Standalone: ``python tests/integration/bottlecrm/harness.py prepare`` builds venv + template.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
CRM_DIR = Path(os.environ.get("BOOTHAPP_CRM_DIR", REPO / ".crm"))
VENV = CRM_DIR / "venv"
TEMPLATE = CRM_DIR / "template.sqlite3"
PIN = "django-crm==1.35.0"

SETTINGS = """\
import os
from crm.settings import *  # noqa: F401,F403
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
                         "NAME": os.environ["BCRM_SQLITE_PATH"]}}
CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = "cache+memory://"
if os.environ.get("LEAD_INTAKE_THROTTLE_MINUTE"):
    LEAD_INTAKE_THROTTLE_MINUTE = os.environ["LEAD_INTAKE_THROTTLE_MINUTE"]
"""

# Per run, beside its database (the shared CRM_DIR is left as it is): the SQLite backend with
# write transactions taken at BEGIN (Django's ``transaction_mode``) and a busy timeout, so
# parallel requests queue for the write lock instead of failing with "database is locked",
# and WAL so readers do not wait for a writer.
LOCAL_SETTINGS = """\
from bcrm_sqlite_settings import *  # noqa: F401,F403
DATABASES["default"]["OPTIONS"] = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
"""

SETUP_SCRIPT = """
from django.contrib.auth import get_user_model
from common.models import Org, Profile, PersonalAccessToken
u, _ = get_user_model().objects.get_or_create(email="sync-bot@example.com")
org, _ = Org.objects.get_or_create(name="Local Test Org")
p, _ = Profile.objects.get_or_create(user=u, org=org, defaults={"role": "ADMIN"})
raw, _ = PersonalAccessToken.generate(
    p, "lead-sync-test",
    scopes=["leads:read", "leads:write", "tasks:read", "tasks:write", "users:read"])
open(__import__("os").environ["BCRM_PAT_OUT"], "w").write(raw)
"""


class HarnessUnavailable(RuntimeError):
    """No Python 3.12 on this machine: BottleCRM cannot run (the tests skip with this reason)."""


def find_python312() -> str:
    try:
        root = subprocess.run(
            ["pyenv", "root"], capture_output=True, text=True, check=True
        ).stdout.strip()
        candidate = Path(root) / "versions" / "3.12.1" / "bin" / "python3.12"
        if candidate.exists():
            return str(candidate)
    except (OSError, subprocess.CalledProcessError):
        pass
    found = shutil.which("python3.12")
    if found:
        return found
    raise HarnessUnavailable("BottleCRM needs Python >= 3.12; neither pyenv 3.12.1 nor python3.12")


def _env(db_path: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    local = (db_path.parent / "bcrm_local_settings.py").exists()
    env.update(
        DJANGO_SETTINGS_MODULE="bcrm_local_settings" if local else "bcrm_sqlite_settings",
        PYTHONPATH=os.pathsep.join(
            [str(db_path.parent), str(CRM_DIR)] if local else [str(CRM_DIR)]
        ),
        ENV_TYPE="dev",
        DEBUG="True",
        SECRET_KEY="local-test-only-not-secret-0123456789abcdef",
        CELERY_BROKER_URL="memory://",
        CELERY_RESULT_BACKEND="cache+memory://",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        BCRM_SQLITE_PATH=str(db_path),
        # Postgres variables unused by the SQLite settings but read at import by crm.settings.
        DBNAME="unused",
        DBUSER="unused",
        DBPASSWORD="unused",
        DBHOST="127.0.0.1",
        DBPORT="5432",
    )
    env.update(extra or {})
    return env


def django_admin() -> str:
    return str(VENV / "bin" / "django-admin")


def prepare(log=print) -> Path:
    """Build the venv and the migrated template once; later calls return at once."""
    CRM_DIR.mkdir(parents=True, exist_ok=True)
    (CRM_DIR / "bcrm_sqlite_settings.py").write_text(SETTINGS)
    if not (VENV / "bin" / "django-admin").exists():
        py = find_python312()
        log(f"creating BottleCRM venv with {py}")
        subprocess.run([py, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", PIN], check=True, timeout=900)
    if not TEMPLATE.exists():
        log("migrating BottleCRM template (first run only, ~2 min)")
        partial = CRM_DIR / "template.partial.sqlite3"
        partial.unlink(missing_ok=True)
        subprocess.run(
            [django_admin(), "migrate", "-v", "0"],
            env=_env(partial),
            cwd=CRM_DIR,  # BottleCRM writes server.log/security_audit.log into its cwd
            check=True,
            timeout=900,
        )
        partial.replace(TEMPLATE)  # only a complete migration becomes the template
    return TEMPLATE


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class BottleCrm:
    base_url: str
    pat: str
    intake_id: str
    intake_key: str
    db_path: Path
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def shell(self, code: str) -> str:
        """Run Python inside BottleCRM's Django (to read its database as the truth)."""
        out = subprocess.run(
            [django_admin(), "shell", "-c", code],
            env=_env(self.db_path),
            cwd=self.db_path.parent,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return out.stdout

    def lead_external_ids(self) -> list[str]:
        code = (
            "import json\nfrom leads.models import Lead\n"
            "ids = Lead.objects.values_list('external_id', flat=True)\n"
            "print(json.dumps([str(x) for x in ids]))"
        )
        return list(json.loads(self.shell(code).strip().splitlines()[-1]))


def _request(url: str, token: str, body: dict[str, object] | None = None) -> dict[str, object]:
    req = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST" if body is not None else "GET",
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return dict(json.loads(resp.read()))


def start(workdir: Path, throttle_minute: str = "", log=print) -> BottleCrm:
    template = prepare(log)
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "bcrm.sqlite3"
    shutil.copyfile(template, db)
    (workdir / "bcrm_local_settings.py").write_text(LOCAL_SETTINGS)
    pat_file = workdir / "pat.txt"
    subprocess.run(
        [django_admin(), "shell", "-c", SETUP_SCRIPT],
        env=_env(db, {"BCRM_PAT_OUT": str(pat_file)}),
        cwd=workdir,
        check=True,
        timeout=120,
        capture_output=True,
    )
    pat = pat_file.read_text().strip()
    port = free_port()
    extra = {"LEAD_INTAKE_THROTTLE_MINUTE": throttle_minute} if throttle_minute else {}
    logf = open(workdir / "runserver.log", "wb")  # noqa: SIM115 - owned by the process
    proc = subprocess.Popen(
        [django_admin(), "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=_env(db, extra),
        cwd=workdir,
        stdout=logf,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        if proc.poll() is not None:
            raise RuntimeError(
                f"BottleCRM exited: {(workdir / 'runserver.log').read_text()[-2000:]}"
            )
        try:
            _request(f"{base}/api/leads/", pat)
            break
        except (urllib.error.URLError, ConnectionError, OSError):
            if time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("BottleCRM did not become ready in 90 s") from None
            time.sleep(0.3)
    intake = _request(
        f"{base}/api/leads/intakes/", pat, {"name": "BoothApp test", "preset": "generic"}
    )
    return BottleCrm(base, pat, str(intake["id"]), str(intake["key"]), db, proc)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "prepare":
        print(prepare())
    else:
        import tempfile

        crm = start(Path(tempfile.mkdtemp()), throttle_minute="5/min")
        print(crm.base_url, crm.pat[:12], crm.intake_id)
        crm.stop()
