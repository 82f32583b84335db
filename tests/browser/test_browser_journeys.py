"""Every person's journey in a real Chromium (Debian's, driven by Playwright), against
the test site's real HTTP server: log in, land on the start page, do the week's task.

Each journey runs in French and in English (the browser's language), on a desktop
(1280 px) and on a phone (390 px); every page gets an axe-core accessibility check
and, on a phone, a check that nothing scrolls sideways. Screenshots go to
docs/screenshots/, where the user guides use them.
"""

from browser_checks import axe_violations
from browser_checks import DESKTOP
from browser_checks import PHONE
from browser_checks import ROOT
from browser_checks import sideways_overflow
from datetime import date
from datetime import timedelta
from nr_setup import assess
from nr_setup import criterion_at
from nr_setup import evidence_in_state
from nr_setup import PASSWORD
from plone import api

import pytest
import transaction


pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "docs" / "screenshots"
TODAY = date(2026, 6, 15)
# Each person in both languages at both widths.
RUNS = [("fr", DESKTOP), ("fr", PHONE), ("en", DESKTOP), ("en", PHONE)]
# The guides show the French site; English runs are checked, not photographed.
PHOTOGRAPHED = ("fr",)


def runs(person):
    return pytest.mark.parametrize(
        "language,viewport",
        RUNS,
        ids=[f"{lang}-{size['width']}" for lang, size in RUNS],
    )


@pytest.fixture(autouse=True)
def today(clock):
    clock(TODAY)


@pytest.fixture
def journey_programme(functional_programme):
    """The functional programme with what the journeys start from."""
    programme = functional_programme
    criterion = criterion_at(programme, "1.1.1")
    criterion.owner = "author"
    criterion.reindexObject()
    evidence_in_state(
        criterion_at(programme, "1.2.1"), "approved", title="Plan d'action NR"
    )
    evidence_in_state(
        criterion_at(programme, "1.2.1"), "draft", title="Brouillon secret"
    )
    assess(programme, "1.2.1", 2)
    api.user.create(
        username="ext-auditor",
        email="audit@sgs.example",
        password=PASSWORD,
        properties={"fullname": "Anne Auditrice"},
    )
    transaction.commit()
    return programme


class Person:
    """A person who signs in through Plone's login form, in their own browser
    context (language and screen size)."""

    def __init__(self, chromium, user_id, journey, language="fr", viewport=DESKTOP):
        # No preference saved: the browser's language decides (the preference is
        # tested in tests/setup/test_languages.py).
        transaction.begin()  # see what the server committed meanwhile
        api.user.get(userid=user_id).setMemberProperties({"language": ""})
        transaction.commit()
        self.context = chromium.new_context(
            locale={"fr": "fr-FR", "en": "en-GB"}[language],
            viewport=viewport,
            accept_downloads=True,
        )
        self.page = self.context.new_page()
        self.language = language
        self.phone = viewport["width"] < 600
        self.journey = journey
        if self.phone:
            self.journey += "-phone"
        if language != "fr":
            self.journey += f"-{language}"
        self.shots = 0
        self.user_id = user_id

    def log_in(self, portal_url):
        """The login form, as a person would: where does Plone send them?"""
        self.page.goto(f"{portal_url}/login")
        self.page.fill("#__ac_name", self.user_id)
        self.page.fill("#__ac_password", PASSWORD)
        self.page.click("button[name='buttons.login']")
        self.page.wait_for_load_state()
        return self.page.url

    def open(self, url):
        response = self.page.goto(url)
        return response

    def follow(self, selector):
        self.page.locator(selector).first.click()
        self.page.wait_for_load_state()

    def check(self, name=None):
        """Accessibility and, on a phone, width of the page as it is now; then a
        screenshot. Also: no word of the other language in the add-on's part."""
        result = axe_violations(self.page)
        assert result == [], f"{self.page.url}: {result}"
        if self.phone:
            overflow = sideways_overflow(self.page)
            assert overflow <= 1, f"{self.page.url} scrolls sideways by {overflow}px"
        lang = self.page.evaluate("document.documentElement.lang")
        assert lang.startswith(self.language), (self.page.url, lang)
        if name and self.language in PHOTOGRAPHED:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.shots += 1
            self.page.screenshot(
                path=str(SCREENSHOTS / f"{self.journey}-{self.shots}-{name}.png"),
                full_page=False,
            )

    def visible(self, selector):
        """On screen without scrolling sideways (a phone's buttons)."""
        box = self.page.locator(selector).first.bounding_box()
        width = self.page.viewport_size["width"]
        return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width

    def close(self):
        self.context.close()


def portal_url(programme):
    return api.portal.get().absolute_url()


