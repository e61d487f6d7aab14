"""``claimscope corpus …``: add or import documents to the corpus store, search, show, export,
re-analyse.

The store is ``--db`` (a SQLite file path or a database URL), else ``CLAIMSCOPE_DB``, else
``claimscope.db`` in the working directory. A store that cannot be opened (a bad URL, an
unreachable server) is one error line and exit status 2.
"""

from __future__ import annotations

import csv
import io
import json
import re
import signal
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from claimscope.adapters.cli_common import (
    EXIT_BAD_INPUT,
    DbOption,
    DisableOption,
    FormatOption,
    ListingFormat,
    MaxCharsOption,
    MaxSecondsOption,
    Output,
    OutputFormat,
    error_console,
    exit_on_sigterm,
    fail,
    quiet_when_reader_leaves,
    render,
    say,
)
from claimscope.adapters.cli_common import first_line as _first_line
from claimscope.adapters.cli_common import json_default as _json_default
from claimscope.adapters.cli_common import open_store as _open_store
from claimscope.adapters.cli_common import print_json as _print_json
from claimscope.adapters.cli_common import safe as _safe
from claimscope.adapters.cli_common import store_errors as _store_errors
from claimscope.adapters.cli_common import write_output as _write_output
from claimscope.analysis import DEFAULT_MAX_SECONDS
from claimscope.document import Document
from claimscope.ingestion import DEFAULT_MAX_CHARS, IngestionError, Settings

# The store (SQLAlchemy) and the pipeline are imported when a command runs: they take a
# second or so to load, and `claimscope --help` should not wait for them.
if TYPE_CHECKING:
    from claimscope.adapters.report.where_else import WhereElse
    from claimscope.adapters.store import Store
    from claimscope.dossier import Dossier

EXIT_INTERRUPTED = 130
# Rejected inputs printed one per line before the rest are only counted.
_MAX_REJECTED_LINES = 20
# Rows of an export held before they are written (a Parquet row group).
_EXPORT_ROWS = 5_000

corpus_app = typer.Typer(
    help="The corpus store: analysed documents kept in SQLite or PostgreSQL, searchable.",
    no_args_is_help=True,
)


class ExportFormat(StrEnum):
    """Formats of ``corpus export``."""

    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


T = TypeVar("T")


# -- add ----------------------------------------------------------------------------------


