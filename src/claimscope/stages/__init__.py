"""Core stages: each reads the document and the layers before it and adds one layer."""
