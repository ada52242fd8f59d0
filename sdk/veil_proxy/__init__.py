"""Veil's authenticated proxy: keeps the collector's client token off the browser and forwards the
signed-in user's identity. Installed with ``pip install 'veil[proxy]'`` and run as ``veil-proxy`` or
``python -m veil_proxy``.
"""