class _RateColumn(ProgressColumn):
    """Documents per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.1f} docs/s")


@corpus_app.command("add")
def add_command(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files (.txt, .html, .json, .jsonl, .warc, .warc.gz), directories, or '-' "
            "for standard input."
        ),
    ],
    db: DbOption = None,
    workers: Annotated[
        int, typer.Option(help="Processes analysing documents in parallel.", min=1)
    ] = 1,
    disable: DisableOption = None,
    max_chars: MaxCharsOption = DEFAULT_MAX_CHARS,
    max_seconds: MaxSecondsOption = DEFAULT_MAX_SECONDS,
    country: Annotated[
        str | None,
        typer.Option(help="The state the documents are about when their text does not say."),
    ] = None,
    batch_size: Annotated[
        int, typer.Option(help="Documents written per transaction.", min=1)
    ] = 100,
    output_format: Annotated[
        ListingFormat,
        typer.Option("--format", "-f", help="table: a summary line; json: the counts as JSON."),
    ] = ListingFormat.table,
    no_index: Annotated[
        bool,
        typer.Option(
            "--no-index",
            help="Leave the documents out of the near-duplicate index, for a faster bulk "
            "load; 'corpus reindex' adds them later.",
        ),
    ] = False,
) -> None:
    """Analyse documents and add them to the store (already stored texts are not re-analysed)."""
    from claimscope.adapters.inputs import read_documents
    from claimscope.adapters.store import Versions
    from claimscope.adapters.store.ingest import Analyse, IngestSummary, ingest
    from claimscope.artefacts import models_version
    from claimscope.ingestion import country_code
    from claimscope.pipeline import STAGE_NAMES, build_pipeline, check_stage_names
    from claimscope.pipeline import pipeline_version as version_of

    disabled = disable or []
    try:
        check_stage_names(disabled)
    except ValueError as error:
        raise fail(str(error)) from None
    given_country = None
    if country is not None:
        given_country = country_code(country)
        if given_country is None:
            raise fail(f"--country {country!r} is not an ISO 3166-1 alpha-2 country code")
    store = _open_store(db)
    errors = error_console()
    rejected_shown = 0

    def documents() -> Iterator[Document | IngestionError]:
        nonlocal rejected_shown
        for item in read_documents(paths, Settings(max_chars=max_chars)):
            if isinstance(item, IngestionError):
                if rejected_shown < _MAX_REJECTED_LINES:
                    say(errors, f"claimscope: skipped {item}")
                rejected_shown += 1
            elif given_country is not None and item.hints.country is None:
                item = replace(item, hints=replace(item.hints, country=given_country))
            yield item

    versions = Versions(
        pipeline=version_of([name for name in STAGE_NAMES if name not in disabled]),
        models=models_version(),
    )
    analyse: Analyse
    if workers > 1:
        from claimscope.parallel import pipe_in_parallel

        def analyse(stream: Iterable[Document]) -> Iterator[Dossier]:
            return pipe_in_parallel(stream, workers, disabled=disabled, max_seconds=max_seconds)
    else:
        try:
            pipeline = build_pipeline(disabled, max_seconds)
        except ValueError as error:
            raise fail(str(error)) from None
        analyse = pipeline.pipe

    # The totals of the last committed batch: what an interrupted run has stored.
    summary = IngestSummary()
    previous = signal.signal(signal.SIGTERM, exit_on_sigterm)
    try:
        with _IngestProgress(errors) as show:

            def committed(totals: IngestSummary) -> None:
                nonlocal summary
                summary = totals
                show(totals)

            summary = ingest(
                store,
                documents(),
                analyse,
                versions,
                batch_size=batch_size,
                on_batch=committed,
                index=not no_index,
            )
    except KeyboardInterrupt:
        say(
            errors,
            f"claimscope: interrupted after {summary.added:,} added; "
            "run the same command again to add the rest",
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except _store_errors() as error:
        raise fail(f"{store.location.shown}: {_first_line(error)}") from None
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
        store.close()
    if rejected_shown > _MAX_REJECTED_LINES:
        say(
            errors,
            f"… and {rejected_shown - _MAX_REJECTED_LINES:,} more rejected "
            "(claimscope corpus errors lists them all)",
        )
    line = (
        f"claimscope: {summary.added:,} added, {summary.already_present:,} already present, "
        f"{summary.rejected:,} rejected ({store.location.shown})"
    )
    if output_format is ListingFormat.json:
        _print_json(
            {
                "store": store.location.shown,
                "added": summary.added,
                "already_present": summary.already_present,
                "rejected": summary.rejected,
                "sightings_added": summary.sightings_added,
            }
        )
    say(errors, line)
    if summary.rejected:
        raise typer.Exit(EXIT_BAD_INPUT)


class _IngestProgress:
    """A Rich progress bar on a terminal (documents, rate, errors so far); nothing elsewhere."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress: Progress | None = None
        self.task: Any = None

    def __enter__(self) -> Callable[[Any], None]:
        if self.console.is_terminal:
            self.progress = Progress(
                SpinnerColumn(),
                TextColumn("adding"),
                BarColumn(),
                MofNCompleteColumn(),
                _RateColumn(),
                TextColumn("{task.fields[errors]:,} errors"),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self.progress.start()
            # The input streams, so its size is unknown until the end.
            self.task = self.progress.add_task("add", total=None, errors=0)
        return self.update

    def update(self, totals: Any) -> None:
        if self.progress is not None:
            self.progress.update(self.task, completed=totals.inputs, errors=totals.rejected)

    def __exit__(self, *exc_info: object) -> None:
        if self.progress is not None:
            self.progress.stop()


# -- import -------------------------------------------------------------------------------


@corpus_app.command("import")
def import_command(
    directory: Annotated[
        str,
        typer.Argument(
            help="The --out directory of 'claimscope spark analyze' (documents/ and "
            "rejected/): a local path or a URI (s3://, hdfs://)."
        ),
    ],
    db: DbOption = None,
    batch_size: Annotated[
        int, typer.Option(help="Documents written per transaction.", min=1)
    ] = 100,
    output_format: Annotated[
        ListingFormat,
        typer.Option("--format", "-f", help="table: a summary line; json: the counts as JSON."),
    ] = ListingFormat.table,
) -> None:
    """Store a Spark job's dossiers and rejected inputs as they are (nothing is re-analysed).

    Importing the same output again adds nothing; the same text from another source adds a
    sighting. An interrupted import is finished by running it again.
    """
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise fail(
            "corpus import reads Parquet: pip install 'claimscope[parquet]' (or [spark])"
        ) from None
    from claimscope.adapters.store.imports import ImportSummary, NotAnAnalysis, import_analysis

    store = _open_store(db)
    errors = error_console()
    summary = ImportSummary()
    previous = signal.signal(signal.SIGTERM, exit_on_sigterm)
    try:
        with _IngestProgress(errors) as show:

            def committed(totals: ImportSummary) -> None:
                nonlocal summary
                summary = totals
                show(totals)

            summary = import_analysis(store, directory, batch_size=batch_size, on_batch=committed)
    except KeyboardInterrupt:
        say(
            errors,
            f"claimscope: interrupted after {summary.added:,} added; "
            "run the same command again to import the rest",
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except NotAnAnalysis as error:
        raise fail(str(error)) from None
    except OSError as error:
        raise fail(f"{directory}: cannot read: {error}") from None
    except _store_errors() as error:
        raise fail(f"{store.location.shown}: {_first_line(error)}") from None
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
        store.close()
    if output_format is ListingFormat.json:
        _print_json(
            {
                "store": store.location.shown,
                "added": summary.added,
                "already_present": summary.already_present,
                "sightings_added": summary.sightings_added,
                "rejected": summary.rejected,
                "unreadable": summary.unreadable,
                "errors_added": summary.errors_added,
            }
        )
    unreadable = f", {summary.unreadable:,} unreadable row(s)" if summary.unreadable else ""
    say(
        errors,
        f"claimscope: {summary.added:,} added, {summary.already_present:,} already present, "
        f"{summary.rejected:,} rejected input(s) of the job{unreadable} ({store.location.shown})",
    )
    if summary.unreadable:
        raise typer.Exit(EXIT_BAD_INPUT)


# -- search -------------------------------------------------------------------------------


@corpus_app.command("search")
def search_command(
    query: Annotated[
        str | None,
        typer.Argument(
            help='Words, "quoted phrases", or, -excluded (web-search syntax). Omit it to list '
            "the documents the filters keep, newest first."
        ),
    ] = None,
    db: DbOption = None,
    outlet: Annotated[str | None, typer.Option(help="Seen at this outlet (any sighting).")] = None,
    since: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Published on or after.")
    ] = None,
    until: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Published on or before.")
    ] = None,
    signatory: Annotated[
        str | None, typer.Option(help="A signatory's name or organisation contains this.")
    ] = None,
    technique: Annotated[
        str | None, typer.Option(help="Uses this persuasion technique, e.g. Loaded_Language.")
    ] = None,
    cites: Annotated[
        str | None,
        typer.Option(help="Cites a document of this kind (court_order, treaty…) or issuer."),
    ] = None,
    country: Annotated[
        str | None, typer.Option(help="About or naming this country (ISO 3166-1 alpha-2).")
    ] = None,
    limit: Annotated[int, typer.Option(help="Most hits shown.", min=1, max=10_000)] = 20,
    output_format: FormatOption = ListingFormat.table,
) -> None:
    """Full-text search of the stored documents, best match first, with filters."""
    from claimscope.adapters.store import Filters

    filters = Filters(
        outlet=outlet,
        since=since.date() if since else None,
        until=until.date() if until else None,
        signatory=signatory,
        technique=technique,
        cites=cites,
        country=country,
    )
    store = _open_store(db)
    try:
        hits = store.search(query, filters, limit)
    except _store_errors() as error:
        raise fail(f"{store.location.shown}: {_first_line(error)}") from None
    finally:
        store.close()
    with quiet_when_reader_leaves():
        if output_format is ListingFormat.json:
            _print_json(
                [
                    {
                        "id": hit.id,
                        "score": hit.score,
                        "title": hit.title,
                        "outlet": hit.outlet,
                        "published": hit.published,
                        "snippet": hit.snippet,
                        "highlights": [list(pair) for pair in hit.highlights],
                    }
                    for hit in hits
                ]
            )
            return
        table = Table(title=f"{len(hits)} document(s)", show_lines=True)
        for name in ("id", "published", "outlet", "document"):
            table.add_column(name, overflow="fold")
        for hit in hits:
            cell = Text()
            if hit.title:
                cell.append(_safe(hit.title) + "\n", style="bold")
            cell.append_text(_highlighted(hit.snippet, hit.highlights))
            table.add_row(hit.id[7:19], _safe(hit.published), _safe(hit.outlet), cell)
        Console(highlight=False).print(table)


