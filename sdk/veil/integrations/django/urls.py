"""The bundle's URLs: ``path("static/veil/", include("veil.integrations.django.urls"))``."""

from __future__ import annotations

from django.urls import re_path

from . import views

app_name = "veil"
urlpatterns = [re_path(r"^(?P<name>.+)$", views.serve, name="file")]
