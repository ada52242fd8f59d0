"""The authenticated proxy: lets only signed-in users' batches through, and holds the real token.

Rules: the page's ``endpoint`` is this proxy (same origin as the site) and its ``clientToken`` a
public placeholder. A batch is forwarded only with a valid signed session cookie (else 401, or 403
for a forged or expired one) and the expected placeholder (else 403); nothing is forwarded
otherwise. The proxy swaps in the real collector token, which exists only on the server: no
response to the browser ever carries it (the proxy answers with its own small JSON, never the
collector's headers). Bodies are size-limited before forwarding.

Sign-in is server-side too: every cookie names a session held in a bounded in-memory store with
expiry, and logout removes it, so a copied cookie dies with the logout (one proxy process: run
several and give them a shared store). Failed logins are throttled per address (429). ``next``
after login is honoured only as a same-site relative path. A malformed cookie of any bytes is a
403, never a 500. The proxy tells the collector who the user is (``X-Veil-User``, and their address
in ``X-Forwarded-For``; the collector believes them only from its configured proxy addresses), so
each user has their own rate limit; it passes ``X-Veil-Session-Key`` through and returns
``sessionKey`` in its answer.

Routes:
  POST /login        form fields user, password, next: sets the signed session cookie
  POST /logout       revokes the session and clears the cookie
  POST /v1/batches   the endpoint Veil posts to
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import quote

import httpx2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import BaseRoute, Route

from veil_collector.access import client_of
from veil_collector.ratelimit import FailureThrottle

COOKIE = "veil_proxy_session"
SESSION_KEY = re.compile(r"^[A-Za-z0-9_-]{1,128}\Z")
MAX_SIGNED_IN = 100_000


@dataclass(frozen=True)
class ProxySettings:
    secret_key: bytes
    collector_endpoint: str
    real_token: str
    placeholder_token: str = "public-placeholder"
    users: dict[str, str] = field(default_factory=dict)  # user -> password (a stand-in for your login)
    session_seconds: int = 8 * 3600
    secure_cookie: bool = True
    max_body_bytes: int = 2 * 1024 * 1024
    extra_routes: list[BaseRoute] = field(default_factory=list)
    transport: httpx2.AsyncBaseTransport | None = None  # for tests
    login_failures_allowed: int = 5  # per address, then 429 (one forgiven every 10 s)
    trusted_proxies: tuple[str, ...] = ()  # reverse proxies in front of this one, whose X-Forwarded-For is believed


class SignedIn:
    """Live sign-ins, by session id, with expiry; bounded (the oldest are signed out first: fail closed)."""

    def __init__(self, limit: int = MAX_SIGNED_IN) -> None:
        self.limit = limit
        self._live: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def start(self, user: str, expires: float) -> str:
        sid = secrets.token_urlsafe(18)
        with self._lock:
            if len(self._live) >= self.limit:
                now = time.time()
                for old in [k for k, (_, exp) in self._live.items() if exp <= now]:
                    del self._live[old]
                while len(self._live) >= self.limit:
                    del self._live[next(iter(self._live))]
            self._live[sid] = (user, expires)
        return sid

    def user(self, sid: str, now: float) -> str | None:
        with self._lock:
            entry = self._live.get(sid)
            if entry is None or entry[1] <= now:
                return None
            return entry[0]

    def end(self, sid: str) -> None:
        with self._lock:
            self._live.pop(sid, None)


def sign(user: str, expires: int, key: bytes, sid: str = "") -> str:
    """A session cookie value: base64(JSON) + "." + HMAC-SHA256 of it."""
    payload = base64.urlsafe_b64encode(json.dumps({"u": user, "exp": expires, "sid": sid}).encode()).decode()
    mac = hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()
    return f"{payload}.{mac}"


def verify_session(value: str, key: bytes, now: float) -> tuple[str, str] | None:
    """(user, session id) of a genuine unexpired cookie, or None for a forged, malformed or expired one."""
    try:
        raw = value.encode("ascii")  # a cookie of any other bytes is malformed, never an error
        payload, _, mac = raw.rpartition(b".")
        expected = hmac.new(key, payload, hashlib.sha256).hexdigest().encode()
        if not payload or not hmac.compare_digest(mac, expected):
            return None
        data = json.loads(base64.urlsafe_b64decode(payload))
    except (ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), str) or not isinstance(data.get("exp"), int):
        return None
    if isinstance(data["exp"], bool) or data["exp"] <= now:
        return None
    sid = data.get("sid", "")
    return data["u"], sid if isinstance(sid, str) else ""


def verify(value: str, key: bytes, now: float) -> str | None:
    """The signed-in user, or None for a forged, malformed or expired cookie."""
    found = verify_session(value, key, now)
    return found[0] if found else None


def safe_next(value: str) -> str:
    """``value`` if it is a same-site relative path, else "/" (no open redirect)."""
    if (not value.startswith("/") or value.startswith("//") or "\\" in value or len(value) > 2000
            or any(ord(c) < 0x21 or ord(c) == 0x7F for c in value)):
        return "/"
    return value


def _deny(status: int, message: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message}, status_code=status)


def create_proxy_app(settings: ProxySettings) -> Starlette:
    client = httpx2.AsyncClient(transport=settings.transport, timeout=10)
    signed_in = SignedIn()
    throttle = FailureThrottle(settings.login_failures_allowed, 10.0)
    trusted = frozenset(settings.trusted_proxies)

    def address(request: Request) -> str:
        """The client's address: the peer, or what a trusted reverse proxy in front says it is."""
        return client_of(request.client.host if request.client else "", request.headers, trusted).address

    async def login(request: Request) -> RedirectResponse | JSONResponse:
        wait = throttle.blocked(address(request))
        if wait > 0:
            refused = _deny(429, "too many failed logins from this address")
            refused.headers["Retry-After"] = str(max(1, int(wait + 0.999)))
            return refused
        try:
            form = await request.form()
        except Exception:  # noqa: BLE001 - any malformed form is the client's error
            return _deny(400, "expected a form")
        user, password = str(form.get("user", "")), str(form.get("password", ""))
        expected = settings.users.get(user)
        if expected is None or not hmac.compare_digest(password.encode(), expected.encode()):
            throttle.failed(address(request))
            return _deny(401, "wrong user or password")
        response = RedirectResponse(safe_next(str(form.get("next", "/"))), status_code=303)
        expires = int(time.time()) + settings.session_seconds
        sid = signed_in.start(user, expires)
        response.set_cookie(COOKIE, sign(user, expires, settings.secret_key, sid), max_age=settings.session_seconds,
                            httponly=True, samesite="strict", secure=settings.secure_cookie)
        return response

    async def logout(request: Request) -> RedirectResponse:
        found = verify_session(request.cookies.get(COOKIE, ""), settings.secret_key, time.time())
        if found:
            signed_in.end(found[1])
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    async def forward(request: Request) -> JSONResponse:
        cookie = request.cookies.get(COOKIE)
        if not cookie:
            return _deny(401, "sign in first")
        found = verify_session(cookie, settings.secret_key, time.time())
        if found is None or signed_in.user(found[1], time.time()) != found[0]:
            return _deny(403, "invalid session")
        user = found[0]
        given = request.headers.get("x-veil-token", "")
        if not hmac.compare_digest(given.encode(), settings.placeholder_token.encode()):
            return _deny(403, "unexpected client token")
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > settings.max_body_bytes:
            return _deny(413, "body too large")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > settings.max_body_bytes:
                return _deny(413, "body too large")
        headers = {
            "Content-Type": request.headers.get("content-type", "application/json"),
            "Content-Encoding": request.headers.get("content-encoding", ""),
            "X-Veil-Token": settings.real_token,
            "X-Veil-User": quote(user, safe=""),  # any user name fits in a header, percent-encoded
            "X-Forwarded-For": address(request),
        }
        session_key = request.headers.get("x-veil-session-key", "")
        if SESSION_KEY.match(session_key):
            headers["X-Veil-Session-Key"] = session_key
        try:
            upstream = await client.post(settings.collector_endpoint, content=bytes(body), headers=headers)
        except httpx2.HTTPError:
            return _deny(502, "collector unreachable")
        try:
            answer = upstream.json()
        except ValueError:
            answer = {}
        if not isinstance(answer, dict):
            answer = {}
        safe = {k: answer[k] for k in ("ok", "duplicate", "error") if k in answer and isinstance(answer[k], (bool, str))}
        if isinstance(answer.get("sessionKey"), str) and SESSION_KEY.match(answer["sessionKey"]):
            safe["sessionKey"] = answer["sessionKey"]
        response = JSONResponse(safe or {"ok": upstream.is_success}, status_code=upstream.status_code)
        if "retry-after" in upstream.headers:
            response.headers["Retry-After"] = upstream.headers["retry-after"]
        return response

    routes = [
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/v1/batches", forward, methods=["POST"]),
        *settings.extra_routes,
    ]
    return Starlette(routes=routes)
