"""The claims stage: which stretches of the body are claims, how they are cut and linked.

Structure is tested with a stand-in scorer (longer sentence, higher score) so that the
expected claims follow from the text alone; the shipped model is tested on the bundled
example, whose factual assertions were picked out by hand.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bench.neutrality import SwapList
from claimscope.dossier import Dossier
from claimscope.ingestion import make_document
from claimscope.pipeline import Pipeline, default_stages
from claimscope.stages.claims import ClaimsStage
from claimscope.text.spans import overlapping


class LengthScorer:
    """Scores a sentence by its length: a stand-in whose ranking is known in advance."""

    def score(
        self,
        sentences: Sequence[str],
        *,
        names: Sequence[Sequence[tuple[int, int, str]]] | None = None,
    ) -> list[float]:
        return [min(1.0, len(sentence) / 400) for sentence in sentences]


@pytest.fixture(scope="module")
def structural_pipeline() -> Pipeline:
    stages = [stage for stage in default_stages() if stage.name != "claims"]
    return Pipeline(stages=[*stages, ClaimsStage(LengthScorer())])


def claims_of(pipeline: Pipeline, text: str) -> list[str]:
    return [claim.text for claim in pipeline.analyze(make_document(text, "test")).claims]


SPLITS = [
    # Independent clauses joined by a semicolon or by ", and" with their own subject.
    (
        "Prices rose 3 percent in May; wages fell 2 percent in June.",
        ["Prices rose 3 percent in May", "wages fell 2 percent in June."],
    ),
    (
        "Unemployment fell to 4 percent last year, and inflation rose to 3 percent in the "
        "same period.",
        [
            "Unemployment fell to 4 percent last year",
            "and inflation rose to 3 percent in the same period.",
        ],
    ),
    # Clauses inside what someone said stay one claim: they share the speaker's "said".
    (
        "He said that prices rose sharply and that wages fell in the second quarter.",
        ["He said that prices rose sharply and that wages fell in the second quarter."],
    ),
    # Too short to check on its own: the sentence is not split.
    (
        "It rose; it fell sharply in the second quarter.",
        ["It rose; it fell sharply in the second quarter."],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SPLITS, ids=[case[0][:30] for case in SPLITS])
def test_independent_clauses_become_claims(
    structural_pipeline: Pipeline, text: str, expected: list[str]
) -> None:
    assert claims_of(structural_pipeline, text) == expected


# Texts whose claims once changed when two names were exchanged, each with the cause, the
# names exchanged and the claims both versions must now have (the swapped version's are
# these with the names exchanged).
NAME_PAIRS = [
    (
        # spaCy read "Turkey" as a second object of "pledged" ("funds and Turkey"), so
        # the clause had no subject of its own: the split is read from a parse of the
        # sentence with its names masked.
        "clause split depending on the parse of a name",
        "China, Iran, and Russia have pledged funds and Syria is taxing certain goods toward "
        "the cost of reconstruction.",
        [["China", "Japan"], ["Iran", "Iraq"], ["Russia", "Ukraine"], ["Syria", "Turkey"]],
        [
            "China, Iran, and Russia have pledged funds",
            "and Syria is taxing certain goods toward the cost of reconstruction.",
        ],
    ),
    (
        # The parser ran the second paragraph into the first for one side only.
        "sentence run over a paragraph break",
        '"It is destroying the reputation of this committee," said Del. Stacey Plaskett of '
        "the Virgin Islands.\n\nDemocrats repeatedly noted that last year Pagliano invoked "
        "his 5th Amendment rights in a closed session.",
        [["Democrats", "Republicans"]],
        [
            '"It is destroying the reputation of this committee," said Del. Stacey Plaskett '
            "of the Virgin Islands.",
            "Democrats repeatedly noted that last year Pagliano invoked his 5th Amendment "
            "rights in a closed session.",
        ],
    ),
    (
        # Points of a list, one a line without an end mark: the parser ended a sentence at
        # the line break after one name and not the other. A line is a sentence.
        "list lines without punctuation",
        "The tasks ahead of Clinton tonight:\n\nSell her presidency (what she would do and "
        "how she would do it)\nBe the Clinton who shines in a smaller crowd\nGet those jokes "
        "off, adding levity.",
        [["Clinton", "Trump"]],
        [
            "Sell her presidency (what she would do and how she would do it)",
            "Be the Clinton who shines in a smaller crowd",
            "Get those jokes off, adding levity.",
        ],
    ),
    (
        # The parser started a sentence before "Trump" in mid-sentence; a sentence starts
        # only after an end mark or at a line the layout starts.
        "sentence start before a name in mid-sentence",
        "Among likely voters in a four-way race, 46 percent would choose Clinton and 44 "
        "percent would back Trump, while 5 percent prefer Libertarian nominee Gary Johnson.",
        [["Clinton", "Trump"]],
        [
            "Among likely voters in a four-way race, 46 percent would choose Clinton and 44 "
            "percent would back Trump, while 5 percent prefer Libertarian nominee Gary Johnson."
        ],
    ),
    (
        # For "Trump" the parser hung "he has neither ..." on the sentence's root, for
        # "Clinton" on the quoted verb; inside the quotation it is no clause of its own.
        "clause inside a quotation hung on the main verb for one name",
        "Meanwhile, it attacked Trump, saying he “has offended Hispanics, women, the disabled "
        "and former prisoners of war with his insults and bombast, and he has neither the "
        "temperament nor the judgment to be an effective president.”",
        [["Clinton", "Trump"]],
        [
            "Meanwhile, it attacked Trump, saying he “has offended Hispanics, women, the "
            "disabled and former prisoners of war with his insults and bombast, and he has "
            "neither the temperament nor the judgment to be an effective president.”"
        ],
    ),
    (
        # The headline ran into the paragraphs below it for one side.
        "headline lines and paragraphs",
        "The Latest: Trump’s leaked taxes not from Connecticut.\n\nWASHINGTON (AP) — The "
        "Latest on the presidential race between Republican Donald Trump and Democrat "
        "Hillary Clinton (all times EDT):\n\n2:45 p.m.\n\nConnecticut’s tax commissioner "
        "says an internal review shows no one from the state released the returns.",
        [["Clinton", "Trump"], ["Hillary", "Donald"], ["Democratic", "Republican"]],
        [
            "The Latest: Trump’s leaked taxes not from Connecticut.",
            "WASHINGTON (AP) — The Latest on the presidential race between Republican Donald "
            "Trump and Democrat Hillary Clinton (all times EDT):",
            "Connecticut’s tax commissioner says an internal review shows no one from the "
            "state released the returns.",
        ],
    ),
    (
        # The entity recogniser read the whole headline as one organisation for one name
        # only: an organisation's words count, a person's or place's name is one word.
        "an organisation's name counted as one word",
        "Clinton-Supporting Super PACs Target Latino Voters.\n\nAbout one of every nine "
        "voters this fall is expected to be Latino.",
        [["Clinton", "Trump"]],
        [
            "Clinton-Supporting Super PACs Target Latino Voters.",
            "About one of every nine voters this fall is expected to be Latino.",
        ],
    ),
]


@pytest.mark.parametrize(
    ("text", "pairs", "expected"),
    [row[1:] for row in NAME_PAIRS],
    ids=[row[0] for row in NAME_PAIRS],
)
def test_claims_do_not_change_with_a_name(
    structural_pipeline: Pipeline, text: str, pairs: list[list[str]], expected: list[str]
) -> None:
    swap = SwapList.from_data(
        "test", {"pairs": pairs, "one_way": [["Democrat", "Republican"]]}, ["who"]
    )
    assert claims_of(structural_pipeline, text) == expected
    swapped = swap.swap(text).text
    assert claims_of(structural_pipeline, swapped) == [swap.swap(claim).text for claim in expected]


def test_greetings_and_fragments_are_not_claims(structural_pipeline: Pipeline) -> None:
    text = "Thank you.\n\nRead more.\n\nThe bridge cost $4 million to build in 2019."
    assert claims_of(structural_pipeline, text) == ["The bridge cost $4 million to build in 2019."]


def test_claim_links_speaker_numbers_and_dates(structural_pipeline: Pipeline) -> None:
    text = 'Mayor John Smith said: "The new bridge cost $4 million to build and opened in 2019."'
    dossier = structural_pipeline.analyze(make_document(text, "test"))
    (claim,) = dossier.claims
    assert claim.speaker == "John Smith"
    assert [dossier.entities[index].text for index in claim.numbers] == ["$4 million"]
    assert [dossier.entities[index].text for index in claim.dates] == ["2019"]
    assert "John Smith" in [dossier.entities[index].text for index in claim.entities]


def test_ranks_follow_scores(structural_pipeline: Pipeline) -> None:
    text = (
        "The council approved the budget. "
        "The council approved a budget of 12 million euros for the new hospital in Lyon."
    )
    claims = structural_pipeline.analyze(make_document(text, "test")).claims
    assert [claim.rank for claim in claims] == [2, 1]
    assert claims[1].checkworthiness > claims[0].checkworthiness


def _covers(dossier: Dossier, fragment: str) -> int:
    """The rank of the claim holding ``fragment``."""
    holding = [claim for claim in dossier.claims if fragment in claim.text]
    assert holding, f"no claim holds {fragment!r}"
    return holding[0].rank


def test_example_layout_is_never_a_claim(example_dossier: Dossier) -> None:
    anatomy = example_dossier.anatomy
    layout = [(signatory.start, signatory.end) for signatory in example_dossier.signatories]
    assert anatomy.headline is not None and anatomy.dateline is not None
    layout += [(anatomy.headline.start, anatomy.headline.end)]
    layout += [(anatomy.dateline.start, anatomy.dateline.end)]
    assert example_dossier.claims
    for claim in example_dossier.claims:
        for start, end in layout:
            assert claim.end <= start or end <= claim.start, (claim.text, start, end)
    # The 14 signatory lines hold none of the claims' text either.
    names = [signatory.person for signatory in example_dossier.signatories if signatory.person]
    assert not any(name in claim.text for claim in example_dossier.claims for name in names)


def test_example_claims_link_citations_and_speaker(example_dossier: Dossier) -> None:
    text = example_dossier.document.text
    article_7 = next(c for c in example_dossier.claims if "Article 7" in c.text)
    cited = [example_dossier.citations[index].text for index in article_7.citations]
    assert cited == ["Article 7 of the trilateral statement of 10 November 2020"]
    assert article_7.speaker == "civil society organizations"
    assert text[article_7.start : article_7.end] == article_7.text


# The factual assertions of the example a checker must see first, read off it by hand.
EXAMPLE_TOP_CLAIMS = [
    "in its Order of July 6",
    "on the Nakhchivan Autonomous Republic of Azerbaijan for over 30 years",
    "recently supported the usage of Aghdam-Khankandi road",
    "Article 7 of the trilateral statement",
]
TOP = 12


@pytest.mark.parametrize("fragment", EXAMPLE_TOP_CLAIMS)
def test_example_factual_assertions_rank_in_the_top_dozen(
    example_dossier: Dossier, fragment: str
) -> None:
    assert _covers(example_dossier, fragment) <= TOP


def test_overlapping_sweeps_ranges_against_items() -> None:
    ranges = [(0, 10), (10, 20), (30, 40)]
    # a straddles the first two ranges, b is inside the second, c touches the third's end
    # only (end exclusive: no overlap), d is long and covers the last range.
    items = [(5, 15, "a"), (12, 14, "b"), (40, 45, "c"), (25, 50, "d")]
    assert [[item[2] for item in hits] for hits in overlapping(ranges, items)] == [
        ["a"],
        ["a", "b"],
        ["d"],
    ]
    assert overlapping([], items) == []
    assert overlapping(ranges, []) == [[], [], []]
