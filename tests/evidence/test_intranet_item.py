"""Intranet items as evidence (issue #13, the core): the fourth kind of content,
its pin at approval, staleness through events, readiness, re-approval, rejection,
the audit freeze and the mails.

The test site speaks French, as make start's does.
"""

from collective.nrlabel.content.evidence import IEvidence
from collective.nrlabel.evidence.intranet import evidence_pinning
from collective.nrlabel.evidence.intranet import intranet_item
from collective.nrlabel.evidence.intranet import is_stale
from collective.nrlabel.evidence.intranet import PIN_COMMENT
from collective.nrlabel.evidence.intranet import pin_of
from collective.nrlabel.evidence.intranet import pinned_copy
from collective.nrlabel.evidence.intranet import pinned_version
from collective.nrlabel.evidence.intranet import stale_of
from collective.nrlabel.evidence.rules import IntranetItemRefused
from collective.nrlabel.evidence.rules import transition_refusal
from collective.nrlabel.readiness import readiness
from datetime import date
from nr_setup import add_audit
from nr_setup import add_evidence
from nr_setup import audit_transition
from nr_setup import body
from nr_setup import evidence_json
from nr_setup import http
from nr_setup import mails
from nr_setup import PASSWORD
from nr_setup import relation
from nr_setup import subject
from nr_setup import transition
from plone import api
from plone.app.textfield.value import RichTextValue
from plone.namedfile.file import NamedBlobFile
from plone.testing.zope import Browser
from Products.CMFCore.WorkflowCore import WorkflowException
from zope.event import notify
from zope.interface import Invalid
from zope.lifecycleevent import Attributes
from zope.lifecycleevent import ObjectModifiedEvent

import hashlib
import pytest
import transaction


PAGE_TEXT = "<p>Politique numérique responsable, version 1.</p>"
FILE_BYTES = b"%PDF-1.4 rapport annuel v1 " + b"x" * 3000


def build_intranet(portal):
    """An intranet folder with a published page and a file, and an archive."""
    with api.env.adopt_roles(["Manager"]):
        folder = api.content.create(
            container=portal, type="Folder", id="intranet", title="Intranet"
        )
        archive = api.content.create(
            container=portal, type="Folder", id="archive", title="Archive"
        )
        page = api.content.create(
            container=folder,
            type="Document",
            id="policy",
            title="Politique NR",
            text=RichTextValue(PAGE_TEXT, "text/html", "text/html"),
        )
        report = api.content.create(
            container=folder,
            type="File",
            id="report",
            title="Rapport annuel",
            file=NamedBlobFile(
                FILE_BYTES, filename="rapport.pdf", contentType="application/pdf"
            ),
        )
        for obj in (folder, archive, page):
            api.content.transition(obj, "publish")
    return {"folder": folder, "archive": archive, "page": page, "report": report}


@pytest.fixture
def intranet(portal, programme):
    return build_intranet(portal)


@pytest.fixture
def criterion(programme):
    return programme["1"]["1.1"]["1.1.1"]


def intranet_evidence(criterion, item, state="approved", title="Politique (intranet)"):
    evidence = add_evidence(
        criterion, title=title, file=None, intranet_item=relation(item)
    )
    if state in ("pending", "approved"):
        transition(evidence, "author", "submit")
    if state == "approved":
        transition(evidence, "reviewer", "approve")
    return evidence


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def edit_text(page, text):
    with api.env.adopt_roles(["Manager"]):
        page.text = RichTextValue(text, "text/html", "text/html")
        notify(ObjectModifiedEvent(page, Attributes(IEvidence, "IRichText.text")))


# -- The fourth kind of content --------------------------------------------------


class Data:
    def __init__(self, **fields):
        self.__dict__.update(fields)


