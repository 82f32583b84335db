"""Benchmark of collective.nrlabel: readiness, @nr-readiness, the dashboard and the
audit pack on one big programme.

    .venv/bin/python bench/run.py [--evidence 20000] [--actions 2000] [--pack-mb 500]
                                  [--repeat 15] [--keep DIR]

It writes a throw-away Zope instance (FileStorage + blobstorage, from
etc/zope.conf.in and etc/site.zcml), creates a Plone site with the add-on, one
programme with the evidence and actions asked for, measures, prints a report and
deletes the instance (unless --keep). See bench/README.md.
"""

from contextlib import contextmanager
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from pathlib import Path

import argparse
import gc
import json
import math
import os
import platform
import random
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
import transaction


MB = 1024 * 1024
PACK_FILE_MB = 5
COMMIT_EVERY = 500
STALE_REPEAT = 25
PASSWORD = "bench-password-1"
SEED = 2026

# state → weight; link evidence is the cheapest to create, small files the rest.
STATES = (("approved", 75), ("pending", 10), ("draft", 8), ("rejected", 7))
PATHS = {
    "draft": (),
    "pending": (("author", "submit"),),
    "approved": (("author", "submit"), ("reviewer", "approve")),
    "rejected": (("author", "submit"), ("reviewer", "reject")),
}
KINDS = ("policy", "procedure", "record", "report", "training", "communication")
ACTION_STATES = (("planned", 50), ("in_progress", 30), ("done", 15), ("cancelled", 5))
ACTION_PATHS = {
    "planned": (),
    "in_progress": ("start",),
    "done": ("start", "complete"),
    "cancelled": ("cancel",),
}


def log(*parts):
    print(*parts, flush=True)


# -- the instance -----------------------------------------------------------------


class Server:
    """The WSGI application served by waitress on a free 127.0.0.1 port, in a thread."""

    def __init__(self):
        from waitress import create_server
        from ZPublisher.httpexceptions import HTTPExceptionHandler
        from ZPublisher.WSGIPublisher import publish_module

        import requests

        self.server = create_server(
            HTTPExceptionHandler(publish_module),
            host="127.0.0.1",
            port=0,
            threads=2,
            clear_untrusted_proxy_headers=True,
        )
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.closing = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        self.session = requests.Session()
        self.session.auth = ("admin", "admin")

    def _serve(self):
        try:
            self.server.run()
        except OSError:
            # The socket closed under the loop's select(): the end asked for.
            if not self.closing:
                raise

    def close(self):
        self.closing = True
        self.server.close()


# -- users and security -----------------------------------------------------------


@contextmanager
def acting_as(user):
    """Act as ``user`` (a user object wrapped in its user folder), then restore."""
    from AccessControl.SecurityManagement import getSecurityManager
    from AccessControl.SecurityManagement import newSecurityManager
    from AccessControl.SecurityManagement import setSecurityManager

    previous = getSecurityManager()
    newSecurityManager(None, user)
    try:
        yield
    finally:
        setSecurityManager(previous)


def create_users(site):
    """``author`` (creates and submits) and ``reviewer`` (approves, rejects).

    They have no e-mail address, so that the review notifications are skipped:
    the benchmark measures the add-on, not a mail server.
    """
    from plone import api

    users = {}
    for user_id in ("author", "reviewer"):
        if api.user.get(userid=user_id) is None:
            api.user.create(
                username=user_id, email=f"{user_id}@example.org", password=PASSWORD
            )
        member = api.user.get(userid=user_id)
        member.setMemberProperties({"email": ""})
        acl_users = site.acl_users
        users[user_id] = acl_users.getUserById(user_id).__of__(acl_users)
    return users


def add_programme(site, title, users):
    from plone import api

    programme = api.content.create(container=site, type="nr_programme", title=title)
    api.user.grant_roles(username="author", obj=programme, roles=["Editor"])
    api.user.grant_roles(username="reviewer", obj=programme, roles=["NR Reviewer"])
    programme.reindexObjectSecurity()
    return programme


def criteria_of(programme):
    from plone import api

    brains = api.content.find(
        context=programme, portal_type="nr_criterion", sort_on="path"
    )
    return [brain.getObject() for brain in brains]


# -- building the data ------------------------------------------------------------


def weighted(rng, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights)[0]


def small_file(rng, name):
    from plone.namedfile.file import NamedBlobFile

    size = rng.randint(1024, 8 * 1024)
    return NamedBlobFile(
        data=b"%PDF-1.4\n" + rng.randbytes(size),
        contentType="application/pdf",
        filename=name,
    )


