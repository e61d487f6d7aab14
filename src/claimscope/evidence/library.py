"""The library's pieces put together: a file read as evidence, entries to match, a dossier met.

What the store and the command line call: :func:`read_evidence` turns one file's bytes into
fact-checks or a primary document; :func:`library_entries` makes the matcher's entries of
both (a fact-check is one entry, a document one entry per passage);
:func:`match_dossier_claims` and :func:`link_dossier_citations` meet a dossier's claims and
citations with the library. Nothing here reads or writes files or a database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from claimscope.dossier import Dossier, EvidenceHighlight, EvidenceMatch
from claimscope.evidence.citations import CitationLink, link_citation
from claimscope.evidence.factchecks import (
    ISO_DATE,
    FactCheck,
    has_claimreview,
    read_claimreview_html,
    read_claimreview_json,
    read_records_csv,
    read_records_jsonl,
)
from claimscope.evidence.matching import Encoder, EvidenceEntry, Match, Matcher
from claimscope.evidence.passages import (
    DocumentDescription,
    DocumentError,
    Passage,
    PrimaryDocument,
    read_primary_document,
)

PASSAGE_SEPARATOR = "#"


@dataclass
class EvidenceRead:
    """What one file gave: fact-checks or one primary document, and messages on bad records."""

    factchecks: list[FactCheck] = field(default_factory=list)
    document: PrimaryDocument | None = None
    errors: list[str] = field(default_factory=list)


def _decoded(data: bytes, source: str) -> str | None:
    from claimscope.ingestion import IngestionError, decode_bytes

    try:
        return decode_bytes(data, source)
    except IngestionError:
        return None


def read_evidence(
    data: bytes,
    source: str,
    given: DocumentDescription | None = None,
    header_citations: Sequence[Any] = (),
) -> EvidenceRead:
    """A file's evidence, by its name and content.

    ``.jsonl``: fact-check records; ``.csv``: fact-check records with a header row;
    ``.json``/``.jsonld``: ClaimReview JSON-LD; ``.html``/``.htm``: the page's ClaimReviews
    when it carries some, else the page as a primary document; PDF (by its ``%PDF-`` start)
    and anything else: a primary document (``given`` and ``header_citations`` describe it,
    see :func:`claimscope.evidence.passages.describe_document`).
    """
    name = source.lower()
    if not data.startswith(b"%PDF-") and name.endswith((".jsonl", ".csv", ".json", ".jsonld")):
        text = _decoded(data, source)
        if text is None:
            return EvidenceRead(errors=[f"{source}: not text"])
        if name.endswith(".jsonl"):
            read = read_records_jsonl(text.splitlines(), source)
        elif name.endswith(".csv"):
            read = read_records_csv(text, source)
        else:
            read = read_claimreview_json(text, source)
        return EvidenceRead(factchecks=read.factchecks, errors=read.errors)
    if name.endswith((".html", ".htm")):
        text = _decoded(data, source)
        if text is not None and has_claimreview(text):
            read = read_claimreview_html(text, source)
            if read.factchecks:
                return EvidenceRead(factchecks=read.factchecks, errors=read.errors)
    try:
        document = read_primary_document(data, source, given, header_citations)
    except DocumentError as error:
        return EvidenceRead(errors=[str(error)])
    return EvidenceRead(document=document)


def factcheck_entry(factcheck: FactCheck) -> EvidenceEntry:
    """A fact-check as the matcher indexes it."""
    return EvidenceEntry(factcheck.id, factcheck.claim, factcheck.title, factcheck.subtitle)


def passage_entries(document: PrimaryDocument) -> list[EvidenceEntry]:
    """A document's passages as the matcher indexes them: ``DOCUMENT_ID#PASSAGE`` each."""
    title = document.description.title or ""
    return [
        EvidenceEntry(
            passage_id(document.id, passage.index),
            document.passage_text(passage),
            title,
            passage.label or "",
        )
        for passage in document.passages
    ]


def library_entries(
    factchecks: Iterable[FactCheck], documents: Iterable[PrimaryDocument] = ()
) -> list[EvidenceEntry]:
    """The entries of a whole library: fact-checks, then every document's passages."""
    entries = [factcheck_entry(factcheck) for factcheck in factchecks]
    for document in documents:
        entries.extend(passage_entries(document))
    return entries


def passage_id(document_id: str, passage: int) -> str:
    """A passage's evidence id: ``DOCUMENT_ID#PASSAGE`` (:func:`split_entry_id` reads it)."""
    return f"{document_id}{PASSAGE_SEPARATOR}{passage}"


def split_entry_id(entry_id: str) -> tuple[str, int | None]:
    """An entry id as (fact-check or document id, passage index or None)."""
    head, separator, tail = entry_id.rpartition(PASSAGE_SEPARATOR)
    if separator and tail.isdigit() and head.startswith("sha256:"):
        return head, int(tail)
    return entry_id, None