def _highlighted(snippet: str, highlights: Sequence[tuple[int, int]]) -> Text:
    """The snippet as Rich text with its matches in bold; control characters escaped."""
    text = Text()
    position = 0
    for start, end in highlights:
        text.append(_safe(snippet[position:start]))
        text.append(_safe(snippet[start:end]), style="bold yellow")
        position = end
    text.append(_safe(snippet[position:]))
    return text


# -- show ---------------------------------------------------------------------------------


@corpus_app.command("show")
def show_command(
    document_id: Annotated[
        str, typer.Argument(metavar="ID", help="A document id, or its first 4+ hex digits.")
    ],
    db: DbOption = None,
    output_format: Annotated[
        OutputFormat | None,
        typer.Option("--format", "-f", help="As analyze: text on a terminal, else json."),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")] = None,
) -> None:
    """Print a stored dossier in any of analyze's formats (html: the self-contained report,
    with a "Where else" panel: the same text elsewhere, its claims in other documents, its
    signatories' other statements)."""
    from claimscope.adapters.store import StoreError

    chosen = output_format
    if chosen is None:
        chosen = OutputFormat.text if out is None and sys.stdout.isatty() else OutputFormat.json
    store = _open_store(db)
    try:
        stored = store.get(store.resolve_id(document_id))
        assert stored is not None
        panel = _where_else(store, stored.document.id) if chosen is OutputFormat.html else None
    except StoreError as error:
        raise fail(str(error)) from None
    except _store_errors() as error:
        raise fail(f"{store.location.shown}: {_first_line(error)}") from None
    finally:
        store.close()
    if panel is not None:
        from claimscope.adapters.report.html import render_html

        content = render_html([stored.dossier], [panel])
    else:
        content = render([stored.dossier], chosen)
    _write_output(out, content)


def _where_else(store: Store, document_id: str) -> WhereElse:
    """What the store holds about a document elsewhere: its cluster, claims, signatories."""
    from claimscope.adapters.report.where_else import (
        Appearance,
        ClaimElsewhere,
        SignedElsewhere,
        WhereElse,
    )
    from claimscope.adapters.store.across import (
        actors_of,
        document_facts,
        stored_recurring_claims,
        timeline,
    )

    cluster = store.cluster_of(document_id)
    appearances = (
        [
            Appearance(
                document_id=sighting.document_id,
                source=sighting.source,
                outlet=sighting.outlet,
                published=sighting.published,
                similarity=sighting.similarity,
                shared=None if sighting.shared is None else _span_words(sighting.shared),
                earliest=sighting.earliest,
                this_document=sighting.document_id == document_id,
            )
            for sighting in cluster.sightings
        ]
        if cluster is not None
        else []
    )
    claims = [
        ClaimElsewhere(
            text=next(
                (s.text for s in item.claim.sightings if s.document == document_id),
                item.claim.text,
            ),
            documents=len(item.documents),
            outlets=item.outlets,
            first_seen=item.first_seen,
            last_seen=item.last_seen,
            speakers=item.claim.speakers,
        )
        for item in stored_recurring_claims(store, document_id)
    ]
    actors = actors_of(store, document_id)
    facts = document_facts(
        store, [d for actor in actors for d in actor.documents if d != document_id]
    )
    signatories = [
        SignedElsewhere(
            name=actor.name,
            kind=actor.kind,
            documents=[
                (other, facts[other].title, facts[other].published)
                for other in actor.documents
                if other != document_id and other in facts
            ],
        )
        for actor in actors
    ]
    return WhereElse(
        appearances=appearances,
        timeline=timeline(cluster) if cluster is not None else [],
        claims=claims,
        signatories=signatories,
    )


# -- export -------------------------------------------------------------------------------

EXPORT_FIELDS = (
    "id",
    "title",
    "headline",
    "language",
    "outlet",
    "outlets",
    "sightings",
    "sources",
    "urls",
    "published",
    "published_on",
    "country",
    "countries",
    "signatories",
    "techniques",
    "citations",
    "pipeline_version",
    "models_version",
)
_LIST_FIELDS = ("outlets", "sources", "urls", "countries", "signatories", "techniques", "citations")


@corpus_app.command("export")
def export_command(
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="The file to write (standard output: jsonl, csv)."),
    ] = None,
    export_format: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="jsonl, csv or parquet.")
    ] = ExportFormat.jsonl,
    db: DbOption = None,
) -> None:
    """Write one row per stored document: its searchable fields (jsonl adds the dossier)."""
    if export_format is ExportFormat.parquet:
        if out is None:
            raise fail("--format parquet needs --out FILE")
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise fail(
                "--format parquet needs the optional extra: pip install 'claimscope[parquet]'"
            ) from None
    store = _open_store(db)
    try:
        output = Output(out, binary=export_format is ExportFormat.parquet)
    except OSError as error:
        store.close()
        raise fail(f"{out}: cannot write: {error.strerror}") from None
    count = 0
    with quiet_when_reader_leaves():
        try:
            rows = _export_rows(store, with_dossier=export_format is ExportFormat.jsonl)
            if export_format is ExportFormat.parquet:
                count = _write_parquet(output.stream, rows)
            elif export_format is ExportFormat.csv:
                count = _write_csv(output, rows)
            else:
                for row in rows:
                    output.write(json.dumps(row, ensure_ascii=False, default=_json_default) + "\n")
                    count += 1
            output.commit()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise fail(f"{output.name}: cannot write: {error.strerror}") from None
        except _store_errors() as error:
            raise fail(f"{store.location.shown}: {_first_line(error)}") from None
        finally:
            output.discard()
            store.close()
    if out is not None:
        say(error_console(), f"wrote {count:,} document(s) as {export_format.value} to {out}")