def evidence_fields(rng, index, today, audit_end):
    """Title, content (link, or a small file one time in five) and dates."""
    document_date = today - timedelta(days=rng.randint(30, 3 * 365))
    fields = {
        "title": f"Preuve {index:05d}",
        "kind": rng.choice(KINDS),
        "document_date": document_date,
    }
    if rng.random() < 0.2:
        fields["file"] = small_file(rng, f"preuve-{index:05d}.pdf")
    else:
        fields["link"] = f"https://intranet.example.org/docs/{index:05d}"
    draw = rng.random()
    if draw < 0.10:  # expired: covers nothing any more
        fields["valid_until"] = today - timedelta(days=rng.randint(1, 29))
    elif draw < 0.13:  # expires before the end of the next audit
        fields["valid_until"] = today + timedelta(days=rng.randint(0, 59))
    elif draw < 0.40:
        fields["valid_until"] = audit_end + timedelta(days=rng.randint(1, 3 * 365))
    return fields


def create_evidence(criterion, evidence_id, state, fields, users, workflow):
    from plone.dexterity.utils import createContentInContainer

    with acting_as(users["author"]):
        evidence = createContentInContainer(
            criterion, "nr_evidence", id=evidence_id, checkConstraints=False, **fields
        )
    for user_id, transition in PATHS[state]:
        comment = "Insuffisant" if transition == "reject" else ""
        with acting_as(users[user_id]):
            workflow.doActionFor(evidence, transition, comment=comment)
    return evidence


def also_supports(criteria, criterion, rng):
    from z3c.relationfield import RelationValue
    from zope.component import getUtility
    from zope.intid.interfaces import IIntIds

    # Not the last two criteria: they stay red and amber (see evidence_state).
    other = rng.choice([c for c in criteria[:-2] if c is not criterion])
    return [RelationValue(getUtility(IIntIds).getId(other))]