class TestExclusive:
    @pytest.mark.parametrize("other", ["file", "link", "note"])
    def test_intranet_item_and_another_content_is_refused(
        self, intranet, other, portal
    ):
        values = {
            "file": NamedBlobFile(b"%PDF", filename="a.pdf"),
            "link": "https://example.org",
            "note": RichTextValue("<p>x</p>"),
        }
        data = Data(intranet_item=intranet["page"], **{other: values[other]})
        with pytest.raises(Invalid) as raised:
            IEvidence.validateInvariants(data)
        message = api.portal.translate(raised.value.args[0], lang="fr")
        assert "un élément de l'intranet" in message

    def test_intranet_item_alone_is_enough(self, intranet):
        IEvidence.validateInvariants(Data(intranet_item=intranet["page"]))

    def test_an_item_inside_a_programme_is_refused(self, intranet, criterion):
        other = add_evidence(criterion, title="Autre preuve")
        field = IEvidence["intranet_item"]
        with pytest.raises(IntranetItemRefused) as raised:
            field.constraint(other)
        assert "programme" in api.portal.translate(raised.value.doc(), lang="fr")
        with pytest.raises(IntranetItemRefused):
            field.constraint(criterion)

    def test_the_site_itself_is_refused(self, portal):
        with pytest.raises(IntranetItemRefused):
            IEvidence["intranet_item"].constraint(portal)


# -- Pinned at approval -----------------------------------------------------------


class TestPin:
    def test_approval_pins_version_date_and_text_digest(self, intranet, criterion):
        page = intranet["page"]
        evidence = intranet_evidence(criterion, page)
        pinned = pin_of(evidence)
        assert pinned is not None
        assert pinned.uid == page.UID()
        assert pinned.path == "intranet/policy"
        assert pinned.portal_type == "Document"
        assert pinned.version_id == page.version_id
        assert pinned.modified == page.modified().ISO8601()
        assert pinned.sha256 == sha(PAGE_TEXT.encode("utf-8"))
        assert pinned.size == len(PAGE_TEXT.encode("utf-8"))
        assert pinned_copy(evidence) is None  # the version repository has it
        assert not is_stale(evidence)
        assert intranet_item(evidence) == page

    def test_unsaved_changes_are_saved_as_a_version_first(self, intranet, criterion):
        page = intranet["page"]
        evidence = intranet_evidence(criterion, page, state="pending")
        # Changed without an edit form: no version of it yet.
        page.text = RichTextValue("<p>Version 2</p>", "text/html", "text/html")
        page.notifyModified()
        before = page.version_id
        transition(evidence, "reviewer", "approve")
        pinned = pin_of(evidence)
        assert pinned.version_id == page.version_id > before
        repository = api.portal.get_tool("portal_repository")
        with api.env.adopt_roles(["Manager"]):
            history = repository.getHistoryMetadata(page)
            meta = history.retrieve(pinned.version_id)["metadata"]
        assert meta["sys_metadata"]["comment"] == PIN_COMMENT
        assert pinned.sha256 == sha(b"<p>Version 2</p>")
        assert pinned_version(evidence).text.raw == "<p>Version 2</p>"

    def test_a_file_is_pinned_by_the_digest_of_its_bytes(self, intranet, criterion):
        evidence = intranet_evidence(criterion, intranet["report"])
        pinned = pin_of(evidence)
        assert pinned.sha256 == sha(FILE_BYTES)
        assert pinned.size == len(FILE_BYTES)
        assert pinned.version_id is None  # File is not versionable on this site
        # So the approved bytes are kept: a replaced file would be lost.
        assert pinned_copy(evidence).data == FILE_BYTES
        with api.env.adopt_roles(["Manager"]):
            intranet["report"].file = NamedBlobFile(b"%PDF v2", filename="v2.pdf")
        assert pinned_copy(evidence).data == FILE_BYTES
        assert pinned_copy(evidence).filename == "rapport.pdf"

    def test_a_folder_is_pinned_by_its_title_and_description(self, intranet, criterion):
        folder = intranet["archive"]
        evidence = intranet_evidence(criterion, folder)
        assert pin_of(evidence).sha256 == sha(b"Archive\n")

    def test_file_link_and_note_evidence_is_not_pinned(self, intranet, criterion):
        evidence = add_evidence(criterion)
        transition(evidence, "author", "submit")
        transition(evidence, "reviewer", "approve")
        assert pin_of(evidence) is None
        assert not is_stale(evidence)


# -- Stale at once, through events ---------------------------------------------------


def catalogued_stale(evidence):
    [brain] = api.content.find(UID=evidence.UID(), unrestricted=True)
    return brain.nr_stale, brain.nr_stale_since