def _export_rows(store: Store, *, with_dossier: bool) -> Iterator[dict[str, Any]]:
    from claimscope.adapters.store.facets import searchable_fields

    for page in store.pages():
        sightings = store.sightings_of([stored.document.id for stored in page])
        for stored in page:
            dossier = stored.dossier.to_json_dict()
            fields = searchable_fields(dossier, stored.document.hints)
            seen = sightings[stored.document.id]
            row: dict[str, Any] = {
                "id": stored.document.id,
                "title": fields.title,
                "headline": fields.headline,
                "language": fields.language,
                "outlet": next((s.outlet for s in seen if s.outlet), None),
                "outlets": sorted({s.outlet for s in seen if s.outlet}),
                "sightings": len(seen),
                "sources": [s.source for s in seen],
                "urls": [s.url for s in seen if s.url],
                "published": fields.published,
                "published_on": fields.published_on.isoformat() if fields.published_on else None,
                "country": fields.country,
                "countries": fields.countries,
                "signatories": fields.signatories,
                "techniques": fields.techniques,
                "citations": fields.citations,
                "pipeline_version": stored.pipeline_version,
                "models_version": stored.models_version,
            }
            if with_dossier:
                row["dossier"] = dossier
            yield row


def _write_csv(output: Output, rows: Iterable[dict[str, Any]]) -> int:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow(
            {key: "; ".join(value) if key in _LIST_FIELDS else value for key, value in row.items()}
        )
        count += 1
        if buffer.tell() > 1 << 20:
            output.write(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
    output.write(buffer.getvalue())
    return count


def _write_parquet(stream: Any, rows: Iterable[dict[str, Any]]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    fields = [
        pa.field(name, pa.list_(pa.string()))
        if name in _LIST_FIELDS
        else pa.field(name, pa.int64() if name == "sightings" else pa.string())
        for name in EXPORT_FIELDS
    ]
    schema = pa.schema(fields)
    count = 0
    with pq.ParquetWriter(stream, schema) as writer:
        for chunk in _chunks(iter(rows), _EXPORT_ROWS):
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
            count += len(chunk)
        if count == 0:
            writer.write_table(pa.Table.from_pylist([], schema=schema))
    return count


def _chunks(items: Iterator[T], size: int) -> Iterator[list[T]]:
    while chunk := list(islice(items, size)):
        yield chunk


# -- stats and errors ---------------------------------------------------------------------


@corpus_app.command("stats")
def stats_command(db: DbOption = None, output_format: FormatOption = ListingFormat.table) -> None:
    """Documents, outlets, languages, date range, rejected inputs and pipeline versions."""
    store = _open_store(db)
    try:
        stats = store.stats()
    except _store_errors() as error:
        raise fail(f"{store.location.shown}: {_first_line(error)}") from None
    finally:
        store.close()
    with quiet_when_reader_leaves():
        if output_format is ListingFormat.json:
            _print_json(stats)
            return
        console = Console(highlight=False)
        summary = Table(title="corpus store", show_header=False)
        summary.add_column("field", style="bold")
        summary.add_column("value")
        dates = stats["date_range"]
        for name, value in (
            ("store", stats["store"]),
            ("documents", f"{stats['documents']:,}"),
            ("sightings", f"{stats['sightings']:,}"),
            ("outlets", f"{stats['outlets']:,}"),
            ("dates", f"{dates['first'] or '–'} to {dates['last'] or '–'}"),
            ("undated documents", f"{dates['undated_documents']:,}"),
            ("rejected inputs", f"{stats['rejected_inputs']:,}"),
            ("schema revision", stats["schema_revision"]),
        ):
            summary.add_row(name, _safe(value))
        console.print(summary)
        for title, key, columns in (
            ("languages", "languages", ("language", "documents")),
            ("outlets (top 20)", "documents_by_outlet", ("outlet", "documents")),
            ("versions", "versions", ("pipeline_version", "models_version", "documents")),
        ):
            table = Table(title=title)
            for column in columns:
                table.add_column(column, overflow="fold")
            for row in stats[key][:20]:
                table.add_row(*(_safe(row[column]) for column in columns))
            console.print(table)


@corpus_app.command("errors")
def errors_command(db: DbOption = None, output_format: FormatOption = ListingFormat.table) -> None:
    """The rejected inputs: source and reason, oldest first."""
    store = _open_store(db)
    with quiet_when_reader_leaves():
        try:
            if output_format is ListingFormat.json:
                # One JSON array, streamed: the list can be long.
                sys.stdout.write("[")
                for index, (source, reason, added_at) in enumerate(store.errors()):
                    item = {"source": source, "reason": reason, "added_at": added_at}
                    sys.stdout.write(("," if index else "") + "\n  ")
                    sys.stdout.write(json.dumps(item, ensure_ascii=False, default=_json_default))
                sys.stdout.write("\n]\n")
                return
            table = Table(title="rejected inputs")
            for name in ("source", "reason", "added"):
                table.add_column(name, overflow="fold")
            for source, reason, added_at in store.errors():
                table.add_row(_safe(source), _safe(reason), _safe(added_at.isoformat()))
            Console(highlight=False).print(table)
        except _store_errors() as error:
            raise fail(f"{store.location.shown}: {_first_line(error)}") from None
        finally:
            store.close()


# -- reanalyze ----------------------------------------------------------------------------


@corpus_app.command("reanalyze")
def reanalyze_command(
    db: DbOption = None,
    stage: Annotated[
        str | None,
        typer.Option(
            help="Re-run this stage and the stages after it (they read its layer); earlier "
            "layers are kept. Default: the whole pipeline."
        ),
    ] = None,
    every: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Re-analyse every document, not only those another pipeline or other models "
            "produced.",
        ),
    ] = False,
    disable: DisableOption = None,
    max_seconds: MaxSecondsOption = DEFAULT_MAX_SECONDS,
    batch_size: Annotated[int, typer.Option(help="Dossiers written per transaction.", min=1)] = 100,
) -> None:
    """Re-run the pipeline (or one stage on) over stored documents, in place, after a model update.

    Each dossier records the pipeline and model versions that produced it; by default only
    dossiers that another pipeline or other models produced are re-analysed, so an
    interrupted run resumes where it stopped.
    """
    from claimscope.adapters.store import Versions
    from claimscope.artefacts import models_version
    from claimscope.pipeline import build_pipeline

    try:
        pipeline = build_pipeline(disable or [], max_seconds)
        if stage is not None and stage not in pipeline.stage_names:
            raise ValueError(
                f"--stage {stage}: not a stage of this pipeline ({', '.join(pipeline.stage_names)})"
            )
    except ValueError as error:
        raise fail(str(error)) from None
    versions = Versions(pipeline=pipeline.version, models=models_version())
    store = _open_store(db)
    errors = error_console()
    changed = 0
    previous = signal.signal(signal.SIGTERM, exit_on_sigterm)
    try:
        total = store.count() if every else store.count_stale(versions)
        stored = store.documents(stale_for=None if every else versions)
        if stage is None:
            dossiers = pipeline.pipe(item.document for item in stored)
        else:
            dossiers = pipeline.rerun(((item.document, item.dossier) for item in stored), stage)
        with _CountingProgress(errors, total, "re-analysing") as advance:
            for chunk in _chunks(dossiers, batch_size):
                changed += store.replace_dossiers(chunk, versions)
                advance(len(chunk))
    except KeyboardInterrupt:
        say(errors, f"claimscope: interrupted after {changed:,} re-analysed; run it again to go on")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except _store_errors() as error:
        raise fail(f"{store.location.shown}: {_first_line(error)}") from None
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
        store.close()
    what = "the pipeline" if stage is None else f"{stage} and the stages after it"
    say(
        errors,
        f"claimscope: {changed:,} dossier(s) re-analysed with {what} "
        f"({versions.pipeline}; models {versions.models[:19]}…)",
    )


