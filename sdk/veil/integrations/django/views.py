"""Serving one file of the bundle (veil.integrations.files decides what and how)."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.views.decorators.http import require_safe

from .. import files
from .site import site


@require_safe
def serve(request: HttpRequest, name: str) -> HttpResponse:
    served = files.resolve(site().bundle, name, request.headers.get("Accept-Encoding", ""),
                           request.headers.get("If-None-Match", ""))
    if served is None:
        return JsonResponse({"error": "not a file of the Veil bundle"}, status=404)
    if served.status == 304:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = FileResponse(served.path.open("rb"), content_type=served.headers["Content-Type"])
        del response["Content-Disposition"]  # an inline file: the name of a .br sibling is no business of the page
    for key, value in served.headers.items():
        response[key] = value
    return response
