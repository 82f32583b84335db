"""Mails sent when evidence moves through review, in each recipient's language."""

from collective.nrlabel import _
from collective.nrlabel.content.programme import programme_of
from collective.nrlabel.evidence_rules import submitter
from plone import api
from zope.i18n import translate

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


def notify_review(evidence, event):
    """submit: the programme's reviewers and leads; approve/reject: the submitter."""
    if event.transition is None:
        return
    transition = event.transition.id
    current = api.user.get_current()
    actor = current.getId()
    actor_name = current.getProperty("fullname", "") or actor
    if transition == "submit":
        programme = programme_of(evidence) or evidence
        mapping = _mapping(evidence, actor=actor_name)
        for user in users_with_local_roles(programme, REVIEWER_ROLES):
            if user.getId() == actor:
                continue
            send(
                user,
                _(
                    "mail_submit_subject",
                    default="[Label NR] Evidence to review: ${code} ${title}",
                    mapping=mapping,
                ),
                _(
                    "mail_submit_body",
                    default='${actor} submitted evidence "${title}" for criterion '
                    "${code} ${criterion}.\n\nReview it: ${url}\n",
                    mapping=mapping,
                ),
            )
    elif transition in ("approve", "reject"):
        submitter_id = submitter(evidence)
        user = api.user.get(userid=submitter_id) if submitter_id else None
        if user is None or submitter_id == actor:
            return
        mapping = _mapping(
            evidence,
            actor=actor_name,
            reason=((event.kwargs or {}).get("comment") or "").strip() or "—",
        )
        if transition == "approve":
            subject = _(
                "mail_approve_subject",
                default="[Label NR] Evidence approved: ${code} ${title}",
                mapping=mapping,
            )
            body = _(
                "mail_approve_body",
                default='${actor} approved your evidence "${title}" for criterion '
                "${code} ${criterion}.\n\nComment: ${reason}\n\n${url}\n",
                mapping=mapping,
            )
        else:
            subject = _(
                "mail_reject_subject",
                default="[Label NR] Evidence rejected: ${code} ${title}",
                mapping=mapping,
            )
            body = _(
                "mail_reject_body",
                default='${actor} rejected your evidence "${title}" for criterion '
                "${code} ${criterion}.\n\nReason: ${reason}\n\nRevise it: ${url}\n",
                mapping=mapping,
            )
        send(user, subject, body)
