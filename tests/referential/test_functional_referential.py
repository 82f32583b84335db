"""Over HTTP: the programme's pages, the import form and the REST API."""

from collective.nrlabel.referential.registry import imported_referentials
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.testing.zope import Browser
from referential_files import csv_bytes
from referential_files import HEADER
from referential_files import upload

import pytest
import requests
import transaction


SMALL = [
    HEADER,
    ["A", "", "theme", "Achats", "Purchasing", "", ""],
    ["A.1", "A", "criterion", "Clauses", "Clauses", "Contrats", "Contracts"],
]


@pytest.fixture
def portal_url(functional):
    return f"http://{functional['host']}:{functional['port']}/plone"


@pytest.fixture
def api_session(portal_url):
    session = requests.Session()
    session.auth = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    session.headers["Accept"] = "application/json"
    yield session
    session.close()


class TestRestAPI:
    def test_create_programme_seeds_47_criteria(self, api_session, portal_url):
        response = api_session.post(
            portal_url, json={"@type": "nr_programme", "title": "Label NR 2026"}
        )
        assert response.status_code == 201, response.text
        programme_url = response.json()["@id"]
        assert response.json()["referential"]["token"] == "label-nr-2019"
        found = api_session.get(
            f"{programme_url}/@search",
            params={
                "portal_type": "nr_criterion",
                "b_size": 100,
                "metadata_fields": "nr_code",
            },
        ).json()
        assert found["items_total"] == 47
        assert {item["nr_code"] for item in found["items"]} >= {"1.1.1", "5.2.4"}

    def test_unknown_referential_creates_nothing(self, api_session, portal_url):
        response = api_session.post(
            portal_url,
            json={"@type": "nr_programme", "title": "X", "referential": "nope"},
        )
        assert response.status_code == 400
        transaction.begin()
        assert not api.content.find(portal_type="nr_programme", unrestricted=True)

    def test_anonymous_sees_nothing_of_a_programme(self, api_session, portal_url):
        created = api_session.post(
            portal_url, json={"@type": "nr_programme", "title": "Secret"}
        ).json()["@id"]
        anonymous = requests.get(
            f"{created}/1/1.1/1.1.1", headers={"Accept": "application/json"}
        )
        assert anonymous.status_code == 401
        search = requests.get(
            f"{portal_url}/@search",
            params={"portal_type": "nr_criterion"},
            headers={"Accept": "application/json"},
        ).json()
        assert search["items_total"] == 0


class TestPages:
    @pytest.fixture
    def bare_programme(self, functional_portal):
        """A programme without users: the site owner browses it."""
        api.portal.set_registry_record("plone.default_language", "fr")
        with api.env.adopt_roles(["Manager"]):
            programme = api.content.create(
                container=functional_portal, type="nr_programme", title="Programme NR"
            )
        transaction.commit()
        return programme

    def test_programme_view_lists_the_tree(self, browser, bare_programme):
        browser.open(bare_programme.absolute_url())
        html = browser.contents
        assert html.count('class="nr-tree-nr_criterion"') == 47
        assert html.count('class="nr-tree-nr_principle"') == 14
        assert "Engagement de la direction" in html
        assert "marchés publics" in html or "public procurement" in html

    def test_criterion_view(self, browser, bare_programme):
        browser.open(bare_programme.absolute_url() + "/1/1.1/1.1.1")
        assert "1.1.1" in browser.contents
        assert "Engagement de la direction" in browser.contents

    def test_about_page_has_caveat_and_steps(self, browser, bare_programme):
        browser.open(bare_programme.absolute_url() + "/@@nr-about")
        steps = browser.contents.split('class="nr-steps"', 1)[1].split("</ol>", 1)[0]
        assert steps.count("<li") == 6
        assert (
            "procurement" in browser.contents or "marchés publics" in browser.contents
        )


class TestImportForm:
    def test_import_and_create_programme(self, browser, functional_portal):
        upload(
            browser,
            functional_portal,
            csv_bytes(SMALL),
            "achats.csv",
            mime="text/csv",
            programme_title="Achats responsables",
        )
        assert browser.url.endswith("/achats-responsables")
        assert "Clauses" in browser.contents
        transaction.begin()
        assert "achats" in imported_referentials()

    def test_bad_file_shows_problems_and_changes_nothing(
        self, browser, functional_portal
    ):
        bad = SMALL + [["A.2", "Z", "criterion", "Orphelin", "", "", ""]]
        upload(
            browser,
            functional_portal,
            csv_bytes(bad),
            "achats.csv",
            mime="text/csv",
            programme_title="P",
        )
        assert (
            "Row 4 (code A.2): its parent code Z is not in the file."
            in browser.contents
        )
        transaction.begin()
        assert imported_referentials() == {}
        assert not api.content.find(portal_type="nr_programme", unrestricted=True)

    def test_refused_to_editors(self, functional_app, functional_portal):
        api.user.create(
            username="eddie", email="eddie@example.org", password="secret-ed-1"
        )
        api.user.grant_roles(username="eddie", roles=["Editor"])
        transaction.commit()
        browser = Browser(functional_app)
        browser.addHeader("Authorization", "Basic eddie:secret-ed-1")
        browser.raiseHttpErrors = False
        browser.open(functional_portal.absolute_url() + "/@@nr-import-referential")
        # Plone answers an unauthorised page with its login form.
        assert "form.widgets.file" not in browser.contents
        assert (
            "insufficient-privileges" in browser.url or "require_login" in browser.url
        )


def test_reader_sees_the_whole_tree(functional_app, functional_programme):
    from nr_setup import PASSWORD

    browser = Browser(functional_app)
    browser.addHeader("Authorization", f"Basic reader:{PASSWORD}")
    browser.open(functional_programme.absolute_url())
    assert browser.contents.count('class="nr-tree-nr_criterion"') == 47