@contextmanager
def bulk_gc():
    """No cyclic garbage collection while items are created, one at each commit: a
    Plone process holds millions of objects, and a full collection every few
    thousand allocations is most of the difference between 30 and 40 items/s.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        if enabled:
            gc.enable()


def commit():
    transaction.commit()
    if not gc.isenabled():
        gc.collect()


@contextmanager
def no_initial_versions(site):
    """Evidence is versioned (CMFEditions): skip the initial version of bulk-created
    items, which nothing measured here reads and which would double the build time.
    """
    repository = site.portal_repository
    policies = [
        policy
        for policy in ("at_edit_autoversion",)
        if policy in repository.getPolicyMap().get("nr_evidence", ())
    ]
    for policy in policies:
        repository.removePolicyFromContentType("nr_evidence", policy)
    try:
        yield
    finally:
        for policy in policies:
            repository.addPolicyForContentType("nr_evidence", policy)


def evidence_state(rng, index, criteria):
    """Mostly approved; the last criterion has no approved or pending evidence (red)
    and the one before only pending evidence (amber)."""
    position = index % len(criteria)
    if position == len(criteria) - 1:
        return rng.choice(("draft", "rejected"))
    if position == len(criteria) - 2:
        return "pending"
    return weighted(rng, STATES)


def build_evidence(programme, criteria, indexes, users, audit_end, rng, fast=True):
    """Evidence number ``indexes`` (a range): through the add-on's events and
    workflow (``fast=False``), or by the fast builder (``fast_evidence``)."""
    from plone import api

    workflow = api.portal.get_tool("portal_workflow")
    today = date.today()
    states = {}
    start = time.perf_counter()
    for done, index in enumerate(indexes, start=1):
        criterion = criteria[index % len(criteria)]
        state = evidence_state(rng, index, criteria)
        fields = evidence_fields(rng, index, today, audit_end)
        if rng.random() < 0.05:
            fields["supported_criteria"] = also_supports(criteria, criterion, rng)
        make = fast_evidence if fast else create_evidence
        make(criterion, f"ev-{index:06d}", state, fields, users, workflow)
        states[state] = states.get(state, 0) + 1
        if done % COMMIT_EVERY == 0 or index + 1 == indexes.stop:
            commit()
            programme._p_jar.cacheMinimize()
            elapsed = time.perf_counter() - start
            log(
                f"  evidence {index + 1:>6}  {elapsed:7.1f} s  ({done / elapsed:.0f}/s)"
            )
    return states, time.perf_counter() - start


def fast_evidence(criterion, evidence_id, state, fields, users, workflow):
    """One evidence item as the add-on stores it, 10-20 times faster than
    through its events: the content with its fields, owner and UID, the
    workflow history of its submit/approve/reject (so approval and submitter
    read as usual), the state's permissions, and one real indexing (the
    catalog and the evidence ledger, through the index queue). Skipped: mails,
    the activity log, versions and the relation catalog (nothing measured
    reads them)."""
    from DateTime import DateTime
    from persistent.mapping import PersistentMapping
    from plone.dexterity.utils import createContent

    evidence = createContent("nr_evidence", **fields)
    evidence.id = evidence_id
    evidence.creators = ("author",)
    evidence.manage_setLocalRoles("author", ["Owner"])
    chain = workflow.getChainForPortalType("nr_evidence")[0]
    now = DateTime()
    history = [_history_entry("author", None, "draft", now)]
    for user_id, transition in PATHS[state]:
        reached = {"submit": "pending", "approve": "approved", "reject": "rejected"}
        comment = "Insuffisant" if transition == "reject" else ""
        history.append(_history_entry(user_id, transition, reached[transition], now))
        history[-1]["comments"] = comment
    evidence.workflow_history = PersistentMapping({chain: tuple(history)})
    criterion._setObject(evidence_id, evidence, suppress_events=True)
    evidence = criterion[evidence_id]
    workflow[chain].updateRoleMappingsFor(evidence)
    evidence.indexObject()
    return evidence


def _history_entry(actor, action, state, time):
    return {
        "action": action,
        "actor": actor,
        "comments": "",
        "review_state": state,
        "time": time,
    }


def build_actions(programme, criteria, count, rng):
    from plone import api
    from plone.dexterity.utils import createContentInContainer
    from z3c.relationfield import RelationValue
    from zope.component import getUtility
    from zope.intid.interfaces import IIntIds

    intids = getUtility(IIntIds)
    workflow = api.portal.get_tool("portal_workflow")
    plan = programme["action-plan"]
    today = date.today()
    start = time.perf_counter()
    for index in range(count):
        criterion = rng.choice(criteria)
        action = createContentInContainer(
            plan,
            "nr_action",
            id=f"action-{index:04d}",
            checkConstraints=False,
            title=f"Action {index:04d}",
            criteria=[RelationValue(intids.getId(criterion))],
            due_date=today + timedelta(days=rng.randint(-180, 365)),
            priority=rng.choice(("high", "normal", "low")),
            progress=rng.randint(0, 100),
            responsible="author",
        )
        for transition in ACTION_PATHS[weighted(rng, ACTION_STATES)]:
            workflow.doActionFor(action, transition)
        if (index + 1) % COMMIT_EVERY == 0 or index + 1 == count:
            commit()
            elapsed = time.perf_counter() - start
            log(f"  actions  {index + 1:>6}/{count}  {elapsed:7.1f} s")
    return time.perf_counter() - start


def add_audit(programme, today):
    """An audit in preparation: its window end is the readiness date of reference."""
    from collective.nrlabel.demo import add_initial_audit

    audit = add_initial_audit(
        programme, today + timedelta(days=30), today + timedelta(days=60)
    )
    return audit.window_end


def add_pack_files(programme, criteria, total_mb, users):
    """Approved evidence with 5 MB files of random bytes, ``total_mb`` at least."""
    from plone import api
    from plone.namedfile.file import NamedBlobFile

    workflow = api.portal.get_tool("portal_workflow")
    count = max(1, math.ceil(total_mb / PACK_FILE_MB))
    today = date.today()
    start = time.perf_counter()
    for index in range(count):
        data = b"".join(os.urandom(MB) for _ in range(PACK_FILE_MB))
        fields = {
            "title": f"Rapport volumineux {index:03d}",
            "kind": "report",
            "document_date": today - timedelta(days=10),
            "file": NamedBlobFile(
                data=data,
                contentType="application/pdf",
                filename=f"rapport-{index:03d}.pdf",
            ),
        }
        criterion = criteria[index % len(criteria)]
        create_evidence(
            criterion, f"big-{index:03d}", "approved", fields, users, workflow
        )
        del data, fields
        if (index + 1) % 10 == 0 or index + 1 == count:
            commit()
            log(f"  pack files {index + 1:>4}/{count}")
    return count, count * PACK_FILE_MB, time.perf_counter() - start


# -- measuring --------------------------------------------------------------------


def timed(function, repeat):
    """Median, min and max seconds of ``repeat`` runs after a warm-up run."""
    function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def timed_together(functions, repeat):
    """``timed`` for several functions taking turns, so that a change of load on
    the machine weighs on each of them alike (their ratios are what matter)."""
    times = {name: [] for name in functions}
    for function in functions.values():
        function()
    for _ in range(repeat):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - start)
    return {
        name: (statistics.median(values), min(values), max(values))
        for name, values in times.items()
    }


def release_free_memory():
    """Give free heap pages back to the system, so that RSS growth is new memory."""
    import ctypes

    gc.collect()
    with suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class QueryCounter:
    """Counts catalog searches (outermost calls only: the tools call each other)."""

    def __init__(self):
        self.count = 0
        self._local = threading.local()
        self._patched = []

    def __enter__(self):
        from Products.CMFCore.CatalogTool import CatalogTool
        from Products.ZCatalog.ZCatalog import ZCatalog

        for cls, name in (
            (ZCatalog, "searchResults"),
            (ZCatalog, "__call__"),
            (CatalogTool, "unrestrictedSearchResults"),
        ):
            original = cls.__dict__[name]
            setattr(cls, name, self._wrap(original))
            self._patched.append((cls, name, original))
        return self

    def __exit__(self, *exc):
        for cls, name, original in reversed(self._patched):
            setattr(cls, name, original)
        self._patched.clear()

    def _wrap(self, original):
        counter = self

        def counted(*args, **kw):
            depth = getattr(counter._local, "depth", 0)
            if depth == 0:
                counter.count += 1
            counter._local.depth = depth + 1
            try:
                return original(*args, **kw)
            finally:
                counter._local.depth = depth

        return counted


def rss_bytes():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


class RSSSampler:
    """The highest VmRSS seen, sampled every 10 ms in a background thread."""

    def __init__(self, interval=0.01):
        self.interval = interval
        self.peak = self.start = rss_bytes()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_bytes())
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())

    @property
    def growth(self):
        return self.peak - self.start


def layered_request(app, site):
    """The in-process request, marked with the add-on's (and Plone's) browser layers."""
    from plone.browserlayer.layer import mark_layer
    from zope.traversing.interfaces import BeforeTraverseEvent

    request = app.REQUEST
    mark_layer(site, BeforeTraverseEvent(site, request))
    return request


def render_in_process(programme, request, name):
    from zope.component import getMultiAdapter

    view = getMultiAdapter((programme, request), name=name)
    return view()


def http_get(session, url, accept):
    response = session.get(url, headers={"Accept": accept}, timeout=600)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: HTTP {response.status_code}")
    return response


def consume_pack(programme, request):
    """Call @@nr-audit-pack and read its whole answer.

    (bytes, seconds until its first bytes, bytes traced by tracemalloc then)
    """
    start = time.perf_counter()
    body = render_in_process(programme, request, "nr-audit-pack")
    if isinstance(body, bytes | str):
        called = time.perf_counter() - start
        traced = tracemalloc.get_traced_memory()[0] if tracemalloc.is_tracing() else 0
        return len(body), called, traced
    size, called, traced = 0, None, 0
    for chunk in body:
        if called is None:
            called = time.perf_counter() - start
            if tracemalloc.is_tracing():
                traced = tracemalloc.get_traced_memory()[0]
        size += len(chunk)
    return size, called, traced


def measure_pack(app, programme, request):
    """Two runs from a cold ZODB cache: timed with RSS sampling, then tracemalloc."""
    transaction.commit()
    app._p_jar.cacheMinimize()
    release_free_memory()
    with RSSSampler() as rss:
        start = time.perf_counter()
        size, called, _traced = consume_pack(programme, request)
        seconds = time.perf_counter() - start
    transaction.abort()
    app._p_jar.cacheMinimize()
    release_free_memory()
    tracemalloc.start()
    try:
        before, _peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        traced_start = time.perf_counter()
        _size, _called, after_call = consume_pack(programme, request)
        traced_seconds = time.perf_counter() - traced_start
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    transaction.abort()
    return {
        "bytes": size,
        "seconds": seconds,
        "first_byte": called,
        "rss_growth": rss.growth,
        "traced_seconds": traced_seconds,
        "traced_growth": peak - before,
        "traced_after_call": after_call - before,
    }


def raw_read(programme):
    """Read every blob file of the pack from disk: (bytes, seconds)."""
    from collective.nrlabel.audit.pack import pack_entries

    paths = [e.blob._blob.committed() for e in pack_entries(programme) if e.blob]
    size = 0
    start = time.perf_counter()
    for path in paths:
        with open(path, "rb") as source:
            while chunk := source.read(MB):
                size += len(chunk)
    return size, time.perf_counter() - start, len(paths)


def folder_size(folder):
    return sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file())


def ms(seconds):
    return f"{seconds * 1000:8.1f} ms"


def spread(figures):
    median, low, high = figures
    return f"median {ms(median)}  (min {low * 1000:.1f}, max {high * 1000:.1f})"


# -- the run ----------------------------------------------------------------------


def run(args, conf):
    from collective.nrlabel.commands import as_manager
    from collective.nrlabel.commands import zope_app

    report = []
    started = time.perf_counter()
    with zope_app(conf) as app:
        from collective.nrlabel.demo import ensure_admin_and_site

        site = ensure_admin_and_site(app)
        log(f"Plone site created in {time.perf_counter() - started:.1f} s")
        with as_manager(app, site):
            report = measure_all(args, app, site)
        # What the request holds (PlonePAS's temporary users) goes while the
        # database is still open.
        app.REQUEST.close()
        gc.collect()
    total = time.perf_counter() - started
    log("")
    log("\n".join(report))
    log(f"total run time {total / 60:.1f} min")


def start_server(site, path, result):
    """The HTTP server, or None if it does not answer (then pages are rendered
    in-process).

    Also checks that @nr-readiness answers what readiness() computes.
    """
    server = None
    try:
        server = Server()
        session = server.session
        base = f"{server.url}{path}"
        served = http_get(session, f"{base}/@nr-readiness", "application/json")
        http_get(session, f"{base}/@@nr-dashboard", "text/html")
    except Exception as error:  # noqa: BLE001 - fall back to in-process
        log(f"HTTP not available ({error}); measuring in-process")
        if server is not None:
            server.close()
        return None
    # Same figures; only the host in the URLs differs.
    expected = json.loads(
        json.dumps(result.as_dict()).replace(
            site.absolute_url(), f"{server.url}/{site.getId()}"
        )
    )
    data = served.json()
    differ = [key for key in expected if data.get(key) != expected[key]]
    log(
        "@nr-readiness over HTTP answers what readiness() computes: "
        + (f"no, {', '.join(differ)} differ" if differ else "yes")
    )
    return server


def measure_pages(server, programme, empty, request, repeat):
    """@nr-readiness and @@nr-dashboard timings, catalog searches per dashboard."""
    figures = {}

    def url(target):
        return f"{server.url}/{'/'.join(target.getPhysicalPath()[1:])}"

    def dashboard(target):
        if server is not None:
            page = f"{url(target)}/@@nr-dashboard"
            return http_get(server.session, page, "text/html").text
        return render_in_process(target, request, "nr-dashboard")

    log(f"measuring @nr-readiness and @@nr-dashboard ({how_of(server)})…")
    site = programme.aq_parent

    def plain_page():
        if server is not None:
            page = f"{url(site)}/plain-page"
            return http_get(server.session, page, "text/html").text
        return render_in_process(site["plain-page"], request, "view")

    functions = {"dashboard": lambda: dashboard(programme), "plain": plain_page}
    if server is not None:
        service = f"{url(programme)}/@nr-readiness"
        functions["rest"] = lambda: http_get(
            server.session, service, "application/json"
        )
    figures.update(timed_together(functions, repeat))
    queries = {}
    for name, target in (("empty", empty), ("big", programme)):
        dashboard(target)  # warm
        with QueryCounter() as counter:
            dashboard(target)
        queries[name] = counter.count
    figures["queries"] = queries
    figures.update(measure_activity(server, programme, empty, request, repeat))
    return figures


def measure_activity(server, programme, empty, request, repeat):
    """@@nr-activity: the first page of the whole log, a filtered one (approvals,
    which scans the log), and the empty programme's page as the baseline."""
    from collective.nrlabel.activity import activity
    from collective.nrlabel.activity import record

    # The baseline renders a full page too: 60 entries on the empty programme, so
    # that the ratio shows what the size of the log costs, not what rows cost.
    for index in range(60):
        record(
            empty, "nr_evidence:submit", f"bench-{index}", f"E{index}", actor="author"
        )
    transaction.commit()

    def page(target, query=""):
        if server is not None:
            path = "/".join(target.getPhysicalPath()[1:])
            url = f"{server.url}/{path}/@@nr-activity{query}"
            return http_get(server.session, url, "text/html").text
        request.form.update(what="approved" if query else "")
        return render_in_process(target, request, "nr-activity")

    log(f"measuring @@nr-activity ({how_of(server)})…")
    return {
        "activity_entries": activity(programme).total,
        "activity": timed(lambda: page(programme), repeat),
        "activity_filtered": timed(lambda: page(programme, "?what=approved"), repeat),
        "activity_empty": timed(lambda: page(empty), repeat),
    }


