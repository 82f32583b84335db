"""Reviewing evidence: the transition form, Plone's state menu on evidence, the
review queue and its bulk approval.

The queue's filters travel through the review forms as ``came_from`` (the queue's
own address); it is only ever read back into filters and the address rebuilt from
the programme, so it cannot send anyone elsewhere.
"""

from collective.nrlabel import _
from collective.nrlabel import clock
from collective.nrlabel.browser.display import localized
from collective.nrlabel.browser.display import state_title
from collective.nrlabel.browser.display import user_name
from collective.nrlabel.browser.posting import checked_post
from collective.nrlabel.evidence.expiry import approval_warning
from collective.nrlabel.evidence.expiry import EXPIRED
from collective.nrlabel.evidence.expiry import expiry_status
from collective.nrlabel.evidence.expiry import warning_horizon
from collective.nrlabel.evidence.queries import next_in_queue
from collective.nrlabel.evidence.queries import parse_queue_filters
from collective.nrlabel.evidence.queries import QUEUE_AGES
from collective.nrlabel.evidence.queries import QUEUE_SORTS
from collective.nrlabel.evidence.queries import queue_themes
from collective.nrlabel.evidence.queries import QueueFilterError
from collective.nrlabel.evidence.queries import QueueFilters
from collective.nrlabel.evidence.queries import review_queue
from collective.nrlabel.evidence.queries import waiting_days
from collective.nrlabel.evidence.rules import EVIDENCE_WORKFLOW
from collective.nrlabel.evidence.rules import is_own_evidence
from collective.nrlabel.evidence.rules import is_safe_link
from collective.nrlabel.evidence.rules import last_action
from collective.nrlabel.evidence.rules import REVIEW_TRANSITIONS
from collective.nrlabel.evidence.rules import transition_refusal
from collective.nrlabel.permissions import ReviewEvidence
from collective.nrlabel.permissions import View
from collective.nrlabel.programme_tree import programme_of
from collective.nrlabel.vocabularies import term_title
from functools import cached_property
from plone import api
from plone.app.content.browser.content_status_modify import (
    ContentStatusModifyView as BaseContentStatusModifyView,
)
from plone.protect import CheckAuthenticator
from plone.uuid.interfaces import IUUID
from Products.CMFCore.WorkflowCore import WorkflowException
from Products.Five.browser import BrowserView
from Products.statusmessages import STATUSMESSAGEKEY
from urllib.parse import parse_qs
from urllib.parse import urlencode
from urllib.parse import urlsplit
from zExceptions import BadRequest
from zExceptions import Unauthorized
from zope.annotation.interfaces import IAnnotations
from zope.component import getUtility
from zope.i18nmessageid import Message
from zope.schema.interfaces import IVocabularyFactory

import transaction


KINDS = "collective.nrlabel.EvidenceKinds"

# What a transition did, said as its result (one message per transition).
RESULT_MESSAGES = {
    "submit": _("message_result_submit", default="Submitted for review: “${title}”."),
    "approve": _("message_result_approve", default="Approved: “${title}”."),
    "reject": _(
        "message_result_reject",
        default="Rejected: “${title}”. Its authors see your reason.",
    ),
    "revise": _("message_result_revise", default="Back to draft: “${title}”."),
    "reopen": _(
        "message_result_reopen", default="Reopened, back to draft: “${title}”."
    ),
}

QUEUE_EMPTY = _(
    "message_queue_empty",
    default="Queue empty: nothing else is waiting for your review here.",
)


def result_message(evidence, transition_id):
    """What ``transition_id`` did to ``evidence``, in words, with its title."""
    message = RESULT_MESSAGES.get(transition_id)
    if message is None:
        return _(
            "message_evidence_now",
            default="${title}: ${state}.",
            mapping={
                "title": evidence.Title(),
                "state": api.portal.translate(state_title(evidence)),
            },
        )
    return Message(message, mapping={"title": evidence.Title()})


