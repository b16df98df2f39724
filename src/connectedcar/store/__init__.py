"""Persistence: SQLAlchemy Core tables, repositories (all SQL lives here) and Alembic migrations."""
