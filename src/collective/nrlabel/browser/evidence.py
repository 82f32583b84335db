"""Evidence on screen: the criterion's list, the evidence page and each editor's
drafts. Reviewing is in browser/review.py."""

from Acquisition import aq_base
from collections import Counter
from collective.nrlabel import _
from collective.nrlabel import clock
from collective.nrlabel.browser.display import ListFormats
from collective.nrlabel.browser.display import localized
from collective.nrlabel.browser.display import review_form_url
from collective.nrlabel.browser.display import state_title
from collective.nrlabel.browser.display import transitions
from collective.nrlabel.browser.display import user_name
from collective.nrlabel.browser.paging import page_of
from collective.nrlabel.browser.paging import PageLinks
from collective.nrlabel.evidence.expiry import EXPIRED
from collective.nrlabel.evidence.expiry import expiry_status
from collective.nrlabel.evidence.expiry import warning_horizon
from collective.nrlabel.evidence.queries import evidence_of_criterion
from collective.nrlabel.evidence.queries import my_evidence
from collective.nrlabel.evidence.rules import approval
from collective.nrlabel.evidence.rules import EVIDENCE_WORKFLOW
from collective.nrlabel.evidence.rules import is_safe_link
from collective.nrlabel.evidence.rules import last_action
from collective.nrlabel.evidence.rules import may_attach_to
from collective.nrlabel.evidence.rules import rejection_reason
from collective.nrlabel.evidence.rules import supported_criteria
from collective.nrlabel.permissions import AddAction
from collective.nrlabel.permissions import AddEvidence
from collective.nrlabel.permissions import ModifyPortalContent
from collective.nrlabel.permissions import SelfAssess
from collective.nrlabel.permissions import View
from collective.nrlabel.programme_tree import programme_of
from collective.nrlabel.vocabularies import term_title
from functools import cached_property
from plone import api
from Products.Five.browser import BrowserView


def history(evidence, formats=None):
    """The review history and the saved versions, newest first, for display.
    ``formats``: a list's ``ListFormats`` (the same people, labels and date
    format on every row)."""
    formats = formats or ListFormats()
    workflow = api.portal.get_tool("portal_workflow")[EVIDENCE_WORKFLOW]
    rows = []
    for entry in evidence.workflow_history.get(EVIDENCE_WORKFLOW, ()):
        action = entry.get("action")
        transition = workflow.transitions.get(action) if action else None
        rows.append(
            {
                "action": formats.text(
                    _(transition.title)
                    if transition
                    else _("history_created", default="Created")
                ),
                "actor": formats.name(entry.get("actor")),
                "moment": entry.get("time"),
                "comments": entry.get("comments") or "",
                "state": formats.text(
                    state_title(evidence, entry.get("review_state"), EVIDENCE_WORKFLOW)
                ),
            }
        )
    rows.extend(versions(evidence, formats))
    rows.sort(key=lambda row: float(row["moment"] or 0), reverse=True)
    for row in rows:
        row["time"] = formats.date(row.pop("moment"), long_format=True)
    return rows


def versions(evidence, formats=None):
    """The versions CMFEditions saved of ``evidence`` after the first (each save
    that changed it; a replaced file says so in the version's comment)."""
    from DateTime import DateTime

    # The archivist, not the repository: anyone who sees the evidence sees who
    # saved it when (an auditor included), not the old versions themselves.
    from Products.CMFEditions.interfaces.IArchivist import ArchivistUnregisteredError

    formats = formats or ListFormats()
    archivist = api.portal.get_tool("portal_archivist")
    try:
        history = archivist.getHistoryMetadata(evidence)
    except ArchivistUnregisteredError:
        return []
    if not history:
        return []
    rows = []
    for number in range(1, history.getLength(countPurged=False)):
        meta = history.retrieve(number)["metadata"]["sys_metadata"]
        rows.append(
            {
                "action": _(
                    "history_version",
                    default="Version ${number}",
                    mapping={"number": number + 1},
                ),
                "actor": formats.name(meta.get("principal")),
                "moment": DateTime(meta.get("timestamp")),
                "comments": meta.get("comment") or "",
                "state": "",
            }
        )
    return rows


