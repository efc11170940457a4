"""Lead detail panel: who, what they answered, notes, stage, "please delete", history.

Editable (issue 15): contact fields, answers (the event's labels, never codes), a note appended
with author and time (earlier notes kept, ``core.notes.append_note``), rating, owner (managers
only) and stage. Every edit is one ``LeadService.save_lead(draft)`` off the GUI thread: that door
writes the history, re-queues the CRM and re-plans follow-ups; this panel arranges none of it.
Staff never hard-delete (DOMAIN.md): the only way to get rid of junk is the "please delete"
flag an administrator reviews, so there is no delete action here or anywhere else.
``lead_changed`` fires (GUI thread) after a write is stored so the list can refresh that row.
Times read in the event's zone, said once at the top of the panel.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from boothapp.core.answers import answer_lines, answers_change_text
from boothapp.core.config.model import EventConfig
from boothapp.core.config.rep_names import rep_name
from boothapp.core.i18n import gettext as core_gettext
from boothapp.core.models import Contact, Lead, Rating, Stage
from boothapp.core.notes import append_note
from boothapp.services.followup_types import OPEN_STATES, Touch
from boothapp.services.followups import FollowUpService
from boothapp.services.leads import LeadChange, LeadDraft, LeadService
from boothapp.ui.card_thumbnail import CardThumbnail
from boothapp.ui.i18n import (
    CHANNEL_WORDS,
    QT_TRANSLATE_NOOP,
    Translated,
    ZoneLabel,
    date_time,
    event_time,
    number,
    outcome_name,
    zone_name,
)
from boothapp.ui.lead_form import FORM_CONTACT_FIELDS
from boothapp.ui.lead_table_model import RATING_LABELS, STAGE_LABELS, SYNC_LABELS
from boothapp.ui.question_input import QuestionInput
from boothapp.ui.wrapped_label import WrappedLabel
from boothapp.workers.tasks import TaskRunner

translate = QCoreApplication.translate
FIELD_LABELS = Translated(
    "LeadDetail",
    {
        "please_delete": QT_TRANSLATE_NOOP("LeadDetail", "Please delete"),
        "stage": QT_TRANSLATE_NOOP("LeadDetail", "Stage"),
        "notes": QT_TRANSLATE_NOOP("LeadDetail", "Notes"),
        "rating": QT_TRANSLATE_NOOP("LeadDetail", "Rating"),
        "answers": QT_TRANSLATE_NOOP("LeadDetail", "Answers"),
        "owner": QT_TRANSLATE_NOOP("LeadDetail", "Owner"),
    },
)


def describe_change(
    change: LeadChange,
    staff_names: dict[str, str],
    zone: str = "UTC",
    cfg: EventConfig | None = None,
) -> str:
    """One history line: "Tue 18 Nov 14:03 · Ayla · Stage: To contact → Won"."""
    when = event_time(change.changed_at, zone)
    who = staff_names.get(change.staff_id, "") or translate("LeadDetail", "someone")
    label = FIELD_LABELS.get(change.field, change.field.replace("_", " ").capitalize())
    old, new = change.old_value, change.new_value
    if change.field == "answers" and cfg is not None:
        return QCoreApplication.translate("LeadDetail", "{0} · {1} · {2}").format(
            when, who, answers_change_text(cfg, old, new)
        )
    return QCoreApplication.translate("LeadDetail", "{0} · {1} · {2}: {3} → {4}").format(
        when, who, label, _value(old), _value(new)
    )


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return translate("LeadDetail", "yes") if value else translate("LeadDetail", "no")
    if value in (None, "", {}, []):
        return translate("LeadDetail", "(empty)")
    if isinstance(value, str):
        for labels in (STAGE_LABELS, RATING_LABELS):
            for key, text in labels.items():
                if key.value == value:
                    return text
        return value if len(value) <= 60 else value[:57] + "…"
    return str(value)


class LeadDetailPanel(QWidget):
    lead_changed = Signal(str)  # lead id, after a change is stored
    closed = Signal()
    lead_sheet_requested = Signal(object)  # Lead: the window writes the one-page PDF
    save_failed = Signal(str)

    def __init__(
        self,
        leads: LeadService,
        runner: TaskRunner,
        cfg: EventConfig | None = None,
        zone: str = "UTC",
    ) -> None:
        super().__init__()
        self.setObjectName("LeadDetailPanel")
        self._leads, self._runner, self._cfg, self._zone = leads, runner, cfg, zone
        self._lead: Lead | None = None
        self._staff_id = ""
        self._staff_name = ""
        self._manager = False
        self._staff_names: dict[str, str] = {}
        self._filling = False
        self._after_load = ""

        self.title = QLabel(self.tr("Select a lead"))
        self.title.setObjectName("LeadTitle")
        title_font = self.title.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.5)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.title.setWordWrap(True)
        self.subtitle = WrappedLabel()  # "... توسط Alex Chen" lost "Alex" as a QLabel
        self.zone_label = ZoneLabel(zone)
        self.zone_label.setProperty("role", "muted")

        # Contact: one line edit per field, the same fields and words as the capture form.
        self.contact_fields: dict[str, QLineEdit] = {}
        contact_form = QFormLayout()
        self._contact_form = contact_form
        for name, label in FORM_CONTACT_FIELDS:
            edit = QLineEdit()
            edit.setObjectName(f"detail_{name}")
            edit.returnPressed.connect(self.save_edits)
            self.contact_fields[name] = edit
            contact_form.addRow(core_gettext(label), edit)  # core.models' msgids
        self.contact = QWidget()
        self.contact.setLayout(contact_form)
        # The card photographed at the booth, when the lead came from one (issue 20).
        self.card = CardThumbnail(runner, leads.card_images)
        contact_form.addRow(self.card)
        # Answers: the event's questions with their labels; without a config, read-only lines.
        self.questions: dict[str, QuestionInput] = {}
        answers_form = QFormLayout()
        self._answers_form = answers_form
        answers_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        for question in cfg.questions if cfg else ():
            widget = QuestionInput(question, columns=2)  # two a row fit the side panel
            self.questions[question.id] = widget
            answers_form.addRow(widget.label(), widget)
        self.answers = QLabel("")  # answers the config no longer asks, as labelled lines
        self.answers.setWordWrap(True)
        answers_form.addRow(self.answers)
        self.answers_box = QWidget()
        self.answers_box.setLayout(answers_form)
        self.notes = WrappedLabel()
        self.notes.setObjectName("DetailNotes")
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.new_note = QPlainTextEdit()
        self.new_note.setObjectName("DetailNewNote")
        self.new_note.setPlaceholderText(self.tr("Add a note (kept with your name and the time)"))
        self.new_note.setMaximumHeight(70)
        self.new_note.setTabChangesFocus(True)
        notes_box = QWidget()
        notes_layout = QVBoxLayout(notes_box)
        notes_layout.setContentsMargins(0, 0, 0, 0)
        notes_layout.addWidget(self.notes)
        notes_layout.addWidget(self.new_note)
        self.rating = QComboBox()
        self.rating.setObjectName("DetailRating")
        for rating in Rating:
            self.rating.addItem(RATING_LABELS[rating], rating)
        self.owner = QComboBox()
        self.owner.setObjectName("DetailOwner")
        self.owner.addItem(self.tr("(routing decides)"), "")
        for rep in cfg.routing.reps if cfg else ():
            self.owner.addItem(rep_name(rep), rep.id)
        self.owner.setToolTip(self.tr("Managers change the owner; routing chose it at capture"))
        self.save_button = QPushButton(self.tr("Save changes (Ctrl+S)"))
        self.save_button.setObjectName("DetailSave")
        self.save_button.setProperty("primary", True)
        self.save_button.setMinimumHeight(40)
        self.save_button.clicked.connect(self.save_edits)
        # Only while the detail has focus: Event settings has Ctrl+S in the same window.
        save_keys = QShortcut(QKeySequence("Ctrl+S"), self, self.save_edits)
        save_keys.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self.stage = QComboBox()
        for stage in Stage:
            self.stage.addItem(STAGE_LABELS[stage], stage)
        self.stage.setMinimumHeight(40)
        self.please_delete = QCheckBox(self.tr("Please delete"))
        self.please_delete.setToolTip(
            self.tr(
                "Junk or test entry: an administrator reviews flagged leads; nothing is deleted now"
            )
        )
        self.please_delete.setMinimumHeight(40)
        self.followups = QLabel(self.tr("none planned"))
        self.followups.setObjectName("FollowUps")
        self.followups.setWordWrap(True)
        self._followup_service: FollowUpService | None = None
        self.sync = QLabel("")
        self.sync.setWordWrap(True)
        self.status = QLabel("")
        self.status.setObjectName("DetailStatus")
        self.status.setWordWrap(True)  # one long line pushed the panel past its edge
        self.history = QListWidget()
        self.history.setObjectName("History")
        self.history.setMinimumHeight(120)
        self.history.setWordWrap(True)
        self.history.setAlternatingRowColors(True)
        self.history.setSpacing(2)
        self.history.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setToolTip(self.tr("Close (Esc)"))
        self.close_button.setMinimumSize(40, 40)
        self.close_button.clicked.connect(self.closed)
        self.sheet_button = QPushButton(self.tr("Lead sheet (PDF)…"))
        self.sheet_button.setToolTip(self.tr("One page for the rep who takes this lead over"))
        self.sheet_button.clicked.connect(
            lambda: self._lead is not None and self.lead_sheet_requested.emit(self._lead)
        )

        pipeline = QFormLayout()
        pipeline.addRow(self.tr("Rating"), self.rating)
        pipeline.addRow(self.tr("Owner"), self.owner)
        pipeline.addRow(self.tr("Stage"), self.stage)
        pipeline.addRow("", self.please_delete)
        pipeline.addRow(self.tr("Follow-ups"), self.followups)
        pipeline.addRow(self.tr("Sync"), self.sync)

        body = QWidget()
        layout = QVBoxLayout(body)
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(header)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.zone_label)
        layout.addWidget(_group(self.tr("Contact"), self.contact))
        layout.addWidget(_group(self.tr("Answers"), self.answers_box))
        layout.addWidget(_group(self.tr("Notes"), notes_box))
        pipeline_box = QGroupBox(self.tr("Pipeline"))
        pipeline_box.setLayout(pipeline)
        layout.addWidget(pipeline_box)
        layout.addWidget(self.save_button)
        layout.addWidget(_group(self.tr("History"), self.history))
        layout.addWidget(self.sheet_button)
        layout.addWidget(self.status)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self.stage.currentIndexChanged.connect(self._stage_chosen)
        self.please_delete.toggled.connect(self._please_delete_toggled)
        self._set_enabled(False)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def retranslateUi(self) -> None:
        """The fixed wording again, in the language just applied (issue 21)."""
        if self._lead is not None:
            self.open_lead(self._lead.id)  # its lines are worded as they are drawn
        if self._lead is None:
            self.title.setText(self.tr("Select a lead"))
            self.followups.setText(self.tr("none planned"))
        self.new_note.setPlaceholderText(self.tr("Add a note (kept with your name and the time)"))
        self.owner.setToolTip(self.tr("Managers change the owner; routing chose it at capture"))
        self.save_button.setText(self.tr("Save changes (Ctrl+S)"))
        for name, label in FORM_CONTACT_FIELDS:
            row = self._contact_form.labelForField(self.contact_fields[name])
            if isinstance(row, QLabel):
                row.setText(core_gettext(label))
        for widget in self.questions.values():
            row = self._answers_form.labelForField(widget)
            if isinstance(row, QLabel):
                row.setText(widget.label())
        self.please_delete.setText(self.tr("Please delete"))
        self.please_delete.setToolTip(
            self.tr(
                "Junk or test entry: an administrator reviews flagged leads; nothing is deleted now"
            )
        )
        self.close_button.setToolTip(self.tr("Close (Esc)"))
        self.sheet_button.setText(self.tr("Lead sheet (PDF)…"))
        self.sheet_button.setToolTip(self.tr("One page for the rep who takes this lead over"))

    # -- inputs --------------------------------------------------------------------------
    @property
    def lead(self) -> Lead | None:
        return self._lead

    @property
    def staff_id(self) -> str:
        return self._staff_id

    def set_staff(
        self,
        staff_id: str,
        names: dict[str, str] | None = None,
        *,
        name: str = "",
        manager: bool = False,
    ) -> None:
        """Who edits from now on (recorded in history, signs notes), how to name staff in
        history, and whether they may change the owner (managers only)."""
        self._staff_id = staff_id
        self._staff_name = name or (names or self._staff_names).get(staff_id, "")
        self._manager = manager
        if names is not None:
            self._staff_names = dict(names)
        self.owner.setEnabled(self._lead is not None and manager)
        if self._lead is not None:
            self._set_enabled(True)
            self.status.setText(self._not_theirs())

    def set_followup_service(self, service: FollowUpService) -> None:
        """Show the lead's follow-ups (next action, done, open) in the pipeline section."""
        self._followup_service = service

    def _load_followups(self, lead_id: str) -> None:
        service = self._followup_service
        if service is None:
            self.followups.setText(self.tr("none planned"))
            return
        self.followups.setText(self.tr("Loading…"))
        self._runner.run(
            lambda: service.lead_touches(lead_id),
            on_done=lambda touches: self._show_followups(lead_id, touches),
            on_error=lambda exc: self.followups.setText(
                self.tr("Could not load follow-ups: {0}").format(exc)
            ),
        )

    def _show_followups(self, lead_id: str, touches: list[Touch]) -> None:
        if self._lead is None or self._lead.id != lead_id:
            return  # another lead was opened meanwhile
        self.followups.setText(followups_text(touches))

    def open_lead(self, lead_id: str) -> None:
        self.status.setText(self.tr("Loading…"))
        leads = self._leads
        self._runner.run(
            lambda: (leads.get_lead(lead_id), leads.history(lead_id)),
            on_done=self._show,
            on_error=lambda exc: self.status.setText(
                self.tr("Could not open the lead: {0}").format(exc)
            ),
        )

    def clear(self) -> None:
        self._lead = None
        self.title.setText(self.tr("Select a lead"))
        for label in (self.subtitle, self.answers, self.notes, self.sync):
            label.setText("")
        for edit in self.contact_fields.values():
            edit.clear()
        self.new_note.clear()
        self.history.clear()
        self.card.show_lead("")
        self._set_enabled(False)

    # -- display -------------------------------------------------------------------------
    def _show(self, result: tuple[Lead, list[LeadChange]]) -> None:
        lead, history = result
        self._lead = lead
        self._filling = True
        try:
            c = lead.contact
            self.title.setText(lead.display_name)
            staff = self.tr(" by {0}").format(lead.staff_name) if lead.staff_name else ""
            when = event_time(lead.created_at, self._zone)
            self.subtitle.setText(
                self.tr("{0} · score {1} · captured {2}{3}").format(
                    RATING_LABELS[lead.rating], number(lead.score), when, staff
                )
            )
            for name, edit in self.contact_fields.items():
                edit.setText(getattr(c, name))
                edit.setCursorPosition(0)
            for qid, widget in self.questions.items():
                widget.set_value(lead.answers.get(qid))
            if self._cfg is not None:
                asked = {q.id for q in self._cfg.questions}
                extra = {k: v for k, v in lead.answers.items() if k not in asked}
                lines = answer_lines(self._cfg, extra)
            else:
                lines = tuple((k, _answer(v)) for k, v in lead.answers.items())
            self.answers.setText("\n".join(f"{q}: {a}" for q, a in lines))
            self.answers.setVisible(bool(lines) or not self.questions)
            if not lines and not self.questions:
                self.answers.setText(self.tr("(none)"))
            self.notes.setText(lead.notes or "(none)")
            self.new_note.clear()
            self.rating.setCurrentIndex(self.rating.findData(lead.rating))
            index = self.owner.findData(lead.owner)
            if index < 0 and lead.owner:
                self.owner.addItem(lead.owner, lead.owner)
                index = self.owner.count() - 1
            self.owner.setCurrentIndex(max(index, 0))
            self.stage.setCurrentIndex(self.stage.findData(lead.stage))
            self.please_delete.setChecked(lead.please_delete)
            self.sync.setText(SYNC_LABELS[lead.sync_state])
            self._load_followups(lead.id)
            if self.card.lead_id != lead.id:  # a save reloads the lead: the photo stays
                self.card.show_lead(lead.id)
            self.history.clear()
            for change in reversed(history):  # newest first
                line = describe_change(change, self._staff_names, self._zone, self._cfg)
                self.history.addItem(line)
            for i in range(self.history.count()):
                self.history.item(i).setToolTip(self.history.item(i).text())
            if not history:
                self.history.addItem(self.tr("No edits yet"))
            self.status.setText(self._after_load or self._not_theirs())
            self._after_load = ""
            self._set_enabled(True)
        finally:
            self._filling = False

    def _may_edit(self) -> bool:
        """Staff edit the leads they captured; managers edit any (issue 18, roles). A lead
        with no capturer (a roster import, a merge of unknown staff) is anyone's."""
        lead = self._lead
        if lead is None or self._manager or not lead.staff_id:
            return True
        return lead.staff_id == self._staff_id

    def _not_theirs(self) -> str:
        if self._may_edit() or self._lead is None:
            return ""
        who = self._lead.staff_name or self.tr("a colleague")
        return self.tr("Captured by {who}: only they or a manager edit it").format(who=who)

    def _set_enabled(self, enabled: bool) -> None:
        own = enabled and self._may_edit()
        editors: list[QWidget] = [self.stage, self.rating, self.save_button]
        editors += [self.new_note, *self.contact_fields.values(), *self.questions.values()]
        for widget in editors:
            widget.setEnabled(own)
        # Anyone may flag a lead "please delete" (a visitor's request): a manager reviews it.
        self.please_delete.setEnabled(enabled)
        self.owner.setEnabled(enabled and self._manager)

    def edited_draft(self, lead: Lead) -> LeadDraft:
        """The lead's draft with what is on screen; the note typed is appended, signed."""
        draft = self._leads.draft_of(lead)
        contact = replace(
            draft.contact or Contact(),
            **{name: edit.text().strip() for name, edit in self.contact_fields.items()},
        )
        answers = dict(draft.answers)
        for qid, widget in self.questions.items():
            value = widget.value()
            if value is None:
                answers.pop(qid, None)
            else:
                answers[qid] = value
        rating = self.rating.currentData()
        rating_changed = rating is not None and rating != lead.rating
        notes = append_note(lead.notes, self.new_note.toPlainText(), self._staff_name,
                            datetime.now(UTC), self._zone)  # fmt: skip
        owner = self.owner.currentData() if self._manager else lead.owner
        return replace(
            draft,
            contact=contact,
            answers=answers,
            notes=notes,
            rating=Rating(rating) if rating_changed else draft.rating,
            rating_overridden=draft.rating_overridden or rating_changed,
            owner=owner if owner is not None else lead.owner,
            stage=Stage(self.stage.currentData()),
            staff_id=self._staff_id,
        )

    def save_edits(self) -> None:
        """Contact, answers, note, rating, owner: one save through the lead door."""
        lead = self._lead
        if lead is None or not self.save_button.isEnabled():
            return
        draft = self.edited_draft(lead)
        if draft == self._leads.draft_of(lead) or draft == replace(
            self._leads.draft_of(lead), staff_id=self._staff_id
        ):
            self.status.setText(self.tr("Nothing changed"))
            return
        leads = self._leads
        self._write(lambda: leads.save_lead(draft).id)

    # -- edits ---------------------------------------------------------------------------
    def _stage_chosen(self, index: int) -> None:
        lead = self._lead
        stage = self.stage.itemData(index)
        if self._filling or lead is None or stage is None or stage == lead.stage:
            return
        # Whatever else is typed goes with the stage: a reload must not drop an unsaved edit.
        leads, draft = self._leads, self.edited_draft(lead)
        self._write(lambda: leads.save_lead(replace(draft, stage=Stage(stage))).id)

    def _please_delete_toggled(self, checked: bool) -> None:
        lead = self._lead
        if self._filling or lead is None or checked == lead.please_delete:
            return
        leads, staff_id = self._leads, self._staff_id
        self._write(lambda: leads.set_please_delete(lead.id, checked, staff_id).id)

    def _write(self, fn: Any) -> None:
        self.status.setText(self.tr("Saving…"))
        self._set_enabled(False)
        self._runner.run(fn, on_done=self._stored, on_error=self._write_failed)

    def _stored(self, lead_id: str) -> None:
        self._after_load = self.tr("Saved")
        self.lead_changed.emit(lead_id)
        self.open_lead(lead_id)

    def _write_failed(self, exc: BaseException) -> None:
        self.status.setText(self.tr("Not saved: {0}").format(exc))
        self.save_failed.emit(str(exc))
        if self._lead is not None:
            self.open_lead(self._lead.id)  # show what is really stored


