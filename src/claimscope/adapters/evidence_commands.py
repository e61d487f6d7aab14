"""``claimscope evidence add|export|stats`` and ``claimscope match``: the evidence library.

The library lives in the corpus store (``--db``, else ``CLAIMSCOPE_DB``, else
``./claimscope.db``): earlier fact-checks and the primary documents a user collects.
``match`` meets the claims of analysed documents with it. A match is a pointer to read,
never claimscope's verdict: the score says how much a claim and an entry share, and a
fact-check's rating is its reviewer's.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from claimscope.adapters.cli_common import (
    EXIT_BAD_INPUT,
    DbOption,
    DisableOption,
    FormatOption,
    ListingFormat,
    MatchingEmbeddingsOption,
    Output,
    OutputFormat,
    error_console,
    fail,
    first_line,
    open_store,
    print_json,
    progress_bar,
    quiet_when_reader_leaves,
    render,
    require_matching_embeddings,
    safe,
    say,
    status,
    store_errors,
    text_lines,
    write_output,
)
from claimscope.adapters.inputs import STDIN
from claimscope.adapters.report.wording import (
    highlighted_window,
    match_source,
    reviewer_rating,
)

if TYPE_CHECKING:
    from claimscope.adapters.store import Store
    from claimscope.adapters.store.vectors import StoredEncoder
    from claimscope.dossier import Dossier, EvidenceMatch
    from claimscope.evidence.library import Library

# Below this a match shares a word or two with the claim and little else. A default read
# off the bundled example against the ICJ order, the trilateral statement and two
# fact-checks (not a measured threshold): the passages and the fact-check on a claim's
# subject scored 0.05-0.98, every other entry 0.021 or less. --min-score 0 lists all.
DEFAULT_MIN_SCORE = 0.05
# Rejected records printed one per line before the rest are only counted.
_MAX_REJECTED_LINES = 20
# Inside a directory, the files `evidence add` reads (any file named outright is read).
EVIDENCE_SUFFIXES = (".json", ".jsonld", ".jsonl", ".csv", ".html", ".htm", ".txt", ".md", ".pdf")

evidence_app = typer.Typer(
    help="The evidence library: earlier fact-checks and primary documents, in the store.",
    no_args_is_help=True,
)


class ExportFormat(StrEnum):
    """Formats of ``evidence export``."""

    claimreview = "claimreview"


class MatchFormat(StrEnum):
    """Outputs of ``match``: a table, one JSON object, or the dossiers' reports."""

    table = "table"
    json = "json"
    markdown = "markdown"
    html = "html"


def evidence_files(paths: Sequence[str]) -> Iterator[tuple[str, str | None]]:
    """Each file named, directories walked in sorted order: (path, problem or None)."""
    for raw in paths:
        if raw == STDIN:
            yield raw, None
        elif os.path.isdir(raw):
            for folder, folders, files in os.walk(raw):
                folders.sort()
                for name in sorted(files):
                    if name.lower().endswith(EVIDENCE_SUFFIXES) and not name.startswith("."):
                        yield os.path.join(folder, name), None
        elif os.path.isfile(raw):
            yield raw, None
        else:
            yield raw, "no such file" if not os.path.exists(raw) else "not a regular file"


