"""Veil for Flask: serve the bundle, render the snippet as a Jinja global, add Veil's CSP sources.

    from veil.integrations.flask import Veil

    app = Flask(__name__)
    Veil(app, config={"endpoint": "https://collect.example.com/v1/batches", "clientToken": "pk_…"})
    # a template: <head>{{ veil_snippet() }}</head>

Rules: the bundle is served under ``url_prefix`` by a blueprint named ``veil`` (veil.integrations.files
decides what and how); the snippet carries the request's CSP nonce, ``request.csp_nonce`` (set here
before each request unless another extension, such as flask-talisman, set it), or ``nonce=…``;
with ``csp`` each response's Content-Security-Policy (or ``policy``, for a response with none) gets
Veil's sources (veil.integrations.page.merge_csp). Flask is imported here only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request, send_file, url_for

from ..bundle import Bundle
from ..bundle import default as default_bundle
from . import files, page

HEADER = "Content-Security-Policy"


class Veil:
    """One site's Veil: its config (``Veil.init``'s, JSON), where the bundle is served, the bundle."""

    def __init__(self, app: Flask | None = None, *, config: Mapping[str, Any] | None = None,
                 url_prefix: str = "/static/veil", bundle: Bundle | str | Path | None = None,
                 connect: Iterable[str] = (), csp: bool = True, policy: str | None = None) -> None:
        if not url_prefix.startswith("/"):
            raise ValueError(f"Veil: url_prefix must start with '/' (got {url_prefix!r})")
        self.config = dict(config) if config is not None else None
        self.url_prefix = url_prefix.rstrip("/")
        self.bundle = bundle if isinstance(bundle, Bundle) else (Bundle.load(bundle) if bundle else default_bundle())
        self.connect = tuple(connect)
        self.csp = csp
        self.policy = policy
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        blueprint = Blueprint("veil", __name__, url_prefix=self.url_prefix)
        blueprint.add_url_rule("/<path:name>", "file", self._serve, methods=["GET", "HEAD"])
        app.register_blueprint(blueprint)
        app.jinja_env.globals["veil_snippet"] = self.snippet
        app.extensions["veil"] = self
        if self.csp:
            app.before_request(self._give_nonce)
            app.after_request(self._add_policy)

    def _serve(self, name: str) -> Response:
        served = files.resolve(self.bundle, name, request.headers.get("Accept-Encoding", ""),
                               request.headers.get("If-None-Match", ""))
        if served is None:
            response = jsonify(error="not a file of the Veil bundle")
            response.status_code = 404
            return response
        if served.status == 304:
            response = Response(status=304)
        else:
            response = send_file(served.path, mimetype=served.headers["Content-Type"], conditional=False, etag=False,
                                 max_age=None)
        for key, value in served.headers.items():
            response.headers[key] = value
        return response

    def snippet(self, *, nonce: str | None = None, config: Mapping[str, Any] | None = None) -> page.Html:
        """The loader snippet with ``Veil.init(config)`` (default: this Veil's), carrying the request's
        CSP nonce (or ``nonce``). Inside a request; ``veil_snippet()`` in a template."""
        if nonce is None:
            found = getattr(request, "csp_nonce", None)
            nonce = str(found) if found else None
        src = url_for("veil.file", name="veil.js")
        return page.snippet(self.bundle, src, config if config is not None else self.config, nonce)

    def csp_directives(self, nonce: str | None = None) -> dict[str, list[str]]:
        """The sources Veil needs in the page's Content-Security-Policy, by directive."""
        return page.directives(self.config, nonce, self.connect)

    def _give_nonce(self) -> None:
        if not getattr(request, "csp_nonce", None):
            request.csp_nonce = page.new_nonce()  # type: ignore[attr-defined]

    def _add_policy(self, response: Response) -> Response:
        existing = response.headers.get(HEADER) or self.policy
        if existing:
            nonce = getattr(request, "csp_nonce", None)
            response.headers[HEADER] = page.merge_csp(existing, self.csp_directives(str(nonce) if nonce else None))
        return response
