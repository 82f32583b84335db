"""Contention benchmark: editors and reviewers working on ONE criterion at once.

    .venv/bin/python bench/contention.py [--threads 8] [--seconds 60] [--seed 100]
                                         [--server-threads 4] [--retries N]
    .venv/bin/python bench/contention.py --target http://a:8080/Plone,http://b:8080/Plone
                                         [--admin admin:admin] [--event-log FILE,...]

Before the run, ``--seed`` evidence is created, submitted and approved in the
criterion (a programme in use: the words of the titles are common; ZCTextIndex
keeps a word's documents in a dict inside a shared bucket up to ten of them).

Each of ``--threads`` client threads loops over one cycle, over HTTP with
plone.restapi: create a link evidence in the criterion (as ``author``), submit it
(``author``), approve it (``reviewer``). Every request is counted by answer
(2xx, 409, 5xx, other); the report gives the cycles per second, the conflict
retries Zope made and, in the own-process mode, which persistent classes
conflicted and the final state checked against what the clients were told.

Without ``--target`` it writes a throw-away instance (FileStorage + blobstorage,
as bench/run.py does), creates the site, users and programme in-process and
serves it with waitress in this process (``--server-threads``, 4 like
etc/zope.ini.in), so each retry is seen (a ZPublisher ``IPubBeforeAbort``
subscriber of the benchmark's own, on any version of the add-on: run it with
``PYTHONPATH=/path/to/other/src`` to compare).

With ``--target`` it drives servers already running (round-robin over the URLs,
each the URL of the same Plone site): it creates the users and a programme over
REST as ``--admin``; retries are counted from the event logs given with
``--event-log`` (lines the add-on writes, "conflict, retrying"), if any.
"""

from collections import Counter
from pathlib import Path

import argparse
import itertools
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import threading
import time
import transaction


PASSWORD = "bench-password-1"
# Titles from a small vocabulary: after the first few dozen items every word is
# common, as in a site in use. (A number unique to each item would be a word
# in no more than a few documents, which ZCTextIndex keeps in a dict inside a
# shared bucket: two items with the same rare word at the same time conflict.)
WORDS = [
    "charte",
    "politique",
    "procédure",
    "rapport",
    "formation",
    "communication",
    "achats",
    "responsables",
    "numérique",
    "sobriété",
    "inventaire",
    "équipements",
    "accessibilité",
    "plan",
    "action",
    "comité",
    "direction",
    "bilan",
    "mesure",
    "énergie",
    "déchets",
]
RETRY_MARK = "conflict, retrying"
CYCLE = ("create", "submit", "approve")


def log(*parts):
    print(*parts, flush=True)


# -- what the server side saw (own-process mode) ----------------------------------


