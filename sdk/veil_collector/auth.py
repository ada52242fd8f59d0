"""Who may do what: the client token on ingest, named operators and their roles on every read and
admin route, the failed-credential throttle, and who the client is.

Rules: a route that needs an operator says so with ``@requires("viewer")`` or
``@requires("admin")`` (Starlette's style: the endpoint takes the request, and finds its operator
in ``request.user``); anything refused is raised as ``errors.Refused`` and answered by the one
table. The failed-credential throttle answers first (429), before any token is hashed; a missing
``Authorization`` header is a 401 that is not counted as a guess, any other failure is. An admin
may do what a viewer does. The client is the peer address, or what a configured proxy forwards
(``access.client_of``); the client-sent token is never part of any key.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
from collections.abc import Awaitable, Callable, Mapping
from typing import cast

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response

from .access import Client, Operator, Operators, client_of, load_operators
from .errors import Refused
from .ratelimit import FailureThrottle
from .settings import CollectorSettings

ROLE_RANK = {"viewer": 0, "admin": 1}
TOO_MANY = "too many failed credentials from this address"
OPERATOR_REQUIRED = "operator token required (Authorization: Bearer ...)"
Endpoint = Callable[[Request], Awaitable[Response]]


def configured_operators(settings: CollectorSettings) -> Operators:
    """The operators the settings name, else those of ``VEIL_OPERATORS_FILE`` (where a ``--workers``
    process finds them), plus the demo's single admin ``operator`` when ``operator_token`` is set."""
    operators_file = os.environ.get("VEIL_OPERATORS_FILE")
    named = list(settings.operators) or (load_operators(operators_file) if operators_file else [])
    if settings.operator_token:
        named.append(Operator("operator", "admin", "sha256:" + hashlib.sha256(settings.operator_token.encode()).hexdigest()))
    return Operators(named)


class Authority:
    """The collector's checks of who is asking (one per app)."""

    def __init__(self, settings: CollectorSettings) -> None:
        self.operators = configured_operators(settings)
        self._client_token = settings.client_token.encode() if settings.client_token is not None else None
        self._trusted = frozenset(settings.trusted_proxies)
        self._throttle = FailureThrottle(settings.failures_allowed, settings.failure_forgive_seconds)

    def client(self, peer: str, headers: Mapping[str, str]) -> Client:
        """The client behind ``peer`` (forwarded headers only from a trusted proxy)."""
        return client_of(peer, headers, self._trusted)

    def _refuse_if_throttled(self, address: str) -> None:
        wait = self._throttle.blocked(address)
        if wait > 0:
            raise Refused(429, TOO_MANY, wait)

    def refuse_if_throttled(self, address: str) -> None:
        """429 for an address that failed too many credentials lately (a share link is one too)."""
        self._refuse_if_throttled(address)

    def failed_guess(self, address: str, status: int, message: str) -> Refused:
        """A wrong credential other than an operator token (an unknown share link): counted against
        the address like a wrong token, answered ``status`` until the throttle answers 429."""
        wait = self._throttle.failed(address)
        return Refused(429, TOO_MANY, wait) if wait > 0 else Refused(status, message)

    def _failed(self, address: str, message: str) -> Refused:
        wait = self._throttle.failed(address)
        return Refused(429, TOO_MANY, wait) if wait > 0 else Refused(401, message)

    def check_client_token(self, address: str, given: str) -> None:
        """Nothing when no client token is configured or ``given`` is it; else ``Refused``."""
        if self._client_token is None:
            return
        self._refuse_if_throttled(address)
        if not hmac.compare_digest(given.encode("utf-8", "replace"), self._client_token):
            raise self._failed(address, "missing or wrong X-Veil-Token")

    async def operator(self, request: Request, role: str) -> Operator:
        """The operator the request's bearer token names, holding at least ``role``; else ``Refused``."""
        if not self.operators:
            raise Refused(401, "no operator is configured: reads are closed")
        address = self.client(request.client.host if request.client else "", request.headers).address
        # The throttle answers first: a throttled address costs no hashing, right token or wrong.
        self._refuse_if_throttled(address)
        given = request.headers.get("authorization", "")
        if not given:  # no credential is no guess: not counted
            raise Refused(401, OPERATOR_REQUIRED)
        scheme, _, token = given.partition(" ")
        token = token.strip() if scheme.lower() == "bearer" else ""
        # A token verified moments ago is found without hashing, on the loop; else in a thread: a
        # scrypt hash costs tens of milliseconds the event loop must not spend.
        op = self.operators.remembered(token) or (
            await anyio.to_thread.run_sync(self.operators.authenticate, token) if token else None)
        if op is None:
            raise self._failed(address, OPERATOR_REQUIRED)
        if ROLE_RANK[op.role] < ROLE_RANK[role]:
            raise Refused(403, "this needs an admin operator")
        return op


def authority_of(request: Request) -> Authority:
    return cast(Authority, request.app.state.authority)


def operator_of(request: Request) -> Operator:
    """The operator ``requires`` let through (``request.user``)."""
    user = request.scope.get("user")
    assert isinstance(user, Operator), "the endpoint is not decorated with @requires(role)"
    return user


def requires(role: str) -> Callable[[Endpoint], Endpoint]:
    """An endpoint only an operator holding ``role`` (``viewer`` or ``admin``) reaches; refusals are
    raised, and answered by the errors table (the app's exception handlers)."""
    if role not in ROLE_RANK:
        raise ValueError(f"role must be one of {sorted(ROLE_RANK)}")

    def decorator(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def checked(request: Request) -> Response:
            request.scope["user"] = await authority_of(request).operator(request, role)
            return await endpoint(request)

        return checked

    return decorator
