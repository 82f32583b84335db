"""The start page (@@nr-home) and the test behind its links in the user menu and
the site navigation. What waits for whom is worklist.py's; this only shows it."""

from collective.nrlabel import _
from collective.nrlabel.browser.dashboard import LIGHT_LABELS
from collective.nrlabel.browser.display import localized
from collective.nrlabel.browser.display import state_title
from collective.nrlabel.evidence.expiry import EXPIRED
from collective.nrlabel.evidence.rules import EVIDENCE_WORKFLOW
from collective.nrlabel.worklist import has_programme
from collective.nrlabel.worklist import worklist
from functools import cached_property
from plone import api
from Products.Five.browser import BrowserView
from zExceptions import Unauthorized
from zope.annotation.interfaces import IAnnotations


# The add-on's role titles, as the Sharing tab names them (sharing.xml).
ROLE_TITLES = {
    "NR Lead": _("Leads the NR programme"),
    "NR Reviewer": _("Reviews NR evidence"),
    "NR Auditor": _("Audits the NR programme"),
    "NR Editor": _("Adds and edits NR evidence"),
    "NR Contributor": _("Adds NR evidence"),
    "NR Reader": _("Reads the NR programme"),
}

EXPIRY_BADGES = {
    EXPIRED: _("home_expired", default="Expired"),
    "expires_soon": _("home_expires_soon", default="Expires soon"),
}


class HomeView(BrowserView):
    """Each programme of the current user with what waits for them there."""

    def __call__(self):
        if api.user.is_anonymous():
            # Plone answers with its login form, and comes back here afterwards.
            raise Unauthorized("@@nr-home")
        return self.index()

    @cached_property
    def programmes(self):
        return [self._programme(work) for work in worklist()]

    def _programme(self, work):
        """The template's view of one worklist.ProgrammeWork."""
        return {
            "work": work,
            "roles": [ROLE_TITLES[r] for r in work.roles if r in ROLE_TITLES],
            "criteria": [
                {"c": c, "light_title": LIGHT_LABELS[c.light]}
                for c in work.owned_criteria or ()
            ],
            "drafts": [self._item(i) for i in work.drafts],
            "rejected": [self._item(i) for i in work.rejected],
            "pending": [self._item(i) for i in work.pending],
            "overdue": [
                {"title": b.Title, "url": b.getURL(), "due": localized(b.nr_due_date)}
                for b in work.overdue_actions or ()
            ],
            "expiring": [
                {
                    "title": b.Title,
                    "url": b.getURL(),
                    "status": status,
                    "badge": EXPIRY_BADGES[status],
                    "until": localized(b.nr_valid_until),
                }
                for b, status in work.expiring_evidence or ()
            ],
            "stale": [self._stale(b) for b in work.stale or ()],
            "audits": [
                {
                    "title": a.title,
                    "url": a.url,
                    "start": localized(a.window_start),
                    "end": localized(a.window_end),
                }
                for a in work.open_audits or ()
            ],
        }

    def _stale(self, brain):
        """A stale evidence record: why (the latest change) and since when."""
        from collective.nrlabel.evidence.intranet import stale_reason_text
        from DateTime import DateTime

        since = brain.nr_stale_since
        return {
            "title": brain.Title,
            "url": brain.getURL(),
            "reason": stale_reason_text(brain.nr_stale),
            "since": localized(DateTime(since), long_format=True) if since else "",
        }

    def _item(self, item):
        return {
            "item": item,
            "state_title": state_title(None, item.state, EVIDENCE_WORKFLOW),
            "modified": localized(item.modified),
        }


REQUEST_KEY = "collective.nrlabel.has_programme"


class WayInView(BrowserView):
    """Whether to show the start page's links (portal_actions ``available_expr``):
    to people with a role on a programme, and site administrators. One catalog
    query per request and user, however many actions ask."""

    def __call__(self):
        user_id = api.user.get_current().getId()
        cache = IAnnotations(self.request).setdefault(REQUEST_KEY, {})
        if user_id not in cache:
            cache[user_id] = has_programme()
        return cache[user_id]
