"""Fixtures every test directory may use: a throwaway PostgreSQL cluster (see tests/pgcluster.py)."""

from __future__ import annotations

import gzip
import itertools
import zlib

import pytest

from tests.pgcluster import Cluster, find_bindir

_names = itertools.count()


@pytest.fixture(scope="session")
def pg_cluster():
    """One PostgreSQL cluster for the whole run, removed afterwards."""
    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (./dev test installs it from Debian: apt-get install postgresql)")
    cluster = Cluster(bindir).start()
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster):
    """A fresh, empty database on the throwaway cluster."""
    return pg_cluster.create_database(f"veil_test_{next(_names)}")


# Under pytest-xdist (./dev test: -n 2 --dist loadgroup) each group runs in one worker, in order:
# the engine tests (tests/engines, parametrized by ``engine``) in one worker, beside everything
# else, which keeps the one process it always ran in. Two workers on CI's two cores: with three, the
# browser tests' Pyodide workers starved each other and timing-bound tests failed.
ENGINE_GROUPS = {"chromium": "engines", "firefox": "engines", "webkit": "engines"}


def pytest_make_parametrize_id(config, val, argname):
    """A gzip body's id is its content, not its bytes: the gzip header holds the time it was
    compressed, and pytest-xdist refuses to run when its workers collect different ids."""
    if isinstance(val, bytes) and val[:2] == b"\x1f\x8b":
        try:
            inner = gzip.decompress(val)
        except (OSError, EOFError, zlib.error):
            return None
        return "gzip:" + inner[:40].decode("utf-8", "backslashreplace")
    return None


def pytest_sessionfinish(session, exitstatus):
    from tests.playwright_shared import stop

    stop()


def pytest_collection_modifyitems(items):
    for item in items:
        callspec = getattr(item, "callspec", None)
        engine = callspec.params.get("engine") if callspec else None
        if engine is not None:
            item.add_marker(pytest.mark.engines)
        item.add_marker(pytest.mark.xdist_group(ENGINE_GROUPS.get(engine, "suite")))