def warning_message(warning):
    """The approval warning of ``expiry.approval_warning`` in words, or None."""
    if warning is None:
        return None
    mapping = {"date": localized(warning.valid_until)}
    if warning.status == EXPIRED:
        return _(
            "warning_approve_expired",
            default="This evidence expired on ${date}: approved, it will not cover "
            "its criteria.",
            mapping=mapping,
        )
    if warning.audit_end is not None:
        mapping["end"] = localized(warning.audit_end)
        return _(
            "warning_approve_expires_before_audit",
            default="This evidence expires on ${date}, before the end of the next "
            "audit (${end}).",
            mapping=mapping,
        )
    return _(
        "warning_approve_expires_soon",
        default="This evidence expires soon, on ${date}.",
        mapping=mapping,
    )


def kind_values(context):
    return [term.value for term in getUtility(IVocabularyFactory, name=KINDS)(context)]


def queue_url(programme, filters=None):
    """The review queue of ``programme`` with ``filters``, as a link."""
    query = urlencode(filters.as_query()) if filters is not None else ""
    url = f"{programme.absolute_url()}/@@nr-review-queue"
    return f"{url}?{query}" if query else url


def filters_from_url(programme, url):
    """The filters of ``url`` if it is ``programme``'s review queue, else None.

    Anything else (another site, another page, a scheme-relative address) is not a
    way back; filters the queue would refuse fall back to the whole queue.
    """
    if programme is None or not isinstance(url, str) or not url:
        return None
    try:
        target = urlsplit(url)
    except ValueError:
        return None
    base = urlsplit(queue_url(programme))
    if (target.scheme, target.netloc, target.path) != (
        base.scheme,
        base.netloc,
        base.path,
    ):
        return None
    form = {
        key: values[0] if len(values) == 1 else values
        for key, values in parse_qs(target.query).items()
    }
    try:
        return parse_queue_filters(
            form,
            {code for code, title in queue_themes(programme)},
            kind_values(programme),
        )
    except QueueFilterError:
        return QueueFilters()


def review_form_link(evidence, transition_id, came_from=""):
    query = {"transition": transition_id}
    if came_from:
        query["came_from"] = came_from
    return f"{evidence.absolute_url()}/@@nr-transition?{urlencode(query)}"


def review_row(evidence, came_from="", horizon=None):
    """What a reviewer reads about pending ``evidence`` before deciding: its
    criterion and the evidence the criterion expects, its kind, the submitter's
    comment, how long it has waited and whether it expires."""
    criterion = evidence.__parent__
    submit = last_action(evidence, "submit") or {}
    submitted = submit.get("time")
    today = clock.today()
    horizon = horizon or warning_horizon(programme_of(evidence), today)
    file = getattr(evidence, "file", None)
    return {
        "uid": IUUID(evidence),
        "title": evidence.Title(),
        "url": evidence.absolute_url(),
        "code": getattr(criterion, "code", ""),
        "criterion": criterion.Title(),
        "criterion_url": criterion.absolute_url(),
        "guidance": getattr(criterion, "guidance", None) or "",
        "kind": term_title(KINDS, getattr(evidence, "kind", None)),
        "submitter": user_name(submit.get("actor")),
        "submitted": localized(submitted),
        "days": waiting_days(submitted.ISO8601()) if submitted else None,
        "comment": submit.get("comments") or "",
        "valid_until": localized(evidence.valid_until),
        "expiry": expiry_status(evidence.valid_until, today, horizon),
        "download": file and f"{evidence.absolute_url()}/@@download/file",
        "link": evidence.link if is_safe_link(evidence.link) else None,
        "approve_url": review_form_link(evidence, "approve", came_from),
        "reject_url": review_form_link(evidence, "reject", came_from),
    }


