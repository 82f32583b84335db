"""Catalog queries behind the criterion view, the review queue and "my evidence".

The catalog filters by the searcher's permissions, so every list shows only what
its reader may see (no draft for a Reader or an auditor).
"""

from collective.nrlabel import _
from dataclasses import dataclass
from DateTime import DateTime
from plone import api
from plone.uuid.interfaces import IUUID

import re


EVIDENCE_TYPE = "nr_evidence"


def evidence_of_criterion(criterion):
    """Evidence attached to ``criterion`` or supporting it from another criterion."""
    return api.content.find(
        portal_type=EVIDENCE_TYPE,
        nr_criteria=IUUID(criterion),
        sort_on="created",
    )


def _path(context):
    return "/".join(context.getPhysicalPath())


def stale_evidence(context, creator=None) -> list:
    """Approved evidence below ``context`` whose intranet item changed since
    approval (``nr_stale`` holds the reason), the longest-stale first; only
    ``creator``'s when given. Catalog records: the list waits for a reviewer's
    re-approval or rejection, and stays short."""
    from collective.nrlabel.evidence.intranet import STALE_REASONS

    query = {
        "portal_type": EVIDENCE_TYPE,
        "review_state": "approved",
        "nr_stale": list(STALE_REASONS),
        "path": _path(context),
    }
    if creator:
        query["Creator"] = creator
    return sorted(api.content.find(**query), key=lambda b: b.nr_stale_since or "")


# -- the review queue -------------------------------------------------------------

# How the queue may be ordered; the first is the default (fairness: whoever has
# waited longest is reviewed first).
QUEUE_SORTS = ("oldest", "newest", "criterion", "submitter")
# The ages the filter offers ("waiting N days or more"); any whole number of days
# up to MAX_AGE is accepted, so that a link can ask for another one.
QUEUE_AGES = (7, 14, 30)
MAX_AGE = 3650


@dataclass(frozen=True)
class QueueFilters:
    """What a reviewer narrowed the queue to, and its order. Empty: everything."""

    theme: str = ""
    kind: str = ""
    submitter: str = ""
    age: int | None = None
    sort: str = QUEUE_SORTS[0]

    def as_query(self) -> dict:
        """The non-default values, as the queue page's GET parameters."""
        query = {
            "theme": self.theme,
            "kind": self.kind,
            "submitter": self.submitter,
            "age": "" if self.age is None else str(self.age),
            "sort": "" if self.sort == QUEUE_SORTS[0] else self.sort,
        }
        return {key: value for key, value in query.items() if value}

    @property
    def narrowed(self) -> bool:
        """Whether any filter (not the order) is set."""
        return bool(self.theme or self.kind or self.submitter or self.age is not None)


class QueueFilterError(ValueError):
    """A queue parameter that is not one of the values offered; ``args[0]`` is the
    message to show (names the parameter and the value)."""


def parse_queue_filters(form, themes, kinds) -> QueueFilters:
    """Queue filters from GET parameters ``form``, checked against the programme's
    theme codes ``themes`` and the evidence kinds ``kinds``.

    A value the page never offers (an unknown theme or kind, an age that is not a
    whole number of days, an unknown order, a repeated parameter) is refused with
    ``QueueFilterError`` rather than silently ignored: the reviewer would otherwise
    believe the queue is filtered when it is not.
    """
    values = {}
    for name in ("theme", "kind", "submitter", "age", "sort"):
        value = form.get(name, "")
        if not isinstance(value, str):
            raise _filter_error(name, "…")
        values[name] = value.strip()
    if values["theme"] and values["theme"] not in themes:
        raise _filter_error("theme", values["theme"])
    if values["kind"] and values["kind"] not in kinds:
        raise _filter_error("kind", values["kind"])
    if values["submitter"] and api.user.get(userid=values["submitter"]) is None:
        raise _filter_error("submitter", values["submitter"])
    if values["sort"] and values["sort"] not in QUEUE_SORTS:
        raise _filter_error("sort", values["sort"])
    age = None
    if values["age"]:
        if not re.fullmatch(r"\d{1,4}", values["age"]) or int(values["age"]) > MAX_AGE:
            raise _filter_error("age", values["age"])
        age = int(values["age"])
    return QueueFilters(
        theme=values["theme"],
        kind=values["kind"],
        submitter=values["submitter"],
        age=age,
        sort=values["sort"] or QUEUE_SORTS[0],
    )


