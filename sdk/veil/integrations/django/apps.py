"""The Django app of Veil's integration: it registers the ``{% load veil %}`` template tags."""

from __future__ import annotations

from django.apps import AppConfig


class VeilConfig(AppConfig):
    name = "veil.integrations.django"
    label = "veil"
    verbose_name = "Veil session replay"