def evidence_transitions(evidence, formats=None):
    """The transitions the current user may take; "Revise" opens the edit form
    (saving rejected evidence revises it, browser/evidence_forms.py)."""

    def url_of(url, transition_id):
        if transition_id == "revise":
            return f"{url}/edit"
        return review_form_url(url, transition_id)

    found = transitions(evidence, url_of)
    if formats is not None:
        for transition in found:
            transition["title"] = formats.text(transition["title"])
    return found


def expiry(evidence, horizon=None):
    """The expiry badge of ``evidence``: None, or its status and title."""
    if not evidence.valid_until:
        return None
    today = clock.today()
    if horizon is None:
        horizon = warning_horizon(programme_of(evidence), today)
    status = expiry_status(evidence.valid_until, today, horizon)
    if status is None:
        return None
    if status == EXPIRED:
        title = _("evidence_badge_expired", default="Expired")
    else:
        # The valid-until date is shown next to the badge.
        title = _("evidence_badge_expires_soon", default="Expires soon")
    return {"status": status, "title": title}


def rejection(evidence):
    """Who rejected ``evidence``, when and why, while it is rejected; else None."""
    if api.content.get_state(evidence) != "rejected":
        return None
    entry = last_action(evidence, "reject")
    if entry is None:
        return None
    return {
        "actor": user_name(entry.get("actor")),
        "time": localized(entry.get("time"), long_format=True),
        "reason": entry.get("comments") or "",
    }


def evidence_row(evidence, criterion=None, horizon=None, formats=None):
    """Everything a list of evidence shows about one item (object is awake here).
    ``horizon``: the "expires soon" limit, computed once by a list's view;
    ``formats``: its ``ListFormats``."""
    formats = formats or ListFormats()
    approver, approved = approval(evidence)
    today = clock.today()
    file = evidence.file
    badge = expiry(evidence, horizon)
    if badge is not None:
        badge["title"] = formats.text(badge["title"])
    state = api.content.get_state(evidence)
    home = evidence.__parent__
    return {
        "title": evidence.Title(),
        "url": evidence.absolute_url(),
        "state": state,
        "state_title": formats.text(state_title(None, state, EVIDENCE_WORKFLOW)),
        "kind": formats.text(
            formats.term("collective.nrlabel.EvidenceKinds", evidence.kind)
        ),
        "document_date": formats.date(evidence.document_date),
        "valid_until": formats.date(evidence.valid_until),
        "expired": expiry_status(evidence.valid_until, today, today) == EXPIRED,
        "approver": formats.name(approver),
        "approved": formats.date(approved),
        "from_other_criterion": criterion is not None
        and home is not None
        and aq_base(home) is not aq_base(criterion),
        "home_code": getattr(home, "code", ""),
        "download": file
        and f"{evidence.absolute_url()}/@@download/file/{file.filename}",
        "filename": file and file.filename,
        "link": evidence.link if is_safe_link(evidence.link) else None,
        # Stored before links were checked: shown as text, never as a live link.
        "unsafe_link": evidence.link if not is_safe_link(evidence.link) else None,
        "transitions": evidence_transitions(evidence, formats),
        "expiry": badge,
        "history": history(evidence, formats),
        "can_edit": api.user.has_permission(ModifyPortalContent, obj=evidence),
        "intranet": intranet_facts(evidence),
    }


def _unlinked_label(item, title):
    """Shown instead of the item's link: the pinned title to who may read the pin
    (an auditor), else words that give nothing away."""
    if title:
        return title
    if item is None:
        return _(
            "text_deleted_intranet_item", default="an intranet document since deleted"
        )
    return _(
        "text_hidden_intranet_item", default="an intranet document you cannot open"
    )


