"""Dates of a labelling cycle: label expiry and the audits of a programme."""

from collective.nrlabel import clock
from collective.nrlabel.settings import get_setting
from datetime import date
from plone import api


def add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def label_expiry(audit):
    """When the label granted by ``audit`` expires (granted + validity), or None."""
    granted = getattr(audit, "granted_date", None)
    if not granted:
        return None
    return add_years(granted, get_setting("validity_years"))


def has_expired(audit, on=None):
    expiry = label_expiry(audit)
    return expiry is not None and expiry < (on or clock.today())


def audits(programme, states=None):
    """Brains of the programme's audits, the most recent window first."""
    query = {
        "portal_type": "nr_audit",
        "path": "/".join(programme.getPhysicalPath()),
        "sort_on": "created",
        "sort_order": "descending",
    }
    if states:
        query["review_state"] = states
    return api.content.find(**query)


def latest_labelled(programme):
    """The most recent audit that granted the label (labelled or since expired)."""
    brains = audits(programme, states=("labelled", "expired"))
    best = None
    for brain in brains:
        audit = brain.getObject()
        if audit.granted_date and (
            best is None or audit.granted_date > best.granted_date
        ):
            best = audit
    return best


def next_audit(programme):
    """The audit being prepared or in progress (the one whose window matters)."""
    for brain in audits(programme, states=("preparation", "in_audit")):
        return brain.getObject()
    return None


def date_or_none(value):
    return value if isinstance(value, date) else None
