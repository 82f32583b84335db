"""The auditor overview over HTTP: what an external auditor sees of a programme
during the window (coverage, criteria, gaps, approved evidence, findings) and
nothing of its back office; the programme page and the toolbar offer auditors
only what they can use.

The auditor, "ext-auditor", is listed on the audit only (no role of their own on
the programme): access opens and closes with the window.
"""

from datetime import date
from nr_setup import add_audit
from nr_setup import add_finding
from nr_setup import assess
from nr_setup import audit_transition
from nr_setup import build_programme
from nr_setup import criterion_at
from nr_setup import evidence_in_state
from nr_setup import PASSWORD
from nr_setup import relation
from plone import api

import pytest
import re
import requests
import transaction


WINDOW = (date(2026, 6, 1), date(2026, 6, 30))
DURING = date(2026, 6, 15)
AUDITOR = "ext-auditor"
HIDDEN_TITLES = ("Brouillon confidentiel", "En relecture interne", "Refus interne")
JUSTIFICATION = "Aucun centre de données en propre"


@pytest.fixture
def site(functional_portal):
    programme = build_programme(functional_portal)
    api.user.create(username=AUDITOR, email="audit@sgs.example", password=PASSWORD)
    for user_id, role in (("site-reader", "Reader"), ("site-editor", "Editor")):
        api.user.create(
            username=user_id, email=f"{user_id}@example.org", password=PASSWORD
        )
        api.user.grant_roles(username=user_id, roles=[role])
    assess(programme, "1.1.1", maturity=2)
    assess(programme, "1.1.2", applicable=False, justification=JUSTIFICATION)
    home = criterion_at(programme, "1.1.1")
    reused_by = criterion_at(programme, "1.1.3")
    evidence_in_state(
        home,
        "approved",
        title="Charte numérique approuvée",
        supported_criteria=[relation(reused_by)],
    )
    for state, title in zip(
        ("draft", "pending", "rejected"), HIDDEN_TITLES, strict=True
    ):
        evidence_in_state(criterion_at(programme, "2.1.1"), state, title=title)
    audit = add_audit(programme, *WINDOW, auditors=[AUDITOR])
    audit_transition(audit, "start_audit")
    add_finding(
        audit,
        criterion_at(programme, "2.1.1"),
        "Inventaire incomplet",
        "L'inventaire du parc ne couvre pas les sites distants.",
    )
    transaction.commit()
    return {
        "programme": programme.absolute_url(),
        "overview": f"{programme.absolute_url()}/@@nr-auditor-overview",
        "audit": audit,
        "path": "/".join(programme.getPhysicalPath()),
    }


def get(url, user_id, **kwargs):
    return requests.get(
        url, auth=(user_id, PASSWORD), timeout=30, allow_redirects=False, **kwargs
    )


def assert_refused(response):
    """Refused: 401/403, or Plone's redirect to its log-in or 'insufficient
    privileges' page; and no criterion data in what came back."""
    if response.status_code in (301, 302, 303):
        assert re.search(
            r"require_login|login|insufficient", response.headers["Location"]
        )
    else:
        assert response.status_code in (401, 403), response.status_code
    assert "Charte numérique approuvée" not in response.text
    assert JUSTIFICATION not in response.text
    assert "nr-overview" not in response.text


def row(body, code):
    """The overview's table row of criterion ``code``."""
    anchor = "criterion-" + code.replace(".", "-")
    match = re.search(rf'<tr id="{anchor}">(.*?)</tr>', body, re.S)
    assert match, f"no row for {code}"
    return match.group(1)