class TransitionView(BrowserView):
    """Confirm a transition, with a comment (required to reject).

    A review shows what the reviewer needs to decide (the criterion's expected
    evidence, the submitter's comment); approving evidence that has expired or
    expires soon needs an explicit confirmation. Coming from the review queue, a
    review leads to the queue's next item.
    """

    error = None
    refused = False

    @cached_property
    def transition_id(self):
        value = self.request.form.get("transition", "")
        return value if isinstance(value, str) else ""

    @cached_property
    def transition(self):
        workflow = api.portal.get_tool("portal_workflow")[EVIDENCE_WORKFLOW]
        return workflow.transitions.get(self.transition_id)

    comment_error = None

    @property
    def comment_required(self):
        return self.transition_id == "reject"

    @property
    def is_review(self):
        return self.transition_id in REVIEW_TRANSITIONS

    @cached_property
    def programme(self):
        return programme_of(self.context)

    @cached_property
    def queue_filters(self):
        """The filters of the queue the reviewer came from, or None."""
        return filters_from_url(self.programme, self.request.form.get("came_from"))

    @property
    def came_from(self):
        """The queue to carry on with (rebuilt, never the address as sent)."""
        if self.queue_filters is None:
            return ""
        return queue_url(self.programme, self.queue_filters)

    @cached_property
    def warning(self):
        if self.transition_id != "approve":
            return None
        return warning_message(approval_warning(self.context))

    @cached_property
    def summary(self):
        return review_row(self.context, self.came_from) if self.is_review else None

    @cached_property
    def stale(self):
        """What changed in the intranet document since approval (evidence.py's
        ``intranet_facts``), for a re-approval or a rejection: the reviewer sees
        it where they decide. None when the evidence is not stale."""
        from collective.nrlabel.browser.evidence import intranet_facts

        facts = intranet_facts(self.context)
        return facts if facts and facts["stale_reason"] else None

    @property
    def other_review(self):
        """The other review of the same evidence ("Reject instead"), or None."""
        if not self.is_review:
            return None
        other = "reject" if self.transition_id == "approve" else "approve"
        return {
            "id": other,
            "url": review_form_link(self.context, other, self.came_from),
        }

    def __call__(self):
        if not api.user.has_permission(View, obj=self.context):
            # A reviewer following a queue link to evidence that went back to
            # draft (which reviewers do not see) is told, not refused.
            if self.is_review and api.user.has_permission(
                ReviewEvidence, obj=self.context.__parent__
            ):
                return self.no_longer_possible()
            raise Unauthorized("View")
        refusal = transition_refusal(self.context, self.transition_id)
        if refusal is not None:
            return self.refuse(refusal)
        if self.request.method == "POST":
            return self.confirm()
        return self.index()

    def refuse(self, refusal):
        if refusal.kind == "invalid":
            # Someone else was faster, or the link is stale: say what happened.
            return self.no_longer_possible()
        if refusal.kind == "unknown":
            raise BadRequest(api.portal.translate(refusal.reason))
        if api.user.is_anonymous():
            raise Unauthorized(api.portal.translate(refusal.reason))
        # A genuine refusal (segregation of duties, no right): 403, with why.
        self.refused = True
        self.error = api.portal.translate(refusal.reason)
        self.request.response.setStatus(403)
        return self.index()

    def confirm(self):
        checked_post(self.request)
        if "form.buttons.cancel" in self.request.form:
            return self.request.response.redirect(
                self.came_from or self.context.absolute_url()
            )
        if self.warning is not None and not self.request.form.get("confirm_expiry"):
            # Nothing is approved until the reviewer says they know.
            self.error = api.portal.translate(
                _(
                    "error_confirm_expiry",
                    default="Tick the box to confirm that you approve this evidence "
                    "although it expires: nothing was approved.",
                )
            )
            return self.index()
        order = self.queue_order()
        comment = self.request.form.get("comment") or ""
        try:
            api.portal.get_tool("portal_workflow").doActionFor(
                self.context,
                self.transition_id,
                comment=comment.strip() if isinstance(comment, str) else "",
            )
        except WorkflowException as error:
            transaction.doom()
            if self.comment_required and not comment.strip():
                # The reason is the missing field: say so next to it.
                self.comment_error = str(error)
                self.request.response.setStatus(400)
            else:
                self.error = str(error)
            return self.index()
        api.portal.show_message(
            result_message(self.context, self.transition_id), request=self.request
        )
        return self.request.response.redirect(self.next_url(order))

    def queue_order(self):
        """The queue's items (UIDs) as the reviewer sees it, before the review."""
        if not self.is_review or self.queue_filters is None:
            return []
        return [brain.UID for brain in review_queue(self.programme, self.queue_filters)]

    def next_url(self, order):
        """Where to go after the transition: the queue's next item the reviewer
        may review, the queue itself when none is left, else the criterion."""
        if not self.is_review or self.queue_filters is None:
            return self.context.__parent__.absolute_url()
        candidates = {
            brain.UID: brain
            for brain in review_queue(self.programme, self.queue_filters)
            if transition_refusal(brain.getObject(), "approve") is None
        }
        uid = next_in_queue(order, IUUID(self.context), set(candidates))
        if uid is None:
            api.portal.show_message(QUEUE_EMPTY, request=self.request)
            return self.came_from
        return review_form_link(candidates[uid].getObject(), "approve", self.came_from)

    def no_longer_possible(self):
        """Redirect (303) with what became of the evidence: back to the review queue
        for a review, to the evidence otherwise."""
        api.portal.show_message(
            current_state_message(self.context), request=self.request, type="warning"
        )
        programme = self.programme
        if (
            self.is_review
            and programme is not None
            and api.user.has_permission(View, obj=programme)
        ):
            url = self.came_from or queue_url(programme)
        elif api.user.has_permission(View, obj=self.context):
            url = self.context.absolute_url()
        else:
            url = self.context.__parent__.absolute_url()
        return self.request.response.redirect(url, status=303)


