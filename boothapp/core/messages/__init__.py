"""Personalised follow-up messages rendered from Jinja2 templates (no Qt, no DB)."""