class Retries:
    """Counts Zope's conflict retries and what conflicted (by oid: a
    ReadConflictError often does not name the class, the database does)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.count = 0
        self.conflicts = Counter()  # (error class name, oid or class name)

    def __call__(self, event):
        from ZODB.POSException import ConflictError

        error = event.exc_info[1]
        if not event.retry:
            if not isinstance(error, ConflictError):
                return
            kind = f"{type(error).__name__} after the last retry"
        else:
            kind = type(error).__name__
            with self.lock:
                self.count += 1
        oid = getattr(error, "oid", None)
        what = oid if oid is not None else getattr(error, "class_name", "") or ""
        with self.lock:
            self.conflicts[(kind, what)] += 1

    def classes(self, db, criterion_path):
        """{"ConflictError <class> (<owner>)": count}, the oids looked up in
        ``db`` and BTree nodes named by the structure that holds them."""
        connection = db.open()
        named = Counter()
        try:
            site = connection.root()["Application"]["Plone"]
            owners = btree_owners(site, criterion_path)
            unknown = {
                what
                for _kind, what in self.conflicts
                if isinstance(what, bytes) and what not in owners
            }
            owners.update(referrers(db, connection, unknown))
            for (error, what), count in self.conflicts.items():
                if isinstance(what, bytes):
                    try:
                        obj = connection.get(what)
                        owner = owners.get(what)
                        what = type(obj).__name__ + (f" ({owner})" if owner else "")
                    except Exception:  # noqa: BLE001 - gone since
                        what = f"oid {what.hex()}"
                named[f"{error} {what}".strip()] += count
        finally:
            transaction.abort()
            connection.close()
        return named


def referrers(db, connection, oids):
    """oid → the first object that is not a BTree node up the references to
    it (scanning the storage: what ``btree_owners`` does not name)."""
    from ZODB.serialize import referencesf

    if not oids:
        return {}
    parents = {}
    for record in db.storage.iterator():
        for data in record:
            if data.data:
                for ref in referencesf(data.data):
                    parents.setdefault(ref, set()).add(data.oid)
    found = {}
    for oid in oids:
        current, seen = {oid}, set()
        for _step in range(6):
            above = set().union(*(parents.get(o, set()) for o in current)) - seen
            seen |= above
            names = set()
            for parent in above:
                obj = connection.get(parent)
                if not type(obj).__module__.startswith("BTrees"):
                    path = getattr(obj, "getPhysicalPath", None)
                    names.add(
                        type(obj).__name__
                        + (f" {'/'.join(path()[-2:])}" if path else "")
                    )
            if names:
                found[oid] = "in " + ", ".join(sorted(names)[:2])
                break
            current = above
    return found


def btree_nodes(tree, depth=0):
    """The persistent nodes of a BTree or TreeSet (itself, inner nodes, buckets),
    and of the BTrees it holds as values (a catalog index's sets of docids)."""
    from persistent import Persistent

    if not isinstance(tree, Persistent) or depth > 2:
        return
    yield tree
    name = type(tree).__name__
    if not name.endswith(("BTree", "TreeSet")):
        return
    state = tree.__getstate__()
    if not state:
        return
    if len(state) == 2:  # children and first bucket
        for child in state[0][::2]:
            yield from btree_nodes(child, depth)
    if name.endswith("BTree"):
        for value in tree.values():
            if isinstance(value, Persistent) and type(value).__module__.startswith(
                "BTrees"
            ):
                yield from btree_nodes(value, depth + 1)


def btree_owners(site, criterion_path):
    """oid → "what holds it", for the structures the benchmark writes."""
    from BTrees.Length import Length
    from persistent import Persistent

    owners = {}

    def note(label, holder):
        for name, value in vars(holder).items():
            if (
                isinstance(value, Persistent)
                and type(value).__module__.startswith("BTrees")
                and not isinstance(value, Length)
            ):
                for node in btree_nodes(value):
                    owners.setdefault(node._p_oid, f"{label}.{name}")

    catalog = site.portal_catalog._catalog
    note("catalog", catalog)
    for index_name, index in catalog.indexes.items():
        note(f"index {index_name}", index)
    from zope.component import getUtility
    from zope.intid.interfaces import IIntIds

    note("intids", getUtility(IIntIds, context=site))
    for tool in (
        "portal_historiesstorage",
        "portal_uidannotation",
        "portal_repository",
    ):
        note(tool, getattr(site, tool))
    note("histories", site.portal_historiesstorage._shadowStorage)
    criterion = site.unrestrictedTraverse(criterion_path)
    note("criterion", criterion)
    programme = criterion.aq_parent.aq_parent.aq_parent
    for label, obj in (("criterion", criterion), ("programme", programme)):
        annotations = getattr(obj, "__annotations__", None)
        if annotations is not None:
            for key, value in annotations.items():
                for node in btree_nodes(value):
                    owners.setdefault(node._p_oid, f"{label} annotation {key}")
            for node in btree_nodes(annotations):
                owners.setdefault(node._p_oid, f"{label} annotations")
    return owners


def count_retries_in_logs(paths, offsets):
    total = 0
    for path, offset in zip(paths, offsets, strict=True):
        with open(path, "rb") as handle:
            handle.seek(offset)
            total += sum(1 for line in handle if RETRY_MARK.encode() in line.lower())
    return total


# -- the site ---------------------------------------------------------------------


def build_in_process(conf, seed):
    """The site, users ``author``/``reviewer``, a programme; its first criterion's
    path, with ``seed`` approved evidence already (a programme in use: the words
    of the titles are common). Users have no e-mail address: the mails are not
    what is measured."""
    from collective.nrlabel.commands import as_manager
    from collective.nrlabel.commands import zope_app

    with zope_app(conf) as app:
        from collective.nrlabel.demo import ensure_admin_and_site
        from plone import api

        site = ensure_admin_and_site(app)
        with as_manager(app, site):
            for user_id in ("author", "reviewer"):
                api.user.create(
                    username=user_id, email=f"{user_id}@example.org", password=PASSWORD
                )
                api.user.get(userid=user_id).setMemberProperties({"email": ""})
            programme = api.content.create(
                container=site, type="nr_programme", title="Programme"
            )
            api.user.grant_roles(username="author", obj=programme, roles=["NR Editor"])
            api.user.grant_roles(
                username="reviewer", obj=programme, roles=["NR Reviewer"]
            )
            programme.reindexObjectSecurity()
            criterion = api.content.find(
                context=programme, portal_type="nr_criterion", sort_on="path"
            )[0].getObject()
            path = "/".join(criterion.getPhysicalPath()[2:])
            seed_evidence(site, criterion, seed)
            seeded = set(criterion.objectIds())
        app.REQUEST.close()
    return path, seeded


def seed_evidence(site, criterion, count):
    from AccessControl.SecurityManagement import getSecurityManager
    from AccessControl.SecurityManagement import newSecurityManager
    from AccessControl.SecurityManagement import setSecurityManager
    from datetime import date
    from plone import api

    rng = random.Random(0)
    workflow = api.portal.get_tool("portal_workflow")
    previous = getSecurityManager()
    acl_users = site.acl_users
    try:
        for _index in range(count):
            newSecurityManager(None, acl_users.getUserById("author").__of__(acl_users))
            evidence = api.content.create(
                container=criterion,
                type="nr_evidence",
                title=" ".join(rng.sample(WORDS, 4)).capitalize(),
                kind="policy",
                document_date=date(2026, 1, 10),
                link="https://intranet.example.org/seed",
            )
            workflow.doActionFor(evidence, "submit")
            newSecurityManager(
                None, acl_users.getUserById("reviewer").__of__(acl_users)
            )
            workflow.doActionFor(evidence, "approve")
    finally:
        setSecurityManager(previous)
    transaction.commit()


def build_over_rest(session, site_url):
    """The same over plone.restapi, as ``--admin`` on an existing site."""
    for user_id in ("author", "reviewer"):
        answer = session.post(
            f"{site_url}/@users",
            json={
                "username": user_id,
                "email": f"{user_id}@example.invalid",
                "password": PASSWORD,
            },
        )
        if answer.status_code not in (201, 400):  # 400: already there
            answer.raise_for_status()
    answer = session.post(
        site_url, json={"@type": "nr_programme", "title": f"Contention {time.time()}"}
    )
    answer.raise_for_status()
    programme = answer.json()["@id"]
    answer = session.post(
        f"{programme}/@sharing",
        json={
            "entries": [
                {"id": "author", "type": "user", "roles": {"NR Editor": True}},
                {"id": "reviewer", "type": "user", "roles": {"NR Reviewer": True}},
            ]
        },
    )
    answer.raise_for_status()
    found = session.get(
        f"{programme}/@search",
        params={"portal_type": "nr_criterion", "sort_on": "path", "b_size": 1},
    ).json()
    return found["items"][0]["@id"][len(site_url) + 1 :]


class Server:
    """waitress serving Zope's WSGI application in this process."""

    def __init__(self, threads):
        from waitress import create_server
        from ZPublisher.httpexceptions import HTTPExceptionHandler
        from ZPublisher.WSGIPublisher import publish_module

        self.server = create_server(
            HTTPExceptionHandler(publish_module),
            host="127.0.0.1",
            port=0,
            threads=threads,
            clear_untrusted_proxy_headers=True,
        )
        self.url = f"http://127.0.0.1:{self.server.effective_port}/Plone"
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def close(self):
        self.server.close()


# -- the clients ------------------------------------------------------------------


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.answers = {step: Counter() for step in CYCLE}
        self.cycles = 0
        self.created = []  # URLs of evidence the server said it created
        self.approved = []
        self.errors = Counter()

    def add(self, step, status):
        kind = f"{status // 100}xx" if status != 409 else "409"
        with self.lock:
            self.answers[step][kind] += 1


def client(urls, criterion_path, tally, deadline, number):
    import requests

    author = requests.Session()
    author.auth = ("author", PASSWORD)
    reviewer = requests.Session()
    reviewer.auth = ("reviewer", PASSWORD)
    for session in (author, reviewer):
        session.headers["Accept"] = "application/json"
    targets = itertools.cycle(urls[number % len(urls) :] + urls[: number % len(urls)])
    index = 0
    rng = random.Random(number)
    while time.monotonic() < deadline:
        index += 1
        site = next(targets)
        title = " ".join(rng.sample(WORDS, 4)).capitalize()
        answer = author.post(
            f"{site}/{criterion_path}",
            json={
                "@type": "nr_evidence",
                "title": title,
                "kind": "policy",
                "document_date": "2026-01-10",
                "link": f"https://intranet.example.org/{number}/{index}",
            },
        )
        tally.add("create", answer.status_code)
        if answer.status_code != 201:
            tally.errors[f"{answer.status_code} {answer.text[:80]!r}"] += 1
            continue
        name = answer.json()["@id"].rsplit("/", 1)[1]
        path = f"{criterion_path}/{name}"
        with tally.lock:
            tally.created.append(path)
        answer = author.post(f"{site}/{path}/@workflow/submit")
        tally.add("submit", answer.status_code)
        if answer.status_code != 200:
            continue
        answer = reviewer.post(f"{next(targets)}/{path}/@workflow/approve")
        tally.add("approve", answer.status_code)
        if answer.status_code == 200:
            with tally.lock:
                tally.approved.append(path)
                tally.cycles += 1


def drive(urls, criterion_path, threads, seconds):
    tally = Tally()
    deadline = time.monotonic() + seconds
    workers = [
        threading.Thread(
            target=client, args=(urls, criterion_path, tally, deadline, number)
        )
        for number in range(threads)
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return tally, time.perf_counter() - started


# -- the check of the final state (own-process mode) ------------------------------


def check_state(criterion_path, tally, seeded):
    """What the database holds against what the clients were told (besides the
    ``seeded`` evidence)."""
    from zope.component.hooks import setSite

    import Zope2

    connection = Zope2.DB.open()
    try:
        app = connection.root()["Application"]
        site = app["Plone"]
        setSite(site)
        criterion = app.unrestrictedTraverse(f"Plone/{criterion_path}")
        evidence = {
            obj.getPhysicalPath()[-1]: obj
            for obj in criterion.objectValues()
            if obj.portal_type == "nr_evidence"
        }
        created = {path.rsplit("/", 1)[1] for path in tally.created}
        approved = {path.rsplit("/", 1)[1] for path in tally.approved}
        workflow = site.portal_workflow
        states = Counter(
            workflow.getInfoFor(obj, "review_state") for obj in evidence.values()
        )
        catalog = site.portal_catalog.unrestrictedSearchResults(
            portal_type="nr_evidence",
            path="/".join(criterion.getPhysicalPath()),
        )
        catalogued = Counter(brain.review_state for brain in catalog)
        problems = []
        if set(evidence) - seeded != created:
            problems.append(
                f"content {len(evidence) - len(seeded)} new items, clients told "
                f"{len(created)} created"
            )
        really_approved = {
            key
            for key, obj in evidence.items()
            if workflow.getInfoFor(obj, "review_state") == "approved"
        }
        if not approved <= really_approved:
            problems.append(f"{len(approved - really_approved)} approvals lost")
        if catalogued != states:
            problems.append(f"catalog {dict(catalogued)} != content {dict(states)}")
        return dict(states), problems
    finally:
        setSite(None)
        transaction.abort()
        connection.close()


# -- the report -------------------------------------------------------------------


def report(args, tally, elapsed, retries, classes, state):
    rows = [
        "",
        f"contention: {args.threads} client threads for {elapsed:.0f} s "
        f"against {args.where}",
        f"{'step':<10}{'2xx':>8}{'409':>8}{'5xx':>8}{'other':>8}",
    ]
    for step in CYCLE:
        answers = tally.answers[step]
        other = sum(
            count
            for kind, count in answers.items()
            if kind not in ("2xx", "409", "5xx")
        )
        rows.append(
            f"{step:<10}{answers['2xx']:>8}{answers['409']:>8}"
            f"{answers['5xx']:>8}{other:>8}"
        )
    total = sum(sum(answers.values()) for answers in tally.answers.values())
    failed = sum(
        count
        for answers in tally.answers.values()
        for kind, count in answers.items()
        if kind != "2xx"
    )
    rows.append(
        f"requests {total}, not 2xx {failed} ({100 * failed / max(total, 1):.1f} %)"
    )
    rows.append(f"cycles completed {tally.cycles} ({tally.cycles / elapsed:.2f}/s)")
    rows.append(
        "conflict retries "
        + (str(retries) if retries is not None else "not counted (no --event-log)")
    )
    for name, count in (classes or Counter()).most_common():
        rows.append(f"  {count:>6}  {name}")
    for text, count in tally.errors.most_common(5):
        rows.append(f"  failed create x{count}: {text}")
    if state is not None:
        states, problems = state
        rows.append(f"final states {states}")
        rows.append(
            "final state exact: " + ("yes" if not problems else "; ".join(problems))
        )
    log("\n".join(rows))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "answers": {s: dict(a) for s, a in tally.answers.items()},
                    "cycles": tally.cycles,
                    "seconds": elapsed,
                    "retries": retries,
                    "classes": dict(classes or {}),
                },
                indent=2,
            )
        )


