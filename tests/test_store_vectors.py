"""Text vectors kept in the store (StoredEncoder): each text encoded once per model."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from sqlalchemy import insert

from claimscope.adapters.store import Store
from claimscope.adapters.store import vectors as stored_vectors
from claimscope.adapters.store.store import text_key
from claimscope.adapters.store.tables import TextVectorRow
from claimscope.adapters.store.vectors import StoredEncoder
from claimscope.evidence.factchecks import FactCheck
from claimscope.evidence.library import Library
from tests.store_support import store_url as store_url  # the fixture


class CountingEncoder:
    """A stand-in encoder: a text's vector is (its length, 1, 0.5); it records what it read."""

    def __init__(self, fail_after: int | None = None) -> None:
        self.read: list[str] = []
        self.calls = 0
        self.fail_after = fail_after

    def __call__(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.calls += 1
        if self.fail_after is not None and self.calls > self.fail_after:
            raise RuntimeError("the encoder stopped")
        self.read.extend(texts)
        return np.array([[len(text), 1.0, 0.5] for text in texts], dtype=np.float32).reshape(
            len(texts), 3
        )


def test_a_text_is_encoded_once_and_read_back_from_the_store(store_url: str) -> None:
    with Store.open(store_url) as store:
        encoder = CountingEncoder()
        stored = StoredEncoder(store, "counting", encoder)
        vectors = stored(["a b", "cde", "a b"])
        assert encoder.read == ["a b", "cde"]  # the repeated text is encoded once
        assert vectors.tolist() == [[3, 1, 0.5], [3, 1, 0.5], [3, 1, 0.5]]
        assert vectors.dtype == np.float32 and stored.count() == 2
    with Store.open(store_url) as store:
        encoder = CountingEncoder()
        # "a b" and "cde" are read back, "efgh" alone is encoded.
        vectors = StoredEncoder(store, "counting", encoder)(["cde", "efgh", "a b"])
        assert encoder.read == ["efgh"]
        assert vectors.tolist() == [[3, 1, 0.5], [4, 1, 0.5], [3, 1, 0.5]]
        # Another model's vectors are its own.
        other = CountingEncoder()
        StoredEncoder(store, "another model", other)(["cde"])
        assert other.read == ["cde"]
        assert StoredEncoder(store, "counting", CountingEncoder()).count() == 3


def test_progress_is_reported_and_an_interrupted_run_keeps_its_batches(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stored_vectors, "ENCODE_BATCH", 2)
    with Store.open(store_url) as store:
        reports: list[tuple[int, int]] = []
        stored = StoredEncoder(
            store, "counting", CountingEncoder(), lambda done, total: reports.append((done, total))
        )
        stored(["one", "two", "three", "four", "five"])
        assert reports == [(2, 5), (4, 5), (5, 5)]
        stored(["one", "five"])
        assert len(reports) == 3  # nothing to encode, nothing reported
        failing = StoredEncoder(store, "failing", CountingEncoder(fail_after=1))
        with pytest.raises(RuntimeError, match="stopped"):
            failing(["a", "bb", "ccc"])
        # The first batch was written before the encoder failed on the second.
        assert failing.count() == 2
        again = CountingEncoder()
        assert StoredEncoder(store, "failing", again)(["a", "bb", "ccc"])[:, 0].tolist() == [
            1,
            2,
            3,
        ]
        assert again.read == ["ccc"]


def test_nothing_to_encode_and_bad_model_names(tmp_path: Path) -> None:
    with Store.open(f"sqlite:///{tmp_path}/store.db") as store:
        # A damaged row (too few bytes for its dimensions) reads as absent.
        with store.writing() as connection:
            connection.execute(
                insert(TextVectorRow),
                {"model": "counting", "key": text_key("abc"), "dimensions": 3, "vector": b"\0" * 5},
            )
        encoder = CountingEncoder()
        assert StoredEncoder(store, "counting", encoder)(["abc"]).tolist() == [[3, 1, 0.5]]
        assert encoder.read == ["abc"]
        assert StoredEncoder(store, "counting", CountingEncoder())([]).shape == (0, 3)
        for name in ("", "m" * 65):
            with pytest.raises(ValueError, match="1 to 64 characters"):
                StoredEncoder(store, name, CountingEncoder())


def topic_vectors(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """A stand-in for sentence embeddings: one axis for texts about garlic, one for the rest."""
    garlic = np.array(["garlic" in text.lower() for text in texts], dtype=np.float32)
    return np.stack([garlic, 1.0 - garlic], axis=1)


def test_a_library_matched_by_the_extras_model_encodes_through_the_store(tmp_path: Path) -> None:
    factchecks = [
        FactCheck(id="garlic", claim="Garlic cures colds, a post says.", reviewer="Checkers"),
        FactCheck(id="road", claim="The road was closed to traffic.", reviewer="Checkers"),
    ]
    with Store.open(f"sqlite:///{tmp_path}/store.db") as store:
        encoder = StoredEncoder(store, "topics", topic_vectors)
        library = Library(factchecks, embeddings=True, encoder=encoder)
        matcher = library.matcher()
        assert matcher.index.settings.embeddings and matcher.model.settings.embeddings
        # Two claims; the titles are empty and not encoded.
        assert encoder.count() == 2
        (best, *_) = matcher.match("Does garlic cure a cold?", k=2)
        assert best.evidence_id == "garlic"
        assert encoder.count() == 3  # without a query encoder, the claim matched is kept
        # With one, the claims matched are encoded by it and never reach the store.
        read: list[str] = []

        def queries(texts: Sequence[str]) -> npt.NDArray[np.float32]:
            read.extend(texts)
            return topic_vectors(texts)

        apart = Library(factchecks, embeddings=True, encoder=encoder, query_encoder=queries)
        apart.matcher().match("Soup for a cold", k=1)
        assert read == ["Soup for a cold"] and encoder.count() == 3
        assert not Library(factchecks).matcher().index.settings.embeddings