class TestStale:
    def test_editing_the_text_makes_a_new_version_and_stale(self, intranet, criterion):
        page = intranet["page"]
        evidence = intranet_evidence(criterion, page)
        edit_text(page, "<p>Version 2</p>")
        assert page.version_id != pin_of(evidence).version_id
        assert stale_of(evidence).reason == "new_version"
        assert catalogued_stale(evidence)[0] == "new_version"
        assert catalogued_stale(evidence)[1] == stale_of(evidence).since

    def test_editing_a_file_title_is_an_edit(self, intranet, criterion):
        report = intranet["report"]
        evidence = intranet_evidence(criterion, report)
        with api.env.adopt_roles(["Manager"]):
            report.title = "Rapport annuel 2026"
            notify(ObjectModifiedEvent(report))
        assert stale_of(evidence).reason == "edited"

    def test_replacing_the_file(self, intranet, criterion):
        report = intranet["report"]
        evidence = intranet_evidence(criterion, report)
        with api.env.adopt_roles(["Manager"]):
            report.file = NamedBlobFile(b"%PDF v2", filename="rapport-v2.pdf")
            notify(ObjectModifiedEvent(report, Attributes(IEvidence, "file")))
        assert stale_of(evidence).reason == "file_replaced"

    def test_moving(self, intranet, criterion):
        evidence = intranet_evidence(criterion, intranet["page"])
        with api.env.adopt_roles(["Manager"]):
            api.content.move(source=intranet["page"], target=intranet["archive"])
        assert stale_of(evidence).reason == "moved"
        assert pin_of(evidence).path == "intranet/policy"  # what was approved

    def test_renaming(self, intranet, criterion):
        evidence = intranet_evidence(criterion, intranet["page"])
        with api.env.adopt_roles(["Manager"]):
            api.content.rename(obj=intranet["page"], new_id="policy-2026")
        assert stale_of(evidence).reason == "renamed"

    def test_moving_the_folder_above(self, intranet, criterion):
        evidence = intranet_evidence(criterion, intranet["page"])
        with api.env.adopt_roles(["Manager"]):
            api.content.rename(obj=intranet["folder"], new_id="intranet-old")
        assert stale_of(evidence).reason == "moved"

    def test_retracting(self, intranet, criterion):
        evidence = intranet_evidence(criterion, intranet["page"])
        with api.env.adopt_roles(["Manager"]):
            api.content.transition(intranet["page"], "retract")
        assert stale_of(evidence).reason == "retracted"

    def test_making_private(self, intranet, criterion):
        evidence = intranet_evidence(criterion, intranet["page"])
        with api.env.adopt_roles(["Manager"]):
            api.content.transition(obj=intranet["page"], to_state="private")
        assert stale_of(evidence).reason in ("retracted", "made_private")
        assert is_stale(evidence)

    def test_deleting(self, intranet, criterion):
        evidence = intranet_evidence(criterion, intranet["page"])
        with api.env.adopt_roles(["Manager"]):
            api.content.delete(intranet["page"], check_linkintegrity=False)
        assert stale_of(evidence).reason == "deleted"
        assert intranet_item(evidence) is None
        assert pin_of(evidence).title == "Politique NR"
        # CMFEditions purged the history: the pinned version was kept first.
        copy = pinned_copy(evidence)
        assert copy.data == PAGE_TEXT.encode("utf-8")
        assert sha(copy.data) == pin_of(evidence).sha256
        assert copy.filename == "policy.html"

    def test_first_change_is_the_date_latest_is_the_reason(self, intranet, criterion):
        evidence = intranet_evidence(criterion, intranet["page"])
        edit_text(intranet["page"], "<p>v2</p>")
        since = stale_of(evidence).since
        with api.env.adopt_roles(["Manager"]):
            api.content.delete(intranet["page"], check_linkintegrity=False)
        stale = stale_of(evidence)
        assert stale.since == since
        assert stale.reason == "deleted"
        assert stale.reasons == ("new_version", "deleted")

    def test_only_approved_evidence_goes_stale(self, intranet, criterion):
        pending = intranet_evidence(criterion, intranet["page"], state="pending")
        edit_text(intranet["page"], "<p>v2</p>")
        assert not is_stale(pending)
        assert evidence_pinning(intranet["page"]) == []

    def test_other_items_do_not_touch_the_evidence(self, intranet, criterion):
        evidence = intranet_evidence(criterion, intranet["page"])
        with api.env.adopt_roles(["Manager"]):
            intranet["report"].title = "Autre"
            notify(ObjectModifiedEvent(intranet["report"]))
        assert not is_stale(evidence)


