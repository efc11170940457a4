"""PySide6 widgets: one page or widget per module."""
