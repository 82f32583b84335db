"""Evidence: add, revise, reuse (issue #11) — the add and edit forms, the criteria
picker, attaching existing evidence, the rejection at the top of the page, versions
of a replaced file, expiry badges and the discussion on evidence.

The test site speaks French, as make start's does.
"""

from collective.nrlabel.evidence.rules import supported_criteria
from datetime import date
from nr_setup import add_audit
from nr_setup import add_evidence
from nr_setup import criterion_at
from nr_setup import evidence_in_state
from nr_setup import PASSWORD
from nr_setup import pdf
from nr_setup import token_of
from plone import api
from plone.testing.zope import Browser
from zExceptions import Forbidden
from zExceptions import Unauthorized

import html
import json
import pytest
import transaction


def browser_for(app, user_id, handle_errors=False):
    browser = Browser(app)
    browser.handleErrors = handle_errors
    browser.raiseHttpErrors = False
    browser.addHeader("Authorization", f"Basic {user_id}:{PASSWORD}")
    return browser


def field_names(html):
    """The names of the form's fields, in page order."""
    import re

    return [
        name
        for name in re.findall(r'name="(form\.widgets\.[\w.]+)(?::\w+)?"', html)
        if not name.endswith(("_year", "_month", "_day", ".mimeType", ".action"))
    ]


class TestAddForm:
    def test_file_link_note_intranet_item_first_on_one_tab_and_expected_evidence_shown(
        self, functional_app, functional_criterion
    ):
        functional_criterion.guidance = "Une charte signée par la direction."
        transaction.commit()
        browser = browser_for(functional_app, "editor")
        browser.open(f"{functional_criterion.absolute_url()}/++add++nr_evidence")
        html = browser.contents
        names = list(dict.fromkeys(field_names(html)))
        assert names[:5] == [
            "form.widgets.file",
            "form.widgets.link",
            "form.widgets.note",
            "form.widgets.intranet_item",
            "form.widgets.IBasic.title",
        ], names
        # One tab: no fieldset left for the content, no versioning switch.
        assert "fieldset-content" not in html
        assert "versioning_enabled" not in html
        assert "Une charte signée par la direction." in html
        # Nothing is wrong before anything is typed, and no inline validation.
        assert "Il y a des erreurs" not in html
        assert "invalid-feedback" not in html
        assert "exactement un fichier" not in html
        assert "pat-validation" not in html

    def test_missing_content_names_the_file_field(
        self, functional_app, functional_criterion
    ):
        browser = browser_for(functional_app, "editor")
        browser.open(f"{functional_criterion.absolute_url()}/++add++nr_evidence")
        browser.getControl(name="form.widgets.IBasic.title").value = "Sans contenu"
        browser.getControl(name="form.widgets.document_date").value = "2026-01-10"
        browser.getControl(name="form.buttons.save").click()
        html = browser.contents
        # The error sits in the file field's block, and the top message says so.
        file_block = html.split('id="formfield-form-widgets-file"', 1)[1].split(
            'id="formfield-form-widgets-link"', 1
        )[0]
        assert (
            "exactement un fichier, un lien, une note ou un élément de l" in file_block
        )
        assert "« Fichier »" in html
        transaction.begin()
        assert not api.content.find(portal_type="nr_evidence", unrestricted=True)

    def test_saved_evidence_says_it_was_added(
        self, functional_app, functional_criterion
    ):
        browser = browser_for(functional_app, "editor")
        browser.open(f"{functional_criterion.absolute_url()}/++add++nr_evidence")
        browser.getControl(name="form.widgets.IBasic.title").value = "Rapport"
        browser.getControl(name="form.widgets.document_date").value = "2026-01-10"
        browser.getControl(name="form.widgets.link").value = "https://example.org/r"
        browser.getControl(name="form.buttons.save").click()
        assert "Preuve ajoutée" in browser.contents
        transaction.begin()
        assert len(api.content.find(portal_type="nr_evidence", unrestricted=True)) == 1


