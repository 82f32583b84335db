"""Every person's journey in a real Chromium (Debian's, driven by Playwright), against
the test site's real HTTP server, with an axe-core accessibility check of each page.

Screenshots go to docs/screenshots/, where the user guides use them.
"""

from datetime import date
from datetime import timedelta
from nr_setup import assess
from nr_setup import criterion_at
from nr_setup import evidence_in_state
from nr_setup import PASSWORD
from pathlib import Path
from plone import api

import base64
import os
import pytest
import shutil
import transaction


pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TODAY = date(2026, 6, 15)
# The add-on's part of each page: Plone's own header, footer and breadcrumbs have
# colour-contrast issues of the Barceloneta theme that the add-on does not own.
AXE_CONTEXT = "{include: [['#portal-column-content']]}"


@pytest.fixture(scope="module")
def chromium():
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    missing = None
    if executable is None:
        missing = "Debian's chromium is not installed (apt-get install -y chromium)"
    elif not AXE.exists():
        missing = "axe-core is not installed (npm ci)"
    if missing:
        if os.environ.get("NRLABEL_REQUIRE_BROWSER"):
            pytest.fail(missing)
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=executable, args=CHROMIUM_FLAGS
    )
    yield browser
    browser.close()
    playwright.stop()


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
    """A signed-in person in their own browser context."""

    def __init__(self, chromium, user_id, journey):
        token = base64.b64encode(f"{user_id}:{PASSWORD}".encode()).decode()
        self.context = chromium.new_context(
            extra_http_headers={"Authorization": f"Basic {token}"},
            locale="fr-FR",
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
        )
        self.page = self.context.new_page()
        self.journey = journey
        self.shots = 0

    def open(self, url):
        response = self.page.goto(url)
        return response

    def check(self, name=None):
        """Accessibility of the page as it is now; then a screenshot."""
        self.page.add_script_tag(path=str(AXE))
        self.page.evaluate(f"window.AXE_CONTEXT = {AXE_CONTEXT}")
        result = self.page.evaluate(
            "async () => (await axe.run(AXE_CONTEXT, {resultTypes: ['violations']})).violations"
            ".filter(v => ['serious', 'critical'].includes(v.impact))"
            ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
        )
        assert result == [], f"{self.page.url}: {result}"
        if name:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.shots += 1
            self.page.screenshot(
                path=str(SCREENSHOTS / f"{self.journey}-{self.shots}-{name}.png"),
                full_page=False,
            )

    def close(self):
        self.context.close()


def test_editor_adds_and_submits_evidence(chromium, journey_programme, tmp_path):
    editor = Person(chromium, "author", "editor")
    editor.open(f"{journey_programme.absolute_url()}/@@nr-my-evidence")
    editor.check("my-criteria")
    editor.page.get_by_role("link", name="Engagement de la direction").click()
    editor.check("criterion")
    editor.page.locator("a.nr-add-evidence").click()
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
    editor.page.locator("a.nr-transition-submit").first.click()
    editor.check("submit")
    editor.page.click("button[name='form.buttons.confirm']")
    editor.page.wait_for_load_state()
    editor.check("submitted")
    assert "En attente de relecture" in editor.page.content()
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


def test_reviewer_rejects_then_approves(chromium, journey_programme):
    evidence = _submitted_evidence(journey_programme)
    reviewer = Person(chromium, "reviewer", "reviewer")
    reviewer.open(f"{journey_programme.absolute_url()}/@@nr-review-queue")
    reviewer.check("queue")
    reviewer.page.get_by_role("link", name="Rejeter").first.click()
    reviewer.page.fill("#nr-comment", "La charte n'est pas signée par la direction.")
    reviewer.check("reject")
    reviewer.page.click("button[name='form.buttons.confirm']")
    reviewer.page.wait_for_load_state()

    editor = Person(chromium, "author", "editor-revise")
    editor.open(f"{journey_programme.absolute_url()}/@@nr-my-evidence")
    assert "pas signée par la direction" in editor.page.content()
    editor.check("rejected")
    editor.open(f"{evidence.absolute_url()}/@@nr-transition?transition=revise")
    editor.page.click("button[name='form.buttons.confirm']")
    editor.open(f"{evidence.absolute_url()}/@@nr-transition?transition=submit")
    editor.page.click("button[name='form.buttons.confirm']")
    editor.page.wait_for_load_state()
    editor.close()

    reviewer.open(f"{journey_programme.absolute_url()}/@@nr-review-queue")
    reviewer.page.get_by_role("link", name="Approuver").first.click()
    reviewer.page.click("button[name='form.buttons.confirm']")
    reviewer.page.wait_for_load_state()
    reviewer.check("approved")
    reviewer.close()
    transaction.begin()
    assert api.content.get_state(api.content.get(UID=evidence.UID())) == "approved"


def test_lead_assesses_plans_audits_and_downloads_the_pack(
    chromium, journey_programme, tmp_path
):
    evidence_in_state(
        criterion_at(journey_programme, "1.1.1"), "approved", title="Charte signée"
    )
    transaction.commit()
    lead = Person(chromium, "lead", "lead")
    criterion_url = journey_programme["1"]["1.1"]["1.1.1"].absolute_url()
    lead.open(f"{criterion_url}/edit")
    lead.page.click("text=Auto-évaluation")
    lead.page.select_option("select[name='form.widgets.maturity:list']", "2")
    lead.check("self-assess")
    lead.page.click("#form-buttons-save")
    lead.page.wait_for_load_state()

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
    lead.page.locator("a.nr-transition-start_audit").click()
    lead.page.wait_for_load_state()
    lead.check("audit")

    lead.open(f"{journey_programme.absolute_url()}/@@nr-dashboard")
    lead.check("dashboard")
    with lead.page.expect_download() as download:
        lead.page.click("text=Dossier d'audit (ZIP)")
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
    assert api.content.find(portal_type="nr_action", Title="Faire signer la charte")
    [audit] = api.content.find(portal_type="nr_audit", review_state="in_audit")
    assert audit.getObject().auditors == ["ext-auditor"]


def test_auditor_reads_approved_evidence_in_the_window_only(
    chromium, journey_programme, clock
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
    auditor = Person(chromium, "ext-auditor", "auditor")
    auditor.open(journey_programme.absolute_url())
    auditor.check("programme")
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
