"""Secrets (CRM tokens, mail passwords, the database key) in the OS keyring, never in the
database or logs.

Only when no keyring backend exists (a bare Linux kiosk without Secret Service) do secrets go to
a file readable by the user alone, and every use says so loudly in the log. Secret values are
never logged, not even in part.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from pathlib import Path

import keyring
import keyring.errors
from keyring.backends import fail

from boothapp.core.i18n import current
from boothapp.core.i18n import gettext as _

log = logging.getLogger(__name__)

SERVICE = "com.boothapp.BoothApp"


def _keyring_usable() -> bool:
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return False
    return getattr(backend, "priority", 1) > 0


class SecretStore:
    def __init__(self, fallback_file: Path, service: str = SERVICE) -> None:
        self.fallback_file = fallback_file
        self.service = service

    @staticmethod
    def _user(crm: str, name: str) -> str:
        # ``crm`` is the owner's namespace: a CRM's name, "smtp", or "database" for its key.
        if not crm or not name:
            raise ValueError("a secret needs a CRM and a name")
        return f"{crm}:{name}"

    def uses_keyring(self) -> bool:
        return _keyring_usable()

    def where(self) -> str:
        """Where a secret stored now goes, for messages (issue 16: the CLI said "system
        keyring" when the secret went to the fallback file)."""
        if _keyring_usable():
            backend = keyring.get_keyring()
            name = getattr(backend, "name", "") or type(backend).__name__
            return _("the system keyring ({name})").format(name=name)
        # In the reader's language: the set-up wizard's recovery page says it (issue 21).
        path = str(self.fallback_file)
        if current().rtl:  # a path reads left to right inside a Persian sentence
            path = f"\u2066{path}\u2069"
        return _("the file {path} (no system keyring: not encrypted)").format(path=path)

    def get_secret(
        self, crm: str, name: str, *, announce: bool = True, strict: bool = False
    ) -> str | None:
        """``announce=False``: the database key, read at every start; the fallback file is
        said where that key is shown (``db recovery-key``, the wizard), not on every verb.
        ``strict``: a keyring that fails raises instead of reading as "no secret" (a missing
        database key would be made anew over the one that could not be read)."""
        user = self._user(crm, name)
        if _keyring_usable():
            try:
                return keyring.get_password(self.service, user)
            except keyring.errors.KeyringError as exc:
                log.error("keyring read for %s failed: %s", user, exc.__class__.__name__)
                if strict:
                    raise
                return None
        if announce:
            self._warn()
        return self._read_file().get(user)

    def set_secret(self, crm: str, name: str, value: str, *, announce: bool = True) -> None:
        user = self._user(crm, name)
        if _keyring_usable():
            keyring.set_password(self.service, user, value)
            return
        if announce:
            self._warn()
        data = self._read_file()
        data[user] = value
        self._write_file(data)

    def delete_secret(self, crm: str, name: str) -> None:
        user = self._user(crm, name)
        if _keyring_usable():
            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                keyring.delete_password(self.service, user)
            return
        data = self._read_file()
        if data.pop(user, None) is not None:
            self._write_file(data)

    def _warn(self) -> None:
        log.warning(
            "NO OS KEYRING AVAILABLE: secrets (CRM, mail, database key) are stored in %s (readable "
            "only by this user, but not encrypted). Install a Secret Service keyring to protect "
            "them.",
            self.fallback_file,
        )

    def _read_file(self) -> dict[str, str]:
        try:
            data = json.loads(self.fallback_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise RuntimeError(f"credential file {self.fallback_file} is unreadable") from exc
        return {str(k): str(v) for k, v in data.items()}

    def _write_file(self, data: dict[str, str]) -> None:
        self.fallback_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.fallback_file.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.fallback_file)
