"""Recognise handheld barcode scanners that type like a keyboard ("keyboard wedge").

USB and Bluetooth scanners send the payload as keystrokes, a few milliseconds apart, followed
by Enter (or Tab). ``KeyboardWedge`` tells such a burst from a person typing by its speed,
anywhere in the app: it watches whichever widget keys go to (the focus widget, else the active
window) and follows the focus as it moves.

Why not an application-wide event filter (issue 23): every event of every object then passed
this Python filter (each paint of each widget, each preview frame, each timer), so the GUI
thread needed the GIL for all of them and a paint waited behind whichever pool thread held it.
Keys only ever go to the focus widget (or the active window when nothing has focus), so
watching that one widget sees every key a scanner types and few other events.

Choice: keystrokes are **withheld, then replayed if they turn out to be typing**. Each
printable key press is held back for at most ``max_gap_ms``; if the next key does not follow
that fast, the held keys are delivered to the widget they were meant for (a 30 ms delay nobody
notices). A fast burst of at least ``min_chars`` ended by a terminator is a scan: the keys are
never delivered, so no text field, ``textChanged`` handler or default button (Enter) sees a
half-typed badge. Removing text after the fact would instead fire those handlers with the
payload first.

A lost Enter (issue 15): a scanner whose suffix was not recognised used to leave its burst to
be replayed as typing, into whatever field had focus. Now a burst of ``min_chars`` or more at
scanner speed that simply stops is a scan too, decided after ``lost_terminator_ms`` of quiet;
a terminator arriving late after that is swallowed, so it cannot press Save on the form.

Limits: only printable keys without Ctrl/Alt/Meta are held back; replayed keys skip Qt's
shortcut matching (single-letter shortcuts still work when typed slowly only after the gap).
Keys typed into an open popup menu or a keyboard grabber are not watched.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

DEFAULT_TERMINATORS = frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab})
MODIFIER_KEYS = frozenset(
    {
        Qt.Key.Key_Shift,
        Qt.Key.Key_Control,
        Qt.Key.Key_Alt,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_Meta,
        Qt.Key.Key_CapsLock,
    }
)
# Shift makes capitals and keypad digits come from the number block: both are scanner typing.
TYPING_MODIFIERS = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier


@dataclass(frozen=True, slots=True)
class WedgeSettings:
    min_chars: int = 4  # shorter bursts are people (or key repeat), not badges
    max_gap_ms: int = 30  # scanners type every 1-15 ms; people rarely under 50 ms
    terminators: frozenset[Qt.Key] = field(default=DEFAULT_TERMINATORS)
    # True: a fast burst must end in a terminator or in ``lost_terminator_ms`` of quiet; False:
    # any fast burst is a scan as soon as the keys stop (scanners set up to send no suffix).
    require_terminator: bool = True
    # Quiet after a fast burst that means "the Enter got lost": still a scan. None hands such
    # a burst back as typing (the behaviour before issue 15).
    lost_terminator_ms: int | None = 60


@dataclass(slots=True)
class _HeldKey:
    receiver: QWidget
    key: int
    modifiers: Qt.KeyboardModifier
    text: str


def _modifiers_of(event: QKeyEvent) -> Qt.KeyboardModifier:
    return Qt.KeyboardModifier(event.modifiers())


class KeyboardWedge(QObject):
    """Emits ``scanned(payload)`` on the GUI thread for each handheld-scanner burst."""

    scanned = Signal(str)

    def __init__(
        self,
        settings: WedgeSettings | None = None,
        parent: QObject | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.settings = settings or WedgeSettings()
        self._clock = clock
        self._held: list[_HeldKey] = []
        self._last_key_at = 0.0
        self._replaying = False
        self._enabled = True
        self._passed: tuple[int, int, int, QWidget] | None = None
        self._gap_timer = QTimer(self)
        self._gap_timer.setSingleShot(True)
        self._gap_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._gap_timer.timeout.connect(self._on_gap)
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.timeout.connect(self._on_idle)
        self._swallow_until = 0.0  # a late terminator after a recovered burst is eaten
        self._app: QApplication | None = None  # installed on this application's focus
        self._watched: QWidget | None = None  # the widget keys go to, filtered

    # -- public ---------------------------------------------------------------------------

    def install(self, app: QCoreApplication | None = None) -> None:
        """Watch the keys of ``app`` (the running application by default), wherever the
        focus is now and moves to later."""
        target = app or QCoreApplication.instance()
        if not isinstance(target, QApplication):
            raise RuntimeError("KeyboardWedge needs a QApplication")
        if self._app is not None:
            return  # installed already
        self._app = target
        target.focusChanged.connect(self._follow_focus)
        # Nothing focused: keys go to the active window itself, which focusChanged misses.
        target.focusWindowChanged.connect(self._follow_focus)
        self._follow_focus()

    def uninstall(self, app: QCoreApplication | None = None) -> None:
        self._release_held()
        if self._app is None:
            return
        self._app.focusChanged.disconnect(self._follow_focus)
        self._app.focusWindowChanged.disconnect(self._follow_focus)
        self._app = None
        self._watch(None)

    @property
    def watched(self) -> QWidget | None:
        """The widget whose keys are watched now (the focus widget or the active window)."""
        if self._watched is not None and not shiboken6.isValid(self._watched):
            self._watched = None
        return self._watched

    @property
    def enabled(self) -> bool:
        return self._enabled

    def set_enabled(self, enabled: bool) -> None:
        if not enabled:
            self._release_held()
        self._enabled = enabled

    # -- following the focus --------------------------------------------------------------

    def _follow_focus(self, *_changed: object) -> None:
        # Where Qt sends a key: the focus widget, else the active window (QWidgetWindow).
        self._watch(QApplication.focusWidget() or QApplication.activeWindow())

    def _watch(self, widget: QWidget | None) -> None:
        current = self.watched
        if widget is current:
            return
        if current is not None:
            current.removeEventFilter(self)
        self._watched = widget
        if widget is not None:
            widget.installEventFilter(self)

    # -- the filter -----------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Every event of the watched widget passes here (its paints; the preview's frames
        # while the camera view has the focus): the type check first, as ``isinstance``
        # (~0.1 us), since ``type()`` builds a Python enum (~1.5 us a call; issue 23).
        if not isinstance(event, QKeyEvent):
            return False
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        # Replayed keys are typing already; only widgets take keys.
        if self._replaying or not self._enabled or not isinstance(watched, QWidget):
            return False
        if kind == QEvent.Type.KeyRelease:
            # While keys are held back, so are their releases (replay sends both).
            return bool(self._held)
        if self._is_propagation(event, watched):
            return False
        return self._on_press(event, watched)

    def _on_press(self, event: QKeyEvent, receiver: QWidget) -> bool:
        now = self._clock()
        key = Qt.Key(event.key())
        modifiers = _modifiers_of(event)
        if self._held and (now - self._last_key_at) * 1000.0 > self.settings.max_gap_ms:
            # The burst is over (its timer may not have run on a busy GUI): decide now.
            long_enough = len(self._held) >= self.settings.min_chars
            if long_enough and key in self.settings.terminators:
                self._finish_scan()  # its Enter, only late
                return True
            if long_enough and (
                not self.settings.require_terminator or self.settings.lost_terminator_ms is not None
            ):
                self._finish_scan()
            else:
                self._release_held()
        if key in MODIFIER_KEYS:
            return self._pass(event, receiver)  # scanners press Shift for capitals
        if event.isAutoRepeat():
            # A held-down key repeats every 20-40 ms: fast, but a person, never a scanner.
            self._release_held()
            return self._pass(event, receiver)
        if key in self.settings.terminators and not (modifiers & ~TYPING_MODIFIERS):
            if not self._held and now < self._swallow_until:
                self._swallow_until = 0.0
                return True  # the recovered burst's Enter, late: it must not press Save
            if len(self._held) >= self.settings.min_chars:
                self._finish_scan()
                return True
            self._release_held()
            return self._pass(event, receiver)
        text = event.text()
        if text and text.isprintable() and not (modifiers & ~TYPING_MODIFIERS):
            self._idle_timer.stop()
            self._held.append(_HeldKey(receiver, int(key), modifiers, text))
            self._last_key_at = now
            self._gap_timer.start(self.settings.max_gap_ms)
            return True
        self._release_held()
        return self._pass(event, receiver)

    def _pass(self, event: QKeyEvent, receiver: QWidget) -> bool:
        self._passed = (shiboken6.getCppPointer(event)[0], event.key(), event.timestamp(), receiver)
        return False

    def _is_propagation(self, event: QKeyEvent, receiver: QWidget) -> bool:
        """The same key event bubbling to a parent after the focus widget ignored it."""
        if self._passed is None:
            return False
        pointer, key, stamp, first = self._passed
        # Key events are often built at the same address one after another (QTest always, the
        # platform often): the address alone made a later Enter sent to the same widget look
        # like the earlier arrow key bubbling up, so the scan's Enter went unseen (issue 15).
        # A bubbling event is the same key and moment, at a strict ancestor of its first
        # receiver.
        return (
            pointer == shiboken6.getCppPointer(event)[0]
            and key == event.key()
            and stamp == event.timestamp()
            and shiboken6.isValid(first)
            and receiver is not first
            and receiver.isAncestorOf(first)
        )

    def _on_gap(self) -> None:
        """No key followed in time: a burst without terminator, or someone typing."""
        self._gap_timer.stop()
        long_enough = len(self._held) >= self.settings.min_chars
        if not self.settings.require_terminator and long_enough:
            self._finish_scan()
        elif long_enough and self.settings.lost_terminator_ms is not None:
            # Keys came at scanner speed and stopped: wait a little more for the Enter, then
            # take it as a scan whose Enter was lost (never typing into a field).
            rest = max(0, self.settings.lost_terminator_ms - self.settings.max_gap_ms)
            self._idle_timer.start(rest)
        else:
            self._release_held()

    def _on_idle(self) -> None:
        if len(self._held) >= self.settings.min_chars:
            self._finish_scan()
            self._swallow_until = self._clock() + 0.5
        else:
            self._release_held()

    def _finish_scan(self) -> None:
        self._gap_timer.stop()
        self._idle_timer.stop()
        payload = "".join(k.text for k in self._held)
        self._held.clear()
        self.scanned.emit(payload)

    def _release_held(self) -> None:
        """Deliver held keys, in order, to the widgets they were typed into."""
        self._gap_timer.stop()
        self._idle_timer.stop()
        held, self._held = self._held, []
        self._replaying = True
        try:
            for item in held:
                if not shiboken6.isValid(item.receiver):
                    continue  # the widget closed meanwhile
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    replay = QKeyEvent(kind, item.key, item.modifiers, item.text)
                    QCoreApplication.sendEvent(item.receiver, replay)
        finally:
            self._replaying = False
