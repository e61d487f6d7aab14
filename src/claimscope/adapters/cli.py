"""The command line: ``claimscope analyze PATH... [--format ...] [--out FILE]``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from claimscope.document import Document
from claimscope.dossier import Dossier, json_schema
from claimscope.ingestion import DEFAULT_MAX_CHARS, IngestionError, Settings

EXIT_BAD_INPUT = 2

app = typer.Typer(
    name="claimscope",
    help="Dossiers of news articles, press releases and joint statements.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


class OutputFormat(StrEnum):
    """Output formats of ``analyze``."""

    text = "text"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"
    html = "html"


def _error_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _fail(message: str) -> typer.Exit:
    _error_console().print(f"claimscope: error: {message}", markup=False)
    return typer.Exit(EXIT_BAD_INPUT)


def _render(dossiers: Sequence[Dossier], output_format: OutputFormat) -> str:
    if output_format is OutputFormat.json:
        if len(dossiers) == 1:
            return dossiers[0].to_json() + "\n"
        return json.dumps([d.to_json_dict() for d in dossiers], ensure_ascii=False, indent=2) + "\n"
    if output_format is OutputFormat.jsonl:
        return "".join(d.to_json(indent=None) + "\n" for d in dossiers)
    if output_format is OutputFormat.markdown:
        from claimscope.adapters.report.markdown import render_markdown

        return render_markdown(dossiers)
    if output_format is OutputFormat.html:
        from claimscope.adapters.report.html import render_html

        return render_html(dossiers)
    from claimscope.adapters.report.terminal import render_text

    return render_text(dossiers)


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
        Path | None, typer.Option("--out", "-o", help="Write the output to this file.")
    ] = None,
    max_chars: Annotated[
        int, typer.Option(help="Largest document accepted, in characters of text.", min=1)
    ] = DEFAULT_MAX_CHARS,
    disable: Annotated[
        list[str] | None, typer.Option(help="Stage to skip (repeatable), e.g. --disable entities.")
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            help="Processes analysing documents in parallel (at most one per core).", min=1
        ),
    ] = 1,
) -> None:
    """Analyse documents and print their dossiers."""
    from claimscope.adapters.inputs import read_documents
    from claimscope.pipeline import Pipeline

    errors = _error_console()
    items = list(read_documents(paths, Settings(max_chars=max_chars)))
    documents = [item for item in items if isinstance(item, Document)]
    problems = [item for item in items if isinstance(item, IngestionError)]
    if len(items) == 1 and problems:
        raise _fail(str(problems[0]))
    for problem in problems:
        errors.print(f"claimscope: skipped {problem}", markup=False)
    if not documents:
        raise _fail("no document could be analysed")

    analysed: Iterator[Dossier]
    if workers > 1:
        from claimscope.parallel import pipe_in_parallel

        try:
            analysed = pipe_in_parallel(documents, workers, disabled=disable or ())
        except ValueError as error:
            raise _fail(str(error)) from None
    else:
        pipeline = Pipeline()
        if disable:
            try:
                pipeline = pipeline.without(*disable)
            except ValueError as error:
                raise _fail(str(error)) from None
        analysed = pipeline.pipe(documents)

    chosen = output_format
    if chosen is None:
        if out is None and sys.stdout.isatty():
            chosen = OutputFormat.text
        else:
            chosen = OutputFormat.json if len(documents) == 1 else OutputFormat.jsonl
    dossiers = list(_with_progress(analysed, len(documents), errors))
    rendered = _render(dossiers, chosen)
    if out is None:
        sys.stdout.write(rendered)
    else:
        try:
            out.write_text(rendered, encoding="utf-8")
        except OSError as error:
            raise _fail(f"{out}: cannot write: {error.strerror}") from None
        from claimscope.adapters.report.terminal import summary_lines

        for line in summary_lines(dossiers):
            errors.print(line, markup=False)
        errors.print(f"wrote {chosen.value} to {out}", markup=False)
    if problems:
        raise typer.Exit(EXIT_BAD_INPUT)


def _with_progress(dossiers: Iterator[Dossier], total: int, console: Console) -> Iterator[Dossier]:
    if total < 2 or not console.is_terminal:
        yield from dossiers
        return
    columns = (
        TextColumn("analysing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("analyse", total=total)
        for dossier in dossiers:
            progress.advance(task)
            yield dossier


@app.command()
def schema(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")] = None,
) -> None:
    """Print the JSON Schema of the dossier."""
    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


def main() -> None:
    """Entry point of the ``claimscope`` command."""
    app()
