"""Shipped model artefacts: ``*.npz`` arrays with ``*.json`` descriptions (claimscope.artefacts)."""
