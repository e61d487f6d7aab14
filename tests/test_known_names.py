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
from claimscope.text.names import masked

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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A listed person's last name counts alone, though it is not listed itself...
        ("Pence faces off.", [(0, 5, "PERSON")]),
        ("GOVERNOR PENCE SPOKE", [(9, 14, "PERSON")]),
        # ...but not a function word or a single letter ending a listed name...
        ("The Who played.", []),
        ("I think so.", []),
        # ...nor its first name, nor where a listed name or the gazetteer's starts.
        ("Mike spoke.", []),
        ("Jordan Pence met Jordan.", [(0, 12, "PERSON"), (17, 23, "GPE")]),
    ],
)
def test_a_listed_persons_surname_counts_alone(text: str, expected: list[NameSpan]) -> None:
    listed = {
        ("Mike", "Pence"): "PERSON",
        ("Jordan", "Pence"): "PERSON",
        ("Michael", "Jordan"): "PERSON",
        ("Roger", "Daltrey", "The", "Who"): "PERSON",
        ("Henry", "I"): "PERSON",
    }
    assert KnownNames(listed, default_gazetteer()).find(text) == expected


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
        ("Then, Personname said so.", False),
        # A capitalised first word may be a name the model does not know: it is asked...
        ("Stein said she would join the protest.", True),
        # ...unless it is a function word, which is never a name alone.
        ("The talks in Placename ended.", False),
        ("However, prices rose.", False),
        ("Personname also said so.", False),
        ("The talks in Yerevan ended.", True),
        # The pronoun I counts as a capital: asking costs time, not correctness.
        ("So I think.", True),
        ("It rose 3% in 2016.", False),
        # Any other capitalised first word is asked about: a cost, not an error.
        ("Prices rose 3% in 2016.", True),
        ("", False),
    ],
)
def test_the_recogniser_is_asked_only_where_a_capital_may_start_a_name(
    shown: str, expected: bool
) -> None:
    assert may_hold_other_names(shown) is expected


def _recognise_by_spelling(texts: Sequence[str]) -> list[list[NameSpan]]:
    # A stand-in recogniser that, like spaCy, reads a name by its spelling: "Pence" is an
    # organisation, "Erdogan" a person; it finds nothing else.
    spelling = {"Pence": "ORG", "Erdogan": "PERSON"}
    found: list[list[NameSpan]] = []
    for text in texts:
        names = []
        for word, label in spelling.items():
            start = text.find(word)
            if start >= 0:
                names.append((start, start + len(word), label))
        found.append(sorted(names))
    return found


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # A listed person's surname against another's, which the recogniser mistypes.
        (
            "The debate comes a day before Kaine faces off against Gov. Mike Pence.",
            "The debate comes a day before Pence faces off against Gov. Tim Kaine.",
        ),
        # A listed name opening the sentence against one the model does not know.
        ("Assad also said the talks would go on.", "Erdogan also said the talks would go on."),
    ],
)
def test_two_sentences_differing_only_in_a_name_read_alike(first: str, second: str) -> None:
    known = KnownNames(
        {
            ("Tim", "Kaine"): "PERSON",
            ("Kaine",): "PERSON",
            ("Mike", "Pence"): "PERSON",
            ("Assad",): "PERSON",
        }
    )
    names = find_names([first, second], known, _recognise_by_spelling)
    read = [
        masked(text, 0, len(text), found)
        for text, found in zip([first, second], names, strict=True)
    ]
    assert read[0] == read[1]
    assert read[0].count("Personname") == (2 if "Kaine" in first else 1)


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
