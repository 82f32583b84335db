"""Hostile and careless input on evidence, over HTTP (hardening, defects 1, 9, 11,
12 and 15): each answered by a clear 4xx message in French (the test site's
language), never a 500, and nothing half-written (content counted before/after).
"""

from datetime import date
from functools import partial
from nr_setup import add_audit
from nr_setup import add_evidence
from nr_setup import audit_transition
from nr_setup import evidence_in_state
from nr_setup import file_payload
from nr_setup import PASSWORD
from nr_setup import rest_session
from nr_setup import transition
from plone import api
from plone.testing.zope import Browser

import base64
import nr_setup
import pytest
import transaction


# This file's evidence is a report.
evidence_json = partial(nr_setup.evidence_json, title="Rapport RSE", kind="report")


def count(criterion):
    transaction.begin()
    return len(criterion.objectIds())


def message(response):
    body = response.json()
    return body.get("message") or body.get("error", {}).get("message", "")


UNSAFE_LINKS = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://ftp.example.org/rapport.pdf",
    "mailto:nobody",
]


class TestLinks:
    @pytest.mark.parametrize("link", UNSAFE_LINKS)
    def test_unsafe_link_refused_over_rest(self, functional_criterion, link):
        before = count(functional_criterion)
        response = rest_session("editor").post(
            functional_criterion.absolute_url(), json=evidence_json(link=link)
        )
        assert response.status_code == 400, response.text[:500]
        assert count(functional_criterion) == before

    def test_refusal_names_what_is_accepted(self, functional_criterion):
        response = rest_session("editor").post(
            functional_criterion.absolute_url(),
            json=evidence_json(link="javascript:alert(1)"),
        )
        assert "Seules les adresses web" in message(response)

    @pytest.mark.parametrize(
        "link",
        ["https://intranet.example.org/rse", "http://example.org/a", "mailto:rse@x.fr"],
    )
    def test_safe_links_accepted(self, functional_criterion, link):
        response = rest_session("editor").post(
            functional_criterion.absolute_url(), json=evidence_json(link=link)
        )
        assert response.status_code == 201, response.text[:500]

    def test_patch_to_unsafe_link_refused(self, functional_criterion):
        evidence = add_evidence(
            functional_criterion, file=None, link="https://example.org/rapport"
        )
        transaction.commit()
        response = rest_session("author").patch(
            evidence.absolute_url(), json={"link": "javascript:alert(1)"}
        )
        assert response.status_code == 400
        transaction.begin()
        assert evidence.link == "https://example.org/rapport"

    def test_add_form_refuses_unsafe_link(self, functional_app, functional_criterion):
        before = count(functional_criterion)
        browser = Browser(functional_app)
        browser.handleErrors = False
        browser.addHeader("Authorization", f"Basic editor:{PASSWORD}")
        browser.open(f"{functional_criterion.absolute_url()}/++add++nr_evidence")
        browser.getControl(name="form.widgets.IBasic.title").value = "Lien piégé"
        browser.getControl(name="form.widgets.document_date").value = "2026-01-10"
        browser.getControl(name="form.widgets.link").value = "javascript:alert(1)"
        browser.getControl(name="form.buttons.save").click()
        assert "Seules les adresses web" in browser.contents
        assert count(functional_criterion) == before

    def test_stored_unsafe_link_is_never_a_live_link(
        self, functional_app, functional_criterion
    ):
        evidence = add_evidence(
            functional_criterion, file=None, link="https://example.org/"
        )
        # As stored by an earlier version, which did not check schemes.
        evidence.link = "javascript:alert(document.cookie)"
        transaction.commit()
        browser = Browser(functional_app)
        browser.addHeader("Authorization", f"Basic lead:{PASSWORD}")
        browser.open(evidence.absolute_url())
        assert 'href="javascript:' not in browser.contents
        assert "javascript:alert(document.cookie)" in browser.contents  # as text


