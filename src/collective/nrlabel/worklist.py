"""What is waiting for whom: the start page's data, one programme at a time.

Plain functions over the catalog, run as the current user: the catalog filters by
permission, so a person only ever hears about what they may see. A programme is
"theirs" when they can see it, which its workflow allows only to the add-on's
roles given on it (and to site administrators): Plone's site-wide roles grant
nothing here. Every rule is someone else's (readiness lights, the overdue rule,
the expiry rule, the auditor window): this module only gathers them per person.
"""

from collective.nrlabel import clock
from collective.nrlabel.action_plan import overdue_actions
from collective.nrlabel.audit.lifecycle import audits
from collective.nrlabel.audit.window import IN_AUDIT
from collective.nrlabel.audit.window import window_open
from collective.nrlabel.evidence.expiry import expiring_evidence
from collective.nrlabel.evidence.queries import EVIDENCE_TYPE
from collective.nrlabel.evidence.queries import review_queue
from collective.nrlabel.evidence.queries import stale_evidence
from collective.nrlabel.evidence.rules import rejection_reason
from collective.nrlabel.permissions import DownloadAuditPack
from collective.nrlabel.permissions import ViewAuditorDownloads
from collective.nrlabel.permissions import ViewDashboard
from collective.nrlabel.readiness import readiness
from dataclasses import dataclass
from dataclasses import field
from plone import api


PROGRAMME_TYPE = "nr_programme"
ADMIN_ROLES = ("Manager", "Site Administrator")
EDITOR_ROLES = ("NR Editor", "NR Contributor")
LEAD_ROLE = "NR Lead"
REVIEWER_ROLE = "NR Reviewer"
AUDITOR_ROLE = "NR Auditor"
READER_ROLE = "NR Reader"
# In the order the start page names them.
NR_ROLES = (
    LEAD_ROLE,
    REVIEWER_ROLE,
    AUDITOR_ROLE,
    "NR Editor",
    "NR Contributor",
    READER_ROLE,
)
MY_STATES = ("draft", "rejected", "pending")


@dataclass(frozen=True)
class MyEvidence:
    title: str
    url: str
    state: str
    modified: object  # DateTime
    criterion_code: str = ""
    criterion_title: str = ""
    reason: str = ""  # the rejection comment


@dataclass(frozen=True)
class OpenAudit:
    title: str
    url: str
    window_start: object  # date
    window_end: object  # date


@dataclass
class ProgrammeWork:
    """One programme of the start page and what waits there for its reader.

    ``None`` for a part the reader's roles do not call for; an empty list or 0
    for a part that concerns them but where nothing waits.
    """

    title: str
    url: str
    roles: tuple
    owned_criteria: list | None = None  # readiness.CriterionReadiness
    drafts: list = field(default_factory=list)
    rejected: list = field(default_factory=list)
    pending: list = field(default_factory=list)
    review_count: int | None = None
    # Approved evidence whose intranet document changed since approval (catalog
    # records): all of the programme's for a reviewer or the lead, who re-approve
    # or reject it; an editor's own otherwise.
    stale: list | None = None
    overdue_actions: list | None = None  # catalog brains
    expiring_evidence: list | None = None  # (brain, expiry status)
    open_audits: list | None = None
    # Links the reader may follow (their permissions on the programme).
    may_view_dashboard: bool = False
    may_view_downloads: bool = False
    may_download_pack: bool = False

    @property
    def nothing_waits(self):
        """Nothing to do: no own criterion, item, review, overdue action,
        expiring evidence or open audit."""
        return not (
            self.owned_criteria
            or self.drafts
            or self.rejected
            or self.pending
            or self.review_count
            or self.stale
            or self.overdue_actions
            or self.expiring_evidence
            or self.open_audits
        )


def is_admin(user=None):
    user = user or api.user.get_current()
    return any(role in ADMIN_ROLES for role in user.getRoles())


def has_programme(user=None):
    """Whether the user may see a programme at all: the test for showing the
    start page's links. One catalog query (none for anonymous or administrators)."""
    if api.user.is_anonymous():
        return False
    if is_admin(user):
        return True
    catalog = api.portal.get_tool("portal_catalog")
    return bool(catalog(portal_type=PROGRAMME_TYPE, sort_limit=1)[:1])


def my_programmes():
    """Catalog records of the programmes the current user may see, by title."""
    if api.user.is_anonymous():
        return []
    return api.content.find(portal_type=PROGRAMME_TYPE, sort_on="sortable_title")


