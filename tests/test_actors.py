"""Actors across documents: mentions merged only when the evidence says they are one actor."""

from __future__ import annotations

import pytest

from claimscope.corpus.actors import (
    Mention,
    initials,
    organization_key,
    person_key,
    resolve_organizations,
    resolve_people,
)


def people(*mentions: Mention) -> list[set[tuple[str, int]]]:
    """The actors as sets of (document, index), largest first, for comparison."""
    return sorted(
        ({(m.document, m.index) for m in actor.mentions} for actor in resolve_people(mentions)),
        key=lambda group: (-len(group), sorted(group)),
    )


def test_name_forms_meet() -> None:
    assert person_key("Dr. Ilham ALIYEV") == person_key("Aliyev Ilham") == "aliyev ilham"
    assert person_key("Prof. José  Ramos-Horta") == person_key("jose ramos horta")
    assert organization_key("The Human Rights Watch") == "human rights watch"
    assert initials("Human Rights Watch") == "hrw"
    assert initials("Committee to Protect Journalists") == "cpj"


@pytest.mark.parametrize(
    ("mentions", "expected"),
    [
        # The same person in two statements, written two ways.
        (
            [
                Mention("a", 0, person="Ilham Aliyev", country="AZ"),
                Mention("b", 3, person="ALIYEV Ilham", country="AZ"),
            ],
            [{("a", 0), ("b", 3)}],
        ),
        # Near-namesakes from different countries are two people.
        (
            [
                Mention("a", 0, person="Maria Silva", organization="Conectas", country="BR"),
                Mention("b", 0, person="Maria Silva", organization="Amnesty", country="PT"),
            ],
            [{("a", 0)}, {("b", 0)}],
        ),
        # Two people of one family name in one organisation stay two.
        (
            [
                Mention("a", 0, person="Jane Smith", organization="Freedom House", country="US"),
                Mention("a", 1, person="John Smith", organization="Freedom House", country="US"),
            ],
            [{("a", 0)}, {("a", 1)}],
        ),
        # An initial joins the one person it can stand for...
        (
            [
                Mention("a", 0, person="John Smith", organization="Freedom House"),
                Mention("b", 0, person="J. Smith", organization="Freedom House"),
            ],
            [{("a", 0), ("b", 0)}],
        ),
        # ...and no one when it could stand for two.
        (
            [
                Mention("a", 0, person="Jane Smith", organization="Freedom House"),
                Mention("a", 1, person="John Smith", organization="Freedom House"),
                Mention("b", 0, person="J. Smith", organization="Freedom House"),
            ],
            [{("a", 0)}, {("a", 1)}, {("b", 0)}],
        ),
        # An initial without any context in common is not enough.
        (
            [
                Mention("a", 0, person="John Smith", organization="Freedom House"),
                Mention("b", 0, person="J. Smith", organization="Oxfam"),
            ],
            [{("a", 0)}, {("b", 0)}],
        ),
        # A one-word name (a surname alone) never merges by itself.
        (
            [
                Mention("a", 0, person="Smith", organization="Oxfam"),
                Mention("b", 0, person="Smith", organization="Greenpeace"),
            ],
            [{("a", 0)}, {("b", 0)}],
        ),
    ],
)
def test_people_are_merged_only_on_evidence(
    mentions: list[Mention], expected: list[set[tuple[str, int]]]
) -> None:
    assert people(*mentions) == sorted(expected, key=lambda group: (-len(group), sorted(group)))


def test_organisations_meet_by_acronym_and_fuzzy_name_within_a_country() -> None:
    mentions = [
        Mention("a", 0, organization="Human Rights Watch"),
        Mention("b", 0, organization="HRW", acronym="HRW"),
        Mention("c", 0, organization="Human Rights Watch (HRW)", acronym="HRW"),
        Mention("d", 0, organization="Committee to Protect Journalists", country="US"),
        Mention("e", 0, organization="Committee to Protect Journalist", country="US"),
        Mention("f", 0, organization="Committee to Protect Journalists", country="FR"),
        Mention("g", 0, organization="Union of Journalists", country="AZ"),
        Mention("h", 0, organization="Union of Journalists", country="AM"),
    ]
    actors = resolve_organizations(mentions)
    groups = sorted(sorted(m.document for m in actor.mentions) for actor in actors)
    assert groups == [["a", "b", "c"], ["d", "e"], ["f"], ["g"], ["h"]]
    watch = next(actor for actor in actors if "a" in actor.documents)
    assert watch.confidence < 1.0  # joined by an acronym, not by equal names
    union = next(actor for actor in actors if actor.documents == ["g"])
    assert union.countries == {"AZ"} and union.confidence == 1.0


def organisations(*mentions: Mention) -> list[list[str]]:
    """The organisations as sorted lists of their mentions' documents, sorted."""
    return sorted(
        sorted(m.document for m in actor.mentions) for actor in resolve_organizations(mentions)
    )


@pytest.mark.parametrize(
    ("mentions", "expected"),
    [
        # Two names with the same initials are not one body for that ("an" and "an").
        (
            [
                Mention("a", 0, organization="Attac Norway"),
                Mention("b", 0, organization="Access Now"),
            ],
            [["a"], ["b"]],
        ),
        # An acronym two names could stand for joins neither of them.
        (
            [
                Mention("a", 0, organization="Attac Norway"),
                Mention("b", 0, organization="Access Now"),
                Mention("c", 0, organization="AN", acronym="AN"),
            ],
            [["a"], ["b"], ["c"]],
        ),
        # An acronym printed beside a name it does not abbreviate stands for that name only.
        (
            [
                Mention("a", 0, organization="University of Louvain", acronym="UCL"),
                Mention("b", 0, organization="University College London"),
            ],
            [["a"], ["b"]],
        ),
        # A name printed as one capitalised word is an acronym: it meets the name it abbreviates.
        (
            [
                Mention("a", 0, organization="EFF"),
                Mention("b", 0, organization="Electronic Frontier Foundation"),
            ],
            [["a", "b"]],
        ),
        # Mentions printing the same acronym are one body, and the name that has its initials
        # joins them when the acronym's own names agree with it.
        (
            [
                Mention("a", 0, organization="Third World Network", acronym="TWN"),
                Mention("b", 0, organization="TWN"),
                Mention("c", 0, organization="Third World Network"),
            ],
            [["a", "b", "c"]],
        ),
    ],
)
def test_acronyms_stand_for_one_name(mentions: list[Mention], expected: list[list[str]]) -> None:
    assert organisations(*mentions) == expected


def test_word_order_acronym_names_and_joined_affiliations() -> None:
    mentions = [
        Mention("a", 0, organization="Sydney University"),
        Mention("b", 0, organization="University of Sydney"),
        Mention("c", 0, organization="ProDESC"),
        Mention(
            "d",
            0,
            organization="Proyecto de Derechos Económicos, Sociales y Culturales",
            acronym="ProDESC",
        ),
        Mention("e", 0, person="Ana Lima", organization="Conectas; University of Sydney"),
    ]
    groups = sorted(
        sorted((m.document, m.organization or "") for m in actor.mentions)
        for actor in resolve_organizations(mentions)
    )
    assert groups == [
        [("a", "Sydney University"), ("b", "University of Sydney"), ("e", "University of Sydney")],
        [("c", "ProDESC"), ("d", "Proyecto de Derechos Económicos, Sociales y Culturales")],
        [("e", "Conectas")],
    ]
