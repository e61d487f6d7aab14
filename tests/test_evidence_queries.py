"""Queries: tweets cleaned of their trailer, links and tags; id<TAB>text lines checked."""

from __future__ import annotations

import pytest

from claimscope.evidence.queries import (
    Query,
    QueryLineError,
    clean_tweet,
    read_query_lines,
    split_hashtag,
)


@pytest.mark.parametrize(
    ("tweet", "cleaned"),
    [
        # The embed trailer keeps the author's name, not the handle or the date.
        (
            "Trump needs to divest from his businesses. — Ilhan Omar (@IlhanMN) January 6, 2020",
            "Trump needs to divest from his businesses. — Ilhan Omar",
        ),
        # A date cut short by the collector goes too.
        (
            "Ask Ukraine about my birth certificate — Barack Obama (@BarackObama) October 04, 19",
            "Ask Ukraine about my birth certificate — Barack Obama",
        ),
        # Links and picture links are dropped; hashtags keep their word and its parts.
        (
            "The US drone attack on #Soleimani caught on camera.#IranUsa"
            "pic.twitter.com/TvRkHvlgby — Olaudah Equiano® (@RealOlaudah) January 6, 2020",
            "The US drone attack on Soleimani caught on camera. IranUsa Iran Usa"
            " — Olaudah Equiano®",
        ),
        (
            "Read this https://t.co/pVPdEEB6zv now @RealDonaldTrump",
            "Read this now RealDonaldTrump Real Donald Trump",
        ),
        # HTML entities are decoded; a claim without trailer is left as written.
        (
            "Salt &amp; pepper cure COVID19Vaccine side effects",
            "Salt & pepper cure COVID19Vaccine side effects",
        ),
        ("A plain claim about 5,000 people.", "A plain claim about 5,000 people."),
        # An empty name in the trailer leaves nothing behind.
        ("Words here — (@someone) May 1, 2020", "Words here"),
        # Shapes of CLEF 2020 train: a name with brackets, a dash glued to a link, a name that
        # is a handle, the trailer of a quoted tweet in the middle, hashtags without spaces.
        (
            "Lol. https://t.co/xBhNb0hdBK— James (Faygo) Clark (@OccupySac247) September 21, 2016",
            "Lol. — James (Faygo) Clark",
        ),
        (
            "Splitting up pic.twitter.com/u7qqojWVlR — ELLE Magazine (US) (@ELLEmagazine) "
            "October 18, 2018",
            "Splitting up — ELLE Magazine (US)",
        ),
        (
            "FBI probe? pic.twitter.com/1d4NvBVFhF — @REALcnaegely (@realcnaegely) May 6, 2018",
            "FBI probe? — REALcnaegely",
        ),
        (
            "Thank you. — Brian Mast (@BrianMastFL) October 13, 2019 That’s a battlecruiser"
            " — Dave Brown (@dave_brown24) October 13, 2019",
            "Thank you. — Brian Mast That’s a battlecruiser — Dave Brown",
        ),
        (
            "citizen.#StopTheHate#EndRacism",
            "citizen. StopTheHate Stop The Hate EndRacism End Racism",
        ),
        # An e-mail address is no mention.
        ("Write to me@example.com now", "Write to me@example.com now"),
    ],
)
def test_clean_tweet(tweet: str, cleaned: str) -> None:
    assert clean_tweet(tweet) == cleaned


@pytest.mark.parametrize(
    ("word", "split"),
    [
        ("IranUsa", "Iran Usa"),
        ("StateOfTheUnion", "State Of The Union"),
        ("NRA", "NRA"),
        ("COVIDVaccine", "COVID Vaccine"),
        ("black_lives", "black lives"),
    ],
)
def test_split_hashtag(word: str, split: str) -> None:
    assert split_hashtag(word) == split


def test_clean_tweet_is_linear_on_long_dashes() -> None:
    text = "— " * 20_000 + "(@x)"
    assert clean_tweet(text).startswith("—")


def test_query_lines() -> None:
    lines = ["1\tFirst claim\n", "\n", "q-2\t  Second #ClaimHere  \r\n"]
    assert list(read_query_lines(lines)) == [
        Query("1", "First claim"),
        Query("q-2", "Second ClaimHere Claim Here"),
    ]
    assert list(read_query_lines(["7\tA #Tag"], clean=False)) == [Query("7", "A #Tag")]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["1\tok", "no tab here"], "line 2: expected id<TAB>text, found no tab"),
        (["\tno id"], "line 1: empty query id"),
        (["1\t   "], "line 1: query '1' has no text"),
        (["a b\ttext"], "line 1: query id 'a b' contains whitespace"),
        (["1\tx", "", "1\ty"], "line 3: query id '1' given twice"),
    ],
)
def test_bad_query_lines_name_the_line(lines: list[str], message: str) -> None:
    with pytest.raises(QueryLineError) as raised:
        list(read_query_lines(lines))
    assert str(raised.value) == message