def nr_roles(programme, user=None):
    """The add-on's roles ``user`` holds on ``programme`` (local, or through a
    group such as an audit's auditors), in NR_ROLES order; site administrators
    count as leads and reviewers."""
    held = set(api.user.get_roles(user=user, obj=programme))
    roles = [role for role in NR_ROLES if role in held]
    if held.intersection(ADMIN_ROLES):
        roles += [r for r in (LEAD_ROLE, REVIEWER_ROLE) if r not in roles]
    return tuple(roles)


def programme_work(programme, user=None, on=None):
    """What waits for ``user`` (default: the current user) on ``programme``."""
    user = user or api.user.get_current()
    on = on or clock.today()
    roles = nr_roles(programme, user)
    work = ProgrammeWork(
        title=programme.Title(),
        url=programme.absolute_url(),
        roles=roles,
        may_view_dashboard=_may(ViewDashboard, programme),
        may_view_downloads=_may(ViewAuditorDownloads, programme),
        may_download_pack=_may(DownloadAuditPack, programme),
    )
    if set(roles).intersection((*EDITOR_ROLES, LEAD_ROLE)):
        _add_my_work(work, programme, user.getId(), on)
    if set(roles).intersection((REVIEWER_ROLE, LEAD_ROLE)):
        # The lead reviews too, and answers for a queue that grows.
        work.review_count = len(review_queue(programme))
        work.stale = stale_evidence(programme)
    elif set(roles).intersection(EDITOR_ROLES):
        work.stale = stale_evidence(programme, creator=user.getId())
    if LEAD_ROLE in roles:
        work.overdue_actions = list(overdue_actions(programme, on))
        work.expiring_evidence = expiring_evidence(programme, on)
    if AUDITOR_ROLE in roles:
        work.open_audits = open_audits(programme, on)
    return work


def _may(permission, programme):
    return bool(api.user.has_permission(permission, obj=programme))


def worklist(user=None, on=None):
    """A ProgrammeWork for each programme the current user may see."""
    return [programme_work(b.getObject(), user, on) for b in my_programmes()]


def _add_my_work(work, programme, user_id, on):
    """Criteria ``user_id`` owns (with their readiness light) and their own
    drafts, rejected and pending evidence."""
    work.owned_criteria = owned_criteria(programme, user_id, on)
    for item in my_items(programme, user_id):
        {"draft": work.drafts, "rejected": work.rejected, "pending": work.pending}[
            item.state
        ].append(item)


def owned_criteria(programme, user_id, on=None):
    """The criteria ``user_id`` owns, as readiness sees them (light, approved and
    pending counts): the dashboard's computation, not a second one. Readiness
    runs only for someone who owns a criterion."""
    path = "/".join(programme.getPhysicalPath())
    if not api.content.find(portal_type="nr_criterion", path=path, nr_owner=user_id):
        return []
    return [c for c in readiness(programme, on).criteria if c.owner == user_id]


def my_items(programme, user_id):
    """``user_id``'s own draft, rejected and pending evidence in ``programme``,
    the most recently changed first, each with its criterion and, when rejected,
    the reviewer's reason (the last rejection's comment)."""
    brains = api.content.find(
        portal_type=EVIDENCE_TYPE,
        review_state=MY_STATES,
        Creator=user_id,
        path="/".join(programme.getPhysicalPath()),
        sort_on="modified",
        sort_order="descending",
    )
    criteria = _parents(brains)
    items = []
    for brain in brains:
        code, title = criteria.get(brain.getPath().rsplit("/", 1)[0], ("", ""))
        reason = ""
        if brain.review_state == "rejected":
            reason = rejection_reason(brain.getObject())
        items.append(
            MyEvidence(
                title=brain.Title,
                url=brain.getURL(),
                state=brain.review_state,
                modified=brain.modified,
                criterion_code=code,
                criterion_title=title,
                reason=reason,
            )
        )
    return items


def _parents(brains):
    """Code and title of the criteria holding ``brains``, by path: one query."""
    paths = sorted({b.getPath().rsplit("/", 1)[0] for b in brains})
    if not paths:
        return {}
    parents = api.content.find(
        portal_type="nr_criterion", path={"query": paths, "depth": 0}
    )
    return {p.getPath(): (p.nr_code or "", p.Title) for p in parents}


def open_audits(programme, on=None):
    """The audits of ``programme`` whose auditor window is open ``on`` a day."""
    found = []
    for brain in audits(programme, states=(IN_AUDIT,)):
        audit = brain.getObject()
        if window_open(brain.review_state, audit.window_start, audit.window_end, on=on):
            found.append(
                OpenAudit(
                    title=brain.Title,
                    url=brain.getURL(),
                    window_start=audit.window_start,
                    window_end=audit.window_end,
                )
            )
    return found