def current_state_message(evidence):
    """What became of ``evidence``: who approved or rejected it and when, else its
    state, in words."""
    state = api.content.get_state(evidence)
    entry = last_action(evidence, REVIEW_ACTION_OF.get(state, ""))
    if entry is not None:
        mapping = {
            "name": user_name(entry.get("actor")),
            "date": localized(entry.get("time")),
        }
        if state == "approved":
            return _(
                "message_already_approved",
                default="Already approved by ${name} on ${date}.",
                mapping=mapping,
            )
        return _(
            "message_already_rejected",
            default="Already rejected by ${name} on ${date}.",
            mapping=mapping,
        )
    return _(
        "message_evidence_now_in_state",
        default="Nothing was done: this evidence is now ${state}.",
        mapping={"state": api.portal.translate(state_title(evidence, state))},
    )


REVIEW_ACTION_OF = {"approved": "approve", "rejected": "reject"}


class ContentStatusModifyView(BaseContentStatusModifyView):
    """Plone's classic status form (the state menu), on evidence.

    A refusal the add-on makes (a rejection without a reason, segregation of
    duties, the audit freeze) is said in a status message, not answered 500; an
    approval that needs the expiry confirmation goes to the add-on's form; a done
    transition says its result instead of Plone's "Item state changed".
    """

    def __call__(
        self,
        workflow_action=None,
        comment="",
        effective_date=None,
        expiration_date=None,
        **kwargs,
    ):
        evidence = self.context
        refusal = workflow_action and transition_refusal(evidence, workflow_action)
        if refusal and refusal.kind != "unknown":
            # Plone's form would silently do nothing: say why.
            CheckAuthenticator(self.request)
            if refusal.kind == "invalid":
                return self._back(current_state_message(evidence))
            return self._back(refusal.reason)
        if workflow_action == "approve" and approval_warning(evidence) is not None:
            CheckAuthenticator(self.request)
            message = warning_message(approval_warning(evidence))
            url = review_form_link(evidence, "approve")
            return self._back(message, url, type="warning")
        before = self._messages_so_far()
        state = api.content.get_state(evidence)
        try:
            result = super().__call__(
                workflow_action,
                comment,
                effective_date=effective_date,
                expiration_date=expiration_date,
                **kwargs,
            )
        except WorkflowException as error:
            # The rule is the add-on's (subscribers.evidence.require_rejection_reason):
            # undo whatever the form changed and ask for the reason.
            transaction.doom()
            url = None
            if workflow_action == "reject":
                url = review_form_link(evidence, "reject")
            return self._back(str(error), url)
        if api.content.get_state(evidence) != state:
            self._replace_messages(before, result_message(evidence, workflow_action))
        return result

    def _messages_so_far(self):
        return IAnnotations(self.request).get(
            STATUSMESSAGEKEY, self.request.cookies.get(STATUSMESSAGEKEY)
        )

    def _replace_messages(self, before, message):
        """Plone's "Item state changed." out, the result in."""
        # The next message is added to what was there before Plone's, which
        # then overwrites the cookie Plone set.
        IAnnotations(self.request)[STATUSMESSAGEKEY] = before
        api.portal.show_message(message, request=self.request)

    def _back(self, message, url=None, type="error"):
        api.portal.show_message(message, request=self.request, type=type)
        return self.request.response.redirect(
            url or self.context.absolute_url(), status=303
        )


