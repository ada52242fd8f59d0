"""Veil in a Python site: serve the bundle from the site's own origin, render the loader snippet,
add the CSP sources Veil needs.

Modules: ``files`` (which file to send, with which headers: any framework), ``page`` (the snippet and
the CSP directives: any framework), and one per framework, each importing only its own framework:
``starlette`` (Starlette and FastAPI), ``django`` (an app: template tag, URLs, middleware), ``flask``
(an extension). None of them is part of the wheel the browser loads (build.py's NOT_IN_THE_BROWSER).
"""
