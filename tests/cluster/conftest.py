"""Two real Zope processes on shared data: a ZEO server (always), and RelStorage on
PostgreSQL when ``PG_DSN`` is set (.ci/run sets it).

scripts/cluster.py writes the configuration from etc/ and starts the processes, as
`make start-zeo` does; seed.py creates the site and the programme as a short-lived
third client. Every test then speaks HTTP to both clients. The clients' blob caches
are small (``BLOB_CACHE_SIZE``), as production clients' are bounded, so blobs are
pruned and downloaded again while the tests run.

This directory runs in its own pytest session (tests/conftest.py refuses mixed runs):
it needs none of the in-process Plone layers.
"""

from cluster_http import processes
from cluster_http import PROJECT
from cluster_http import SEED
from cluster_http import Shared
from cluster_http import throwaway_database
from contextlib import contextmanager

import json
import os
import pytest


BLOB_CACHE_SIZE = "2MB"


@pytest.fixture(scope="session", params=["zeo", "relstorage"])
def shared(request, tmp_path_factory):
    storage = request.param
    with _database(storage) as database:
        root = tmp_path_factory.mktemp(storage)
        cluster = processes.Cluster(
            root,
            storage,
            ports=[processes.free_port(), processes.free_port()],
            pg_dsn=database[0] if database else None,
            blob_cache_size=BLOB_CACHE_SIZE,
        )
        cluster.write_configs()
        try:
            cluster.start_server()
            out = root / "seed.json"
            tests = str(PROJECT / "tests")
            python_path = os.pathsep.join(
                p for p in (tests, os.environ.get("PYTHONPATH")) if p
            )
            cluster.run_script(SEED, out, env={"PYTHONPATH": python_path})
            cluster.start_clients()
            yield Shared(cluster, json.loads(out.read_text()), database)
        finally:
            cluster.stop()


@contextmanager
def _database(storage):
    if storage != "relstorage":
        yield None
        return
    dsn = os.environ.get("PG_DSN")
    if not dsn:
        pytest.skip("RelStorage: PG_DSN is not set (.ci/run sets it)")
    with throwaway_database(dsn) as (test_dsn, name):
        yield test_dsn, name, dsn
