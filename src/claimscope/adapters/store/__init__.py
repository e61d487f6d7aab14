"""The corpus store: analysed documents and their dossiers in SQLite (default) or PostgreSQL.

Built on SQLAlchemy with migrations; the corpus commands, the evidence library, the web
app and the cross-document operations read and write documents through it.
"""

from claimscope.adapters.store.search import Filters, Hit
from claimscope.adapters.store.store import (
    Analysed,
    BatchResult,
    Rejected,
    Sighting,
    Store,
    StoredDocument,
    Versions,
)
from claimscope.adapters.store.urls import StoreError, StoreLocation, resolve_location

__all__ = [
    "Analysed",
    "BatchResult",
    "Filters",
    "Hit",
    "Rejected",
    "Sighting",
    "Store",
    "StoreError",
    "StoreLocation",
    "StoredDocument",
    "Versions",
    "resolve_location",
]
