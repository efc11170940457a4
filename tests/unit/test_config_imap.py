"""``followups.imap``: checked on load with line numbers; settings and password resolved."""

from __future__ import annotations

from pathlib import Path

import pytest

from boothapp.app import AppContext
from boothapp.core.config import load_config
from boothapp.services.followup_mail import imap_password, sent_folder_access
from boothapp.services.followup_types import imap_settings_from
from boothapp.sync.credentials import SecretStore
from boothapp.sync.imap import ImapSecurity
from tests.fixtures_followups import make_cast
from tests.unit.test_config_loader import BASE, line_of, problems_of

GOOD = (
    BASE
    + """\
followups:
  smtp:
    host: smtp.gmail.com
    username: jo@acme.com
    from: jo@acme.com
  imap:
    host: imap.gmail.com
    server_files_sent: true
"""
)

BAD = (
    BASE
    + """\
followups:
  imap:
    host: imap.example.com
    port: nine-nine-three
    security: tls
    sent_folde: Gesendet
    server_files_sent: yes
"""
)


def test_bad_imap_section_names_each_field_and_its_line() -> None:
    assert problems_of(BAD, "booth.yaml") == [
        (
            "followups.imap.sent_folde",
            line_of(BAD, "sent_folde"),
            "unknown key 'sent_folde'; did you mean 'sent_folder'? (known keys: host, port, "
            "security, username, sent_folder, server_files_sent)",
        ),
        (
            "followups.imap.port",
            line_of(BAD, "port: nine"),
            "must be an integer, got 'nine-nine-three'",
        ),
        (
            "followups.imap.security",
            line_of(BAD, "security: tls"),
            "must be one of ssl, starttls, none, got 'tls'",
        ),
        (
            "followups.imap.server_files_sent",
            line_of(BAD, "server_files_sent"),
            "must be true or false, got 'yes'",
        ),
    ]


def test_imap_section_without_a_host_or_as_a_list() -> None:
    text = BASE + "followups:\n  imap:\n    username: jo\n"
    assert problems_of(text) == [
        ("followups.imap", line_of(text, "imap:"), "missing required key 'host'")
    ]
    text = BASE + "followups:\n  imap: [imap.example.com]\n"
    assert problems_of(text) == [
        (
            "followups.imap",
            line_of(text, "imap:"),
            "must be a mapping of keys to values, got a list",
        )
    ]


def test_cli_import_refuses_a_bad_imap_section_and_changes_nothing(
    ctx: AppContext,
    tmp_path: Path,
    cli,  # type: ignore[no-untyped-def]
) -> None:
    make_cast(ctx)
    before = ctx.configs.get(ctx.events.find_event("CeMAT").id)
    path = tmp_path / "booth.yaml"
    path.write_text(BAD, encoding="utf-8")
    run = cli("event", "import", str(path), "--event", "CeMAT")
    assert run.code != 0
    line = line_of(BAD, "security: tls")
    assert f"booth.yaml: line {line}: followups.imap.security: must be one of" in run.err
    assert "the configuration was not changed" in run.err
    after = ctx.configs.get(ctx.events.find_event("CeMAT").id)
    assert after.revision == before.revision and "imap" not in after.followups


def test_good_section_gives_settings_with_defaults() -> None:
    cfg = load_config(GOOD, "booth.yaml")
    imap = cfg.followups["imap"]
    assert isinstance(imap, dict)
    settings = imap_settings_from(imap, "jo@acme.com")
    assert settings is not None
    assert (settings.host, settings.port, settings.security) == (
        "imap.gmail.com",
        993,
        ImapSecurity.SSL,
    )
    assert settings.username == "jo@acme.com"  # the SMTP login, when not given
    assert settings.sent_folder == "" and settings.server_files_sent is True
    assert imap_settings_from({}, "jo") is None  # not set up: no lookup
    starttls = imap_settings_from({"host": "mail.example.com", "security": "starttls"}, "")
    assert starttls is not None and starttls.port == 143 and starttls.server_files_sent is False
    with pytest.raises(ValueError, match=r"imap\.security must be one of"):
        imap_settings_from({"host": "x", "security": "tls"}, "")


def test_imap_password_defaults_to_the_smtp_one_for_the_same_login(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BOOTHAPP_SMTP_PASSWORD", raising=False)
    monkeypatch.delenv("BOOTHAPP_IMAP_PASSWORD", raising=False)
    store = SecretStore(data_dir / "secrets.json")
    store.set_secret("smtp", "jo@acme.com", "smtp-pw")
    assert imap_password(data_dir, "jo@acme.com", "jo@acme.com") == "smtp-pw"
    assert imap_password(data_dir, "archive@acme.com", "jo@acme.com") is None
    store.set_secret("imap", "archive@acme.com", "imap-pw")  # its own entry wins
    assert imap_password(data_dir, "archive@acme.com", "jo@acme.com") == "imap-pw"
    monkeypatch.setenv("BOOTHAPP_IMAP_PASSWORD", "from-env")
    assert imap_password(data_dir, "jo@acme.com", "jo@acme.com") == "from-env"


def test_sent_folder_access_from_the_event_config_never_shows_the_password(
    ctx: AppContext, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOOTHAPP_SMTP_PASSWORD", "smtp-secret")
    monkeypatch.delenv("BOOTHAPP_IMAP_PASSWORD", raising=False)
    section = {
        "smtp": {"host": "smtp.gmail.com", "username": "jo@acme.com", "from": "jo@acme.com"},
        "imap": {"host": "imap.gmail.com", "server_files_sent": True},
    }
    cast = make_cast(ctx, section)
    access = sent_folder_access(ctx.followups, data_dir, cast.event_id)
    assert access is not None
    assert access.settings.username == "jo@acme.com" and access.password == "smtp-secret"
    assert "smtp-secret" not in repr(access) and "smtp-secret" not in repr(access.open())
    cfg = ctx.configs.get(cast.event_id)
    ctx.configs.save(cast.event_id, cfg.edited(followups={"smtp": section["smtp"]}))
    assert sent_folder_access(ctx.followups, data_dir, cast.event_id) is None
