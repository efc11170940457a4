"""At start, an encrypted database whose key this computer lacks (issue #18): the manager
types the recovery key into the dialog; a wrong one is said in the dialog and stores nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt

from boothapp.app import build_context
from boothapp.paths import resolve_paths
from boothapp.secrets import SecretStore
from boothapp.services.events import NewEvent
from boothapp.store.errors import DatabaseKeyMissingError
from boothapp.store.keys import DatabaseKey, KeyStore, restore_key
from boothapp.ui.restore_key_dialog import RestoreKeyDialog


def test_the_recovery_key_typed_in_the_dialog_opens_the_database(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = tmp_path / "first"
    ctx = build_context(str(first))
    ctx.events.create_event(NewEvent(name="Key Expo"))
    assert ctx.db_key is not None
    recovery = ctx.db_key.recovery_text
    ctx.close()
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(first / "boothapp.db", other / "boothapp.db")
    try:
        build_context(str(other))
        raise AssertionError("opened without a key")
    except DatabaseKeyMissingError as exc:
        message = str(exc)
    paths = resolve_paths(str(other))
    keys = KeyStore(SecretStore(paths.secrets_file))
    db_file = other / "boothapp.db"

    dialog = RestoreKeyDialog(message, lambda text: restore_key(keys, db_file, text))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.key, DatabaseKey.generate().recovery_text)
    qtbot.keyClick(dialog.key, Qt.Key.Key_Return)
    assert "wrong database key" in dialog.error.text()
    assert dialog.isVisible() and keys.get() is None
    dialog.key.clear()
    qtbot.keyClicks(dialog.key, recovery)
    with qtbot.waitSignal(dialog.accepted, timeout=5_000):
        qtbot.keyClick(dialog.key, Qt.Key.Key_Return)
    reopened = build_context(str(other))
    try:
        assert [e.name for e in reopened.events.list_events()] == ["Key Expo"]
    finally:
        reopened.close()
