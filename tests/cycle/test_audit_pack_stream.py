"""The audit pack streams from its first file: the view decides what goes in,
the files are read as the ZIP is written, after the request, through the pack's
own database connection (one snapshot), which is closed when the stream ends or
is abandoned."""

from collective.nrlabel.audit.pack import MANIFEST_FIELDS
from collective.nrlabel.interfaces import IBrowserLayer
from datetime import date
from nr_setup import criterion_at
from nr_setup import evidence_in_state
from nr_setup import pdf
from nr_setup import transition
from plone import api
from zope.interface import alsoProvides

import csv
import hashlib
import io
import pytest
import transaction
import zipfile


@pytest.fixture(autouse=True)
def today(clock):
    clock(date(2026, 6, 15))


@pytest.fixture
def programme(functional_programme):
    evidence_in_state(
        criterion_at(functional_programme, "1.1.1"),
        "approved",
        title="Charte",
        file=pdf("charte.pdf", 70_000),
    )
    evidence_in_state(
        criterion_at(functional_programme, "1.1.2"),
        "approved",
        title="Organigramme",
        file=pdf("organigramme.pdf", 3000),
    )
    evidence_in_state(
        criterion_at(functional_programme, "1.2.1"),
        "approved",
        title="Registre",
        file=None,
        link="https://intranet.example.org/registre",
    )
    evidence_in_state(criterion_at(functional_programme, "1.1.3"), "pending")
    transaction.commit()
    return functional_programme


def pack_view(programme):
    request = programme.REQUEST
    alsoProvides(request, IBrowserLayer)
    with api.env.adopt_user(username="lead"):
        return api.content.get_view("nr-audit-pack", programme, request)()


def in_use(programme):
    """Connections of the database now open (taken from the pool)."""
    pool = programme._p_jar.db().pool
    return len(pool.all) - len(pool.available)


def manifest_of(body):
    archive = zipfile.ZipFile(io.BytesIO(body))
    text = archive.read("manifest.csv").decode()
    rows = list(csv.DictReader(io.StringIO(text), fieldnames=MANIFEST_FIELDS))[1:]
    for row in rows:
        assert hashlib.sha256(archive.read(row["path"])).hexdigest() == row["sha256"]
    return {row["title"]: row for row in rows}


def evidence_objects(programme):
    return [
        brain._unrestrictedGetObject()
        for brain in api.content.find(context=programme, portal_type="nr_evidence")
    ]


def test_the_view_answers_before_reading_any_evidence(programme):
    programme._p_jar.cacheMinimize()
    stream = pack_view(programme)
    # Nothing read yet: what goes in came from the catalog's index sets.
    assert {e._p_status for e in evidence_objects(programme)} == {"ghost"}
    manifest = manifest_of(b"".join(stream))
    assert sorted(manifest) == ["Charte", "Organigramme", "Registre"]
    assert int(manifest["Charte"]["size"]) == len(b"%PDF-1.4\n") + 70_000


def test_after_the_request_the_stream_reads_its_own_snapshot(programme):
    charte = criterion_at(programme, "1.1.1").objectValues()[0]
    registre = criterion_at(programme, "1.2.1").objectValues()[0]
    opened = in_use(programme)
    stream = pack_view(programme)
    transaction.commit()  # the request is over, as ZPublisher ends it
    # Committed after the view was called: the registre is no longer approved.
    transition(registre, "lead", "reopen")
    transaction.commit()
    # Changed in the (former) request's connection, never committed: unseen.
    charte.title = "Charte modifiée"
    charte.file = pdf("autre.pdf", 10)
    try:
        manifest = manifest_of(b"".join(stream))
    finally:
        transaction.abort()
    assert sorted(manifest) == ["Charte", "Organigramme"]
    assert manifest["Charte"]["path"].endswith("/charte.pdf")
    assert int(manifest["Charte"]["size"]) == len(b"%PDF-1.4\n") + 70_000
    assert in_use(programme) == opened  # its own connection went back


def test_a_stream_abandoned_midway_closes_its_connection(programme):
    opened = in_use(programme)
    stream = pack_view(programme)
    transaction.commit()
    first = next(stream)
    assert first.startswith(b"PK")
    assert in_use(programme) == opened + 1
    stream.close()  # what the WSGI server does when the client goes away
    assert in_use(programme) == opened