def how_of(server):
    return "in-process" if server is None else "HTTP"


def measure_all(args, app, site):
    """Grow one programme through the sizes asked for; at each, measure
    readiness and check it against the reference; at ``--evidence``, also the
    pages, the activity log, marking stale and the audit pack."""
    rng = random.Random(SEED)
    users = create_users(site)
    data = prepare_data(args, site, users, rng)
    request = layered_request(app, site)
    sizes = sorted(set(args.sizes) | {args.evidence})
    by_size, builds, built = {}, [data.build], 0
    main = None
    for size in sizes:
        log(f"growing the programme to {size} evidence items…")
        with bulk_gc(), no_initial_versions(site):
            states, seconds = build_evidence(
                data.programme,
                data.criteria,
                range(built, size),
                users,
                data.audit_end,
                rng,
                fast=not args.slow_build,
            )
        builds.append(
            f"build: evidence {built + 1}–{size} in {seconds:.1f} s "
            f"({(size - built) / seconds:.0f}/s, "
            f"{'events' if args.slow_build else 'fast builder'}; "
            + ", ".join(f"{n} {s}" for s, n in sorted(states.items()))
            + ")"
        )
        built = size
        # What the site and the build left is old: keep the collector off it,
        # so that a full collection of millions of objects does not land in one
        # of the timed runs (timeit turns the collector off for the same reason).
        gc.collect()
        gc.freeze()
        by_size[size] = measure_readiness(data.programme, args.repeat)
        if size == args.evidence:
            main = measure_main_size(args, app, site, data, users, request)
    return report(args, builds, by_size, main)


