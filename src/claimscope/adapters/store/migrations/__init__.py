"""The store's Alembic environment and schema versions, run in code when a store is opened."""
