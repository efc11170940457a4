"""The event's SMTP settings and password for sending follow-ups from the app or the CLI."""

from __future__ import annotations

import os
from pathlib import Path

from boothapp.services.followup_types import smtp_settings_from
from boothapp.services.followups import FollowUpService
from boothapp.sync.credentials import SecretStore
from boothapp.sync.mail import SmtpSettings

PASSWORD_ENV = "BOOTHAPP_SMTP_PASSWORD"
SECRET_SCOPE = "smtp"  # keyring entry: service boothapp, user "smtp:<username>"


def smtp_password(data_dir: Path, username: str) -> str | None:
    """From the environment (CI, scripts), else the OS keyring; never from the database."""
    env = os.environ.get(PASSWORD_ENV)
    if env:
        return env
    if not username:
        return None  # no login: a relay on the local network
    return SecretStore(data_dir / "secrets.json").get_secret(
        SECRET_SCOPE, username
    )  # = AppPaths.secrets_file


def mail_settings(
    followups: FollowUpService, data_dir: Path, event_id: str
) -> tuple[SmtpSettings | None, str | None]:
    """(settings, password) when the event's config sets up SMTP, else (None, None)."""
    try:
        smtp = smtp_settings_from(followups.settings(event_id).smtp, {})
    except ValueError:
        return None, None
    return smtp, smtp_password(data_dir, smtp.username)
