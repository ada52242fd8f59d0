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
