"""The parse of texts of any size and shape: offsets kept, sentences bounded, spaCy's limits met."""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING

import pytest

from claimscope.analysis import Analysis
from claimscope.dossier import Entity
from claimscope.ingestion import Settings, make_document
from claimscope.parsing import (
    MAX_MARK_RUN,
    MAX_SENTENCE_TOKENS,
    ParseNotes,
    cap_sentences,
    load_spacy,
    parse_texts,
    parse_with_names_masked,
    shape_for_tokenizer,
    split_into_pieces,
)
from claimscope.pipeline import Pipeline
from tests.conftest import shared_path

if TYPE_CHECKING:
    from spacy.tokens import Doc


@pytest.mark.parametrize(
    "text",
    [
        "An ordinary sentence, with marks: (a) “quoted” — and ... dots!?",
        "A rule line\n" + "=" * MAX_MARK_RUN + "\nstays as it is.",
        "",
    ],
)
def test_ordinary_text_is_shown_to_the_tokenizer_unchanged(text: str) -> None:
    notes = ParseNotes()
    assert shape_for_tokenizer(text, notes) == text
    assert notes.spaced_runs == []


def test_a_long_run_of_marks_becomes_its_first_mark_and_spaces() -> None:
    run = '"' * 40 + "«»" * 30
    text = "Before " + run + " after."
    notes = ParseNotes()
    shaped = shape_for_tokenizer(text, notes)
    start = len("Before ")
    assert len(shaped) == len(text)
    assert shaped == "Before " + '"' + " " * (len(run) - 1) + " after."
    assert notes.spaced_runs == [(start, start + len(run))]


@pytest.mark.parametrize(
    ("text", "max_chars", "expected"),
    [
        ("short", 10, [(0, 5)]),
        # A paragraph break in the second half of the window wins over a later line break.
        ("aaaaaaa\n\nbb\ncc dd", 12, [(0, 9), (9, 17)]),
        ("aaaaaa bbbbbbb", 10, [(0, 7), (7, 14)]),
        ("x" * 25, 10, [(0, 10), (10, 20), (20, 25)]),
    ],
)
def test_pieces_cover_the_text_and_end_at_breaks(
    text: str, max_chars: int, expected: list[tuple[int, int]]
) -> None:
    pieces = split_into_pieces(text, max_chars)
    assert pieces == expected
    assert all(end - start <= max_chars for start, end in pieces)


def test_sentences_without_an_end_are_cut_for_the_parser() -> None:
    nlp = load_spacy()
    text = "the plan would cost more and " * 150  # 900 tokens, no full stop
    notes = ParseNotes()
    doc = nlp(cap_sentences(nlp.make_doc(text), 0, notes))
    lengths = [len(sentence) for sentence in doc.sents]
    assert max(lengths) <= MAX_SENTENCE_TOKENS
    assert len(notes.sentence_cuts) >= len(text.split()) // MAX_SENTENCE_TOKENS
    assert set(notes.sentence_cuts) <= {sentence.start_char for sentence in doc.sents}


def test_ordinary_sentences_are_parsed_as_spacy_parses_them() -> None:
    nlp = load_spacy()
    text = (
        "The court ruled on Monday. Its order, which the ministry welcomed, takes effect "
        "in July; critics said it came too late.\n\nA second paragraph follows here."
    )
    (doc, notes), *rest = parse_texts(nlp, [text])
    plain = nlp(text)
    assert rest == []
    assert notes == ParseNotes()
    assert [s.text for s in doc.sents] == [s.text for s in plain.sents]
    assert [(t.tag_, t.dep_, t.head.i) for t in doc] == [(t.tag_, t.dep_, t.head.i) for t in plain]