def test_the_auditor_sees_the_overview_during_the_window(site, clock):
    clock(DURING)
    response = get(site["overview"], AUDITOR)
    assert response.status_code == 200
    body = response.text
    # Coverage per theme and per principle, and the score in words.
    coverage = re.search(r'class="[^"]*nr-overview-coverage.*?</table>', body, re.S)
    assert coverage
    assert 'class="nr-overview-theme"' in coverage.group(0)
    assert 'class="nr-overview-principle"' in coverage.group(0)
    assert re.search(r"1\.1</span>\s*Intégrer", coverage.group(0))
    assert "Sous le niveau 1 (il faut 300/1000)" in body
    # A covered criterion with its maturity label and its evidence.
    covered = row(body, "1.1.1")
    assert "Couvert" in covered
    assert "2 — Déployé" in covered
    assert "1 preuve approuvée" in covered
    assert "Charte numérique approuvée" in covered
    # Reused evidence is listed under the criterion it also supports.
    reused = row(body, "1.1.3")
    assert "Charte numérique approuvée" in reused
    assert "appuie aussi ce critère, rattachée au" in reused
    assert "1.1.1" in reused
    # Not applicable, with its justification.
    not_applicable = row(body, "1.1.2")
    assert "Non applicable" in not_applicable
    assert JUSTIFICATION in not_applicable
    # Gaps: applicable criteria not covered, never a covered or n/a one.
    gaps = re.search(
        r'<ul class="list-unstyled nr-overview-gaps">(.*?)</ul>', body, re.S
    )
    assert gaps
    assert "#criterion-2-1-1" in gaps.group(1)
    assert "#criterion-1-1-1" not in gaps.group(1)
    assert "#criterion-1-1-2" not in gaps.group(1)
    # Findings.
    assert "Inventaire incomplet" in body
    assert "ne couvre pas les sites distants" in body
    assert "Non-conformité mineure" in body
    # No internal-only numbers nor items; no preview note for an auditor.
    for title in HIDDEN_TITLES:
        assert title not in body
    assert "en attente" not in body.lower()
    assert "brouillon" not in body.lower()
    assert "nr-overview-preview" not in body
    # Read-only: no edit link, no form.
    assert "<form" not in body.split('id="content"')[-1].split("</main>")[0]


def test_a_criterion_waiting_for_review_shows_no_sign_of_it(site, clock):
    """Evidence waiting for review turns the dashboard's light amber; to an
    auditor (and the lead's preview) the criterion simply has no evidence."""
    clock(DURING)
    for user_id in (AUDITOR, "lead"):
        pending_row = row(get(site["overview"], user_id).text, "2.1.1")
        assert "Sans preuve" in pending_row
        assert "nr-light-red" in pending_row
        assert "Aucune preuve approuvée" in pending_row


@pytest.mark.parametrize("day", [date(2026, 5, 31), date(2026, 7, 1)])
def test_the_auditor_is_refused_outside_the_window(site, clock, day):
    clock(day)
    assert_refused(get(site["overview"], AUDITOR))


def test_the_auditor_is_refused_once_the_audit_is_closed(site, clock):
    clock(DURING)
    assert get(site["overview"], AUDITOR).status_code == 200
    audit_transition(site["audit"], "close_audit")
    transaction.commit()
    assert_refused(get(site["overview"], AUDITOR))


def test_the_lead_previews_what_auditors_see(site, clock):
    clock(DURING)
    response = get(site["overview"], "lead")
    assert response.status_code == 200
    body = response.text
    assert "nr-overview-preview" in body
    assert "Vous voyez cette page comme les auditeurs la verront" in body
    assert "Charte numérique approuvée" in body
    for title in HIDDEN_TITLES:
        assert title not in body
    programme = get(site["programme"], "lead").text
    assert "@@nr-auditor-overview" in programme
    assert "Ce que voient les auditeurs" in programme


@pytest.mark.parametrize(
    "user_id", ["site-reader", "site-editor", "reader", "editor", "reviewer"]
)
def test_others_do_not_get_the_overview(site, clock, user_id):
    """Site-wide Reader/Editor see nothing; the programme's readers, editors and
    reviewers are not auditors."""
    clock(DURING)
    assert_refused(get(site["overview"], user_id))


PROGRAMME_LINKS = {
    "review queue": "@@nr-review-queue",
    "my drafts": "@@nr-my-evidence",
    "expiring": "@@nr-expiring-evidence",
    "plan an audit": "++add++nr_audit",
    "dashboard": "@@nr-dashboard",
}


