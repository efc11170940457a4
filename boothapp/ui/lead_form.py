"""The lead form: pre-filled from the badge or roster, driven by the event's questions.

Enter saves, Escape cancels; the score and suggested rating update as staff tap answers
(pure rules, microseconds), and the save itself runs off the GUI thread.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
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

from boothapp.core.config.model import EventConfig
from boothapp.core.evaluation import Evaluation, evaluate_lead
from boothapp.core.hygiene.emails import email_problem
from boothapp.core.hygiene.phones import to_e164
from boothapp.core.models import Contact, Event, Lead, Rating
from boothapp.services.leads import LeadDraft, LeadService
from boothapp.ui.question_input import QuestionInput
from boothapp.workers.tasks import TaskRunner

_CONTACT_FIELDS = (
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("company", "Company"),
    ("title", "Job title"),
    ("country", "Country"),
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
        consent_text: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("LeadForm")
        self._leads, self._runner, self._event, self._cfg = leads, runner, event, cfg
        self._draft = LeadDraft(event_id=event.id)
        self._scan_id: str | None = None
        self._rating_override: Rating | None = None
        self._saving = False

        self.title = QLabel("New lead")
        self.title.setProperty("role", "title")
        self.banner = QLabel()
        self.banner.setObjectName("DuplicateBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "background: #fff3cd; color: #664d03; padding: 8px; border-radius: 6px;"
        )
        self.banner.hide()

        self.fields: dict[str, QLineEdit] = {}
        contact = QGridLayout()
        for i, (name, label) in enumerate(_CONTACT_FIELDS):
            edit = QLineEdit()
            edit.setPlaceholderText(label)
            edit.setObjectName(f"field_{name}")
            edit.returnPressed.connect(self.save)
            self.fields[name] = edit
            contact.addWidget(edit, i // 2, i % 2)
        self.fields["email"].textChanged.connect(self._validate_email)
        self.fields["phone"].editingFinished.connect(self._validate_phone)
        self.contact_error = QLabel()
        self.contact_error.setProperty("role", "error")

        self.questions: dict[str, QuestionInput] = {}
        qform = QFormLayout()
        # Label above its choices: side by side they did not fit the form's half of the page.
        qform.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        for question in cfg.questions:
            widget = QuestionInput(question)
            widget.changed.connect(self._update_score)
            self.questions[question.id] = widget
            qform.addRow(question.label + (" *" if question.required else ""), widget)

        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("Notes (Ctrl+Enter saves)")
        self.notes.setMaximumHeight(90)
        self.referred_by = QLineEdit()
        self.referred_by.setPlaceholderText("Referred by (name or company)")
        self.referred_by.textChanged.connect(self._update_score)
        # A QCheckBox never wraps: the consent sentence sits in a wrapped label beside it (a tap
        # on the text ticks the box), else its one long line pushed the form off the page.
        self.consent = QCheckBox()
        self.consent.setObjectName("ConsentCheck")
        self.consent.setStyleSheet("QCheckBox { padding: 6px; }")
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
            button = QPushButton(rating.value.capitalize())
            button.setCheckable(True)
            button.setMinimumHeight(48)
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
        self.cancel_button = QPushButton("Cancel (Esc)")
        self.save_button = QPushButton("Save (Enter)")
        self.save_button.setProperty("primary", True)
        self.save_button.setMinimumHeight(48)
        self.cancel_button.clicked.connect(self.cancelled)
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)

        body = QWidget()
        inner = QVBoxLayout(body)
        inner.addWidget(self.title)
        inner.addWidget(self.banner)
        inner.addLayout(contact)
        inner.addWidget(self.contact_error)
        inner.addLayout(qform)
        inner.addWidget(self.notes)
        inner.addWidget(self.referred_by)
        inner.addLayout(consent_row)
        inner.addLayout(rating_row)
        inner.addWidget(self.score_label)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll, 1)
        outer.addWidget(self.error)
        outer.addLayout(buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.save)
        QShortcut(QKeySequence("Ctrl+Enter"), self, self.save)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.cancelled.emit)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.consent_label and event.type() == QEvent.Type.MouseButtonRelease:
            self.consent.toggle()
            return True
        return super().eventFilter(watched, event)

    # -- loading ----------------------------------------------------------------------------
    def load(self, draft: LeadDraft, scan_id: str | None = None, banner: str = "") -> None:
        self._draft, self._scan_id, self._saving = draft, scan_id, False
        c = draft.contact
        for name, edit in self.fields.items():
            edit.setText(getattr(c, name))
            edit.setCursorPosition(0)  # a long email shows its start, not its tail
            edit.setProperty("invalid", False)
            edit.style().polish(edit)
        for qid, widget in self.questions.items():
            widget.set_value(draft.answers.get(qid))
        self.notes.setPlainText(draft.notes)
        self.referred_by.setText(draft.referred_by)
        self.consent.setChecked(draft.consent_given)
        self._rating_override = draft.rating if draft.rating_overridden else None
        self.title.setText(
            c.full_name
            or c.email
            or ("Walk-in visitor" if not draft.raw_payload else "Badge scanned")
        )
        self.banner.setText(banner)
        self.banner.setVisible(bool(banner))
        self.error.clear()
        self.contact_error.clear()
        self._update_score()
        focus = self.fields["first_name"] if not c.first_name else self.notes
        focus.setFocus()

    def draft(self) -> LeadDraft:
        contact = Contact(**{name: edit.text().strip() for name, edit in self.fields.items()})
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
        contact = Contact(**{name: edit.text().strip() for name, edit in self.fields.items()})
        answers = {qid: w.value() for qid, w in self.questions.items() if w.value() is not None}
        return evaluate_lead(
            contact,
            answers,
            self._cfg,
            default_region=self._event.country,
            referred_by=self.referred_by.text(),
        )

    def _update_score(self) -> None:
        ev = self._evaluation()
        shown = self._rating_override or ev.suggested_rating
        for rating, button in self.rating_buttons.items():
            button.setChecked(rating is shown)
        qualified = "qualified for sales" if ev.qualification.qualified else "nurture"
        override = "" if self._rating_override is None else " (your rating)"
        self.score_label.setText(
            f"Score {ev.score.total} → suggested {ev.suggested_rating.value}{override}; {qualified}"
        )
        self.score_label.setToolTip(ev.score.explain())

    def _override_rating(self, rating: Rating) -> None:
        suggested = self._evaluation().suggested_rating
        self._rating_override = None if rating is suggested else rating
        self._update_score()

    def _mark(self, name: str, problem: str | None) -> None:
        edit = self.fields[name]
        edit.setProperty("invalid", bool(problem))
        edit.style().polish(edit)
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
            q.label
            for q in self._cfg.questions
            if q.required and self.questions[q.id].value() is None
        ]
        if missing:
            self.error.setText("Please answer: " + ", ".join(missing))
            return
        email = self.fields["email"].text().strip()
        problem = email_problem(email) if email else None
        if problem:
            self._mark("email", problem)
            self.error.setText(f"Email: {problem}")
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
        message = f"Not saved: {exc}"
        self.error.setText(message)
        self.save_failed.emit(message)