@runs("editor")
def test_editor_from_start_page_adds_and_submits_evidence(
    chromium, journey_programme, tmp_path, language, viewport
):
    editor = Person(chromium, "author", "editor", language, viewport)
    landed = editor.log_in(portal_url(journey_programme))
    assert landed.endswith("/@@nr-home"), landed
    editor.check("home")
    editor.follow(".nr-home-criteria a[href$='/1.1.1']")
    editor.check("criterion")
    editor.follow("a.nr-add-evidence")
    # File, link and note come first; the criterion's expected evidence is shown.
    editor.page.fill(
        "#form-widgets-IBasic-title", "Charte numérique responsable signée"
    )
    document = tmp_path / "charte.pdf"
    document.write_bytes(b"%PDF-1.4 charte signee")
    editor.page.set_input_files("input[name='form.widgets.file']", str(document))
    editor.page.fill("input[name='form.widgets.document_date']", "2026-01-10")
    editor.check("add-evidence")
    editor.page.click("#form-buttons-save")
    editor.page.wait_for_load_state()
    assert "Charte numérique responsable signée" in editor.page.content()
    editor.open(journey_programme["1"]["1.1"]["1.1.1"].absolute_url())
    editor.follow("a.nr-transition-submit")
    editor.check("submit")
    editor.page.click("button[name='form.buttons.confirm']")
    editor.page.wait_for_load_state()
    editor.check("submitted")
    awaiting = {"fr": "En attente de relecture", "en": "Awaiting review"}[language]
    assert awaiting in editor.page.content()
    editor.close()
    transaction.begin()
    [brain] = api.content.find(
        portal_type="nr_evidence", Title="Charte numérique responsable signée"
    )
    assert brain.review_state == "pending"


def _submitted_evidence(programme, title="Charte"):
    evidence = evidence_in_state(
        criterion_at(programme, "1.1.1"), "pending", title=title
    )
    transaction.commit()
    return evidence


@runs("reviewer")
def test_reviewer_rejects_editor_revises_reviewer_approves(
    chromium, journey_programme, language, viewport
):
    evidence = _submitted_evidence(journey_programme)
    reviewer = Person(chromium, "reviewer", "reviewer", language, viewport)
    assert reviewer.log_in(portal_url(journey_programme)).endswith("/@@nr-home")
    reviewer.check("home")
    reviewer.follow(".nr-home-queue a")
    reviewer.check("queue")
    assert reviewer.visible("a.nr-reject")
    reviewer.follow("a.nr-reject")
    reviewer.page.fill("#nr-comment", "La charte n'est pas signée par la direction.")
    reviewer.check("reject")
    reviewer.page.click("button[name='form.buttons.confirm']")
    reviewer.page.wait_for_load_state()
    # The queue is now empty: back to it, with a message.
    assert "@@nr-review-queue" in reviewer.page.url

    editor = Person(chromium, "author", "editor-revise", language, viewport)
    editor.log_in(portal_url(journey_programme))
    assert "pas signée par la direction" in editor.page.content()
    editor.check("home-rejected")
    editor.follow(".nr-home-rejected a")
    assert editor.page.locator(".nr-rejection-reason").count() == 1
    editor.check("rejected")
    editor.follow("a.nr-revise")
    assert editor.page.url.endswith("/edit")
    editor.check("revise")
    editor.page.click("#form-buttons-save")  # saving a rejected item: a draft again
    editor.page.wait_for_load_state()
    editor.open(f"{evidence.absolute_url()}/@@nr-transition?transition=submit")
    editor.page.click("button[name='form.buttons.confirm']")
    editor.page.wait_for_load_state()
    editor.close()

    reviewer.open(f"{journey_programme.absolute_url()}/@@nr-review-queue")
    assert reviewer.visible("a.nr-approve")
    reviewer.follow("a.nr-approve")
    reviewer.page.click("button[name='form.buttons.confirm']")
    reviewer.page.wait_for_load_state()
    reviewer.check("approved")
    reviewer.close()
    transaction.begin()
    assert api.content.get_state(api.content.get(UID=evidence.UID())) == "approved"


