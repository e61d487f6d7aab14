"""The entities stage: spaCy's names, corrected and identified by the gazetteer.

Each table row is a real sentence and the entities it must yield, checked by hand.
"""

from __future__ import annotations

import pytest

from claimscope.dossier import Dossier, Entity
from claimscope.gazetteer import default_gazetteer
from claimscope.ingestion import make_document
from claimscope.pipeline import Pipeline
from claimscope.stages.entities import EntitiesStage, merge_structural
from tests.conftest import EXAMPLE

BAKU_GEONAMEID = 587084
PLACE_KINDS = {"country", "subdivision", "region"}


@pytest.fixture(scope="module")
def entities_pipeline() -> Pipeline:
    return Pipeline(stages=[EntitiesStage()])


@pytest.fixture(scope="module")
def example(entities_pipeline: Pipeline) -> Dossier:
    text = EXAMPLE.read_text(encoding="utf-8")
    return entities_pipeline.analyze(make_document(text, str(EXAMPLE)))


def entities_of(pipeline: Pipeline, text: str) -> list[Entity]:
    return pipeline.analyze(make_document(text, "test")).entities


def find(entities: list[Entity], text: str) -> Entity:
    matches = [entity for entity in entities if entity.text == text]
    assert matches, f"{text!r} not among {[(e.text, e.label) for e in entities]}"
    return matches[0]


@pytest.mark.parametrize(
    ("sentence", "text", "label", "identity"),
    [
        (
            "A number of officials in Armenia is engaged in manipulation.",
            "Armenia",
            "GPE",
            "country:AM",
        ),
        (
            "Azerbaijan established a checkpoint in Lachin on the state border.",
            "Lachin",
            "GPE",
            "subdivision:AZ-LAC",
        ),
        (
            "This blockade prevents Nakhchivan from having a land connection with the rest of "
            "Azerbaijan.",
            "Nakhchivan",
            "GPE",
            "subdivision:AZ-NX",
        ),
        (
            "It is Armenia who has imposed a blockade on the Nakhchivan Autonomous Republic of "
            "Azerbaijan.",
            "Nakhchivan Autonomous Republic",
            "GPE",
            "subdivision:AZ-NX",
        ),
        (
            "The Armenian side refused to come to Baku to continue the contacts.",
            "Baku",
            "GPE",
            f"city:{BAKU_GEONAMEID}",
        ),
        (
            "Mr. Charles Michel, President of the European Council recently supported the usage "
            "of the road.",
            "Charles Michel",
            "PERSON",
            None,
        ),
        (
            "Mr. Charles Michel, President of the European Council recently supported the usage "
            "of the road.",
            "European Council",
            "ORG",
            "org:european-council",
        ),
        (
            "The checkpoint is used by the International Committee of Red Cross (ICRC) and "
            "Russian peacekeepers.",
            "ICRC",
            "ORG",
            "org:icrc",
        ),
        (
            "The checkpoint is used by the International Committee of Red Cross (ICRC) and "
            "Russian peacekeepers.",
            "International Committee of Red Cross",
            "ORG",
            "org:icrc",
        ),
        (
            "International Court of Justice rejected the request in its Order of July 6.",
            "International Court of Justice",
            "ORG",
            "org:icj",
        ),
        (
            "All Azerbaijani people are accorded equal human rights.",
            "Azerbaijani",
            "NORP",
            "country:AZ",
        ),
        (
            "Azerbaijan will protect the rights and safety of Armenians in the region.",
            "Armenians",
            "NORP",
            "country:AM",
        ),
        (
            "Georgia's prime minister met protesters outside parliament in Tbilisi on Monday.",
            "Georgia",
            "GPE",
            "country:GE",
        ),
        (
            "The proposal to use the Aghdam-Khankandi road was appreciated by the actors.",
            "Aghdam-Khankandi road",
            "FAC",
            None,
        ),
    ],
)
def test_sentence_yields_entity(
    entities_pipeline: Pipeline, sentence: str, text: str, label: str, identity: str | None
) -> None:
    entity = find(entities_of(entities_pipeline, sentence), text)
    assert (entity.label, entity.id) == (label, identity)
    assert sentence[entity.start : entity.end] == text


