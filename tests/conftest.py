"""Fixtures every test directory may use: a throwaway PostgreSQL cluster (see tests/pgcluster.py)."""

from __future__ import annotations

import itertools

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


# Under pytest-xdist (./dev test: -n 3 --dist loadgroup) each group runs in one worker, in order:
# the engine tests of Firefox and of WebKit (tests/engines, parametrized by ``engine``) each in a
# worker of their own, beside everything else, which keeps the one process it always ran in.
SIDE_BY_SIDE = {"firefox", "webkit"}


def pytest_collection_modifyitems(items):
    for item in items:
        callspec = getattr(item, "callspec", None)
        engine = callspec.params.get("engine") if callspec else None
        if engine is not None:
            item.add_marker(pytest.mark.engines)
        item.add_marker(pytest.mark.xdist_group(engine if engine in SIDE_BY_SIDE else "suite"))
