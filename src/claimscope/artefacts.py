"""Trained model artefacts: numpy arrays plus a JSON description, never pickle.

A model ships as two files side by side, ``NAME.npz`` (named arrays, read with
``allow_pickle=False`` so loading runs no code) and ``NAME.json`` (its settings, the data
and seed it was trained from, and its measured figures). Every trained model in the
package is saved and loaded through these two functions.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

ARTEFACT_FORMAT = "claimscope.artefact/1"
MODELS_PACKAGE = "claimscope.models"


class ArtefactError(Exception):
    """A model artefact is missing, unreadable or of another format."""


def save_artefact(
    directory: Path, name: str, arrays: dict[str, npt.NDArray[Any]], meta: dict[str, Any]
) -> tuple[Path, Path]:
    """Write ``NAME.npz`` and ``NAME.json`` into ``directory``; return both paths."""
    directory.mkdir(parents=True, exist_ok=True)
    arrays_path = directory / f"{name}.npz"
    meta_path = directory / f"{name}.json"
    # A fixed member order keeps the file byte-identical for identical arrays, so a
    # rebuilt artefact that did not change shows no diff.
    # numpy's stub types every keyword as its own ``allow_pickle`` flag; arrays are data.
    save_arrays: Any = np.savez_compressed
    with arrays_path.open("wb") as handle:
        save_arrays(handle, **dict(sorted(arrays.items())))
    payload = {"format": ARTEFACT_FORMAT, "name": name, **meta}
    meta_path.write_text(
        json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return arrays_path, meta_path


def load_artefact(
    name: str, directory: Path | None = None
) -> tuple[dict[str, npt.NDArray[Any]], dict[str, Any]]:
    """Read an artefact's arrays and description; from the package unless a directory is given."""
    if directory is None:
        base = resources.files(MODELS_PACKAGE)
        arrays_file, meta_file = base / f"{name}.npz", base / f"{name}.json"
    else:
        arrays_file, meta_file = directory / f"{name}.npz", directory / f"{name}.json"
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        with arrays_file.open("rb") as handle, np.load(handle, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except (OSError, ValueError) as error:
        raise ArtefactError(f"cannot read model artefact {name!r}: {error}") from error
    if meta.get("format") != ARTEFACT_FORMAT:
        raise ArtefactError(f"model artefact {name!r} is not in format {ARTEFACT_FORMAT}")
    return arrays, meta


def models_version(directory: Path | None = None) -> str:
    """A fingerprint of the shipped models: sha256 over every artefact's JSON description.

    The description records each model's settings, data, seed and figures, so a retrained
    or replaced model changes it; stored dossiers keep the fingerprint of the models that
    produced them.
    """
    base = resources.files(MODELS_PACKAGE) if directory is None else directory
    digest = hashlib.sha256()
    names = sorted(entry.name for entry in base.iterdir() if entry.name.endswith(".json"))
    for name in names:
        digest.update(name.encode("utf-8") + b"\0")
        digest.update((base / name).read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()
