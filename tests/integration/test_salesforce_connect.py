"""Connecting an event to Salesforce as a desktop user does: OAuth 2.0 web-server flow with PKCE
in the browser, tokens into the keyring, the org's instance address into the settings, and the
session renewed with the refresh token when it expires (401 INVALID_SESSION_ID).

The Salesforce side is the loopback fake that follows the published behaviour (CRM.md §2.2):
``/services/oauth2/authorize`` checks the S256 challenge and redirects to the app's loopback
``redirect_uri``; ``/services/oauth2/token`` checks the verifier and renews with refresh tokens.
The "browser" is ``requests.get``, which follows the redirect to the app's listener.
"""

from __future__ import annotations

import pytest
import requests

from boothapp.app import AppContext
from boothapp.core.models import Contact
from boothapp.services.errors import ValidationError
from boothapp.services.events import NewEvent
from boothapp.services.leads import LeadDraft
from boothapp.sync.engine import EngineConfig, StopReason
from boothapp.sync.settings import CrmSettings
from tests.integration.fakes.common import FakeServer
from tests.integration.fakes.salesforce_server import SalesforceFake

pytestmark = pytest.mark.integration

FAST = EngineConfig(base_delay_s=0.05, max_delay_s=0.2, breaker_threshold=50)


def browser(url: str) -> None:
    requests.get(url, timeout=5)  # follows the 302 to BoothApp's loopback listener


def _lead(ctx: AppContext, event_id: str, name: str) -> str:
    contact = Contact(first_name=name, last_name="Lovelace", company="Analytical",
                      email=f"{name.lower()}@example.com")  # fmt: skip
    return ctx.leads.save_lead(LeadDraft(event_id, contact)).id


def test_connect_sync_and_renew_an_expired_session(ctx: AppContext) -> None:
    fake = SalesforceFake(tokens=set())  # no session exists until the user signs in
    event_id = ctx.events.create_event(NewEvent(name="SF Connect")).id
    with FakeServer(fake) as server:
        ctx.sync.configure(
            event_id,
            CrmSettings("salesforce", server.url, client_id=fake.client_id, login_url=server.url),
        )
        check = ctx.sync.test_connection(event_id)
        assert not check.ok and "Salesforce is not connected yet" in check.message

        result = ctx.sync.connect_salesforce(event_id, browser, timeout_s=10)
        assert result.ok and server.url in result.message
        status = ctx.sync.status(event_id)
        assert set(status.secrets_set) == {"access_token", "refresh_token"}  # in the keyring
        assert "access_token" not in str(ctx.configs.get(event_id).crm)  # never the config
        assert ctx.sync.test_connection(event_id).ok

        first = [_lead(ctx, event_id, f"Ada{i}") for i in range(3)]
        assert ctx.sync.run(event_id, engine_config=FAST, max_seconds=30).ok
        old_token = ctx.sync._secret(event_id, "salesforce", "access_token")

        fake.expire_tokens()  # the session times out while the app is open
        second = [_lead(ctx, event_id, f"Bea{i}") for i in range(2)]
        summary = ctx.sync.run(event_id, engine_config=FAST, max_seconds=30)
        assert summary.ok, summary.message
        assert ctx.sync._secret(event_id, "salesforce", "access_token") != old_token
        assert ctx.sync.pull_back(event_id).checked == 5  # the puller uses the new session
    assert set(fake.leads_by_external_id()) == set(first + second)


def test_a_revoked_refresh_token_asks_to_connect_again(ctx: AppContext) -> None:
    fake = SalesforceFake(tokens=set())
    event_id = ctx.events.create_event(NewEvent(name="SF Revoked")).id
    with FakeServer(fake) as server:
        ctx.sync.configure(
            event_id,
            CrmSettings("salesforce", server.url, client_id=fake.client_id, login_url=server.url),
        )
        ctx.sync.connect_salesforce(event_id, browser, timeout_s=10)
        fake.expire_tokens()
        fake._refresh.clear()  # an admin revoked the app's access
        lead_id = _lead(ctx, event_id, "Cy")
        summary = ctx.sync.run(event_id, engine_config=FAST, max_seconds=30)
    assert summary.stopped == StopReason.AUTH
    assert "connect Salesforce again" in summary.message
    assert ctx.sync.outbox.items(state=None) and fake.leads_by_external_id()[lead_id] == 0


def test_sign_in_that_never_comes_back_times_out(ctx: AppContext) -> None:
    fake = SalesforceFake(tokens=set())
    event_id = ctx.events.create_event(NewEvent(name="SF Timeout")).id
    with FakeServer(fake) as server:
        ctx.sync.configure(
            event_id,
            CrmSettings("salesforce", server.url, client_id="not-our-app", login_url=server.url),
        )
        # Salesforce shows its error page for an unknown app; nothing comes back to us.
        with pytest.raises(ValidationError, match="timed out"):
            ctx.sync.connect_salesforce(event_id, browser, timeout_s=1)
    assert ctx.sync.status(event_id).secrets_set == ()


def test_connect_from_the_command_line(cli, monkeypatch, data_dir) -> None:  # type: ignore[no-untyped-def]
    fake = SalesforceFake(tokens=set())
    opened: list[str] = []

    def fake_open(url: str) -> bool:
        opened.append(url)
        browser(url)
        return True

    monkeypatch.setattr("webbrowser.open", fake_open)
    assert cli("event", "create", "--name", "SF CLI").code == 0
    with FakeServer(fake) as server:
        out = cli(
            "sync", "configure", "--event", "SF CLI", "--crm", "salesforce", "--url", server.url,
            "--client-id", fake.client_id, "--login-url", server.url,
        )  # fmt: skip
        assert out.code == 0 and "now sign in: boothapp sync connect" in out.out
        out = cli("sync", "connect", "--event", "SF CLI")
    assert out.code == 0, out.err
    assert "Salesforce connected" in out.out and "code_challenge_method=S256" in opened[0]
    # The callback a connected app registers: fixed, like the Salesforce CLI's.
    assert "redirect_uri=http%3A%2F%2Flocalhost%3A1717%2FOauthRedirect" in opened[0]
