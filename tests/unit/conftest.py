"""Shared fixtures of the unit tests."""

from __future__ import annotations

import pytest

from tests.helpers import ROOT, load_build


@pytest.fixture(scope="session")
def dist(tmp_path_factory):
    """One dist/ built for every unit test that inspects the build (building takes seconds)."""
    if not (ROOT / "node_modules" / "pyodide").exists():
        pytest.skip("run `npm ci` first")
    return load_build().build(tmp_path_factory.mktemp("dist") / "dist")