# The filters' names as the queue page labels them (not the URL's parameters).
FILTER_LABELS = {
    "theme": _("queue_filter_theme", default="Theme"),
    "kind": _("queue_filter_kind", default="Kind"),
    "submitter": _("queue_filter_submitter", default="Submitted by"),
    "age": _("queue_filter_age", default="Waiting"),
    "days": _("queue_filter_age", default="Waiting"),
    "sort": _("queue_filter_sort", default="Order"),
}


def _filter_error(name, value):
    return QueueFilterError(
        _(
            "error_queue_filter",
            default="The review queue has no filter '${name}' = '${value}'. "
            "Choose a value from the list.",
            mapping={"name": FILTER_LABELS.get(name, name), "value": value[:80]},
        )
    )


def queue_themes(programme) -> list:
    """The programme's themes as (id, "code title"), in referential order: the
    theme filter's choices."""
    brains = api.content.find(
        context=programme,
        portal_type="nr_theme",
        depth=1,
        sort_on="getObjPositionInParent",
    )
    return [
        (brain.getId, f"{brain.nr_code or ''} {brain.Title}".strip())
        for brain in brains
    ]


def review_queue(context, filters=None, now=None) -> list:
    """Pending evidence below ``context`` that matches ``filters`` (a
    ``QueueFilters``), in the order they ask for: the longest-waiting first by
    default. Catalog records; the kind and the criterion order wake the items up
    (the queue holds pending evidence only, so it stays short)."""
    filters = filters or QueueFilters()
    path = _path(context)
    if filters.theme:
        path = f"{path}/{filters.theme}"
    query = {
        "portal_type": EVIDENCE_TYPE,
        "review_state": "pending",
        "path": path,
        "sort_on": "nr_submitted",
    }
    if filters.sort == "newest":
        query["sort_order"] = "descending"
    brains = list(api.content.find(**query))
    if filters.submitter:
        brains = [b for b in brains if b.nr_submitter == filters.submitter]
    if filters.age is not None:
        brains = [
            b for b in brains if (waiting_days(b.nr_submitted, now) or 0) >= filters.age
        ]
    if filters.kind:
        brains = [
            b for b in brains if getattr(b.getObject(), "kind", None) == filters.kind
        ]
    if filters.sort == "criterion":
        brains.sort(
            key=lambda b: code_key(getattr(b.getObject().__parent__, "code", ""))
        )
    elif filters.sort == "submitter":
        brains.sort(key=lambda b: _person_key(b.nr_submitter))
    return brains


def code_key(code: str) -> tuple:
    """Sort key of a referential code in reading order: 1.1.2 before 1.1.10."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in (code or "").split(".")
    )


def _person_key(user_id):
    """Sort people by their full name (as the queue shows them), else their id."""
    user = api.user.get(userid=user_id) if user_id else None
    name = (user and user.getProperty("fullname", "")) or user_id or ""
    return name.casefold()


def next_in_queue(order: list, current: str, candidates: set):
    """The item to review after ``current`` in the queue order ``order`` (UIDs as
    the reviewer saw them): the first of ``candidates`` after it, else the first
    before it (the reviewer skipped those), else None."""
    position = order.index(current) + 1 if current in order else 0
    for uid in order[position:] + order[:position]:
        if uid != current and uid in candidates:
            return uid
    return None


def my_evidence(context, user_id):
    """Drafts and rejected evidence ``user_id`` created below ``context``."""
    return api.content.find(
        portal_type=EVIDENCE_TYPE,
        review_state=("draft", "rejected"),
        Creator=user_id,
        path=_path(context),
        sort_on="modified",
        sort_order="descending",
    )


def waiting_days(iso_timestamp, now=None):
    """Whole days since ``iso_timestamp`` (catalog metadata), or None."""
    if not iso_timestamp:
        return None
    now = now or DateTime()
    return int(now - DateTime(iso_timestamp))