class TestPicker:
    def search(self, app, context, user_id, term, **extra):
        browser = browser_for(app, user_id)
        criteria = [
            {
                "i": "SearchableText",
                "o": "plone.app.querystring.operation.string.contains",
                "v": term,
            }
        ]
        query = json.dumps({"criteria": criteria})
        attributes = json.dumps(["UID", "Title", "path", "portal_type"])
        browser.open(
            f"{context.absolute_url()}/@@nr-criteria-vocabulary?query={query}"
            f"&attributes={attributes}"
        )
        assert browser.headers["status"].startswith("200"), browser.contents
        return json.loads(browser.contents)["results"]

    def test_finds_a_criterion_by_code_with_its_code_in_the_title(
        self, functional_app, functional_programme
    ):
        wanted = criterion_at(functional_programme, "1.1.3")
        evidence = add_evidence(criterion_at(functional_programme, "1.1.1"))
        transaction.commit()
        for term in ("1.1.3", "*1.1.3*"):
            results = self.search(functional_app, evidence, "author", term)
            assert results, term
            assert results[0]["UID"] == wanted.UID()
            assert results[0]["Title"] == f"1.1.3 — {wanted.Title()}"

    def test_finds_a_criterion_by_words_of_its_title(
        self, functional_app, functional_programme
    ):
        wanted = criterion_at(functional_programme, "1.1.3")
        word = max(wanted.Title().split(), key=len)
        transaction.commit()
        home = criterion_at(functional_programme, "1.1.1")
        results = self.search(functional_app, home, "author", word[:5])
        assert wanted.UID() in [r["UID"] for r in results]

    def test_a_code_lists_that_criterion_only(
        self, functional_app, functional_programme
    ):
        wanted = criterion_at(functional_programme, "1.1.3")
        home = criterion_at(functional_programme, "1.1.1")
        evidence = add_evidence(home)
        transaction.commit()
        # From the add form (the criterion) and the edit form (the evidence).
        for context in (home, evidence):
            results = self.search(functional_app, context, "editor", "1.1.3")
            assert [r["UID"] for r in results] == [wanted.UID()]
        # A code's start lists the criteria under it, no others.
        results = self.search(functional_app, home, "editor", "1.1")
        codes = [r["Title"].split(" — ")[0] for r in results]
        assert codes and all(code.startswith("1.1") for code in codes), codes
        assert "1.2.3" not in codes

    def test_a_word_search_still_finds_criteria(
        self, functional_app, functional_programme
    ):
        wanted = criterion_at(functional_programme, "1.1.3")
        home = criterion_at(functional_programme, "1.1.1")
        transaction.commit()
        results = self.search(functional_app, home, "editor", "parties prenantes")
        assert wanted.UID() in [r["UID"] for r in results]
        assert home.UID() not in [r["UID"] for r in results]

    def test_the_home_criterion_is_never_offered(
        self, functional_app, functional_programme
    ):
        home = criterion_at(functional_programme, "1.1.2")
        evidence = add_evidence(home)
        sibling = criterion_at(functional_programme, "1.1.3")
        transaction.commit()
        for context in (home, evidence):
            assert self.search(functional_app, context, "editor", "1.1.2") == []
            found = [
                r["UID"] for r in self.search(functional_app, context, "editor", "1.1")
            ]
            assert sibling.UID() in found
            assert home.UID() not in found
            words = max(home.Title().split(), key=len)
            found = [
                r["UID"] for r in self.search(functional_app, context, "editor", words)
            ]
            assert home.UID() not in found
        # Browsing the principle (no search term) leaves it out too.
        principle = "/".join(home.__parent__.getPhysicalPath())
        browser = browser_for(functional_app, "editor")
        criteria = [
            {
                "i": "path",
                "o": "plone.app.querystring.operation.string.path",
                "v": f"{principle}::1",
            }
        ]
        browser.open(
            f"{home.absolute_url()}/@@nr-criteria-vocabulary"
            f"?query={json.dumps({'criteria': criteria})}"
            f"&attributes={json.dumps(['UID', 'Title'])}"
        )
        found = [r["UID"] for r in json.loads(browser.contents)["results"]]
        assert sibling.UID() in found
        assert home.UID() not in found

    def test_site_search_finds_a_criterion_by_code(self, functional_programme):
        wanted = criterion_at(functional_programme, "1.1.3")
        found = api.content.find(SearchableText="1.1.3", portal_type="nr_criterion")
        assert wanted.UID() in [b.UID for b in found]

    def test_the_widget_asks_the_addon_and_shows_no_state_or_date(
        self, functional_app, functional_criterion
    ):
        browser = browser_for(functional_app, "editor")
        browser.open(f"{functional_criterion.absolute_url()}/++add++nr_evidence")
        assert "@@nr-criteria-vocabulary" in browser.contents
        options = browser.contents.split("data-pat-contentbrowser=", 1)[1][:3000]
        assert "review_state" not in options
        assert "created" not in options
        # No favourites menu: Plone's lead to no criterion, titled in English.
        options = json.loads(html.unescape(options.split('"', 2)[1]))
        assert options["favorites"] is False

    def test_the_pickers_words_are_served_in_french(
        self, functional_app, functional_portal
    ):
        transaction.commit()
        browser = browser_for(functional_app, "editor")
        base = f"{functional_portal.absolute_url()}/@@plonejsi18n?domain=widgets"
        browser.open(f"{base}&language=fr")
        french = json.loads(browser.contents)
        assert french["select ${preview_path}"] == "sélectionner ${preview_path}"
        assert french["clear search"] == "effacer la recherche"
        assert french["Id"] == "Identifiant"
        browser.open(f"{base}&language=en")
        assert json.loads(browser.contents)["review_state"] == "state"