@evidence_app.command("add")
def add_command(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Fact-checks (ClaimReview .json/.jsonld/.html, .jsonl or .csv records) and "
            "primary documents (.txt, .html, .pdf); directories are walked; '-' for stdin."
        ),
    ],
    db: DbOption = None,
    stdin_name: Annotated[
        str,
        typer.Option(
            help="The name standard input goes by: its ending chooses the reader, as a "
            "file's does (a PDF is known by its content).",
        ),
    ] = "stdin.jsonl",
    kind: Annotated[
        str | None,
        typer.Option(help="What the primary documents are (court_order, resolution, treaty…)."),
    ] = None,
    issuer: Annotated[str | None, typer.Option(help="Who issued the primary documents.")] = None,
    date: Annotated[str | None, typer.Option(help="Their date, ISO 8601.")] = None,
    number: Annotated[str | None, typer.Option(help="Their number or symbol.")] = None,
    title: Annotated[str | None, typer.Option(help="Their title.")] = None,
    output_format: Annotated[
        ListingFormat,
        typer.Option("--format", "-f", help="table: a summary line; json: the counts as JSON."),
    ] = ListingFormat.table,
) -> None:
    """Add fact-checks and primary documents to the library (what is stored is skipped)."""
    from claimscope.adapters.store import Rejected
    from claimscope.adapters.store.library import LibraryResult, add_evidence
    from claimscope.evidence.library import read_evidence
    from claimscope.evidence.passages import DocumentDescription

    given = DocumentDescription(kind=kind, issuer=issuer, date=date, number=number, title=title)
    store = open_store(db)
    errors = error_console()
    total = LibraryResult()
    rejected_count = 0
    try:
        # One transaction per file: a run killed midway keeps every file it finished.
        for path, problem in evidence_files(paths):
            rejected: list[Rejected] = []
            factchecks = []
            documents = []
            if problem is not None:
                rejected.append(Rejected(path, problem))
            else:
                from_stdin = path == STDIN
                if from_stdin:
                    # Named so that its ending picks the reader and errors say where.
                    path = stdin_name
                try:
                    data = sys.stdin.buffer.read() if from_stdin else Path(path).read_bytes()
                except OSError as error:
                    rejected.append(Rejected(path, f"cannot read: {error.strerror}"))
                else:
                    read = read_evidence(data, path, given)
                    factchecks = read.factchecks
                    documents = [read.document] if read.document is not None else []
                    rejected += [Rejected(path, message) for message in read.errors]
            for item in rejected:
                if rejected_count < _MAX_REJECTED_LINES:
                    say(errors, f"claimscope: skipped {item.reason}")
                rejected_count += 1
            result = add_evidence(store, factchecks, documents, rejected)
            total.factchecks_added += result.factchecks_added
            total.factchecks_present += result.factchecks_present
            total.documents_added += result.documents_added
            total.documents_present += result.documents_present
            total.errors_added += result.errors_added
    except store_errors() as error:
        raise fail(f"{store.location.shown}: {first_line(error)}") from None
    finally:
        store.close()
    if rejected_count > _MAX_REJECTED_LINES:
        say(errors, f"… and {rejected_count - _MAX_REJECTED_LINES:,} more rejected")
    if output_format is ListingFormat.json:
        print_json(
            {
                "store": store.location.shown,
                "factchecks_added": total.factchecks_added,
                "factchecks_already_present": total.factchecks_present,
                "documents_added": total.documents_added,
                "documents_already_present": total.documents_present,
                "rejected": rejected_count,
            }
        )
    say(
        errors,
        f"claimscope: {total.factchecks_added:,} fact-checks and {total.documents_added:,} "
        f"documents added, {total.factchecks_present + total.documents_present:,} already "
        f"present, {rejected_count:,} rejected ({store.location.shown})",
    )
    if rejected_count:
        raise typer.Exit(EXIT_BAD_INPUT)


@evidence_app.command("export")
def export_command(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="The file to write (default: stdout).")
    ] = None,
    export_format: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help="claimreview: schema.org ClaimReview JSON-LD."),
    ] = ExportFormat.claimreview,
    db: DbOption = None,
) -> None:
    """Write the library's fact-checks as ClaimReview JSON-LD, for other tools."""
    from claimscope.adapters.store.library import stored_factchecks
    from claimscope.evidence.factchecks import export_claimreview

    store = open_store(db)
    try:
        exported = export_claimreview(stored_factchecks(store))
    except store_errors() as error:
        raise fail(f"{store.location.shown}: {first_line(error)}") from None
    finally:
        store.close()
    write_output(out, json.dumps(exported, ensure_ascii=False, indent=2) + "\n")


@evidence_app.command("stats")
def stats_command(
    db: DbOption = None,
    output_format: FormatOption = ListingFormat.table,
    top: Annotated[
        int, typer.Option("--top", help="Reviewers, ratings, kinds and issuers listed.", min=1)
    ] = 10,
) -> None:
    """What the library holds: counts, reviewers, ratings, dates; documents by kind, issuer."""
    from claimscope.evidence.library import library_summary

    summary = library_summary(_load_library(db), top)
    if output_format is ListingFormat.json:
        print_json(summary)
        return
    console = Console(highlight=False)
    table = Table(title="Evidence library")
    table.add_column("entries")
    table.add_column("count", justify="right")
    for name in ("factchecks", "documents", "passages"):
        table.add_row(name, f"{summary[name]:,}")
    console.print(table)
    dates = summary["dates"]
    if dates["earliest"]:
        console.print(
            f"Fact-checks dated {dates['earliest']} to {dates['latest']}"
            f" ({dates['undated']:,} undated, {dates['dated_otherwise']:,} dated otherwise)",
            markup=False,
        )
    for key, title in (
        ("reviewers", "Reviewers"),
        ("ratings", "Ratings as written"),
        ("document_kinds", "Documents by kind"),
        ("issuers", "Documents by issuer"),
    ):
        if not summary[key]:
            continue
        listing = Table(title=title)
        listing.add_column("name")
        listing.add_column("count", justify="right")
        for item in summary[key]:
            listing.add_row(safe(item["name"]), f"{item['count']:,}")
        console.print(listing)