def measure_main_size(args, app, site, data, users, request):
    """At ``--evidence``: marking stale, the pages, the activity log, the pack."""
    stale_crowded = data.probe.measure(STALE_REPEAT)
    commit()
    stale = (
        "marking stale (one edit of an intranet page used as evidence), "
        f"1 evidence item in the site → {args.evidence + 1}:"
        f"\n  the add-on's subscriber {ms(data.stale_alone[1]).strip()} → "
        f"{ms(stale_crowded[1]).strip()} "
        f"(ratio {stale_crowded[1] / data.stale_alone[1]:.2f}×, target ≈ 1×: O(1))"
        f"\n  the whole edit (Plone's indexing and versioning too) "
        f"{ms(data.stale_alone[0]).strip()} → {ms(stale_crowded[0]).strip()} "
        f"(ratio {stale_crowded[0] / data.stale_alone[0]:.2f}×)"
    )
    result = readiness_of(data.programme)
    server = None
    try:
        server = start_server(site, "/".join(data.programme.getPhysicalPath()), result)
        figures = measure_pages(
            server, data.programme, data.empty, request, args.repeat
        )
        with QueryCounter() as counter:
            readiness_of(data.programme)
        figures["queries"]["readiness"] = counter.count
    finally:
        if server is not None:
            server.close()
    pack = measure_audit_pack(args, app, data.programme, data.criteria, users, request)
    return {
        "stale": stale,
        "figures": figures,
        "pack": pack,
        "how": how_of(server),
        "criteria": data.criteria,
    }


