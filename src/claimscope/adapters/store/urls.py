"""Which database the store is: ``--db``, else ``CLAIMSCOPE_DB``, else ``./claimscope.db``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

ENVIRONMENT_VARIABLE = "CLAIMSCOPE_DB"
DEFAULT_FILE = "claimscope.db"
# The PostgreSQL driver claimscope depends on (the 'postgres' extra): psycopg 3.
POSTGRES_DRIVER = "postgresql+psycopg"


class StoreError(Exception):
    """The store cannot be opened or used; the message says why in one line."""


@dataclass(frozen=True)
class StoreLocation:
    """A store's database URL and where it was given (for messages)."""

    url: URL
    origin: str

    @property
    def shown(self) -> str:
        """The URL as printed in messages: without its password."""
        return self.url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.url.get_backend_name()


def resolve_location(given: str | None, environ: Mapping[str, str] | None = None) -> StoreLocation:
    """The store named by ``--db`` (a URL or a SQLite file path), the environment, or the default.

    Raises StoreError naming the setting when it is not a usable database URL.
    """
    environ = os.environ if environ is None else environ
    if given is not None:
        value, origin = given, "--db"
    elif environ.get(ENVIRONMENT_VARIABLE):
        value, origin = environ[ENVIRONMENT_VARIABLE], ENVIRONMENT_VARIABLE
    else:
        value, origin = DEFAULT_FILE, "default store"
    return StoreLocation(parse_url(value, origin), origin)


def parse_url(value: str, origin: str = "--db") -> URL:
    """A database URL from a URL or a path to a SQLite file, or StoreError saying what is wrong."""
    if not value.strip():
        raise StoreError(f"{origin}: empty database URL")
    if "://" not in value:
        # A bare path names a SQLite file, relative to the working directory.
        return URL.create("sqlite", database=os.path.abspath(value))
    try:
        url = make_url(value)
    except (ArgumentError, ValueError) as error:
        raise StoreError(f"{origin} {value!r}: not a database URL ({error})") from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise StoreError(
                f"{origin} {value!r}: an in-memory SQLite database would lose everything; "
                "give a file, e.g. sqlite:///claimscope.db"
            )
        return url
    if backend in ("postgresql", "postgres"):
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername=POSTGRES_DRIVER)
        return url
    raise StoreError(
        f"{origin} {url.render_as_string(hide_password=True)!r}: unsupported database "
        f"{backend!r}; claimscope stores in SQLite (a file) or PostgreSQL"
    )
