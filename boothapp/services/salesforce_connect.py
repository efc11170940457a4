"""Connect an event to Salesforce the way a desktop app should: OAuth 2.0 web-server flow with
PKCE in the user's browser, no client secret, tokens into the keyring (never the config).

``connect`` blocks until the browser comes back to the loopback listener (or the timeout): call
it from a worker thread or the CLI. ``renewer`` gives the adapter and the puller a way to buy a
new access token with the refresh token when Salesforce answers 401 (sessions expire).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from boothapp.core.i18n import _
from boothapp.services.errors import ValidationError
from boothapp.sync.credentials import SecretStore
from boothapp.sync.crm import salesforce_oauth as oauth
from boothapp.sync.crm.base import CrmAuthError
from boothapp.sync.settings import CrmSettings

log = logging.getLogger(__name__)

OpenBrowser = Callable[[str], object]


def login_url_of(settings: CrmSettings) -> str:
    return settings.login_url or oauth.DEFAULT_LOGIN


def connect(
    settings: CrmSettings, open_browser: OpenBrowser, timeout_s: float = 300.0
) -> oauth.Tokens:
    """Sign in in the browser; returns the tokens (the caller stores them)."""
    if settings.name != "salesforce":
        raise ValidationError("only Salesforce signs in through the browser")
    if not settings.client_id:
        raise ValidationError(
            _("Salesforce: the connected app's consumer key (client id) is not set")
        )
    login = login_url_of(settings)
    pkce = oauth.Pkce.new()
    state = secrets.token_urlsafe(24)
    try:
        receiver = oauth.LoopbackReceiver(
            oauth.REDIRECT_PATH,
            settings.redirect_port,
            oauth.REDIRECT_HOST if settings.redirect_port else "127.0.0.1",
        )
    except oauth.OAuthError as exc:
        raise ValidationError(str(exc)) from None
    try:
        url = oauth.authorize_url(login, settings.client_id, receiver.redirect_uri, pkce, state)
        open_browser(url)
        code = receiver.wait(timeout_s, state)
        tokens = oauth.exchange_code(login, settings.client_id, code, receiver.redirect_uri, pkce)
    except oauth.OAuthError as exc:
        raise ValidationError(str(exc)) from None
    finally:
        receiver.close()
    log.info("Salesforce connected (instance %s)", tokens.instance_url)
    return tokens


def renewer(
    settings: CrmSettings, store: SecretStore, key_prefix: str, refresh_token: str
) -> Callable[[], str] | None:
    """A callable that renews and stores the access token, or None when it cannot."""
    if not (settings.client_id and refresh_token):
        return None

    def renew() -> str:
        try:
            tokens = oauth.refresh(login_url_of(settings), settings.client_id, refresh_token)
        except oauth.OAuthError as exc:
            raise CrmAuthError(
                f"{exc}: connect Salesforce again on the CRM sync page", http_status=401
            ) from None
        store.set_secret("salesforce", f"{key_prefix}:access_token", tokens.access_token)
        log.info("Salesforce session renewed")
        return tokens.access_token

    return renew
