"""The store's schema revisions, oldest first (``rNNNN_*.py``)."""
