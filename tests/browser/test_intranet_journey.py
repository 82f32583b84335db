"""Issue #13's journey in a real Chromium: an intranet policy page becomes Label NR
evidence, is approved with its version pinned, changes, turns the criterion amber
on the lead's dashboard ("changed since approval") and is re-approved.

French and English, desktop and phone, as the other journeys
(test_browser_journeys.py, whose ``Person`` this reuses); every page is checked
(axe, no sideways scroll on a phone). French runs are photographed as
docs/screenshots/intranet-N-<name>.png and intranet-phone-N-<name>.png.
"""

from browser_checks import axe_violations
from browser_checks import sideways_overflow
from plone import api
from plone.app.textfield.value import RichTextValue
from test_browser_journeys import Person
from test_browser_journeys import portal_url
from test_browser_journeys import RUNS
from test_browser_journeys import SCREENSHOTS

import pytest
import transaction


pytestmark = pytest.mark.browser

PAGE_ID = "politique-numerique-responsable"
PAGE_TITLE = "Politique numérique responsable"
EVIDENCE_TITLE = "Politique numérique responsable (intranet)"
CODE = "1.1.1"
TEXT = {
    "approved": {"fr": "Version {n} approuvée", "en": "Approved version {n}"},
    "stale": {"fr": "Modifiée depuis l'approbation", "en": "Changed since approval"},
    "awaiting": {"fr": "En attente de relecture", "en": "Awaiting review"},
    "added": {"fr": "Preuve ajoutée", "en": "Evidence added"},
}


# Plone's own edit form of a page: its text-format selector has no label (Plone's,
# not the add-on's), the rest is checked as every page is.
PLONE_EDIT_FORM = (
    "{include: [['#portal-column-content']],"
    " exclude: [['.tox-tinymce'], ['[id$=\"_text_format\"]']]}"
)


def check_plone_edit_form(person, name):
    """``Person.check`` for Plone's edit form (PLONE_EDIT_FORM)."""
    result = axe_violations(person.page, PLONE_EDIT_FORM)
    assert result == [], f"{person.page.url}: {result}"
    if person.phone:
        assert sideways_overflow(person.page) <= 1, person.page.url
    if person.language == "fr":
        person.shots += 1
        person.page.screenshot(
            path=str(SCREENSHOTS / f"{person.journey}-{person.shots}-{name}.png")
        )


@pytest.fixture
def policy_page(functional_programme):
    """A published intranet page outside the programme, which the editor (author,
    NR Editor on the programme) may edit: it is theirs to maintain."""
    portal = api.portal.get()
    with api.env.adopt_roles(["Manager"]):
        page = api.content.create(
            container=portal,
            type="Document",
            id=PAGE_ID,
            title=PAGE_TITLE,
            description="Nos engagements de sobriété numérique.",
            text=RichTextValue(
                "<p>Nous achetons du matériel reconditionné.</p>",
                "text/html",
                "text/html",
            ),
        )
        api.content.transition(page, "publish")
    api.user.grant_roles(username="author", obj=page, roles=["Editor"])
    transaction.commit()
    return page


def matrix_row(person, programme):
    """The lead's dashboard, and criterion 1.1.1's row of its matrix."""
    person.open(f"{programme.absolute_url()}/@@nr-dashboard")
    return person.page.locator("#nr-matrix tbody tr").filter(
        has=person.page.locator(f"a[href$='/{CODE}']")
    )


def use_as_evidence(editor, page, programme):
    """The editor, from the intranet page, makes it evidence for 1.1.1 and submits
    it; returns the evidence's URL."""
    editor.open(page.absolute_url())
    editor.check("page")
    editor.follow("a[href$='/@@nr-use-as-evidence']")
    criterion = programme["1"]["1.1"][CODE]
    editor.page.select_option("#nr-use-criterion", criterion.UID())
    editor.page.fill("#nr-use-title", EVIDENCE_TITLE)
    editor.page.select_option("#nr-use-kind", "policy")
    editor.page.fill("#nr-use-document-date", "2026-01-10")
    editor.check("use-as-evidence")
    editor.page.click("button[name='form.buttons.save']")
    editor.page.wait_for_load_state()
    assert TEXT["added"][editor.language] in editor.page.content()
    url = editor.page.url
    editor.check("evidence-draft")
    editor.follow("a.nr-transition-submit")
    editor.check("submit")
    editor.page.click("button[name='form.buttons.confirm']")
    editor.page.wait_for_load_state()
    assert TEXT["awaiting"][editor.language] in editor.page.content()
    return url


