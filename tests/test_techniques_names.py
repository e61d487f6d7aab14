"""The technique models read names as their type: who is named does not change a finding."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from claimscope.dossier import Dossier
from claimscope.ingestion import make_document
from claimscope.pipeline import Pipeline
from claimscope.stages.techniques.classification import ArticleContext, span_features
from claimscope.stages.techniques.features import (
    Token,
    disjoint_names,
    tokenize,
    tokens_with_names,
)
from claimscope.stages.techniques.identification import token_features


def _texts(tokens: list[Token]) -> list[tuple[str, int, int, int]]:
    return [(token.text, token.start, token.end, token.sentence) for token in tokens]


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        # Checked by hand: a two-word name is one token over both words, reading its type.
        (
            "Hillary Clinton lied.",
            [(0, 15, "PERSON")],
            [("Personname", 0, 15, 0), ("lied", 16, 20, 0), (".", 20, 21, 0)],
        ),
        # A token only partly inside a name ("Trump's") is read as the name.
        (
            "Trump's wall",
            [(0, 5, "PERSON")],
            [("Personname", 0, 7, 0), ("wall", 8, 12, 0)],
        ),
        # Labels without a placeholder (DATE) stay words; two names side by side stay two.
        (
            "Russia, Baku on Monday",
            [(0, 6, "GPE"), (8, 12, "GPE"), (16, 22, "DATE")],
            [
                ("Placename", 0, 6, 0),
                (",", 6, 7, 0),
                ("Placename", 8, 12, 0),
                ("on", 13, 15, 0),
                ("Monday", 16, 22, 0),
            ],
        ),
        # A name running over a line break is one token per sentence.
        (
            "Red\nCross",
            [(0, 9, "ORG")],
            [("Orgname", 0, 3, 0), ("Orgname", 4, 9, 1)],
        ),
        # Overlapping names: the earlier, then the longer, wins.
        (
            "New York City",
            [(4, 13, "GPE"), (0, 8, "ORG")],
            [("Orgname", 0, 8, 0), ("City", 9, 13, 0)],
        ),
    ],
)
def test_tokens_read_names_as_their_type(
    text: str, names: list[tuple[int, int, str]], expected: list[tuple[str, int, int, int]]
) -> None:
    assert _texts(tokens_with_names(tokenize(text), disjoint_names(names))) == expected


def test_span_identification_features_do_not_see_which_name() -> None:
    one = "Donald Trump is a dangerous liar who will destroy us."
    other = "Clinton is a dangerous liar who will destroy us."
    first = token_features(one, names=disjoint_names([(0, 12, "PERSON")]))
    second = token_features(other, names=disjoint_names([(0, 7, "PERSON")]))
    assert first.local_rows == second.local_rows
    assert first.sentence_rows == second.sentence_rows


def test_classification_features_do_not_see_which_name() -> None:
    one = "They said Azerbaijan is a criminal regime. Azerbaijan lies."
    other = "They said Armenia is a criminal regime. Armenia lies."
    features = []
    for text, name in ((one, "Azerbaijan"), (other, "Armenia")):
        names = [
            (text.index(name), text.index(name) + len(name), "GPE"),
            (text.rindex(name), text.rindex(name) + len(name), "GPE"),
        ]
        context = ArticleContext.of(text, names=names)
        # The name with what follows, and a phrase after the name.
        features.append(span_features(context, text.index(name), text.index(" regime") + 7))
        features.append(span_features(context, text.index("criminal"), text.index(" regime") + 7))
    assert features[0] == features[2]
    assert features[1] == features[3]
    (words, characters, _, parts), _ = features[0]
    assert "w2:placename is" in words and "c4:plac" in characters and "pfirst:NNP" in parts
    (_, _, context_names, _), _ = features[1]
    assert "left:placename" in context_names
    assert not any(
        "azerbaijan" in name for groups, _ in features for group in groups for name in group
    )


# Each maps a name to the other side's, both ways; the longest names are matched first.
AZERBAIJAN_ARMENIA = {
    "Azerbaijanis": "Armenians",
    "Azerbaijani": "Armenian",
    "Azerbaijan": "Armenia",
    "Baku": "Yerevan",
}
CLINTON_TRUMP = {"Hillary Clinton": "Donald Trump", "Clinton": "Trump"}

# The models read the names the entities layer gives; where that layer reads one side's city
# as a person and the other's as a place ("Yerevan accuses Baku ...": no place evidence in
# the sentence, so spaCy's PERSON stands), the placeholders differ and so may the findings.
# The cities here sit where the layer reads both as places.
CAUCASUS = (
    "Azerbaijan accuses Armenia of sabotaging peace\n\n"
    "The corrupt regime in Yerevan has once again shown its true face. Armenia spreads "
    "shameless lies about Azerbaijan while its soldiers shell peaceful villages. The "
    "government in Baku has always respected international law, and Azerbaijan will never "
    "accept this blackmail. Is this really the so-called peace that Armenia promised? "
    "Everyone knows the answer: Armenian leaders want war, and Azerbaijani families pay the "
    "price. Azerbaijan will defend its homeland to the last drop of blood."
)
CAMPAIGN = (
    "Crooked campaign, broken promises\n\n"
    "Hillary Clinton lied to the American people again and again. Donald Trump is a "
    "dangerous demagogue who will destroy our democracy. Clinton took millions from foreign "
    "regimes, and everyone knows it. Trump supporters are a basket of deplorables, racists "
    "and bigots. Why would anyone trust Trump? Clinton is a puppet of the globalist elite."
)


def swapped(text: str, pairs: dict[str, str]) -> tuple[str, Callable[[int], int | None]]:
    """The text with the names of each pair exchanged, and a map of offsets into it (None
    for an offset inside a name)."""
    mapping = {**pairs, **{value: key for key, value in pairs.items()}}
    pattern = re.compile(r"\b(?:" + "|".join(sorted(mapping, key=len, reverse=True)) + r")\b")
    pieces: list[str] = []
    moved: list[tuple[int, int, int]] = []
    position = shift = 0
    for match in pattern.finditer(text):
        replacement = mapping[match.group()]
        pieces.extend((text[position : match.start()], replacement))
        shift += len(replacement) - (match.end() - match.start())
        moved.append((match.start(), match.end(), shift))
        position = match.end()
    pieces.append(text[position:])

    def offset(old: int) -> int | None:
        current = 0
        for start, end, after in moved:
            if old <= start:
                break
            if old < end:
                return None
            current = after
        return old + current

    return "".join(pieces), offset


def _findings(dossier: Dossier) -> list[tuple[int, int, str]]:
    return [(found.start, found.end, found.technique) for found in dossier.techniques]


@pytest.mark.parametrize(
    ("text", "pairs"), [(CAUCASUS, AZERBAIJAN_ARMENIA), (CAMPAIGN, CLINTON_TRUMP)]
)
def test_exchanging_the_sides_changes_no_span_and_no_label(
    pipeline: Pipeline, text: str, pairs: dict[str, str]
) -> None:
    other, offset = swapped(text, pairs)
    assert other != text
    one = _findings(pipeline.analyze(make_document(text, "one.txt")))
    two = _findings(pipeline.analyze(make_document(other, "two.txt")))
    assert one, "the paragraph is loaded enough to give technique spans"
    assert [(offset(start), offset(end), label) for start, end, label in one] == two


def test_swapping_maps_offsets_around_the_names() -> None:
    text, offset = swapped("Baku and Yerevan met.", {"Baku": "Yerevan"})
    assert text == "Yerevan and Baku met."
    # Checked by hand: " and " moves 3 to the right, " met." back to where it was.
    assert [offset(4), offset(9), offset(16), offset(2)] == [7, 12, 16, None]