SORT_TITLES = {
    "oldest": _("sort_oldest", default="Oldest first"),
    "newest": _("sort_newest", default="Newest first"),
    "criterion": _("sort_criterion", default="By criterion"),
    "submitter": _("sort_submitter", default="By submitter"),
}


class ReviewQueueView(BrowserView):
    """Pending evidence, filtered and ordered as the reviewer asks (the
    longest-waiting first by default), with what each item needs for a decision.

    A filter value the page does not offer is answered 400 with the reason and
    the unfiltered form, not silently ignored.
    """

    filter_error = None
    filters = QueueFilters()

    def __call__(self):
        try:
            self.filters = parse_queue_filters(
                self.request.form,
                {code for code, title in self.themes},
                kind_values(self.context),
            )
        except QueueFilterError as error:
            self.filter_error = api.portal.translate(error.args[0])
            self.request.response.setStatus(400)
        return self.index()

    @cached_property
    def themes(self):
        return queue_themes(self.context)

    def options(self):
        """The choices of each filter, with the current one marked."""
        f = self.filters
        kinds = getUtility(IVocabularyFactory, name=KINDS)(self.context)
        return {
            "themes": _choices(self.themes, f.theme),
            "kinds": _choices(((t.value, t.title) for t in kinds), f.kind),
            "submitters": _choices(self.submitters(), f.submitter),
            "ages": _choices(((str(a), a) for a in QUEUE_AGES), str(f.age or "")),
            "sorts": _choices(((s, SORT_TITLES[s]) for s in QUEUE_SORTS), f.sort),
        }

    def submitters(self):
        """Everyone with evidence in the whole queue, by name."""
        ids = {b.nr_submitter for b in review_queue(self.context) if b.nr_submitter}
        ids.add(self.filters.submitter)
        ids.discard("")
        return sorted(((i, user_name(i)) for i in ids), key=lambda c: c[1].casefold())

    @cached_property
    def came_from(self):
        return queue_url(self.context, self.filters)

    @cached_property
    def rows(self):
        if self.filter_error:
            return []
        user_id = api.user.get_current().getId()
        horizon = warning_horizon(self.context)
        rows = []
        for brain in review_queue(self.context, self.filters):
            evidence = brain.getObject()
            row = review_row(evidence, self.came_from, horizon)
            row["own"] = is_own_evidence(evidence, user_id)
            row["can_review"] = transition_refusal(evidence, "approve") is None
            rows.append(row)
        return rows

    @cached_property
    def stale_rows(self):
        """Approved evidence whose intranet document changed since approval:
        the reviewer re-approves the new version or rejects it (buttons from
        the evidence's own transitions, so an audit freeze hides them)."""
        from collective.nrlabel.browser.evidence import evidence_row
        from collective.nrlabel.evidence.queries import stale_evidence

        return [evidence_row(b.getObject()) for b in stale_evidence(self.context)]

    @property
    def can_bulk_approve(self):
        return any(row["can_review"] for row in self.rows)


def _choices(pairs, current):
    return [
        {"value": value, "title": title, "selected": value == current}
        for value, title in pairs
    ]


