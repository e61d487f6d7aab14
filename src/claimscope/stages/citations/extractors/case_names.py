"""Court judgments cited by case name ("Roe v. Wade", "Citizens United v. FEC")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from claimscope.stages.citations.context import Context
from claimscope.stages.citations.models import Found
from claimscope.stages.citations.patterns import NOT_TITLE_WORDS

# "Roe v. Wade", "Citizens United v. FEC": a case name cites the court's judgment.
_CASE_PARTY = r"[A-Z][\w.'’&\-]{0,25}(?:[ ](?:of|the|for|and|[A-Z][\w.'’&\-]{0,25})){0,4}"
_CASE_RE = re.compile(rf"(?<![\w\-])(?P<title>{_CASE_PARTY}[ ]vs?\.[ ]{_CASE_PARTY})(?![\w\-])")


def case_names(context: Context) -> Iterator[Found]:
    """Judgments cited by case name; the court when the sentence names one."""
    for match in _CASE_RE.finditer(context.text):
        title = match.group("title")
        words = title.split()
        start = match.start()
        while words and words[0] in NOT_TITLE_WORDS:
            start += len(words[0]) + 1
            words.pop(0)
        title = " ".join(words)
        end = match.end()
        while title.endswith((" of", " the", " and", " for")):
            title = title.rsplit(" ", 1)[0]
        end = start + len(title)
        low, high = context.sentence_window(match.start())
        courts = [m for m in context.issuers_in(low, high) if m[2].kind == "court"]
        issuer = context.issuer_name(courts[0][2]) if courts else None
        yield Found("court_judgment", start, end, issuer, title=title)