def attach(app, criterion, user_id, uids):
    from urllib.parse import urlencode

    browser = browser_for(app, user_id)
    token = token_of(user_id)
    body = urlencode([("_authenticator", token)] + [("uids:list", u) for u in uids])
    browser.post(f"{criterion.absolute_url()}/@@nr-attach-evidence", body)
    return browser


def supporting(evidence):
    transaction.begin()
    return [c.code for c in supported_criteria(evidence)]


class TestAttachExisting:
    def test_button_and_search_by_title_code_and_kind(
        self, functional_app, functional_programme
    ):
        home = criterion_at(functional_programme, "1.1.1")
        target = criterion_at(functional_programme, "1.1.2")
        add_evidence(home, title="Charte numérique", kind="policy")
        add_evidence(home, title="Registre des achats", kind="record")
        transaction.commit()
        browser = browser_for(functional_app, "author")
        browser.open(target.absolute_url())
        assert "nr-attach-evidence" in browser.contents
        page = f"{target.absolute_url()}/@@nr-attach-evidence"
        browser.open(f"{page}?q=charte")
        assert "Charte numérique" in browser.contents
        assert "Registre des achats" not in browser.contents
        browser.open(f"{page}?q=1.1.1")
        assert "Charte numérique" in browser.contents
        assert "Registre des achats" in browser.contents
        browser.open(f"{page}?kind=record")
        assert "Charte numérique" not in browser.contents
        assert "Registre des achats" in browser.contents
        # A reader has neither the button nor the page.
        reader = browser_for(functional_app, "reader")
        reader.open(target.absolute_url())
        assert "nr-attach-evidence" not in reader.contents
        with pytest.raises(Unauthorized):
            reader.open(page)

    def test_attach_then_duplicate(self, functional_app, functional_programme):
        home = criterion_at(functional_programme, "1.1.1")
        target = criterion_at(functional_programme, "1.1.2")
        evidence = add_evidence(home, title="Charte numérique")
        transaction.commit()
        before = len(
            api.content.find(portal_type="nr_evidence", nr_criteria=target.UID())
        )
        browser = attach(functional_app, target, "author", [evidence.UID()])
        assert browser.headers["status"].startswith("200")
        assert supporting(evidence) == ["1.1.1", "1.1.2"]
        after = len(
            api.content.find(portal_type="nr_evidence", nr_criteria=target.UID())
        )
        assert (before, after) == (0, 1)
        browser.open(target.absolute_url())
        assert "Charte numérique" in browser.contents

        again = attach(functional_app, target, "author", [evidence.UID()])
        assert again.headers["status"].startswith("409")
        assert "soutient déjà ce critère" in again.contents
        assert supporting(evidence) == ["1.1.1", "1.1.2"]

    def test_other_programme_and_no_permission_are_refused(
        self, functional_app, functional_portal, functional_programme
    ):
        from nr_setup import build_programme

        target = criterion_at(functional_programme, "1.1.2")
        home = criterion_at(functional_programme, "1.1.1")
        approved = evidence_in_state(home, "approved", title="Charte approuvée")
        others = add_evidence(home, user_id="editor", title="Brouillon d'Éditeur")
        with api.env.adopt_roles(["Manager"]):
            other = api.content.create(
                container=functional_portal, type="nr_programme", title="Autre"
            )
        api.user.grant_roles(username="author", obj=other, roles=["NR Editor"])
        foreign = add_evidence(criterion_at(other, "1.1.1"), title="Preuve d'ailleurs")
        transaction.commit()
        assert build_programme  # the same users, already created

        browser = attach(
            functional_app,
            target,
            "author",
            [approved.UID(), foreign.UID(), "not-a-uid"],
        )
        assert browser.headers["status"].startswith("409")
        html = browser.contents
        assert "appartient à un autre programme" in html
        assert "par un relecteur ou le responsable NR" in html
        assert "introuvable" in html
        assert supporting(approved) == ["1.1.1"]
        assert supporting(foreign) == ["1.1.1"]
        # A draft of another editor: the author may see it but not change it.
        browser = attach(functional_app, target, "contributor", [others.UID()])
        assert supporting(others) == ["1.1.1"]

    def test_a_reviewer_vouches_for_reusing_approved_evidence(
        self, functional_app, functional_programme
    ):
        from collective.nrlabel.evidence.rules import authors
        from collective.nrlabel.evidence.rules import record_author

        home = criterion_at(functional_programme, "1.1.1")
        target = criterion_at(functional_programme, "1.1.2")
        approved = evidence_in_state(home, "approved", title="Charte approuvée")
        own = evidence_in_state(home, "approved", title="Charte du relecteur")
        record_author(own, "reviewer")
        transaction.commit()
        browser = browser_for(functional_app, "reviewer")
        browser.open(target.absolute_url())
        assert "nr-attach-evidence" in browser.contents

        browser = attach(
            functional_app, target, "reviewer", [approved.UID(), own.UID()]
        )
        assert browser.headers["status"].startswith("200")
        assert "Vous êtes l'auteur de cette preuve" in browser.contents
        assert supporting(approved) == ["1.1.1", "1.1.2"]
        assert supporting(own) == ["1.1.1"]
        reused = api.content.get(UID=approved.UID())
        # Reuse is not authorship: the reviewer may still review its next version.
        assert "reviewer" not in authors(reused)
        assert api.content.get_state(reused) == "approved"

    def test_get_or_forged_post_changes_nothing(
        self, functional_app, functional_programme
    ):
        from urllib.parse import urlencode

        home = criterion_at(functional_programme, "1.1.1")
        target = criterion_at(functional_programme, "1.1.2")
        evidence = add_evidence(home)
        transaction.commit()
        browser = browser_for(functional_app, "author")
        with pytest.raises(Forbidden):
            browser.post(
                f"{target.absolute_url()}/@@nr-attach-evidence",
                urlencode({"uids:list": evidence.UID(), "_authenticator": "forged"}),
            )
        page = f"{target.absolute_url()}/@@nr-attach-evidence"
        browser.open(f"{page}?uids:list={evidence.UID()}")  # a GET attaches nothing
        assert supporting(evidence) == ["1.1.1"]