def _load_library(db: str | None) -> Library:
    from claimscope.adapters.store.library import stored_documents, stored_factchecks
    from claimscope.evidence.library import Library

    store = open_store(db)
    try:
        return Library(stored_factchecks(store), stored_documents(store))
    except store_errors() as error:
        raise fail(f"{store.location.shown}: {first_line(error)}") from None
    finally:
        store.close()


# -- match --------------------------------------------------------------------------------


def _target_dossiers(
    store: Store, targets: Sequence[str], every: bool, disable: Sequence[str]
) -> Iterator[Dossier]:
    """The dossiers to match: stored ones by id (or all), files analysed now."""
    from claimscope.adapters.store import StoreError

    if every:
        for stored_document in store.documents():
            yield stored_document.dossier
    files = [target for target in targets if target == "-" or os.path.exists(target)]
    for target in targets:
        if target in files:
            continue
        try:
            stored = store.get(store.resolve_id(target))
        except StoreError as error:
            raise fail(f"{target}: not a file, and {error}") from None
        assert stored is not None
        yield stored.dossier
    if files:
        from claimscope.adapters.inputs import read_documents
        from claimscope.ingestion import IngestionError
        from claimscope.pipeline import build_pipeline

        try:
            pipeline = build_pipeline(list(disable))
        except ValueError as error:
            raise fail(str(error)) from None
        for item in read_documents(files):
            if isinstance(item, IngestionError):
                raise fail(str(item))
            yield pipeline.analyze(item)


def match_record(dossier: Dossier, library: Library) -> dict[str, Any]:
    """One document's matches as JSON: its claims with their matches, its citations' links."""
    from claimscope.evidence.library import passage_id

    links = library.citation_links(dossier)
    citations = []
    for index, (citation, found) in enumerate(zip(dossier.citations, links, strict=True)):
        if not found:
            continue
        rendered = []
        for link in found:
            document = library.documents[link.document_id]
            passage = document.passages[link.passage] if link.passage is not None else None
            rendered.append(
                {
                    "document_id": link.document_id,
                    "title": document.description.title,
                    "agreed": list(link.agreed),
                    "passage": None
                    if passage is None
                    else {
                        "evidence_id": passage_id(document.id, passage.index),
                        "label": passage.label,
                        "page": passage.page,
                        "start": passage.start,
                        "end": passage.end,
                        "text": document.passage_text(passage),
                        "by_number": link.passage_by_number,
                    },
                }
            )
        citations.append(
            {
                "citation": index,
                "text": citation.text,
                "start": citation.start,
                "end": citation.end,
                "links": rendered,
            }
        )
    return {
        "id": dossier.document.id,
        "source": dossier.document.source,
        "title": dossier.document.title,
        "claims": [
            {"claim": index, **claim.model_dump(mode="json")}
            for index, claim in enumerate(dossier.claims)
        ],
        "citations": citations,
    }


# Claims matched between two updates of the progress bar.
_WORDED_BATCH = 256


def worded_claims(given: Sequence[str], file: str | None) -> list[str] | None:
    """The claims of ``--claim`` and the lines of ``--claims`` (None when neither is given).

    Blank lines are skipped; a claim longer than a long sentence, binary data or text that
    is not UTF-8 exits with one line naming the claim or the line.
    """
    if not given and file is None:
        return None
    from claimscope.evidence.library import MAX_WORDED_CLAIM_CHARS

    claims: list[tuple[str, str]] = [
        (f"--claim {number}", text) for number, text in enumerate(given, start=1)
    ]
    if file is not None:
        # A claim's characters take at most four bytes each in UTF-8 (and a CRLF ends it).
        longest = 4 * MAX_WORDED_CLAIM_CHARS + 2
        for number, line in enumerate(text_lines(file, longest), start=1):
            claims.append((f"{file}:{number}", line))
    found: list[str] = []
    for where, text in claims:
        text = " ".join(text.split())
        if len(text) > MAX_WORDED_CLAIM_CHARS:
            raise fail(
                f"{where}: a claim of {len(text):,} characters; at most "
                f"{MAX_WORDED_CLAIM_CHARS:,}, one claim a line"
            )
        if text:
            found.append(text)
    if not found:
        raise fail(f"{file or '--claim'}: no claim to look up (every one is blank)")
    return found


