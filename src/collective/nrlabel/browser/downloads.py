"""Evidence files over HTTP: ``@@download``, ``@@display-file``, ``@@images`` and a
form's file widget, each logged for an auditor (``audit.downloads``) and sent with
``nosniff``. plone.namedfile's views, subclassed so that none hands over a file
unlogged.
"""

from collective.nrlabel.audit.downloads import record_file_read
from plone import api
from plone.formwidget.namedfile.widget import Download as WidgetDownload
from plone.namedfile.browser import DisplayFile
from plone.namedfile.browser import Download
from plone.namedfile.scaling import ImageScale
from plone.namedfile.scaling import ImageScaling
from Products.Five.browser import BrowserView


def no_sniffing(response):
    """Browsers must take a served file for the type it is sent as: an evidence
    "PDF" must not be sniffed into HTML and run in the site's origin."""
    response.setHeader("X-Content-Type-Options", "nosniff")


def serve_evidence_file(evidence, request, filename):
    """What every view that hands over an evidence file does first: log an
    auditor's read and send ``nosniff``."""
    no_sniffing(request.response)
    record_file_read(evidence, request, filename)


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


def pinned_file(evidence):
    """The approved version of ``evidence``'s intranet item as (file, filename),
    or None: the copy kept in the evidence, else the pinned version's file, else
    its text as an HTML file. Never today's item. The name comes from the
    evidence's own title, not from the item (whose title may be secret)."""
    from collective.nrlabel.evidence.intranet import content_bytes
    from collective.nrlabel.evidence.intranet import pin_of
    from collective.nrlabel.evidence.intranet import pinned_copy
    from collective.nrlabel.evidence.intranet import pinned_version
    from collective.nrlabel.evidence.rules import safe_filename
    from plone.namedfile.file import NamedFile
    from plone.rfc822.interfaces import IPrimaryFieldInfo

    if pin_of(evidence) is None:
        return None
    file = pinned_copy(evidence)
    if file is None:
        version = pinned_version(evidence)
        if version is None:
            return None
        try:
            value = IPrimaryFieldInfo(version).value
        except TypeError:
            value = None
        if hasattr(value, "open"):
            file = value
        else:
            file = NamedFile(
                b"".join(content_bytes(version)),
                contentType="text/html",
                filename=f"{evidence.getId()}.html",
            )
    extension = (file.filename or "").rpartition(".")[2]
    title = (evidence.Title() or evidence.getId()).replace("/", "-")
    stem = safe_filename(title.replace("\\", "-")) or evidence.getId()
    return file, f"{stem}.{extension}" if extension else stem


class PinnedDownload(BrowserView):
    """@@nr-pinned on evidence: the approved version of its intranet item, to
    whoever may read the pin (``may_read_pinned``: a reviewer, an auditor in the
    window, the lead, or someone who may View the live item), as an attachment
    with ``nosniff``, logged like every file read."""

    def __call__(self):
        from collective.nrlabel import _
        from collective.nrlabel.evidence.intranet import may_read_pinned
        from plone.namedfile.utils import set_headers
        from plone.namedfile.utils import stream_data
        from zExceptions import Unauthorized

        if not may_read_pinned(self.context):
            raise Unauthorized("nr-pinned")
        found = pinned_file(self.context)
        if found is None:
            self.request.response.setStatus(404)
            return api.portal.translate(
                _(
                    "error_no_pinned_version",
                    default="The approved version of this intranet document "
                    "can no longer be retrieved.",
                )
            )
        file, filename = found
        # The approved bytes, as they are: no theme, no protect.js injected into
        # a page's HTML (its SHA-256 must stay the pin's).
        self.request.environ["plone.transformchain.disable"] = True
        serve_evidence_file(self.context, self.request, filename)
        set_headers(file, self.request.response, filename=filename)
        return stream_data(file)
