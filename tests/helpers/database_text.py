"""Every value in an app database, decrypted, as one text: for tests that check a secret or
an erased person is nowhere in it (the file on disk is encrypted, issue #18)."""

from __future__ import annotations

from pathlib import Path

from boothapp.store.keys import connect_file


def database_text(path: Path) -> str:
    con = connect_file(path, read_only=True)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return "\n".join(
            repr(row) for t in tables for row in con.execute(f'SELECT * FROM "{t}"').fetchall()
        )
    finally:
        con.close()
