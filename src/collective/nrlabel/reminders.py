"""Reminder mails: evidence about to expire, overdue actions, labels to renew.

``send_reminders`` is what the ``nrlabel send-reminders`` command (run it daily from
cron) and the Manager's ``@@nr-send-reminders`` page call. It is idempotent per day:
a reminder already sent today to a person about an item is not sent again.
"""

from BTrees.OOBTree import OOBTree
from BTrees.OOBTree import OOTreeSet
from collective.nrlabel import _
from collective.nrlabel import clock
from collective.nrlabel.action_plan import overdue_actions
from collective.nrlabel.audit.lifecycle import audits
from collective.nrlabel.audit.lifecycle import has_expired
from collective.nrlabel.audit.lifecycle import label_expiry
from collective.nrlabel.audit.lifecycle import latest_labelled
from collective.nrlabel.evidence.expiry import EXPIRES_SOON
from collective.nrlabel.evidence.expiry import expiring_evidence
from collective.nrlabel.notifications import send
from collective.nrlabel.notifications import user_language
from collective.nrlabel.notifications import users_with_local_roles
from dataclasses import dataclass
from datetime import timedelta
from plone import api
from zope.annotation.interfaces import IAnnotations
from zope.i18n import translate


SENT_KEY = "collective.nrlabel.reminders_sent"
LABEL_NOTICE = timedelta(days=183)  # six months
KEEP_DAYS = 31


@dataclass(frozen=True)
class Reminder:
    kind: str  # evidence_expiring, action_overdue, label_expiring
    recipient: str
    uid: str
    title: str
    url: str
    date: str

    @property
    def key(self):
        return f"{self.kind}:{self.uid}:{self.recipient}"


def _programmes():
    return [
        b._unrestrictedGetObject()
        for b in api.content.find(portal_type="nr_programme", unrestricted=True)
    ]


def collect_reminders(on=None):
    """Every reminder due ``on`` (default: today), one per item and recipient."""
    on = on or clock.today()
    reminders = []
    for programme in _programmes():
        leads = [u.getId() for u in users_with_local_roles(programme, ("NR Lead",))]
        reminders += _expiring_evidence(programme, leads, on)
        reminders += _overdue_actions(programme, leads, on)
        reminders += _expiring_label(programme, leads, on)
    return reminders


def _expiring_evidence(programme, leads, on):
    result = []
    for brain, status in expiring_evidence(programme, on, unrestricted=True):
        if status != EXPIRES_SOON:
            continue
        until = brain.nr_valid_until
        for recipient in sorted({brain.Creator, *leads}):
            result.append(
                Reminder(
                    "evidence_expiring",
                    recipient,
                    brain.UID,
                    brain.Title,
                    brain.getURL(),
                    until,
                )
            )
    return result


def _overdue_actions(programme, leads, on):
    result = []
    for brain in overdue_actions(programme, on):
        for recipient in sorted({brain.nr_responsible or brain.Creator, *leads}):
            result.append(
                Reminder(
                    "action_overdue",
                    recipient,
                    brain.UID,
                    brain.Title,
                    brain.getURL(),
                    brain.nr_due_date,
                )
            )
    return result


def _expiring_label(programme, leads, on):
    audit = latest_labelled(programme)
    expiry = label_expiry(audit) if audit is not None else None
    if expiry is None or not (on <= expiry <= on + LABEL_NOTICE):
        return []
    return [
        Reminder(
            "label_expiring",
            lead,
            audit.UID(),
            programme.Title(),
            programme.absolute_url(),
            expiry.isoformat(),
        )
        for lead in leads
    ]


HEADINGS = {
    "evidence_expiring": _(
        "reminder_evidence_expiring",
        default="Evidence that expires soon or before the audit ends:",
    ),
    "action_overdue": _(
        "reminder_action_overdue", default="Actions past their due date:"
    ),
    "label_expiring": _(
        "reminder_label_expiring",
        default="Labels to renew (they expire within six months):",
    ),
}


def _sent_log():
    annotations = IAnnotations(api.portal.get())
    if SENT_KEY not in annotations:
        annotations[SENT_KEY] = OOBTree()
    return annotations[SENT_KEY]


def send_reminders(on=None):
    """Mail each person their reminders not yet sent today; return (sent mails, items)."""
    on = on or clock.today()
    log = _sent_log()
    day = on.isoformat()
    for old in [d for d in log if d < (on - timedelta(days=KEEP_DAYS)).isoformat()]:
        del log[old]
    if day not in log:
        log[day] = OOTreeSet()
    already = log[day]
    by_recipient = {}
    for reminder in collect_reminders(on):
        if reminder.key not in already:
            by_recipient.setdefault(reminder.recipient, []).append(reminder)
    mails = items = 0
    for recipient, reminders in sorted(by_recipient.items()):
        user = api.user.get(userid=recipient)
        if user is None:
            continue
        language = user_language(user)
        lines = []
        for kind in HEADINGS:
            of_kind = [r for r in reminders if r.kind == kind]
            if of_kind:
                lines.append(translate(HEADINGS[kind], target_language=language))
                lines += [f"- {r.title} ({r.date}): {r.url}" for r in of_kind]
                lines.append("")
        if send(
            user,
            _(
                "mail_reminder_subject",
                default="[Label NR] Reminders of ${date}",
                mapping={"date": day},
            ),
            _(
                "mail_reminder_body",
                default="${lines}",
                mapping={"lines": "\n".join(lines)},
            ),
        ):
            mails += 1
            items += len(reminders)
            for reminder in reminders:
                already.insert(reminder.key)
    return mails, items


def expire_labels(on=None):
    """Take labelled audits whose validity has ended to ``expired``; return how many."""
    count = 0
    workflow = api.portal.get_tool("portal_workflow")
    for brain in audits(None, states=("labelled",), unrestricted=True):
        audit = brain._unrestrictedGetObject()
        if has_expired(audit, on):
            with api.env.adopt_roles(["Manager"]):
                workflow.doActionFor(audit, "expire", comment="validity ended")
            count += 1
    return count
