"""How the add-on shows people, dates, workflow states and transitions.

One definition for every page: a state is titled the same in the evidence list,
the audit page and the programme page, and a date follows the user's format.
"""

from collective.nrlabel import _
from dataclasses import replace
from datetime import date
from functools import cache
from plone import api
from zope.i18nmessageid import Message


def user_name(user_id):
    """A user's full name, else their id ("" for none)."""
    if not user_id:
        return ""
    user = api.user.get(userid=user_id)
    return (user and user.getProperty("fullname", "")) or user_id


def localized(value, long_format=False):
    """A date or time in the user's format ("" for none)."""
    if not value:
        return ""
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    return api.portal.get_localized_time(value, long_format=long_format)


class PageTranslator:
    """``api.portal.translate`` for the messages of one page, the language
    negotiated once: each call of ``api.portal.translate`` negotiates it anew
    (about 50 µs), and the dashboard translates some 170 messages."""

    def __init__(self, request=None):
        from zope.component import getUtility
        from zope.component import queryUtility
        from zope.globalrequest import getRequest
        from zope.i18n.interfaces import INegotiator
        from zope.i18n.interfaces import ITranslationDomain

        self.request = request if request is not None else getRequest()
        # What zope.i18n negotiates for each message of the add-on's domain.
        domain = queryUtility(ITranslationDomain, name="collective.nrlabel")
        languages = list(domain.getCatalogsInfo()) if domain is not None else []
        self.language = getUtility(INegotiator).getLanguage(languages, self.request)

    def __call__(self, message):
        from zope.i18n import translate

        return translate(message, context=self.request, target_language=self.language)


class ListFormats:
    """How a long list shows people, dates and labels, each person, label and date
    format looked up once per page rather than once per row: a page of evidence
    shows some hundred dates and labels, and each lookup negotiates the language
    anew. Same text as ``user_name``, ``localized`` and the template's
    translation."""

    def __init__(self, request=None):
        from zope.globalrequest import getRequest

        self.request = request if request is not None else getRequest()
        self.name = cache(user_name)
        self.term = cache(_term_title)
        self._texts = {}
        self._patterns = {}

    def text(self, message):
        """``message`` translated; one without a mapping only once per list.
        Anything else is left as it is (the template translates it)."""
        if not isinstance(message, Message) or message.mapping:
            return message
        key = (str(message), message.domain, message.default)
        if key not in self._texts:
            from zope.i18n import translate

            self._texts[key] = translate(message, context=self.request)
        return self._texts[key]

    def date(self, value, long_format=False):
        """As ``localized`` (Plone's ``ulocalized_time``), with the user's date
        format and the month and day names translated once."""
        if not value:
            return ""
        pattern = self._pattern(bool(long_format))
        if pattern is None:  # a format from the registry: Plone's own way
            return localized(value, long_format)
        from DateTime import DateTime
        from plone.base.i18nl10n import monthname_msgid
        from plone.base.i18nl10n import monthname_msgid_abbr
        from plone.base.i18nl10n import weekdayname_msgid
        from plone.base.i18nl10n import weekdayname_msgid_abbr
        from zope.i18n import interpolate

        text, numbers, names = pattern
        moment = DateTime(value.isoformat() if hasattr(value, "isoformat") else value)
        # One strftime for all the elements: each call converts the time zone.
        keys = [*sorted(numbers), "w", "m"]
        parts = moment.strftime("\x1f".join("%" + key for key in keys)).split("\x1f")
        mapping = dict(zip(keys[:-2], parts[:-2], strict=True))
        weekday, month = int(parts[-2]), int(parts[-1])
        msgids = {
            "a": lambda: weekdayname_msgid_abbr(weekday),
            "A": lambda: weekdayname_msgid(weekday),
            "b": lambda: monthname_msgid_abbr(month),
            "B": lambda: monthname_msgid(month),
        }
        for key in names:
            mapping[key] = self._name(msgids[key]())
        return interpolate(text, mapping)

    def _name(self, msgid):
        key = ("plonelocales", msgid)
        if key not in self._texts:
            from zope.i18n import translate

            self._texts[key] = translate(
                msgid, "plonelocales", context=self.request, default=msgid
            )
        return self._texts[key]

    def _pattern(self, long_format):
        if long_format not in self._patterns:
            self._patterns[long_format] = _date_pattern(long_format, self.request)
        return self._patterns[long_format]


def _term_title(vocabulary, value):
    from collective.nrlabel.vocabularies import term_title

    return term_title(vocabulary, value)