def intranet_facts(evidence):
    """What the evidence page and the criterion's list say of an intranet item:
    the pin (version, date, SHA-256) and whether it changed since approval.

    The item's address only for someone who may View the live item; its pinned
    title and the approved bytes only for who may read the pin
    (``may_read_pinned``): a colleague without View on the item learns neither
    through the evidence. None for other kinds of evidence.
    """
    from collective.nrlabel.evidence.intranet import intranet_item
    from collective.nrlabel.evidence.intranet import may_read_pinned
    from collective.nrlabel.evidence.intranet import pin_of
    from collective.nrlabel.evidence.intranet import pinned_copy
    from collective.nrlabel.evidence.intranet import stale_of
    from collective.nrlabel.evidence.intranet import stale_reason_text
    from DateTime import DateTime
    from Products.CMFEditions.Permissions import AccessPreviousVersions

    pinned = pin_of(evidence)
    if pinned is None and getattr(evidence, "intranet_item", None) is None:
        return None
    item = intranet_item(evidence)
    can_view = item is not None and api.user.has_permission(View, obj=item)
    may_read = may_read_pinned(evidence)
    stale = stale_of(evidence)
    url = item.absolute_url() if can_view else None
    title = (
        pinned.title if pinned and may_read else (item.Title() if can_view else None)
    )
    return {
        "pinned": pinned is not None,
        "version": pinned.version_id + 1
        if pinned and pinned.version_id is not None
        else None,
        "date": localized(DateTime(pinned.modified), long_format=True)
        if pinned
        else "",
        "sha256": pinned.sha256 if pinned else "",
        "title": title,
        "url": url,
        "hidden": _unlinked_label(item, title),
        # Plone's history page needs "Access previous versions" on the item,
        # which an NR reviewer seldom has: no link that ends on a refusal.
        "history_url": f"{url}/@@history"
        if url and api.user.has_permission(AccessPreviousVersions, obj=item)
        else None,
        "stale_reason": stale_reason_text(stale.reason) if stale else None,
        "stale_since": localized(DateTime(stale.since), long_format=True)
        if stale
        else "",
        "pinned_url": f"{evidence.absolute_url()}/@@nr-pinned"
        if pinned
        and may_read
        and (pinned_copy(evidence) is not None or pinned.version_id is not None)
        else None,
    }


# Evidence rows per page of a criterion: each row wakes its item (history,
# transitions), so that a page costs what its rows cost, whatever the criterion
# holds. Ten rows keep a page within 1.5x of a one-item criterion's
# (bench/criterion_page.py): a row costs about 4 ms, the page around it 80 ms.
EVIDENCE_PAGE_SIZE = 10

# The order of the per-state counts: what supports the criterion first.
STATE_ORDER = ("approved", "pending", "draft", "rejected")


