"""The lead form: pre-filled from the badge or roster, driven by the event's questions.

Filled blind (issue 15): Enter saves from any field, the note included (Shift+Enter or
Ctrl+Enter make a new line there); answer buttons take digits 1-9 and arrows; the form opens
scrolled to the top with the first empty required field focused; Esc asks (a second Esc)
before it throws typed input away. The short form (contact, rating, required questions) comes
first so it fits a 1280x800 window without scrolling; optional questions follow.
The score and suggested rating update as staff tap answers (pure rules, microseconds), and the
save itself runs off the GUI thread.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QMouseEvent, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from boothapp.core.config.consent import shown_consent
from boothapp.core.config.model import EventConfig
from boothapp.core.evaluation import Evaluation, evaluate_lead
from boothapp.core.hygiene.emails import email_problem
from boothapp.core.hygiene.phones import to_e164
from boothapp.core.i18n import gettext as core_gettext
from boothapp.core.i18n import label as core_label
from boothapp.core.models import CONTACT_LABELS, Contact, Event, Lead, Rating
from boothapp.services.leads import LeadDraft, LeadService
from boothapp.ui.i18n import QT_TRANSLATE_NOOP, number
from boothapp.ui.lead_table_model import RATING_LABELS
from boothapp.ui.question_input import QuestionInput
from boothapp.workers.tasks import TaskRunner

# The contact fields staff type at the booth, with their words (core.models.CONTACT_LABELS); the
# lead detail edits the same ones. The others (website, city, zone from a vCard or the roster)
# are kept from the scan, never blanked by a save (issue 13).
FORM_CONTACT_FIELDS = tuple(
    (name, CONTACT_LABELS[name])
    for name in ("first_name", "last_name", "email", "phone", "company", "title", "country")
)
_RETURN_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
NOTES_PLACEHOLDER = QT_TRANSLATE_NOOP(
    "LeadForm", "Notes — Enter saves · Shift+Enter or Ctrl+Enter: new line"
)
DISCARD_PROMPT = QT_TRANSLATE_NOOP(
    "LeadForm", "Discard what you typed? Esc again discards; keep typing to stay."
)


class LeadForm(QWidget):
    saved = Signal(object)  # Lead
    cancelled = Signal()
    save_failed = Signal(str)

    def __init__(
        self,
        leads: LeadService,
        runner: TaskRunner,
        event: Event,
        cfg: EventConfig,
        consent_text: str,  # as the config writes it, "{company}" and all
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("LeadForm")
        self._leads, self._runner, self._event, self._cfg = leads, runner, event, cfg
        self._draft = LeadDraft(event_id=event.id)
        self._scan_id: str | None = None
        self._rating_override: Rating | None = None
        self._saving = False
        self._scored: tuple[tuple[Contact, str, str], Evaluation] | None = None

        self.title = QLabel(self.tr("New lead"))
        self.title.setProperty("role", "title")
        self.banner = QLabel()
        self.banner.setObjectName("DuplicateBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "background: #fff3cd; color: #664d03; padding: 8px; border-radius: 6px;"
        )
        self.banner.hide()
        # Messages about this form (another badge seen, next visitor waiting) live here and
        # go when the form loads another visitor or closes (issue 15).
        self.notice = QLabel()
        self.notice.setObjectName("FormNotice")
        self.notice.setWordWrap(True)
        self.notice.setProperty("role", "muted")
        self.notice.hide()

        self.fields: dict[str, QLineEdit] = {}
        contact = QGridLayout()
        for i, (name, label) in enumerate(FORM_CONTACT_FIELDS):
            edit = QLineEdit()
            edit.setPlaceholderText(core_gettext(label))  # core.models' msgids
            edit.setObjectName(f"field_{name}")
            self.fields[name] = edit
            contact.addWidget(edit, i // 2, i % 2)
        self.fields["email"].textChanged.connect(self._validate_email)
        self.fields["phone"].editingFinished.connect(self._validate_phone)
        self.contact_error = QLabel()
        self.contact_error.setProperty("role", "error")

        self.questions: dict[str, QuestionInput] = {}
        self._question_rows: list[tuple[QFormLayout, QuestionInput]] = []
        # Required questions belong to the short form near the top; optional ones follow it.
        required_form, optional_form = QFormLayout(), QFormLayout()
        for qform in (required_form, optional_form):
            # Label above its choices: side by side they did not fit the form's half of the page.
            qform.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        for question in cfg.questions:
            widget = QuestionInput(question)
            widget.changed.connect(self._update_score)
            widget.answered.connect(lambda w=widget: self._advance_from(w))
            self.questions[question.id] = widget
            target = required_form if question.required else optional_form
            target.addRow(widget.label() + (" *" if question.required else ""), widget)
            self._question_rows.append((target, widget))

        self.notes = QPlainTextEdit()
        self.notes.setObjectName("NotesEdit")
        self.notes.setPlaceholderText(self.tr(NOTES_PLACEHOLDER))
        self.notes.setMaximumHeight(70)
        self.notes.setTabChangesFocus(True)
        self.notes.installEventFilter(self)
        self.referred_by = QLineEdit()
        self.referred_by.setPlaceholderText(self.tr("Referred by (name or company)"))
        self.referred_by.textChanged.connect(self._update_score)
        # A QCheckBox never wraps: the consent sentence sits in a wrapped label beside it (a tap
        # on the text ticks the box), else its one long line pushed the form off the page.
        self.consent = QCheckBox()
        self.consent.setObjectName("ConsentCheck")
        self.consent.setStyleSheet("QCheckBox { padding: 6px; }")
        # The config's sentence with "{company}" in it; the default one reads in the staff
        # member's language and follows a language switch (core.config.consent, issue 21).
        self._consent_source = consent_text
        consent_text = shown_consent(consent_text, event.name)
        self.consent.setAccessibleName(consent_text)
        self.consent_label = QLabel(consent_text)
        self.consent_label.setWordWrap(True)
        self.consent_label.setBuddy(self.consent)
        # A tap on the sentence ticks the box (an event filter: assigning a Python function to
        # a C++ virtual on one instance is fragile in PySide).
        self.consent_label.installEventFilter(self)
        consent_row = QHBoxLayout()
        consent_row.addWidget(self.consent, 0, Qt.AlignmentFlag.AlignTop)
        consent_row.addWidget(self.consent_label, 1)
        self._consent_text = consent_text

        self.rating_buttons: dict[Rating, QPushButton] = {}
        rating_row = QHBoxLayout()
        group = QButtonGroup(self)
        for rating, colour in (
            (Rating.COLD, "#3a7bd5"),
            (Rating.WARM, "#e08a1e"),
            (Rating.HOT, "#d64545"),
        ):
            button = QPushButton(RATING_LABELS[rating])  # "Cold" was English in el/fa/tr
            button.setCheckable(True)
            button.setMinimumHeight(40)
            button.setStyleSheet(f"QPushButton:checked {{ background: {colour}; color: white; }}")
            button.clicked.connect(lambda _c=False, r=rating: self._override_rating(r))
            group.addButton(button)
            self.rating_buttons[rating] = button
            rating_row.addWidget(button)
        self.score_label = QLabel()
        self.score_label.setWordWrap(True)
        self.score_label.setProperty("role", "muted")

        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.cancel_button = QPushButton(self.tr("Cancel (Esc)"))
        self.save_button = QPushButton(self.tr("Save (Enter)"))
        self.save_button.setProperty("primary", True)
        self.save_button.setMinimumHeight(48)
        self.cancel_button.clicked.connect(self.cancelled)
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)

        body = QWidget()
        body.setObjectName("LeadFormBody")
        inner = QVBoxLayout(body)
        inner.addWidget(self.title)
        inner.addWidget(self.banner)
        inner.addWidget(self.notice)
        inner.addLayout(contact)
        inner.addWidget(self.contact_error)
        inner.addLayout(rating_row)
        inner.addWidget(self.score_label)
        inner.addLayout(required_form)
        inner.addWidget(self.notes)
        inner.addLayout(optional_form)
        inner.addWidget(self.referred_by)
        inner.addLayout(consent_row)
        inner.addStretch(1)
        self.scroller = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Asked for once, here: the first time Python sees the viewport (a private Qt class)
        # PySide looks through every QtWidgets class for its type and builds ~33 lazy enum
        # types on the way, ~10 ms that the first scan's form paid on the GUI thread (issue 23).
        self._viewport, self._scroll_bar = scroll.viewport(), scroll.verticalScrollBar()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll, 1)
        outer.addWidget(self.error)
        outer.addLayout(buttons)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.escape)
        self._loaded: LeadDraft | None = None
        self._confirm_discard = False
        # The field being typed into never scrolls out of view (issue 15).
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_moved)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        """The fixed wording again, in the language just applied (issue 21)."""
        self.referred_by.setPlaceholderText(self.tr("Referred by (name or company)"))
        self.cancel_button.setText(self.tr("Cancel (Esc)"))
        self.save_button.setText(self.tr("Save (Enter)"))
        for rating, button in self.rating_buttons.items():
            button.setText(RATING_LABELS[rating])
        for name, label in FORM_CONTACT_FIELDS:
            self.fields[name].setPlaceholderText(core_gettext(label))
        self._consent_text = shown_consent(self._consent_source, self._event.name)
        self.consent_label.setText(self._consent_text)
        self.consent.setAccessibleName(self._consent_text)
        for form, widget in self._question_rows:
            row = form.labelForField(widget)
            if isinstance(row, QLabel):
                row.setText(widget.label() + (" *" if widget.question.required else ""))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Checked by class before ``type()`` (a Python enum built per call): paints pass too.
        if (
            watched is self.consent_label
            and isinstance(event, QMouseEvent)
            and event.type() == QEvent.Type.MouseButtonRelease
        ):
            self.consent.toggle()
            return True
        if (
            watched is self.notes
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in _RETURN_KEYS
        ):
            mods = event.modifiers()
            newline = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
            if mods & newline:
                self.notes.insertPlainText("\n")  # Shift/Ctrl+Enter: a new line
            else:
                self.save()  # Enter saves here too: the note is where focus often is
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Line edits, spin boxes, checkboxes and answer buttons leave Enter unhandled, so it
        # reaches the form from any field: one place decides that Enter saves.
        if event.key() in _RETURN_KEYS:
            self.save()
            event.accept()
            return
        self._confirm_discard = False
        super().keyPressEvent(event)

    def _focus_moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        inner = self.scroller.widget()
        if new is not None and inner is not None and self.isVisible() and inner.isAncestorOf(new):
            self.scroller.ensureWidgetVisible(new, 20, 40)

    # -- keyboard flow ----------------------------------------------------------------------
    def _advance_from(self, widget: QuestionInput) -> None:
        """A single choice picked with a digit: the next question takes the keys."""
        ids = list(self.questions)
        index = ids.index(widget.question.id)
        for qid in ids[index + 1 :]:
            if self.questions[qid].focus_first():
                return
        self.notes.setFocus()

    def first_focus(self) -> QWidget:
        """Where typing starts: no name yet -> the name; else the first unanswered required
        question; else the first unanswered question; else the note."""
        c = self._draft.contact
        if not (c.first_name or c.last_name or c.email):
            return self.fields["first_name"]
        widgets = list(self.questions.values())
        required = [w for w in widgets if w.question.required]
        # An existing lead re-opened: its answers were given; what comes now is a note.
        candidates = required if self._draft.lead_id else required + widgets
        for widget in candidates:
            target = widget.focus_target()
            if widget.value() is None and target is not None:
                return target
        return self.notes

    def is_dirty(self) -> bool:
        """Typed input that Esc would throw away."""
        return self._loaded is not None and self.draft() != self._loaded

    def escape(self) -> None:
        if self.is_dirty() and not self._confirm_discard:
            self._confirm_discard = True
            self.error.setText(self.tr(DISCARD_PROMPT))
            return
        self._confirm_discard = False
        self.error.clear()
        self.cancelled.emit()

    def set_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    @property
    def raw_payload(self) -> str:
        return self._draft.raw_payload

    def scroll_to_top(self) -> None:
        self._scroll_bar.setValue(0)

    # -- loading ----------------------------------------------------------------------------
    def load(self, draft: LeadDraft, scan_id: str | None = None, banner: str = "") -> None:
        self._draft, self._scan_id, self._saving = draft, scan_id, False
        c = draft.contact
        for name, edit in self.fields.items():
            edit.setText(getattr(c, name))
            edit.setCursorPosition(0)  # a long email shows its start, not its tail
            self._set_invalid(edit, False)
        for qid, widget in self.questions.items():
            widget.set_value(draft.answers.get(qid))
        self.notes.setPlainText(draft.notes)
        self.referred_by.setText(draft.referred_by)
        self.consent.setChecked(draft.consent_given)
        self._rating_override = draft.rating if draft.rating_overridden else None
        self.title.setText(
            c.full_name
            or c.email
            or (self.tr("Walk-in visitor") if not draft.raw_payload else self.tr("Badge scanned"))
        )
        self.banner.setText(banner)
        self.banner.setVisible(bool(banner))
        self.error.clear()
        self.contact_error.clear()
        self.set_notice("")
        self._update_score()
        self._confirm_discard = False
        self._loaded = self.draft()
        self.scroll_to_top()
        self.first_focus().setFocus()
        # Once shown and laid out, start at the top again: the title and "Scanned before"
        # banner are what staff read first (a focus deep in the form had scrolled them away).
        QTimer.singleShot(0, self._settle)

    def _settle(self) -> None:
        self.scroll_to_top()
        focus = self.focusWidget()
        if focus is None or not self.isAncestorOf(focus) or not focus.hasFocus():
            # load() ran while the form was still hidden, where setFocus does not stick.
            self.first_focus().setFocus()
            focus = self.focusWidget()
        inner = self.scroller.widget()
        if focus is not None and inner is not None and inner.isAncestorOf(focus):
            bottom = focus.mapTo(inner, focus.rect().bottomLeft()).y()
            if bottom > self._viewport.height():
                # Typing must happen where staff look: the top stays, the note takes the keys.
                self.notes.setFocus()
                self.scroll_to_top()

    def _contact(self) -> Contact:
        """The scanned contact with what staff typed over it (fields the form does not show,
        such as a vCard's website, stay as scanned)."""
        typed = {name: edit.text().strip() for name, edit in self.fields.items()}
        return replace(self._draft.contact, **typed)

    def draft(self) -> LeadDraft:
        contact = self._contact()
        answers = {qid: w.value() for qid, w in self.questions.items() if w.value() is not None}
        return replace(
            self._draft,
            contact=contact,
            answers={
                **{k: v for k, v in self._draft.answers.items() if k not in self.questions},
                **answers,
            },
            notes=self.notes.toPlainText().strip(),
            referred_by=self.referred_by.text().strip(),
            consent_given=self.consent.isChecked(),
            consent_text=self._consent_text if self.consent.isChecked() else "",
            rating=self._rating_override or self._evaluation().suggested_rating,
            rating_overridden=self._rating_override is not None,
        )

    # -- live feedback ----------------------------------------------------------------------
    def _evaluation(self) -> Evaluation:
        contact = self._contact()
        answers = {qid: w.value() for qid, w in self.questions.items() if w.value() is not None}
        referred_by = self.referred_by.text()
        # The same inputs give the same evaluation (pure rules): a form load scored them for
        # the score line and again for the draft it keeps, ~2 ms each on the GUI thread.
        key = (contact, repr(sorted(answers.items())), referred_by)
        if self._scored is not None and self._scored[0] == key:
            return self._scored[1]
        evaluation = evaluate_lead(
            contact,
            answers,
            self._cfg,
            default_region=self._event.country,
            referred_by=referred_by,
        )
        self._scored = (key, evaluation)
        return evaluation

    def _update_score(self) -> None:
        ev = self._evaluation()
        shown = self._rating_override or ev.suggested_rating
        for rating, button in self.rating_buttons.items():
            button.setChecked(rating is shown)
        qualified = (
            self.tr("qualified for sales") if ev.qualification.qualified else self.tr("nurture")
        )
        override = "" if self._rating_override is None else self.tr(" (your rating)")
        self.score_label.setText(
            self.tr("Score {0} → suggested {1}{2}; {3}").format(
                number(ev.score.total), core_label(ev.suggested_rating), override, qualified
            )
        )
        self.score_label.setToolTip(ev.score.explain())

    def _override_rating(self, rating: Rating) -> None:
        suggested = self._evaluation().suggested_rating
        self._rating_override = None if rating is suggested else rating
        self._update_score()

    @staticmethod
    def _set_invalid(edit: QLineEdit, invalid: bool) -> None:
        # Re-polished only when the mark changes: a style sheet polish is ~0.3 ms a field, and
        # every scan's form load cleared all seven (issue 23).
        if bool(edit.property("invalid")) != invalid:
            edit.setProperty("invalid", invalid)
            edit.style().polish(edit)

    def _mark(self, name: str, problem: str | None) -> None:
        self._set_invalid(self.fields[name], bool(problem))
        self.contact_error.setText(problem or "")

    def _validate_email(self) -> None:
        text = self.fields["email"].text().strip()
        self._mark("email", email_problem(text) if text else None)

    def _validate_phone(self) -> None:
        text = self.fields["phone"].text().strip()
        if not text:
            self._mark("phone", None)
            return
        region = (
            self.fields["country"].text().strip()
            if len(self.fields["country"].text().strip()) == 2
            else self._event.country
        )
        result = to_e164(text, region)
        if result.problem:
            self._mark("phone", result.problem)
        else:
            self.fields["phone"].setText(result.value)  # show what will be stored
            self._mark("phone", None)

    # -- saving -----------------------------------------------------------------------------
    def save(self) -> None:
        if self._saving:
            return
        missing = [
            self.questions[q.id].label()
            for q in self._cfg.questions
            if q.required and self.questions[q.id].value() is None
        ]
        if missing:
            self.error.setText(self.tr("Please answer: ") + ", ".join(missing))
            return
        email = self.fields["email"].text().strip()
        problem = email_problem(email) if email else None
        if problem:
            self._mark("email", problem)
            self.error.setText(self.tr("Email: {0}").format(problem))
            return
        draft, scan_id = self.draft(), self._scan_id
        self._saving = True
        self.save_button.setEnabled(False)
        leads = self._leads
        self._runner.run(
            lambda: leads.save_lead(draft, scan_id=scan_id),
            on_done=self._saved,
            on_error=self._failed,
        )

    def _saved(self, lead: Lead) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.saved.emit(lead)

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        message = self.tr("Not saved: {0}").format(exc)
        self.error.setText(message)
        self.save_failed.emit(message)
