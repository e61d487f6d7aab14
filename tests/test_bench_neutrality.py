"""The neutrality benchmark: its name swap and offset map on hand-made cases, its matching and
comparison of two dossiers, a run over two documents, and the recorded figures against the
floors."""

from __future__ import annotations

import json

import pytest

from bench.common import RESULTS
from bench.neutrality import (
    EXAMPLE,
    FLOORS,
    Pair,
    Replacement,
    SwapList,
    analyse,
    compare,
    floor_failures,
    load_swap_lists,
    make_pair,
    match_by_overlap,
    summarise,
)
from claimscope.analysis import new_dossier
from claimscope.dossier import Claim, Span, Technique, Voice
from claimscope.pipeline import Pipeline

SWAPS = SwapList.from_data(
    "test",
    {
        "pairs": [
            ["Clinton", "Trump"],
            ["Hillary", "Donald"],
            ["Democratic", "Republican"],
            ["Democrats", "Republicans"],
            ["Mexico City", "Ottawa"],
            ["Mexico", "Canada"],
        ],
        "one_way": [["Democrat", "Republican"]],
        "noun_forms": {"Republican": "Democrat"},
        "keep": ["New Mexico"],
    },
    noun_followers=["who", "said", "since"],
)

SWAP_CASES = [
    # Both directions at once: a sequential replace would leave "Trump beat Trump".
    ("Trump beat Clinton.", "Clinton beat Trump."),
    ("Hillary Clinton met Donald Trump", "Donald Trump met Hillary Clinton"),
    # Capitals stay capitals; other casings of a name are left alone.
    ("TRUMP and Clinton", "CLINTON and Trump"),
    ("a trump card and CLinton", "a trump card and CLinton"),
    # Possessives, straight and curly, and hyphenated compounds follow the name.
    ("Trump's plan and Clinton’s plan", "Clinton's plan and Trump’s plan"),
    ("an anti-Trump rally", "an anti-Clinton rally"),
    # Whole words only.
    ("Trumpism, Clintonesque, Trump2016", "Trumpism, Clintonesque, Trump2016"),
    # Adjective and noun forms of the parties.
    ("the Republican nominee", "the Democratic nominee"),
    ("a Republican who said", "a Democrat who said"),
    ("One Republican.", "One Democrat."),
    ("the Republican’s plan", "the Democrat’s plan"),
    ("a Republican-led House", "a Democratic-led House"),
    ("a registered Democrat since", "a registered Republican since"),
    ("Democrats and Republicans", "Republicans and Democrats"),
    # Longest name first; a kept phrase is left as it is.
    ("Mexico City and Ottawa", "Ottawa and Mexico City"),
    ("New Mexico and Mexico", "New Mexico and Canada"),
    ("", ""),
]


@pytest.mark.parametrize(
    ("text", "expected"), SWAP_CASES, ids=[case[0] or "empty" for case in SWAP_CASES]
)
def test_swap_exchanges_names(text: str, expected: str) -> None:
    assert SWAPS.swap(text).text == expected


def test_swap_records_replacements() -> None:
    swapped = SWAPS.swap("Mr. Trump met Hillary Clinton today.")
    assert swapped.text == "Mr. Clinton met Donald Trump today."
    assert swapped.replacements == (
        Replacement(4, 9, 4, 11),
        Replacement(14, 21, 16, 22),
        Replacement(22, 29, 23, 28),
    )


OFFSET_CASES = [
    # (original span, its text, the swapped span, its text)
    ((0, 3), "Mr.", (0, 3), "Mr."),
    ((4, 9), "Trump", (4, 11), "Clinton"),
    ((10, 13), "met", (12, 15), "met"),
    ((14, 29), "Hillary Clinton", (16, 28), "Donald Trump"),
    # A span inside a name takes the whole replacement.
    ((6, 8), "um", (4, 11), "Clinton"),
    ((30, 36), "today.", (29, 35), "today."),
    ((0, 36), "Mr. Trump met Hillary Clinton today.", (0, 35), None),
    ((36, 36), "", (35, 35), ""),
]


