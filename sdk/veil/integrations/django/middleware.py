"""VeilCSPMiddleware: a CSP nonce per request, and Veil's sources added to the response's policy.

Rules: ``request.csp_nonce`` is kept when another middleware set it (django-csp, Django's own),
else set to a fresh nonce; the response's Content-Security-Policy (or the ``VEIL['policy']`` a
response without one starts from) gets Veil's sources (veil.integrations.page.merge_csp). A
response with no policy and no ``VEIL['policy']`` is left without one.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .. import page
from .site import site

HEADER = "Content-Security-Policy"


class VeilCSPMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not getattr(request, "csp_nonce", None):
            request.csp_nonce = page.new_nonce()  # type: ignore[attr-defined]
        response = self.get_response(request)
        veil = site()
        existing = response.headers.get(HEADER) or veil.policy
        if existing:
            nonce = str(request.csp_nonce)  # type: ignore[attr-defined]
            response.headers[HEADER] = page.merge_csp(existing, page.directives(veil.config, nonce, veil.connect))
        return response