def _date_pattern(long_format, request):
    """The format ``ulocalized_time`` would use, its numeric elements and its
    names (translated separately); None when the site sets its own format in the
    registry, or when no format is translated (Plone then falls back to ISO)."""
    from plone.base.i18nl10n import _interp_regex
    from plone.base.i18nl10n import datetime_formatvariables
    from plone.base.i18nl10n import get_formatstring_from_registry
    from plone.base.i18nl10n import name_formatvariables
    from zope.i18n import translate

    msgid = "date_format_long" if long_format else "date_format_short"
    if get_formatstring_from_registry(msgid) is not None:
        return None
    text = translate(msgid, "plonelocales", context=request)
    if text == msgid:
        return None
    elements = {element[2:-1] for element in _interp_regex.findall(text)}
    return text, elements & datetime_formatvariables, elements & name_formatvariables


def localized_detail(detail):
    """A detail that rules give as an ISO date ("2026-01-15"), or as a message
    whose ``date`` is one, in the user's format; anything else as it is."""
    if isinstance(detail, Message) and "date" in (detail.mapping or {}):
        mapping = dict(detail.mapping)
        mapping["date"] = localized_detail(mapping["date"])
        return Message(detail, mapping=mapping)
    if isinstance(detail, str) and not isinstance(detail, Message):
        try:
            return localized(date.fromisoformat(detail))
        except ValueError:
            return detail
    return detail


def localized_steps(steps):
    """The labelling steps with their dates in the user's format."""
    return [replace(step, detail=localized_detail(step.detail)) for step in steps]


def user_zone(context):
    """The user's time zone if set, else the site's (a tzinfo)."""
    from plone.app.event.base import default_timezone

    return default_timezone(context, as_tzinfo=True)


def localized_moment(when_iso, context, zone=None):
    """A moment stored as ISO 8601 (UTC) in the user's format and time zone (theirs
    if set, else the site's), with the zone's name: "30/11/2026 04:29 NZDT".
    Lists pass ``zone`` (``user_zone``) to look it up once, not per row."""
    from datetime import datetime
    from datetime import timezone

    moment = datetime.fromisoformat(when_iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone(zone or user_zone(context))
    # Plone's formatter moves an aware time back to the server's zone: give it the
    # wall-clock time in the user's zone instead.
    shown = localized(local.replace(tzinfo=None), long_format=True)
    return f"{shown} {local.strftime('%Z')}"


def workflow_title(title):
    """A workflow state's or transition's title, translated in Plone's ``plone``
    domain as the toolbar, the state menu and the history translate it: one name
    for a state everywhere (the add-on's ``plone.po`` ships the translations)."""
    return Message(title, domain="plone")


def state_title(obj, state_id=None, workflow_id=None):
    """The translatable title of ``obj``'s state, or of ``state_id`` in
    ``workflow_id`` (lists built from the catalog, history entries)."""
    tool = api.portal.get_tool("portal_workflow")
    if workflow_id is not None:
        workflows = [tool[workflow_id]]
    else:
        workflows = tool.getWorkflowsFor(obj)
        state_id = state_id or api.content.get_state(obj)
    for workflow in workflows:
        state = workflow.states.get(state_id)
        if state is not None:
            return workflow_title(state.title)
    return state_id


def transitions(obj, url_of):
    """The transitions the current user may take on ``obj``: id, translatable
    title and the URL that ``url_of(obj_url, transition_id)`` gives."""
    url = obj.absolute_url()
    return [
        {
            "id": t["id"],
            "title": workflow_title(t["title"]),
            "url": url_of(url, t["id"]),
        }
        for t in api.portal.get_tool("portal_workflow").getTransitionsFor(obj)
    ]


def status_form_url(url, transition_id):
    """Plone's status form (actions, audits), with the CSRF token."""
    from plone.protect.authenticator import createToken

    return (
        f"{url}/content_status_modify?workflow_action={transition_id}"
        f"&_authenticator={createToken()}"
    )


def review_form_url(url, transition_id):
    """The add-on's review form (evidence: a comment, required to reject)."""
    return f"{url}/@@nr-transition?transition={transition_id}"


def level_sentence(progress):
    """The predicted level in words, with the distance to the next one:
    "Below level 1 (needs 300/1000): 120 points to go", "Level 1; level 2 needs
    500/1000: 80 points to go", "Level 2, the highest"."""
    if progress is None:
        return ""
    if progress.next_level is None:
        return _(
            "level_highest",
            default="Level ${level}, the highest",
            mapping={"level": progress.level},
        )
    mapping = {
        "level": progress.level,
        "next": progress.next_level,
        "needed": progress.next_threshold,
        "missing": progress.missing,
    }
    if progress.level == 0:
        return _(
            "level_below_first",
            default="Below level ${next} (needs ${needed}/1000): ${missing} points "
            "to go",
            mapping=mapping,
        )
    return _(
        "level_reached_next",
        default="Level ${level}; level ${next} needs ${needed}/1000: ${missing} "
        "points to go",
        mapping=mapping,
    )
