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
import signal
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime
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
    Output,
    OutputFormat,
    error_console,
    exit_on_sigterm,
    fail,
    quiet_when_reader_leaves,
    render,
    say,
)
from claimscope.adapters.report.terminal import terminal_safe
from claimscope.analysis import DEFAULT_MAX_SECONDS
from claimscope.document import Document
from claimscope.ingestion import DEFAULT_MAX_CHARS, IngestionError, Settings

# The store (SQLAlchemy) and the pipeline are imported when a command runs: they take a
# second or so to load, and `claimscope --help` should not wait for them.
if TYPE_CHECKING:
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

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="The store: a SQLite file path or a database URL (sqlite:///FILE, "
        "postgresql+psycopg://USER@HOST/DB). Default: $CLAIMSCOPE_DB, else ./claimscope.db.",
    ),
]


class ListingFormat(StrEnum):
    """How a listing command prints: a Rich table, or one JSON document for scripts."""

    table = "table"
    json = "json"


class ExportFormat(StrEnum):
    """Formats of ``corpus export``."""

    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


FormatOption = Annotated[
    ListingFormat,
    typer.Option("--format", "-f", help="table (Rich, for people) or json (one JSON document)."),
]

T = TypeVar("T")


def _open_store(db: str | None) -> Store:
    from claimscope.adapters.store import Store, StoreError

    try:
        return Store.open(db)
    except StoreError as error:
        raise fail(str(error)) from None


def _store_errors() -> tuple[type[Exception], ...]:
    from sqlalchemy.exc import SQLAlchemyError

    from claimscope.adapters.store import StoreError

    return (StoreError, SQLAlchemyError)


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=_json_default) + "\n")


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _safe(value: object) -> str:
    return "" if value is None else terminal_safe(str(value), one_line=True)


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
    disable: Annotated[
        list[str] | None, typer.Option(help="Stage to skip (repeatable), e.g. --disable entities.")
    ] = None,
    max_chars: Annotated[
        int, typer.Option(help="Largest document accepted, in characters of text.", min=1)
    ] = DEFAULT_MAX_CHARS,
    max_seconds: Annotated[
        float, typer.Option(help="Time budget of one document's analysis.", min=0.001)
    ] = DEFAULT_MAX_SECONDS,
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
                store, documents(), analyse, versions, batch_size=batch_size, on_batch=committed
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


def _first_line(error: BaseException) -> str:
    from claimscope.adapters.store.store import error_reason

    return error_reason(error)


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
    """Print a stored dossier in any of analyze's formats (html: the self-contained report)."""
    from claimscope.adapters.store import StoreError

    store = _open_store(db)
    try:
        stored = store.get(store.resolve_id(document_id))
    except StoreError as error:
        raise fail(str(error)) from None
    finally:
        store.close()
    assert stored is not None
    chosen = output_format
    if chosen is None:
        chosen = OutputFormat.text if out is None and sys.stdout.isatty() else OutputFormat.json
    _write_output(out, render([stored.dossier], chosen))


def _write_output(out: Path | None, content: str) -> None:
    with quiet_when_reader_leaves():
        try:
            output = Output(out)
        except OSError as error:
            raise fail(f"{out}: cannot write: {error.strerror}") from None
        try:
            output.write(content)
            output.commit()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise fail(f"{output.name}: cannot write: {error.strerror}") from None
        finally:
            output.discard()


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
    disable: Annotated[list[str] | None, typer.Option(help="Stage to skip (repeatable).")] = None,
    max_seconds: Annotated[
        float, typer.Option(help="Time budget of one document's analysis.", min=0.001)
    ] = DEFAULT_MAX_SECONDS,
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
