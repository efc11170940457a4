"""SMTP sending against a real aiosmtpd server on 127.0.0.1 started by the test."""

from __future__ import annotations

import email
import socket
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from boothapp.core.messages.render import Link, MessageContext, render_message
from boothapp.sync.mail import (
    MailError,
    Pacer,
    SmtpSecurity,
    SmtpSender,
    SmtpSettings,
    build_message,
    message_id_for,
)

pytestmark = pytest.mark.integration

FROM = "jo@booth.example.com"


@dataclass
class Recorder:
    """Keeps what the server accepted; refuses some recipients like a real MTA would."""

    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user"
        if address.startswith("busy@"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"jo", b"s3cret")
    # handled=False: aiosmtpd then answers 535 itself instead of staying silent.
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp_server() -> Iterator[tuple[Controller, Recorder]]:
    recorder = Recorder()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=_free_port(),
        authenticator=_authenticator,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield controller, recorder
    finally:
        controller.stop()


def settings_for(controller: Controller, **overrides: Any) -> SmtpSettings:
    values: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": controller.port,
        "security": SmtpSecurity.NONE,
        "username": "",
        "from_addr": FROM,
        "per_minute_limit": 100,
        "from_name": "Jo Lee",
    }
    values.update(overrides)
    return SmtpSettings(**values)


def follow_up(to: str, touch_id: str = "touch-1", first_name: str = "Ayşe") -> EmailMessage:
    ctx = MessageContext(
        first_name=first_name,
        company="Acme Makina",
        interests=("Badge scanners",),
        literature=(Link("Brochure", "https://example.com/b.pdf"),),
        staff_name="Jo Lee",
        event_name="CeMAT",
        unsubscribe_url="https://booth.example.com/u/t1",
    )
    rendered = render_message("nurture_1", "en", ctx)
    return build_message(
        rendered,
        to,
        "https://booth.example.com/u/t1",
        message_id_for(touch_id, FROM),
        from_addr=FROM,
        from_name="Jo Lee",
    )


def parsed(raw: bytes) -> EmailMessage:
    msg = email.message_from_bytes(raw, policy=default_policy)
    assert isinstance(msg, EmailMessage)
    return msg


