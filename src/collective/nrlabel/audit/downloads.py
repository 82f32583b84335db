"""Auditor downloads of evidence files: who, when, what — kept for the NR lead.

Every view that hands over an evidence file (``browser/downloads.py``) calls
``record_file_read``; the audit pack calls ``record_pack_download``. So no way of
reading a file escapes the log.
"""

from AccessControl import getSecurityManager
from BTrees.LOBTree import LOBTree
from collective.nrlabel.audit.access import AUDITOR_ROLE
from collective.nrlabel.programme_tree import programme_of
from datetime import datetime
from datetime import timezone
from plone import api
from plone.protect.utils import safeWrite
from zope.annotation.interfaces import IAnnotations

import time


ANNOTATION_KEY = "collective.nrlabel.auditor_downloads"


def record_download(obj, user, filename, request=None, **details):
    """Append a row about ``obj`` (an evidence, or the programme for the pack) to
    the programme's log (a write on a GET: told to plone.protect).

    ``details`` go into the row as they are: the pack's row has ``kind="pack"`` and
    ``files``, its number of files.
    """
    programme = programme_of(obj)
    if programme is None:
        return
    annotations = IAnnotations(programme)
    log = annotations.get(ANNOTATION_KEY)
    if log is None:
        log = annotations[ANNOTATION_KEY] = LOBTree()
    key = time.time_ns()
    while key in log:
        key += 1
    log[key] = {
        "user": user.getId(),
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "path": "/".join(obj.getPhysicalPath()),
        "title": obj.Title(),
        "filename": filename,
        "kind": "evidence",
        **details,
    }
    if request is not None:
        for written in (log, programme, getattr(programme, "__annotations__", None)):
            if written is not None:
                safeWrite(written, request)


def downloads(programme):
    """The log, newest first (``when``: ISO 8601, UTC)."""
    log = IAnnotations(programme).get(ANNOTATION_KEY)
    if not log:
        return []
    return [log[key] for key in reversed(log.keys())]


def is_auditor_here(user, context):
    roles = user.getRolesInContext(context)
    return AUDITOR_ROLE in roles and not {"Manager", "NR Lead"} & set(roles)


def _auditor(context):
    """The current user if they read ``context`` as an auditor, else None."""
    if api.user.is_anonymous():
        return None
    user = getSecurityManager().getUser()
    return user if is_auditor_here(user, context) else None


def record_file_read(evidence, request, filename):
    """An auditor read ``evidence``'s file: log it (nobody else is logged)."""
    user = _auditor(evidence)
    if user is not None:
        record_download(evidence, user, filename or "", request)


def record_pack_download(programme, request, filename, files):
    """The audit pack: one log row for the whole pack, with its number of files."""
    user = _auditor(programme)
    if user is not None:
        record_download(programme, user, filename, request, kind="pack", files=files)