def _worded_matches(
    library: Library, claims: Sequence[str], k: int, min_score: float, console: Console
) -> Iterator[tuple[str, list[EvidenceMatch]]]:
    """Each claim with its matches, a batch at a time; a progress bar on a terminal."""
    with progress_bar(console) if console.is_terminal else nullcontext() as progress:
        task = (
            progress.add_task(f"matching {len(claims):,} claims", total=len(claims))
            if progress is not None and len(claims) > _WORDED_BATCH
            else None
        )
        for start in range(0, len(claims), _WORDED_BATCH):
            batch = claims[start : start + _WORDED_BATCH]
            yield from zip(batch, library.match_texts(batch, k, min_score), strict=True)
            if progress is not None and task is not None:
                progress.advance(task, len(batch))


def match_command(
    targets: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="ID|PATH...",
            help="Stored document ids (4+ hex digits) or files to analyse now.",
        ),
    ] = None,
    db: DbOption = None,
    k: Annotated[int, typer.Option("-k", help="Matches per claim.", min=1, max=100)] = 5,
    min_score: Annotated[
        float,
        typer.Option(
            help="Leave out matches scoring below this (0-1): entries sharing a word or two.",
            min=0.0,
            max=1.0,
        ),
    ] = DEFAULT_MIN_SCORE,
    every: Annotated[bool, typer.Option("--all", help="Every stored document.")] = False,
    disable: DisableOption = None,
    output_format: Annotated[
        MatchFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="table (on a terminal), json (one JSON object; the default elsewhere), "
            "markdown or html (the reports, with 'Checked before').",
        ),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")] = None,
    embeddings: MatchingEmbeddingsOption = False,
    claim: Annotated[
        list[str] | None,
        typer.Option(
            "--claim",
            metavar="TEXT",
            help="A claim to look up as worded (repeatable); no document is analysed.",
        ),
    ] = None,
    claims_file: Annotated[
        str | None,
        typer.Option(
            "--claims",
            metavar="FILE",
            help="Claims to look up as worded, one a line ('-' for standard input).",
        ),
    ] = None,
) -> None:
    """Match documents' claims, or claims as worded, against the evidence library."""
    worded = worded_claims(claim or [], claims_file)
    if worded is not None and (targets or every):
        raise fail("--claim and --claims look claims up as worded: give them without documents")
    if not targets and not every and worded is None:
        raise fail("give document ids or files to match, --all, or claims with --claim or --claims")
    require_matching_embeddings(embeddings)
    chosen = output_format
    if chosen is None:
        chosen = MatchFormat.table if out is None and sys.stdout.isatty() else MatchFormat.json
    if chosen is MatchFormat.table and out is not None:
        raise fail("--format table prints to the terminal; use json, markdown or html")
    if worded is not None and chosen in (MatchFormat.markdown, MatchFormat.html):
        raise fail(
            f"--format {chosen.value} reports documents; claims as worded take table or json"
        )
    store = open_store(db)
    try:
        from claimscope.adapters.store.library import stored_documents, stored_factchecks
        from claimscope.evidence.library import Library

        # Reading and indexing a large library takes seconds (10 at 100,000 entries), before
        # anything is printed: say so on a terminal.
        progress = error_console()
        encoder = _stored_encoder(store) if embeddings else None
        with status(progress, "reading the evidence library"):
            library = Library(
                stored_factchecks(store),
                stored_documents(store),
                embeddings,
                encoder,
                # The claims are encoded as they come, not kept in the store.
                query_encoder=encoder.encoder if encoder is not None else None,
            )
        if not library.factchecks and not library.documents:
            raise fail(
                f"{store.location.shown}: the evidence library is empty "
                "(add fact-checks and documents with `claimscope evidence add`)"
            )
        entries = len(library.factchecks) + library.passages
        if encoder is None:
            with status(progress, f"indexing {entries:,} evidence entries"):
                library.matcher()
        else:
            with _encoding_progress(progress, entries) as report:
                encoder.progress = report
                library.matcher()
            encoder.progress = None
        if worded is not None:
            found = _worded_matches(library, worded, k, min_score, progress)
            if chosen is MatchFormat.json:
                records = (
                    {"claim": text, "matches": [match.model_dump(mode="json") for match in matches]}
                    for text, matches in found
                )
                _write_match_json(out, library, k, min_score, "claims", records)
            else:
                plural = "" if len(worded) == 1 else "s"
                _print_match_tables([(f"{len(worded):,} claim{plural} as worded", list(found))])
            return
        # A generator: with --all, documents are read, matched and written one at a time.
        matched = (
            library.with_matches(dossier, k, min_score)
            for dossier in _target_dossiers(store, targets or [], every, disable or [])
        )
        if chosen is MatchFormat.json:
            records = (match_record(dossier, library) for dossier in matched)
            _write_match_json(out, library, k, min_score, "documents", records)
        elif chosen is MatchFormat.table:
            _print_match_tables(
                (
                    f"{dossier.document.title or dossier.document.source}"
                    f" ({dossier.document.id[:19]})",
                    [(claim.text, claim.matches) for claim in dossier.claims],
                )
                for dossier in matched
            )
        else:
            # The reports index every document first: they need them all at once.
            write_output(out, render(list(matched), OutputFormat(chosen.value)))
    except store_errors() as error:
        raise fail(f"{store.location.shown}: {first_line(error)}") from None
    finally:
        store.close()


