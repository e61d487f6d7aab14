"""Running the app: ``claimscope serve`` hands the settings to uvicorn here."""

from __future__ import annotations

from claimscope.adapters.web.app import create_app
from claimscope.adapters.web.state import WebSettings


def serve(
    settings: WebSettings,
    host: str,
    port: int,
    ssl_certfile: str | None = None,
    ssl_keyfile: str | None = None,
) -> None:
    """Serve the app until interrupted (Ctrl-C or SIGTERM end it cleanly)."""
    import uvicorn

    app = create_app(settings)
    uvicorn.run(
        app,
        host=host,
        port=port,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
        log_level="info",
        # Proxy headers would let any client claim another address or scheme.
        proxy_headers=False,
        server_header=False,
    )
