"""What the web app's tests share: an app over a new store, a live server, Debian's Chromium.

The browser tests use pytest-playwright's ``page`` with Debian's Chromium at
``/usr/bin/chromium`` (``scripts/test`` installs it as root; Playwright's own browser
download is not used): importing ``browser_type_launch_args`` from here into a test module
points Playwright at it, and skips the module's browser tests, saying why, when it is
absent. One live server per module: uvicorn on a free loopback port, in a thread.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install '.[web]'")

from claimscope.adapters.web.app import create_app
from claimscope.adapters.web.state import WebSettings
from tests.conftest import EXAMPLE

CHROMIUM = Path("/usr/bin/chromium")
SKIP_CHROMIUM = (
    f"{CHROMIUM} is absent: the browser tests need Debian's chromium package "
    "(./scripts/test installs it when run as root with apt-get)"
)
# Stages that read spaCy's parse: disabled where a test only needs the API's shape.
PARSE_STAGES = ("entities", "voices", "claims", "techniques")
EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")
LOOPBACK = "http://127.0.0.1"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Playwright launches Debian's Chromium, headless, without the network it does not need."""
    if not CHROMIUM.exists():
        pytest.skip(SKIP_CHROMIUM)
    arguments = ["--headless", "--disable-gpu", "--disable-background-networking"]
    if os.geteuid() == 0:
        # Chromium refuses to start as root with its sandbox.
        arguments.append("--no-sandbox")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": arguments}


@pytest.fixture(scope="session")
def base_url() -> None:
    """No base URL: the tests name their server's. (Replaces pytest-playwright's fallback,
    a fixture defined as a method, which pytest 9 deprecates.)"""
    return None


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def live_server(settings: WebSettings) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, in a thread; its base URL."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="claimscope-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"{LOOPBACK}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def store_settings(folder: Path, **values: Any) -> WebSettings:
    """Settings of an app over a new SQLite store in the folder."""
    return WebSettings(db=f"sqlite:///{folder / 'store.db'}", **values)