def _stored_encoder(store: Store) -> StoredEncoder:
    """MiniLM, its vectors of the library's texts kept in the store (each encoded once)."""
    from claimscope.adapters.store.vectors import StoredEncoder
    from claimscope.evidence.matching import default_encoder, default_encoder_name

    return StoredEncoder(store, default_encoder_name(), default_encoder())


@contextmanager
def _encoding_progress(
    console: Console, entries: int
) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar of the texts MiniLM encodes while the index is built (terminal only).

    Yields the callback to give the encoder, or None where nothing is shown.
    """
    if not console.is_terminal:
        yield None
        return
    with progress_bar(console) as progress:
        task = progress.add_task(f"indexing {entries:,} evidence entries", total=None)
        # The index encodes the claims, then the titles: one bar counts both calls.
        finished = {"texts": 0, "last_total": 0, "last_done": 0}

        def report(done: int, total: int) -> None:
            # Within one call the total stays and the count grows; anything else is the next.
            if done <= finished["last_done"] or total != finished["last_total"]:
                finished["texts"] += finished["last_total"]
            finished["last_total"], finished["last_done"] = total, done
            progress.update(
                task,
                description="encoding the texts not yet in the store",
                completed=finished["texts"] + done,
                total=finished["texts"] + total,
            )

        yield report


def _write_match_json(
    out: Path | None,
    library: Library,
    k: int,
    min_score: float,
    key: str,
    records: Iterable[dict[str, Any]],
) -> None:
    """One JSON object, its records (documents or claims, under ``key``) written as they come."""
    head = {
        "schema": "claimscope.matches/1",
        "library": {
            "factchecks": len(library.factchecks),
            "documents": len(library.documents),
            "passages": library.passages,
        },
        "k": k,
        "min_score": min_score,
        "embeddings": library.embeddings,
    }
    opening = json.dumps(head, ensure_ascii=False, indent=2)[:-2] + f',\n  "{key}": ['
    with quiet_when_reader_leaves():
        try:
            output = Output(out)
        except OSError as error:
            raise fail(f"{out}: cannot write: {error.strerror}") from None
        try:
            output.write(opening)
            for number, record in enumerate(records):
                written = json.dumps(record, ensure_ascii=False, indent=2)
                output.write(("," if number else "") + "\n" + written)
            output.write("\n]}\n")
            output.commit()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise fail(f"{output.name}: cannot write: {error.strerror}") from None
        finally:
            output.discard()


def _print_match_tables(
    groups: Iterable[tuple[str, Sequence[tuple[str, Sequence[EvidenceMatch]]]]],
) -> None:
    """A table per group (a document, or the claims as worded): each claim's matches."""
    console = Console(highlight=False)
    for title, claims in groups:
        table = Table(title=safe(title), show_lines=True)
        for column in ("claim", "#", "score", "source", "matched text", "reviewer's rating"):
            table.add_column(column, justify="right" if column in {"#", "score"} else "left")
        for text, matches in claims:
            for match in matches:
                before, marked, after = highlighted_window(match, 200)
                window = Text(safe(before))
                window.append(safe(marked), style="bold yellow")
                window.append(safe(after))
                table.add_row(
                    safe(text) if match.rank == 1 else "",
                    str(match.rank),
                    f"{match.score:.2f}",
                    safe(match_source(match)),
                    window,
                    safe(reviewer_rating(match)),
                )
        if table.row_count:
            console.print(table)
        else:
            console.print(Text(safe(f"{title}: no claim matched the library")))
    console.print(
        "A match is a pointer to read: the score says how much a claim and an entry share, "
        "not whether either is true; ratings are the reviewers'.",
        markup=False,
    )
