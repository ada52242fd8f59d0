"""The replay viewer's static files, served by the collector with a strict Content Security Policy.

Rules: the viewer's files and the vendored rrweb-player come from this directory only (no CDN).
Every viewer response carries a CSP that allows scripts from the collector itself and nothing
inline, so a recorded script or event handler could not run even if one reached a replay
(rrweb replays into a sandboxed iframe without allow-scripts; the CSP is the second wall). The
page itself holds no data: it asks the API for sessions with the operator token.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

HERE = Path(__file__).resolve().parent
FILES = {
    "": (HERE / "viewer" / "index.html", "text/html; charset=utf-8"),
    "viewer.js": (HERE / "viewer" / "viewer.js", "text/javascript; charset=utf-8"),
    "names.js": (HERE / "viewer" / "names.js", "text/javascript; charset=utf-8"),
    "search.js": (HERE / "viewer" / "search.js", "text/javascript; charset=utf-8"),
    "visit.js": (HERE / "viewer" / "visit.js", "text/javascript; charset=utf-8"),
    "clickmap.js": (HERE / "viewer" / "clickmap.js", "text/javascript; charset=utf-8"),
    "viewer.css": (HERE / "viewer" / "viewer.css", "text/css; charset=utf-8"),
    "canvas-replay.js": (HERE / "viewer" / "canvas-replay.js", "text/javascript; charset=utf-8"),
    "rrweb-player.min.js": (HERE / "vendor" / "rrweb-player" / "rrweb-player.min.js", "text/javascript; charset=utf-8"),
    "rrweb-player.css": (HERE / "vendor" / "rrweb-player" / "style.css", "text/css; charset=utf-8"),
}
CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # replays carry the recorded page's inline styles
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


async def serve(request: Request) -> Response:
    entry = FILES.get(request.path_params.get("name", ""))
    if entry is None:
        return Response("not found", status_code=404, headers=HEADERS)
    path, media_type = entry
    return FileResponse(path, media_type=media_type, headers=HEADERS)


def viewer_routes() -> list[Route]:
    return [Route("/viewer/", serve, methods=["GET"]), Route("/viewer/{name}", serve, methods=["GET"])]