def readiness_of(programme):
    from collective.nrlabel.readiness import readiness

    return readiness(programme)


@dataclass
class Data:
    programme: object
    empty: object
    criteria: list
    audit_end: date
    probe: object
    stale_alone: tuple
    build: str


def prepare_data(args, site, users, rng):
    """The measured programme (actions, an audit, no evidence yet), an empty
    one, a plain Plone page, and marking stale timed with one evidence item."""
    from collective.nrlabel import clock
    from plone import api

    programme = add_programme(site, "Programme NR", users)
    empty = add_programme(site, "Programme vide", users)
    audit_end = add_audit(programme, clock.today())
    api.content.create(
        container=site,
        type="Document",
        id="plain-page",
        title="Une page ordinaire",
        description="Une page de l'intranet, sans le module.",
    )
    transaction.commit()
    criteria = criteria_of(programme)
    probe = StaleProbe(site, programme, users)
    stale_alone = probe.measure(STALE_REPEAT)
    log(f"programme with {len(criteria)} criteria; building the actions…")
    with bulk_gc():
        action_seconds = build_actions(programme, criteria, args.actions, rng)
    build = f"build: {args.actions} actions in {action_seconds:.1f} s"
    log(build)
    return Data(programme, empty, criteria, audit_end, probe, stale_alone, build)


class StaleProbe:
    """One intranet page used as approved evidence: the cost of one edit of the
    page (Plone's handlers, versioning and the add-on's staleness subscriber,
    which finds the evidence through the relation catalog). Measured once with
    that single evidence item in the site, and again after the bulk build: the
    ratio says whether marking stale grows with the number of evidence items."""

    def __init__(self, site, programme, users):
        from collective.nrlabel.evidence.intranet import is_stale
        from plone import api
        from plone.app.textfield.value import RichTextValue
        from plone.dexterity.utils import createContentInContainer

        self.is_stale = is_stale
        self.rich = RichTextValue
        self.page = api.content.create(
            container=site,
            type="Document",
            id="politique-nr",
            title="Politique numérique responsable",
            text=RichTextValue("<p>Version 1</p>"),
        )
        criterion = criteria_of(programme)[0]
        workflow = site.portal_workflow
        with acting_as(users["author"]):
            self.evidence = createContentInContainer(
                criterion,
                "nr_evidence",
                checkConstraints=False,
                title="Politique (page de l'intranet)",
                intranet_item=self._relation(self.page),
                document_date=date.today(),
                kind="policy",
            )
            workflow.doActionFor(self.evidence, "submit")
        with acting_as(users["reviewer"]):
            workflow.doActionFor(self.evidence, "approve")
        self.edits = 0
        commit()

    @staticmethod
    def _relation(obj):
        from z3c.relationfield import RelationValue
        from zope.component import getUtility
        from zope.intid.interfaces import IIntIds

        return RelationValue(getUtility(IIntIds).getId(obj))

    def edit(self):
        """One edit of the page: (whole edit, the add-on's subscriber alone), each
        followed (untimed) by the evidence made fresh again."""
        from collective.nrlabel.subscribers.intranet import item_modified
        from zope.event import notify
        from zope.lifecycleevent import ObjectModifiedEvent

        self.edits += 1
        start = time.perf_counter()
        self.page.text = self.rich(f"<p>Version {self.edits + 1}</p>")
        notify(ObjectModifiedEvent(self.page))
        whole = time.perf_counter() - start
        self._fresh_again()
        start = time.perf_counter()
        item_modified(self.page, ObjectModifiedEvent(self.page))
        addon = time.perf_counter() - start
        self._fresh_again()
        return whole, addon

    def _fresh_again(self):
        from collective.nrlabel.evidence.intranet import STALE_KEY
        from zope.annotation.interfaces import IAnnotations

        assert self.is_stale(self.evidence), "the edit did not mark the evidence"
        IAnnotations(self.evidence).pop(STALE_KEY, None)

    def measure(self, repeat):
        """Medians of (whole edit, the add-on's part)."""
        self.edit()  # warm-up
        runs = [self.edit() for _ in range(repeat)]
        return tuple(statistics.median(r[i] for r in runs) for i in (0, 1))


