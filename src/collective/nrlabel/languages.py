"""The language a page is shown in: the user's own preference first.

Plone negotiates the language before it knows who is asking (the language is bound
when traversal reaches the site, and the user is authenticated only at the end of
traversal), and its negotiation never reads the ``language`` of the user's personal
preferences: a user who chooses English there saves it and stays in French.

So, on the add-on's browser layer, ``PreferenceNegotiator`` puts the signed-in
user's preferred language (when the site offers it) before the browser's
Accept-Language and the site default, and ``bind_after_authentication`` binds the
language again once the user is known. A choice made for the page itself (a
language in the URL path, the content's language, the language selector's cookie)
still wins, as in Plone. Everything that translates reads the binding (zope.i18n
through ``PrefsForPTS``, ``request["LANGUAGE"]``, dates), so pages, mails sent
from the request and exports follow.

``offer_languages`` is the install's part: the add-on's pages are in French and
English, so both must be offered for a preference or a browser to select them.
"""

from plone.i18n.interfaces import ILanguageUtility
from plone.i18n.negotiate.negotiate import NegotiateLanguage
from plone.i18n.utility import setLanguageBinding
from zope.component import getUtility


LANGUAGES = ("fr", "en")

NEGOTIATION_SCHEMES = (
    "use_content_negotiation",
    "use_path_negotiation",
    "use_cookie_negotiation",
    "use_subdomain_negotiation",
    "use_cctld_negotiation",
    "use_request_negotiation",
)


def offered(code, supported):
    """``code`` (as a preference stores it: "en", "en-gb", "fr_FR") as one of the
    ``supported`` languages, else its base language if supported, else None."""
    code = (code or "").strip().lower().replace("_", "-")
    if not code:
        return None
    if code in supported:
        return code
    base = code.split("-")[0]
    return base if base in supported else None


def preferred_language(tool):
    """The signed-in user's preferred language, if the site offers it."""
    from AccessControl import getSecurityManager

    user = getSecurityManager().getUser()
    if user is None or not user.has_role("Authenticated"):
        return None
    from plone import api

    member = api.user.get_current()
    code = member.getProperty("language", "") if member is not None else ""
    return offered(code, tool.getSupportedLanguages())


def explicit_choice(tool, request):
    """Whether the page itself names a language: in its path, by its content, or
    with the language selector (``set_language`` or the cookie it sets; a cookie
    Plone sets on every response is no choice)."""
    settings = tool.settings
    if settings.use_path_negotiation and tool.getPathLanguage(request):
        return True
    if settings.use_content_negotiation and tool.getContentLanguage(request):
        return True
    if settings.use_cookie_negotiation:
        if request.get("set_language"):
            return True
        if not settings.set_cookie_always and tool.getLanguageCookie(request):
            return True
    return False


class PreferenceNegotiator(NegotiateLanguage):
    """Plone's negotiation, with the user's preferred language before the
    browser's languages and the site default."""

    def __init__(self, site, request):
        super().__init__(site, request)
        tool = getUtility(ILanguageUtility)
        preferred = preferred_language(tool)
        if preferred is None or preferred == self.language:
            return
        if explicit_choice(tool, request):
            return
        others = [self.language, *self.language_list]
        self.language = preferred
        self.language_list = [code for code in others if code != preferred]


def bind_after_authentication(event):
    """Negotiate again once the user is known (``IPubAfterTraversal``), on the
    add-on's layer and for signed-in users only."""
    from collective.nrlabel.interfaces import IBrowserLayer

    request = event.request
    if not IBrowserLayer.providedBy(request):
        return
    tool = getUtility(ILanguageUtility)
    if preferred_language(tool) is None:
        return
    setLanguageBinding(request)


def offer_languages():
    """Offer French and English (added to the site's languages, none removed) and,
    on a site that negotiates nothing yet, follow the browser's language.

    A site whose integrator chose a negotiation scheme keeps it; the site's default
    language is left as it is.
    """
    from plone import api

    available = api.portal.get_registry_record("plone.available_languages")
    missing = [code for code in LANGUAGES if code not in available]
    if missing:
        api.portal.set_registry_record(
            "plone.available_languages", list(available) + missing
        )
    if not any(
        api.portal.get_registry_record(f"plone.{name}") for name in NEGOTIATION_SCHEMES
    ):
        api.portal.set_registry_record("plone.use_request_negotiation", True)


def import_languages(context):
    """GenericSetup import step: ``offer_languages`` for the add-on's profile (the
    one holding the marker file), nothing for other profiles."""
    if context.readDataFile("collective.nrlabel-languages.txt") is None:
        return
    offer_languages()
