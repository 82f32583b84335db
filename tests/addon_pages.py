"""Every page of the add-on, with a user who may open it, on one programme holding
content in every state: the language test renders each in fr and en, the phone
test opens each at 390 px. Adding a page is one line in ``PAGES``."""

from collective.nrlabel.action_plan import plan_action
from datetime import date
from datetime import timedelta
from nr_setup import add_audit
from nr_setup import add_finding
from nr_setup import build_programme
from nr_setup import criterion_at
from nr_setup import evidence_in_state
from plone import api


PAGES = (
    ("programme", "lead", ""),
    ("theme", "lead", "1"),
    ("principle", "lead", "1/1.1"),
    ("criterion", "lead", "{criterion}"),
    ("evidence draft", "author", "{draft}"),
    ("evidence pending", "reviewer", "{pending}"),
    ("evidence approved", "lead", "{approved}"),
    ("evidence rejected", "author", "{rejected}"),
    ("action plan", "lead", "{plan}"),
    ("action", "lead", "{action}"),
    ("audit", "lead", "{audit}"),
    ("finding", "lead", "{finding}"),
    ("dashboard", "lead", "@@nr-dashboard"),
    ("dashboard filtered", "lead", "@@nr-dashboard?light=red"),
    ("self-assessment", "lead", "@@nr-self-assessment"),
    ("activity log", "lead", "@@nr-activity"),
    ("auditor overview", "lead", "@@nr-auditor-overview"),
    ("overdue actions", "lead", "{plan}?show=overdue"),
    (
        "confirm start audit",
        "lead",
        "{audit}/@@nr-confirm-transition?transition=start_audit",
    ),
    ("review queue", "reviewer", "@@nr-review-queue"),
    ("my evidence", "author", "@@nr-my-evidence"),
    ("expiring evidence", "lead", "@@nr-expiring-evidence"),
    ("about", "lead", "/@@nr-about"),
    ("auditor downloads", "lead", "@@nr-auditor-downloads"),
    ("transition submit", "author", "{draft}/@@nr-transition?transition=submit"),
    ("transition reject", "reviewer", "{pending}/@@nr-transition?transition=reject"),
    ("import form", "manager", "/@@nr-import-referential"),
    ("settings", "manager", "/@@nr-settings"),
    ("home", "lead", "/@@nr-home"),
    ("add programme", "manager", "/++add++nr_programme"),
    ("add theme", "lead", "++add++nr_theme"),
    ("add criterion", "lead", "1/++add++nr_criterion"),
    ("add evidence", "author", "{criterion}/++add++nr_evidence"),
    ("attach evidence", "author", "{criterion}/@@nr-attach-evidence"),
    ("add action", "lead", "{plan}/++add++nr_action"),
    ("add audit", "lead", "++add++nr_audit"),
    ("add finding", "lead", "{audit}/++add++nr_finding"),
    ("edit programme", "lead", "@@edit"),
    ("edit criterion", "lead", "{criterion}/@@edit"),
    ("edit evidence", "author", "{draft}/@@edit"),
    ("edit action", "lead", "{action}/@@edit"),
    ("edit audit", "lead", "{audit}/@@edit"),
    ("edit finding", "lead", "{finding}/@@edit"),
)


def build_content(portal, language):
    """A programme whose referential is in ``language`` (its texts are content, not
    the add-on's), with evidence in each state, an action, an audit and a finding.

    The site's default language stays French: English comes from the users'
    preference."""
    programme = build_programme(portal, language=language)
    api.portal.set_registry_record("plone.default_language", "fr")
    for member in api.user.get_users():
        member.setMemberProperties({"language": language})
    criterion = criterion_at(programme, "1.1.1")
    evidence = {
        state: evidence_in_state(criterion, state, title=f"Note {state}")
        for state in ("draft", "pending", "approved", "rejected")
    }
    action = plan_action(criterion, "Sobriety 1", due_date=date.today())
    audit = add_audit(programme, date.today(), date.today() + timedelta(days=10))
    finding = add_finding(audit, criterion, "Finding 1", "Text")
    start = len(programme.getPhysicalPath())

    def rel(obj):
        return "/".join(obj.getPhysicalPath()[start:])

    return programme, {
        "criterion": rel(criterion),
        **{state: rel(item) for state, item in evidence.items()},
        "plan": rel(action.__parent__),
        "action": rel(action),
        "audit": rel(audit),
        "finding": rel(finding),
    }


def page_url(programme, path, content):
    path = path.format(**content)
    if path.startswith("/"):
        return api.portal.get().absolute_url() + path
    return f"{programme.absolute_url()}/{path}".rstrip("/")
