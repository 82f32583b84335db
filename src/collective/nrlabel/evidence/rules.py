"""Rules about evidence shared by forms, the REST API, workflow guards and views:
uploads, links, intranet items, who submitted and approved it, who may review it
(and re-approve it when its intranet item changed), what it supports.
"""

from collective.nrlabel import _
from collective.nrlabel.permissions import ReopenEvidence
from collective.nrlabel.settings import get_setting
from dataclasses import dataclass
from zope.schema import ValidationError

import re
import unicodedata


EVIDENCE_WORKFLOW = "nr_evidence_workflow"
MEGABYTE = 1024 * 1024


class UploadRefused(ValidationError):
    """An evidence file that cannot be accepted."""

    def doc(self):
        # Forms and the REST API show doc(); ours says why, with the sizes.
        return self.args[0] if self.args else super().doc()


def check_upload(value) -> bool:
    """Field constraint of the evidence file: not empty, not over the size limit."""
    if value is None:
        return True
    size = value.getSize()
    if not size:
        raise UploadRefused(
            _("error_empty_file", default="The file is empty; choose another file.")
        )
    extension = file_extension(getattr(value, "filename", None))
    allowed = allowed_extensions()
    if extension not in allowed:
        raise UploadRefused(
            _(
                "error_file_type",
                default="Files of type '${extension}' are not accepted as evidence. "
                "Accepted types: ${allowed}.",
                mapping={
                    "extension": extension or "?",
                    "allowed": ", ".join(sorted(allowed)),
                },
            )
        )
    limit = get_setting("max_upload_mb")
    if size > limit * MEGABYTE:
        raise UploadRefused(
            _(
                "error_file_too_large",
                default="The file is ${size} MB; the maximum is ${limit} MB.",
                mapping={"size": f"{size / MEGABYTE:.1f}", "limit": limit},
            )
        )
    return True


# Links are shown to reviewers, the NR lead and auditors: only schemes that cannot
# run code in their browser (javascript:, data:, vbscript: can).
LINK_SCHEMES = ("http", "https", "mailto")


class LinkRefused(ValidationError):
    """An evidence link whose scheme is not allowed."""

    def doc(self):
        return self.args[0] if self.args else super().doc()


def is_safe_link(url: str | None) -> bool:
    """Whether ``url`` may be stored and rendered as a live link.

    The scheme is read as browsers read it: leading spaces and control characters
    dropped, case ignored, so that " JaVa\tscript:" does not slip through.
    """
    if not url or not isinstance(url, str) or not url.isprintable():
        # A line break or control character has no place in an address, and would
        # add lines of its own wherever the link is written (the pack's .url file).
        return False
    cleaned = "".join(c for c in url if c > " ").lower()
    scheme, sep, rest = cleaned.partition(":")
    if not sep or scheme not in LINK_SCHEMES:
        return False
    if scheme == "mailto":
        return "@" in rest
    return rest.startswith("//") and len(rest) > 2


def check_link(value: str | None) -> bool:
    """Field constraint of the evidence link: http, https or mailto only."""
    if value in (None, ""):
        return True
    if not is_safe_link(value):
        raise LinkRefused(
            _(
                "error_link_scheme",
                default="Only web (http://, https://) and e-mail (mailto:) addresses "
                "are accepted as links.",
            )
        )
    return True


class IntranetItemRefused(ValidationError):
    """An intranet item that cannot be evidence."""

    def doc(self):
        return self.args[0] if self.args else super().doc()


