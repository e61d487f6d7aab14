"""The persuasion-technique models: artefacts, the API the stage calls, the CLI scorer, training."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from claimscope.artefacts import load_artefact
from claimscope.data import load_table
from claimscope.models import __file__ as models_init
from claimscope.parsing import load_spacy
from claimscope.stages.techniques.chain import (
    TechniqueSpan,
    classify_spans,
    find_techniques,
    score_span_lines,
)
from claimscope.stages.techniques.classification import (
    DENSE_FEATURES,
    ArticleContext,
    SpanClassifier,
    length_bucket,
    pos_names,
    span_features,
)
from claimscope.stages.techniques.corpus import (
    TECHNIQUES,
    Article,
    parse_article_id,
    read_split,
)
from claimscope.stages.techniques.features import split_sentences, tokenize
from claimscope.stages.techniques.identification import (
    PRIOR_TOKENS,
    SpanIdentifier,
    decode_spans,
    with_document_prior,
)
from claimscope.stages.techniques.training import _ranked_micro_f1, train_techniques

MODELS = Path(models_init).parent
FIXTURE = Path(__file__).parent / "fixtures"

PARAGRAPH = (
    "The corrupt regime has destroyed our great nation. These radical thugs want to "
    "silence every patriot. Is this really the so-called democracy they promised?\n"
    "The minister said the talks would resume on Monday."
)


@pytest.mark.parametrize("name", ["techniques_spans", "techniques_classes"])
def test_artefacts_load_without_pickle_and_stay_small(name: str) -> None:
    with np.load(MODELS / f"{name}.npz", allow_pickle=False) as archive:
        for key in archive.files:
            assert archive[key].dtype != object
    assert (MODELS / f"{name}.npz").stat().st_size < 10 * 1024 * 1024
    _, meta = load_artefact(name)
    assert meta["data"] == "ptc/train"
    assert meta["seed"] == 13


def test_classifier_knows_the_fourteen_techniques() -> None:
    assert SpanClassifier.load().labels == TECHNIQUES
    descriptions = load_table("techniques.json")
    assert set(descriptions) == set(TECHNIQUES)
    for entry in descriptions.values():
        assert entry["name"] and entry["description"]


def test_find_techniques_on_a_hand_written_paragraph() -> None:
    spans = find_techniques(PARAGRAPH)
    assert spans, "three loaded sentences should give at least one span"
    neutral_start = PARAGRAPH.index("The minister")
    for span in spans:
        assert isinstance(span, TechniqueSpan)
        assert 0 <= span.start < span.end <= len(PARAGRAPH)
        assert span.technique in TECHNIQUES
        assert 0.0 <= span.score <= 1.0
        # The plain news sentence at the end carries no technique.
        assert span.end <= neutral_start
    assert spans == sorted(spans, key=lambda item: item.start)
    assert find_techniques("") == []
    assert find_techniques("\n\n  \n") == []


@pytest.mark.parametrize(
    ("text", "phrase", "technique"),
    [
        # Checked by hand: an insult aimed at a person, a question casting doubt without
        # grounds, and an emotionally charged adjective.
        (
            "The senator is a traitor and a liar, critics said on Tuesday.",
            "traitor",
            "Name_Calling,Labeling",
        ),
        (
            "Is this really the so-called democracy they promised?",
            "Is this really the so-called democracy they promised?",
            "Doubt",
        ),
        (
            "He said the talks were a catastrophic, shameful failure.",
            "catastrophic",
            "Loaded_Language",
        ),
    ],
)
def test_classify_spans_on_clear_cases(text: str, phrase: str, technique: str) -> None:
    start = text.index(phrase)
    [(found, probability)] = classify_spans(text, [(start, start + len(phrase))])
    assert found == technique
    assert 0.0 < probability <= 1.0


def test_a_slogan_said_again_is_repetition() -> None:
    text = (
        "Build the wall! The crowd shouted it again: build the wall! And once more, build the wall!"
    )
    second = text.index("build the wall")
    third = text.rindex("build the wall")
    labels = classify_spans(text, [(second, second + 14), (third, third + 14)])
    assert [label for label, _ in labels] == ["Repetition", "Repetition"]


def test_classify_spans_rejects_spans_outside_the_text() -> None:
    with pytest.raises(ValueError, match="not inside"):
        classify_spans("short", [(2, 9)])
    with pytest.raises(ValueError, match="not inside"):
        classify_spans("short", [(3, 3)])
    assert classify_spans("short", []) == []


def _write_article(directory: Path, article_id: int, text: str) -> None:
    (directory / f"article{article_id}.txt").write_text(text, encoding="utf-8")


def test_score_span_lines_format(tmp_path: Path) -> None:
    text = "These radical thugs want chaos.\nThey are liars, liars, liars.\n"
    _write_article(tmp_path, 7, text)
    lines = ["7\t0\t5", "", "7\t14\t19", "7\t14\t19\n"]
    output = list(score_span_lines(tmp_path, lines))
    assert len(output) == 3
    rows = [line.split("\t") for line in output]
    assert [(row[0], row[2], row[3]) for row in rows] == [
        ("7", "0", "5"),
        ("7", "14", "19"),
        ("7", "14", "19"),
    ]
    assert all(row[1] in TECHNIQUES for row in rows)
    # A span listed twice is given its two most probable techniques, not one twice.
    assert rows[1][1] != rows[2][1]
    assert rows[1][1] == classify_spans(text, [(14, 19)])[0][0]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["7\t0\t5", "seven\t0\t5"], "line 2"),
        (["7\t0"], "line 1: expected"),
        (["", "7\t5\t3"], "line 2: span 5-3"),
        (["7\t0\t500"], "line 1: span 0-500"),
        (["7\t0\tfive"], "line 1"),
        (["../7\t0\t5"], "line 1"),
        (["8\t0\t5"], "line 1: cannot read"),
    ],
)
def test_score_span_lines_errors(tmp_path: Path, lines: list[str], message: str) -> None:
    _write_article(tmp_path, 7, "These radical thugs want chaos.\n")
    with pytest.raises(ValueError, match=message):
        list(score_span_lines(tmp_path, lines))


def test_article_ids_are_digits_only() -> None:
    assert parse_article_id(" 111111111 ") == 111111111
    for bad in ("12a", "-3", "1e5", "", "١٢", "1" * 19):
        with pytest.raises(ValueError):
            parse_article_id(bad)


def test_sentences_and_tokens() -> None:
    text = 'Title here\n\nOne sentence. "Two," he said! Three?\nfour'
    pieces = [text[item.start : item.end] for item in split_sentences(text)]
    assert pieces == ["Title here", "One sentence. ", '"Two," he said! ', "Three?", "four"]
    tokens = tokenize("Don't stop — now!")
    assert [token.text for token in tokens] == ["Don't", "stop", "—", "now", "!"]


def test_patterns_stay_linear_on_pathological_text() -> None:
    # Long runs of one character class, and of sentence punctuation without a capital after.
    for text in ("a" * 200_000, ". " * 100_000, "!'" * 100_000 + " x", "'" * 200_000):
        tokens = tokenize(text)
        assert sum(len(token.text) for token in tokens) == len(text.replace(" ", ""))


def test_training_is_reproducible_on_the_fixture(tmp_path: Path) -> None:
    articles = read_split(FIXTURE / "ptc" / "train")
    assert len(articles) == 6
    first = train_techniques(FIXTURE, tmp_path / "first")
    second = train_techniques(FIXTURE, tmp_path / "second")
    # Only the measured seconds may differ between two runs.
    for metrics in (first, second):
        for part in ("span_identification", "technique_classification"):
            del metrics[part]["seconds"]
    assert first == second
    for name in (
        "techniques_spans.npz",
        "techniques_spans.json",
        "techniques_classes.npz",
        "techniques_classes.json",
    ):
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes()
    meta = json.loads((tmp_path / "first" / "techniques_classes.json").read_text(encoding="utf-8"))
    assert meta["labels"] == ["Doubt", "Loaded_Language", "Name_Calling,Labeling", "Repetition"]
    assert meta["articles"] == 6
    identifier = SpanIdentifier.load(tmp_path / "first")
    classifier = SpanClassifier.load(tmp_path / "first")
    found = find_techniques(articles[0].text, identifier, classifier)
    assert all(span.technique in meta["labels"] for span in found)


def test_length_buckets_of_spans() -> None:
    # Buckets by whitespace-separated words: 1, 2-3, 4-6, 7-12, 13 and more.
    assert [length_bucket(text) for text in ("thugs", " thugs ", "radical thugs")] == [0, 0, 1]
    assert length_bucket("a b c") == 1
    assert length_bucket("a b c d") == 2
    assert length_bucket("a b c d e f g") == 3
    assert length_bucket(" ".join(["w"] * 12)) == 3
    assert length_bucket(" ".join(["w"] * 13)) == 4


def test_said_before_marks_a_phrase_repeated_from_earlier() -> None:
    text = "Build the wall! They chant: build the wall. Nobody said it again."
    context = ArticleContext.of(text)
    first, second = text.index("Build"), text.index("build")
    nobody = text.index("Nobody")
    before = DENSE_FEATURES.index("said_before")
    after = DENSE_FEATURES.index("said_after")
    one_word = DENSE_FEATURES.index("words_1")
    crossed = DENSE_FEATURES.index("said_before_words_2-3")
    _, dense_first = span_features(context, first, first + 14)
    _, dense_second = span_features(context, second, second + 14)
    _, dense_nobody = span_features(context, nobody, nobody + 6)
    # "Build the wall" (3 words) is said first, then again (case aside) in the next sentence.
    assert (dense_first[before], dense_first[after], dense_first[crossed]) == (0.0, 1.0, 0.0)
    assert (dense_second[before], dense_second[after], dense_second[crossed]) == (1.0, 0.0, 1.0)
    # "Nobody" occurs once: neither before nor after, one word.
    assert (dense_nobody[before], dense_nobody[after], dense_nobody[one_word]) == (0.0, 0.0, 1.0)
    assert len(dense_first) == len(DENSE_FEATURES)


def test_held_out_micro_f1_gives_a_twice_listed_span_its_two_best_techniques() -> None:
    article = Article(
        7,
        "x" * 40,
        techniques=[("Doubt", 0, 10), ("Repetition", 0, 10), ("Slogans", 20, 30)],
    )
    present = ["Doubt", "Repetition", "Slogans"]
    # Rows in gold order; the twice-listed span's first row ranks Doubt, then Repetition.
    decisions = np.array([[2.0, 1.0, 0.0], [0.0, 0.0, 9.0], [3.0, 0.0, 1.0]])
    # Span 0-10 gets Doubt and Repetition (both right), 20-30 gets Doubt (wrong): 2 of 3.
    assert _ranked_micro_f1([article], decisions, present) == pytest.approx(2 / 3)


def test_part_of_speech_features_of_a_span() -> None:
    text = "They are corrupt. The corrupt regime has destroyed our great nation."
    context = ArticleContext.of(text)
    # Checked by hand: "corrupt" after "are" is an adjective (JJ) after a verb (VBP);
    # "great nation" is adjective then noun after a possessive pronoun (PRP$).
    start = text.index("corrupt")
    assert pos_names(context, start, start + len("corrupt")) == [
        "pos:ADJ",
        "pfirst:JJ",
        "plast:JJ",
        "pshape:ADJ",
        "pprev:VBP",
    ]
    start = text.index("great nation")
    assert pos_names(context, start, start + len("great nation")) == [
        "pos:ADJ",
        "pos:NOUN",
        "pos2:ADJ NOUN",
        "pfirst:JJ",
        "plast:NN",
        "pshape:ADJ NOUN",
        "pprev:PRP$",
    ]
    # The first token of the text has no previous tag.
    assert pos_names(context, 0, 4) == ["pos:PRON", "pfirst:PRP", "plast:PRP", "pshape:PRON"]
    # They are the fourth group of a span's feature names.
    (_, _, _, names), _ = span_features(context, start, start + len("great nation"))
    assert "pfirst:JJ" in names


def test_a_fully_parsed_doc_gives_the_same_findings_as_tagging_alone() -> None:
    # The parser changes some Token.pos_ values (e.g. "has" AUX or VERB), never the tags
    # the features read, so the stage's full parse and the classifier's own tagging agree.
    doc = load_spacy()(PARAGRAPH)
    assert find_techniques(PARAGRAPH, doc=doc) == find_techniques(PARAGRAPH)
    spans = [(0, 11), (PARAGRAPH.index("radical"), PARAGRAPH.index(" want"))]
    assert classify_spans(PARAGRAPH, spans, doc=doc) == classify_spans(PARAGRAPH, spans)


def test_a_doc_of_another_text_is_refused() -> None:
    other = load_spacy()("Another text entirely.")
    with pytest.raises(ValueError, match="not of this text"):
        classify_spans(PARAGRAPH, [(0, 11)], doc=other)
    with pytest.raises(ValueError, match="not of this text"):
        find_techniques(PARAGRAPH, doc=other)
    with pytest.raises(ValueError, match="not of this text"):
        SpanClassifier.load().classify(PARAGRAPH, [], doc=other)


def test_a_span_is_kept_when_its_peak_reaches_the_bar() -> None:
    # Tokens a(0,1) b(2,3) c(4,5) d(6,7) e(8,9) of one sentence.
    tokens = tokenize("a b c d e")
    probabilities = np.array([0.3, 0.35, 0.1, 0.3, 0.3])
    # Runs at 0.3 without gaps: a-b (peak 0.35, kept) and d-e (peak 0.3 < 0.34, dropped).
    [(start, end, score)] = decode_spans(tokens, probabilities, 0.3, 0, 0.34)
    assert (start, end) == (0, 3) and score == pytest.approx(0.325)
    # Bridging one token joins them: one span a-e, mean (0.3+0.35+0.1+0.3+0.3)/5 = 0.27.
    [(start, end, score)] = decode_spans(tokens, probabilities, 0.3, 1, 0.34)
    assert (start, end) == (0, 9) and score == pytest.approx(0.27)
    # Without a peak both runs stay.
    assert [span[:2] for span in decode_spans(tokens, probabilities, 0.3, 0)] == [(0, 3), (6, 9)]


@pytest.mark.parametrize(
    ("scores", "weight", "centre", "expected"),
    [
        # 200 tokens at 1.0 against a centre of 0: the mean shrunk as if 200 more tokens sat
        # at 0 is 0.5, so every score moves up by 0.5.
        ([1.0] * 200, 1.0, 0.0, [1.5] * 200),
        # Half the weight, half the move; a document below the centre moves down.
        ([1.0] * 200, 0.5, 0.0, [1.25] * 200),
        ([-1.0] * 200, 1.0, 0.0, [-1.5] * 200),
        # One token scoring 2 barely moves: its mean counts as 2/201.
        ([2.0], 1.0, 0.0, [2.0 + 2.0 / 201]),
        # A document at the centre, no weight or no tokens: unchanged.
        ([0.5, -0.5], 1.0, 0.0, [0.5, -0.5]),
        ([3.0, 1.0], 0.0, 0.0, [3.0, 1.0]),
        ([], 1.0, 0.0, []),
    ],
)
def test_document_prior_moves_scores_by_the_shrunk_mean(
    scores: list[float], weight: float, centre: float, expected: list[float]
) -> None:
    assert PRIOR_TOKENS == 200
    moved = with_document_prior(np.array(scores, dtype=np.float64), weight, centre)
    assert moved.tolist() == pytest.approx(expected)
