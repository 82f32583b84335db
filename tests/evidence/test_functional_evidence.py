"""Evidence over HTTP: the REST API and the Classic UI pages.

The test site speaks French, as make start's does: messages are checked in French.
"""

from datetime import date
from nr_setup import add_evidence
from nr_setup import evidence_in_state
from nr_setup import evidence_json
from nr_setup import file_payload
from nr_setup import PASSWORD
from nr_setup import rest_session
from nr_setup import transition
from plone import api
from plone.testing.zope import Browser

import pytest
import requests
import transaction


class TestRestAPI:
    def test_editor_creates_evidence_with_a_file_and_submits(
        self, functional_criterion
    ):
        editor = rest_session("editor")
        response = editor.post(
            functional_criterion.absolute_url(), json=evidence_json(file=file_payload())
        )
        assert response.status_code == 201, response.text
        url = response.json()["@id"]
        assert response.json()["review_state"] == "draft"
        download = editor.get(f"{url}/@@download/file")
        assert download.content == b"%PDF-1.4 charte"

        submitted = editor.post(f"{url}/@workflow/submit", json={"comment": "Prête"})
        assert submitted.status_code == 200, submitted.text
        assert submitted.json()["review_state"] == "pending"
        history = editor.get(f"{url}/@history").json()
        assert any(h.get("comments") == "Prête" for h in history)

    @pytest.mark.parametrize(
        "fields, message",
        [
            ({}, "exactement un fichier, un lien, une note ou un élément de l"),
            (
                {"file": "FILE", "link": "https://example.org/charte"},
                "exactement un fichier, un lien, une note ou un élément de l",
            ),
            (
                {"link": "https://example.org", "valid_until": "2025-12-31"},
                "doit être postérieure à la date du document",
            ),
            # The REST API reads an empty upload as no file at all.
            (
                {"file": "EMPTY"},
                "exactement un fichier, un lien, une note ou un élément de l",
            ),
        ],
        ids=["nothing", "file and link", "dates", "empty file"],
    )
    def test_invalid_evidence_is_refused(self, functional_criterion, fields, message):
        if fields.get("file") == "FILE":
            fields = dict(fields, file=file_payload())
        if fields.get("file") == "EMPTY":
            fields = dict(fields, file=file_payload(data=b""))
        response = rest_session("editor").post(
            functional_criterion.absolute_url(), json=evidence_json(**fields)
        )
        assert response.status_code == 400
        assert message in response.json()["message"]
        transaction.begin()
        assert not api.content.find(portal_type="nr_evidence", unrestricted=True)

    def test_upload_limit(self, functional_criterion):
        api.portal.set_registry_record("collective.nrlabel.max_upload_mb", 1)
        transaction.commit()
        big = b"%PDF" + b"0" * (1024 * 1024 + 10)
        response = rest_session("editor").post(
            functional_criterion.absolute_url(),
            json=evidence_json(file=file_payload(data=big)),
        )
        assert response.status_code == 400, response.text[:2000]
        assert "le maximum est de 1 Mo" in response.json()["message"]

    def test_file_name_sanitised(self, functional_criterion):
        response = rest_session("editor").post(
            functional_criterion.absolute_url(),
            json=evidence_json(file=file_payload(filename="../../bilan?.pdf")),
        )
        assert response.status_code == 201
        assert response.json()["file"]["filename"] == "bilan_.pdf"

    def test_self_approval_is_403_with_the_reason(self, functional_criterion):
        evidence = add_evidence(functional_criterion, user_id="lead")
        transition(evidence, "lead", "submit")
        transaction.commit()
        response = rest_session("lead").post(
            f"{evidence.absolute_url()}/@workflow/approve"
        )
        assert response.status_code == 403
        assert (
            "un autre relecteur doit la relire" in response.json()["error"]["message"]
        )

    def test_rejection_without_reason_is_400(self, functional_criterion):
        evidence = evidence_in_state(functional_criterion, "pending")
        transaction.commit()
        reviewer = rest_session("reviewer")
        response = reviewer.post(f"{evidence.absolute_url()}/@workflow/reject")
        assert response.status_code == 400
        assert "un motif est obligatoire" in response.json()["error"]["message"]
        response = reviewer.post(
            f"{evidence.absolute_url()}/@workflow/reject",
            json={"comment": "Pas de signature"},
        )
        assert response.status_code == 200
        assert response.json()["comments"] == "Pas de signature"

    def test_anonymous_transition_is_401(self, functional_criterion):
        evidence = evidence_in_state(functional_criterion, "approved")
        transaction.commit()
        response = requests.post(
            f"{evidence.absolute_url()}/@workflow/reopen",
            headers={"Accept": "application/json"},
        )
        assert response.status_code == 401