# -- Readiness -------------------------------------------------------------------------


def row(result, code="1.1.1"):
    return next(c for c in result.criteria if c.code == code)


class TestReadiness:
    def test_stale_approved_evidence_is_amber_with_counts(
        self, intranet, criterion, programme
    ):
        evidence = intranet_evidence(criterion, intranet["page"])
        assert row(readiness(programme)).light == "green"
        edit_text(intranet["page"], "<p>v2</p>")
        result = readiness(programme)
        assert row(result).light == "amber"
        assert row(result).stale == 1
        assert row(result).approved == 1
        data = result.as_dict()
        entry = next(c for c in data["criteria"] if c["code"] == "1.1.1")
        assert entry["stale_evidence"] == 1
        [stale] = data["stale_evidence"]
        assert stale["@id"] == evidence.absolute_url()
        assert stale["title"] == "Politique (intranet)"
        assert stale["reason"] == "new_version"
        assert stale["since"] == stale_of(evidence).since

    def test_other_valid_evidence_still_covers(self, intranet, criterion, programme):
        intranet_evidence(criterion, intranet["page"])
        other = add_evidence(criterion, title="Charte signée")
        transition(other, "author", "submit")
        transition(other, "reviewer", "approve")
        edit_text(intranet["page"], "<p>v2</p>")
        assert row(readiness(programme)).light == "green"
        assert row(readiness(programme)).stale == 1


# -- Re-approve, reject, the freeze ------------------------------------------------------


def transitions_for(evidence, user_id):
    with api.env.adopt_user(username=user_id):
        workflow = api.portal.get_tool("portal_workflow")
        return {t["id"] for t in workflow.getTransitionsFor(evidence)}


class TestReview:
    def test_reapprove_is_offered_only_when_stale(self, intranet, criterion):
        evidence = intranet_evidence(criterion, intranet["page"])
        assert "reapprove" not in transitions_for(evidence, "reviewer")
        assert "reject" not in transitions_for(evidence, "reviewer")
        with api.env.adopt_user(username="reviewer"):
            refusal = transition_refusal(evidence, "reapprove")
        assert "n'a pas changé" in api.portal.translate(refusal.reason, lang="fr")
        edit_text(intranet["page"], "<p>v2</p>")
        assert {"reapprove", "reject"} <= transitions_for(evidence, "reviewer")
        assert "reapprove" not in transitions_for(evidence, "author")
        assert "reapprove" not in transitions_for(evidence, "reader")

    def test_reapprove_pins_the_new_version(self, intranet, criterion, programme):
        page = intranet["page"]
        evidence = intranet_evidence(criterion, page)
        old = pin_of(evidence)
        edit_text(page, "<p>Version 2</p>")
        transition(evidence, "reviewer2", "reapprove")
        new = pin_of(evidence)
        assert api.content.get_state(evidence) == "approved"
        assert new.version_id == page.version_id != old.version_id
        assert new.sha256 == sha(b"<p>Version 2</p>")
        assert not is_stale(evidence)
        assert catalogued_stale(evidence) == (None, None)
        assert row(readiness(programme)).light == "green"

    def test_the_author_may_not_reapprove(self, intranet, criterion):
        evidence = intranet_evidence(criterion, intranet["page"])
        edit_text(intranet["page"], "<p>v2</p>")
        with pytest.raises(WorkflowException):
            transition(evidence, "author", "reapprove")

    def test_an_administrator_reapproval_is_an_override_in_the_history(
        self, intranet, criterion
    ):
        evidence = intranet_evidence(criterion, intranet["page"])
        edit_text(intranet["page"], "<p>v2</p>")
        transition(evidence, "manager", "reapprove", comment="Vu")
        entry = evidence.workflow_history["nr_evidence_workflow"][-1]
        assert (entry["action"], entry["actor"]) == ("reapprove", "manager")
        assert entry["comments"].startswith("Vu — ")
        assert "Administrat" in entry["comments"]  # "Administrator override" / fr

    def test_a_reviewer_reapproval_is_not_an_override(self, intranet, criterion):
        evidence = intranet_evidence(criterion, intranet["page"])
        edit_text(intranet["page"], "<p>v2</p>")
        transition(evidence, "reviewer2", "reapprove", comment="Vu")
        entry = evidence.workflow_history["nr_evidence_workflow"][-1]
        assert entry["comments"] == "Vu"

    def test_reject_stale_evidence_with_a_reason(self, intranet, criterion):
        evidence = intranet_evidence(criterion, intranet["page"])
        edit_text(intranet["page"], "<p>v2</p>")
        with pytest.raises(WorkflowException):
            transition(evidence, "reviewer", "reject")
        transition(evidence, "reviewer", "reject", comment="La page a changé")
        assert api.content.get_state(evidence) == "rejected"
        assert catalogued_stale(evidence)[0] is None

    def test_freeze_keeps_the_pin_and_refuses_reapproval(
        self, intranet, criterion, programme, clock
    ):
        clock(date(2026, 12, 1))
        page = intranet["page"]
        evidence = intranet_evidence(criterion, page)
        pinned = pin_of(evidence)
        audit = add_audit(programme, date(2026, 11, 20), date(2026, 12, 29))
        audit_transition(audit, "start_audit")
        edit_text(page, "<p>Version 2</p>")
        assert stale_of(evidence).reason == "new_version"  # recorded
        assert pin_of(evidence) == pinned  # the auditor's version
        assert "reapprove" not in transitions_for(evidence, "reviewer")
        with api.env.adopt_user(username="reviewer"):
            refusal = transition_refusal(evidence, "reapprove")
        assert refusal.kind == "forbidden"
        assert "l'auditeur" in api.portal.translate(refusal.reason, lang="fr")
        with pytest.raises(WorkflowException):
            transition(evidence, "reviewer", "reapprove")
        assert pin_of(evidence) == pinned


