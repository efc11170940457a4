"""First-run wizard page: who works the booth, each with a PIN (stored hashed)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWizardPage,
)

from boothapp.core.pins import validate_pin


@dataclass(frozen=True, slots=True)
class NewStaff:
    name: str
    pin: str


class StaffSetupPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Booth staff"))
        self.setSubTitle(
            self.tr("Add everyone who scans at the booth. Each signs in with a 4-8 digit PIN.")
        )
        self._staff: list[NewStaff] = []
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("Name"))
        self.pin = QLineEdit()
        self.pin.setPlaceholderText(self.tr("PIN"))
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(8)
        self.add = QPushButton(self.tr("Add"))
        self.add.setDefault(False)
        self.list = QListWidget()
        self.remove = QPushButton(self.tr("Remove selected"))
        self.error = QLabel()
        self.error.setProperty("role", "error")
        row = QHBoxLayout()
        row.addWidget(self.name, 2)
        row.addWidget(self.pin, 1)
        row.addWidget(self.add)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(self.list)
        layout.addWidget(self.remove)
        self.add.clicked.connect(self._add)
        self.pin.returnPressed.connect(self._add)
        self.remove.clicked.connect(self._remove)

    @property
    def staff(self) -> list[NewStaff]:
        return list(self._staff)

    def _add(self) -> None:
        name, pin = self.name.text().strip(), self.pin.text()
        if not name:
            self.error.setText(self.tr("Enter a name"))
            return
        if any(s.name.lower() == name.lower() for s in self._staff):
            self.error.setText(self.tr("{0} is already on the list").format(name))
            return
        problem = validate_pin(pin)
        if problem:
            self.error.setText(problem.capitalize())
            return
        self._staff.append(NewStaff(name, pin))
        self.list.addItem(name)
        self.name.clear()
        self.pin.clear()
        self.error.clear()
        self.name.setFocus()
        self.completeChanged.emit()

    def _remove(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            del self._staff[row]
            self.completeChanged.emit()

    def isComplete(self) -> bool:
        return bool(self._staff)
