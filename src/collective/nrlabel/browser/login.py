"""After logging in, people with a role on a programme land on their start page.

Plone sends a user who logged in from the site's front page (or with nowhere to
go back to) to the site root, which for them is an empty page: the add-on sends
them to @@nr-home instead. A ``came_from`` naming another page of the site still
wins, and people without a role on a programme keep Plone's behaviour.
"""

from collective.nrlabel.worklist import has_programme
from plone import api
from plone.base.interfaces import IRedirectAfterLogin
from urllib.parse import urlsplit
from zope.interface import implementer


START_PAGE = "@@nr-home"
# What a URL of the site root may end with and still be the site root.
ROOT_VIEWS = ("", "view", "index_html", "@@view")


def is_site_root(url, portal_url):
    """Whether ``url`` (None, empty, absolute or relative) is the site's root."""
    if not url:
        return True
    path = urlsplit(url).path.rstrip("/")
    root = urlsplit(portal_url).path.rstrip("/")
    if path == root:
        return True
    head, _slash, last = path.rpartition("/")
    return head == root and last in ROOT_VIEWS


@implementer(IRedirectAfterLogin)
class RedirectToStartPage:
    """IRedirectAfterLogin for the add-on's browser layer (gone on uninstall)."""

    def __init__(self, context, request):
        self.context = context
        self.request = request

    def __call__(self, came_from=None, is_initial_login=False):
        portal_url = api.portal.get().absolute_url()
        if is_site_root(came_from, portal_url) and has_programme():
            return f"{portal_url}/{START_PAGE}"
        return came_from
