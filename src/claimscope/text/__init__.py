"""Text helpers that more than one stage needs: dates, sentences, quote marks, list lines, spans.

These are core modules: they import the document and dossier models at most, never a
stage, so that stages share code through them instead of through each other.
"""
