"""What the store tests share: one fixture over both databases, small corpora, CLI runs.

PostgreSQL is tested when ``CLAIMSCOPE_TEST_POSTGRES_URL`` names a server (scripts/test
starts a throwaway one with scripts/postgres-up); each test then gets a database of its
own, created with a random name and dropped after. Without it those tests skip, saying so.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import cli_command, cli_environment

POSTGRES_URL = os.environ.get("CLAIMSCOPE_TEST_POSTGRES_URL")
SKIP_POSTGRES = (
    "CLAIMSCOPE_TEST_POSTGRES_URL is not set: no PostgreSQL server for the tests "
    "(./scripts/test starts one with scripts/postgres-up when PostgreSQL is installed or "
    "installable)"
)
DATABASES = ("sqlite", "postgresql")
# With these disabled spaCy is not loaded: a `corpus add` process starts in seconds.
NO_PARSE = ("entities", "voices", "claims", "techniques")


def disable_arguments(stages: tuple[str, ...] = NO_PARSE) -> list[str]:
    """``--disable`` options for the stages."""
    return [argument for stage in stages for argument in ("--disable", stage)]


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for one test: its URL, dropped on leaving."""
    if not POSTGRES_URL:
        pytest.skip(SKIP_POSTGRES)
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = "claimscope_test_" + secrets.token_hex(6)
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def new_store_url(database: str, folder: Path) -> Iterator[str]:
    """The URL of a new, empty store: a SQLite file in the folder, or a PostgreSQL database."""
    if database == "sqlite":
        yield f"sqlite:///{folder / 'store.db'}"
        return
    with postgres_database() as url:
        yield url


@pytest.fixture(params=DATABASES)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, empty store's URL: a SQLite file, then a PostgreSQL database."""
    with new_store_url(request.param, tmp_path) as url:
        yield url


def write_records(path: Path, records: list[dict[str, str]]) -> Path:
    """A JSONL file of records."""
    path.write_text(
        "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records),
        encoding="utf-8",
    )
    return path


@dataclass(frozen=True)
class Ran:
    """What a command printed and its exit status."""

    returncode: int
    stdout: str
    stderr: str


def corpus(*args: str, env: dict[str, str] | None = None) -> Ran:
    """Run ``claimscope corpus ARGS`` in this process (Typer's runner), capturing its output.

    In-process, since a new interpreter per command costs seconds of imports; the tests
    that need a real process (killed, concurrent) use :func:`corpus_process`.
    """
    return claimscope("corpus", *args, env=env)


def claimscope(*args: str, env: dict[str, str] | None = None) -> Ran:
    """Run ``claimscope ARGS`` in this process (Typer's runner), capturing its output."""
    from typer.testing import CliRunner

    from claimscope.adapters.cli import app

    environment: dict[str, str | None] = {"CLAIMSCOPE_DB": None, **(env or {})}
    result = CliRunner().invoke(app, list(args), env=environment, catch_exceptions=False)
    return Ran(result.exit_code, result.stdout, result.stderr)


def corpus_process(*args: str) -> subprocess.Popen[bytes]:
    """Start ``claimscope corpus ARGS`` as a process of its own, its output discarded."""
    return subprocess.Popen(
        cli_command("corpus", *args),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=cli_environment(),
    )
