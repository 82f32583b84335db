"""Auditor downloads of evidence files: who, when, what — kept for the NR lead.

An auditor can read an evidence file through ``@@download``, ``@@display-file``,
``@@images`` (the whole file, or a scale of an image) and the file widget of a
form (``@@edit/++widget++form.widgets.file/@@download``, reachable with View), and
the lot through the audit pack. Each of these views calls ``serve_evidence_file`` (the pack:
``record_pack_download``) so that none of them hands over a file unlogged.
"""

from AccessControl import getSecurityManager
from BTrees.LOBTree import LOBTree
from collective.nrlabel.audit.access import AUDITOR_ROLE
from collective.nrlabel.content.programme import programme_of
from datetime import datetime
from datetime import timezone
from plone import api
from plone.formwidget.namedfile.widget import Download as WidgetDownload
from plone.namedfile.browser import DisplayFile
from plone.namedfile.browser import Download
from plone.namedfile.scaling import ImageScale
from plone.namedfile.scaling import ImageScaling
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
    """The log, newest first; each row also has ``when_local``, its time in the
    site's time zone (or the user's own), for people to read."""
    log = IAnnotations(programme).get(ANNOTATION_KEY)
    if not log:
        return []
    zone = _time_zone(programme)
    return [
        dict(log[key], when_local=local_time(log[key]["when"], zone))
        for key in reversed(log.keys())
    ]


def local_time(when, zone):
    """A logged time (ISO 8601, UTC) as people read it in ``zone``."""
    moment = datetime.fromisoformat(when)
    if moment.tzinfo is None:  # rows are written in UTC
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z")


def _time_zone(context):
    """Plone's time zone for the current user: theirs if set, else the site's."""
    from plone.app.event.base import default_timezone

    return default_timezone(context, as_tzinfo=True)


def is_auditor_here(user, context):
    roles = user.getRolesInContext(context)
    return AUDITOR_ROLE in roles and not {"Manager", "NR Lead"} & set(roles)


def _auditor(context):
    """The current user if they read ``context`` as an auditor, else None."""
    if api.user.is_anonymous():
        return None
    user = getSecurityManager().getUser()
    return user if is_auditor_here(user, context) else None


def no_sniffing(response):
    """Browsers must take a served file for the type it is sent as: an evidence
    "PDF" must not be sniffed into HTML and run in the site's origin."""
    response.setHeader("X-Content-Type-Options", "nosniff")


def serve_evidence_file(evidence, request, filename):
    """What every view that hands over an evidence file does first: log an
    auditor's read and send ``nosniff``."""
    no_sniffing(request.response)
    user = _auditor(evidence)
    if user is not None:
        record_download(evidence, user, filename or "", request)


def record_pack_download(programme, request, filename, files):
    """The audit pack: one log row for the whole pack, with its number of files."""
    user = _auditor(programme)
    if user is not None:
        record_download(programme, user, filename, request, kind="pack", files=files)


class EvidenceDownload(Download):
    """@@download on evidence: served with ``serve_evidence_file``."""

    def __call__(self):
        file = self._getFile()
        serve_evidence_file(self.context, self.request, file.filename)
        return super().__call__()


class EvidenceDisplayFile(EvidenceDownload, DisplayFile):
    """@@display-file on evidence: the file shown inline, logged like a download."""


class EvidenceImageScale(ImageScale):
    """One image of ``@@images`` on evidence (the file itself or a scale of it)."""

    def index_html(self):
        """Serve the image (a docstring: ZPublisher publishes nothing without one)."""
        self.validate_access()
        serve_evidence_file(
            self.context, self.request, getattr(self.data, "filename", None)
        )
        return super().index_html()

    def HEAD(self, REQUEST, RESPONSE=None):
        """The image's headers, without the image."""
        no_sniffing(REQUEST.response)
        return super().HEAD(REQUEST, RESPONSE)

    HEAD.__roles__ = ("Anonymous",)


class EvidenceImageScaling(ImageScaling):
    """@@images on evidence: every image it serves is an ``EvidenceImageScale``."""

    _scale_view_class = EvidenceImageScale


class EvidenceWidgetDownload(WidgetDownload):
    """@@download of a file widget (``…/@@edit/++widget++form.widgets.file``):
    plone.formwidget.namedfile serves the file of the form's content with View
    only, so an evidence file handed over this way is logged too."""

    def __call__(self):
        from collective.nrlabel.content.evidence import IEvidence

        widget = self.context
        form = getattr(widget, "form", None)
        content = form.getContent() if form is not None else widget.context
        file = getattr(content, widget.field.__name__, None)
        if IEvidence.providedBy(content) and hasattr(file, "filename"):
            serve_evidence_file(content, self.request, file.filename)
        return super().__call__()