def test_message_arrives_with_both_parts_headers_and_personalisation(
    smtp_server: tuple[Controller, Recorder],
) -> None:
    controller, recorder = smtp_server
    msg = follow_up("ayse@acme.example")
    with SmtpSender(settings_for(controller)) as sender:
        result = sender.send(msg)
    assert result.message_id == "<followup.touch-1@booth.example.com>"
    assert len(recorder.messages) == 1
    mail_from, rcpts, raw = recorder.messages[0]
    assert mail_from == FROM
    assert rcpts == ["ayse@acme.example"]
    got = parsed(raw)
    assert got["Message-ID"] == "<followup.touch-1@booth.example.com>"
    assert got["Subject"] == "Your information pack from CeMAT"
    assert got["From"] == "Jo Lee <jo@booth.example.com>"
    assert got["List-Unsubscribe"] == "<https://booth.example.com/u/t1>"
    assert got["Content-Language"]  # survives set_content (it used to be dropped)
    assert got["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert got.get_content_type() == "multipart/alternative"
    text = got.get_body(("plain",))
    html = got.get_body(("html",))
    assert text is not None and html is not None
    assert text.get_content().startswith("Dear Ayşe,")
    assert '<a href="https://example.com/b.pdf">Brochure</a>' in html.get_content()


def test_html_part_escapes_lead_data(smtp_server: tuple[Controller, Recorder]) -> None:
    controller, recorder = smtp_server
    with SmtpSender(settings_for(controller)) as sender:
        sender.send(follow_up("x@acme.example", first_name="<script>x</script>"))
    html = parsed(recorder.messages[0][2]).get_body(("html",))
    assert html is not None
    assert "<script>" not in html.get_content()
    assert "&lt;script&gt;" in html.get_content()


def test_same_touch_gives_the_same_message_id() -> None:
    a = follow_up("ayse@acme.example", "touch-7")
    b = follow_up("ayse@acme.example", "touch-7")
    assert a["Message-ID"] == b["Message-ID"] == message_id_for("touch-7", FROM)
    assert message_id_for("touch-8", FROM) != a["Message-ID"]


def test_login_and_several_sends_on_one_connection(
    smtp_server: tuple[Controller, Recorder],
) -> None:
    controller, recorder = smtp_server
    with SmtpSender(settings_for(controller, username="jo"), password="s3cret") as sender:
        for i in range(3):
            sender.send(follow_up(f"lead{i}@acme.example", f"touch-{i}"))
    assert [m[1] for m in recorder.messages] == [[f"lead{i}@acme.example"] for i in range(3)]


def test_wrong_password_is_a_permanent_error(smtp_server: tuple[Controller, Recorder]) -> None:
    controller, recorder = smtp_server
    with (
        SmtpSender(settings_for(controller, username="jo"), password="wrong") as sender,
        pytest.raises(MailError) as info,
    ):
        sender.send(follow_up("a@acme.example"))
    assert not info.value.transient
    assert info.value.code == 535
    assert recorder.messages == []


def test_5xx_recipient_is_a_permanent_mail_error(smtp_server: tuple[Controller, Recorder]) -> None:
    controller, recorder = smtp_server
    with SmtpSender(settings_for(controller)) as sender, pytest.raises(MailError) as info:
        sender.send(follow_up("nobody@acme.example"))
    assert info.value.transient is False
    assert info.value.code == 550
    assert "No such user" in str(info.value)
    assert recorder.messages == []


def test_4xx_recipient_is_transient(smtp_server: tuple[Controller, Recorder]) -> None:
    controller, _ = smtp_server
    with SmtpSender(settings_for(controller)) as sender, pytest.raises(MailError) as info:
        sender.send(follow_up("busy@acme.example"))
    assert info.value.transient is True
    assert info.value.code == 451


def test_connection_refused_is_transient() -> None:
    settings = SmtpSettings("127.0.0.1", _free_port(), SmtpSecurity.NONE, "", FROM, timeout_s=3)
    with SmtpSender(settings) as sender, pytest.raises(MailError) as info:
        sender.send(follow_up("a@acme.example"))
    assert info.value.transient is True
    assert "cannot reach" in str(info.value)


def test_sender_reconnects_after_the_server_restarts() -> None:
    recorder = Recorder()
    port = _free_port()
    first = Controller(recorder, hostname="127.0.0.1", port=port)
    first.start()
    sender = SmtpSender(settings_for(first))
    try:
        sender.send(follow_up("a@acme.example", "t-a"))
    finally:
        first.stop()
    second = Controller(recorder, hostname="127.0.0.1", port=port)
    second.start()
    try:
        sender.send(follow_up("b@acme.example", "t-b"))
        sender.close()
    finally:
        second.stop()
    assert [m[1] for m in recorder.messages] == [["a@acme.example"], ["b@acme.example"]]


def test_pacing_spaces_sends_evenly_overall_and_per_domain(
    smtp_server: tuple[Controller, Recorder],
) -> None:
    controller, recorder = smtp_server
    clock = [1000.0]
    stamps: list[float] = []

    def sleep(seconds: float) -> None:
        clock[0] += seconds

    pacer = Pacer(6, 2, clock=lambda: clock[0], sleep=sleep)
    with SmtpSender(settings_for(controller), pacer=pacer) as sender:
        for i, domain in enumerate(["a.example", "a.example", "b.example", "c.example"]):
            sender.send(follow_up(f"l{i}@{domain}", f"t-{i}"))
            stamps.append(clock[0])
    assert len(recorder.messages) == 4
    # 6 a minute overall: 10 s apart; 2 a minute into one domain: 30 s apart.
    assert stamps[1] - stamps[0] == pytest.approx(30.0)
    assert stamps[2] - stamps[1] == pytest.approx(10.0)
    assert stamps[3] - stamps[2] == pytest.approx(10.0)


def test_bad_addresses_are_refused_before_sending() -> None:
    rendered = render_message("thank_you", "en", MessageContext())
    with pytest.raises(ValueError, match="recipient"):
        build_message(rendered, "not-an-address", "", "<a@b.c>", from_addr=FROM)
    with pytest.raises(ValueError, match="recipient"):
        build_message(rendered, "a@b.com\r\nBcc: x@y.z", "", "<a@b.c>", from_addr=FROM)
    with pytest.raises(ValueError, match="touch id"):
        message_id_for("touch 1>", FROM)
    msg = build_message(
        rendered, "a@b.com", "", "<a@b.c>", from_addr=FROM, unsubscribe_mailto="mailto:u@b.com"
    )
    # Every mail, a thank-you too, carries List-Unsubscribe; one-click only with a URL.
    assert msg["List-Unsubscribe"] == "<mailto:u@b.com>"
    assert "List-Unsubscribe-Post" not in msg


@pytest.fixture
def tls_files(tmp_path: Path) -> tuple[Path, Path]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def test_starttls_with_a_trusted_certificate(tls_files: tuple[Path, Path]) -> None:
    cert, key = tls_files
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    recorder = Recorder()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=_free_port(),
        tls_context=server_ctx,
        require_starttls=True,
    )
    controller.start()
    try:
        client_ctx = ssl.create_default_context(cafile=str(cert))
        settings = settings_for(controller, security=SmtpSecurity.STARTTLS)
        with SmtpSender(settings, ssl_context=client_ctx) as sender:
            sender.send(follow_up("a@acme.example"))
        assert len(recorder.messages) == 1
        # An untrusted certificate is a configuration problem, not a retry.
        with SmtpSender(settings) as sender, pytest.raises(MailError) as info:
            sender.send(follow_up("b@acme.example"))
        assert info.value.transient is False
    finally:
        controller.stop()


def test_implicit_tls_port(tls_files: tuple[Path, Path]) -> None:
    cert, key = tls_files
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    recorder = Recorder()
    controller = Controller(
        recorder, hostname="127.0.0.1", port=_free_port(), ssl_context=server_ctx
    )
    controller.start()
    try:
        settings = settings_for(controller, security=SmtpSecurity.SSL)
        client_ctx = ssl.create_default_context(cafile=str(cert))
        with SmtpSender(settings, ssl_context=client_ctx) as sender:
            sender.send(follow_up("a@acme.example"))
        assert recorder.messages[0][1] == ["a@acme.example"]
    finally:
        controller.stop()
