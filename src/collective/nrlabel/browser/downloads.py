"""Evidence files over HTTP: ``@@download``, ``@@display-file``, ``@@images`` and a
form's file widget, each logged for an auditor (``audit.downloads``) and sent with
``nosniff``. plone.namedfile's views, subclassed so that none hands over a file
unlogged.
"""

from collective.nrlabel.audit.downloads import record_file_read
from plone.formwidget.namedfile.widget import Download as WidgetDownload
from plone.namedfile.browser import DisplayFile
from plone.namedfile.browser import Download
from plone.namedfile.scaling import ImageScale
from plone.namedfile.scaling import ImageScaling


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