class CriterionView(BrowserView):
    """A criterion: its guidance and its evidence with state, validity and history,
    one page of ``EVIDENCE_PAGE_SIZE`` items at a time; the counts are read from
    the catalog's metadata, for all the evidence the user may see."""

    @cached_property
    def _brains(self):
        return evidence_of_criterion(self.context)

    @cached_property
    def batch(self):
        return page_of(
            self._brains, self.request.form.get("b_start"), EVIDENCE_PAGE_SIZE
        )

    @cached_property
    def evidence(self):
        horizon = warning_horizon(programme_of(self.context), clock.today())
        formats = ListFormats(self.request)
        return [
            # The catalog already left out what the user may not view.
            evidence_row(brain._unrestrictedGetObject(), self.context, horizon, formats)
            for brain in self.batch
        ]

    @cached_property
    def evidence_count(self):
        """All the evidence the user may see, not the page's."""
        return len(self._brains)

    @cached_property
    def state_counts(self):
        """How many items in each state, from the catalog's ``review_state``."""
        counts = Counter(brain.review_state for brain in self._brains)
        known = [state for state in STATE_ORDER if counts[state]]
        others = sorted(state for state in counts if state not in STATE_ORDER)
        return [
            {
                "state": state,
                "title": state_title(None, state, EVIDENCE_WORKFLOW),
                "count": counts[state],
            }
            for state in known + others
        ]

    def page_links(self):
        """Plone's batch navigation (its links keep the other query parameters);
        nothing when everything fits on one page."""
        if not self.batch.multiple_pages:
            return ""
        return PageLinks(self.context, self.request)(self.batch)

    def shown_range(self):
        """The page's first and last item (1-based) and the total."""
        batch = self.batch
        return {
            "first": batch.first + 1,
            "last": batch.first + batch.length,
            "total": self.evidence_count,
        }

    @cached_property
    def can_add_evidence(self):
        return api.user.has_permission(AddEvidence, obj=self.context)

    def add_url(self):
        return f"{self.context.absolute_url()}/++add++nr_evidence"

    @cached_property
    def can_attach_evidence(self):
        return may_attach_to(self.context)

    def attach_url(self):
        return f"{self.context.absolute_url()}/@@nr-attach-evidence"

    def self_assessment(self):
        from collective.nrlabel.settings import maturity_label
        from collective.nrlabel.settings import maturity_levels

        criterion = self.context
        levels = maturity_levels()
        maturity = criterion.maturity
        return {
            "applicability": term_title(
                "collective.nrlabel.Applicability", criterion.applicability
            ),
            "maturity": f"{maturity} — {maturity_label(maturity, levels)}"
            if maturity_label(maturity, levels)
            else "—",
            "owner": user_name(criterion.owner) or "—",
            "target_date": localized(criterion.target_date) or "—",
        }

    def can_assess(self):
        """The grid's permission on the programme (browser/self_assessment.py)."""
        programme = programme_of(self.context)
        return programme is not None and api.user.has_permission(
            SelfAssess, obj=programme
        )

    def can_plan_action(self):
        from collective.nrlabel.action_plan import action_plan

        programme = programme_of(self.context)
        return programme is not None and api.user.has_permission(
            AddAction, obj=action_plan(programme)
        )

    def self_assessment_url(self):
        """The programme's self-assessment grid, at this criterion's row."""
        programme = programme_of(self.context)
        anchor = "criterion-" + (self.context.code or "").replace(".", "-")
        return f"{programme.absolute_url()}/@@nr-self-assessment#{anchor}"

    @cached_property
    def actions(self):
        """The actions on this criterion: owner by name, due date in full, state."""
        from collective.nrlabel.action_plan import actions_of_criterion
        from collective.nrlabel.action_plan import is_overdue

        return [
            {
                "title": brain.Title,
                "url": brain.getURL(),
                "owner": user_name(brain.nr_responsible) or "—",
                "due": localized(brain.nr_due_date) or "—",
                "state_title": state_title(
                    None, brain.review_state, "nr_action_workflow"
                ),
                "overdue": is_overdue(brain.nr_due_date, brain.review_state),
            }
            for brain in actions_of_criterion(self.context)
        ]


class EvidenceView(BrowserView):
    @cached_property
    def row(self):
        return evidence_row(self.context)

    @cached_property
    def rejection(self):
        return rejection(self.context)

    def supported_criteria(self):
        return [
            {"code": c.code, "title": c.Title(), "url": c.absolute_url()}
            for c in supported_criteria(self.context)
            if api.user.has_permission(View, obj=c)
        ]


class MyEvidenceView(BrowserView):
    """The current user's drafts and rejected evidence."""

    def rows(self):
        user_id = api.user.get_current().getId()
        rows = []
        for brain in my_evidence(self.context, user_id):
            evidence = brain.getObject()
            rows.append(
                {
                    "title": brain.Title,
                    "url": brain.getURL(),
                    "code": getattr(evidence.__parent__, "code", ""),
                    "criterion": evidence.__parent__.Title(),
                    "state": brain.review_state,
                    "state_title": state_title(
                        None, brain.review_state, EVIDENCE_WORKFLOW
                    ),
                    "reason": rejection_reason(evidence)
                    if brain.review_state == "rejected"
                    else "",
                    "modified": localized(brain.modified),
                }
            )
        return rows

    def programme(self):
        return programme_of(self.context)

    def owned_criteria(self):
        """Criteria the current user owns (catalog: nr_owner)."""
        return api.content.find(
            context=self.context,
            portal_type="nr_criterion",
            nr_owner=api.user.get_current().getId(),
            sort_on="path",
        )
