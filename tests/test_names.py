"""Names read as their type: the placeholders the trained models see instead of names."""

from __future__ import annotations

import pytest

from claimscope.text.names import PLACEHOLDERS, masked, masked_pieces, name_spans, recurring_names

TEXT = "Hillary Clinton told CNN that Russia and the Kremlin lied."
CLINTON = (0, 15, "PERSON")
CNN = (21, 24, "ORG")
RUSSIA = (30, 36, "GPE")
KREMLIN = (45, 52, "ORG")


@pytest.mark.parametrize(
    ("start", "end", "names", "expected"),
    [
        (
            0,
            len(TEXT),
            [CLINTON, CNN, RUSSIA, KREMLIN],
            "Personname told Orgname that Placename and the Orgname lied.",
        ),
        # Order of the spans does not matter; other labels stay as printed.
        (
            0,
            len(TEXT),
            [RUSSIA, (53, 57, "VERB"), CLINTON],
            "Personname told CNN that Placename and the Kremlin lied.",
        ),
        # A window inside the text; a name cut by either edge is still a name.
        (8, 36, [CLINTON, CNN, RUSSIA], "Personname told Orgname that Placename"),
        (16, 33, [CNN, RUSSIA], "told Orgname that Placename"),
        # Overlapping spans: the earlier, then longer, wins.
        (0, 15, [(0, 7, "PERSON"), (0, 15, "PERSON"), (8, 15, "ORG")], "Personname"),
        (0, len(TEXT), [], TEXT),
    ],
)
def test_names_are_replaced_by_their_type(
    start: int, end: int, names: list[tuple[int, int, str]], expected: str
) -> None:
    assert masked(TEXT, start, end, names) == expected


def test_the_two_sides_read_the_same() -> None:
    one = "Donald Trump denounced the bank on the campaign trail."
    other = "Hillary Clinton denounced the bank on the campaign trail."
    assert masked(one, 0, len(one), [(0, 12, "PERSON")]) == masked(
        other, 0, len(other), [(0, 15, "PERSON")]
    )


def test_only_name_labels_are_kept() -> None:
    spans = [(0, 3, "PERSON"), (4, 8, "DATE"), (9, 12, "NORP"), (13, 15, "CARDINAL")]
    assert name_spans(spans) == [(0, 3, "PERSON"), (9, 12, "NORP")]
    assert set(PLACEHOLDERS) == {"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC"}


@pytest.mark.parametrize(
    ("start", "end", "names", "expected"),
    [
        # Kept text and placeholders alternate, in text offsets.
        (
            0,
            36,
            [CLINTON, CNN, RUSSIA],
            [
                (0, 15, "Personname"),
                (15, 21, None),
                (21, 24, "Orgname"),
                (24, 30, None),
                (30, 36, "Placename"),
            ],
        ),
        # A name cut by the window's start still becomes its placeholder.
        (8, 20, [CLINTON], [(8, 15, "Personname"), (15, 20, None)]),
        # No name: one piece kept as it is.
        (16, 20, [], [(16, 20, None)]),
    ],
)
def test_masked_pieces_map_back_to_the_text(
    start: int,
    end: int,
    names: list[tuple[int, int, str]],
    expected: list[tuple[int, int, str | None]],
) -> None:
    pieces = masked_pieces(TEXT, start, end, names)
    assert pieces == expected
    assert "".join(TEXT[low:high] if mask is None else mask for low, high, mask in pieces) == (
        masked(TEXT, start, end, names)
    )


# (text, names, other entities, the names expected besides those given): a name read once
# is a name wherever its word recurs as a token, capitalised as there.
RECURRING_ROWS = [
    (
        "a person's last name recurs alone",
        "Donald Trump spoke. Later Trump said so, and trump cards won.",
        [(0, 12, "PERSON")],
        [],
        [(26, 31, "PERSON")],
    ),
    (
        "a one-word name takes its most frequent label; a possessive is cut off",
        "Trump’s aides met NATO. Trump and NATO agreed.",
        [(0, 7, "ORG"), (18, 22, "ORG"), (24, 29, "PERSON"), (34, 38, "ORG")],
        [],
        [],
    ),
    (
        "other entities and stop words are left alone",
        "Theresa May left Trump Tower. May met Trump there.",
        [(0, 11, "PERSON"), (38, 43, "PERSON")],
        [(17, 28)],
        [],
    ),
    (
        "an organisation's last word is not its name",
        "The Clinton Foundation paid. The Foundation said so.",
        [(4, 22, "ORG")],
        [],
        [],
    ),
    (
        "a recurrence takes the label its word has most often",
        "Sanders won. Sanders lost. Sanders said so. Then Sanders left.",
        [(0, 7, "PERSON"), (13, 20, "PERSON"), (27, 34, "ORG")],
        [],
        [(49, 56, "PERSON")],
    ),
]


@pytest.mark.parametrize(
    ("text", "names", "others", "added"),
    [row[1:] for row in RECURRING_ROWS],
    ids=[row[0] for row in RECURRING_ROWS],
)
def test_a_name_is_a_name_wherever_it_recurs(
    text: str,
    names: list[tuple[int, int, str]],
    others: list[tuple[int, int]],
    added: list[tuple[int, int, str]],
) -> None:
    import spacy

    doc = spacy.blank("en")(text)
    assert recurring_names(doc, names, others) == names + added
