"""Adapters: the ways in and out of the core (CLI, reports; later store, web, spark)."""
