"""The corpus store: analysed documents and their dossiers in SQLite (default) or PostgreSQL.

Built on SQLAlchemy with migrations; the corpus commands, the evidence library, the web
app and the cross-document operations read and write documents through it.
"""
