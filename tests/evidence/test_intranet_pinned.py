"""Intranet evidence on screen, through @@nr-pinned and in the audit pack
(issue #13): the pinned version is what people read, never today's item, and
nobody learns the title of an item they may not open.

Over HTTP on the functional layer; the site speaks French.
"""

from collective.nrlabel.audit.pack import MANIFEST_FIELDS
from collective.nrlabel.content.evidence import IEvidence
from collective.nrlabel.evidence.intranet import COPY_KEY
from collective.nrlabel.evidence.intranet import pin_of
from datetime import date
from nr_setup import add_audit
from nr_setup import add_evidence
from nr_setup import audit_transition
from nr_setup import PASSWORD
from nr_setup import relation
from nr_setup import transition
from plone import api
from plone.app.textfield.value import RichTextValue
from plone.namedfile.file import NamedBlobFile
from zope.annotation.interfaces import IAnnotations
from zope.event import notify
from zope.lifecycleevent import Attributes
from zope.lifecycleevent import ObjectModifiedEvent

import csv
import hashlib
import io
import pytest
import requests
import transaction
import zipfile


PAGE_TEXT = "<p>Politique numérique responsable, version 1.</p>"
FILE_BYTES = b"%PDF-1.4 rapport annuel v1 " + b"x" * 3000
SECRET_TITLE = "Rapport confidentiel du comité"


@pytest.fixture
def intranet(functional_portal, functional_programme):
    """A published policy page and, in a private folder, a file (no workflow:
    only Managers open it)."""
    with api.env.adopt_roles(["Manager"]):
        folder = api.content.create(
            container=functional_portal, type="Folder", id="intranet", title="Intranet"
        )
        page = api.content.create(
            container=folder,
            type="Document",
            id="policy",
            title="Politique NR",
            text=RichTextValue(PAGE_TEXT, "text/html", "text/html"),
        )
        confidential = api.content.create(
            container=functional_portal, type="Folder", id="confidential"
        )
        report = api.content.create(
            container=confidential,
            type="File",
            id="report",
            title=SECRET_TITLE,
            file=NamedBlobFile(
                FILE_BYTES, filename="rapport.pdf", contentType="application/pdf"
            ),
        )
        api.content.transition(folder, "publish")
        api.content.transition(page, "publish")
    transaction.commit()
    return {"folder": folder, "page": page, "report": report}


def approved(criterion, item, title):
    evidence = add_evidence(
        criterion, title=title, file=None, intranet_item=relation(item)
    )
    transition(evidence, "author", "submit")
    transition(evidence, "reviewer", "approve")
    transaction.commit()
    return evidence


def get(url, user, **kwargs):
    return requests.get(
        url, auth=(user, PASSWORD) if user else None, timeout=60, **kwargs
    )


def sha(data):
    return hashlib.sha256(data).hexdigest()


def edit_text(page, text):
    with api.env.adopt_roles(["Manager"]):
        page.text = RichTextValue(text, "text/html", "text/html")
        notify(ObjectModifiedEvent(page, Attributes(IEvidence, "IRichText.text")))
    transaction.commit()


def replace_file(report, data):
    with api.env.adopt_roles(["Manager"]):
        report.file = NamedBlobFile(data, filename="rapport-v2.pdf")
        notify(ObjectModifiedEvent(report, Attributes(IEvidence, "file")))
    transaction.commit()


