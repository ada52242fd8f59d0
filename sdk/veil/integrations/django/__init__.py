"""Veil for Django: serve the bundle, render the snippet with a template tag, add Veil's CSP sources.

    # settings.py
    INSTALLED_APPS = [..., "veil.integrations.django"]
    MIDDLEWARE = ["veil.integrations.django.middleware.VeilCSPMiddleware", ...]
    VEIL = {"config": {"endpoint": "https://collect.example.com/v1/batches", "clientToken": "pk_…"}}

    # urls.py
    urlpatterns = [path("static/veil/", include("veil.integrations.django.urls")), ...]

    {# a template #}
    {% load veil %}<head>{% veil_snippet %}</head>

Rules: the ``VEIL`` setting holds ``config`` (``Veil.init``'s, JSON), and optionally ``bundle`` (a
directory; default: the bundle this installation carries), ``connect`` (more connect-src origins) and
``policy`` (the Content-Security-Policy a response without one starts from). The files are served
by veil.integrations.files, under whatever path the site includes the URLs at (the snippet finds
it by reversing ``veil:file``). The snippet carries the request's CSP nonce: ``request.csp_nonce``
(set by VeilCSPMiddleware, django-csp or Django's own CSP middleware) or the template's
``csp_nonce``. Django is imported only by this package: the base install needs none.
"""
