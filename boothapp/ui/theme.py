"""Light and dark themes, readable at arm's length: large base font, big targets."""

from __future__ import annotations

import enum

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

BASE_POINT_SIZE = 12.0


class Theme(enum.StrEnum):
    LIGHT = "light"
    DARK = "dark"


_COLORS = {
    Theme.LIGHT: {
        "window": "#f4f5f7",
        "base": "#ffffff",
        "alt": "#eef0f3",
        "text": "#1c1e21",
        "muted": "#5f6670",
        "button": "#e6e8eb",
        "accent": "#1f5fbf",
        "accent_text": "#ffffff",
        "border": "#c9ced6",
        "hot": "#d64545",
        "warm": "#e08a1e",
        "cold": "#3a7bd5",
        "ok": "#2e9d57",
    },
    Theme.DARK: {
        "window": "#1d2024",
        "base": "#25292e",
        "alt": "#2c3137",
        "text": "#eceff3",
        "muted": "#a3abb5",
        "button": "#343a41",
        "accent": "#4d8ff0",
        "accent_text": "#0b0d10",
        "border": "#454c55",
        "hot": "#ff6b6b",
        "warm": "#ffb347",
        "cold": "#6fa8ff",
        "ok": "#4cc47a",
    },
}


def color(theme: Theme, name: str) -> QColor:
    return QColor(_COLORS[theme][name])


def stylesheet(theme: Theme) -> str:
    c = _COLORS[theme]
    return f"""
    QWidget {{ color: {c["text"]}; }}
    QMainWindow, QDialog {{ background: {c["window"]}; }}
    QListWidget#Navigation {{ background: {c["alt"]}; border: none; font-size: 14pt; }}
    QListWidget#Navigation::item {{ padding: 14px 12px; }}
    QListWidget#Navigation::item:selected {{ background: {c["accent"]};
        color: {c["accent_text"]}; border-radius: 6px; }}
    QPushButton {{ background: {c["button"]}; border: 1px solid {c["border"]};
        border-radius: 6px; padding: 8px 16px; min-height: 28px; }}
    QPushButton:checked {{ background: {c["accent"]}; color: {c["accent_text"]};
        border-color: {c["accent"]}; }}
    QPushButton[primary="true"] {{ background: {c["accent"]}; color: {c["accent_text"]};
        font-weight: bold; }}
    QPushButton:disabled {{ color: {c["muted"]}; }}
    QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QSpinBox, QDateEdit {{
        background: {c["base"]}; border: 1px solid {c["border"]}; border-radius: 5px;
        padding: 6px; min-height: 26px; }}
    QLineEdit[invalid="true"] {{ border: 2px solid {c["hot"]}; }}
    QLabel[role="muted"] {{ color: {c["muted"]}; }}
    QLabel[role="title"] {{ font-size: 18pt; font-weight: bold; }}
    QLabel[role="error"] {{ color: {c["hot"]}; }}
    QTableView {{ background: {c["base"]}; alternate-background-color: {c["alt"]};
        gridline-color: {c["border"]}; }}
    QHeaderView::section {{ background: {c["alt"]}; padding: 6px; border: none;
        border-bottom: 1px solid {c["border"]}; font-weight: bold; }}
    QProgressBar {{ border: 1px solid {c["border"]}; border-radius: 5px; text-align: center;
        background: {c["base"]}; min-height: 20px; }}
    QProgressBar::chunk {{ background: {c["accent"]}; border-radius: 4px; }}
    QStatusBar {{ background: {c["alt"]}; }}
    """


def apply_theme(app: QApplication, theme: Theme, font_scale: float = 1.0) -> None:
    c = _COLORS[theme]
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor(c["window"]))
    palette.setColor(QPalette.ColorRole.Base, QColor(c["base"]))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor(c["alt"]))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(c["text"]))
    palette.setColor(QPalette.ColorRole.Text, QColor(c["text"]))
    palette.setColor(QPalette.ColorRole.Button, QColor(c["button"]))
    palette.setColor(QPalette.ColorRole.ButtonText, QColor(c["text"]))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(c["accent"]))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor(c["accent_text"]))
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor(c["muted"]))
    app.setPalette(palette)
    font = QFont(app.font())
    font.setPointSizeF(BASE_POINT_SIZE * font_scale)
    app.setFont(font)
    app.setStyleSheet(stylesheet(theme))
