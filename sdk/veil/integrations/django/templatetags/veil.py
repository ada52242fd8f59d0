"""``{% load veil %}``: ``{% veil_snippet %}`` writes the loader snippet with ``Veil.init(config)``.

Rules: the config is ``VEIL['config']`` unless the tag is given one (``{% veil_snippet config %}``);
veil.js's URL is where the site included ``veil.integrations.django.urls``; the nonce is the
request's (``request.csp_nonce``) or the template's ``csp_nonce``, unless given (``nonce=…``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.urls import reverse

from ... import page
from ..site import site

register = template.Library()


@register.simple_tag(takes_context=True)
def veil_snippet(context: template.Context, config: Mapping[str, Any] | None = None, nonce: str | None = None) -> page.Html:
    veil = site()
    if nonce is None:
        request = getattr(context, "request", None) or context.get("request")  # a RequestContext carries it
        found = getattr(request, "csp_nonce", None) or context.get("csp_nonce")
        nonce = str(found) if found else None
    src = reverse("veil:file", kwargs={"name": "veil.js"})
    return page.snippet(veil.bundle, src, config if config is not None else veil.config, nonce)