# Enough for a week's queue; more in one request would hold the database too long.
MAX_BULK = 200


class BulkApproveView(BrowserView):
    """Approve the evidence selected in the review queue, after one confirmation.

    Each item is checked on its own (segregation of duties, state, the expiry
    confirmation): the others are approved, the refused ones listed with why.
    """

    done = False
    results = None

    def __call__(self):
        if self.request.method != "POST":
            return self.request.response.redirect(self.came_from, status=303)
        checked_post(self.request, ReviewEvidence, self.context)
        if "form.buttons.cancel" in self.request.form:
            return self.request.response.redirect(self.came_from, status=303)
        if not self.items:
            api.portal.show_message(
                _(
                    "message_bulk_none_selected",
                    default="Select the evidence to approve first.",
                ),
                request=self.request,
                type="warning",
            )
            return self.request.response.redirect(self.came_from, status=303)
        if "form.buttons.confirm" in self.request.form:
            self.results = self.approve_all()
            self.done = True
        return self.index()

    @cached_property
    def came_from(self):
        filters = filters_from_url(self.context, self.request.form.get("came_from"))
        return queue_url(self.context, filters)

    def _form_list(self, name):
        values = self.request.form.get(name, [])
        values = [values] if isinstance(values, str) else values
        if not isinstance(values, list):
            return []
        return list(dict.fromkeys(v for v in values if isinstance(v, str) and v))

    @cached_property
    def items(self):
        """The selected evidence, in the queue's order, each with why it cannot be
        approved (if so) and its expiry warning (if any)."""
        uids = self._form_list("uids")
        if len(uids) > MAX_BULK:
            raise BadRequest(
                api.portal.translate(
                    _(
                        "error_bulk_too_many",
                        default="Approve at most ${max} items at once.",
                        mapping={"max": MAX_BULK},
                    )
                )
            )
        found = {}
        if uids:
            path = "/".join(self.context.getPhysicalPath())
            for brain in api.content.find(
                UID=uids, portal_type="nr_evidence", path=path
            ):
                found[brain.UID] = brain.getObject()
        return [self._item(uid, found.get(uid)) for uid in uids]

    def _item(self, uid, evidence):
        if evidence is None:
            not_found = _(
                "refusal_bulk_not_found",
                default="This item is not evidence of this programme that you can see.",
            )
            return {
                "uid": uid,
                "title": uid,
                "url": None,
                "code": "",
                "criterion": "",
                "evidence": None,
                "warning": None,
                "reason": api.portal.translate(not_found),
            }
        refusal = transition_refusal(evidence, "approve")
        reason = None
        if refusal is not None:
            invalid = refusal.kind == "invalid"
            reason = current_state_message(evidence) if invalid else refusal.reason
        warning = warning_message(approval_warning(evidence))
        return {
            "uid": uid,
            "title": evidence.Title(),
            "url": evidence.absolute_url(),
            "code": getattr(evidence.__parent__, "code", ""),
            "criterion": evidence.__parent__.Title(),
            "evidence": evidence,
            "reason": reason and api.portal.translate(reason),
            "warning": warning and api.portal.translate(warning),
        }

    def approve_all(self):
        confirmed = set(self._form_list("confirm_expiry"))
        comment = self.request.form.get("comment") or ""
        comment = comment.strip() if isinstance(comment, str) else ""
        workflow = api.portal.get_tool("portal_workflow")
        results = {"approved": [], "refused": [], "unconfirmed": []}
        for item in self.items:
            if item["reason"]:
                results["refused"].append(item)
                continue
            if item["warning"] and item["uid"] not in confirmed:
                results["unconfirmed"].append(item)
                continue
            savepoint = transaction.savepoint(optimistic=True)
            try:
                workflow.doActionFor(item["evidence"], "approve", comment=comment)
            except WorkflowException as error:
                savepoint.rollback()
                item["reason"] = str(error)
                results["refused"].append(item)
            else:
                results["approved"].append(item)
        return results
