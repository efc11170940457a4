"""Pure rules and typed values. No Qt, no database, no network."""