class TestRejectedAndRevised:
    def test_reason_at_the_top_and_revise_opens_the_edit_form(
        self, functional_app, functional_criterion
    ):
        evidence = evidence_in_state(functional_criterion, "rejected")
        transaction.commit()
        browser = browser_for(functional_app, "author")
        browser.open(evidence.absolute_url())
        html = browser.contents
        alert = html.split('class="alert alert-danger nr-rejection"', 1)[1]
        alert = alert.split("</div>", 1)[0]
        assert "Insuffisant" in alert
        assert "Reviewer" in alert  # who rejected
        assert html.index("nr-rejection") < html.index("nr-facts")
        browser.getLink(url=f"{evidence.absolute_url()}/edit", index=0).click()
        assert "form.widgets.file" in browser.contents
        revise = [a for a in html.split("<a ") if "nr-transition-revise" in a]
        assert revise and f'href="{evidence.absolute_url()}/edit"' in revise[0]

        browser.getControl(name="form.widgets.IBasic.title").value = "Charte v2"
        browser.getControl(name="form.buttons.save").click()
        assert "Preuve mise à jour" in browser.contents
        transaction.begin()
        assert api.content.get_state(evidence) == "draft"
        assert "nr-rejection" not in browser.contents

    def test_replacing_the_file_makes_a_version_shown_in_the_history(
        self, functional_app, functional_criterion
    ):
        evidence = add_evidence(functional_criterion)
        transaction.commit()
        repository = api.portal.get_tool("portal_repository")
        with api.env.adopt_roles(["Manager"]):
            before = len(repository.getHistoryMetadata(evidence) or [])
        browser = browser_for(functional_app, "author")
        browser.open(f"{evidence.absolute_url()}/edit")
        control = browser.getControl(name="form.widgets.file")
        control.add_file(b"%PDF-1.4 v2", "application/pdf", "charte-v2.pdf")
        browser.getControl(name="form.widgets.file.action").value = ["replace"]
        browser.getControl(name="form.buttons.save").click()
        assert "Preuve mise à jour" in browser.contents
        transaction.begin()
        assert evidence.file.filename == "charte-v2.pdf"
        with api.env.adopt_roles(["Manager"]):
            history = repository.getHistoryMetadata(evidence)
            after = history.getLength(countPurged=False)
        assert after == before + 1
        browser.open(evidence.absolute_url())
        assert f"Version {after}" in browser.contents
        history_html = browser.contents.split("nr-history", 1)[1][:3000]
        assert "Fichier remplacé : charte-v2.pdf" in history_html, history_html