class _CountingProgress:
    """A Rich progress bar with a known total on a terminal; nothing elsewhere."""

    def __init__(self, console: Console, total: int, label: str) -> None:
        self.console, self.total, self.label = console, total, label
        self.progress: Progress | None = None
        self.task: Any = None

    def __enter__(self) -> Callable[[int], None]:
        if self.console.is_terminal:
            self.progress = Progress(
                TextColumn(self.label),
                BarColumn(),
                MofNCompleteColumn(),
                _RateColumn(),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task(self.label, total=self.total)
        return self.advance

    def advance(self, count: int) -> None:
        if self.progress is not None:
            self.progress.advance(self.task, count)

    def __exit__(self, *exc_info: object) -> None:
        if self.progress is not None:
            self.progress.stop()


# -- across documents ---------------------------------------------------------------------


class NetworkKind(StrEnum):
    """The networks of ``corpus network``."""

    cosignature = "cosignature"
    outlets = "outlets"


class NetworkFormat(StrEnum):
    """Formats of ``corpus network``."""

    graphml = "graphml"
    gexf = "gexf"
    csv = "csv"
    html = "html"


_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])")
_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: str) -> timedelta:
    """A duration such as ``30m``, ``1h``, ``2d``, ``90s`` or ``1h30m``."""
    text = value.strip().lower()
    position = 0
    seconds = 0.0
    for match in _DURATION.finditer(text):
        if text[position : match.start()].strip():
            break
        seconds += float(match.group(1)) * _DURATION_UNITS[match.group(2)]
        position = match.end()
    if position == 0 or text[position:].strip() or seconds <= 0:
        raise ValueError(f"{value!r} is not a duration such as 30m, 1h, 2d or 1h30m")
    return timedelta(seconds=seconds)


def format_duration(duration: timedelta) -> str:
    """A duration in words: ``45 minutes``, ``2 hours 30 minutes``, ``3 days``."""
    minutes = max(1, round(duration.total_seconds() / 60))
    days, minutes = divmod(minutes, 1440)
    hours, minutes = divmod(minutes, 60)
    parts = [
        f"{count} {unit}{'s' if count != 1 else ''}"
        for count, unit in ((days, "day"), (hours, "hour"), (minutes, "minute"))
        if count
    ]
    return " ".join(parts)


def _threshold_option() -> Any:
    return typer.Option(
        "--threshold",
        min=0.01,
        max=1.0,
        help="Estimated Jaccard a pair needs (default: the index's, 0.5). The stored "
        "signatures are re-verified; pairs below about 0.4 are seldom candidates with 32 "
        "bands of 4 rows (reindex with more --bands to reach them).",
    )


ThresholdOption = Annotated[float | None, _threshold_option()]


def _warn_unindexed(store: Store, errors: Console) -> None:
    missing = store.unindexed()
    if missing:
        say(
            errors,
            f"claimscope: {missing:,} stored document(s) are not in the near-duplicate index "
            "(added with --no-index, or a reindex was interrupted): run claimscope corpus "
            "reindex",
        )