@pytest.mark.parametrize(
    ("sentence", "text", "label"),
    [
        ("Politics Materials 1 August 2023 18:03 (UTC +04:00)", "UTC +04:00", "TIME"),
        ("The statement was issued on 10 November 2020 in Moscow.", "10 November 2020", "DATE"),
    ],
)
def test_times_and_dates_are_not_names(
    entities_pipeline: Pipeline, sentence: str, text: str, label: str
) -> None:
    assert find(entities_of(entities_pipeline, sentence), text).label == label


def test_a_person_named_like_a_city_stays_a_person(entities_pipeline: Pipeline) -> None:
    # "Michel" alone is an alternate name of a US city; the full name earlier says who it is.
    entities = entities_of(
        entities_pipeline, "Charles Michel spoke first. Later, Michel said the talks went well."
    )
    assert all(e.label == "PERSON" for e in entities if "Michel" in e.text)


def test_example_spans_slice_the_text_without_overlaps(example: Dossier) -> None:
    text = example.document.text
    assert example.entities
    previous_end = 0
    for entity in example.entities:
        assert text[entity.start : entity.end] == entity.text
        assert entity.start >= previous_end, entity
        previous_end = entity.end


def test_example_has_no_place_labelled_person(example: Dossier) -> None:
    gazetteer = default_gazetteer()
    for entity in example.entities:
        if entity.label == "PERSON":
            kinds = {reading.kind for reading in gazetteer.readings(entity.text)}
            assert not kinds & PLACE_KINDS, entity


def test_example_places(example: Dossier) -> None:
    lachin = [e for e in example.entities if e.text == "Lachin"]
    assert len(lachin) >= 3
    assert all(e.label != "PERSON" for e in lachin)
    armenia = [e for e in example.entities if e.text == "Armenia"]
    assert armenia and all((e.label, e.id) == ("GPE", "country:AM") for e in armenia)
    assert ("BAKU", "GPE", f"city:{BAKU_GEONAMEID}") in {
        (e.text, e.label, e.id) for e in example.entities
    }
    assert all(e.label != "ORG" for e in example.entities if "UTC" in e.text)


@pytest.mark.parametrize(
    ("name", "kind", "identity"),
    [
        ("Nakhchivan Autonomous Republic", "subdivision", "subdivision:AZ-NX"),
        ("Naxçıvan", "subdivision", "subdivision:AZ-NX"),
        ("Catalonia", "subdivision", "subdivision:ES-CT"),
        ("Karabakh", "region", "region:karabakh"),
        ("the European Council", "organization", "org:european-council"),
        ("Armenians", "demonym", "country:AM"),
    ],
)
def test_gazetteer_readings(name: str, kind: str, identity: str) -> None:
    readings = default_gazetteer().readings(name)
    assert (kind, identity) in {(reading.kind, reading.id) for reading in readings}


def test_layout_names_win_over_the_model(example_dossier: Dossier) -> None:
    """With the earlier stages run, bylines and signatories fix the model's labels."""
    by_text: dict[str, set[str]] = {}
    for entity in example_dossier.entities:
        by_text.setdefault(entity.text, set()).add(entity.label)
    # Printed twice under the headline; the model calls the parts places.
    humay = [e for e in example_dossier.entities if e.text == "Humay Aghajanova"]
    assert [e.label for e in humay] == ["PERSON", "PERSON"]
    assert "Humay" not in by_text and "Aghajanova" not in by_text
    # The model runs "...Migration and Health\nViolet Wasonga" into one ORG.
    assert by_text["Violet Wasonga"] == {"PERSON"}
    assert by_text["Regional Expert group on Migration and Health"] == {"ORG"}
    assert by_text["Partners in Health"] == {"ORG"}
    assert by_text["TUBAE"] == {"ORG"}
    assert not any("\n" in e.text for e in example_dossier.entities)


def test_merge_keeps_the_longest_structural_name() -> None:
    text = "Partners in Health, USA"
    model = [
        Entity(text="Health", label="ORG", start=12, end=18),
        Entity(text="USA", label="GPE", id="country:US", start=20, end=23),
    ]
    structural = [
        Entity(text="Partners in Health", label="ORG", start=0, end=18),
        Entity(text="Health", label="ORG", start=12, end=18),
    ]
    merged = merge_structural(model, structural)
    assert [(e.text, e.label) for e in merged] == [("Partners in Health", "ORG"), ("USA", "GPE")]
    assert text[merged[0].start : merged[0].end] == "Partners in Health"
