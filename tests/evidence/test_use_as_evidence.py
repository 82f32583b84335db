"""From the intranet side (issue #13): the "Use as Label NR evidence" action and
form on an intranet item, its server-side checks, and the viewlet listing the
criteria an item supports, over HTTP on the functional layer.

The test site speaks French, as make start's does.
"""

from collective.nrlabel.evidence.intranet import intranet_item
from nr_setup import add_evidence
from nr_setup import evidence_in_state
from nr_setup import PASSWORD
from nr_setup import relation
from nr_setup import session
from nr_setup import token_of
from plone import api
from plone.app.textfield.value import RichTextValue
from plone.testing.zope import Browser

import pytest
import transaction


ACTION_TITLE = "Utiliser comme preuve Label NR"


@pytest.fixture
def intranet(functional_portal, functional_programme):
    """A published intranet page, a site-wide Editor and a colleague, neither
    with a role on the programme."""
    with api.env.adopt_roles(["Manager"]):
        folder = api.content.create(
            container=functional_portal, type="Folder", id="intranet", title="Intranet"
        )
        page = api.content.create(
            container=folder,
            type="Document",
            id="policy",
            title="Politique numérique responsable",
            text=RichTextValue("<p>Version 1</p>", "text/html", "text/html"),
        )
        for obj in (folder, page):
            api.content.transition(obj, "publish")
        for user_id, roles in (("site_editor", ["Editor"]), ("colleague", [])):
            api.user.create(
                username=user_id,
                email=f"{user_id}@example.org",
                password=PASSWORD,
                properties={"fullname": user_id.title(), "language": "fr"},
            )
            if roles:
                api.user.grant_roles(username=user_id, roles=roles)
    transaction.commit()
    return page


def browser_for(app, user_id):
    browser = Browser(app)
    browser.handleErrors = True
    browser.raiseHttpErrors = False
    browser.addHeader("Authorization", f"Basic {user_id}:{PASSWORD}")
    browser.addHeader("Accept-Language", "fr")
    return browser


def all_evidence():
    transaction.begin()
    return [
        brain._unrestrictedGetObject()
        for brain in api.content.find(portal_type="nr_evidence", unrestricted=True)
    ]


def form_data(criterion, **fields):
    return {
        "criterion": criterion.UID(),
        "title": "Politique (intranet)",
        "kind": "policy",
        "document_date": "2026-01-10",
        "valid_until": "",
        "form.buttons.save": "1",
        **fields,
    }


class TestAction:
    def test_shown_to_an_nr_editor_on_a_document(self, functional_app, intranet):
        browser = browser_for(functional_app, "editor")
        browser.open(intranet.absolute_url())
        assert browser.headers["status"].startswith("200")
        assert f"{intranet.absolute_url()}/@@nr-use-as-evidence" in browser.contents
        assert ACTION_TITLE in browser.contents

    @pytest.mark.parametrize("user_id", ["site_editor", "colleague", "reader"])
    def test_not_shown_without_the_right_to_add_evidence(
        self, functional_app, intranet, user_id
    ):
        browser = browser_for(functional_app, user_id)
        browser.open(intranet.absolute_url())
        assert browser.headers["status"].startswith("200")
        assert "nr-use-as-evidence" not in browser.contents
        assert ACTION_TITLE not in browser.contents

    def test_not_shown_on_programme_content(
        self, functional_app, functional_criterion, intranet
    ):
        browser = browser_for(functional_app, "editor")
        browser.open(functional_criterion.absolute_url())
        assert "nr-use-as-evidence" not in browser.contents
        response = session("editor").get(
            f"{functional_criterion.absolute_url()}/@@nr-use-as-evidence", timeout=60
        )
        assert response.status_code == 400
        assert "seuls les autres éléments de l'intranet" in response.text