def followups_text(touches: list[Touch]) -> str:
    """'Next: call Wed 25 Nov 10:05 Berlin · 2 done · 3 open · 1 needs review', the zone by
    its city in the reader's language ("America/Chicago" was English on a Persian page)."""
    if not touches:
        return translate("LeadDetail", "none planned")
    open_ = sorted((t for t in touches if t.state in OPEN_STATES), key=lambda t: t.due_utc)
    done = [t for t in touches if t.done_at is not None]
    parts = []
    if open_:
        nxt = open_[0]
        local = nxt.due_utc.astimezone(ZoneInfo(nxt.tz))
        parts.append(
            translate("LeadDetail", "Next: {0} {1} {2}").format(
                CHANNEL_WORDS[nxt.channel], date_time(local), zone_name(nxt.tz)
            )
        )
    else:
        parts.append(translate("LeadDetail", "No open touches"))
    parts.append(translate("LeadDetail", "{0} done").format(number(len(done))))
    parts.append(translate("LeadDetail", "{0} open").format(number(len(open_))))
    review = sum(1 for t in touches if t.state.value in ("review", "failed"))
    if review:
        parts.append(
            translate("LeadDetail", "{0} need attention (bounced or interrupted)").format(
                number(review)
            )
        )
    if done:
        last = max(done, key=lambda t: t.done_at or t.due_utc)
        parts.append(translate("LeadDetail", "last: {0}").format(outcome_name(last.outcome)))
    return " · ".join(parts)


def _answer(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return translate("LeadDetail", "yes") if value else translate("LeadDetail", "no")
    return str(value)


def _group(title: str, content: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.addWidget(content)
    return box