@pytest.mark.parametrize(("span", "text", "mapped", "mapped_text"), OFFSET_CASES)
def test_offset_map(
    span: tuple[int, int], text: str, mapped: tuple[int, int], mapped_text: str | None
) -> None:
    swapped = SWAPS.swap("Mr. Trump met Hillary Clinton today.")
    assert swapped.original[span[0] : span[1]] == text
    assert swapped.span(*span) == mapped
    if mapped_text is not None:
        assert swapped.text[mapped[0] : mapped[1]] == mapped_text


def test_swapped_names_allow_both_forms_of_a_party() -> None:
    assert SWAPS.swapped_names("Republican") == {"Democrat", "Democratic"}
    assert SWAPS.swapped_names("Donald Trump") == {"Hillary Clinton"}
    assert SWAPS.swapped_names(None) == {None}


@pytest.mark.parametrize(
    "data",
    [
        {"pairs": [["Iran", "Iraq"], ["Iran", "Syria"]]},
        {"pairs": [["Iran", "Iraq"]], "one_way": [["Iraq", "Syria"]]},
        {"pairs": [["Iran", "Iraq"]], "noun_forms": {"Syria": "Syrian"}},
    ],
    ids=["name in two pairs", "one-way name already paired", "noun form of unknown name"],
)
def test_swap_list_rejects_ambiguous_data(data: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        SwapList.from_data("bad", data)


def test_shipped_swap_lists_cover_every_corpus() -> None:
    lists, corpora = load_swap_lists()
    assert set(corpora) == {"polnear", "example", "wikinews", "reuters21578"}
    example = lists[corpora["example"]].swap(EXAMPLE.read_text(encoding="utf-8"))
    assert example.text.startswith(
        "Civil societies denounce Azerbaijan's blocking Nakhchivan's Azerbaijani people"
    )
    assert "BAKU, Azerbaijan, Aug.1." in example.original
    assert "YEREVAN, Armenia, Aug.1." in example.text


MATCH_CASES = [
    # (original spans, swapped spans, expected pairs)
    ([(0, 10)], [(0, 10)], [(0, 0)]),
    ([(0, 10)], [(20, 30)], []),
    # One long span does not match two: the larger overlap wins.
    ([(0, 10)], [(0, 4), (3, 10)], [(0, 1)]),
    ([(0, 4), (5, 10)], [(0, 10)], [(1, 0)]),
    # Touching spans share no character.
    ([(0, 5)], [(5, 9)], []),
]


@pytest.mark.parametrize(("original", "swapped", "expected"), MATCH_CASES)
def test_match_by_overlap(
    original: list[tuple[int, int]], swapped: list[tuple[int, int]], expected: list[tuple[int, int]]
) -> None:
    assert match_by_overlap(original, swapped) == expected


def test_equal_overlaps_prefer_the_same_label() -> None:
    labels = ["Doubt", "Loaded_Language"]
    twin_labels = ["Loaded_Language", "Doubt"]
    pairs = match_by_overlap(
        [(0, 10), (0, 10)], [(0, 10), (0, 10)], lambda i, j: labels[i] == twin_labels[j]
    )
    assert pairs == [(0, 1), (1, 0)]


def _pair(text: str) -> Pair:
    pair = make_pair("test", "test", text, SWAPS)
    assert pair is not None
    return pair


def test_compare_maps_spans_and_names() -> None:
    #          0         1         2         3         4
    #          0123456789012345678901234567890123456789012345
    pair = _pair("Trump said the plan failed. Clinton disagreed.")
    assert pair.swapped.text == "Clinton said the plan failed. Trump disagreed."
    original, swapped = new_dossier(pair.original), new_dossier(pair.swapped)
    original.techniques = [
        Technique(technique="Doubt", start=15, end=26, score=0.5),
        Technique(technique="Loaded_Language", start=36, end=45, score=0.5),
    ]
    swapped.techniques = [
        Technique(technique="Doubt", start=17, end=28, score=0.5),
        Technique(technique="Doubt", start=36, end=45, score=0.5),
    ]
    original.claims = [
        Claim(text="Trump said the plan failed.", start=0, end=27, checkworthiness=0.6),
        Claim(text="Clinton disagreed.", start=28, end=46, checkworthiness=0.2),
    ]
    swapped.claims = [
        Claim(text="Clinton said the plan failed.", start=0, end=29, checkworthiness=0.5),
        Claim(text="Trump", start=30, end=35, checkworthiness=0.1),
    ]
    original.voices = [
        Voice(kind="indirect", speaker="Trump", content=Span(start=11, end=26)),
    ]
    swapped.voices = [
        Voice(kind="indirect", speaker="Clinton", content=Span(start=13, end=28)),
        Voice(kind="narrator", speaker=None, content=Span(start=30, end=46)),
    ]
    result = compare(pair, original, swapped)
    assert result.names_swapped == 2
    assert (result.techniques_matched, result.techniques_same_label) == (2, 1)
    assert result.techniques_same_span_and_label == 1
    assert result.label_changes == [("Loaded_Language", "Doubt")]
    # Only the first claim maps onto a claim of the other version.
    assert result.claims == (2, 2)
    assert result.claim_deltas == [pytest.approx(0.1)]
    assert result.voices == (1, 2)
    assert (result.voices_matched, result.voices_same_speaker) == (1, 1)

    figures = summarise([result])
    assert figures["techniques"]["label_agreement"] == 0.5
    assert figures["claims"]["checkworthiness_max_abs_delta"] == pytest.approx(0.1)
    assert figures["claims"]["equal_counts"] == 1.0
    assert figures["voices"]["equal_counts"] == 0.0
    assert "technique label agreement 0.5 < 0.95" in floor_failures(figures)


def test_benchmark_runs_on_two_documents(pipeline: Pipeline) -> None:
    lists, corpora = load_swap_lists()
    example = make_pair(
        "example", "example", EXAMPLE.read_text(encoding="utf-8"), lists[corpora["example"]]
    )
    politics = make_pair(
        "polnear",
        "hand-made",
        "Clinton leads Trump by 4 points in a new poll, and Democrats gained two seats. "
        "Trump's campaign said the poll was wrong; the Republican nominee will visit Ohio.",
        lists[corpora["polnear"]],
    )
    assert example is not None and politics is not None
    comparisons = analyse(pipeline, [example, politics])
    figures = summarise(comparisons)
    assert figures["documents"] == 2
    assert figures["names_swapped"] == 87 + 5
    claims = figures["claims"]
    assert claims["claims_original"] > 0 and claims["matched"] > 0
    assert 0 <= claims["checkworthiness_mean_abs_delta"] <= claims["checkworthiness_max_abs_delta"]
    agreement = figures["techniques"]["label_agreement"]
    assert agreement is None or 0 <= agreement <= 1
    assert figures["voices"]["matched"] > 0
    assert figures["citations"]["citations_original"] > 0


def test_recorded_figures_clear_the_floors() -> None:
    figures = json.loads((RESULTS / "neutrality.json").read_text(encoding="utf-8"))
    overall = figures["overall"]
    assert overall["documents"] == 135
    assert overall["techniques"]["label_agreement"] >= FLOORS["technique_label_agreement_min"]
    claims = overall["claims"]
    assert claims["checkworthiness_mean_abs_delta"] <= FLOORS["checkworthiness_mean_abs_delta_max"]
    assert claims["equal_counts"] >= FLOORS["equal_claim_counts_min"]
    assert claims["documents_with_other_counts"] == []
    assert claims["checkworthiness_max_abs_delta"] <= FLOORS["checkworthiness_max_abs_delta_max"]
    # Voices read from a parse with the names masked: equal counts on 0.985 of the documents
    # (0.844 before); the two left differ where the recogniser's spans differ ("Donand
    # Trump" missed, "Donand Clinton" read; a name run into a date).
    assert overall["voices"]["equal_counts"] >= 0.98
    assert figures["floor_failures"] == []
