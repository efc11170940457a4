"""Follow-up rules: plan, timing, cadence, attempts, metrics, calendar export (no Qt, no DB)."""
