"""The self-assessment grid: every criterion of a programme on one page, saved at
once (``@@nr-self-assessment``).

Plain functions, no request: the grid's rows (in referential order, grouped by
theme and principle, with the evidence status of ``readiness.readiness()`` so
that the grid and the dashboard never disagree), the row-level checks, and the
save, all or nothing. A lead self-assesses 47 criteria with one page load and
one save instead of 47 edit forms.

Submitted rows are ``{criterion UID: {field: text}}`` as a form posts them; a
field left out of a row keeps its value.
"""

from collective.nrlabel import _
from collective.nrlabel.content.criterion import ICriterion
from collective.nrlabel.content.criterion import JUSTIFICATION_MESSAGE
from collective.nrlabel.permissions import ModifyPortalContent
from collective.nrlabel.readiness import readiness
from collective.nrlabel.settings import get_setting
from collective.nrlabel.vocabularies.people import programme_people
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from plone import api
from zope.event import notify
from zope.i18nmessageid import Message
from zope.lifecycleevent import Attributes
from zope.lifecycleevent import ObjectModifiedEvent

import unicodedata


FIELDS = ("applicability", "justification", "maturity", "owner", "target_date")
APPLICABILITY = ("applicable", "not_applicable")
# A target date outside these years is a typing slip ("0226", "20260"), not a plan.
FIRST_YEAR, LAST_YEAR = 2000, 2100
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")  # <input type="date">, or typed by hand

MESSAGES = {
    "applicability": _(
        "error_sa_applicability",
        default="Choose whether the criterion applies.",
    ),
    "maturity": _(
        "error_sa_maturity",
        default="Choose a maturity level of the scale, from 0 to ${highest}.",
    ),
    "owner": _(
        "error_sa_owner",
        default="Choose the owner among the people of the programme; an auditor "
        "cannot own a criterion.",
    ),
    "target_date": _(
        "error_sa_target_date",
        default="Give the target date as a date between the years ${first} and "
        "${last}.",
    ),
    "justification_length": _(
        "error_sa_justification_length",
        default="Keep the justification under ${longest} characters.",
    ),
    "repeated": _(
        "error_sa_repeated",
        default="This field was sent twice: reload the page and save again.",
    ),
    "uid": _(
        "error_sa_unknown_criterion",
        default="This criterion is not part of the programme: reload the page.",
    ),
    "permission": _(
        "error_sa_not_allowed",
        default="You may not change this criterion.",
    ),
}


@dataclass(frozen=True)
class GridRow:
    """One criterion of the grid: its self-assessment and its evidence status."""

    uid: str
    code: str
    title: str
    url: str
    applicability: str
    justification: str
    maturity: int | None
    owner: str | None
    target_date: date | None
    light: str
    approved: int
    pending: int
    may_edit: bool


@dataclass
class PrincipleGroup:
    code: str | None  # None: criteria placed directly in their theme
    title: str
    rows: list = field(default_factory=list)


@dataclass
class ThemeGroup:
    code: str
    title: str
    principles: list = field(default_factory=list)


@dataclass
class Grid:
    themes: list
    rows: list
    score: object  # scoring.ScoreReport


@dataclass(frozen=True)
class RowError:
    uid: str
    code: str
    field: str  # one of FIELDS, or "uid" / "permission" for the row itself
    message: Message


@dataclass
class SaveResult:
    changed: list = field(default_factory=list)  # codes of the changed criteria
    errors: list = field(default_factory=list)  # RowError


def _path(programme):
    return "/".join(programme.getPhysicalPath())


def criteria_by_uid(programme) -> dict:
    """The programme's criteria (objects) by UID: one catalog query."""
    brains = api.content.find(portal_type="nr_criterion", path=_path(programme))
    return {brain.UID: brain.getObject() for brain in brains}


def _group_titles(programme) -> dict:
    """Titles of the programme's themes and principles by code."""
    brains = api.content.find(
        portal_type=("nr_theme", "nr_principle"), path=_path(programme)
    )
    return {brain.nr_code: brain.Title for brain in brains}


def grid(programme) -> Grid:
    """The grid of ``programme``: every criterion in referential order, grouped
    by theme and principle. The lights and evidence counts are readiness's."""
    result = readiness(programme)
    objects = {obj.absolute_url(): obj for obj in criteria_by_uid(programme).values()}
    titles = _group_titles(programme)
    themes, rows = {}, []
    for c in result.criteria:
        obj = objects.get(c.url)
        if obj is None:
            continue
        row = _row(obj, c)
        rows.append(row)
        theme = themes.get(c.theme)
        if theme is None:
            theme = themes[c.theme] = ThemeGroup(c.theme, titles.get(c.theme, ""))
        if not theme.principles or theme.principles[-1].code != c.principle:
            theme.principles.append(
                PrincipleGroup(c.principle, titles.get(c.principle, ""))
            )
        theme.principles[-1].rows.append(row)
    return Grid(themes=list(themes.values()), rows=rows, score=result.score)


def _row(obj, c) -> GridRow:
    return GridRow(
        uid=obj.UID(),
        code=c.code,
        title=c.title,
        url=c.url,
        applicability=obj.applicability or "applicable",
        justification=obj.justification or "",
        maturity=obj.maturity,
        owner=obj.owner,
        target_date=obj.target_date,
        light=c.light,
        approved=c.approved,
        pending=c.pending,
        may_edit=bool(api.user.has_permission(ModifyPortalContent, obj=obj)),
    )


def highest_level() -> int:
    return len(get_setting("maturity_levels")) - 1


