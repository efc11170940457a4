"""Use cases with their own transactions; they return ``boothapp.core.models`` values."""
