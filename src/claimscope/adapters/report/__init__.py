"""Report writers: a dossier as JSON, Markdown, HTML or terminal text."""
