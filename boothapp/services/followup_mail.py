"""The event's SMTP settings and password for sending follow-ups from the app or the CLI, and
the IMAP Sent-folder lookup that settles sends interrupted by a crash."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from boothapp.services.followup_replies import RepliesApplied
from boothapp.services.followup_types import SendReport, imap_settings_from, smtp_settings_from
from boothapp.services.followups import FollowUpService
from boothapp.sync.credentials import SecretStore
from boothapp.sync.imap import ImapSentLookup, ImapSettings, ImapUnavailable
from boothapp.sync.imap_inbox import InboxReplies, read_inbox
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


IMAP_PASSWORD_ENV = "BOOTHAPP_IMAP_PASSWORD"
IMAP_SECRET_SCOPE = "imap"  # keyring entry: service boothapp, user "imap:<username>"


def imap_password(data_dir: Path, imap_username: str, smtp_username: str) -> str | None:
    """The Sent-folder account's password: the environment, else its own keyring entry, else
    (the usual case: one mailbox account for sending and reading) the SMTP password when the
    IMAP login is the SMTP login. Never from the database."""
    env = os.environ.get(IMAP_PASSWORD_ENV)
    if env:
        return env
    if not imap_username:
        return None
    own = SecretStore(data_dir / "secrets.json").get_secret(IMAP_SECRET_SCOPE, imap_username)
    if own is not None:
        return own
    if imap_username == smtp_username:
        return smtp_password(data_dir, smtp_username)
    return None


@dataclass(frozen=True, slots=True)
class SentFolderAccess:
    """What a run needs to ask the Sent folder; ``open()`` gives a lookup to pass to
    ``send_due`` (and to close after it). Built off the GUI thread: it reads the keyring."""

    settings: ImapSettings
    password: str | None = field(default=None, repr=False)

    def open(self) -> ImapSentLookup:
        return ImapSentLookup(self.settings, self.password)

    def read_inbox(self) -> InboxReplies:
        """Unsubscribe replies and late bounces; ImapUnavailable when it cannot be read."""
        return read_inbox(self.settings, self.password)


def read_replies(
    followups: FollowUpService, event_id: str, access: SentFolderAccess | None
) -> RepliesApplied | str | None:
    """Apply what the mailbox says before a run (issue 16): who unsubscribed, which mails
    bounced later. None without IMAP; the reason when the mailbox could not be read (the
    run goes on: sending is not held up by a mailbox that cannot be read)."""
    if access is None:
        return None
    try:
        replies = access.read_inbox()
    except ImapUnavailable as exc:
        return str(exc)
    return followups.apply_replies(event_id, replies)


def mail_login(followups: FollowUpService, event_id: str, imap: bool = False) -> str:
    """The login whose password the event's SMTP (or IMAP) account needs; ValueError when the
    section is missing or logs in without one."""
    cfg = followups.settings(event_id)
    smtp_user = str(cfg.smtp.get("username", "") or "")
    if imap:
        settings = imap_settings_from(cfg.imap, smtp_user)
        if settings is None:
            raise ValueError("this event has no followups.imap section")
        user = settings.username
    else:
        if not cfg.smtp:
            raise ValueError("this event has no followups.smtp section")
        user = smtp_user
    if not user:
        raise ValueError("the mail server is used without a login: no password to store")
    return user


def store_mail_password(
    followups: FollowUpService, data_dir: Path, event_id: str, password: str, imap: bool = False
) -> str:
    """Keep the SMTP (or IMAP) password in the keyring, where sending looks for it; returns
    the login it belongs to. Never the database, never the config."""
    if not password:
        raise ValueError("an empty password is not stored")
    user = mail_login(followups, event_id, imap)
    scope = IMAP_SECRET_SCOPE if imap else SECRET_SCOPE
    SecretStore(data_dir / "secrets.json").set_secret(scope, user, password)
    return user


def send_due_checked(
    followups: FollowUpService,
    event_id: str,
    smtp: SmtpSettings,
    password: str | None,
    access: SentFolderAccess | None,
    **options: Any,
) -> SendReport:
    """``send_due`` with the Sent-folder lookup opened for this run and closed after it, so
    interrupted sends are settled from the Sent folder first. Blocking: a worker thread."""
    read_replies(followups, event_id, access)
    lookup = access.open() if access is not None else None
    try:
        return followups.send_due(event_id, smtp, password, lookup=lookup, **options)
    finally:
        if lookup is not None:
            lookup.close()


def sent_folder_access(
    followups: FollowUpService, data_dir: Path, event_id: str, smtp_username: str | None = None
) -> SentFolderAccess | None:
    """The event's Sent-folder lookup when ``followups.imap`` is set up, else None.
    ``smtp_username``: the login actually used for SMTP (a CLI option may override the
    config's). A bad section raises ValueError naming the field."""
    cfg = followups.settings(event_id)
    smtp_user = (
        smtp_username if smtp_username is not None else str(cfg.smtp.get("username", "") or "")
    )
    settings = imap_settings_from(cfg.imap, smtp_user)
    if settings is None:
        return None
    return SentFolderAccess(settings, imap_password(data_dir, settings.username, smtp_user))


def mail_setup(
    followups: FollowUpService, data_dir: Path, event_id: str
) -> tuple[SmtpSettings | None, str | None, SentFolderAccess | None]:
    """``mail_settings`` plus the Sent-folder access, for the desktop's automatic sending.
    A broken ``imap`` section (the loader reports it with its line) only turns the lookup off:
    interrupted sends then wait for review as they would without it."""
    smtp, password = mail_settings(followups, data_dir, event_id)
    if smtp is None:
        return None, None, None
    try:
        access = sent_folder_access(followups, data_dir, event_id, smtp.username)
    except ValueError:
        access = None
    return smtp, password, access