def _warn_weak_threshold(store: Store, threshold: float | None, errors: Console) -> None:
    settings = store.index_settings()
    chosen = settings.threshold if threshold is None else threshold
    chance = 1 - (1 - chosen**settings.rows) ** settings.bands
    if chance < 0.5:
        say(
            errors,
            f"claimscope: note: a pair of similarity {chosen:g} shares a band, and so becomes "
            f"a candidate, with probability {chance:.2f} under the index's {settings.bands} "
            f"bands of {settings.rows} rows; reindex with more bands (corpus reindex --bands) "
            "to find such pairs reliably",
        )


def _span(value: tuple[str, int, int] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    kind, start, end = value
    return {"kind": kind, "start": start, "end": end}


def _span_words(value: tuple[str, int, int] | None) -> str:
    if value is None:
        return "–"
    kind, start, end = value
    return f"{kind}, characters {start:,}–{end:,}"


@corpus_app.command("duplicates")
def duplicates_command(
    db: DbOption = None,
    threshold: ThresholdOption = None,
    limit: Annotated[
        int | None, typer.Option(help="Most clusters listed (default: all).", min=1)
    ] = None,
    output_format: FormatOption = ListingFormat.table,
) -> None:
    """Republication and near-duplicates: clusters of the same or near-identical texts.

    Each cluster lists every sighting (a text seen from several sources appears once per
    source) with its outlet, publication time and similarity to the cluster's earliest
    member, the earliest known appearance marked, and the part each shares with it (the
    whole text, an embedded statement, a paragraph, a list).
    """
    store = _open_store(db)
    errors = error_console()
    try:
        _warn_unindexed(store, errors)
        _warn_weak_threshold(store, threshold, errors)
        settings = store.index_settings()
        clusters = store.duplicates(threshold)
    except _store_errors() as error:
        raise fail(f"{store.location.shown}: {_first_line(error)}") from None
    finally:
        store.close()
    shown = clusters[:limit] if limit is not None else clusters
    with quiet_when_reader_leaves():
        if output_format is ListingFormat.json:
            _print_json(
                {
                    "threshold": settings.threshold if threshold is None else threshold,
                    "index": {
                        "shingle_words": settings.shingle_words,
                        "permutations": settings.permutations,
                        "bands": settings.bands,
                        "rows": settings.rows,
                    },
                    "clusters": [
                        {
                            "id": cluster.id,
                            "documents": [
                                {
                                    "id": sighting.document_id,
                                    "source": sighting.source,
                                    "outlet": sighting.outlet,
                                    "published": sighting.published,
                                    "similarity": sighting.similarity,
                                    "earliest": sighting.earliest,
                                    "shared": _span(sighting.shared),
                                    "earliest_shared": _span(sighting.earliest_shared),
                                }
                                for sighting in cluster.sightings
                            ],
                        }
                        for cluster in shown
                    ],
                }
            )
            return
        console = Console(highlight=False)
        if not shown:
            console.print("No two stored documents share their text.")
        for cluster in shown:
            table = Table(
                title=f"cluster {cluster.id}: {len(cluster.sightings)} sightings of "
                f"{len(cluster.documents)} text(s), {len(cluster.outlets)} outlet(s), "
                f"{_safe(cluster.first_published or '–')} to "
                f"{_safe(cluster.last_published or '–')}",
                title_justify="left",
            )
            for name in ("", "published", "outlet", "source", "document", "similarity", "shared"):
                table.add_column(name, overflow="fold")
            for sighting in cluster.sightings:
                table.add_row(
                    "earliest" if sighting.earliest else "",
                    _safe(sighting.published or "–"),
                    _safe(sighting.outlet or "–"),
                    _safe(sighting.source),
                    sighting.document_id[7:19],
                    f"{sighting.similarity:.2f}",
                    _span_words(sighting.shared),
                )
            console.print(table)
        if limit is not None and len(clusters) > limit:
            console.print(f"… {len(clusters) - limit:,} more cluster(s) (--limit)")


@corpus_app.command("reindex")
def reindex_command(
    db: DbOption = None,
    shingle_words: Annotated[
        int | None, typer.Option(help="Words per shingle (index default 5).", min=1)
    ] = None,
    permutations: Annotated[
        int | None, typer.Option(help="MinHash permutations (index default 128).", min=1)
    ] = None,
    bands: Annotated[
        int | None,
        typer.Option(help="LSH bands; must divide the permutations (index default 32).", min=1),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(help="The default threshold of queries (index default 0.5).", min=0.01),
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Rebuild the whole index, not only what it lacks.")
    ] = False,
) -> None:
    """Build the near-duplicate index for the documents it lacks, or rebuild it.

    Shingles, permutations and bands shape every stored signature: changing any of them
    empties the index and rebuilds it. A new threshold only changes the queries' default.
    """
    from claimscope.corpus.minhash import MinHashSettings

    store = _open_store(db)
    errors = error_console()
    done = 0
    try:
        current = store.index_settings()
        try:
            settings = MinHashSettings(
                shingle_words=shingle_words or current.shingle_words,
                permutations=permutations or current.permutations,
                bands=bands or current.bands,
                threshold=current.threshold if threshold is None else threshold,
            )
        except ValueError as error:
            raise fail(str(error)) from None
        total = store.count() if every or settings != current else store.unindexed()
        with _CountingProgress(errors, total, "indexing") as advance:
            for count in store.reindex(settings, every=every):
                done += count
                advance(count)
    except KeyboardInterrupt:
        say(errors, f"claimscope: interrupted after {done:,} indexed; run it again to go on")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except _store_errors() as error:
        raise fail(f"{store.location.shown}: {_first_line(error)}") from None
    finally:
        store.close()
    say(
        errors,
        f"claimscope: {done:,} document(s) indexed (shingles of {settings.shingle_words} "
        f"words, {settings.permutations} permutations, {settings.bands} bands of "
        f"{settings.rows} rows, threshold {settings.threshold:g})",
    )


@corpus_app.command("claims")
def claims_command(
    db: DbOption = None,
    limit: Annotated[int | None, typer.Option(help="Most claims listed.", min=1)] = None,
    output_format: FormatOption = ListingFormat.table,
) -> None:
    """Recurring claims: the same claim worded almost the same way in several documents."""
    from claimscope.adapters.store.across import stored_recurring_claims

    store = _open_store(db)
    try:
        found = stored_recurring_claims(store)
    except _store_errors() as error:
        raise fail(f"{store.location.shown}: {_first_line(error)}") from None
    finally:
        store.close()
    shown = found[:limit] if limit is not None else found
    with quiet_when_reader_leaves():
        if output_format is ListingFormat.json:
            _print_json(
                {
                    "claims": [
                        {
                            "text": item.claim.text,
                            "documents": len(item.documents),
                            "outlets": item.outlets,
                            "first_seen": item.first_seen,
                            "last_seen": item.last_seen,
                            "speakers": item.claim.speakers,
                            "sightings": [
                                {
                                    "document": sighting.document,
                                    "claim": sighting.index,
                                    "text": sighting.text,
                                    "speaker": sighting.speaker,
                                }
                                for sighting in item.claim.sightings
                            ],
                        }
                        for item in shown
                    ]
                }
            )
            return
        table = Table(title=f"{len(found)} recurring claim(s)", show_lines=True)
        for name in ("claim", "documents", "outlets", "first seen", "last seen", "speakers"):
            table.add_column(name, overflow="fold")
        for item in shown:
            table.add_row(
                _safe(item.claim.text),
                str(len(item.documents)),
                _safe(", ".join(item.outlets) or "–"),
                _safe(item.first_seen or "–"),
                _safe(item.last_seen or "–"),
                _safe(", ".join(item.claim.speakers) or "–"),
            )
        Console(highlight=False).print(table)


@corpus_app.command("actors")
def actors_command(
    db: DbOption = None,
    min_documents: Annotated[
        int, typer.Option(help="Only actors named in at least this many documents.", min=1)
    ] = 2,
    limit: Annotated[int | None, typer.Option(help="Most actors listed.", min=1)] = None,
    output_format: FormatOption = ListingFormat.table,
) -> None:
    """Recurring people and organisations among the signatories, with what they signed.

    Signatory lines are resolved into actors (the same name written differently, an
    acronym, initials) with a confidence per actor: the lowest of the merges that made it.
    """
    from claimscope.adapters.store.across import document_facts, stored_actors

    store = _open_store(db)
    try:
        actors = [actor for actor in stored_actors(store) if len(actor.documents) >= min_documents]
        shown = actors[:limit] if limit is not None else actors
        facts = document_facts(store, [d for actor in shown for d in actor.documents])
    except _store_errors() as error:
        raise fail(f"{store.location.shown}: {_first_line(error)}") from None
    finally:
        store.close()

    def printed(actor: Any, document: str) -> list[str]:
        names = []
        for mention in actor.mentions:
            if mention.document == document:
                value = mention.person if actor.kind == "person" else mention.organization
                names.append(value or mention.acronym or "")
        return list(dict.fromkeys(name for name in names if name))

    with quiet_when_reader_leaves():
        if output_format is ListingFormat.json:
            _print_json(
                {
                    "actors": [
                        {
                            "kind": actor.kind,
                            "name": actor.name,
                            "confidence": actor.confidence,
                            "countries": sorted(actor.countries),
                            "first_date": actor.first_date,
                            "last_date": actor.last_date,
                            "documents": [
                                {
                                    "id": document,
                                    "title": facts[document].title if document in facts else None,
                                    "published": facts[document].published
                                    if document in facts
                                    else None,
                                    "as": printed(actor, document),
                                }
                                for document in actor.documents
                            ],
                        }
                        for actor in shown
                    ]
                }
            )
            return
        table = Table(title=f"{len(actors)} recurring actor(s)", show_lines=True)
        for name in ("actor", "kind", "countries", "first", "last", "confidence", "signed"):
            table.add_column(name, overflow="fold")
        for actor in shown:
            signed = "\n".join(
                f"{document[7:19]} {_safe(facts[document].title) if document in facts else ''}"
                for document in actor.documents
            )
            table.add_row(
                _safe(actor.name),
                actor.kind,
                ", ".join(sorted(actor.countries)) or "–",
                _safe(actor.first_date or "–"),
                _safe(actor.last_date or "–"),
                f"{actor.confidence:.2f}",
                signed,
            )
        Console(highlight=False).print(table)


@corpus_app.command("network")
def network_command(
    kind: Annotated[
        NetworkKind,
        typer.Option(
            "--kind",
            help="cosignature: actors linked by the statements they signed together; "
            "outlets: outlets linked to the clusters of near-identical texts they carried.",
        ),
    ],
    network_format: Annotated[
        NetworkFormat,
        typer.Option(
            "--format",
            "-f",
            help="graphml, gexf (Gephi), csv (an edge list) or html (a self-contained view).",
        ),
    ] = NetworkFormat.graphml,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="The file to write (default: stdout).")
    ] = None,
    db: DbOption = None,
    threshold: ThresholdOption = None,
    min_documents: Annotated[
        int,
        typer.Option(help="cosignature: only actors named in at least this many documents.", min=1),
    ] = 1,
) -> None:
    """Export a network of the corpus: co-signatures or outlets and the texts they carried."""
    from claimscope.adapters.store.across import stored_actors, timeline
    from claimscope.corpus.networks import NetworkFormat as ExchangeFormat
    from claimscope.corpus.networks import cosignature_graph, export, outlet_graph

    store = _open_store(db)
    timelines: list[tuple[str, list[tuple[datetime, str]]]] = []
    try:
        if kind is NetworkKind.cosignature:
            actors = [a for a in stored_actors(store) if len(a.documents) >= min_documents]
            graph = cosignature_graph(actors)
            title = "Co-signature network"
            note = (
                "Actors (people and organisations among the signatories) linked by the "
                "statements they signed together; a thicker line, more statements."
            )
        else:
            clusters = store.duplicates(threshold)
            graph = outlet_graph(
                (cluster.id, [sighting.outlet for sighting in cluster.sightings])
                for cluster in clusters
            )
            title = "Outlets and the texts they carried"
            note = (
                "Outlets linked to the clusters of near-identical texts they carried; a "
                "thicker line, more sightings."
            )
            for cluster in clusters[:_TIMELINES]:
                points = timeline(cluster)
                if points:
                    timelines.append((f"Sightings of cluster {cluster.id}", points))
    except _store_errors() as error:
        raise fail(f"{store.location.shown}: {_first_line(error)}") from None
    finally:
        store.close()
    if network_format is NetworkFormat.html:
        from claimscope.adapters.report.network import render_network_html

        content = render_network_html(graph, title, note, timelines)
    else:
        exchange: dict[NetworkFormat, ExchangeFormat] = {
            NetworkFormat.graphml: "graphml",
            NetworkFormat.gexf: "gexf",
            NetworkFormat.csv: "csv",
        }
        content = export(graph, exchange[network_format]).decode("utf-8")
    _write_output(out, content)
    if out is not None:
        say(
            error_console(),
            f"wrote {graph.number_of_nodes():,} nodes and {graph.number_of_edges():,} links "
            f"as {network_format.value} to {out}",
        )