@dataclass(frozen=True)
class ClaimMatches:
    """The matches of one dossier claim (by its index in ``dossier.claims``)."""

    claim: int
    matches: tuple[Match, ...]


def match_dossier_claims(
    claims: Sequence[Any], matcher: Matcher, k: int = 5, min_score: float = 0.0
) -> list[ClaimMatches]:
    """Each claim's best entries (``claims``: dossier claims, or anything with ``text``)."""
    found: list[ClaimMatches] = []
    for number, claim in enumerate(claims):
        matches = tuple(match for match in matcher.match(claim.text, k) if match.score >= min_score)
        found.append(ClaimMatches(number, matches))
    return found


def link_dossier_citations(
    citations: Sequence[Any], documents: Sequence[PrimaryDocument]
) -> list[list[CitationLink]]:
    """For each dossier citation, in order, the library documents it names (maybe none)."""
    return [link_citation(citation, documents) for citation in citations]


# The longest claim looked up as worded (``claimscope match --claim``, the web app): a
# paragraph at most; longer text is a document, whose claims the pipeline finds.
MAX_WORDED_CLAIM_CHARS = 5_000


class Library:
    """A whole library in memory: its fact-checks and documents by id, its matcher built once."""

    def __init__(
        self,
        factchecks: Iterable[FactCheck],
        documents: Iterable[PrimaryDocument] = (),
        embeddings: bool = False,
        encoder: Encoder | None = None,
        query_encoder: Encoder | None = None,
    ) -> None:
        self.factchecks = {factcheck.id: factcheck for factcheck in factchecks}
        self.documents = {document.id: document for document in documents}
        # The shipped model of the embeddings extra instead of the torch-free one. The
        # entries' encoder (MiniLM unless given) may keep their vectors, as the store's
        # does; the claims matched go through ``query_encoder`` (that encoder unless given).
        self.embeddings = embeddings
        self.encoder = encoder
        self.query_encoder = query_encoder
        self._matcher: Matcher | None = None

    @property
    def passages(self) -> int:
        """How many passages the documents hold."""
        return sum(len(document.passages) for document in self.documents.values())

    def matcher(self) -> Matcher:
        """The matcher over every entry (built on first use), by the shipped model chosen."""
        if self._matcher is None:
            from claimscope.evidence.matching import EvidenceIndex, MatchingModel

            entries = library_entries(self.factchecks.values(), self.documents.values())
            model = MatchingModel.load(embeddings=self.embeddings)
            self._matcher = Matcher(
                EvidenceIndex.build(entries, model.settings, self.encoder, self.query_encoder),
                model,
            )
        return self._matcher

    def describe(self, match: Match) -> EvidenceMatch:
        """A matcher's match as the dossier reports it, with what the entry's source says."""
        highlight = (
            None
            if match.highlight is None
            else EvidenceHighlight(
                field=match.highlight.field,
                start=match.highlight.start,
                end=match.highlight.end,
            )
        )
        score = min(1.0, max(0.0, match.score))
        owner, passage_index = split_entry_id(match.evidence_id)
        if passage_index is not None and owner in self.documents:
            document = self.documents[owner]
            found = _document_match(
                document, document.passages[passage_index], match.rank, score, highlight
            )
            return found.model_copy(update={"duplicates": list(match.duplicates)})
        factcheck = self.factchecks[match.evidence_id]
        rating = factcheck.rating
        return EvidenceMatch(
            evidence_id=factcheck.id,
            kind="factcheck",
            rank=match.rank,
            score=score,
            text=factcheck.claim,
            start=0,
            end=len(factcheck.claim),
            highlight=highlight,
            document_title=factcheck.title or None,
            reviewer=factcheck.reviewer,
            rating=rating.name if rating else None,
            rating_value=rating.value if rating else None,
            rating_best=rating.best if rating else None,
            rating_worst=rating.worst if rating else None,
            claimant=factcheck.claimant,
            date=factcheck.date,
            url=factcheck.url,
            duplicates=list(match.duplicates),
        )

    def match_texts(
        self, claims: Sequence[str], k: int = 5, min_score: float = 0.0
    ) -> list[list[EvidenceMatch]]:
        """For each claim as worded, its k best entries scoring ``min_score`` or more."""
        if not claims or not (self.factchecks or self.documents):
            return [[] for _ in claims]
        found = self.matcher().match_all(list(claims), k)
        return [
            [self.describe(match) for match in matches if match.score >= min_score]
            for matches in found
        ]

    def cited(
        self, links: Sequence[Sequence[CitationLink]], citations: Iterable[int]
    ) -> list[EvidenceMatch]:
        """The library documents (or the passages their pinpoints name) that citations name.

        ``links`` are :meth:`citation_links` of a dossier, ``citations`` indices into its
        citations, such as a claim's; each document or passage comes once, under the first
        citation that names it, scored 1.
        """
        found: dict[str, EvidenceMatch] = {}
        for index in citations:
            if not 0 <= index < len(links):
                continue
            for link in links[index]:
                document = self.documents[link.document_id]
                passage = None if link.passage is None else document.passages[link.passage]
                match = _document_match(document, passage, 1, 1.0, None, citation=index)
                found.setdefault(match.evidence_id, match)
        return list(found.values())

    def with_matches(self, dossier: Dossier, k: int = 5, min_score: float = 0.0) -> Dossier:
        """A copy of the dossier whose claims carry their k best matches scoring min_score+.

        The documents that a claim's own citations name come first (``citation`` set, not
        counted in k); an entry found both ways is listed once, as cited.
        """
        claims = [claim.model_copy(update={"matches": []}) for claim in dossier.claims]
        if self.factchecks or self.documents:
            found = self.matcher().match_all([claim.text for claim in claims], k)
            links = self.citation_links(dossier)
            for claim, matches in zip(claims, found, strict=True):
                cited = self.cited(links, claim.citations)
                seen = {match.evidence_id for match in cited}
                worded = [
                    self.describe(match)
                    for match in matches
                    if match.score >= min_score and match.evidence_id not in seen
                ]
                claim.matches = [
                    match.model_copy(update={"rank": rank})
                    for rank, match in enumerate([*cited, *worded], start=1)
                ]
        return dossier.model_copy(update={"claims": claims})

    def citation_links(self, dossier: Dossier) -> list[list[CitationLink]]:
        """For each of the dossier's citations, the library documents it names."""
        return link_dossier_citations(dossier.citations, list(self.documents.values()))


