"""Every page of the add-on, with a user who may open it, on one programme holding
content in every state: the language test renders each in fr and en, the phone
test opens each at 390 px. Adding a page is one line in ``PAGES``."""

from collective.nrlabel.action_plan import plan_action
from collective.nrlabel.evidence.intranet import is_stale
from datetime import date
from datetime import timedelta
from nr_setup import add_audit
from nr_setup import add_finding
from nr_setup import build_programme
from nr_setup import criterion_at
from nr_setup import evidence_in_state
from nr_setup import relation
from nr_setup import transition
from plone import api
from plone.app.textfield.value import RichTextValue
from zope.event import notify
from zope.lifecycleevent import Attributes
from zope.lifecycleevent import ObjectModifiedEvent


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
    # Intranet items as evidence (issue #13): the item with its viewlet, the
    # "use as evidence" form, evidence pinned and evidence changed since approval.
    ("intranet page", "author", "/{intranet_stale_page}"),
    ("use as evidence", "author", "/{intranet_page}/@@nr-use-as-evidence"),
    ("evidence intranet approved", "reviewer", "{intranet_approved}"),
    ("evidence intranet stale", "reviewer", "{intranet_stale}"),
    ("evidence intranet stale, lead", "lead", "{intranet_stale}"),
    (
        "transition reapprove",
        "reviewer",
        "{intranet_stale}/@@nr-transition?transition=reapprove",
    ),
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
    intranet = intranet_evidence(portal, criterion)
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
        **{name: rel(item) for name, item in intranet.items() if "page" not in name},
        **{name: item.getId() for name, item in intranet.items() if "page" in name},
    }


def intranet_page(portal, page_id, title):
    """A published page of the intranet, outside any programme."""
    with api.env.adopt_roles(["Manager"]):
        page = api.content.create(
            container=portal,
            type="Document",
            id=page_id,
            title=title,
            text=RichTextValue(f"<p>{title}, version 1.</p>", "text/html", "text/html"),
        )
        api.content.transition(page, "publish")
    return page


def intranet_evidence(portal, criterion):
    """Two intranet pages used as evidence for ``criterion`` and approved (pinned);
    the second is then edited, so its evidence is changed since approval."""
    pages = {
        "intranet_page": intranet_page(portal, "politique-nr", "Politique NR"),
        "intranet_stale_page": intranet_page(portal, "charte-nr", "Charte NR"),
    }
    evidence = {}
    for name, page in (
        ("intranet_approved", pages["intranet_page"]),
        ("intranet_stale", pages["intranet_stale_page"]),
    ):
        with api.env.adopt_user(username="author"):
            evidence[name] = api.content.create(
                container=criterion,
                type="nr_evidence",
                title=f"{page.Title()} (intranet)",
                kind="policy",
                document_date=date(2026, 1, 10),
                intranet_item=relation(page),
            )
        transition(evidence[name], "author", "submit")
        transition(evidence[name], "reviewer", "approve")
    stale_page = pages["intranet_stale_page"]
    with api.env.adopt_roles(["Manager"]):
        stale_page.text = RichTextValue("<p>Version 2.</p>", "text/html", "text/html")
        notify(ObjectModifiedEvent(stale_page, Attributes(None, "IRichText.text")))
    assert is_stale(evidence["intranet_stale"])
    assert not is_stale(evidence["intranet_approved"])
    return {**pages, **evidence}


def page_url(programme, path, content):
    path = path.format(**content)
    if path.startswith("/"):
        return api.portal.get().absolute_url() + path
    return f"{programme.absolute_url()}/{path}".rstrip("/")
