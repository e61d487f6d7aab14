"""Recurring claims: the same claim worded almost the same way in several documents."""

from __future__ import annotations

from claimscope.corpus.claims import ClaimSighting, recurring_claims


def test_a_claim_repeated_with_small_changes_recurs_across_documents() -> None:
    claims = [
        ClaimSighting(
            "a",
            0,
            "Armenia has imposed a blockade on Nakhchivan for over 30 years.",
            speaker="the ministry",
            outlet="Trend",
            published="2023-08-01",
        ),
        ClaimSighting(
            "b",
            4,
            "Armenia has imposed a blockade on Nakhchivan for more than 30 years.",
            speaker="the statement",
            outlet="APA",
            published="2023-07-30",
        ),
        ClaimSighting(
            "c",
            2,
            "Armenia has imposed a blockade on Nakhchivan for over 30 years",
            outlet="Report.az",
            published=None,
        ),
        # The same document twice is not a recurrence.
        ClaimSighting("d", 0, "Prices of bread rose by 12 percent in the capital in May."),
        ClaimSighting("d", 5, "Prices of bread rose by 12 percent in the capital in May."),
        # A different claim on the same topic.
        ClaimSighting(
            "e",
            1,
            "Azerbaijan has closed the Lachin road to all traffic since "
            "December, the committee said.",
        ),
        ClaimSighting("f", 0, "It is not true."),
        ClaimSighting("g", 0, "It is not true."),
    ]
    (found,) = recurring_claims(claims)
    assert found.documents == ["a", "b", "c"]
    assert found.first_seen == "2023-07-30" and found.last_seen == "2023-08-01"
    assert found.text.startswith("Armenia has imposed a blockade on Nakhchivan for more than")
    assert found.outlets == ["APA", "Trend", "Report.az"]
    assert found.speakers == ["the statement", "the ministry"]
