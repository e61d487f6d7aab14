"""Readings of an entry the rules are sure of, as constraints on the tagger's labels.

The field tagger is trained on a few dozen letters; a layout it has not seen (affiliations
in parentheses, "Role at Company", a country after a dash) can fool it where a plain rule
cannot be fooled. So the two are combined: where one of the rules below applies, it fixes
the labels of the tokens it covers, and the tagger's Viterbi search finds the best labels
for the rest that agree with them. Each rule is narrow on purpose, and which of them to
keep was decided by leave-one-letter-out cross-validation of the whole pipeline
(``bench.signatories --cv``), not by the letters the tagger was trained on.

- a table cell border ``|`` belongs to no field;
- a part of its own that is a country's name ("…, Kenya", "… - Benin", "(Ghana)") is the
  country;
- "on behalf of (the) X": X is the organisation;
- "Role at X": the role, then the organisation;
- "Role of/for X" where X reads as an organisation's name (an organisation word or an
  acronym in a phrase mostly capitalised): the role, then the organisation; "Professor
  of Sociology" stays one role;
- "Organisation (ACR)" closing the entry or a part: the acronym;
- in a block whose entries mostly open with a person's name, an entry that opens with a
  name-shaped part (or one pseudonym-like word) opens with the person, honorifics and
  post-nominal letters aside.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from claimscope.gazetteer import Gazetteer
from claimscope.text.dates import MONTHS
from claimscope.text.lists import Tables, is_acronym, is_person_shaped, is_role

if TYPE_CHECKING:
    from claimscope.stages.signatories.tagger import Layout

KINDS = frozenset({"O", "PER", "ROLE", "ORG", "ACR", "CTRY"})
Allowed = list[frozenset[str] | None]
"""Per token: the field kinds the rules allow ("O" for none), or None where the tagger
decides alone."""

_PERSON = frozenset({"PER"})
_WEB_ADDRESS = re.compile(
    r"(?:www\.)?[\w-]{1,63}(?:\.[\w-]{1,63}){0,3}\.(?:com|org|net|edu|io|info)"
)
_ACRONYM = frozenset({"ACR"})
_ORGANIZATION = frozenset({"ORG"})
# Sites whose link beside a name is a profile, not an affiliation.
_PROFILE_SITES = frozenset({"linkedin", "twitter", "github", "mastodon", "website", "homepage"})
_ROLE_SPLITTERS = ("of", "for")
_MAX_ROLE_WORDS = 8


def _parts(numbers: Sequence[int]) -> list[list[int]]:
    """Token indices grouped by part, in order."""
    groups: dict[int, list[int]] = {}
    for index, number in enumerate(numbers):
        groups.setdefault(number, []).append(index)
    return [groups[number] for number in sorted(groups)]


def _words(tokens: Sequence[str], indices: Sequence[int]) -> list[int]:
    """The indices of word tokens (not separators or brackets) among ``indices``."""
    return [index for index in indices if tokens[index][:1].isalnum() or tokens[index][:1] in "@#"]


def _text(shown: str, starts: Sequence[int], ends: Sequence[int], indices: Sequence[int]) -> str:
    if not indices:
        return ""
    return shown[starts[indices[0]] : ends[indices[-1]]]


def reads_as_organization(phrase: str, tables: Tables) -> bool:
    """A name of an organisation: it holds an organisation word or an acronym, it starts
    with a capital and its capitalised words outnumber its lowercase content words."""
    words = phrase.split()
    if not words or not words[0][:1].isupper():
        return False
    evidence = False
    capitalised = lowercase = 0
    for word in words:
        core = word.strip(".,()'’\"")
        if not core:
            continue
        folded = core.casefold()
        if folded in tables.organization_words or is_acronym(core):
            evidence = True
        if core[:1].isupper():
            capitalised += 1
        elif folded not in tables.title_case_exceptions:
            lowercase += 1
    return evidence and capitalised > lowercase


_PREPOSITIONS = frozenset({"of", "for", "on", "in", "at", "with", "from", "to"})


def _headed_by_organization(phrase: str, tables: Tables) -> bool:
    """ "Regional Expert group on Migration", "Amnesty International", "La FEC": the
    phrase's head (its last word before a preposition) is an organisation word or an
    acronym, and the phrase has more than that one word."""
    head: list[str] = []
    for word in phrase.split():
        if word.casefold() in _PREPOSITIONS:
            break
        head.append(word.strip(".,()'’\""))
    if len(head) < 2 or not head[-1]:
        return False
    return head[-1].casefold() in tables.organization_words or is_acronym(head[-1])


def _ends_in_role_word(phrase: str, tables: Tables, plural: bool = True) -> bool:
    """ "Executive Director", "focal point", "founders": a role word closes the phrase."""
    folded = " ".join(phrase.casefold().split())
    if folded in tables.role_words:
        return True
    last = folded.split()[-1].strip(".,") if folded else ""
    return last in tables.role_words or (plural and last.removesuffix("s") in tables.role_words)


def _fix(allowed: Allowed, indices: Sequence[int], kind: str) -> None:
    for index in indices:
        if allowed[index] is None:
            allowed[index] = frozenset({kind})


def _none(allowed: Allowed, index: int) -> None:
    """The token belongs to no field."""
    allowed[index] = frozenset({"O"})


def constraints(
    shown: str,
    token_texts: Sequence[str],
    starts: Sequence[int],
    ends: Sequence[int],
    numbers: Sequence[int],
    shared: Layout,
    tables: Tables,
    gazetteer: Gazetteer,
) -> Allowed:
    """The field kinds the rules allow each token (None where the tagger decides)."""
    allowed: Allowed = [None] * len(token_texts)
    for index, token in enumerate(token_texts):
        if token == "|":
            _none(allowed, index)
    parts = _parts(numbers)
    texts = [_text(shown, starts, ends, _words(token_texts, indices)) for indices in parts]
    _contacts(allowed, token_texts)
    for number, indices in enumerate(parts):
        words = [index for index in _words(token_texts, indices) if allowed[index] is None]
        if not words:
            continue
        phrase = texts[number]
        if _is_date_or_address(token_texts, words, number):
            for index in words:
                _none(allowed, index)
            continue
        if number == 0:
            _first_part(allowed, token_texts, words, parts, texts, shared, tables)
            continue
        if gazetteer.country(phrase) is not None:
            _fix(allowed, words, "CTRY")
            continue
        _acronym_closing(
            allowed, token_texts, indices, words, parts, number, shown, starts, ends, tables
        )
        if len(words) == 1 and token_texts[words[0]].casefold() in tables.honorifics:
            # "Jonathan Swift, Prof, Cambridge": a title as a part of its own is a role.
            _fix(allowed, words, "ROLE")
        _role_then_organization(allowed, token_texts, words, shown, starts, ends, tables)
        if _ends_in_role_word(phrase, tables, plural=False) and not any(
            token_texts[index] in _PREPOSITIONS for index in words
        ):
            _fix(allowed, words, "ROLE")
        _role_before_name(allowed, token_texts, words, shown, starts, ends, tables)
    _behalf(allowed, token_texts)
    _acronym_after_dash(allowed, token_texts)
    person = [index for index, kinds in enumerate(allowed) if kinds == _PERSON]
    for indices in parts[1:]:
        _part_opens_a_value(allowed, token_texts, indices, bool(person))
    first_words = _words(token_texts, parts[0]) if parts else []
    opening = allowed[first_words[0]] if first_words else None
    if shared.group == "organizations" or opening in (_ACRONYM, _ORGANIZATION):
        # Under an "Organisations" label, or in an entry the rules open with an
        # organisation ("DAWN (…), Global South"), nobody signs as a person.
        person = [-1]
    if person:
        # One signatory, one person: once the rules have found the name, no later part
        # is another one ("Maria Lopez, Centro de Derechos Humanos (CDH)").
        for index in range(person[-1] + 1, len(allowed)):
            kinds = allowed[index]
            allowed[index] = (kinds or KINDS) - {"PER"}
    return allowed


def _is_email(token: str) -> bool:
    at = token.find("@", 1)
    return at > 0 and "." in token[at:]


def _contacts(allowed: Allowed, token_texts: Sequence[str]) -> None:
    """E-mail addresses and @handles beside a name belong to no field ("jade
    <jade@jade.fyi>", "Jane Doe (@jdoe)"); a signer known by a handle alone is a person
    ("@ktemkin <kate@ktemk.in>")."""
    first_word = next(
        (
            index
            for index, token in enumerate(token_texts)
            if token[:1].isalnum() or token[:1] == "@"
        ),
        None,
    )
    contact = False
    for index, token in enumerate(token_texts):
        if _is_email(token) and index != first_word:
            _none(allowed, index)
            contact = True
            for neighbour in (index - 1, index + 1):
                if 0 <= neighbour < len(token_texts) and token_texts[neighbour] in "<>()":
                    _none(allowed, neighbour)
        elif token.startswith("@") and len(token) > 1 and index != first_word:
            _none(allowed, index)
    if first_word is None:
        return
    opener = token_texts[first_word]
    if opener.startswith("@") and len(opener) > 1:
        _fix(allowed, [first_word], "PER")
    elif contact:
        # A name given with an e-mail address is a person's.
        name = []
        for index in range(first_word, len(token_texts)):
            if allowed[index] is not None or not token_texts[index][:1].isalnum():
                break
            name.append(index)
        if 0 < len(name) <= 4:
            _fix(allowed, name, "PER")


def _is_date_or_address(token_texts: Sequence[str], words: Sequence[int], number: int) -> bool:
    """A date ("March 21, 2022"), a year, or a web address alone in a part names nobody."""
    if number == 0:
        return False
    first = token_texts[words[0]].casefold()
    if len(first) > 3 and first in MONTHS and any(token_texts[index].isdigit() for index in words):
        return True
    if all(token_texts[index].isdigit() for index in words):
        return True
    return len(words) == 1 and _WEB_ADDRESS.fullmatch(token_texts[words[0]]) is not None


def _first_part(
    allowed: Allowed,
    token_texts: Sequence[str],
    words: Sequence[int],
    parts: Sequence[Sequence[int]],
    texts: Sequence[str],
    shared: Layout,
    tables: Tables,
) -> None:
    """The part an entry opens with: a person's name, or an organisation's."""
    _leading_honorifics(allowed, token_texts, words, tables)
    if shared.group == "organizations":
        return
    if _office_and_capitalised_surname(allowed, token_texts, words, tables):
        return
    following = texts[1] if len(parts) > 1 else ""
    in_parentheses = len(parts) > 1 and token_texts[parts[1][0]] == "("
    # "DAWN (Development Alternatives with Women for a New Era)": short form first.
    if (
        len(words) == 1
        and is_acronym(token_texts[words[0]])
        and in_parentheses
        and len(following.split()) >= 3
        and reads_as_name(following, tables)
    ):
        _fix(allowed, words, "ACR")
        _fix(allowed, _words(token_texts, parts[1]), "ORG")
        return
    # "Olena Kovalenko (Ukrainian Helsinki Human Rights Union)" and "Rona Epstein,
    # Honorary Research Fellow": a name followed by an organisation in parentheses or by
    # a role is a person's in any block.
    people = (
        shared.people_first
        or (in_parentheses and reads_as_organization(following, tables))
        or (not in_parentheses and bool(following) and _ends_in_role_word(following, tables))
        or (not in_parentheses and following[:1].islower() and is_role(following, tables))
    )
    _person_first(allowed, token_texts, words, texts[0], people, tables)
    if len(parts) == 1 and not shared.people_first:
        _lone_name(allowed, token_texts, words)


def reads_as_name(phrase: str, tables: Tables) -> bool:
    """A name written out: it starts with a capital and most of its words do too."""
    words = [word for word in phrase.split() if word.casefold() not in tables.title_case_exceptions]
    if not words or not phrase[:1].isupper():
        return False
    return 2 * sum(1 for word in words if word[:1].isupper()) > len(words)


def _lone_name(allowed: Allowed, token_texts: Sequence[str], words: Sequence[int]) -> None:
    """One capitalised word as a whole entry, in a list not only of people ("Oxfam",
    "Greenpeace"), names an organisation; in a list of people it is a pseudonym."""
    if len(words) != 1:
        return
    word = token_texts[words[0]]
    if word[:1].isupper() and word[1:].islower() and word.isalpha():
        _fix(allowed, words, "ORG")


def _part_opens_a_value(
    allowed: Allowed, token_texts: Sequence[str], indices: Sequence[int], named: bool
) -> None:
    """After a name and a comma or dash, a part starts a role, organisation or country
    ("John Smith, Oxfam"), unless it is a note in parentheses, a date or a profile link."""
    words = _words(token_texts, indices)
    if not named or not words or allowed[words[0]] is not None:
        return
    first = token_texts[words[0]]
    if not first[:1].isalpha() or first.casefold() in _PROFILE_SITES:
        return
    if len(first) > 3 and first.casefold() in MONTHS:
        return
    allowed[words[0]] = KINDS - {"O", "PER"}


def _leading_honorifics(
    allowed: Allowed, token_texts: Sequence[str], words: Sequence[int], tables: Tables
) -> None:
    """ "Dr Jane Doe": a title before a name belongs to no field."""
    position = 0
    while position < len(words) - 1:
        folded = token_texts[words[position]].casefold()
        following = token_texts[words[position + 1]]
        if folded not in tables.honorifics or not following[:1].isupper():
            return
        _none(allowed, words[position])
        position += 1


def _office_and_capitalised_surname(
    allowed: Allowed, token_texts: Sequence[str], words: Sequence[int], tables: Tables
) -> bool:
    """ "MEP Manon AUBRY The Left group …": an office, given names, a surname in capitals,
    then the group (a role when a role word closes it: "Non-Attached Member")."""
    if len(words) < 3 or token_texts[words[0]].casefold() not in tables.role_words:
        return False
    position = 1
    while position < len(words) and position <= 3 and _title_word(token_texts[words[position]]):
        position += 1
    given = position - 1
    surname_start = position
    while position < len(words) and position - surname_start < 2:
        word = token_texts[words[position]]
        if not (word.isupper() and len(word) > 1 and word.isalpha()):
            break
        position += 1
    if given == 0 or position == surname_start:
        return False
    _fix(allowed, words[:1], "ROLE")
    _fix(allowed, words[1:position], "PER")
    rest = words[position:]
    if rest and token_texts[rest[0]][:1].isupper():
        last = token_texts[rest[-1]].casefold()
        _fix(allowed, rest, "ROLE" if last in tables.role_words else "ORG")
    return True


def _title_word(word: str) -> bool:
    return len(word) > 1 and word[:1].isupper() and word[1:].islower() and word.isalpha()


def _acronym_after_dash(allowed: Allowed, token_texts: Sequence[str]) -> None:
    """ "… European Parliament - GUE/NGL": capitals after the entry's last spaced dash."""
    dashes = [index for index, token in enumerate(token_texts) if token in ("-", "–", "—")]
    if not dashes or dashes[-1] == 0:
        return
    tail = range(dashes[-1] + 1, len(token_texts))
    words = [index for index in tail if token_texts[index] not in ("/", "-")]
    if not words or len(words) > 3:
        return
    if not all(token_texts[index].isupper() and is_acronym(token_texts[index]) for index in words):
        return
    _fix(allowed, list(tail), "ACR")


def _role_before_name(
    allowed: Allowed,
    token_texts: Sequence[str],
    words: Sequence[int],
    shown: str,
    starts: Sequence[int],
    ends: Sequence[int],
    tables: Tables,
) -> None:
    """ "Chairperson IPAN", "founder Juice Media": a role word straight before a name."""
    if any(allowed[index] is not None for index in words):
        return
    cut = 0
    for position in range(1, min(len(words), _MAX_ROLE_WORDS)):
        if _ends_in_role_word(_text(shown, starts, ends, words[:position]), tables):
            cut = position
    if cut == 0:
        return
    rest = _text(shown, starts, ends, words[cut:])
    if any(token_texts[index].casefold() in _PREPOSITIONS for index in words[cut:]):
        return
    if not rest[:1].isupper() or any(character.isdigit() for character in rest):
        return
    if not (len(words) - cut == 1 or reads_as_organization(rest, tables)):
        return
    _fix(allowed, words[:cut], "ROLE")
    _fix(allowed, words[cut:], "ORG")


def _person_first(
    allowed: Allowed,
    token_texts: Sequence[str],
    words: Sequence[int],
    phrase: str,
    first_parts_are_people: bool,
    tables: Tables,
) -> None:
    if not first_parts_are_people:
        return
    folded = [token_texts[index].casefold() for index in words]
    if any(word in tables.organization_words for word in folded):
        return
    pseudonym = len(words) == 1 and not is_acronym(token_texts[words[0]])
    if not (pseudonym or is_person_shaped(phrase, tables, capitals=True)):
        return
    name = list(words)
    while len(name) > 1 and folded[words.index(name[0])] in tables.honorifics:
        _none(allowed, name[0])
        name = name[1:]
    while len(name) > 1 and folded[words.index(name[-1])].strip(",") in tables.post_nominals:
        _none(allowed, name[-1])
        name = name[:-1]
    _fix(allowed, name, "PER")


def _acronym_closing(
    allowed: Allowed,
    token_texts: Sequence[str],
    indices: Sequence[int],
    words: Sequence[int],
    parts: Sequence[Sequence[int]],
    number: int,
    shown: str,
    starts: Sequence[int],
    ends: Sequence[int],
    tables: Tables,
) -> None:
    """ "Third World Network (TWN)": an acronym alone in parentheses after a name."""
    if len(words) != 1 or token_texts[indices[0]] != "(":
        return
    word = token_texts[words[0]]
    letters = [character for character in word if character.isalpha()]
    if len(letters) < 2 or not all(character.isupper() for character in letters[:2]):
        return
    if not is_acronym(word) or number == 0:
        return
    before = _words(token_texts, parts[number - 1])
    previous = _text(shown, starts, ends, before)
    if not previous or is_role(previous, tables):
        return
    if number == 1 and is_person_shaped(previous, tables):
        # "Jane Doe (JD)": initials or a handle after a name, not an organisation's.
        return
    following = parts[number + 1] if number + 1 < len(parts) else []
    if following and token_texts[following[0]] not in {",", ";", "|", "-", "–", "—"}:
        return
    _fix(allowed, words[:1], "ACR")


def _behalf(allowed: Allowed, token_texts: Sequence[str]) -> None:
    """ "on behalf of (the) X": X, up to the next comma, is the organisation, its
    closing "(ACR)" aside ("on behalf of Our World Is Not for Sale (OWINFS) global
    network", "on behalf of the Third World Network (TWN)")."""
    folded = [token.casefold() for token in token_texts]
    for index in range(len(folded) - 3):
        if folded[index : index + 3] != ["on", "behalf", "of"]:
            continue
        cut = index + (4 if folded[index + 3] == "the" else 3)
        for position in range(index, cut):
            _none(allowed, position)
        stop = cut
        while stop < len(folded) and folded[stop] not in (",", ";", "|"):
            stop += 1
        while stop > cut and (token_texts[stop - 1] in ("(", ")") or allowed[stop - 1] == _ACRONYM):
            stop -= 1
        run = [position for position in range(cut, stop) if allowed[position] is None]
        if run:
            _fix(allowed, run, "ORG")
        return


def _role_then_organization(
    allowed: Allowed,
    token_texts: Sequence[str],
    words: Sequence[int],
    shown: str,
    starts: Sequence[int],
    ends: Sequence[int],
    tables: Tables,
) -> None:
    """ "Software Engineer at Rakuten", "President of the Argentine League for Human
    Rights"; "Professor of Sociology" (a field after "of") is one role."""
    field = False
    for position, index in enumerate(words[1 : _MAX_ROLE_WORDS + 1], start=1):
        connector = token_texts[index]
        if connector not in ("at", *_ROLE_SPLITTERS):
            continue
        role = _text(shown, starts, ends, words[:position])
        # "Professor of Law at the University of Nairobi": a role with its field, then "at".
        if not (_ends_in_role_word(role, tables) or (field and connector == "at")):
            continue
        rest = list(words[position + 1 :])
        skipped = [index]
        if rest and token_texts[rest[0]].casefold() == "the":
            skipped.append(rest[0])
            rest = rest[1:]
        if not rest:
            return
        organization = _text(shown, starts, ends, rest)
        if connector == "at":
            if not organization[:1].isalnum():
                return
        elif not (
            (len(skipped) == 2 or _headed_by_organization(organization, tables))
            and reads_as_organization(organization, tables)
        ):
            # "of the X" names a body; "Professor of Justice and Social Inquiry" a field.
            field = field or connector == "of"
            continue
        _fix(allowed, words[:position], "ROLE")
        for skip in skipped:
            if allowed[skip] is None:
                _none(allowed, skip)
        _fix(allowed, rest, "ORG")
        return
    others = {token_texts[index].casefold() for index in words} & (_PREPOSITIONS - {"of"})
    if field and not others:
        _fix(allowed, words, "ROLE")
