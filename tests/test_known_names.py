"""Names the check-worthiness model reads as their type: lookup, learning, combination."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from claimscope.gazetteer import default_gazetteer
from claimscope.stages.claims.checkworthiness import (
    Placeholders,
    find_names,
    may_hold_other_names,
)
from claimscope.stages.claims.known_names import (
    KnownNames,
    NameSpan,
    learn_known_names,
    with_known_names,
)

LISTED = {
    ("Hillary", "Clinton"): "PERSON",
    ("Clinton",): "PERSON",
    ("Donald", "Trump"): "PERSON",
    ("Trump",): "PERSON",
    ("Democrats",): "NORP",
    ("U", "S"): "GPE",
    ("Bosnia", "and", "Herzegovina"): "GPE",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hillary Clinton spoke.", [(0, 15, "PERSON")]),
        # The longest listed name wins; a possessive keeps the name.
        ("Clinton's plan and Donald Trump's.", [(0, 7, "PERSON"), (19, 31, "PERSON")]),
        # Lower case is a word, not a name.
        ("He played his trump card.", []),
        # A run of capitals is looked up as the name it spells.
        ("HILLARY CLINTON SPOKE", [(0, 15, "PERSON")]),
        # A line break ends a name: "Hillary" alone is not listed, "Clinton" is.
        ("Hillary\nClinton", [(8, 15, "PERSON")]),
        # Abbreviation dots join words; the final dot stays outside.
        ("the U.S. economy", [(4, 7, "GPE")]),
        # Lower-case words inside a listed name.
        ("Bosnia and Herzegovina voted.", [(0, 22, "GPE")]),
        ("Democrats and Republicans", [(0, 9, "NORP")]),
    ],
)
def test_listed_names_are_found_by_lookup(text: str, expected: list[NameSpan]) -> None:
    assert KnownNames(LISTED).find(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Countries and big cities, whatever spaCy would call them here.
        ("Armenia shelled Yerevan.", [(0, 7, "GPE"), (16, 23, "GPE")]),
        ("Azerbaijani troops left Baku.", [(0, 11, "NORP"), (24, 28, "GPE")]),
        # A town of about 200,000 (Reading, England) is not looked up: too many such
        # names are also words.
        ("Reading is fun.", []),
        # The listed names come first, the gazetteer after them.
        ("Trump met Armenia's leader.", [(0, 5, "PERSON"), (10, 17, "GPE")]),
        # A place just before a known person is that person's first name.
        ("Georgia Clinton spoke.", [(0, 15, "PERSON")]),
        ("Georgia, Clinton said.", [(0, 7, "GPE"), (9, 16, "PERSON")]),
    ],
)
def test_gazetteer_names_are_found_by_lookup(text: str, expected: list[NameSpan]) -> None:
    assert KnownNames(LISTED, default_gazetteer()).find(text) == expected


def test_listed_names_round_trip_through_json() -> None:
    names = KnownNames(LISTED)
    rows = names.to_json()
    assert rows[0] == ["GPE", "Bosnia", "and", "Herzegovina"]
    assert KnownNames.from_json(rows, None).names == LISTED


@pytest.mark.parametrize(
    ("text", "known", "found", "expected"),
    [
        # The recogniser calls a known person an organisation: the known label stands.
        ("Clinton spoke.", [(0, 7, "PERSON")], [(0, 7, "ORG")], [(0, 7, "PERSON")]),
        # It reads a longer name around a known one: the longer name wins.
        ("Bill Trump spoke.", [(5, 10, "PERSON")], [(0, 10, "PERSON")], [(0, 10, "PERSON")]),
        (
            "the Clinton Foundation gave.",
            [(4, 11, "PERSON")],
            [(0, 22, "ORG")],
            [(0, 22, "ORG")],
        ),
        # ...but only if it adds a capitalised word: not a possessive, not punctuation.
        ("Trump's plan", [(0, 5, "PERSON")], [(0, 7, "ORG")], [(0, 5, "PERSON")]),
        (
            "Clinton, Sanders and Trump",
            [(0, 7, "PERSON"), (9, 16, "PERSON")],
            [(0, 16, "ORG")],
            [(0, 7, "PERSON"), (9, 16, "PERSON")],
        ),
        # A name crossing a known name's edge is dropped.
        ("Clinton Foundation", [(0, 7, "PERSON")], [(5, 18, "ORG")], [(0, 7, "PERSON")]),
        # Other names are kept; dates and numbers are not names.
        (
            "Clinton went to Ohio on May 5.",
            [(0, 7, "PERSON")],
            [(16, 20, "GPE"), (24, 29, "DATE")],
            [(0, 7, "PERSON"), (16, 20, "GPE")],
        ),
        ("The Yazidi fled.", [], [(4, 10, "NORP")], [(4, 10, "NORP")]),
    ],
)
def test_known_names_combine_with_the_recognisers(
    text: str, known: list[NameSpan], found: list[NameSpan], expected: list[NameSpan]
) -> None:
    assert with_known_names(known, found, text) == expected


def test_names_are_learnt_from_the_training_sentences() -> None:
    texts = [
        "Hillary Clinton spoke in Ohio.",
        "Clinton won Ohio.",
        "Hillary Clinton won.",
        "Will Smith acted.",
        "Will Ferrell sang.",
        "Will you stop?",
        "Will it rain?",
        "Will we win?",
        "Mr Jones left.",
    ]
    names: list[list[NameSpan]] = [
        [(0, 15, "PERSON"), (25, 29, "GPE")],
        [(0, 7, "PERSON"), (12, 16, "GPE")],
        [(0, 15, "PERSON")],
        [(0, 10, "PERSON")],
        [(0, 12, "PERSON")],
        [],
        [],
        [],
        [(3, 8, "PERSON")],
    ]
    # "Hillary" and "Clinton" are lent by the full name; "Will" is lent twice too but
    # stands alone, outside any name, three times out of five; "Jones" was found once.
    assert learn_known_names(texts, names) == {
        ("Hillary", "Clinton"): "PERSON",
        ("Hillary",): "PERSON",
        ("Clinton",): "PERSON",
        ("Ohio",): "GPE",
    }


def test_a_name_takes_its_most_frequent_label() -> None:
    texts = ["Georgia voted.", "Georgia voted.", "Georgia sang."]
    names: list[list[NameSpan]] = [[(0, 7, "GPE")], [(0, 7, "GPE")], [(0, 7, "PERSON")]]
    assert learn_known_names(texts, names) == {("Georgia",): "GPE"}


def test_placeholders_map_the_recognisers_spans_back_to_the_text() -> None:
    text = "Hillary Clinton met Bill Trump in Paris."
    view = Placeholders(text, [(0, 15, "PERSON"), (25, 30, "PERSON")])
    assert view.text == "Personname met Bill Personname in Paris."
    bill = view.text.index("Bill")
    paris = view.text.index("Paris")
    spans = view.original_spans([(bill, bill + 15, "PERSON"), (paris, paris + 5, "GPE")])
    assert [text[start:end] for start, end, _ in spans] == ["Bill Trump", "Paris"]
    # A span inside a placeholder covers the whole name.
    assert view.original_spans([(3, 8, "ORG")]) == [(0, 15, "ORG")]


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        ("Personname said the bill passed.", False),
        # A first word before a placeholder may be a first name ("Bill Personname").
        ("Bill Personname had worked with Personname.", True),
        ("Yesterday, Personname said so.", False),
        # Only the first word is capitalised: it may be a name, but this is not asked.
        ("Stein said she would join the protest.", False),
        ("The talks in Placename ended.", False),
        ("The talks in Yerevan ended.", True),
        # The pronoun I counts as a capital: asking costs time, not correctness.
        ("So I think.", True),
        ("Prices rose 3% in 2016.", False),
        ("", False),
    ],
)
def test_the_recogniser_is_asked_only_where_a_capital_follows_the_first_word(
    shown: str, expected: bool
) -> None:
    assert may_hold_other_names(shown) is expected


def test_the_recogniser_reads_the_text_with_known_names_replaced() -> None:
    shown: list[str] = []

    def recognise(texts: Sequence[str]) -> list[list[NameSpan]]:
        shown.extend(texts)
        found: list[list[NameSpan]] = []
        for text in texts:
            start = text.find("Bill Personname")
            found.append([(start, start + 15, "PERSON")] if start >= 0 else [])
        return found

    names = find_names(["Hillary Clinton met Bill Trump."], KnownNames(LISTED), recognise)
    assert shown == ["Personname met Bill Personname."]
    assert names == [[(0, 15, "PERSON"), (20, 30, "PERSON")]]
