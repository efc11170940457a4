"""Kiosk shell: visitors register themselves on a public device."""