def measure_readiness(programme, repeat):
    """readiness() (the ledger: what the lead sees), the index sets' counts
    (what an auditor's readiness reads) and the raw catalog query that returns
    the same evidence; and whether readiness equals the reference reading."""
    from collective.nrlabel import evidence_counts
    from collective.nrlabel.scoring import assessments
    from plone import api

    path = "/".join(programme.getPhysicalPath())
    catalog = api.portal.get_tool("portal_catalog")
    result = readiness_of(programme)
    log(
        f"readiness: {result.total.covered}/{result.total.applicable} covered, "
        f"{result.pending_reviews} pending reviews, {result.overdue_actions} overdue "
        f"actions, {len(result.expiring_evidence)} expiring evidence"
    )
    uids = [item.uid for item in assessments(programme)]
    today, reference = date.today().isoformat(), result.reference_date

    def baseline():
        for brain in catalog.searchResults(
            portal_type="nr_evidence", review_state=("approved", "pending"), path=path
        ):
            brain.nr_criteria  # noqa: B018
            brain.nr_valid_until  # noqa: B018
            brain.review_state  # noqa: B018

    log("measuring readiness() and the baseline…")
    figures = timed_together(
        {
            "readiness": lambda: readiness_of(programme),
            "baseline": baseline,
            "sets": lambda: evidence_counts.from_index_sets(
                programme, uids, today, reference
            ),
        },
        repeat,
    )
    figures["same"] = same_as_reference(programme, result, uids, today, reference)
    figures["expiring"] = len(result.expiring_evidence)
    return figures


def same_as_reference(programme, result, uids, today, reference):
    """Whether readiness (ledger), and the index sets' counts, equal the
    reference reading of every record (tests/readiness/reference_readiness.py):
    the whole of readiness().as_dict(), so the matrix's lights and counts and
    the expiring-evidence list."""
    from collective.nrlabel import evidence_counts
    from collective.nrlabel import readiness as readiness_module

    sys.path.insert(0, str(Path(__file__).parent.parent / "tests" / "readiness"))
    from reference_readiness import reference_tally

    fast = evidence_counts.tally
    try:
        readiness_module.evidence_counts.tally = (
            lambda programme, _criteria, today, reference: reference_tally(
                programme, today, reference
            )
        )
        expected = readiness_of(programme).as_dict()
    finally:
        readiness_module.evidence_counts.tally = fast
    sets = evidence_counts.from_index_sets(programme, uids, today, reference)
    reference_counts = reference_tally(programme, today, reference)
    return {
        "ledger": result.as_dict() == expected,
        "sets": (sets.approved, sets.pending, sets.valid, sets.expiring)
        == (
            reference_counts.approved,
            reference_counts.pending,
            reference_counts.valid,
            reference_counts.expiring,
        ),
    }


def measure_audit_pack(args, app, programme, criteria, users, request):
    """Add large approved files, then stream the pack and read its blobs raw."""
    log(f"adding ≥ {args.pack_mb} MB of approved files for the audit pack…")
    site = programme.__parent__
    with bulk_gc(), no_initial_versions(site):
        files, file_mb, pack_build = add_pack_files(
            programme, criteria[:-2], args.pack_mb, users
        )
    log(f"  {files} files, {file_mb} MB in {pack_build:.1f} s")
    log("measuring @@nr-audit-pack…")
    pack = measure_pack(app, programme, request)
    pack["raw"] = raw_read(programme)
    var = Path(app._p_jar.db().storage.getName()).parents[1]
    pack["storage"] = (
        f"instance: Data.fs {folder_size(var / 'filestorage') / MB:.0f} MB, "
        f"blobs {folder_size(var / 'blobstorage') / MB:.0f} MB"
    )
    return pack