def compare_link_problem(person, page):
    """The problem with "Compare the versions", if any. It goes to Plone's
    history of the item and is offered only to who may open it (CMFEditions'
    Access previous versions), never as a link to the insufficient-privileges
    page. The journey goes on; the problems are reported at its end."""
    links = person.page.locator(".nr-stale a.nr-stale-diff")
    if links.count() == 0:
        return None
    href = links.first.get_attribute("href")
    assert href == f"{page.absolute_url()}/@@history", href
    response = person.page.request.get(href)
    if response.status != 200 or "insufficient" in response.url:
        return f"{person.user_id} is offered {href} and may not open it"
    return None


def edit_page_text(editor, page):
    """Plone's edit form: a new paragraph in the rich text, saved."""
    editor.open(f"{page.absolute_url()}/edit")
    editor.page.wait_for_selector(".tox-edit-area iframe")
    check_plone_edit_form(editor, "edit-page")
    body = editor.page.frame_locator(".tox-edit-area iframe").locator("body")
    body.click()
    editor.page.keyboard.press("Control+End")
    editor.page.keyboard.press("Enter")
    editor.page.keyboard.type("Nous éteignons les écrans la nuit.")
    editor.page.click("#form-buttons-save")
    editor.page.wait_for_load_state()
    assert "éteignons les écrans" in editor.page.content()


@pytest.mark.parametrize(
    "language,viewport",
    RUNS,
    ids=[f"{lang}-{size['width']}" for lang, size in RUNS],
)
def test_intranet_page_as_evidence_pinned_stale_and_reapproved(
    chromium, functional_programme, policy_page, language, viewport
):
    programme = functional_programme
    editor = Person(chromium, "author", "intranet", language, viewport)
    editor.log_in(portal_url(programme))
    evidence_url = use_as_evidence(editor, policy_page, programme)

    reviewer = Person(chromium, "reviewer", "intranet", language, viewport)
    reviewer.shots = editor.shots
    reviewer.log_in(portal_url(programme))
    reviewer.open(f"{programme.absolute_url()}/@@nr-review-queue")
    reviewer.check("queue")
    reviewer.page.locator("tr", has_text=EVIDENCE_TITLE).locator("a.nr-approve").click()
    reviewer.page.wait_for_load_state()
    reviewer.page.click("button[name='form.buttons.confirm']")
    reviewer.page.wait_for_load_state()
    reviewer.open(evidence_url)
    pin = reviewer.page.locator(".nr-intranet-pin").inner_text()
    assert TEXT["approved"][language].format(n=1) in pin, pin
    assert PAGE_TITLE in pin and "SHA-256" in pin, pin
    assert len(reviewer.page.locator(".nr-sha256").inner_text().strip()) == 64
    reviewer.check("approved")

    lead = Person(chromium, "lead", "intranet", language, viewport)
    lead.log_in(portal_url(programme))
    row = matrix_row(lead, programme)
    assert "nr-light-green" in row.get_attribute("class")
    assert TEXT["stale"][language] not in row.inner_text()

    editor.shots = reviewer.shots
    edit_page_text(editor, policy_page)
    editor.check("page-edited")
    editor.open(evidence_url)  # the editor is told too, and may compare
    assert TEXT["stale"][language] in editor.page.locator(".nr-stale").inner_text()
    problems = [compare_link_problem(editor, policy_page)]
    editor.check()

    lead.shots = editor.shots
    row = matrix_row(lead, programme)
    assert "nr-light-amber" in row.get_attribute("class")
    assert TEXT["stale"][language] in row.inner_text()
    row.scroll_into_view_if_needed()
    lead.check("dashboard-stale")

    reviewer.shots = lead.shots
    reviewer.open(evidence_url)
    assert TEXT["stale"][language] in reviewer.page.locator(".nr-stale").inner_text()
    reviewer.check("stale")
    problems.append(compare_link_problem(reviewer, policy_page))
    reviewer.follow("a.nr-transition-reapprove")
    reviewer.check("reapprove")
    reviewer.page.click("button[name='form.buttons.confirm']")
    reviewer.page.wait_for_load_state()
    reviewer.open(evidence_url)
    assert reviewer.page.locator(".nr-stale").count() == 0
    pin = reviewer.page.locator(".nr-intranet-pin").inner_text()
    assert TEXT["approved"][language].format(n=2) in pin, pin
    reviewer.check("reapproved")

    lead.shots = reviewer.shots
    row = matrix_row(lead, programme)
    assert "nr-light-green" in row.get_attribute("class")
    assert TEXT["stale"][language] not in row.inner_text()
    lead.check("dashboard-green")
    for person in (editor, reviewer, lead):
        person.close()
    assert not any(problems), problems
