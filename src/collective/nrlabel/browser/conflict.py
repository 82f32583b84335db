"""The answer to a database conflict that outlived Zope's retries: 409 and
"someone changed this at the same time; please try again" (conflicts.py).

JSON for plone.restapi requests (the shape of plone.rest's errors), a short page
otherwise. Registered as the ``index.html`` exception view of
``TransientError`` for the add-on's layer, more specific than Plone's (500) and
plone.rest's, which would both answer 500.
"""

from collective.nrlabel import _
from html import escape
from plone.rest.interfaces import IAPIRequest
from Products.Five.browser import BrowserView
from zope.i18n import translate

import json


MESSAGE = _(
    "conflict_try_again",
    default="Someone changed this at the same time; please try again.",
)
TITLE = _("conflict_title", default="Try again")


def wants_json(request) -> bool:
    return IAPIRequest.providedBy(request) or "application/json" in (
        request.getHeader("Accept") or ""
    )


class ConflictView(BrowserView):
    def __call__(self):
        request = self.request
        response = request.response
        message = translate(MESSAGE, context=request)
        response.setStatus(409, lock=True)
        response.setHeader("Retry-After", "1")
        response.setHeader("Cache-Control", "no-store")
        if wants_json(request):
            response.setHeader("Content-Type", "application/json")
            body = json.dumps({"type": "Conflict", "message": message})
            response.setBody(body, lock=True)
            return body
        response.setHeader("Content-Type", "text/html; charset=utf-8")
        title = escape(translate(TITLE, context=request))
        return (
            "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
            f"<title>{title}</title></head><body><h1>{title}</h1>"
            f"<p class='nr-conflict'>{escape(message)}</p></body></html>"
        )