# -- Over HTTP: forms, REST, readiness endpoint, mails -----------------------------------


@pytest.fixture
def functional_intranet(functional_portal, functional_programme):
    items = build_intranet(functional_portal)
    transaction.commit()
    return items


def evidence_count():
    transaction.begin()
    return len(api.content.find(portal_type="nr_evidence", unrestricted=True))


class TestRest:
    def post(self, criterion, user_id="editor", **fields):
        return http(
            "POST",
            criterion.absolute_url(),
            user_id,
            json=evidence_json(**fields),
        )

    def test_a_uid(self, functional_criterion, functional_intranet):
        page = functional_intranet["page"]
        response = self.post(functional_criterion, intranet_item=page.UID())
        assert response.status_code == 201, response.text
        transaction.begin()
        evidence = api.content.get(path=response.json()["@id"].split("/plone")[-1])
        assert intranet_item(evidence).UID() == page.UID()
        assert evidence_pinning(page) == []  # not approved yet

    @pytest.mark.parametrize("form", ["path", "url"])
    def test_a_path_or_a_url(self, functional_criterion, functional_intranet, form):
        page = functional_intranet["page"]
        value = "/intranet/policy" if form == "path" else page.absolute_url()
        response = self.post(functional_criterion, intranet_item=value)
        assert response.status_code == 201, response.text
        transaction.begin()
        [brain] = api.content.find(portal_type="nr_evidence", unrestricted=True)
        assert intranet_item(brain._unrestrictedGetObject()).UID() == page.UID()

    def test_with_a_link_too_is_a_400(self, functional_criterion, functional_intranet):
        response = self.post(
            functional_criterion,
            intranet_item=functional_intranet["page"].UID(),
            link="https://example.org",
        )
        assert response.status_code == 400
        assert "exactement un fichier" in response.text
        assert evidence_count() == 0

    def test_an_item_of_a_programme_is_a_400(
        self, functional_criterion, functional_intranet
    ):
        other = functional_criterion.__parent__["1.1.2"]
        response = self.post(functional_criterion, intranet_item=other.UID())
        assert response.status_code == 400
        assert "programme" in response.text
        assert evidence_count() == 0

    def test_an_item_the_editor_cannot_view_is_a_400(
        self, functional_portal, functional_criterion, functional_intranet
    ):
        with api.env.adopt_roles(["Manager"]):
            secret = api.content.create(
                container=functional_intranet["folder"], type="Document", id="secret"
            )
        transaction.commit()
        response = self.post(functional_criterion, intranet_item=secret.UID())
        assert response.status_code == 400
        assert evidence_count() == 0


