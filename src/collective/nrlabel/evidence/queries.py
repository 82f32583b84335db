"""Catalog queries behind the criterion view, the review queue and "my evidence".

The catalog filters by the searcher's permissions, so every list shows only what
its reader may see (no draft for a Reader or an auditor).
"""

from DateTime import DateTime
from plone import api
from plone.uuid.interfaces import IUUID


EVIDENCE_TYPE = "nr_evidence"


def evidence_of_criterion(criterion):
    """Evidence attached to ``criterion`` or supporting it from another criterion."""
    return api.content.find(
        portal_type=EVIDENCE_TYPE,
        nr_criteria=IUUID(criterion),
        sort_on="created",
    )


def _path(context):
    return "/".join(context.getPhysicalPath())


def review_queue(context):
    """Pending evidence below ``context``, the longest-waiting first."""
    return api.content.find(
        portal_type=EVIDENCE_TYPE,
        review_state="pending",
        path=_path(context),
        sort_on="nr_submitted",
    )


def my_evidence(context, user_id):
    """Drafts and rejected evidence ``user_id`` created below ``context``."""
    return api.content.find(
        portal_type=EVIDENCE_TYPE,
        review_state=("draft", "rejected"),
        Creator=user_id,
        path=_path(context),
        sort_on="modified",
        sort_order="descending",
    )


def waiting_days(iso_timestamp, now=None):
    """Whole days since ``iso_timestamp`` (catalog metadata), or None."""
    if not iso_timestamp:
        return None
    now = now or DateTime()
    return int(now - DateTime(iso_timestamp))