class TestExpiryBadges:
    def test_expired_and_expires_soon(
        self, functional_app, functional_criterion, clock
    ):
        clock(date(2026, 6, 1))
        expired = add_evidence(
            functional_criterion, title="Périmée", valid_until=date(2026, 5, 1)
        )
        soon = add_evidence(
            functional_criterion, title="Bientôt", valid_until=date(2026, 6, 20)
        )
        add_evidence(functional_criterion, title="Valide", valid_until=date(2028, 1, 1))
        transaction.commit()
        browser = browser_for(functional_app, "author")
        browser.open(functional_criterion.absolute_url())
        rows = {
            title: row
            for row in browser.contents.split('class="nr-evidence-row')[1:]
            for title in ("Périmée", "Bientôt", "Valide")
            if title in row
        }
        assert "nr-badge-expired" in rows["Périmée"]
        assert "Expire bientôt" in rows["Bientôt"]
        assert "valide jusqu'au 20/06/2026" in rows["Bientôt"]
        assert "nr-badge-expire" not in rows["Valide"]
        browser.open(soon.absolute_url())
        assert "Expire bientôt" in browser.contents
        assert "20/06/2026" in browser.contents
        browser.open(expired.absolute_url())
        assert "nr-badge-expired" in browser.contents

    def test_soon_means_before_the_next_audit_ends(
        self, functional_app, functional_programme, clock
    ):
        clock(date(2026, 6, 1))
        criterion = criterion_at(functional_programme, "1.1.1")
        add_audit(functional_programme, date(2026, 11, 1), date(2026, 12, 15))
        add_evidence(criterion, title="Lapse", valid_until=date(2026, 12, 1))
        transaction.commit()
        browser = browser_for(functional_app, "author")
        browser.open(criterion.absolute_url())
        row = browser.contents.split("Lapse", 1)[1].split("</tr>", 1)[0]
        assert "Expire bientôt" in row and "01/12/2026" in row