class TestEvidencePage:
    def test_version_date_and_sha256(self, functional_criterion, intranet):
        page = intranet["page"]
        evidence = approved(functional_criterion, page, "Politique (intranet)")
        pinned = pin_of(evidence)
        html = get(evidence.absolute_url(), "lead").text
        assert f"Version {pinned.version_id + 1} approuvée de" in html
        assert f'href="{page.absolute_url()}"' in html
        assert pinned.sha256 in html
        assert "nr-pinned" in html
        assert "nr-stale" not in html

    def test_stale_alert_after_an_edit(self, functional_criterion, intranet):
        page = intranet["page"]
        evidence = approved(functional_criterion, page, "Politique (intranet)")
        edit_text(page, "<p>Version 2</p>")
        html = get(evidence.absolute_url(), "lead").text
        assert "Modifiée depuis l'approbation" in html
        assert "Nouvelle version depuis l'approbation" in html
        # Plone's history needs "Access previous versions" on the item: the lead
        # has no such right on this page, the manager has.
        assert f"{page.absolute_url()}/@@history" not in html
        criterion_page = get(functional_criterion.absolute_url(), "lead").text
        assert "nr-badge-stale" in criterion_page
        assert f"{page.absolute_url()}/@@history" not in criterion_page
        for url in (evidence.absolute_url(), functional_criterion.absolute_url()):
            assert f"{page.absolute_url()}/@@history" in get(url, "manager").text

    def test_dashboard_says_changed_since_approval(
        self, functional_programme, functional_criterion, intranet
    ):
        page = intranet["page"]
        approved(functional_criterion, page, "Politique (intranet)")
        url = f"{functional_programme.absolute_url()}/@@nr-dashboard"
        assert "nr-badge-stale" not in get(url, "lead").text
        edit_text(page, "<p>Version 2</p>")
        html = get(url, "lead").text
        assert "nr-badge-stale" in html
        assert "Modifiée depuis l'approbation" in html

    def test_a_colleague_without_view_does_not_learn_the_title(
        self, functional_criterion, intranet
    ):
        report = intranet["report"]
        evidence = approved(functional_criterion, report, "Preuve du comité")
        for user in ("reader", "editor"):
            response = get(evidence.absolute_url(), user)
            assert response.status_code == 200
            assert "Preuve du comité" in response.text
            assert SECRET_TITLE not in response.text
            assert report.absolute_url() not in response.text
            assert "un document de l'intranet que vous ne pouvez pas ouvrir" in (
                response.text
            )
            # Nor its approved bytes: no link, and the view refuses.
            assert "nr-pinned" not in response.text
            pinned = get(
                f"{evidence.absolute_url()}/@@nr-pinned", user, allow_redirects=False
            )
            assert pinned.status_code in (302, 401, 403), user
            assert FILE_BYTES not in pinned.content
        # The manager may open it: the title and its link are there.
        html = get(evidence.absolute_url(), "manager").text
        assert SECRET_TITLE in html
        assert f'href="{report.absolute_url()}"' in html


class TestPinnedDownload:
    def test_the_auditor_reads_the_pinned_version_only(
        self, functional_programme, functional_criterion, intranet, clock
    ):
        clock(date(2026, 12, 1))
        report = intranet["report"]
        evidence = approved(functional_criterion, report, "Preuve du comité")
        audit = add_audit(functional_programme, date(2026, 11, 20), date(2026, 12, 29))
        audit_transition(audit, "start_audit")
        transaction.commit()
        replace_file(report, b"%PDF-1.4 version 2")
        response = get(f"{evidence.absolute_url()}/@@nr-pinned", "auditor")
        assert response.status_code == 200
        assert response.content == FILE_BYTES
        assert sha(response.content) == pin_of(evidence).sha256
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert "comit" in response.headers["Content-Disposition"]  # evidence title
        for url in (report.absolute_url(), f"{report.absolute_url()}/@@history"):
            live = get(url, "auditor", allow_redirects=False)
            assert live.status_code in (302, 401, 403), url
        # The auditor reads the approved version, title included, with no link
        # to the live item.
        page = get(evidence.absolute_url(), "auditor").text
        assert SECRET_TITLE in page
        assert report.absolute_url() not in page
        assert "nr-pinned" in page
        # The read is in the auditor log.
        transaction.begin()
        from collective.nrlabel.audit.downloads import downloads

        [row] = downloads(functional_programme)
        assert row["user"] == "auditor"

    def test_a_page_is_its_pinned_text(self, functional_criterion, intranet):
        page = intranet["page"]
        evidence = approved(functional_criterion, page, "Politique (intranet)")
        edit_text(page, "<p>Version 2</p>")
        response = get(f"{evidence.absolute_url()}/@@nr-pinned", "reader")
        assert response.status_code == 200, response.text
        assert response.content == PAGE_TEXT.encode("utf-8")
        assert sha(response.content) == pin_of(evidence).sha256
        assert response.headers["Content-Type"].startswith("text/html")
        assert response.headers["Content-Disposition"].startswith("attachment")

    def test_a_reviewer_without_view_on_the_item_reads_it(
        self, functional_criterion, intranet
    ):
        """Who approved what they read: the reviewer, whatever the intranet's
        sharing of the item."""
        evidence = approved(functional_criterion, intranet["report"], "Comité")
        response = get(f"{evidence.absolute_url()}/@@nr-pinned", "reviewer")
        assert response.status_code == 200
        assert response.content == FILE_BYTES
        assert SECRET_TITLE in get(evidence.absolute_url(), "reviewer").text

    def test_not_without_view_on_the_evidence(self, functional_criterion, intranet):
        evidence = add_evidence(
            functional_criterion,
            title="Brouillon",
            file=None,
            intranet_item=relation(intranet["page"]),
        )
        transaction.commit()
        response = get(
            f"{evidence.absolute_url()}/@@nr-pinned", "reader", allow_redirects=False
        )
        assert response.status_code in (302, 401, 403)


