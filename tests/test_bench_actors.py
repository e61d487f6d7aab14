"""The actors benchmark: the gold set's shape and checks, the scorer on a hand-made case, a run."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pycountry
import pytest

from bench.actors import (
    FLOORS,
    GOLD,
    KINDS,
    GoldError,
    GoldMention,
    PredictedActor,
    check_set,
    floor_failures,
    parse_row,
    predicted_actors,
    read_gold,
    run,
    score_kind,
    to_mentions,
)
from claimscope.corpus.actors import Actor, Mention


def row(mention_id: str = "m1", **changes: Any) -> dict[str, Any]:
    """A valid gold row for one person of one organisation, with ``changes`` applied."""
    base: dict[str, Any] = {
        "mention_id": mention_id,
        "letter": "letter-a",
        "source": "owner/repository:letter.md@0123456789abcdef",
        "licence": "unknown",
        "date": "2021-05-20",
        "text": "Jane Doe, Director, Amnesty International, Kenya",
        "person": "Jane Doe",
        "role": "Director",
        "organization": "Amnesty International",
        "acronym": None,
        "country": "KE",
        "person_actor": "person:jane-doe",
        "organization_actor": "org:amnesty-international",
        "person_namesakes": None,
        "organization_namesakes": None,
        "uncertain": False,
        "uncertain_about": [],
        "note": None,
    }
    base.update(changes)
    return base


def test_the_gold_set_loads_and_has_what_the_issue_asks() -> None:
    gold = read_gold(GOLD)
    assert len(gold) >= 150
    assert len({mention.mention_id for mention in gold}) == len(gold)
    assert len({mention.letter for mention in gold}) >= 10
    for mention in gold:
        assert mention.source.count("@") == 1 and ":" in mention.source
        if mention.country is not None:
            assert pycountry.countries.get(alpha_2=mention.country) is not None
        if mention.uncertain_about:
            assert mention.note
    # Actors recur across letters, for both kinds.
    for kind in KINDS:
        letters: dict[str, set[str]] = defaultdict(set)
        for mention in gold:
            actor = mention.actor(kind)
            if actor is not None:
                letters[actor].add(mention.letter)
        assert sum(len(seen) > 1 for seen in letters.values()) >= 20
    # Near-namesakes: tags holding two or more different actors, for both kinds.
    for kind in KINDS:
        actors_per_tag: dict[str, set[str]] = defaultdict(set)
        for mention in gold:
            tag, actor = mention.namesakes(kind), mention.actor(kind)
            if tag and actor:
                actors_per_tag[tag].add(actor)
        assert sum(len(actors) >= 2 for actors in actors_per_tag.values()) >= 10


def test_the_gold_set_holds_the_hard_cases_it_documents() -> None:
    gold = {mention.mention_id: mention for mention in read_gold(GOLD)}
    by_text = {(m.letter, m.text): m for m in gold.values()}
    # One person, printed two ways in one list (a misspelling).
    ancheia = by_text[
        ("drw-2016-assange", "Alejandra Ancheia, Executive Director and Founder, ProDESC, Mexico")
    ]
    ancheita = by_text[("drw-2016-assange", "Alejandra Ancheita, Human Rights Defender, Mexico")]
    assert ancheia.person_actor == ancheita.person_actor
    # Two people of one family name in one organisation and country.
    hamma = by_text[("fob-2019-swedish-pm", "**Hamma Hammami** / GS (Popular Front) Tunisia")]
    jilani = by_text[("fob-2019-swedish-pm", "**Jilani Hammami** / MP (Popular Front) Tunisia")]
    assert hamma.person_actor != jilani.person_actor
    assert hamma.organization_actor == jilani.organization_actor
    assert hamma.person_namesakes == jilani.person_namesakes == "hammami"
    # National sections of one federation are different bodies.
    attac = {m.organization_actor for m in gold.values() if m.organization_namesakes == "attac"}
    assert len(attac) == 7


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"country": "UK"}, "ISO 3166-1"),
        ({"country": "kE"}, "ISO 3166-1"),
        ({"date": "20 May 2021"}, "YYYY-MM"),
        ({"date": "2021-13"}, "YYYY-MM"),
        ({"person_actor": None}, "person_actor must be given"),
        ({"person": None, "text": "Amnesty International, Kenya"}, "person_actor must be given"),
        ({"organization_actor": "amnesty"}, "starting with 'org:'"),
        ({"person_actor": "person:jane doe"}, "whitespace"),
        ({"organization": None}, "organization_actor must be given"),
        ({"uncertain": True}, "uncertain_about"),
        ({"uncertain": True, "uncertain_about": ["person"]}, "needs a note"),
        ({"uncertain": False, "uncertain_about": ["person"]}, "uncertain_about"),
        ({"uncertain_about": ["people"], "uncertain": True, "note": "x"}, "uncertain_about"),
        ({"person_namesakes": "doe", "person": None, "person_actor": None}, "person_namesakes"),
        ({"organization": "Amnesty; Oxfam", "organization_actor": None}, "organization_actor"),
        (
            {
                "organization": "Amnesty; Oxfam",
                "organization_actor": None,
                "organization_actors": ["org:amnesty"],
            },
            "one id per affiliation",
        ),
        ({"organization": "Amnesty; Oxfam"}, "needs a note"),
        ({"organization_actors": ["org:amnesty"]}, "only for several affiliations"),
        ({"person": " Jane Doe"}, "outer whitespace"),
        ({"extra": 1}, "unknown keys"),
        ({"source": "somewhere"}, "repository:path@commit"),
    ],
)
def test_bad_rows_are_refused_with_their_id(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(GoldError, match=message) as error:
        parse_row(row(**changes))
    assert str(error.value).startswith("m1")


def test_good_rows_parse_including_several_affiliations_and_uncertainty() -> None:
    several = parse_row(
        row(
            organization="Amnesty; Oxfam",
            organization_actor=None,
            organization_actors=["org:amnesty", "org:oxfam"],
        )
    )
    assert several.organization_actors == ("org:amnesty", "org:oxfam")
    assert several.actor("organization") is None
    one_body = parse_row(row(organization="CODEPINK; Women for Peace", note="one body"))
    assert one_body.actor("organization") == "org:amnesty-international"
    uncertain = parse_row(row(uncertain=True, uncertain_about=["organization"], note="why"))
    assert uncertain.actor("organization") is None
    assert uncertain.actor("person") == "person:jane-doe"


def test_the_set_checks_ids_sources_and_tags() -> None:
    first = parse_row(row("m1"))
    with pytest.raises(GoldError, match="used twice"):
        check_set([first, parse_row(row("m1"))])
    with pytest.raises(GoldError, match="two sources"):
        check_set([first, parse_row(row("m2", source="other/repository:a.md@ff"))])
    with pytest.raises(GoldError, match="two namesake tags"):
        check_set([first, parse_row(row("m2", person_namesakes="doe"))])


def test_mentions_take_the_printed_fields_and_their_rank_in_the_letter() -> None:
    gold = [
        parse_row(row("m1")),
        parse_row(row("m2", letter="letter-b", source="o/r:b.md@1")),
        parse_row(row("m3")),
    ]
    mentions = to_mentions(gold)
    assert [(m.document, m.index) for m in mentions] == [
        ("letter-a", 0),
        ("letter-b", 0),
        ("letter-a", 1),
    ]
    assert mentions[0].person == "Jane Doe" and mentions[0].country == "KE"
    assert mentions[0].organization == "Amnesty International" and mentions[0].date == "2021-05-20"


def person(mention_id: str, name: str, actor: str, **changes: Any) -> GoldMention:
    """A gold mention of a person without organisation."""
    return parse_row(
        row(
            mention_id,
            person=name,
            person_actor=actor,
            organization=None,
            organization_actor=None,
            text=name,
            **changes,
        )
    )


def test_pairs_bcubed_namesakes_and_calibration_on_a_hand_made_case() -> None:
    # Gold: A = {m1, m2, m3}; B = {m4}; C = {m5}, B and C near-namesakes; m6 uncertain.
    gold = [
        person("m1", "Jane Doe", "person:a"),
        person("m2", "JANE  DOE", "person:a"),
        person("m3", "Doe Jane", "person:a"),
        person("m4", "John Roe", "person:b", person_namesakes="roe"),
        person("m5", "Joan Roe", "person:c", person_namesakes="roe"),
        person("m6", "J. Doe", "person:d", uncertain=True, uncertain_about=["person"], note="x"),
    ]
    predicted = [
        PredictedActor("Jane Doe", 1.0, ("m1", "m2")),
        PredictedActor("Roe", 0.8, ("m3", "m4", "m5")),
    ]
    result = score_kind("person", gold, predicted)
    figures = result.figures()
    # Gold pairs: m1-m2, m1-m3, m2-m3. Predicted: m1-m2 (right), m3-m4, m3-m5, m4-m5 (wrong).
    assert figures["pairs"] == {
        "gold": 3, "predicted": 4, "correct": 1,
        "precision": 0.25, "recall": 0.3333, "f1": 0.2857,
    }  # fmt: skip
    # B-cubed by mention: precision 1, 1, 1/3, 1/3, 1/3; recall 2/3, 2/3, 1/3, 1, 1.
    assert figures["bcubed"] == {"precision": 0.6, "recall": 0.7333}
    # m1-m2 are printed alike (case and spaces aside); m1-m3 and m2-m3 are not.
    assert figures["recall_printed_alike"] == {"pairs": 1, "found": 1, "recall": 1.0}
    assert figures["recall_printed_differently"] == {"pairs": 2, "found": 0, "recall": 0.0}
    assert figures["near_namesakes"] == {"pairs": 1, "false_merges": 1, "false_merge_rate": 1.0}
    assert result.namesake_false_merges == [("m4", "m5")]
    assert figures["calibration"]["1.0"] == {"pairs": 1, "correct": 1, "precision": 1.0}
    assert figures["calibration"]["[0.8, 0.9)"] == {"pairs": 3, "correct": 0, "precision": 0.0}
    assert len(result.false_merges) == 1 and "'Roe'" in result.false_merges[0]
    assert len(result.missed_merges) == 1 and "person:a" in result.missed_merges[0]


def test_nothing_merged_scores_recall_zero_and_precision_one() -> None:
    gold = [person("m1", "Jane Doe", "person:a"), person("m2", "Jane Doe", "person:a")]
    result = score_kind(
        "person", gold, [PredictedActor("x", 1.0, ("m1",)), PredictedActor("y", 1.0, ("m2",))]
    )
    assert (result.precision, result.recall) == (1.0, 0.0)


def test_predicted_actors_keep_scored_mentions_and_add_the_unresolved_alone() -> None:
    first, second = Mention("a", 0, person="X"), Mention("a", 1, person="Y")
    ids = {("a", 0): "m1", ("a", 1): "m2", ("b", 0): "m3"}
    actors = [Actor(kind="person", name="X", mentions=[first, second], confidence=0.8)]
    # m2 is not scored (uncertain); m3 is scored but no actor holds it.
    result = predicted_actors(actors, ids, {"m1": "person:x", "m3": "person:z"})
    assert result == [
        PredictedActor("X", 0.8, ("m1",)),
        PredictedActor("(not resolved)", 1.0, ("m3",)),
    ]


def test_the_benchmark_runs_and_never_merges_two_people() -> None:
    figures, result = run()
    assert figures["rows"] >= 150
    assert set(figures) >= {"person", "organization", "floor", "resolver_revision"}
    assert set(result.kinds) == {"person", "organization"}
    people = figures["person"]
    # The issue's requirement: a merge never silently joins two different people.
    assert people["pairs"]["precision"] >= FLOORS["person"]
    assert people["near_namesakes"]["false_merges"] == 0
    assert people["mentions"] > 500 and figures["organization"]["mentions"] > 800
    # Organisations too stay above their floor (names with equal initials once met).
    assert not floor_failures(figures)
