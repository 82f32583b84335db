"""Fixtures of tests/concurrency/ (the helpers are in tests/concurrent_work.py)."""

from ZPublisher.HTTPRequest import HTTPRequest

import pytest


@pytest.fixture
def db(functional):
    return functional["zodbDB"]


RETRIES = 5


@pytest.fixture
def zope_retries(monkeypatch):
    """Zope's retries as an instance should have them: ``max-conflict-retries 5``
    in zope.conf (the default is 3; the test layer's requests are not retried).
    What remains after the add-on's hot spots are gone is the catalog's: a
    small set of documents per workflow state, which new evidence enters while
    a submission removes its first document, conflicts again and again while
    people keep working (several times in a row one time in a hundred with 3)."""
    monkeypatch.setattr(HTTPRequest, "retry_max_count", RETRIES)
