"""Alembic's environment: migrate the connection the store hands over, in its transaction.

The store opens the connection, takes its write lock (SQLite ``BEGIN IMMEDIATE``, a
PostgreSQL advisory lock) and passes it in ``config.attributes["connection"]``, so that two
processes opening a new store at once migrate it once.
"""

from __future__ import annotations

from alembic import context

from claimscope.adapters.store.tables import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata)
with context.begin_transaction():
    context.run_migrations()
