"""SQLAlchemy models, sessions and migrations. Nothing here leaks ORM rows upward."""
