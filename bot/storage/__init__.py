"""Persistence: SQLAlchemy 2 models, the async database and its units of work."""