@runs("lead")
def test_lead_assesses_plans_audits_and_downloads_the_pack(
    chromium, journey_programme, tmp_path, language, viewport
):
    evidence_in_state(
        criterion_at(journey_programme, "1.1.1"), "approved", title="Charte signée"
    )
    transaction.commit()
    lead = Person(chromium, "lead", "lead", language, viewport)
    assert lead.log_in(portal_url(journey_programme)).endswith("/@@nr-home")
    lead.check("home")
    lead.open(journey_programme.absolute_url())
    lead.follow("a[href$='@@nr-self-assessment']")
    row = lead.page.locator("#criterion-1-1-1")
    row.locator("select[name^='maturity-']").select_option("2")
    row.locator("select[name^='owner-']").select_option("author")
    lead.check("self-assess")
    lead.page.click("button[name='form.buttons.save']")
    lead.page.wait_for_load_state()
    assert lead.page.url.split("#")[0].endswith("/@@nr-self-assessment")
    assert lead.page.locator(".statusmessage").count() == 1
    criterion_url = journey_programme["1"]["1.1"]["1.1.1"].absolute_url()
    lead.open(criterion_url)

    lead.page.click("details.nr-plan-action summary")
    lead.page.fill(
        "#nr-action-title", "Faire signer la charte par le comité de direction"
    )
    lead.page.fill("#nr-action-due", "2026-09-30")
    lead.check("plan-action")
    lead.page.click("button[name='form.buttons.plan']")
    lead.page.wait_for_load_state()

    lead.open(f"{journey_programme.absolute_url()}/++add++nr_audit")
    lead.page.fill("#form-widgets-IBasic-title", "Audit initial SGS")
    lead.page.fill("input[name='form.widgets.audit_body']", "SGS")
    lead.page.fill(
        "input[name='form.widgets.window_start']",
        (TODAY - timedelta(days=1)).isoformat(),
    )
    lead.page.fill(
        "input[name='form.widgets.window_end']",
        (TODAY + timedelta(days=14)).isoformat(),
    )
    lead.page.evaluate(
        "document.querySelector(\"input[name='form.widgets.auditors']\").value = 'ext-auditor'"
    )
    lead.check("add-audit")
    lead.page.click("#form-buttons-save")
    lead.page.wait_for_load_state()
    lead.follow("a.nr-transition-start_audit")
    lead.check("confirm-start")
    lead.page.click("button.nr-confirm-step")
    lead.page.wait_for_load_state()
    lead.check("audit")

    lead.open(f"{journey_programme.absolute_url()}/@@nr-dashboard")
    lead.check("dashboard")
    lead.follow("a[href$='@@nr-activity']")
    lead.check("activity")
    lead.open(f"{journey_programme.absolute_url()}/@@nr-dashboard")
    with lead.page.expect_download() as download:
        lead.page.click("a[href$='@@nr-audit-pack']")
    pack = tmp_path / "pack.zip"
    download.value.save_as(pack)
    lead.close()

    import zipfile

    names = zipfile.ZipFile(pack).namelist()
    assert "manifest.csv" in names
    assert any(name.endswith("politique.pdf") for name in names)
    transaction.begin()
    criterion = api.content.get(
        path="/".join(criterion_at(journey_programme, "1.1.1").getPhysicalPath())
    )
    assert criterion.maturity == 2
    assert criterion.owner == "author"
    assert api.content.find(portal_type="nr_action", Title="Faire signer la charte")
    [audit] = api.content.find(portal_type="nr_audit", review_state="in_audit")
    assert audit.getObject().auditors == ["ext-auditor"]


@runs("auditor")
def test_auditor_reads_approved_evidence_in_the_window_only(
    chromium, journey_programme, clock, language, viewport
):
    from nr_setup import add_audit
    from nr_setup import audit_transition

    audit = add_audit(
        journey_programme,
        TODAY - timedelta(days=1),
        TODAY + timedelta(days=14),
        auditors=["ext-auditor"],
    )
    audit_transition(audit, "start_audit")
    transaction.commit()
    auditor = Person(chromium, "ext-auditor", "auditor", language, viewport)
    assert auditor.log_in(portal_url(journey_programme)).endswith("/@@nr-home")
    auditor.check("home")
    auditor.follow(".nr-home-programme h2 a")
    auditor.check("programme")
    assert auditor.page.locator("a[href$='@@nr-review-queue']").count() == 0
    assert auditor.page.locator("a[href$='@@nr-my-evidence']").count() == 0
    assert auditor.page.locator("#contentview-folderContents").count() == 0
    auditor.follow("a[href$='@@nr-auditor-overview']")
    auditor.check("overview")
    overview = auditor.page.content()
    assert "Plan d'action NR" in overview
    assert "Brouillon secret" not in overview
    criterion_url = criterion_at(journey_programme, "1.2.1").absolute_url()
    auditor.open(criterion_url)
    auditor.check("criterion")
    html = auditor.page.content()
    assert "Plan d'action NR" in html
    assert "Brouillon secret" not in html
    assert auditor.page.locator("a.nr-add-evidence").count() == 0
    assert auditor.page.locator("[class*='nr-transition-']").count() == 0
    assert auditor.page.locator("#contentview-edit").count() == 0

    clock(TODAY + timedelta(days=15))
    response = auditor.open(criterion_url)
    assert (
        response.status in (401, 403)
        or "require_login" in auditor.page.url
        or "insufficient" in auditor.page.url
        or "login" in auditor.page.url
    )
    assert "Plan d'action NR" not in auditor.page.content()
    auditor.close()