def test_pieces_are_joined_into_one_doc_of_the_whole_text() -> None:
    nlp = load_spacy()
    paragraph = "Angela Merkel met Emmanuel Macron in Paris on Tuesday.\n\n"
    texts = [paragraph * 40, "A short one.", paragraph * 3]
    parsed = list(parse_texts(nlp, texts, batch_size=2, max_piece_chars=300))
    assert [doc.text for doc, _ in parsed] == texts
    long_doc = parsed[0][0]
    # Every paragraph, in every piece, is parsed: its names are found at their offsets.
    people = [entity for entity in long_doc.ents if entity.label_ == "PERSON"]
    assert len(people) >= 40
    assert all(texts[0][e.start_char : e.end_char] == e.text for e in long_doc.ents)
    assert long_doc[-1].idx + len(long_doc[-1]) == len(texts[0])


def test_a_document_over_spacys_limit_is_analysed_in_pieces() -> None:
    # Over 1,000,000 characters (spaCy's max_length) but cheap to parse: mostly blank lines.
    text = "Lead line of the story.\n" + "\n" * 1_000_000 + "Angela Merkel spoke in Berlin."
    document = make_document(text, "big.txt", settings=Settings(max_chars=2_000_000))
    dossier = Pipeline().analyze(document)
    tail = len(document.text) - len("Angela Merkel spoke in Berlin.")
    assert any(entity.start >= tail and entity.text == "Berlin" for entity in dossier.entities)


def test_spacy_does_not_run_when_no_stage_reads_the_parse() -> None:
    pipeline = Pipeline().without("entities", "voices", "claims", "techniques")
    assert not pipeline.needs_parse
    document = make_document('"' * 50_000 + " text", "marks.txt")
    dossier = pipeline.analyze(document)
    assert not [warning for warning in dossier.warnings if warning.stage == "parse"]


class _SlowStage:
    name = "slow"
    needs_parse = False

    def __call__(self, analysis: Analysis) -> None:
        analysis.dossier.entities.append(Entity(text="x", label="X", start=0, end=1))


