"""The authenticated proxy: lets only signed-in users' batches through, and holds the real token.

Rules: the page's ``endpoint`` is this proxy (same origin as the site) and its ``clientToken`` a
public placeholder. A batch is forwarded only with a valid signed session cookie (else 401, or 403
for a forged or expired one) and the expected placeholder (else 403); nothing is forwarded
otherwise. The proxy swaps in the real collector token, which exists only on the server: no
response to the browser ever carries it (the proxy answers with its own small JSON, never the
collector's headers). Bodies are size-limited before forwarding.

Routes:
  POST /login        form fields user, password: sets the signed session cookie
  POST /logout       clears it
  POST /v1/batches   the endpoint Veil posts to
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field

import httpx2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

COOKIE = "veil_proxy_session"


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
    extra_routes: list = field(default_factory=list)
    transport: object = None  # an httpx2 transport, for tests


def sign(user: str, expires: int, key: bytes) -> str:
    """A session cookie value: base64(JSON) + "." + HMAC-SHA256 of it."""
    payload = base64.urlsafe_b64encode(json.dumps({"u": user, "exp": expires}).encode()).decode()
    mac = hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()
    return f"{payload}.{mac}"


def verify(value: str, key: bytes, now: float) -> str | None:
    """The signed-in user, or None for a forged, malformed or expired cookie."""
    payload, _, mac = value.rpartition(".")
    expected = hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()
    if not payload or not hmac.compare_digest(mac, expected):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload.encode()))
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), str) or not isinstance(data.get("exp"), int):
        return None
    return data["u"] if data["exp"] > now else None


def _deny(status: int, message: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message}, status_code=status)


def create_proxy_app(settings: ProxySettings) -> Starlette:
    client = httpx2.AsyncClient(transport=settings.transport, timeout=10)

    async def login(request: Request) -> RedirectResponse | JSONResponse:
        form = await request.form()
        user, password = str(form.get("user", "")), str(form.get("password", ""))
        expected = settings.users.get(user)
        if expected is None or not hmac.compare_digest(password.encode(), expected.encode()):
            return _deny(401, "wrong user or password")
        response = RedirectResponse(str(form.get("next", "/")), status_code=303)
        expires = int(time.time()) + settings.session_seconds
        response.set_cookie(COOKIE, sign(user, expires, settings.secret_key), max_age=settings.session_seconds,
                            httponly=True, samesite="strict", secure=settings.secure_cookie)
        return response

    async def logout(request: Request) -> RedirectResponse:
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    async def forward(request: Request) -> JSONResponse:
        cookie = request.cookies.get(COOKIE)
        if not cookie:
            return _deny(401, "sign in first")
        if verify(cookie, settings.secret_key, time.time()) is None:
            return _deny(403, "invalid session")
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
        }
        try:
            upstream = await client.post(settings.collector_endpoint, content=bytes(body), headers=headers)
        except httpx2.HTTPError:
            return _deny(502, "collector unreachable")
        try:
            answer = upstream.json()
        except ValueError:
            answer = {}
        safe = {k: answer[k] for k in ("ok", "duplicate", "error") if k in answer and isinstance(answer[k], (bool, str))}
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
