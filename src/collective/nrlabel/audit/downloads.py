"""Auditor downloads of evidence files: who, when, what — kept for the NR lead."""

from AccessControl import getSecurityManager
from BTrees.LOBTree import LOBTree
from collective.nrlabel.audit.access import AUDITOR_ROLE
from collective.nrlabel.content.programme import programme_of
from datetime import datetime
from datetime import timezone
from plone import api
from plone.namedfile.browser import Download
from plone.protect.utils import safeWrite
from zope.annotation.interfaces import IAnnotations

import time


ANNOTATION_KEY = "collective.nrlabel.auditor_downloads"


def record_download(evidence, user, filename, request=None):
    """Append to the programme's log (a write on a GET: told to plone.protect)."""
    programme = programme_of(evidence)
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
        "path": "/".join(evidence.getPhysicalPath()),
        "title": evidence.Title(),
        "filename": filename,
    }
    if request is not None:
        for written in (log, programme, getattr(programme, "__annotations__", None)):
            if written is not None:
                safeWrite(written, request)


def downloads(programme):
    """The log, newest first."""
    log = IAnnotations(programme).get(ANNOTATION_KEY)
    return [log[key] for key in reversed(log.keys())] if log else []


def is_auditor_here(user, context):
    roles = user.getRolesInContext(context)
    return AUDITOR_ROLE in roles and not {"Manager", "NR Lead"} & set(roles)


class EvidenceDownload(Download):
    """@@download on evidence: an auditor's download is logged before it is served."""

    def __call__(self):
        user = getSecurityManager().getUser()
        if not api.user.is_anonymous() and is_auditor_here(user, self.context):
            file = getattr(self.context, "file", None)
            record_download(
                self.context, user, file.filename if file else "", self.request
            )
        return super().__call__()
