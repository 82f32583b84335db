"""The programme's activity log: who submitted, approved, rejected or reopened
evidence, changed a self-assessment, started or closed an audit, moved an action,
and when.

The add-on keeps the log itself, in a BTree annotated on the programme, written by
subscribers (subscribers/activity.py) as things happen. Reading it back from the
workflow histories would wake every evidence object of the programme (20,000 of
them on a large one) for each page; the log reads one page of entries whatever
the size of the programme. Self-assessment changes have no workflow history at
all. ``backfill`` fills the log of an existing programme once, from the
histories (upgrade step 1006).

Keys sort newest first — (-microseconds since the epoch, target UID, what) — so
that the first page is the start of the tree and a date range is one slice.

The log is ``SHARDS`` BTrees (a tuple kept in the annotation), read merged in
key order. In one tree every entry went into its first bucket: concurrent
entries merge there, except when the bucket splits (every fifteen entries or
so), which conflicts with every other entry written at the same time; with
editors and reviewers at work on one programme it was the most frequent
conflict once the history ids were fixed (bench/contention.py). Each thread
writes to a shard of its own (``_writer_shard``: the threads of a process take
consecutive shards from a random start), so two requests served at the same
time by one process never write the same tree, and those of two processes
rarely. A page costs sixteen first buckets. A log of an older version is one
OOBTree in the annotation: read as one shard and written as is until
``shard_log`` (upgrade) makes it the first of sixteen, without copying an entry.
"""

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from BTrees.OOBTree import OOTreeSet
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import time
from datetime import timezone
from heapq import merge
from itertools import islice
from plone import api
from zope.annotation.interfaces import IAnnotations

import itertools
import random
import threading


ANNOTATION_KEY = "collective.nrlabel.activity"
COUNT_KEY = "collective.nrlabel.activity.count"
ACTORS_KEY = "collective.nrlabel.activity.actors"
PAGE_SIZE = 50
SHARDS = 16
_next_shard = itertools.count(random.randrange(SHARDS))
_thread = threading.local()

# What happened, grouped as the log's filter offers it.
GROUPS = {
    "submitted": ("nr_evidence:submit",),
    "approved": ("nr_evidence:approve",),
    "rejected": ("nr_evidence:reject",),
    "reopened": ("nr_evidence:reopen", "nr_evidence:revise"),
    "self_assessment": ("nr_criterion:self_assessment",),
    "audit": (
        "nr_audit:start_audit",
        "nr_audit:close_audit",
        "nr_audit:grant",
        "nr_audit:refuse",
        "nr_audit:expire",
    ),
    "action": (
        "nr_action:start",
        "nr_action:complete",
        "nr_action:cancel",
        "nr_action:resume",
    ),
}
SELF_ASSESSMENT = "self_assessment"
LOGGED_TYPES = ("nr_evidence", "nr_audit", "nr_action")


@dataclass(frozen=True)
class Activity:
    """One entry: ``what`` is "<portal_type>:<transition id>" or
    "nr_criterion:self_assessment"; ``changes`` the self-assessment fields set,
    as (field name, stored value); ``comment`` the reviewer's reason, if any."""

    when: datetime
    actor: str
    what: str
    uid: str
    title: str
    changes: tuple = ()
    comment: str = ""

    @property
    def group(self) -> str | None:
        for name, members in GROUPS.items():
            if self.what in members:
                return name
        return None


@dataclass(frozen=True)
class ActivityFilter:
    """What the log is narrowed to: a group of GROUPS, a person, a date range."""

    group: str | None = None
    actor: str | None = None
    since: object = None  # date
    until: object = None  # date


@dataclass
class ActivityPage:
    entries: list = field(default_factory=list)
    total: int = 0
    start: int = 0
    size: int = PAGE_SIZE


def _writer_shard() -> int:
    """The shard this thread writes to (see the module's docstring)."""
    shard = getattr(_thread, "shard", None)
    if shard is None:
        shard = _thread.shard = next(_next_shard) % SHARDS
    return shard


def create_log(programme) -> None:
    """An empty log (a new programme gets one; else the first entry makes it)."""
    _shards(programme, create=True)


def _shards(programme, create=False) -> tuple:
    """The log's trees (none when there is no log yet)."""
    annotations = IAnnotations(programme)
    log = annotations.get(ANNOTATION_KEY)
    if log is None and create:
        log = annotations[ANNOTATION_KEY] = tuple(OOBTree() for _ in range(SHARDS))
        annotations[COUNT_KEY] = Length()
        annotations[ACTORS_KEY] = OOTreeSet()
    if log is None:
        return ()
    return log if isinstance(log, tuple) else (log,)


