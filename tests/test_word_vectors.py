"""The torch-free word vectors: words read, weights, distillation on a toy teacher, artefact."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from claimscope.artefacts import MODELS_PACKAGE, save_artefact
from claimscope.evidence.matching import MatchingModel, embeddings_available, feature_names
from claimscope.evidence.word_vectors import (
    ARTEFACT_NAME,
    CLAIM_SOURCES,
    NEWS_SOURCES,
    DistillationSettings,
    RankingSettings,
    WordVectors,
    distil,
    query_sentences,
    smooth_inverse_frequency,
    text_words,
    tune_to_rankings,
)
from tests.conftest import run_cli


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vaccines cause AUTISM", ["vaccines", "cause", "autism"]),
        # Digits, underscores and one-letter words are not words here.
        ("COVID-19 in 5G towers_x a", ["covid", "in", "towers"]),
        ("Déjà vu, naïve Ölgemälde", ["déjà", "vu", "naïve", "ölgemälde"]),
        ("", []),
    ],
)
def test_text_words(text: str, expected: list[str]) -> None:
    assert text_words(text) == expected


def test_smooth_inverse_frequency_by_hand() -> None:
    # p(common) = 0.9 -> 0.1 / (0.1 + 0.9) = 0.1; p(rare) = 0.1 -> 0.1 / 0.2 = 0.5;
    # an uncounted word has p = 0 -> weight 1.
    weights = smooth_inverse_frequency(
        ["common", "rare", "unseen"], Counter({"common": 90, "rare": 10}), 0.1
    )
    assert weights.tolist() == pytest.approx([0.1, 0.5, 1.0])


def _toy_vectors() -> WordVectors:
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], dtype=np.float32)
    return WordVectors(("cat", "dog", "pet"), vectors, np.array([1.0, 1.0, 0.5], np.float32))


def test_a_text_is_the_weighted_mean_of_its_words_unit_length() -> None:
    encoded = _toy_vectors().encode(["Cat", "cat dog", "cat pet", "nothing known here", ""])
    assert encoded[0] == pytest.approx([1.0, 0.0])
    assert encoded[1] == pytest.approx([2**-0.5, 2**-0.5])
    # cat (1, 0) weighs 1, pet (1, 1) weighs 0.5: (1.5, 0.5) / |(1.5, 0.5)|.
    assert encoded[2] == pytest.approx(np.array([1.5, 0.5]) / np.hypot(1.5, 0.5))
    assert encoded[3].tolist() == [0.0, 0.0]
    assert encoded[4].tolist() == [0.0, 0.0]


def test_one_weight_and_one_vector_per_word() -> None:
    with pytest.raises(ValueError, match="one vector and one weight per word"):
        WordVectors(("a", "b"), np.zeros((3, 2), np.float32), np.ones(2, np.float32))


# A toy teacher: a word alone is its own axis, so no two words start alike; a sentence is
# the axis of its topic, felines (cat, kitten) or canines (dog, puppy).
TOY_WORDS = ("cat", "kitten", "dog", "puppy")
TOPIC_AXIS = {"cat": 4, "kitten": 4, "dog": 5, "puppy": 5}


def _toy_teacher(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    rows = np.zeros((len(texts), 6), dtype=np.float32)
    for row, text in enumerate(texts):
        found = text_words(text)
        if len(found) == 1:
            rows[row, TOY_WORDS.index(found[0])] = 1.0
        else:
            for word in found:
                rows[row, TOPIC_AXIS[word]] += 1.0
            rows[row] /= np.linalg.norm(rows[row])
    return rows


def test_distillation_brings_words_of_one_topic_together() -> None:
    counts = Counter({word: 5 for word in TOY_WORDS}) + Counter({"rare": 1})
    sentences = ["cat kitten", "kitten cat cat", "dog puppy", "puppy puppy dog", "cat kitten"]
    settings = DistillationSettings(smoothing=1.0, regularisation=0.01, dimensions=6)
    vectors = distil(counts, sentences, _toy_teacher, settings)
    # The word seen once is below minimum_count: no vector.
    assert vectors.words == ("cat", "dog", "kitten", "puppy")
    cat, kitten, dog, puppy = vectors.encode(["cat", "kitten", "dog", "puppy"])
    # At the start every pair is orthogonal; after fitting, each topic's words are near.
    assert float(cat @ kitten) > 0.8
    assert float(dog @ puppy) > 0.8
    assert float(cat @ dog) < 0.3


def test_projection_keeps_the_leading_directions() -> None:
    counts = Counter({word: 5 for word in TOY_WORDS})
    sentences = ["cat kitten", "dog puppy"]
    settings = DistillationSettings(smoothing=1.0, regularisation=0.01, dimensions=2)
    vectors = distil(counts, sentences, _toy_teacher, settings)
    assert vectors.dimensions == 2
    cat, kitten, dog = vectors.encode(["cat", "kitten", "dog"])
    assert float(cat @ kitten) > float(cat @ dog)


def test_distillation_without_any_word_is_refused() -> None:
    with pytest.raises(ValueError, match="no word"):
        distil(Counter({"cat": 1}), ["cat"], _toy_teacher)


@pytest.mark.skipif(not embeddings_available(), reason="the tuning needs torch (embeddings extra)")
def test_tuning_makes_the_words_rank_as_the_teacher_ranks() -> None:
    # Two dimensions: "query" starts along the first axis with "near"; the teacher sees the
    # query along the second axis, with "far".
    vectors = WordVectors(
        words=("far", "near", "query"),
        vectors=np.array([[0.0, 1.0], [1.0, 0.1], [1.0, 0.0]], dtype=np.float32),
        weights=np.ones(3, dtype=np.float32),
    )
    entries = [("near", "near"), ("far", "far")]
    teacher_entries = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    before = vectors.encode(["query", "near", "far"])
    assert float(before[0] @ before[1]) > float(before[0] @ before[2])
    settings = RankingSettings(epochs=300, learning_rate=0.05, regularisation=0.0, batch=1)
    tuned = tune_to_rankings(
        vectors,
        ["query"],
        np.array([[0.0, 1.0]], dtype=np.float32),
        entries,
        (teacher_entries, teacher_entries),
        settings,
    )
    after = tuned.encode(["query", "near", "far"])
    assert float(after[0] @ after[2]) > float(after[0] @ after[1])
    assert tuned.words == vectors.words
    assert tuned.weights.tolist() == vectors.weights.tolist()


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_query_sentences_keep_claims_and_sample_news(tmp_path: Path) -> None:
    claimbuster, clef2019, clef2020, tweets = (tmp_path / source for source in CLAIM_SOURCES)
    reuters, wikinews, articles = (tmp_path / source for source in NEWS_SOURCES)
    six = "We lost seven hundred thousand jobs here."
    _write(claimbuster, f'[{{"sentence_id": 1, "label": 1, "text": "{six}"}}]')
    _write(
        clef2019,
        f'line_number,speaker,text,label,file_name\n1,A,"{six}",1,d1\n2,A,Too short,0,d1\n',
    )
    _write(clef2020, "text\tlabel\nThe senator voted against the budget twice last year.\t1\n")
    _write(
        tweets,
        "\ttweet_content\n1\tVaccines were never tested on children at all pic.twitter.com/x"
        " — Jane Doe (@jane) May 1, 2019\n",
    )
    story = {
        "title": "RATES UP",
        "body": "The central bank raised its\nlending rate by half a point on Monday. Brief.",
    }
    _write(reuters, json.dumps(story) + "\n")
    _write(
        wikinews,
        'url,date,title,text\nu,2019-01-01,Flood,"Rivers burst their banks across the north'
        ' of the country overnight.\nShort line."\n',
    )
    _write(articles / "a1.txt", "Officials said the new bridge will open to traffic next spring.")
    claims, news = query_sentences(tmp_path, news_sentences=10)
    # One claim though read twice; "Too short" has under six words; the tweet is cleaned as
    # every query is (link, handle and date gone, the author's name kept).
    assert claims == sorted(
        [
            six,
            "The senator voted against the budget twice last year.",
            "Vaccines were never tested on children at all — Jane Doe",
        ]
    )
    # The wire's broken line is joined; titles, "Brief." and "Short line." are too short.
    assert sorted(news) == [
        "Officials said the new bridge will open to traffic next spring.",
        "Rivers burst their banks across the north of the country overnight.",
        "The central bank raised its lending rate by half a point on Monday.",
    ]
    assert len(query_sentences(tmp_path, news_sentences=2)[1]) == 2
    (tmp_path / NEWS_SOURCES[1]).unlink()
    with pytest.raises(FileNotFoundError, match="wikinews"):
        query_sentences(tmp_path, news_sentences=10)


def test_artefact_round_trip_holds_arrays_only(tmp_path: Path) -> None:
    vectors = _toy_vectors()
    save_artefact(tmp_path, ARTEFACT_NAME, vectors.arrays(), {"settings": {}})
    # Fixed-width unicode and numbers only: nothing that numpy would unpickle.
    with zipfile.ZipFile(tmp_path / f"{ARTEFACT_NAME}.npz") as archive:
        assert sorted(archive.namelist()) == ["vectors.npy", "weights.npy", "words.npy"]
    loaded = WordVectors.load(tmp_path)
    assert loaded.words == vectors.words
    assert loaded.vectors == pytest.approx(vectors.vectors)
    assert loaded.weights.tolist() == vectors.weights.tolist()


def test_shipped_vectors_describe_their_distillation() -> None:
    vectors = WordVectors.load()
    meta = vectors.meta
    assert meta["teacher"]["model"] == "all-MiniLM-L6-v2"
    assert vectors.dimensions == meta["settings"]["dimensions"]
    assert len(vectors.words) == meta["counts"]["words"]
    assert list(vectors.words) == sorted(set(vectors.words))
    assert np.isfinite(vectors.vectors).all()
    # Tuned to rank after the fit, on claims, tweets and news sentences.
    settings = asdict(RankingSettings())
    assert {name: meta["ranking"][name] for name in settings} == settings
    counts = meta["counts"]
    assert counts["ranking_queries"] == counts["claim_queries"] + counts["news_queries"]
    assert 0 < counts["news_queries"] <= RankingSettings().news_sentences


@pytest.mark.parametrize(
    ("text", "near", "far"),
    [
        (
            "Vaccines cause autism in children",
            "Immunization shots are linked to autism",
            "The senator visited a dairy farm",
        ),
        (
            "A photo shows sharks swimming on a flooded highway",
            "Picture of a shark in floodwater on a freeway after the hurricane",
            "The central bank raised interest rates",
        ),
        (
            "The president signed an executive order banning immigration",
            "Trump decree bars migrants from entering the country",
            "A recipe for chocolate cake with strawberries",
        ),
    ],
)
def test_shipped_vectors_put_paraphrases_nearer_than_strangers(
    text: str, near: str, far: str
) -> None:
    encoded = WordVectors.load().encode([text, near, far])
    assert float(encoded[0] @ encoded[1]) > float(encoded[0] @ encoded[2]) + 0.1


def test_the_default_matching_model_reads_the_word_vectors() -> None:
    model = MatchingModel.load()
    assert model.settings.word_vectors and not model.settings.embeddings
    assert "dense_cosine_claim" in feature_names(model.settings)
    # Its weights hold for the vectors it was trained with: retraining the vectors without
    # retraining the re-ranker would leave this sum stale.
    shipped = resources.files(MODELS_PACKAGE) / f"{ARTEFACT_NAME}.npz"
    assert model.meta["word_vectors"] == {
        "artefact": ARTEFACT_NAME,
        "sha256": hashlib.sha256(shipped.read_bytes()).hexdigest(),
    }


@pytest.mark.skipif(embeddings_available(), reason="the embeddings extra is installed")
def test_training_without_the_teacher_exits_2(tmp_path: Path) -> None:
    completed = run_cli("train", "word-vectors", "--data", str(tmp_path), "--out", str(tmp_path))
    assert completed.returncode == 2
    assert "needs the optional extra" in completed.stderr.decode()


def test_generalisation_bench_splits_the_collection_into_two_disjoint_halves() -> None:
    from bench.word_vectors_generalisation import halves

    ids = [str(number) for number in range(11)]
    seen, unseen = halves(ids, seed=3)
    assert seen.isdisjoint(unseen)
    assert seen | unseen == set(ids)
    assert (len(seen), len(unseen)) == (5, 6)
    assert halves(ids, seed=3) == (seen, unseen)
    assert halves(ids, seed=4) != (seen, unseen)


def test_generalisation_bench_measures_each_half_on_its_own_queries() -> None:
    from bench.word_vectors_generalisation import by_half

    ranked = {"q1": ["a", "x"], "q2": ["x", "b"], "q3": ["c"], "q4": ["x", "y"]}
    # q1's claim is seen and first (AP 1); q2's is unseen and second (AP 1/2); q3 is judged
    # on one seen and one unseen claim, so it belongs to neither half; q4's unseen claim is
    # not found (AP 0).
    qrels = {"q1": {"a"}, "q2": {"b"}, "q3": {"a", "c"}, "q4": {"d"}}
    figures = by_half(ranked, qrels, seen={"a", "x", "y"})
    assert figures["relevant_seen"]["queries"] == 1
    assert figures["relevant_seen"]["map_at_5"] == pytest.approx(1.0)
    assert figures["relevant_unseen"]["queries"] == 2
    assert figures["relevant_unseen"]["map_at_5"] == pytest.approx(0.25)


def test_recorded_generalisation_figures_are_consistent() -> None:
    results = Path(__file__).parent.parent / "bench/results/word_vectors_generalisation.json"
    figures = json.loads(results.read_text(encoding="utf-8"))
    assert figures["seen_entries"] == figures["collection"] // 2
    for split, tweets in (("dev", 197), ("train", 800)):
        for vectors in ("trained_on_seen_half", "shipped_trained_on_both"):
            halves = figures[split][vectors]
            seen, unseen = halves["relevant_seen"], halves["relevant_unseen"]
            # A tweet judged on claims of both halves is in neither group.
            assert 0 < seen["queries"] + unseen["queries"] <= tweets
            for found in (seen, unseen):
                assert 0.0 <= found["map_at_5"] <= found["recall_at_5"] <= 1.0
    # The whole default matcher, re-ranked, reading each set of vectors.
    for vectors in ("trained_on_seen_half", "shipped_trained_on_both"):
        halves = figures["dev"]["reranked"][vectors]
        assert (
            halves["relevant_seen"]["queries"]
            == figures["dev"][vectors]["relevant_seen"]["queries"]
        )
        for found in halves.values():
            assert 0.0 <= found["map_at_5"] <= found["recall_at_5"] <= 1.0
