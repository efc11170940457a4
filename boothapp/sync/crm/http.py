"""The HTTP plumbing shared by the adapters: one session, transport errors become CrmError."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from boothapp.sync.crm.base import CrmAuthError, CrmRejected, CrmUnavailable

if TYPE_CHECKING:
    import requests


class HttpClient:
    def __init__(self, base_url: str, headers: dict[str, str], timeout_s: float = 30.0) -> None:
        # Imported here, when a CRM is first called: ~0.1 s of every start otherwise (#23).
        import requests

        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.session = requests.Session()
        self.session.headers.update(headers)

    def request(self, method: str, path: str, body: Any = None) -> requests.Response:
        import requests

        try:
            return self.session.request(
                method, self.base_url + path, json=body, timeout=self.timeout_s
            )
        except requests.Timeout as exc:
            # The CRM may have applied the request; the retry is safe because it is an upsert.
            raise CrmUnavailable(f"no reply within {self.timeout_s:g} s") from exc
        except requests.ConnectionError as exc:
            raise CrmUnavailable(f"connection failed: {exc.__class__.__name__}") from exc

    def close(self) -> None:
        self.session.close()


def json_or_none(resp: requests.Response) -> Any:
    try:
        return resp.json()
    except ValueError:
        return None


def raise_for_common(resp: requests.Response, crm: str) -> None:
    """5xx -> transient, 401 -> auth, other 4xx -> rejected; callers handle throttling first."""
    if resp.status_code >= 500:
        raise CrmUnavailable(f"{crm} answered {resp.status_code}", http_status=resp.status_code)
    if resp.status_code == 401:
        raise CrmAuthError(
            f"{crm} refused the credentials (401): reconnect the account",
            http_status=401,
        )
    if resp.status_code >= 400:
        raise CrmRejected(
            f"{crm} rejected the request ({resp.status_code}): {resp.text[:300]}",
            http_status=resp.status_code,
        )