def report(args, builds, by_size, main):
    """The lines bench/run.py prints: figures, ratios and targets."""
    figures, pack, how = main["figures"], main["pack"], main["how"]
    queries = figures["queries"]
    sizes = sorted(by_size)
    smallest, largest = by_size[sizes[0]], by_size[sizes[-1]]
    at_main = by_size[args.evidence]
    pack_mb = pack["bytes"] / MB
    raw_bytes, raw_seconds, raw_files = pack["raw"]
    plain = figures["plain"][0]
    lines = [
        f"collective.nrlabel benchmark — {len(main['criteria'])} criteria, "
        f"{', '.join(str(n) for n in sizes)} evidence, {args.actions} actions",
        f"({date.today().isoformat()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, {args.repeat} runs per figure after a warm-up)",
        *builds,
        "readiness by size (medians; the lead's readiness reads the ledger, an "
        "auditor's counts the index sets):",
        f"  {'evidence':>9} {'readiness()':>12} {'index sets':>11} "
        f"{'baseline':>10} {'ratio':>7}  same as the reference",
    ]
    for size in sizes:
        f = by_size[size]
        lines.append(
            f"  {size:>9} {ms(f['readiness'][0])} {ms(f['sets'][0])[1:]} "
            f"{ms(f['baseline'][0])[2:]} "
            f"{f['readiness'][0] / f['baseline'][0]:>6.2f}×  "
            f"ledger {'yes' if f['same']['ledger'] else 'NO'}, "
            f"sets {'yes' if f['same']['sets'] else 'NO'} "
            f"({f['expiring']} expiring listed)"
        )
    lines += [
        row(
            "  flat in N",
            f"readiness({sizes[-1]}) / readiness({sizes[0]}) = "
            f"{largest['readiness'][0] / smallest['readiness'][0]:.2f} "
            "(target ≤ 1.5)",
        ),
        row(
            f"  at {args.evidence}",
            f"readiness / baseline = "
            f"{at_main['readiness'][0] / at_main['baseline'][0]:.2f}× "
            "(target ≤ 0.2×)",
        ),
        row(f"plain Plone page ({how})", spread(figures["plain"])),
        row(
            "@nr-readiness (HTTP)",
            f"{spread(figures['rest'])}  {figures['rest'][0] / plain:.2f}× "
            "the plain page (target ≤ 1.5×)"
            if "rest" in figures
            else "not measured",
        ),
        row(
            f"@@nr-dashboard ({how})",
            f"{spread(figures['dashboard'])}  "
            f"{figures['dashboard'][0] / plain:.2f}× the plain page (target ≤ 1.5×)",
        ),
        row(
            f"@@nr-activity ({figures['activity_entries']} entries)",
            spread(figures["activity"]),
        ),
        row("  filtered (approvals only)", spread(figures["activity_filtered"])),
        row("  a 60-entry log (baseline)", spread(figures["activity_empty"])),
        row(
            "  ratio whole log / 60 entries",
            f"{figures['activity'][0] / figures['activity_empty'][0]:.2f}×",
        ),
        f"catalog queries / dashboard: {queries['empty']} (empty programme) → "
        f"{queries['big']} ({args.evidence} evidence); readiness() alone: "
        f"{queries['readiness']}",
        main["stale"],
        f"audit pack at {args.evidence} evidence: {pack_mb:.1f} MB in "
        f"{pack['seconds']:.1f} s ({pack_mb / pack['seconds']:.0f} MB/s, target "
        f"≥ 50); raw read of its {raw_files} blob files ({raw_bytes / MB:.1f} MB) "
        f"{raw_seconds:.2f} s ({raw_bytes / MB / raw_seconds:.0f} MB/s)",
        f"  first byte after {pack['first_byte']:.2f} s (target < 1 s); "
        f"{pack['traced_after_call'] / MB:.1f} MB held then",
        f"  peak memory growth {pack['traced_growth'] / MB:.1f} MB (tracemalloc) / "
        f"{pack['rss_growth'] / MB:.1f} MB (RSS) (target < 100 MB); "
        f"the tracemalloc run took {pack['traced_seconds']:.1f} s",
        pack["storage"],
    ]
    return lines


def row(label, text):
    return f"{label:<34} {text}"


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Benchmark collective.nrlabel on one big programme."
    )
    parser.add_argument(
        "--evidence",
        type=int,
        default=20000,
        help="the size at which the pages and the audit pack are measured",
    )
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[2000, 20000, 100000],
        help="the sizes at which readiness is measured (default 2000,20000,100000)",
    )
    parser.add_argument(
        "--slow-build",
        action="store_true",
        help="create evidence through the add-on's events (30-40/s) instead of "
        "the fast builder",
    )
    parser.add_argument("--actions", type=int, default=2000)
    parser.add_argument("--pack-mb", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="build the instance in DIR and keep it (default: a temp dir, deleted)",
    )
    args = parser.parse_args(argv)
    # Ctrl-C or kill: still delete the instance.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.keep:
        root = Path(args.keep).resolve()
        if root.exists() and any(root.iterdir()):
            parser.error(f"{root} is not empty")
        root.mkdir(parents=True, exist_ok=True)
    else:
        root = Path(tempfile.mkdtemp(prefix="nrlabel-bench-"))
    try:
        from collective.nrlabel.testing import write_instance

        run(args, write_instance(root))
    finally:
        close_database()
        if args.keep:
            log(f"instance kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


def close_database():
    import Zope2

    database = getattr(Zope2, "DB", None)
    if database is not None:
        database.close()


if __name__ == "__main__":
    sys.exit(main())