class TestFiles:
    @pytest.mark.parametrize(
        "filename", ["setup.exe", "macro.js", "rapport.pdf.bat", "sans-extension"]
    )
    def test_file_type_outside_the_allow_list(self, functional_criterion, filename):
        before = count(functional_criterion)
        response = rest_session("editor").post(
            functional_criterion.absolute_url(),
            json=evidence_json(
                file=file_payload(b"MZ\x90\x00", filename, "application/octet-stream")
            ),
        )
        assert response.status_code == 400, response.text[:500]
        assert "ne sont pas acceptés" in message(response)
        assert "pdf" in message(response)  # names the accepted types
        assert count(functional_criterion) == before

    def test_allow_list_is_a_setting(self, functional_criterion):
        api.portal.set_registry_record(
            "collective.nrlabel.allowed_extensions", ["pdf", "exe"]
        )
        transaction.commit()
        response = rest_session("editor").post(
            functional_criterion.absolute_url(),
            json=evidence_json(file=file_payload(b"MZ", "outil.exe")),
        )
        assert response.status_code == 201

    def test_empty_file_is_called_empty(self, functional_criterion):
        before = count(functional_criterion)
        response = rest_session("editor").post(
            functional_criterion.absolute_url(),
            json=evidence_json(file=file_payload(b"", "rapport.pdf")),
        )
        assert response.status_code == 400
        assert "Le fichier est vide" in message(response)
        assert count(functional_criterion) == before

    def test_tus_upload_refused_for_evidence(self, functional_criterion):
        before = count(functional_criterion)
        metadata = ",".join(
            f"{key} {base64.b64encode(value.encode()).decode()}"
            for key, value in (
                ("filename", "rapport.pdf"),
                ("content-type", "application/pdf"),
                ("@type", "nr_evidence"),
            )
        )
        response = rest_session("editor").post(
            f"{functional_criterion.absolute_url()}/@tus-upload",
            headers={
                "Tus-Resumable": "1.0.0",
                "Upload-Length": "8",
                "Upload-Metadata": metadata,
            },
        )
        assert response.status_code == 400
        assert "TUS" in message(response)
        assert count(functional_criterion) == before

    def test_tus_replace_refused_for_evidence(self, functional_criterion):
        evidence = add_evidence(functional_criterion)
        transaction.commit()
        response = rest_session("author").post(
            f"{evidence.absolute_url()}/@tus-replace",
            headers={"Tus-Resumable": "1.0.0", "Upload-Length": "8"},
        )
        assert response.status_code == 400
        transaction.begin()
        assert evidence.file.filename == "politique.pdf"


class TestSegregationOfDuties:
    def test_a_lead_who_edited_a_draft_cannot_approve_it(self, functional_criterion):
        evidence = add_evidence(functional_criterion, user_id="author")
        transaction.commit()
        edited = rest_session("lead").patch(
            evidence.absolute_url(), json={"title": "Politique NR (revue)"}
        )
        assert edited.status_code == 204
        transaction.begin()
        transition(evidence, "author", "submit")
        transaction.commit()

        refused = rest_session("lead").post(
            f"{evidence.absolute_url()}/@workflow/approve"
        )
        assert refused.status_code == 403
        assert "modifiée" in message(refused) or "modifié" in message(refused)
        transaction.begin()
        assert api.content.get_state(evidence) == "pending"

        approved = rest_session("reviewer").post(
            f"{evidence.absolute_url()}/@workflow/approve"
        )
        assert approved.status_code == 200


class TestMessagesInTheUsersLanguage:
    def test_wrong_state_names_state_and_transition_in_french(
        self, functional_criterion
    ):
        evidence = evidence_in_state(functional_criterion, "approved")
        transaction.commit()
        # "Revise" only brings *rejected* evidence back to draft.
        response = rest_session("author").post(
            f"{evidence.absolute_url()}/@workflow/revise"
        )
        assert response.status_code == 400
        text = message(response)
        assert "Approuvée" in text and "Réviser" in text, text
        assert "Approved" not in text and "Revise" not in text
        transaction.begin()
        assert api.content.get_state(evidence) == "approved"

    def test_auditor_reopen_is_not_allowed_not_frozen(self, functional_criterion):
        programme = functional_criterion.__parent__.__parent__.__parent__
        evidence = evidence_in_state(functional_criterion, "approved")
        audit = add_audit(
            programme, date(2026, 1, 1), date(2099, 12, 31), auditors=("auditor",)
        )
        audit_transition(audit, "start_audit")
        transaction.commit()
        response = rest_session("auditor").post(
            f"{evidence.absolute_url()}/@workflow/reopen"
        )
        assert response.status_code == 403
        assert "Un audit est en cours" not in message(response)  # not the freeze
        assert "ne peut pas" in message(response)