def browser_for(app, user_id):
    browser = Browser(app)
    browser.handleErrors = False
    browser.addHeader("Authorization", f"Basic {user_id}:{PASSWORD}")
    return browser


class TestPages:
    def test_criterion_view_lists_evidence_with_state_and_approver(
        self, functional_app, functional_criterion
    ):
        approved = evidence_in_state(
            functional_criterion, "approved", title="Charte signée"
        )
        evidence_in_state(functional_criterion, "draft", title="Brouillon de plan")
        transaction.commit()

        editor = browser_for(functional_app, "editor")
        editor.open(functional_criterion.absolute_url())
        assert "Charte signée" in editor.contents
        assert "Brouillon de plan" in editor.contents
        assert "Reviewer" in editor.contents  # the approver's full name
        assert 'class="btn btn-primary nr-add-evidence"' in editor.contents
        assert "nr-transition-submit" in editor.contents

        reader = browser_for(functional_app, "reader")
        reader.open(functional_criterion.absolute_url())
        assert "Charte signée" in reader.contents
        assert "Brouillon de plan" not in reader.contents
        assert "nr-add-evidence" not in reader.contents
        assert "nr-transition-" not in reader.contents
        assert approved.absolute_url() in reader.contents

    def test_reject_through_the_form_requires_a_reason(
        self, functional_app, functional_criterion
    ):
        evidence = evidence_in_state(functional_criterion, "pending")
        transaction.commit()
        browser = browser_for(functional_app, "reviewer")
        browser.open(f"{evidence.absolute_url()}/@@nr-transition?transition=reject")
        browser.raiseHttpErrors = False
        browser.getControl(name="form.buttons.confirm").click()
        assert browser.headers["status"].startswith("400")
        assert "un motif est obligatoire" in browser.contents
        browser.getControl(name="comment").value = "La charte n'est pas signée."
        browser.getControl(name="form.buttons.confirm").click()
        transaction.begin()
        assert api.content.get_state(evidence) == "rejected"
        assert browser.url == functional_criterion.absolute_url()

    def test_review_queue_oldest_first_and_own_marked(
        self, functional_app, functional_criterion
    ):
        first = evidence_in_state(functional_criterion, "pending", title="Première")
        second = add_evidence(functional_criterion, user_id="lead", title="Seconde")
        transition(second, "lead", "submit")
        history = first.workflow_history["nr_evidence_workflow"]
        first.workflow_history["nr_evidence_workflow"] = history[:-1] + (
            dict(history[-1], time=history[-1]["time"] - 3),
        )
        first.reindexObject()
        transaction.commit()
        browser = browser_for(functional_app, "lead")
        programme = functional_criterion.aq_parent.aq_parent.aq_parent
        browser.open(f"{programme.absolute_url()}/@@nr-review-queue")
        html = browser.contents
        assert html.index("Première") < html.index("Seconde")
        assert "3" in html.split("Première", 1)[1].split("</tr>", 1)[0]
        assert "un autre relecteur doit la relire" in html.split("Seconde", 1)[1]

    def test_my_evidence_lists_drafts_and_rejected(
        self, functional_app, functional_criterion
    ):
        evidence_in_state(functional_criterion, "draft", title="Mon brouillon")
        evidence_in_state(functional_criterion, "rejected", title="Ma charte refusée")
        evidence_in_state(functional_criterion, "approved", title="Ma charte approuvée")
        transaction.commit()
        browser = browser_for(functional_app, "author")
        programme = functional_criterion.aq_parent.aq_parent.aq_parent
        browser.open(f"{programme.absolute_url()}/@@nr-my-evidence")
        assert "Mon brouillon" in browser.contents
        assert "Ma charte refusée" in browser.contents
        assert "Insuffisant" in browser.contents  # the rejection reason
        assert "Ma charte approuvée" not in browser.contents

    def test_add_form_enforces_invariant(self, functional_app, functional_criterion):
        browser = browser_for(functional_app, "editor")
        browser.open(f"{functional_criterion.absolute_url()}/++add++nr_evidence")
        browser.getControl(name="form.widgets.IBasic.title").value = "Sans contenu"
        browser.getControl(name="form.widgets.document_date").value = "2026-01-10"
        browser.getControl(name="form.buttons.save").click()
        assert (
            "exactement un fichier, un lien, une note ou un élément de l"
            in browser.contents
        )
        transaction.begin()
        assert not api.content.find(portal_type="nr_evidence", unrestricted=True)
        assert date.today()
