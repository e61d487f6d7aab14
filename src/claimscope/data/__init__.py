"""Data tables shipped with claimscope (JSON files users may extend)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def load_table(name: str) -> Any:
    """A JSON data file shipped in ``claimscope/data``, parsed."""
    with resources.files(__name__).joinpath(name).open("r", encoding="utf-8") as handle:
        return json.load(handle)