def pack(programme):
    response = get(f"{programme.absolute_url()}/@@nr-audit-pack", "lead")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    text = archive.read("manifest.csv").decode()
    rows = list(csv.DictReader(io.StringIO(text), fieldnames=MANIFEST_FIELDS))[1:]
    return archive, {row["title"]: row for row in rows}


class TestPack:
    def test_the_pack_holds_the_approved_bytes(
        self, functional_programme, functional_criterion, intranet
    ):
        report = approved(functional_criterion, intranet["report"], "Rapport")
        page = approved(functional_criterion, intranet["page"], "Politique")
        replace_file(intranet["report"], b"%PDF-1.4 version 2")
        edit_text(intranet["page"], "<p>Version 2</p>")
        archive, rows = pack(functional_programme)
        for evidence, data in ((report, FILE_BYTES), (page, PAGE_TEXT.encode())):
            row = rows[evidence.Title()]
            assert archive.read(row["path"]) == data
            assert row["sha256"] == sha(data) == pin_of(evidence).sha256
            assert f"{row['sha256']}  {row['path']}" in (
                archive.read("SHA256SUMS").decode()
            )
        assert rows["Rapport"]["path"].endswith("/Rapport.pdf")
        assert 'id="warnings"' not in archive.read("index.html").decode()

    def test_a_deleted_item_keeps_its_copy(
        self, functional_programme, functional_criterion, intranet
    ):
        approved(functional_criterion, intranet["page"], "Politique")
        with api.env.adopt_roles(["Manager"]):
            api.content.delete(intranet["page"], check_linkintegrity=False)
        transaction.commit()
        archive, rows = pack(functional_programme)
        assert archive.read(rows["Politique"]["path"]) == PAGE_TEXT.encode()

    def test_a_deleted_item_without_copy_is_missing_loudly(
        self, functional_programme, functional_criterion, intranet
    ):
        evidence = approved(functional_criterion, intranet["report"], "Rapport")
        with api.env.adopt_roles(["Manager"]):
            api.content.delete(intranet["report"], check_linkintegrity=False)
        del IAnnotations(evidence)[COPY_KEY]  # as if no copy could be kept
        transaction.commit()
        archive, rows = pack(functional_programme)
        row = rows["Rapport"]
        assert row["sha256"] == "MISSING"
        assert row["path"] not in archive.namelist()
        assert row["path"] not in archive.read("SHA256SUMS").decode()
        index = archive.read("index.html").decode()
        assert 'id="warnings"' in index
        assert "MANQUANTE" in index or "MISSING" in index
        assert evidence.absolute_url() in index
        assert archive.testzip() is None


class TestWhereStaleEvidenceWaits:
    """The start page and the review queue say "changed since approval" too, with
    what to do about it, and forget it once re-approved."""

    def test_start_page_queue_and_reapproval(
        self, functional_programme, functional_criterion, intranet
    ):
        page = intranet["page"]
        evidence = approved(functional_criterion, page, "Politique (intranet)")
        home = f"{api.portal.get().absolute_url()}/@@nr-home"
        queue = f"{functional_programme.absolute_url()}/@@nr-review-queue"
        assert "nr-home-stale" not in get(home, "reviewer").text
        assert "nr-queue-stale" not in get(queue, "reviewer").text

        edit_text(page, "<p>Version 2</p>")
        reviewer_home = get(home, "reviewer").text
        assert "nr-home-stale" in reviewer_home
        assert "re-approuvez la nouvelle version" in reviewer_home
        assert evidence.absolute_url() in reviewer_home
        author_home = get(home, "author").text
        assert "nr-home-stale" in author_home
        assert "un relecteur re-approuvera" in author_home
        html = get(queue, "reviewer").text
        assert "nr-queue-stale" in html
        assert "Modifiées depuis l'approbation" in html
        assert "Nouvelle version depuis l'approbation" in html
        assert "nr-transition-reapprove" in html
        assert f"{page.absolute_url()}/@@history" in get(queue, "manager").text
        # The re-approval page says what changed, next to the decision.
        confirm = get(
            f"{evidence.absolute_url()}/@@nr-transition?transition=reapprove",
            "reviewer",
        )
        assert confirm.status_code == 200
        assert "nr-transition-stale" in confirm.text
        assert "Nouvelle version depuis l'approbation" in confirm.text
        assert f"{evidence.absolute_url()}/@@nr-pinned" in confirm.text
        assert f'href="{page.absolute_url()}"' in confirm.text
        # An editor who did not create it has nothing waiting.
        assert "nr-home-stale" not in get(home, "editor").text

        transition(evidence, "reviewer", "reapprove")
        transaction.commit()
        assert "nr-home-stale" not in get(home, "reviewer").text
        assert "nr-queue-stale" not in get(queue, "reviewer").text