def test_the_time_budget_skips_the_remaining_stages_and_keeps_the_dossier(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A clock that moves 10 s each time it is read: the budget of 25 s runs out after two
    # stages, whatever the machine's speed.
    ticks = itertools.count(step=10.0)
    monkeypatch.setattr("claimscope.pipeline.time.monotonic", lambda: next(ticks))
    stages = [_SlowStage(), _SlowStage(), _SlowStage(), _SlowStage()]
    for number, stage in enumerate(stages):
        stage.name = f"slow{number}"
    pipeline = Pipeline(stages=list(stages), max_seconds=25.0)
    dossier = pipeline.analyze(make_document("Some text.", "t.txt"))
    assert len(dossier.entities) == 2
    budget = [warning for warning in dossier.warnings if warning.stage == "pipeline"]
    assert len(budget) == 1
    assert "slow2, slow3" in budget[0].message and "25 s" in budget[0].message


def test_the_time_budget_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_seconds"):
        Pipeline(stages=[], max_seconds=0)


def test_the_stage_names_known_without_models_are_the_default_stages() -> None:
    from claimscope.pipeline import STAGE_NAMES, default_stages

    assert tuple(stage.name for stage in default_stages()) == STAGE_NAMES


SETTLED_SENTENCES = [
    (
        # Lines of a list without end marks: each line is a sentence.
        "The tasks ahead of Clinton tonight:\n\nSell her presidency\nBe the Clinton who shines "
        "in a smaller crowd\nGet those jokes off, adding levity.",
        [
            "The tasks ahead of Clinton tonight:",
            "Sell her presidency",
            "Be the Clinton who shines in a smaller crowd",
            "Get those jokes off, adding levity.",
        ],
    ),
    (
        # A paragraph break ends a sentence; a title's period does not.
        '"It is destroying this committee," said Del. Stacey Plaskett of the Virgin Islands.'
        "\n\nRepublicans repeatedly noted that Pagliano invoked his rights.",
        [
            '"It is destroying this committee," said Del. Stacey Plaskett of the Virgin Islands.',
            "Republicans repeatedly noted that Pagliano invoked his rights.",
        ],
    ),
    (
        # No sentence starts without an end mark before it, whatever name stands there.
        "At the debate, Clinton cited disparaging remarks Trump had made about Machado. "
        "Trump has responded with attacks.",
        [
            "At the debate, Clinton cited disparaging remarks Trump had made about Machado.",
            "Trump has responded with attacks.",
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SETTLED_SENTENCES)
def test_the_layout_and_end_marks_settle_sentences_before_the_parser(
    text: str, expected: list[str]
) -> None:
    (doc, _), *_ = parse_texts(load_spacy(), [text])
    assert [sentence.text.strip() for sentence in doc.sents] == expected


def test_no_sentence_starts_before_a_name_in_mid_sentence() -> None:
    # In this article spaCy alone started a sentence at "Trump had made", so the claim,
    # the voice and their sentence differed from the version naming Clinton there.
    path = shared_path(
        "data",
        "polnear",
        "dev",
        "text",
        "breitbart_2016-09-30_the-latest-trump-urges-supporter.txt",
    )
    text = path.read_text(encoding="utf-8")
    (doc, _), *_ = parse_texts(load_spacy(), [text])
    mid_sentence = [
        sentence.text[:40] for sentence in doc.sents if sentence.text.startswith("Trump had made")
    ]
    assert "disparaging remarks Trump had made" in text
    assert mid_sentence == []


def _structure(doc: Doc) -> list[tuple[str, str, int]]:
    return [(token.pos_, token.dep_, token.head.i) for token in doc]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # The parser alone reads these pairs differently (a noun modifying "charges"
        # against its subject; a second object against a clause of its own).
        (
            "Trump charges that countries donated millions to the foundation.",
            "Clinton charges that countries donated millions to the foundation.",
        ),
        (
            "46 percent would choose Clinton and 44 percent would back Trump, they said.",
            "46 percent would choose Trump and 44 percent would back Clinton, they said.",
        ),
    ],
)
def test_a_parse_with_names_masked_does_not_depend_on_the_names(first: str, second: str) -> None:
    nlp = load_spacy()
    parses = []
    for text in (first, second):
        (parsed, _), *_ = parse_texts(nlp, [text])
        names = [
            (match.start(), match.end(), "PERSON") for match in re.finditer(r"Clinton|Trump", text)
        ]
        masked = parse_with_names_masked(nlp, parsed, names)
        assert masked is not None
        assert masked.text == text
        parses.append(_structure(masked))
    assert parses[0] == parses[1]


def test_a_parse_with_names_masked_keeps_the_text_and_its_offsets() -> None:
    nlp = load_spacy()
    text = (
        "Hillary Clinton told reporters in New York that she would win.\n\n"
        + "-" * (MAX_MARK_RUN + 8)
        + "\n\nThe Trump-Pence ticket said otherwise."
    )
    (parsed, _), *_ = parse_texts(nlp, [text])
    names = [
        (0, 15, "PERSON"),
        (text.index("New York"), text.index("New York") + 8, "GPE"),
        (text.index("Trump"), text.index("Trump") + 5, "PERSON"),
        (text.index("Pence"), text.index("Pence") + 5, "PERSON"),
    ]
    masked = parse_with_names_masked(nlp, parsed, names)
    assert masked is not None
    assert masked.text == parsed.text
    # Each name is one token, with the name as its text and its lemma.
    for start, end, _ in names:
        span = masked.char_span(start, end)
        assert span is not None and len(span) == 1
        assert span[0].text == span[0].lemma_ == text[start:end]
    # Every other token keeps its offsets and its text; the entities are the parse's.
    inside = [(start, end) for start, end, _ in names]
    kept = {
        (token.idx, token.text)
        for token in parsed
        if not any(start <= token.idx < end for start, end in inside)
    }
    assert kept <= {(token.idx, token.text) for token in masked}
    assert [(e.start_char, e.end_char, e.label_) for e in masked.ents] == [
        (e.start_char, e.end_char, e.label_) for e in parsed.ents
    ]
    assert masked[masked.char_span(0, 15).start].dep_ == "nsubj"  # type: ignore[union-attr]


def test_a_parse_without_names_to_mask_is_the_parse_itself() -> None:
    nlp = load_spacy()
    (parsed, _), *_ = parse_texts(nlp, ["The committee said it would meet again."])
    assert parse_with_names_masked(nlp, parsed, [(4, 13, "DATE")]) is parsed