def own_process(args):
    from zope.component import provideHandler
    from ZPublisher.interfaces import IPubBeforeAbort

    import logging

    root = Path(tempfile.mkdtemp(prefix="nrlabel-contention-"))
    try:
        from collective.nrlabel.testing import write_instance

        conf = write_instance(root)
        started = time.perf_counter()
        criterion_path, seeded = build_in_process(conf, args.seed)
        logging.getLogger().setLevel(logging.WARNING)
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        log(f"site built in {time.perf_counter() - started:.0f} s: {criterion_path}")
        from ZPublisher.HTTPRequest import HTTPRequest

        if args.retries is not None:  # else zope.conf's max-conflict-retries
            HTTPRequest.retry_max_count = args.retries
        retries = Retries()
        provideHandler(retries, (IPubBeforeAbort,))
        server = Server(args.server_threads)
        args.where = (
            f"1 process, {args.server_threads} waitress threads, FileStorage, "
            f"{HTTPRequest.retry_max_count} retries"
        )
        try:
            tally, elapsed = drive(
                [server.url], criterion_path, args.threads, args.seconds
            )
        finally:
            server.close()
        state = check_state(criterion_path, tally, seeded)
        import Zope2

        classes = retries.classes(Zope2.DB, criterion_path)
        report(args, tally, elapsed, retries.count, classes, state)
    finally:
        import Zope2

        if getattr(Zope2, "DB", None) is not None:
            Zope2.DB.close()
        shutil.rmtree(root, ignore_errors=True)


