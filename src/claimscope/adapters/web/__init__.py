"""The web app and JSON API (``claimscope serve``) over dossiers and the corpus store."""
