"""@@nr-activity: the programme's activity log, filtered by what, who and when."""

from collective.nrlabel import _
from collective.nrlabel.activity import activity
from collective.nrlabel.activity import ActivityFilter
from collective.nrlabel.activity import actors
from collective.nrlabel.activity import GROUPS
from collective.nrlabel.activity import PAGE_SIZE
from collective.nrlabel.browser.display import localized
from collective.nrlabel.browser.display import localized_moment
from collective.nrlabel.browser.display import user_name
from collective.nrlabel.browser.display import user_zone
from collective.nrlabel.content.criterion import ICriterion
from collective.nrlabel.exports import NO
from collective.nrlabel.exports import YES
from collective.nrlabel.settings import maturity_label
from collective.nrlabel.settings import maturity_levels
from collective.nrlabel.vocabularies import term_title
from datetime import date
from functools import cached_property
from plone import api
from Products.Five.browser import BrowserView
from urllib.parse import urlencode


GROUP_TITLES = {
    "submitted": _("activity_group_submitted", default="Evidence submitted"),
    "approved": _("activity_group_approved", default="Evidence approved"),
    "rejected": _("activity_group_rejected", default="Evidence rejected"),
    "reopened": _("activity_group_reopened", default="Evidence reopened or revised"),
    "self_assessment": _(
        "activity_group_self_assessment", default="Self-assessment changes"
    ),
    "audit": _("activity_group_audit", default="Audit steps"),
    "action": _("activity_group_action", default="Action plan steps"),
}

# What each step is called in the log, as a past event.
WHAT_TITLES = {
    "nr_evidence:submit": _("activity_submit", default="submitted evidence"),
    "nr_evidence:approve": _("activity_approve", default="approved evidence"),
    "nr_evidence:reject": _("activity_reject", default="rejected evidence"),
    "nr_evidence:reopen": _("activity_reopen", default="reopened evidence"),
    "nr_evidence:revise": _("activity_revise", default="took evidence back to revise"),
    "nr_criterion:self_assessment": _(
        "activity_self_assessment", default="changed the self-assessment of"
    ),
    "nr_audit:start_audit": _("activity_start_audit", default="started the audit"),
    "nr_audit:close_audit": _("activity_close_audit", default="closed the audit"),
    "nr_audit:grant": _("activity_grant", default="recorded the label as granted"),
    "nr_audit:refuse": _("activity_refuse", default="recorded the label as refused"),
    "nr_audit:expire": _("activity_expire", default="recorded the label as expired"),
    "nr_action:start": _("activity_action_start", default="started the action"),
    "nr_action:complete": _("activity_action_complete", default="completed the action"),
    "nr_action:cancel": _("activity_action_cancel", default="cancelled the action"),
    "nr_action:resume": _("activity_action_resume", default="resumed the action"),
}

# Far past any log's end: a bigger number is no page either.
LAST_START = 10**9

BAD_FILTER = _(
    "activity_bad_filter",
    default="This filter is not one the page offers: ${name}. The whole log is shown.",
)


class ActivityFilterError(ValueError):
    """A filter value the page does not offer."""


def parse_activity_filter(form) -> ActivityFilter:
    """The filter asked in the URL; raises ActivityFilterError naming the field."""
    group = form.get("what") or None
    if group is not None and (not isinstance(group, str) or group not in GROUPS):
        raise ActivityFilterError("what")
    days = {}
    for name in ("since", "until"):
        value = form.get(name) or None
        try:
            days[name] = date.fromisoformat(value) if value else None
        except (TypeError, ValueError):
            raise ActivityFilterError(name) from None
    actor = form.get("who") or None
    if actor is not None and not isinstance(actor, str):
        raise ActivityFilterError("who")
    return ActivityFilter(group=group, actor=actor, **days)


