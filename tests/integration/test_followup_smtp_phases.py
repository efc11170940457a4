"""A mail server that fails at one phase, for real (aiosmtpd on 127.0.0.1): only a permanent
recipient failure is a bounce; a server, login or DATA failure stops the run and changes
nothing (issue 16: a relay answering 500 at DATA marked 71 leads "bounced")."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from boothapp.app import AppContext, build_context
from boothapp.core.models import Contact, Rating
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.store.tables import LeadRow

pytestmark = pytest.mark.integration

FROM = "jo@booth.example.com"
SHOW_DAY = date(2026, 11, 19)  # Thursday
CAPTURED = datetime(2026, 11, 19, 13, 0, tzinfo=UTC)
# Tuesday 24 Nov, 10:00 in Berlin: every thank-you is due and inside the sending window.
SEND_AT = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
NAMES = ["Anna", "Ben", "Clara", "David", "Eva", "Felix", "Greta", "Hans", "Ida", "Jan"]
ADDRESSES = [f"{n.lower()}@firma{i}.de" for i, n in enumerate(NAMES)]


@dataclass
class FailingRelay:
    """An MTA that answers ``reply`` at ``phase`` (for ``only`` that address at RCPT)."""

    phase: str = ""
    reply: str = ""
    only: str = ""
    messages: list[tuple[list[str], bytes]] = field(default_factory=list)

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.phase == "mail":
            return self.reply
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.phase == "rcpt" and (not self.only or address == self.only):
            return self.reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.phase == "data":
            return self.reply
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


class _GreetingRefused(SMTP):
    """Answers the connection with 421 instead of 220, as a relay that is shutting down."""

    async def push(self, status: str) -> None:
        if status.startswith("220 ") and not getattr(self, "_refused_once", False):
            self._refused_once = True
            await super().push("421 4.3.2 Service not available, closing channel")
            self.transport.close()
            return
        await super().push(status)


class _RefusingController(Controller):
    def factory(self) -> SMTP:
        return _GreetingRefused(self.handler, **self.SMTP_kwargs)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _auth(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"jo", b"s3cret")
    return AuthResult(success=ok, handled=False)  # aiosmtpd answers 535 itself


@pytest.fixture
def relay() -> Iterator[tuple[Controller, FailingRelay]]:
    handler = FailingRelay()
    controller = Controller(
        handler, hostname="127.0.0.1", port=_free_port(), authenticator=_auth,
        auth_require_tls=False,
    )  # fmt: skip
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


def _event(ctx: AppContext, port: int, username: str = "") -> str:
    event = ctx.events.create_event(
        NewEvent(name="CeMAT", timezone="Europe/Berlin", country="DE", venue="Hannover",
                 starts_on=SHOW_DAY, ends_on=SHOW_DAY)
    )  # fmt: skip
    section = {
        "sender": {
            "company": "Acme Booth",
            "address": "Acme Booth GmbH, Hafenstr. 1, 20457 Hamburg, Germany",
            "unsubscribe_mailto": "unsubscribe@booth.example.com",
        },
        "smtp": {"host": "127.0.0.1", "port": port, "security": "none", "from": FROM,
                 "username": username, "per_minute_limit": 600,
                 "per_domain_per_minute": 600},
    }  # fmt: skip
    ctx.configs.save(event.id, ctx.configs.get(event.id).edited(followups=section))
    for i, address in enumerate(ADDRESSES):
        lead = ctx.leads.save_lead(
            LeadDraft(
                event_id=event.id,
                contact=Contact(first_name=NAMES[i], last_name="Becker", email=address,
                                phone="+49 30 1234567", company=f"Acme {i}", country="DE",
                                timezone="Europe/Berlin"),
                rating=Rating.COLD, rating_overridden=True, consent_given=True,
                consent_text="You may email me.", owner="Jo Lee",
            )
        )  # fmt: skip
        with ctx.db.session() as s:
            row = s.get(LeadRow, lead.id)
            assert row is not None
            row.created_at = CAPTURED
    ctx.followups.plan(event.id, CAPTURED, replan=True)  # the save planned at today's clock
    return event.id


def _snapshot(cli: Any) -> list[dict[str, Any]]:
    listed = cli("followups", "list", "--event", "CeMAT", "--format", "json")
    return sorted(map(json.loads, listed.lines), key=lambda r: r["touch_id"])


def _send(cli: Any) -> Any:
    return cli("followups", "send", "--event", "CeMAT", "--now", SEND_AT.isoformat())


def test_550_at_rcpt_for_one_address_among_ten_bounces_only_that_lead(
    relay: tuple[Controller, FailingRelay], data_dir: Path, cli: Any
) -> None:
    controller, handler = relay
    handler.phase, handler.reply, handler.only = "rcpt", "550 5.1.1 No such user", ADDRESSES[3]
    ctx = build_context(str(data_dir))
    try:
        _event(ctx, controller.port)
    finally:
        ctx.close()
    run = _send(cli)
    assert run.code == 1  # a bounce needs a person: fix the address
    assert "9 sent, 1 bounced" in run.out
    assert "RCPT: 550 5.1.1 No such user" in run.err and ADDRESSES[3] in run.err
    assert sorted(r[0] for r, _ in handler.messages) == sorted(
        a for a in ADDRESSES if a != ADDRESSES[3]
    )
    rows = _snapshot(cli)
    failed = [r for r in rows if r["state"] == "failed"]
    assert len(failed) == 1 and "bounced" in failed[0]["reason"]
    sent = [r for r in rows if r["state"] == "sent"]
    assert len(sent) == 9


@pytest.mark.parametrize(
    ("phase", "reply", "said"),
    [
        ("data", "500 5.0.0 Mailbox handler failed", "DATA: 500 5.0.0 Mailbox handler failed"),
        ("data", "554 5.7.1 Message rejected as spam", "DATA: 554 5.7.1"),
        ("mail", "553 5.7.1 Sender not allowed", "MAIL: 553 5.7.1"),
        ("rcpt", "554 5.7.1 Relay access denied", "RCPT: 554 5.7.1 Relay access denied"),
    ],
)
def test_server_level_refusals_stop_the_run_and_change_nothing(
    relay: tuple[Controller, FailingRelay],
    data_dir: Path,
    cli: Any,
    phase: str,
    reply: str,
    said: str,
) -> None:
    controller, handler = relay
    handler.phase, handler.reply = phase, reply
    ctx = build_context(str(data_dir))
    try:
        _event(ctx, controller.port)
    finally:
        ctx.close()
    before = _snapshot(cli)
    run = _send(cli)
    assert run.code != 0
    assert said in run.err and "stopped" in run.err
    assert "0 sent, 0 bounced" in run.out
    assert handler.messages == []
    assert _snapshot(cli) == before  # no touch changed state, reason, due time or owner


def test_421_at_connect_stops_the_run_and_changes_nothing(data_dir: Path, cli: Any) -> None:
    handler = FailingRelay()
    controller = _RefusingController(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        ctx = build_context(str(data_dir))
        try:
            _event(ctx, controller.port)
        finally:
            ctx.close()
        before = _snapshot(cli)
        run = _send(cli)
    finally:
        controller.stop()
    assert run.code != 0
    assert "CONNECT: 421 4.3.2" in run.err and "try again later" in run.err
    assert _snapshot(cli) == before


def test_535_at_auth_stops_the_run_and_changes_nothing(
    relay: tuple[Controller, FailingRelay],
    data_dir: Path,
    cli: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    controller, handler = relay
    ctx = build_context(str(data_dir))
    try:
        _event(ctx, controller.port, username="jo")
    finally:
        ctx.close()
    before = _snapshot(cli)
    monkeypatch.setenv("BOOTHAPP_SMTP_PASSWORD", "wrong")
    run = _send(cli)
    assert run.code != 0 and "AUTH: 535" in run.err and "fix it" in run.err
    assert _snapshot(cli) == before and handler.messages == []
    monkeypatch.setenv("BOOTHAPP_SMTP_PASSWORD", "s3cret")
    assert _send(cli).code == 0 and len(handler.messages) == 10


def test_4xx_defers_only_that_touch_with_backoff_and_the_run_goes_on(
    relay: tuple[Controller, FailingRelay], data_dir: Path, cli: Any
) -> None:
    controller, handler = relay
    handler.phase, handler.reply, handler.only = "rcpt", "451 4.3.0 Greylisted", ADDRESSES[0]
    ctx = build_context(str(data_dir))
    try:
        _event(ctx, controller.port)
    finally:
        ctx.close()
    run = _send(cli)
    assert "9 sent" in run.out and "1 deferred" in run.out and run.code == 1
    deferred = [r for r in _snapshot(cli) if "deferred" in r["reason"]]
    assert len(deferred) == 1 and deferred[0]["state"] == "planned"
    assert "RCPT: 451 4.3.0 Greylisted" in deferred[0]["reason"]
    due = datetime.fromisoformat(deferred[0]["due"]).astimezone(UTC)
    assert due >= SEND_AT.replace(minute=15)  # 15 min backoff after the first try