def shard_log(programme) -> bool:
    """Make a one-tree log (of an older version) the first of ``SHARDS``: the
    entries stay where they are. For the upgrade step; True if it changed."""
    annotations = IAnnotations(programme)
    log = annotations.get(ANNOTATION_KEY)
    if log is None or isinstance(log, tuple):
        return False
    annotations[ANNOTATION_KEY] = (log,) + tuple(OOBTree() for _ in range(SHARDS - 1))
    return True


def items(programme, low=None, high=None) -> Iterator[tuple]:
    """(key, value) of the whole log, or of keys from ``low`` to ``high``,
    newest first (the shards merged)."""
    return merge(
        *(shard.items(min=low, max=high) for shard in _shards(programme)),
        key=lambda item: item[0],
    )


def _count(programme) -> int:
    """The number of entries, kept apart: counting a BTree reads all of it."""
    length = IAnnotations(programme).get(COUNT_KEY)
    return length() if length is not None else 0


def _micros(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp() * 1_000_000)


def record(programme, what, target_uid, title, *, actor=None, when=None, **details):
    """Add an entry to ``programme``'s log (``details``: changes, comment)."""
    when = when or datetime.now(timezone.utc)
    if actor is None:
        user = api.user.get_current()
        actor = user.getId() or user.getUserName()
    key = (-_micros(when), target_uid or "", what)
    shards = _shards(programme, create=True)
    tree = shards[_writer_shard() % len(shards)]
    while key in tree:  # the same step twice in the same microsecond
        key = (key[0] - 1, key[1], key[2])
    tree[key] = {
        "when": when.astimezone(timezone.utc).isoformat(),
        "actor": actor or "",
        "what": what,
        "uid": target_uid or "",
        "title": title or "",
        "changes": tuple(details.get("changes", ())),
        "comment": details.get("comment") or "",
    }
    annotations = IAnnotations(programme)
    annotations[COUNT_KEY].change(1)
    annotations[ACTORS_KEY].insert(actor or "")  # no write when already known


def _entry(value) -> Activity:
    return Activity(
        when=datetime.fromisoformat(value["when"]),
        actor=value["actor"],
        what=value["what"],
        uid=value["uid"],
        title=value["title"],
        changes=tuple(value.get("changes", ())),
        comment=value.get("comment", ""),
    )


def _day_bound(day, end=False) -> int:
    moment = datetime.combine(day, time.max if end else time.min, timezone.utc)
    return -_micros(moment)


def _matching(programme, filters: ActivityFilter) -> Iterator[dict]:
    low = _day_bound(filters.until, end=True) if filters.until else None
    high = _day_bound(filters.since) if filters.since else None
    found = items(
        programme,
        low=None if low is None else (low,),
        high=None if high is None else (high, "\uffff", "\uffff"),
    )
    members = GROUPS.get(filters.group) if filters.group else None
    for _key, value in found:
        if members is not None and value["what"] not in members:
            continue
        if filters.actor and value["actor"] != filters.actor:
            continue
        yield value


def activity(programme, filters=None, start=0, size=PAGE_SIZE) -> ActivityPage:
    """One page of ``programme``'s log, newest first, and how many entries match."""
    page = ActivityPage(start=max(start, 0), size=size)
    filters = filters or ActivityFilter()
    if not any(_shards(programme)):
        return page
    if filters == ActivityFilter():
        # The whole log: read one page, count from the counter.
        found = islice(items(programme), page.start, page.start + size)
        page.entries = [_entry(value) for _key, value in found]
        page.total = _count(programme)
        return page
    for index, value in enumerate(_matching(programme, filters)):
        if page.start <= index < page.start + size:
            page.entries.append(_entry(value))
        page.total = index + 1
    return page


def actors(programme) -> set[str]:
    """Everyone who appears in the log (for the person filter)."""
    return set(IAnnotations(programme).get(ACTORS_KEY, ()))


def backfill(programme) -> int:
    """Fill an empty log from the workflow histories of the programme's evidence,
    audits and actions (self-assessments kept no history before the log). Returns
    the number of entries written; a log already filled is left alone."""
    if any(_shards(programme)):
        return 0
    count = 0
    for brain in api.content.find(
        context=programme, portal_type=LOGGED_TYPES, sort_on="path"
    ):
        obj = brain.getObject()
        for history in (getattr(obj, "workflow_history", None) or {}).values():
            for step in history:
                if not step.get("action"):
                    continue  # creation
                record(
                    programme,
                    f"{brain.portal_type}:{step['action']}",
                    brain.UID,
                    brain.Title,
                    actor=step.get("actor") or "",
                    when=step["time"].asdatetime(),
                    comment=step.get("comments") or "",
                )
                count += 1
    return count