def _document_match(
    document: PrimaryDocument,
    passage: Passage | None,
    rank: int,
    score: float,
    highlight: EvidenceHighlight | None,
    citation: int | None = None,
) -> EvidenceMatch:
    """A primary document's passage as a dossier match, or the whole document (no passage)."""
    description = document.description
    kind: Literal["passage", "document"]
    if passage is None:
        opening = document.passage_text(document.passages[0]) if document.passages else ""
        evidence_id, kind, text = document.id, "document", description.title or opening
        start, end, label, page = 0, len(document.text), None, None
    else:
        evidence_id = passage_id(document.id, passage.index)
        kind, text = "passage", document.passage_text(passage)
        start, end, label, page = passage.start, passage.end, passage.label, passage.page
    return EvidenceMatch(
        evidence_id=evidence_id,
        kind=kind,
        rank=rank,
        score=score,
        text=text,
        start=start,
        end=end,
        highlight=highlight,
        document_id=document.id,
        document_title=description.title,
        document_kind=description.kind,
        issuer=description.issuer,
        label=label,
        page=page,
        date=description.date,
        citation=citation,
    )


def _most_common(values: Iterable[str | None], top: int) -> list[dict[str, Any]]:
    """The ``top`` most frequent values given (None and blanks left out), ties by name."""
    counts = Counter(value.strip() for value in values if value and value.strip())
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [{"name": name, "count": count} for name, count in ranked[:top]]


def library_summary(library: Library, top: int = 10) -> dict[str, Any]:
    """What a library holds: counts, its fact-checks' reviewers, ratings and dates, and its
    documents' kinds and issuers (the ``top`` most frequent of each, most first)."""
    factchecks = list(library.factchecks.values())
    documents = [document.description for document in library.documents.values()]
    dated = [factcheck.date.strip() for factcheck in factchecks if factcheck.date]
    # Dates are kept as the publisher wrote them; only ISO days can be ordered.
    days = sorted(match.group() for date in dated if (match := ISO_DATE.match(date)))
    return {
        "factchecks": len(factchecks),
        "documents": len(documents),
        "passages": library.passages,
        "reviewers": _most_common((factcheck.reviewer for factcheck in factchecks), top),
        "without_reviewer": sum(
            1 for factcheck in factchecks if not (factcheck.reviewer or "").strip()
        ),
        # As each reviewer wrote it: "False" of one and "Fake" of another are not merged.
        "ratings": _most_common(
            (factcheck.rating.name if factcheck.rating else None for factcheck in factchecks), top
        ),
        "dates": {
            "earliest": days[0] if days else None,
            "latest": days[-1] if days else None,
            "undated": len(factchecks) - len(dated),
            "dated_otherwise": len(dated) - len(days),
        },
        "document_kinds": _most_common((document.kind for document in documents), top),
        "issuers": _most_common((document.issuer for document in documents), top),
    }
