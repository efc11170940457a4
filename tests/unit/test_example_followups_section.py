"""The commented ``followups`` example in the shipped event configuration is a working section,
and its passwords go where it says: ``boothapp followups password`` into the keyring."""

from __future__ import annotations

import pytest

from boothapp.core.config import load_config
from boothapp.resources import asset
from boothapp.services.followup_mail import smtp_password
from boothapp.services.followup_types import (
    imap_settings_from,
    parse_followup_section,
    smtp_settings_from,
)
from boothapp.sync.mail import SmtpSecurity

TEXT = asset("event-config.example.yaml").read_text(encoding="utf-8")


def uncommented() -> str:
    lines = TEXT.splitlines()
    start = lines.index("# followups:")
    end = lines.index("followups: {}")
    block = [line.removeprefix("# ") for line in lines[start:end]]
    return "\n".join(lines[:start] + block + lines[end + 1 :]) + "\n"


def test_shipped_example_sends_nothing() -> None:
    assert load_config(TEXT, "event-config.example.yaml").followups == {}


def test_uncommented_followups_example_is_valid() -> None:
    section = load_config(uncommented(), "event-config.yaml").followups
    settings = parse_followup_section(section)
    assert settings.plan.window_hours == 48
    assert settings.plan.preferred_days == frozenset({1, 2, 3})  # Tue, Wed, Thu
    smtp = smtp_settings_from(settings.smtp, {})
    assert (smtp.host, smtp.port, smtp.security) == ("smtp.gmail.com", 587, SmtpSecurity.STARTTLS)
    imap = imap_settings_from(settings.imap, smtp.username)
    assert imap is not None and imap.port == 993 and imap.server_files_sent
    assert imap.username == "booth@acme.example.com"  # the SMTP login by default
    assert "password" not in str(section).lower()  # secrets live in the keyring


def test_password_verb_keeps_the_smtp_password_in_the_keyring(
    cli, data_dir, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    (data_dir / "cfg.yaml").parent.mkdir(parents=True, exist_ok=True)
    (data_dir / "cfg.yaml").write_text(uncommented(), encoding="utf-8")
    assert cli("event", "create", "--name", "Mail Show").code == 0
    assert cli("event", "import", str(data_dir / "cfg.yaml"), "--event", "Mail Show").code == 0
    monkeypatch.delenv("BOOTHAPP_SMTP_PASSWORD", raising=False)
    out = cli("followups", "password", "--event", "Mail Show")
    assert out.code != 0 and "BOOTHAPP_SMTP_PASSWORD" in out.err  # no prompt without a terminal
    monkeypatch.setenv("BOOTHAPP_SMTP_PASSWORD", "app-password-123")
    out = cli("followups", "password", "--event", "Mail Show")
    assert out.code == 0, out.err
    assert "SMTP password for booth@acme.example.com kept" in out.out
    monkeypatch.delenv("BOOTHAPP_SMTP_PASSWORD")
    assert smtp_password(data_dir, "booth@acme.example.com") == "app-password-123"
    assert "app-password-123" not in out.out + out.err
