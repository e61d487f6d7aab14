"""Text vectors kept in the store, so that each text is encoded once per model.

Matching with the embeddings extra encodes every entry of the evidence library: about 13 s
per 1,000 entries on one core, paid again by every `claimscope match` run before. The
vectors are kept in ``text_vectors`` by model and the text's sha256; a run encodes only
the texts it has not seen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, select

from claimscope.adapters.store.store import Store, text_key
from claimscope.adapters.store.tables import TextVectorRow
from claimscope.evidence.matching import Encoder

# Keys per SELECT: well inside SQLite's and PostgreSQL's limits on bound parameters.
_LOOKUP_CHUNK = 500
# Texts encoded, then written in one transaction: an interrupted run keeps what it wrote.
ENCODE_BATCH = 256
_VECTOR_TYPE = np.dtype("<f4")


class StoredEncoder:
    """An encoder that reads the vectors it has made before from the store and keeps new ones.

    ``progress``, when given, is called with (texts encoded, texts to encode) after each
    batch of texts that were not in the store. It is meant for the library's entries; the
    claims matched are encoded by ``encoder`` itself (an index's ``query_encoder``), or the
    store would gain a vector for every claim ever matched.
    """

    def __init__(
        self,
        store: Store,
        model: str,
        encoder: Encoder,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        if not 0 < len(model) <= 64:
            raise ValueError("a model name is 1 to 64 characters")
        self.store = store
        self.model = model
        self.encoder = encoder
        self.progress = progress

    def __call__(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Each text's vector, one row each, in the order given."""
        if not texts:
            return np.asarray(self.encoder([]), dtype=np.float32)
        keys = [text_key(text) for text in texts]
        vectors = self.stored(set(keys))
        missing = list(
            {key: text for key, text in zip(keys, texts, strict=True) if key not in vectors}.items()
        )
        for start in range(0, len(missing), ENCODE_BATCH):
            batch = missing[start : start + ENCODE_BATCH]
            encoded = np.asarray(self.encoder([text for _, text in batch]), dtype=np.float32)
            rows = [
                {
                    "model": self.model,
                    "key": key,
                    "dimensions": int(vector.shape[0]),
                    "vector": vector.astype(_VECTOR_TYPE).tobytes(),
                }
                for (key, _), vector in zip(batch, encoded, strict=True)
            ]
            with self.store.writing() as connection:
                connection.execute(
                    self.store.insert_statement(TextVectorRow).on_conflict_do_nothing(
                        index_elements=["model", "key"]
                    ),
                    rows,
                )
            vectors.update((key, vector) for (key, _), vector in zip(batch, encoded, strict=True))
            if self.progress is not None:
                self.progress(min(start + ENCODE_BATCH, len(missing)), len(missing))
        return np.stack([vectors[key] for key in keys]).astype(np.float32)

    def stored(self, keys: set[str]) -> dict[str, npt.NDArray[np.float32]]:
        """The vectors the store holds for these text keys, by this encoder's model."""
        found: dict[str, npt.NDArray[np.float32]] = {}
        ordered = sorted(keys)
        with self.store.engine.connect() as connection:
            for start in range(0, len(ordered), _LOOKUP_CHUNK):
                rows = connection.execute(
                    select(TextVectorRow.key, TextVectorRow.dimensions, TextVectorRow.vector)
                    .where(TextVectorRow.model == self.model)
                    .where(TextVectorRow.key.in_(ordered[start : start + _LOOKUP_CHUNK]))
                )
                for key, dimensions, vector in rows:
                    if len(vector) != dimensions * _VECTOR_TYPE.itemsize:
                        # A damaged row reads as absent: the text is encoded again (the
                        # row stays, as a write never replaces one).
                        continue
                    found[key] = np.frombuffer(vector, dtype=_VECTOR_TYPE).astype(np.float32)
        return found

    def count(self) -> int:
        """How many vectors the store holds for this encoder's model."""
        with self.store.engine.connect() as connection:
            return int(
                connection.execute(
                    select(func.count()).where(TextVectorRow.model == self.model)
                ).scalar_one()
            )