class TestForm:
    def test_creates_evidence_linked_to_the_item(
        self, functional_app, functional_criterion, intranet
    ):
        browser = browser_for(functional_app, "editor")
        browser.open(f"{intranet.absolute_url()}/@@nr-use-as-evidence")
        assert browser.headers["status"].startswith("200")
        # The item's title is offered; only criteria open to the editor are.
        assert browser.getControl(name="title").value == intranet.Title()
        browser.getControl(name="criterion").value = [functional_criterion.UID()]
        browser.getControl(name="kind").value = ["policy"]
        browser.getControl(name="document_date").value = "2026-01-10"
        browser.getControl(name="form.buttons.save").click()

        [evidence] = all_evidence()
        assert evidence.aq_parent.UID() == functional_criterion.UID()
        assert intranet_item(evidence).UID() == intranet.UID()
        assert evidence.kind == "policy"
        assert str(evidence.document_date) == "2026-01-10"
        assert evidence.file is None and evidence.link is None
        assert evidence.listCreators()[0] == "editor"
        assert api.content.get_state(evidence) == "draft"
        assert browser.url == evidence.absolute_url()
        assert "Preuve ajoutée" in browser.contents

    def test_post_without_the_token_is_refused(self, functional_criterion, intranet):
        response = session("editor").post(
            f"{intranet.absolute_url()}/@@nr-use-as-evidence",
            data=form_data(functional_criterion),
            timeout=60,
        )
        assert response.status_code == 403
        assert all_evidence() == []

    @pytest.mark.parametrize("user_id", ["reader", "reviewer", "site_editor"])
    def test_post_by_a_user_who_may_not_add_evidence_there(
        self, functional_criterion, intranet, user_id
    ):
        response = session(user_id).post(
            f"{intranet.absolute_url()}/@@nr-use-as-evidence",
            data=form_data(functional_criterion, _authenticator=token_of(user_id)),
            timeout=60,
        )
        assert response.status_code == 403
        assert "Choisissez un critère où vous pouvez ajouter une preuve" in (
            response.text
        )
        assert all_evidence() == []

    def test_get_without_any_programme_says_so(self, intranet):
        response = session("site_editor").get(
            f"{intranet.absolute_url()}/@@nr-use-as-evidence", timeout=60
        )
        assert response.status_code == 403
        assert "aucun programme Label NR" in response.text

    @pytest.mark.parametrize(
        "fields, message",
        [
            ({"document_date": "10/01/2026"}, "Donnez une date avec le jour"),
            ({"valid_until": "2025-12-31"}, "doit être postérieure"),
            ({"title": "  "}, "Obligatoire"),
            ({"kind": "<script>"}, "Choisissez une des natures"),
        ],
        ids=["bad date", "dates reversed", "no title", "unknown kind"],
    )
    def test_bad_input_is_a_400_and_nothing_is_created(
        self, functional_criterion, intranet, fields, message
    ):
        data = form_data(functional_criterion, _authenticator=token_of("editor"))
        response = session("editor").post(
            f"{intranet.absolute_url()}/@@nr-use-as-evidence",
            data={**data, **fields},
            timeout=60,
        )
        assert response.status_code == 400
        assert message in response.text
        assert "<script>" not in response.text.split('id="content"', 1)[-1]
        assert all_evidence() == []


class TestViewlet:
    def test_lists_the_criterion_to_the_lead_not_to_a_colleague(
        self, functional_app, functional_criterion, intranet
    ):
        evidence = add_evidence(
            functional_criterion,
            title="Politique (intranet)",
            file=None,
            intranet_item=relation(intranet),
        )
        transaction.commit()

        lead = browser_for(functional_app, "lead")
        lead.open(intranet.absolute_url())
        assert "nr-supported-criteria" in lead.contents
        assert functional_criterion.Title() in lead.contents
        assert f'href="{functional_criterion.absolute_url()}"' in lead.contents
        assert lead.contents.count(f'href="{evidence.absolute_url()}"') == 1
        assert "Brouillon" in lead.contents

        # A reader of the programme does not see drafts: nothing to list.
        reader = browser_for(functional_app, "reader")
        reader.open(intranet.absolute_url())
        assert "nr-supported-criteria" not in reader.contents

        for user_id in ("colleague", "site_editor"):
            other = browser_for(functional_app, user_id)
            other.open(intranet.absolute_url())
            assert other.headers["status"].startswith("200")
            assert "nr-supported-criteria" not in other.contents
            assert functional_criterion.Title() not in other.contents
            assert "Politique (intranet)" not in other.contents

    def test_approved_evidence_lists_every_criterion_it_supports(
        self, functional_app, functional_criterion, intranet
    ):
        other = functional_criterion.__parent__["1.1.2"]
        evidence = evidence_in_state(
            functional_criterion,
            "approved",
            title="Politique (intranet)",
            file=None,
            intranet_item=relation(intranet),
            supported_criteria=[relation(other)],
        )
        evidence.reindexObject()
        transaction.commit()
        reader = browser_for(functional_app, "reader")
        reader.open(intranet.absolute_url())
        viewlet = reader.contents.split('class="nr-supported-criteria', 1)[1]
        viewlet = viewlet.split("</section>", 1)[0]
        assert f'href="{functional_criterion.absolute_url()}"' in viewlet
        assert f'href="{other.absolute_url()}"' in viewlet
        assert viewlet.index("1.1.1") < viewlet.index("1.1.2")
        assert "Approuvée" in viewlet