class TestForm:
    def test_field_shown_with_the_others_and_exclusive(
        self, functional_app, functional_criterion, functional_intranet
    ):
        browser = Browser(functional_app)
        browser.handleErrors = False
        browser.raiseHttpErrors = False
        browser.addHeader("Authorization", f"Basic editor:{PASSWORD}")
        browser.open(f"{functional_criterion.absolute_url()}/++add++nr_evidence")
        html = browser.contents
        order = [html.index(f'id="formfield-form-widgets-{n}"') for n in FIELDS]
        assert order == sorted(order)
        assert "pat-contentbrowser" in html
        browser.getControl(name="form.widgets.IBasic.title").value = "Deux contenus"
        browser.getControl(name="form.widgets.document_date").value = "2026-01-10"
        browser.getControl(name="form.widgets.link").value = "https://example.org/r"
        browser.getControl(
            name="form.widgets.intranet_item"
        ).value = functional_intranet["page"].UID()
        browser.getControl(name="form.buttons.save").click()
        assert "un élément de l'intranet" in browser.contents
        assert evidence_count() == 0

    def test_saved_with_the_intranet_item_only(
        self, functional_app, functional_criterion, functional_intranet
    ):
        browser = Browser(functional_app)
        browser.raiseHttpErrors = False
        browser.addHeader("Authorization", f"Basic editor:{PASSWORD}")
        browser.open(f"{functional_criterion.absolute_url()}/++add++nr_evidence")
        browser.getControl(name="form.widgets.IBasic.title").value = "Politique"
        browser.getControl(name="form.widgets.document_date").value = "2026-01-10"
        browser.getControl(
            name="form.widgets.intranet_item"
        ).value = functional_intranet["page"].UID()
        browser.getControl(name="form.buttons.save").click()
        assert evidence_count() == 1
        [brain] = api.content.find(portal_type="nr_evidence", unrestricted=True)
        item = intranet_item(brain._unrestrictedGetObject())
        assert item.UID() == functional_intranet["page"].UID()


FIELDS = ("file", "link", "note", "intranet_item", "IBasic-title")


class TestOverHttp:
    def test_readiness_endpoint_counts_stale_evidence(
        self, functional_programme, functional_criterion, functional_intranet
    ):
        page = functional_intranet["page"]
        evidence = intranet_evidence(functional_criterion, page)
        edit_text(page, "<p>v2</p>")
        transaction.commit()
        response = http(
            "GET", f"{functional_programme.absolute_url()}/@nr-readiness", "lead"
        )
        assert response.status_code == 200
        data = response.json()
        entry = next(c for c in data["criteria"] if c["code"] == "1.1.1")
        assert entry["light"] == "amber"
        assert entry["stale_evidence"] == 1
        [stale] = data["stale_evidence"]
        assert stale["@id"] == evidence.absolute_url()
        assert stale["reason"] == "new_version"

    def test_reapprove_over_rest(self, functional_criterion, functional_intranet):
        page = functional_intranet["page"]
        evidence = intranet_evidence(functional_criterion, page)
        edit_text(page, "<p>v2</p>")
        transaction.commit()
        url = f"{evidence.absolute_url()}/@workflow/reapprove"
        response = http("POST", url, "reviewer2")
        assert response.status_code == 200, response.text
        transaction.begin()
        assert not is_stale(evidence)
        assert pin_of(evidence).sha256 == sha(b"<p>v2</p>")

    def test_the_approver_and_the_submitter_get_a_mail(
        self, functional_portal, functional_criterion, functional_intranet
    ):
        page = functional_intranet["page"]
        evidence = intranet_evidence(functional_criterion, page)
        transaction.commit()
        mailhost = functional_portal.MailHost
        mailhost.reset()
        edit_text(page, "<p>v2</p>")
        assert mailhost.messages == []  # after commit only
        transaction.commit()
        messages = mails(mailhost)
        assert sorted(m["To"] for m in messages) == [
            "author@example.org",
            "reviewer@example.org",
        ]
        assert "1.1.1" in subject(messages[0])
        text = body(messages[0])
        assert evidence.absolute_url() in text
        assert "Nouvelle version depuis l'approbation" in text
        # A second change is not mailed again.
        mailhost.reset()
        edit_text(page, "<p>v3</p>")
        transaction.commit()
        assert mailhost.messages == []