def links_on(url, user_id):
    response = get(url, user_id)
    assert response.status_code == 200
    return {name for name, link in PROGRAMME_LINKS.items() if link in response.text}


def test_the_programme_page_offers_auditors_what_they_can_use(site, clock):
    clock(DURING)
    response = get(site["programme"], AUDITOR)
    assert response.status_code == 200
    assert links_on(site["programme"], AUDITOR) == set()
    assert "nr-auditor-entry" in response.text
    assert "@@nr-auditor-overview" in response.text
    assert "@@nr-audit-pack" in response.text
    # The predicted level in words, never a bare number.
    assert "Sous le niveau 1 (il faut 300/1000)" in response.text
    assert "niveau prévu" not in response.text


def test_the_programme_page_keeps_the_buttons_of_those_who_use_them(site, clock):
    clock(DURING)
    assert links_on(site["programme"], "lead") == set(PROGRAMME_LINKS)
    assert links_on(site["programme"], "reviewer") == {
        "review queue",
        "expiring",
        "dashboard",
    }
    assert links_on(site["programme"], "editor") == {"my drafts", "expiring"}
    editor_page = get(site["programme"], "editor").text
    assert "@@nr-auditor-overview" not in editor_page


def test_auditors_get_no_folder_contents(site, clock):
    clock(DURING)
    criterion = f"{site['programme']}/1/1.1/1.1.1"
    for url in (site["programme"], criterion):
        assert_refused(get(f"{url}/folder_contents", AUDITOR))
        page = get(url, AUDITOR)
        assert page.status_code == 200
        assert "/folder_contents" not in page.text
        for action in (
            "object_cut",
            "object_copy",
            "object_paste",
            "delete_confirmation",
        ):
            assert action not in page.text
    # The lead keeps it: the check above can fail.
    assert "/folder_contents" in get(site["programme"], "lead").text
    assert get(f"{site['programme']}/folder_contents", "lead").status_code == 200


def test_auditor_permissions_below_the_programme(site, clock):
    """At the source: NR Auditor gets neither the listing nor a permission that
    changes content on the programme and below, and keeps View. ("Copy or Move"
    is Zope's, held by everyone, even anonymous visitors; copying needs a place
    to paste, which auditors never have, and the toolbar offers no copy to them:
    see above.)"""
    clock(DURING)
    programme = api.content.get(path=site["path"])
    criterion = criterion_at(programme, "1.1.1")
    for obj in (programme, criterion):
        for permission in (
            "List folder contents",
            "Delete objects",
            "Modify portal content",
            "Add portal content",
        ):
            assert not api.user.has_permission(permission, username=AUDITOR, obj=obj), (
                permission,
                obj,
            )
        assert api.user.has_permission("View", username=AUDITOR, obj=obj)


def test_the_start_page_links_the_auditor_to_the_overview(site, clock):
    clock(DURING)
    response = requests.get(
        f"{api.portal.get().absolute_url()}/@@nr-home",
        auth=(AUDITOR, PASSWORD),
        timeout=30,
    )
    assert response.status_code == 200
    assert f"{site['programme']}/@@nr-auditor-overview" in response.text


def test_the_self_assessment_link_is_for_those_who_may_self_assess(site, clock):
    clock(DURING)
    lead = get(site["programme"], "lead").text
    assert f"{site['programme']}/@@nr-self-assessment" in lead
    assert "Auto-évaluer les critères" in lead
    for user_id in (AUDITOR, "editor", "reviewer"):
        assert "@@nr-self-assessment" not in get(site["programme"], user_id).text


def test_the_overview_in_english(site, clock):
    clock(DURING)
    api.user.get(userid="lead").setMemberProperties({"language": "en"})
    transaction.commit()
    body = get(site["overview"], "lead").text
    for text in (
        "Auditor overview",
        "Coverage by theme and principle",
        "Below level 1 (needs 300/1000)",
        "also supports this criterion, attached to",
        "Minor non-conformity",
        "You are previewing what the auditors see",
    ):
        assert text in body
    assert not re.search(r"\b(overview|heading|home|link)_[a-z_]+\b", body)
