"""Salesforce OAuth 2.0 web-server flow with PKCE for a desktop app (CRM.md §2.2 Auth).

The app opens the authorize URL in the browser; Salesforce redirects to a one-shot listener on
``http://127.0.0.1:<port>/callback``; the code is exchanged with the PKCE verifier (no client
secret in a distributed desktop app); the refresh token goes to the keyring and later buys new
access tokens. Tokens are never logged.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

DEFAULT_LOGIN = "https://login.salesforce.com"
# The callback URL to register in the connected app (the Salesforce CLI's convention).
REDIRECT_PORT = 1717
REDIRECT_PATH = "/OauthRedirect"
REDIRECT_HOST = "localhost"


class OAuthError(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class Pkce:
    verifier: str
    challenge: str

    @classmethod
    def new(cls) -> Pkce:
        verifier = secrets.token_urlsafe(64)[:96]
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        return cls(verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii"))


@dataclass(frozen=True, slots=True)
class Tokens:
    access_token: str
    instance_url: str
    refresh_token: str = ""

    def __repr__(self) -> str:  # keep secrets out of logs and tracebacks
        return f"Tokens(instance_url={self.instance_url!r}, access_token=***, refresh_token=***)"


def authorize_url(
    login_url: str, client_id: str, redirect_uri: str, pkce: Pkce, state: str, scope: str = ""
) -> str:
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "code_challenge": pkce.challenge,
        "code_challenge_method": "S256",
        "state": state,
    }
    if scope:
        query["scope"] = scope
    return f"{login_url.rstrip('/')}/services/oauth2/authorize?{urllib.parse.urlencode(query)}"


class LoopbackReceiver:
    """A one-shot HTTP listener on 127.0.0.1 that catches the redirect's code and state."""

    def __init__(self, path: str = "/callback", port: int = 0, host: str = "127.0.0.1") -> None:
        """``port`` 0 takes any free port; a connected app registers one exact callback URL, so
        a real sign-in uses a fixed port (``REDIRECT_PORT``)."""
        receiver = self
        self.host = host
        self.path = path
        self.params: dict[str, str] = {}
        self._got = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return  # the query holds the code: never log it

            def do_GET(self) -> None:
                parsed = urllib.parse.urlsplit(self.path)
                if parsed.path != receiver.path:
                    self.send_response(404)
                    self.end_headers()
                    return
                receiver.params = {k: v[0] for k, v in urllib.parse.parse_qs(parsed.query).items()}
                page = b"<html><body>BoothApp is connected. You can close this tab.</body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)
                receiver._got.set()

        try:
            self.httpd = HTTPServer(("127.0.0.1", port), Handler)
        except OSError as exc:
            raise OAuthError(
                f"cannot listen on port {port} for the Salesforce sign-in ({exc.strerror}): "
                "close the program using it, or set crm.redirect_port"
            ) from None
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    @property
    def redirect_uri(self) -> str:
        return f"http://{self.host}:{self.httpd.server_address[1]}{self.path}"

    def wait(self, timeout_s: float, expected_state: str) -> str:
        try:
            if not self._got.wait(timeout_s):
                raise OAuthError("no answer from Salesforce sign-in (timed out)")
            if self.params.get("state") != expected_state:
                raise OAuthError("Salesforce sign-in answer does not match this request (state)")
            if "error" in self.params:
                why = self.params.get("error_description") or self.params["error"]
                raise OAuthError(f"Salesforce sign-in failed: {why}")
            code = self.params.get("code", "")
            if not code:
                raise OAuthError("Salesforce sign-in returned no code")
            return code
        finally:
            self.close()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _token_request(login_url: str, form: dict[str, str], timeout_s: float) -> dict[str, Any]:
    import requests  # when signing in, not at every start (~0.1 s, issue 23)

    try:
        resp = requests.post(
            f"{login_url.rstrip('/')}/services/oauth2/token", data=form, timeout=timeout_s
        )
    except requests.RequestException as exc:
        raise OAuthError(f"cannot reach Salesforce sign-in: {exc.__class__.__name__}") from exc
    body = (
        resp.json() if resp.headers.get("Content-Type", "").startswith("application/json") else {}
    )
    if resp.status_code != 200:
        why = body.get("error_description") or body.get("error") or resp.status_code
        raise OAuthError(f"Salesforce sign-in refused: {why}")
    return dict(body)


def exchange_code(
    login_url: str,
    client_id: str,
    code: str,
    redirect_uri: str,
    pkce: Pkce,
    timeout_s: float = 30.0,
) -> Tokens:
    body = _token_request(
        login_url,
        {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "code_verifier": pkce.verifier,
        },
        timeout_s,
    )
    return Tokens(body["access_token"], body["instance_url"], body.get("refresh_token", ""))


def refresh(login_url: str, client_id: str, refresh_token: str, timeout_s: float = 30.0) -> Tokens:
    body = _token_request(
        login_url,
        {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id},
        timeout_s,
    )
    return Tokens(body["access_token"], body["instance_url"], refresh_token)