_TIMELINES = 10
"""Clusters (the most seen first) whose sightings the outlets page draws on a timeline."""


@corpus_app.command("coordination")
def coordination_command(
    db: DbOption = None,
    window: Annotated[
        str | None,
        typer.Option(
            help="The window, e.g. 30m, 1h, 2d (default: estimated from the corpus as "
            "CooRnet does: among the fastest-spreading 10 % of clusters, the median time "
            "to reach half of their sightings)."
        ),
    ] = None,
    threshold: ThresholdOption = None,
    output_format: FormatOption = ListingFormat.table,
) -> None:
    """Near-identical texts published by several outlets within a short window.

    A group says when and where a text appeared ("published within 12 minutes by 3
    outlets"), never why. Sightings without a publication time are listed apart, never
    taken as simultaneous.
    """
    from claimscope.adapters.store.across import text_spans, timed_sightings
    from claimscope.corpus.coordination import coordinated_groups, estimate_window, untimed

    given: timedelta | None = None
    if window is not None:
        try:
            given = parse_duration(window)
        except ValueError as error:
            raise fail(f"--window: {error}") from None
    store = _open_store(db)
    try:
        _warn_unindexed(store, error_console())
        clusters = store.duplicates(threshold)
        sightings = [timed_sightings(cluster) for cluster in clusters]
        chosen = given if given is not None else estimate_window(sightings)
        groups = coordinated_groups(sightings, chosen) if chosen is not None else []
        excerpts = text_spans(
            store,
            {
                earliest.document_id: (earliest.shared[1], earliest.shared[2])
                for group in groups
                for earliest in clusters[group.cluster].sightings[:1]
                if earliest.shared is not None
            },
        )
    except _store_errors() as error:
        raise fail(f"{store.location.shown}: {_first_line(error)}") from None
    finally:
        store.close()
    missing = untimed(sightings)

    def shared_of(group: Any) -> dict[str, Any] | None:
        earliest = clusters[group.cluster].sightings[0]
        if earliest.shared is None:
            return None
        kind, start, end = earliest.shared
        return {
            "document": earliest.document_id,
            "kind": kind,
            "start": start,
            "end": end,
            "text": excerpts.get(earliest.document_id, ""),
        }

    window_json = (
        None
        if chosen is None
        else {
            "seconds": chosen.total_seconds(),
            "text": format_duration(chosen),
            "estimated": given is None,
        }
    )
    with quiet_when_reader_leaves():
        if output_format is ListingFormat.json:
            _print_json(
                {
                    "window": window_json,
                    "groups": [
                        {
                            "cluster": clusters[group.cluster].id,
                            "description": group.describe(),
                            "outlets": group.outlets,
                            "first": min(s.published for s in group.sightings if s.published),
                            "last": max(s.published for s in group.sightings if s.published),
                            "sightings": [
                                {
                                    "document": s.document,
                                    "source": s.source,
                                    "outlet": s.outlet,
                                    "published": s.published,
                                }
                                for s in group.sightings
                            ],
                            "shared": shared_of(group),
                        }
                        for group in groups
                    ],
                    "untimed": [
                        {
                            "cluster": clusters[number].id,
                            "document": s.document,
                            "source": s.source,
                            "outlet": s.outlet,
                        }
                        for number, s in missing
                    ],
                }
            )
            return
        console = Console(highlight=False)
        if chosen is None:
            console.print(
                "No window could be estimated: no cluster has two sightings with a "
                "publication time. Give one with --window."
            )
        else:
            how = "given" if given is not None else "estimated from the corpus"
            console.print(f"Window: {format_duration(chosen)} ({how}).")
        if chosen is not None and not groups:
            console.print("No near-identical text was published by two outlets within it.")
        for group in groups:
            cluster = clusters[group.cluster]
            shared = shared_of(group)
            table = Table(title=f"cluster {cluster.id}: {group.describe()}", title_justify="left")
            for name in ("published", "outlet", "source", "document"):
                table.add_column(name, overflow="fold")
            for sighting in group.sightings:
                table.add_row(
                    _safe(sighting.published.isoformat() if sighting.published else "–"),
                    _safe(sighting.outlet or "–"),
                    _safe(sighting.source),
                    sighting.document[7:19],
                )
            console.print(table)
            if shared is not None:
                excerpt = " ".join(shared["text"].split())
                console.print(
                    f"  shared {shared['kind']} (characters {shared['start']:,}–"
                    f"{shared['end']:,}): {_safe(excerpt[:300])}"
                    + ("…" if len(excerpt) > 300 else "")
                )
        if missing:
            table = Table(
                title=f"{len(missing)} sighting(s) without a publication time (not placed in "
                "any window)",
                title_justify="left",
            )
            for name in ("cluster", "outlet", "source", "document"):
                table.add_column(name, overflow="fold")
            for number, sighting in missing:
                table.add_row(
                    clusters[number].id,
                    _safe(sighting.outlet or "–"),
                    _safe(sighting.source),
                    sighting.document[7:19],
                )
            console.print(table)