@pytest.fixture
def pdf_file():
    return pdf()


# -- The discussion on evidence (plone.app.discussion) ------------------------------


@pytest.fixture
def discussion(functional_portal):
    """The add-on's install switched discussion on, without anonymous comments
    (comments on NR content follow the commented item: tests/intranet)."""
    from plone.app.discussion.interfaces import IDiscussionSettings
    from plone.registry.interfaces import IRegistry
    from zope.component import getUtility

    settings = getUtility(IRegistry).forInterface(IDiscussionSettings)
    assert settings.globally_enabled
    assert not settings.anonymous_comments


def comment_on(app, evidence, user_id, text):
    browser = browser_for(app, user_id)
    browser.open(evidence.absolute_url())
    browser.getControl(name="form.widgets.text").value = text
    browser.getControl(name="form.buttons.comment").click()
    return browser


def global_user(user_id, role):
    with api.env.adopt_roles(["Manager"]):
        api.user.create(
            username=user_id, email=f"{user_id}@example.org", password=PASSWORD
        )
        if role:
            api.user.grant_roles(username=user_id, roles=[role])


class TestDiscussion:
    def test_editor_and_reviewer_discuss_pending_evidence(
        self, functional_app, functional_criterion, discussion
    ):
        evidence = evidence_in_state(functional_criterion, "pending")
        transaction.commit()
        comment_on(functional_app, evidence, "author", "La version signée arrive.")
        browser = comment_on(
            functional_app, evidence, "reviewer", "Merci, j'attends la signature."
        )
        assert "La version signée arrive." in browser.contents
        assert "Merci, j'attends la signature." in browser.contents
        transaction.begin()
        from plone.app.discussion.interfaces import IConversation

        assert len(IConversation(evidence)) == 2

    def test_auditor_reads_but_cannot_reply(
        self, functional_app, functional_criterion, discussion
    ):
        evidence = evidence_in_state(functional_criterion, "approved")
        transaction.commit()
        comment_on(functional_app, evidence, "reviewer", "Conforme à la grille.")
        transaction.begin()
        with api.env.adopt_user(username="auditor"):
            assert not api.user.has_permission("Reply to item", obj=evidence)
            assert api.user.has_permission("View", obj=evidence)
        with api.env.adopt_user(username="reader"):
            assert not api.user.has_permission("Reply to item", obj=evidence)
        browser = browser_for(functional_app, "auditor")
        browser.open(evidence.absolute_url())
        assert "Conforme à la grille." in browser.contents
        assert "form.buttons.comment" not in browser.contents

    def test_site_wide_reader_and_member_see_no_comment(
        self, functional_app, functional_criterion, discussion
    ):
        evidence = evidence_in_state(functional_criterion, "approved")
        transaction.commit()
        comment_on(functional_app, evidence, "reviewer", "Note interne au comité.")
        global_user("globalreader", "Reader")
        global_user("member", None)
        transaction.commit()
        from plone.app.discussion.interfaces import IConversation

        comment = list(IConversation(evidence).values())[0]
        for user_id in ("globalreader", "member"):
            with api.env.adopt_user(username=user_id):
                assert not api.user.has_permission("View", obj=comment)
                assert not api.content.find(portal_type="Discussion Item")
            browser = browser_for(functional_app, user_id)
            for url in (evidence.absolute_url(), comment.absolute_url()):
                with pytest.raises(Unauthorized):
                    browser.open(url)
        with api.env.adopt_user(username="reviewer"):
            assert api.content.find(portal_type="Discussion Item")