def check_intranet_item(value) -> bool:
    """Field constraint of ``intranet_item``: an item of the intranet, never the
    site itself nor anything inside a programme (evidence of evidence would
    prove nothing, and its own review would be bypassed).

    Forms and the REST API (plone.restapi resolves a UID, a path or a URL to the
    object first) both call it; whether the editor may view the item is the
    catalog vocabulary's check.
    """
    from collective.nrlabel.programme_tree import programme_of
    from plone.base.interfaces import IPloneSiteRoot

    target = getattr(value, "to_object", value)
    if target is None:
        return True
    if IPloneSiteRoot.providedBy(target):
        raise IntranetItemRefused(
            _(
                "error_intranet_item_site",
                default="The site itself cannot be evidence: choose a page, a "
                "file or another item of the intranet.",
            )
        )
    if programme_of(target) is not None or str(
        getattr(target, "portal_type", "")
    ).startswith("nr_"):
        raise IntranetItemRefused(
            _(
                "error_intranet_item_in_programme",
                default="This item belongs to a Label NR programme: choose an item "
                "of the intranet outside the programmes (evidence cannot be "
                "another programme's content).",
            )
        )
    return True


def file_extension(filename: str | None) -> str:
    """The lower-case extension of ``filename`` without the dot ("" if none)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, extension = name.rpartition(".")
    return extension.strip().lower() if dot and stem else ""


def allowed_extensions() -> set[str]:
    """The file types accepted as evidence (control panel), lower case, no dots."""
    return {e.strip().lstrip(".").lower() for e in get_setting("allowed_extensions")}


def safe_filename(filename: str | None) -> str:
    """A file name with no path, no control or shell-special characters.

    Accents are kept (people name files in French); separators and anything that
    could climb out of a folder when the file is saved or zipped are not.
    """
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", re.sub(r"\s+", " ", name))
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = re.sub(r'[<>:"|?*\x00-\x1f]+', "_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    return name[:200] or "file"


def last_action(evidence, action: str) -> dict | None:
    """The last workflow-history entry of ``action`` on ``evidence``, or None."""
    history = getattr(evidence, "workflow_history", {}).get(EVIDENCE_WORKFLOW, ())
    for entry in reversed(history):
        if entry.get("action") == action:
            return entry
    return None


def rejection_reason(evidence) -> str:
    """Why ``evidence`` was last rejected (the reviewer's required comment), "" if
    it never was: the start page, "my evidence" and the evidence page all say it."""
    entry = last_action(evidence, "reject") or {}
    return entry.get("comments") or ""


def submitter(evidence) -> str | None:
    """Who last submitted ``evidence`` for review (user id), or None."""
    entry = last_action(evidence, "submit")
    return entry["actor"] if entry else None


def approval(evidence) -> tuple:
    """(approver id, approval DateTime) of the approval in force, or (None, None)."""
    if review_state(evidence) != "approved":
        return None, None
    entry = last_action(evidence, "approve")
    return (entry["actor"], entry["time"]) if entry else (None, None)


def review_state(evidence) -> str | None:
    """The evidence workflow state, read from the history (no workflow tool look-up:
    the audit pack asks it of thousands of items)."""
    history = getattr(evidence, "workflow_history", {}).get(EVIDENCE_WORKFLOW, ())
    return history[-1].get("review_state") if history else None


# Site-wide roles that may override segregation of duties; the history says so.
OVERRIDE_ROLES = ("Manager", "Site Administrator")
# The transitions that are a review (segregation of duties, override notes).
REVIEW_TRANSITIONS = ("approve", "reject")
# Re-approving stale intranet evidence is a review too (same segregation of
# duties), but it has no "reject instead" counterpart in the review form.
SEGREGATED_TRANSITIONS = (*REVIEW_TRANSITIONS, "reapprove")


def authors(evidence) -> set[str]:
    """Everyone who shaped ``evidence``: its creators, whoever changed its content
    (recorded by an event handler), and its submitter.

    A lead who edits an editor's draft becomes one of its authors, so cannot then
    approve it: segregation of duties is about the content, not who clicked "add".
    """
    ids = set(evidence.listCreators()) | set(getattr(evidence, "nr_modifiers", ()))
    ids.add(submitter(evidence))
    ids.discard(None)
    return ids


def record_author(evidence, user_id: str | None) -> None:
    """Remember that ``user_id`` changed the content of ``evidence``."""
    if user_id and user_id not in getattr(evidence, "nr_modifiers", ()):
        evidence.nr_modifiers = (*getattr(evidence, "nr_modifiers", ()), user_id)


def is_own_evidence(evidence, user_id: str | None) -> bool:
    """Whether ``user_id`` is one of the authors of ``evidence`` (segregation of duties)."""
    return user_id in authors(evidence)


def is_override(evidence, user) -> bool:
    """Whether ``user`` reviews ``evidence`` only through an administrator's role."""
    roles = set(user.getRolesInContext(evidence))
    return bool(roles & set(OVERRIDE_ROLES)) and not roles & {"NR Reviewer", "NR Lead"}


def is_override_review(evidence, user_id: str | None) -> bool:
    """Whether a review by ``user_id`` is an administrator override for the
    history: by one of the evidence's authors (only an administrator may), or by
    a Manager or Site Administrator holding no NR role on it."""
    from plone import api

    if is_own_evidence(evidence, user_id):
        return True
    user = api.user.get(userid=user_id) if user_id else None
    return user is not None and is_override(evidence, user)


def may_review(evidence, user) -> bool:
    """Whether ``user`` may approve or reject ``evidence``.

    Nobody reviews evidence they authored, an NR lead included; a Manager or Site
    Administrator may (the workflow history then records it as an override).
    """
    if user is None:
        return False
    if not is_own_evidence(evidence, user.getId()):
        return True
    return bool(set(user.getRolesInContext(evidence)) & set(OVERRIDE_ROLES))


def may_review_in_state(evidence, user) -> bool:
    """Guard of approve and reject: ``may_review``, and for approved evidence
    (reject from approved) only when its intranet item changed since approval
    and no audit of its programme is in progress."""
    if not may_review(evidence, user):
        return False
    if review_state(evidence) != "approved":
        return True
    return _approved_review_open(evidence)


def may_reapprove(evidence, user) -> bool:
    """Guard of reapprove: approved evidence whose intranet item changed since
    approval, outside an audit, reviewed by someone who did not author it."""
    if review_state(evidence) != "approved":
        return False
    return _approved_review_open(evidence) and may_review(evidence, user)


def _approved_review_open(evidence) -> bool:
    """Whether approved evidence may be reviewed again: stale, not frozen (the
    auditor keeps seeing the version that was approved)."""
    from collective.nrlabel.audit.freeze import frozen_by_audit
    from collective.nrlabel.evidence.intranet import is_stale

    return is_stale(evidence) and not frozen_by_audit(evidence)


def supported_criteria(evidence) -> list:
    """Every criterion ``evidence`` supports: its parent, then the related ones."""
    from collective.nrlabel.relations import related_objects

    parent = evidence.__parent__
    criteria = [parent] if parent is not None else []
    for criterion in related_objects(getattr(evidence, "supported_criteria", None)):
        if criterion not in criteria:
            criteria.append(criterion)
    return criteria


def supported_criteria_uids(evidence) -> list[str]:
    """UIDs of ``supported_criteria(evidence)`` (the catalog's ``nr_criteria``)."""
    from plone.uuid.interfaces import IUUID

    return [IUUID(criterion) for criterion in supported_criteria(evidence)]


@dataclass(frozen=True)
class Refusal:
    """Why a transition cannot be taken: ``unknown`` (evidence has no such
    transition), ``invalid`` (not from this state: someone else was faster, or the
    link is stale) or ``forbidden`` (the user's rights, segregation of duties, the
    freeze)."""

    kind: str
    reason: object


def transition_refusal(evidence, transition_id) -> Refusal | None:
    """Why the current user cannot take ``transition_id`` on ``evidence``; None if they can.

    Shared by the transition form and the REST API so that both say the same thing.
    """
    from plone import api

    workflow_tool = api.portal.get_tool("portal_workflow")
    if transition_id in {t["id"] for t in workflow_tool.getTransitionsFor(evidence)}:
        return None
    workflow = workflow_tool[EVIDENCE_WORKFLOW]
    transition = workflow.transitions.get(transition_id)
    if transition is None:
        return Refusal(
            "unknown",
            _(
                "refusal_unknown_transition",
                default="There is no transition '${transition}' for evidence.",
                mapping={"transition": transition_id},
            ),
        )
    state = workflow.states[api.content.get_state(evidence)]
    if transition_id not in state.transitions:
        return Refusal(
            "invalid",
            _(
                "refusal_wrong_state",
                default="Evidence that is ${state} cannot be given '${transition}'.",
                mapping={"state": _(state.title), "transition": _(transition.title)},
            ),
        )
    return Refusal("forbidden", _forbidden_reason(evidence, transition))


def _forbidden_reason(evidence, transition):
    """Why a transition that exists from the evidence's state is not the user's to
    take: segregation of duties, the audit freeze, or simply their role."""
    from collective.nrlabel.audit.freeze import frozen_by_audit
    from plone import api

    if transition.id in SEGREGATED_TRANSITIONS and not may_review(
        evidence, _security_user()
    ):
        return _(
            "refusal_own_evidence",
            default="You created, changed or submitted this evidence: another "
            "reviewer must review it.",
        )
    if (
        transition.id == "reopen"
        and api.user.has_permission(ReopenEvidence, obj=evidence)
        and frozen_by_audit(evidence)
    ):
        return _(
            "refusal_frozen",
            default="An audit is in progress: approved evidence cannot be reopened "
            "until it ends.",
        )
    stale_refusal = _stale_review_refusal(evidence, transition.id)
    if stale_refusal is not None:
        return stale_refusal
    user = api.user.get_current()
    return _(
        "refusal_not_allowed",
        default="${user} may not '${transition}' this evidence.",
        mapping={
            "user": user.getId() if user else "",
            "transition": _(transition.title),
        },
    )


def _stale_review_refusal(evidence, transition_id):
    """Why approved evidence cannot be re-approved or rejected now: its intranet
    item has not changed, or an audit is in progress; None otherwise."""
    from collective.nrlabel.audit.freeze import frozen_by_audit
    from collective.nrlabel.evidence.intranet import is_stale
    from collective.nrlabel.permissions import ReviewEvidence
    from plone import api

    if transition_id not in ("reapprove", "reject"):
        return None
    if review_state(evidence) != "approved":
        return None
    if not api.user.has_permission(ReviewEvidence, obj=evidence):
        return None
    if frozen_by_audit(evidence):
        return _(
            "refusal_reapprove_frozen",
            default="An audit is in progress: the auditor keeps seeing the version "
            "that was approved. Re-approve or reject this evidence after the audit.",
        )
    if not is_stale(evidence):
        return _(
            "refusal_reapprove_not_stale",
            default="This evidence has not changed since it was approved: there "
            "is nothing to re-approve or reject.",
        )
    return None


def _security_user():
    from AccessControl import getSecurityManager

    return getSecurityManager().getUser()


# -- Attaching existing evidence to another criterion ------------------------------


def may_attach_to(criterion) -> bool:
    """Whether the current user may attach existing evidence to ``criterion`` at
    all: those who add evidence there (their drafts) and reviewers (approved
    evidence). Each item is then checked by ``attach_refusal``."""
    from collective.nrlabel.permissions import AddEvidence
    from collective.nrlabel.permissions import ReviewEvidence
    from plone import api

    return any(
        api.user.has_permission(permission, obj=criterion)
        for permission in (AddEvidence, ReviewEvidence)
    )


def attach_refusal(evidence, criterion):
    """Why the current user may not attach ``evidence`` to ``criterion`` (a
    translatable message), or None if they may.

    Attaching adds ``criterion`` to the evidence's "also supports" relation, never
    during the audit freeze and only within one programme. A draft or a rejected
    item is attached by whoever may change it (its authors, the NR lead). Approved
    evidence is the reuse that matters most (one signed charter proves several
    criteria), but it is a new claim a reviewer has not checked: so a reviewer or
    the NR lead attaches it, vouching for it, and never their own evidence.
    """
    from collective.nrlabel.audit.freeze import frozen_by_audit
    from collective.nrlabel.permissions import ModifyPortalContent
    from collective.nrlabel.permissions import View
    from collective.nrlabel.programme_tree import programme_of
    from plone import api

    if evidence is None or not api.user.has_permission(View, obj=evidence):
        return _("refusal_attach_not_found", default="This evidence was not found.")
    if criterion is None or not api.user.has_permission(View, obj=criterion):
        return _("refusal_attach_no_criterion", default="This criterion was not found.")
    from Acquisition import aq_base

    programme = programme_of(criterion)
    if programme is None or aq_base(programme_of(evidence)) is not aq_base(programme):
        return _(
            "refusal_attach_other_programme",
            default="This evidence belongs to another programme.",
        )
    if criterion.UID() in supported_criteria_uids(evidence):
        return _(
            "refusal_attach_duplicate",
            default="This evidence already supports this criterion.",
        )
    if frozen_by_audit(evidence):
        return _(
            "refusal_attach_frozen",
            default="An audit is in progress: approved evidence cannot be changed "
            "until it ends.",
        )
    if review_state(evidence) == "approved":
        return _reuse_refusal(evidence, criterion)
    if not api.user.has_permission(ModifyPortalContent, obj=evidence):
        return _(
            "refusal_attach_not_modifiable",
            default="You may not change this evidence in its current state "
            "(${state}): drafts and rejected evidence are attached by their "
            "authors or the NR lead, approved evidence by a reviewer.",
            mapping={"state": _state_title(evidence)},
        )
    return None


def _reuse_refusal(evidence, criterion):
    """Why the current user may not vouch for reusing approved ``evidence`` on
    ``criterion``, or None."""
    from collective.nrlabel.permissions import ReviewEvidence
    from plone import api

    if not api.user.has_permission(ReviewEvidence, obj=criterion):
        return _(
            "refusal_attach_approved_reviewer",
            default="Approved evidence is reused on another criterion by a "
            "reviewer or the NR lead, who vouch for it.",
        )
    if not may_review(evidence, api.user.get_current()):
        return _(
            "refusal_attach_approved_own",
            default="You authored this evidence: another reviewer must vouch "
            "for its reuse.",
        )
    return None


def attach_to_criterion(evidence, criterion) -> None:
    """Add ``criterion`` to what ``evidence`` also supports, as the edit form does
    (modified event: relation catalog, versions, co-authors, the freeze; then the
    ``nr_criteria`` index). Check ``attach_refusal`` first."""
    from collective.nrlabel.content.evidence import IEvidence
    from collective.nrlabel.permissions import ModifyPortalContent
    from plone import api
    from z3c.relationfield import RelationValue
    from zope.component import getUtility
    from zope.event import notify
    from zope.intid.interfaces import IIntIds
    from zope.lifecycleevent import Attributes
    from zope.lifecycleevent import ObjectModifiedEvent

    relations = list(getattr(evidence, "supported_criteria", None) or [])
    relations.append(RelationValue(getUtility(IIntIds).getId(criterion)))
    evidence.supported_criteria = relations
    event = ObjectModifiedEvent(evidence, Attributes(IEvidence, "supported_criteria"))
    if api.user.has_permission(ModifyPortalContent, obj=evidence):
        notify(event)
    else:
        # A reviewer vouching for the reuse of approved evidence may not edit it:
        # the version CMFEditions saves (the trace of the reuse) needs that right.
        with api.env.adopt_roles(["Manager"]):
            notify(event)
    evidence.reindexObject(idxs=["nr_criteria"])


def _state_title(evidence):
    from plone import api

    workflow = api.portal.get_tool("portal_workflow")[EVIDENCE_WORKFLOW]
    state = workflow.states.get(api.content.get_state(evidence, default=""))
    return _(state.title) if state is not None else ""
