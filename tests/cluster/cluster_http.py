"""The cluster under test: its processes (scripts/cluster.py), a throw-away
PostgreSQL database, and HTTP helpers that speak to either client."""

from contextlib import contextmanager
from nr_setup import evidence_json
from nr_setup import file_payload
from nr_setup import PASSWORD
from pathlib import Path

import importlib.util
import requests
import time
import uuid


PROJECT = Path(__file__).resolve().parents[2]
SEED = Path(__file__).resolve().parent / "seed.py"


def _load_cluster_module():
    spec = importlib.util.spec_from_file_location(
        "nrlabel_cluster", PROJECT / "scripts" / "cluster.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


processes = _load_cluster_module()


@contextmanager
def throwaway_database(dsn):
    """A new database on the PostgreSQL server of ``dsn``, dropped afterwards: the
    tests never write to the database PG_DSN names."""
    import psycopg2
    import psycopg2.extensions

    name = f"nrlabel_cluster_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(dsn)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield psycopg2.extensions.make_dsn(dsn, dbname=name), name
    finally:
        with admin.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s",
                (name,),
            )
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


class Shared:
    """The running cluster, its two clients ``a`` and ``b``, and the seeded paths."""

    def __init__(self, cluster, paths, database=None):
        self.cluster = cluster
        self.paths = paths
        self.database = database  # (test DSN, its name, PG_DSN) on RelStorage
        self.a, self.b = cluster.ports

    @property
    def storage(self):
        return self.cluster.storage

    def url(self, port, what="", suffix=""):
        path = self.paths.get(what, what).lstrip("/")
        return self.cluster.url(port, path) + suffix

    def request(self, method, port, what, user, suffix="", **kwargs):
        return requests.request(
            method,
            self.url(port, what, suffix),
            auth=(user, PASSWORD),
            headers={"Accept": "application/json"},
            timeout=90,
            **kwargs,
        )

    def get(self, port, what, user="lead", suffix="", **kwargs):
        return self.request("GET", port, what, user, suffix, **kwargs)

    def add_evidence(self, port, title, data=b"%PDF-1.4 preuve", criterion="criterion"):
        """POST a file evidence item as ``author``; the response."""
        body = evidence_json(title=title, file=file_payload(data=data))
        return self.request("POST", port, criterion, "author", json=body)

    def transition(self, port, evidence_url, user, transition_id):
        return requests.post(
            f"{self._on(port, evidence_url)}/@workflow/{transition_id}",
            auth=(user, PASSWORD),
            headers={"Accept": "application/json"},
            json={"comment": "ok"},
            timeout=90,
        )

    def evidence_on(self, port, evidence_url, user="lead"):
        return requests.get(
            self._on(port, evidence_url),
            auth=(user, PASSWORD),
            headers={"Accept": "application/json"},
            timeout=90,
        )

    def _on(self, port, url):
        """The same object's URL on the client listening on ``port``."""
        path = url.split("/", 3)[3]
        return self.cluster.url(port, path)

    def evidence_titles(self, port, criterion="criterion"):
        """{title: review_state} of the evidence in a criterion (catalog)."""
        response = self.get(
            port,
            "Plone/@search",
            params={
                "path": self.paths[criterion],
                "portal_type": "nr_evidence",
                "b_size": 1000,
                "metadata_fields": "review_state",
            },
        )
        assert response.status_code == 200, response.text[:500]
        return {
            item["title"]: item["review_state"] for item in response.json()["items"]
        }

    def restart_client(self, port):
        self.cluster.stop_client(port)
        self.cluster.start_client(port)
        self.cluster.wait_client(port)

    def ensure_running(self):
        """Restart what a failed fault test may have left stopped."""
        if self.cluster.storage == "zeo" and (
            self.cluster.server is None or self.cluster.server.poll() is not None
        ):
            self.cluster.start_server()
        for port in self.cluster.ports:
            process = self.cluster.clients.get(port)
            if process is None or process.poll() is not None:
                self.cluster.start_client(port)
        for port in self.cluster.ports:
            self.cluster.wait_client(port)


def with_retries(call, attempts=5):
    """What a person does with "someone changed this at the same time, try again"
    (409): try again. Returns (last response, retries)."""
    for retry in range(attempts):
        response = call()
        if response.status_code != 409:
            return response, retry
        time.sleep(0.1 * (retry + 1))
    return response, attempts - 1
