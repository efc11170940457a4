"""``followups.imap``: where to look for an interrupted follow-up in the Sent folder.

Checked on load so a typo gets its line number; the follow-up service builds the settings
from the same raw mapping (``followup_types.imap_settings_from``). No secrets here: the
password lives in the keyring.

    followups:
      imap:
        host: imap.gmail.com
        security: ssl            # ssl (default, port 993), starttls or none (port 143)
        username: jo@acme.com    # default: the SMTP username
        sent_folder: ""          # default: the folder the server marks \\Sent
        server_files_sent: true  # the server files every message it accepts in Sent
"""

from __future__ import annotations

from boothapp.core.config.source import Reader, join
from boothapp.core.i18n import N_

IMAP_KEYS = ("host", "port", "security", "username", "sent_folder", "server_files_sent")
IMAP_SECURITY = ("ssl", "starttls", "none")


def check_imap(r: Reader, followups: object) -> None:
    """Report problems in ``followups.imap`` (absent is fine: no Sent-folder lookup)."""
    if not isinstance(followups, dict) or followups.get("imap") is None:
        return
    path = "followups.imap"
    imap = r.mapping(followups["imap"], path, IMAP_KEYS, required=("host",))
    if imap is None:
        return
    if "host" in imap and not r.text(imap["host"], join(path, "host")).strip():
        r.problem(join(path, "host"), N_("must name the IMAP server, e.g. imap.gmail.com"))
    if "port" in imap:
        port = r.integer(imap["port"], join(path, "port"), 993)
        if not 0 < port < 65536:
            r.problem(join(path, "port"), N_("must be 1..65535, got {got}"), got=port)
    security = imap.get("security")
    if security is not None and security not in IMAP_SECURITY:
        r.problem(
            join(path, "security"),
            N_("must be one of {names}, got {got!r}"),
            names=", ".join(IMAP_SECURITY),
            got=security,
        )
    r.text(imap.get("username"), join(path, "username"))
    r.text(imap.get("sent_folder"), join(path, "sent_folder"))
    r.boolean(imap.get("server_files_sent"), join(path, "server_files_sent"))