class ActivityView(BrowserView):
    """The log, newest first, one page of PAGE_SIZE entries at a time."""

    filter_error = None
    filters = ActivityFilter()

    def __call__(self):
        try:
            self.filters = parse_activity_filter(self.request.form)
            if self.filters.actor and self.filters.actor not in actors(self.context):
                raise ActivityFilterError("who")
        except ActivityFilterError as error:
            self.filters = ActivityFilter()
            label = self.filter_labels().get(error.args[0], error.args[0])
            self.filter_error = api.portal.translate(
                _(
                    BAD_FILTER,
                    mapping={"name": api.portal.translate(label)},
                )
            )
            self.request.response.setStatus(400)
        return self.index()

    def filter_labels(self):
        return {
            "what": _("activity_filter_what", default="What"),
            "who": _("activity_filter_who", default="Who"),
            "since": _("activity_filter_since", default="From"),
            "until": _("activity_filter_until", default="To"),
        }

    @cached_property
    def start(self):
        try:
            start = int(self.request.form.get("b_start", 0))
        except (TypeError, ValueError):
            return 0
        return min(max(start, 0), LAST_START)

    @cached_property
    def page(self):
        return activity(self.context, self.filters, self.start, PAGE_SIZE)

    def groups(self):
        return [
            {"value": v, "title": t, "selected": v == self.filters.group}
            for v, t in GROUP_TITLES.items()
        ]

    def people(self):
        ids = actors(self.context)
        if self.filters.actor:
            ids.add(self.filters.actor)
        return [
            {"value": i, "title": name, "selected": i == self.filters.actor}
            for i, name in sorted(
                ((i, user_name(i)) for i in ids if i), key=lambda p: p[1].casefold()
            )
        ]

    def day(self, value):
        return value.isoformat() if value else ""

    def rows(self):
        entries = self.page.entries
        urls = _urls(e.uid for e in entries)
        zone = user_zone(self.context)
        names = {
            actor: user_name(actor) or actor for actor in {e.actor for e in entries}
        }
        return [
            {
                "when": localized_moment(e.when.isoformat(), self.context, zone),
                "who": names[e.actor],
                "what": WHAT_TITLES.get(e.what, e.what.partition(":")[2]),
                "title": e.title,
                "url": urls.get(e.uid),
                "changes": [self.change(name, value) for name, value in e.changes],
                "comment": e.comment,
            }
            for e in entries
        ]

    def change(self, name, value):
        """A self-assessment field as "Maturity: Deployed"."""
        field = ICriterion.get(name)
        label = api.portal.translate(field.title) if field else name
        return api.portal.translate(
            _(
                "activity_change",
                default="${field}: ${value}",
                mapping={"field": label, "value": self.shown(name, value)},
            )
        )

    def shown(self, name, value):
        if value is None or value == "":
            return "—"
        if name == "maturity":
            return maturity_label(value, maturity_levels()) or str(value)
        if name == "owner":
            return user_name(value)
        if name == "applicability":
            return api.portal.translate(
                term_title("collective.nrlabel.Applicability", value, self.context)
            )
        if name == "target_date":
            return localized(date.fromisoformat(value))
        if isinstance(value, bool):
            return api.portal.translate(YES if value else NO)
        text = str(value)
        return text if len(text) <= 120 else text[:119] + "…"

    def _url(self, start):
        query = {
            "what": self.filters.group or "",
            "who": self.filters.actor or "",
            "since": self.day(self.filters.since),
            "until": self.day(self.filters.until),
            "b_start": start,
        }
        query = {k: v for k, v in query.items() if v not in ("", 0)}
        base = f"{self.context.absolute_url()}/@@nr-activity"
        return f"{base}?{urlencode(query)}" if query else base

    def newer_url(self):
        page = self.page
        return self._url(max(page.start - page.size, 0)) if page.start else None

    def older_url(self):
        page = self.page
        if page.start + page.size < page.total:
            return self._url(page.start + page.size)
        return None

    def shown_range(self):
        page = self.page
        return {
            "first": page.start + 1 if page.entries else 0,
            "last": page.start + len(page.entries),
            "total": page.total,
        }


def _urls(uids) -> dict:
    """The current address of each item still there (one catalog query)."""
    uids = [uid for uid in set(uids) if uid]
    if not uids:
        return {}
    return {b.UID: b.getURL() for b in api.content.find(UID=uids)}
