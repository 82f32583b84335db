"""Mails sent when evidence moves through review, or when the intranet item it
pins changes (``mail_stale``), in each recipient's language."""

from collective.nrlabel import _
from collective.nrlabel.evidence.rules import approval
from collective.nrlabel.evidence.rules import submitter
from collective.nrlabel.programme_tree import programme_of
from plone import api
from zope.i18n import translate
from zope.i18nmessageid import Message

import logging
import transaction


logger = logging.getLogger(__name__)

REVIEWER_ROLES = ("NR Reviewer", "NR Lead")


def users_with_local_roles(context, roles):
    """Users given one of ``roles`` on ``context`` or above, directly or by group."""
    user_ids = set()
    for principal_id, principal_roles in _local_roles_in_chain(context).items():
        if not set(principal_roles) & set(roles):
            continue
        group = api.group.get(groupname=principal_id)
        if group is not None:
            user_ids.update(user.getId() for user in api.user.get_users(group=group))
        else:
            user_ids.add(principal_id)
    return [
        api.user.get(userid=uid) for uid in sorted(user_ids) if api.user.get(userid=uid)
    ]


def _local_roles_in_chain(context):
    roles = {}
    for item in context.aq_chain:
        get_local_roles = getattr(item, "get_local_roles", None)
        if get_local_roles is None:
            continue
        for principal_id, principal_roles in get_local_roles():
            roles.setdefault(principal_id, set()).update(principal_roles)
        if getattr(item, "__ac_local_roles_block__", False):
            break
    return roles


def user_language(user):
    language = (user.getProperty("language", "") or "").split("-")[0]
    return language or api.portal.get_default_language().split("-")[0]


def send(user, subject, body):
    """Mail ``user`` through Plone's MailHost once the transaction has committed.

    A review must not fail because the mail server is down (Plone's own delivery
    would connect to it while committing, and abort the review), and a refused or
    aborted transition must not send anything: so the mail leaves after commit,
    and a delivery failure is logged. A user without an address is skipped.
    """
    email = user.getProperty("email", "")
    if not email:
        logger.info("No e-mail address for %s; mail not sent", user.getId())
        return False
    language = user_language(user)
    transaction.get().addAfterCommitHook(
        _deliver,
        args=(
            email,
            translate(subject, target_language=language),
            translate(body, target_language=language),
        ),
    )
    return True


def _deliver(committed, recipient, subject, body):
    if not committed:
        return
    try:
        api.portal.send_email(
            recipient=recipient, subject=subject, body=body, immediate=True
        )
    except Exception as error:
        logger.warning(
            "Could not send the mail %r to %s: %s", subject, recipient, error
        )


def _mapping(evidence, **extra):
    criterion = evidence.__parent__
    return {
        "title": evidence.Title(),
        "code": getattr(criterion, "code", ""),
        "criterion": criterion.Title(),
        "url": evidence.absolute_url(),
        **extra,
    }


# What each review transition says, and to whom (see review_recipients).
REVIEW_MAILS = {
    "submit": (
        _(
            "mail_submit_subject",
            default="[Label NR] Evidence to review: ${code} ${title}",
        ),
        _(
            "mail_submit_body",
            default='${actor} submitted evidence "${title}" for criterion '
            "${code} ${criterion}.\n\nReview it: ${url}\n",
        ),
    ),
    "approve": (
        _(
            "mail_approve_subject",
            default="[Label NR] Evidence approved: ${code} ${title}",
        ),
        _(
            "mail_approve_body",
            default='${actor} approved your evidence "${title}" for criterion '
            "${code} ${criterion}.\n\nComment: ${reason}\n\n${url}\n",
        ),
    ),
    "reject": (
        _(
            "mail_reject_subject",
            default="[Label NR] Evidence rejected: ${code} ${title}",
        ),
        _(
            "mail_reject_body",
            default='${actor} rejected your evidence "${title}" for criterion '
            "${code} ${criterion}.\n\nReason: ${reason}\n\nRevise it: ${url}\n",
        ),
    ),
}


def review_recipients(evidence, transition, actor_id):
    """submit: the programme's reviewers and leads; approve/reject: the submitter.
    Never the person who acted."""
    if transition == "submit":
        users = users_with_local_roles(
            programme_of(evidence) or evidence, REVIEWER_ROLES
        )
    else:
        submitter_id = submitter(evidence)
        user = api.user.get(userid=submitter_id) if submitter_id else None
        users = [user] if user is not None else []
    return [user for user in users if user.getId() != actor_id]


def mail_review(evidence, transition, actor, comment=""):
    """Mail whoever must hear of ``transition`` on ``evidence``, in their language."""
    if transition not in REVIEW_MAILS:
        return
    mapping = _mapping(
        evidence,
        actor=actor.getProperty("fullname", "") or actor.getId(),
        reason=(comment or "").strip() or "—",
    )
    subject, body = (
        Message(text, mapping=mapping) for text in REVIEW_MAILS[transition]
    )
    for user in review_recipients(evidence, transition, actor.getId()):
        send(user, subject, body)


STALE_MAIL = (
    _(
        "mail_stale_subject",
        default="[Label NR] Evidence changed since approval: ${code} ${title}",
    ),
    _(
        "mail_stale_body",
        default='Approved evidence "${title}" for criterion ${code} '
        "${criterion}\n\n${reason}: the intranet item it shows is no longer the "
        "version that was approved.\n\nThe criterion no longer counts as covered "
        "until a reviewer re-approves the new version or rejects the evidence: "
        "${url}\n",
    ),
)


def stale_recipients(evidence):
    """Who approved ``evidence`` and who submitted it (each once)."""
    ids = dict.fromkeys(filter(None, (approval(evidence)[0], submitter(evidence))))
    users = (api.user.get(userid=user_id) for user_id in ids)
    return [user for user in users if user is not None]


def mail_stale(evidence, reason):
    """Tell the approver and the submitter that the intranet item behind
    ``evidence`` changed since approval (``reason``: a STALE_REASONS code)."""
    from collective.nrlabel.evidence.intranet import stale_reason_text

    mapping = _mapping(evidence, reason=stale_reason_text(reason))
    subject, body = (Message(text, mapping=mapping) for text in STALE_MAIL)
    for user in stale_recipients(evidence):
        send(user, subject, body)
