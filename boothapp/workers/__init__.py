"""Thin Qt adapters that move work off the GUI thread."""
