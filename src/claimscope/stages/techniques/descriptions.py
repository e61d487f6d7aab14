"""Plain names and short descriptions of the 14 technique labels, for readers of reports.

Kept apart from the models so that a report can describe a label without loading them.
"""

from __future__ import annotations

import functools

from claimscope.data import load_table


@functools.cache
def technique_descriptions() -> dict[str, tuple[str, str]]:
    """Each technique label's plain name and a short description written for readers."""
    table = load_table("techniques.json")
    return {label: (entry["name"], entry["description"]) for label, entry in table.items()}


def describe(technique: str) -> tuple[str, str]:
    """The plain name and description of a technique label ("Loaded_Language")."""
    return technique_descriptions().get(technique, (technique.replace("_", " "), ""))
