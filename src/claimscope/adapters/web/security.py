"""What keeps the web app safe to run: headers, access token, sessions, CSRF, body limits.

- Every response carries a Content-Security-Policy that allows only the app's own scripts
  and styles (no ``unsafe-inline``, no other origin), ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy: same-origin`` and ``X-Frame-Options: DENY``.
- With a token (required to bind anything but loopback), every page needs a session cookie
  that the login form sets (HttpOnly, Secure, SameSite=Strict, signed with a key made at
  start-up) and every API call ``Authorization: Bearer TOKEN`` (or that cookie).
- Form posts carry a CSRF token: an HMAC of a per-browser cookie under the server's key.
  A request that changes something and comes from another origin (``Origin`` or
  ``Sec-Fetch-Site`` say so) is refused, API included: a page elsewhere cannot make the
  browser post to a server on loopback.
- Served on loopback without a token, only loopback host names are answered, so a
  rebinding DNS name pointing at 127.0.0.1 reaches nothing.
- A request body past the upload limit is refused with 413 as it streams in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.datastructures import Headers

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SESSION_COOKIE = "claimscope_session"
CSRF_COOKIE = "claimscope_csrf"
CSRF_FIELD = "csrf_token"
SESSION_SECONDS = 12 * 3600
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    # Same-origin requests keep their Origin (a form post under no-referrer says "null",
    # which cannot be told from a sandboxed page elsewhere); other sites get no referrer.
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


def is_loopback(host: str) -> bool:
    """Whether a bind address or host name is this machine's loopback."""
    host = host.strip().lower()
    return host in LOOPBACK_HOSTS or host.startswith("127.")


class Keys:
    """The server's signing key (made at start-up: sessions end with the process)."""

    def __init__(self, token: str | None) -> None:
        self.token = token
        self.secret = secrets.token_bytes(32)

    def sign(self, value: str) -> str:
        """An HMAC-SHA256 of the value under the server's key, in hexadecimal."""
        return hmac.new(self.secret, value.encode(), hashlib.sha256).hexdigest()

    def token_matches(self, given: str | None) -> bool:
        """Whether a given token is the server's, compared in constant time."""
        if self.token is None or given is None:
            return False
        return hmac.compare_digest(given.encode(), self.token.encode())

    def new_session(self) -> str:
        """A session cookie value: when it was made, a nonce, and their signature."""
        issued = str(int(time.time()))
        nonce = secrets.token_urlsafe(16)
        return f"{issued}.{nonce}.{self.sign(issued + '.' + nonce)}"

    def session_valid(self, value: str | None) -> bool:
        """Whether a session cookie was signed here and has not expired."""
        if not value or value.count(".") != 2:
            return False
        issued, nonce, signature = value.split(".")
        if not hmac.compare_digest(signature, self.sign(issued + "." + nonce)):
            return False
        return issued.isdigit() and time.time() - int(issued) < SESSION_SECONDS

    def csrf_token(self, browser: str) -> str:
        """The CSRF token of a browser's CSRF cookie."""
        return self.sign("csrf." + browser)

    def csrf_valid(self, browser: str | None, given: str | None) -> bool:
        """Whether a form's CSRF token belongs to the browser's cookie."""
        if not browser or not given:
            return False
        return hmac.compare_digest(given, self.csrf_token(browser))


def safe_next(path: str | None) -> str:
    """Where to go after logging in: a path on this server, never another site."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


def cookie_header(name: str, value: str, max_age: int | None = None) -> bytes:
    """A Set-Cookie value: HttpOnly, Secure, SameSite=Strict, for the whole site."""
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "Secure", "SameSite=Strict"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    return "; ".join(parts).encode()


class BodyTooLarge(Exception):
    """A request body past the upload limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"request body larger than the limit of {limit:,} bytes")
        self.limit = limit


class SecurityMiddleware:
    """Headers, host check, access token, cross-origin refusal and the body limit (ASGI)."""

    def __init__(
        self,
        app: ASGIApp,
        keys: Keys,
        max_body_bytes: int,
        allowed_hosts: frozenset[str] | None,
    ) -> None:
        self.app = app
        self.keys = keys
        self.max_body_bytes = max_body_bytes
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        path: str = scope.get("path", "/")
        is_api = path.startswith("/api/") or path == "/openapi.json"
        cookies = _cookies(headers.get("cookie", ""))
        browser = cookies.get(CSRF_COOKIE) or ""
        new_browser = not _valid_browser_id(browser)
        if new_browser:
            browser = secrets.token_urlsafe(24)
        scope.setdefault("state", {})
        scope["state"]["browser"] = browser
        scope["state"]["csrf_token"] = self.keys.csrf_token(browser)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                raw.extend(SECURITY_HEADERS)
                if new_browser and not is_api:
                    raw.append((b"set-cookie", cookie_header(CSRF_COOKIE, browser)))
                message["headers"] = raw
            await send(message)

        refusal = self._refusal(scope, headers, path, is_api, cookies)
        if refusal is not None:
            await refusal(scope, receive, send_with_headers)
            return
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
            await _error(413, str(BodyTooLarge(self.max_body_bytes)), is_api)(
                scope, receive, send_with_headers
            )
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise BodyTooLarge(self.max_body_bytes)
            return message

        await self.app(scope, limited_receive, send_with_headers)

    def _refusal(
        self, scope: Scope, headers: Headers, path: str, is_api: bool, cookies: dict[str, str]
    ) -> ASGIApp | None:
        if self.allowed_hosts is not None:
            host = _host_name(headers.get("host", ""))
            if host not in self.allowed_hosts:
                return _error(400, "this server answers to its loopback address only", is_api)
        method = scope.get("method", "GET")
        if method not in ("GET", "HEAD", "OPTIONS") and _cross_origin(headers):
            return _error(403, "cross-origin requests may not change anything here", is_api)
        if self.keys.token is None or path == "/login" or path.startswith("/static/"):
            return None
        authorization = headers.get("authorization", "")
        scheme, _, credentials = authorization.partition(" ")
        if scheme.lower() == "bearer" and self.keys.token_matches(credentials.strip()):
            return None
        if self.keys.session_valid(cookies.get(SESSION_COOKIE)):
            return None
        if is_api:
            return _error(401, "this server needs its token: Authorization: Bearer TOKEN", True)
        target = path + (
            "?" + scope["query_string"].decode("latin-1") if scope.get("query_string") else ""
        )
        return _redirect("/login?next=" + quote(target, safe=""))


def _valid_browser_id(value: str) -> bool:
    return 16 <= len(value) <= 64 and all(c.isalnum() or c in "-_" for c in value)


def _cookies(header: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name and name not in found:
            found[name] = value
    return found


def _host_name(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _cross_origin(headers: Headers) -> bool:
    site = headers.get("sec-fetch-site")
    if site is not None:
        # What the browser itself says; "none" is the user's own navigation.
        return site not in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is None or origin == "null":
        return origin == "null"
    host = headers.get("host", "")
    return urlsplit(origin).netloc.lower() != host.lower()


def _error(status: int, message: str, as_json: bool) -> ASGIApp:
    from starlette.responses import JSONResponse, PlainTextResponse

    if as_json:
        return JSONResponse({"detail": message}, status_code=status)
    return PlainTextResponse(f"{status}: {message}\n", status_code=status)


def _redirect(location: str) -> ASGIApp:
    from starlette.responses import RedirectResponse

    return RedirectResponse(location, status_code=303)