# Longer than any reason an auditor reads; a grid row is not a document.
LONGEST_JUSTIFICATION = 5000


class JustificationTooLong(ValueError):
    """A justification over LONGEST_JUSTIFICATION characters."""


def _text(value):
    """Form text as stored: one kind of line break, no control characters (they
    are invisible, and spreadsheets refuse them), no surrounding space, None for
    nothing. Anything but text (an uploaded file) is a TypeError."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = "".join(c for c in value if c in "\n\t" or unicodedata.category(c) != "Cc")
    return value.strip() or None


def parse_date(value):
    """A date from the form (ISO, or day/month/year typed by hand), or raises
    ValueError; None for an empty value. Years outside 2000–2100 are refused."""
    value = _text(value)
    if value is None:
        return None
    for fmt in DATE_FORMATS:
        try:
            day = datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        if FIRST_YEAR <= day.year <= LAST_YEAR:
            return day
        break
    raise ValueError(value)


def _parse_maturity(value, highest):
    value = _text(value)
    if value is None:
        return None
    level = int(value)  # ValueError for anything but a number
    if not 0 <= level <= highest:
        raise ValueError(value)
    return level


def _message(name):
    mapping = {
        "highest": highest_level(),
        "first": FIRST_YEAR,
        "last": LAST_YEAR,
        "longest": LONGEST_JUSTIFICATION,
    }
    return Message(MESSAGES[name], mapping=mapping)


def _parse_row(criterion, values, people) -> tuple[dict, list]:
    """The new values of ``criterion`` from a submitted row, and the names of the
    fields in error. A field the row leaves out keeps its value."""
    new, bad = {}, []
    for name in FIELDS:
        if name not in values:
            continue
        raw = values[name]
        if isinstance(raw, list | tuple):
            bad.append((name, "repeated"))
            continue
        try:
            new[name] = _parse_field(name, raw, criterion, people)
        except JustificationTooLong:
            bad.append((name, "justification_length"))
        except (ValueError, TypeError):
            bad.append((name, name))
    applicability = new.get("applicability", criterion.applicability)
    justification = new.get("justification", criterion.justification)
    refused = {name for name, _reason in bad}
    if (
        not refused.intersection(("applicability", "justification"))
        and applicability == "not_applicable"
        and not _text(justification)
    ):
        bad.append(("justification", "justification"))
    return new, bad


def _parse_field(name, raw, criterion, people):
    if name == "applicability":
        if raw not in APPLICABILITY:
            raise ValueError(raw)
        return raw
    if name == "justification":
        text = _text(raw)
        if text and len(text) > LONGEST_JUSTIFICATION:
            raise JustificationTooLong()
        return text
    if name == "maturity":
        return _parse_maturity(raw, highest_level())
    if name == "owner":
        owner = _text(raw)
        # A former member who still owns the criterion may stay its owner.
        if owner is not None and owner not in people and owner != criterion.owner:
            raise ValueError(owner)
        return owner
    return parse_date(raw)


def _error(uid, code, name, reason=None):
    """The error of field ``name``; ``reason`` names its message (default: the
    field's own)."""
    reason = reason or name
    message = JUSTIFICATION_MESSAGE if reason == "justification" else _message(reason)
    return RowError(uid=uid, code=code, field=name, message=message)


def parse_rows(programme, submitted) -> tuple[dict, list]:
    """``({uid: (criterion, new values)}, [RowError])`` for the submitted rows."""
    criteria = criteria_by_uid(programme)
    people = {person.user_id for person in programme_people(programme)}
    parsed, errors = {}, []
    for uid, values in submitted.items():
        criterion = criteria.get(uid)
        if criterion is None:
            errors.append(_error(uid, "", "uid"))
            continue
        new, bad = _parse_row(criterion, values or {}, people)
        errors.extend(_error(uid, criterion.code, name, why) for name, why in bad)
        parsed[uid] = (criterion, new)
    return parsed, errors


def validate_rows(programme, submitted) -> list:
    """The row-level errors of ``submitted`` (an empty list when all is well)."""
    return parse_rows(programme, submitted)[1]


def _same(name, old, new):
    if name == "justification":
        return _text(old) == new
    if name == "applicability":
        return (old or "applicable") == new
    return old == new


def changed_fields(criterion, new) -> list:
    """The names of the fields ``new`` changes on ``criterion``."""
    return [
        name
        for name in FIELDS
        if name in new and not _same(name, getattr(criterion, name, None), new[name])
    ]


def apply_rows(programme, submitted) -> SaveResult:
    """Save the submitted rows, all or nothing: if any row has an error (or
    changes a criterion the user may not modify), nothing is saved.

    Only criteria that change are written; each gets an ``ObjectModifiedEvent``
    naming the changed fields (the activity log listens) and is reindexed, so the
    score and the dashboard follow at once.
    """
    parsed, errors = parse_rows(programme, submitted)
    changes = []
    for uid, (criterion, new) in parsed.items():
        names = changed_fields(criterion, new)
        if not names:
            continue
        if not api.user.has_permission(ModifyPortalContent, obj=criterion):
            errors.append(_error(uid, criterion.code, "permission"))
            continue
        changes.append((criterion, new, names))
    if errors:
        return SaveResult(errors=errors)
    for criterion, new, names in changes:
        for name in names:
            setattr(criterion, name, new[name])
        notify(ObjectModifiedEvent(criterion, Attributes(ICriterion, *names)))
        criterion.reindexObject()
    return SaveResult(changed=[criterion.code for criterion, _new, _names in changes])
