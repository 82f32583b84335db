"""A conflict that outlives Zope's retries is answered 409 "try again", in JSON
for the REST API, and every retry is logged."""

from Products.Five.browser import BrowserView
from ZODB.POSException import ConflictError
from ZODB.utils import u64
from zope.component import getGlobalSiteManager
from zope.interface import Interface
from zope.publisher.interfaces.browser import IDefaultBrowserLayer
from ZPublisher.HTTPRequest import HTTPRequest

import logging
import pytest
import requests


VIEW = "nr-test-conflict"


class AlwaysConflicts(BrowserView):
    """Test only: every attempt conflicts, as a hot spot under load would."""

    calls = 0

    def __call__(self):
        type(self).calls += 1
        raise ConflictError(object=self.context)


@pytest.fixture
def conflicting_view():
    registry = getGlobalSiteManager()
    required = (Interface, IDefaultBrowserLayer)
    registry.registerAdapter(AlwaysConflicts, required, Interface, VIEW)
    AlwaysConflicts.calls = 0
    yield f"@@{VIEW}"
    registry.unregisterAdapter(AlwaysConflicts, required, Interface, VIEW)


@pytest.fixture
def one_retry(monkeypatch):
    """One retry (a real instance has 3, each after a random pause of up to
    1, 2 and 4 s): the path is the same."""
    monkeypatch.setattr(HTTPRequest, "retry_max_count", 1)


def get(url, **headers):
    return requests.get(url, auth=("manager", "secret-password-1"), headers=headers)


def test_html_answer_is_409_in_the_user_language(
    functional_programme, conflicting_view, one_retry, caplog
):
    caplog.set_level(logging.INFO, logger="collective.nrlabel.conflicts")
    url = f"{functional_programme.absolute_url()}/{conflicting_view}"
    response = get(url, **{"Accept-Language": "fr"})
    assert response.status_code == 409
    assert "Quelqu'un a modifié ceci en même temps ; réessayez." in response.text
    assert response.headers["Content-Type"].startswith("text/html")
    assert AlwaysConflicts.calls == 2  # tried, then retried once
    records = [r for r in caplog.records if r.name == "collective.nrlabel.conflicts"]
    assert [r.levelname for r in records] == ["INFO", "WARNING"]
    assert "conflict, retrying" in records[0].getMessage()
    for record in records:
        message = record.getMessage()
        assert f"/{conflicting_view}" in message
        assert f"oid 0x{u64(functional_programme._p_oid):x}" in message
        assert "collective.nrlabel.content.programme.Programme" in message


def test_english(functional_programme, conflicting_view, one_retry):
    url = f"{functional_programme.absolute_url()}/{conflicting_view}"
    response = get(url, **{"Accept-Language": "en"})
    assert response.status_code == 409
    assert "Someone changed this at the same time; please try again." in response.text


def test_rest_api_answer_is_json(functional_programme, conflicting_view):
    url = f"{functional_programme.absolute_url()}/{conflicting_view}"
    response = get(url, Accept="application/json", **{"Accept-Language": "en"})
    assert response.status_code == 409
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == {
        "type": "Conflict",
        "message": "Someone changed this at the same time; please try again.",
    }


def test_other_errors_are_not_409(functional_programme):
    response = get(f"{functional_programme.absolute_url()}/no-such-thing")
    assert response.status_code == 404
