"""No cache keeps a programme's data: every response of the add-on, and every
response about content inside a programme, says ``Cache-Control: private,
no-store``.

One rule (``mark_private``), applied last: as a plone.transformchain transform
ordered after plone.app.caching's (which sets the headers of its rulesets at
order 12000), and again on ``IPubBeforeCommit`` after plone.transformchain's own
handler (for responses that turn the transform chain off, such as
``@@nr-pinned``'s exact bytes) and on ``IPubBeforeStreaming``. It overrides whatever ruleset an
integrator maps (the with-caching-proxy profile caches file downloads and
content views publicly), covers Plone's own views on the add-on's content
(``@@download``, ``@@display-file``, ``@@images``, history, comments) and the
REST API, and needs no registry record, so existing sites get it with the code.
Registered for the add-on's browser layer: an uninstalled add-on changes nothing.
"""

from Acquisition import aq_inner
from Acquisition import aq_parent
from collective.nrlabel.interfaces import IBrowserLayer
from collective.nrlabel.programme_tree import programme_of
from plone.transformchain.interfaces import ITransform
from zope.globalrequest import getRequest
from zope.interface import implementer


PACKAGE = "collective.nrlabel"
NO_STORE = "private, no-store"
# Headers that would let a shared cache or the browser keep the response.
DROPPED = ("expires", "surrogate-control", "etag", "last-modified")


def published_context(published):
    """What a published view, service, method or object is about."""
    context = getattr(published, "context", None)
    if context is None:
        context = getattr(published, "__self__", None)  # a bound method
    if context is None:
        context = (
            aq_parent(aq_inner(published)) if hasattr(published, "aq_chain") else None
        )
    return context if context is not None else published


def holds_programme_data(published):
    """The add-on's own views and services, and anything published on or inside
    a programme (the programme's content, comments, files, Plone's views on them)."""
    if published is None:
        return False
    for cls in type(published).__mro__:  # a page's class made from a template
        module = getattr(cls, "__module__", "") or ""
        if module == PACKAGE or module.startswith(PACKAGE + "."):
            return True
    for candidate in (published, published_context(published)):
        if programme_of(candidate) is not None:
            return True
    return False


def forbid_storing(response):
    response.setHeader("Cache-Control", NO_STORE)
    response.setHeader("Pragma", "no-cache")
    # Header names are kept as given when set "literally" (ETag): any case.
    for name in [name for name in response.headers if name.lower() in DROPPED]:
        del response.headers[name]


def mark_private(request):
    if holds_programme_data(request.get("PUBLISHED")):
        forbid_storing(request.response)


@implementer(ITransform)
class PrivateResponses:
    """After plone.app.caching (order 12000): the headers, never the body."""

    order = 12500

    def __init__(self, published, request):
        self.published = published
        self.request = request

    def transformBytes(self, result, encoding):
        mark_private(self.request)

    def transformUnicode(self, result, encoding):
        mark_private(self.request)

    def transformIterable(self, result, encoding):
        mark_private(self.request)


def private_response(event):
    """``IPubBeforeCommit``, after plone.transformchain's handler: also when a
    view turned the transform chain off."""
    if IBrowserLayer.providedBy(event.request):
        mark_private(event.request)


def private_streamed_response(event):
    """Streamed downloads (``response.write``) skip the transform chain: same
    rule, registered after plone.caching's own streaming hook."""
    request = getRequest()
    if request is not None and IBrowserLayer.providedBy(request):
        mark_private(request)