def seed_over_rest(site_url, criterion_path, count):
    """The same seed as in-process, over REST (one request at a time)."""
    import requests

    sessions = {}
    for user_id in ("author", "reviewer"):
        sessions[user_id] = requests.Session()
        sessions[user_id].auth = (user_id, PASSWORD)
        sessions[user_id].headers["Accept"] = "application/json"
    rng = random.Random(0)
    for _index in range(count):
        answer = sessions["author"].post(
            f"{site_url}/{criterion_path}",
            json={
                "@type": "nr_evidence",
                "title": " ".join(rng.sample(WORDS, 4)).capitalize(),
                "kind": "policy",
                "document_date": "2026-01-10",
                "link": "https://intranet.example.org/seed",
            },
        )
        answer.raise_for_status()
        url = answer.json()["@id"]
        sessions["author"].post(f"{url}/@workflow/submit").raise_for_status()
        sessions["reviewer"].post(f"{url}/@workflow/approve").raise_for_status()


def targets(args):
    import requests

    urls = [url.rstrip("/") for url in args.target.split(",")]
    session = requests.Session()
    session.auth = tuple(args.admin.split(":", 1))
    session.headers["Accept"] = "application/json"
    criterion_path = build_over_rest(session, urls[0])
    started = time.perf_counter()
    seed_over_rest(urls[0], criterion_path, args.seed)
    log(f"{args.seed} evidence seeded in {time.perf_counter() - started:.0f} s")
    logs = [Path(p) for p in args.event_log.split(",")] if args.event_log else []
    offsets = [p.stat().st_size for p in logs]
    args.where = f"{len(urls)} server(s): {', '.join(urls)}"
    tally, elapsed = drive(urls, criterion_path, args.threads, args.seconds)
    retries = count_retries_in_logs(logs, offsets) if logs else None
    report(args, tally, elapsed, retries, None, None)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=8, help="client threads")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--server-threads", type=int, default=4)
    parser.add_argument(
        "--seed",
        type=int,
        default=100,
        help="approved evidence in the criterion before the run",
    )
    parser.add_argument(
        "--target", help="URL[,URL]: Plone sites already served (round-robin)"
    )
    parser.add_argument("--admin", default="admin:admin", help="user:password")
    parser.add_argument(
        "--event-log", help="FILE[,FILE]: the servers' event logs, to count retries"
    )
    parser.add_argument(
        "--retries",
        type=int,
        help="Zope's max-conflict-retries (own process; default: zope.conf's, 3)",
    )
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    os.environ.setdefault("PYTHONHASHSEED", "0")
    if args.target:
        targets(args)
    else:
        own_process(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
