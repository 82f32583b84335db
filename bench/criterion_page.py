"""Benchmark of the criterion page: one criterion with 1 evidence item, one with
134, one with 600, the page of each rendered over HTTP.

    .venv/bin/python bench/criterion_page.py [--big 600] [--medium 134] [--repeat 15]

It writes a throw-away Zope instance as bench/run.py does (and reuses its
functions), creates a Plone site with the add-on and one programme, adds the
evidence, renders each criterion's page (its first page, and for the biggest its
last page too), prints the medians, the size of the answer and the ratio of the
biggest to the 1-item criterion (target ≤ 1.5), then deletes the instance. See
bench/README.md.
"""

from pathlib import Path

import argparse
import gc
import random
import shutil
import signal
import sys
import tempfile
import time
import transaction


sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import add_audit  # noqa: E402
from run import add_programme  # noqa: E402
from run import bulk_gc  # noqa: E402
from run import close_database  # noqa: E402
from run import commit  # noqa: E402
from run import create_evidence  # noqa: E402
from run import create_users  # noqa: E402
from run import criteria_of  # noqa: E402
from run import evidence_fields  # noqa: E402
from run import http_get  # noqa: E402
from run import layered_request  # noqa: E402
from run import log  # noqa: E402
from run import render_in_process  # noqa: E402
from run import Server  # noqa: E402
from run import spread  # noqa: E402
from run import STATES  # noqa: E402
from run import timed_together  # noqa: E402
from run import weighted  # noqa: E402


SEED = 2026
TARGET = 1.5


def fill(criterion, count, users, audit_end, rng, prefix, home=None):
    """``count`` evidence items for ``criterion``, states as bench/run.py spreads
    them; one in twenty is added to ``home`` and supports ``criterion`` too (the
    page's "also supports this one" line). Kept with their initial CMFEditions
    version, as in a real site (the page's history reads them)."""
    from datetime import date
    from plone import api
    from z3c.relationfield import RelationValue
    from zope.component import getUtility
    from zope.intid.interfaces import IIntIds

    workflow = api.portal.get_tool("portal_workflow")
    intids = getUtility(IIntIds)
    states = {}
    for index in range(count):
        state = weighted(rng, STATES)
        fields = evidence_fields(rng, index, date.today(), audit_end)
        container = criterion
        if home is not None and index % 20 == 10:
            container = home
            fields["supported_criteria"] = [RelationValue(intids.getId(criterion))]
        create_evidence(
            container, f"{prefix}-{index:04d}", state, fields, users, workflow
        )
        states[state] = states.get(state, 0) + 1
        if (index + 1) % 200 == 0:
            commit()
    commit()
    return states


def build(site, users, sizes, rng):
    """The programme and, for each size, a criterion holding that many items."""
    from collective.nrlabel import clock

    programme = add_programme(site, "Programme NR", users)
    audit_end = add_audit(programme, clock.today())
    commit()
    criteria = criteria_of(programme)
    chosen = {}
    start = time.perf_counter()
    with bulk_gc():
        for position, size in enumerate(sizes):
            criterion = criteria[position]
            # The evidence of other criteria that also supports it lives on
            # the last criterion (never measured).
            states = fill(
                criterion, size, users, audit_end, rng, f"e{size}", criteria[-1]
            )
            chosen[size] = criterion
            log(
                f"  {criterion.code}: {size} evidence ("
                + ", ".join(f"{n} {s}" for s, n in sorted(states.items()))
                + f"), {time.perf_counter() - start:.1f} s so far"
            )
    gc.collect()
    gc.freeze()
    return chosen


def label(size):
    return f"{size} item" if size == 1 else f"{size} items"


def measure(server, criteria, repeat):
    """Median (min, max) seconds and bytes of each criterion's page."""
    pages = {}
    for size, criterion in criteria.items():
        path = "/".join(criterion.getPhysicalPath()[1:])
        pages[label(size)] = f"{server.url}/{path}"
    biggest = label(max(criteria))
    # Beyond the end: the view shows the last page.
    pages[f"{biggest}, last page"] = f"{pages[biggest]}?b_start=100000"
    sizes = {
        name: len(http_get(server.session, url, "text/html").content)
        for name, url in pages.items()
    }
    times = timed_together(
        {
            name: (lambda url=url: http_get(server.session, url, "text/html"))
            for name, url in pages.items()
        },
        repeat,
    )
    return times, sizes


def profile(app, site, criterion, lines):
    """cProfile of one in-process rendering of ``criterion``'s page (warm)."""
    import cProfile
    import pstats

    request = layered_request(app, site)
    render_in_process(criterion, request, "view")
    profiler = cProfile.Profile()
    profiler.enable()
    render_in_process(criterion, request, "view")
    profiler.disable()
    # Rendering in-process may touch objects (portlet assignments): nothing to keep.
    transaction.abort()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(lines)


def run(args, conf):
    from collective.nrlabel.commands import as_manager
    from collective.nrlabel.commands import zope_app
    from collective.nrlabel.demo import ensure_admin_and_site

    rng = random.Random(SEED)
    sizes = sorted({1, args.medium, args.big} - {0})
    with zope_app(conf) as app:
        site = ensure_admin_and_site(app)
        with as_manager(app, site):
            users = create_users(site)
            log(f"building criteria with {', '.join(map(str, sizes))} evidence…")
            criteria = build(site, users, sizes, rng)
            if args.profile:
                profile(app, site, criteria[max(criteria)], args.profile)
            server = Server()
            try:
                times, answer = measure(server, criteria, args.repeat)
            finally:
                server.close()
        app.REQUEST.close()
    one = times[label(1)][0]
    log("")
    log(
        f"criterion page over HTTP (as admin), {args.repeat} runs per figure after "
        "a warm-up, taking turns"
    )
    for name, figures in times.items():
        log(f"{name:<22} {spread(figures)}  {answer[name] / 1024:5.0f} KB")
    for name in times:
        if name != label(1):
            log(f"  ratio {name} / 1 item: {times[name][0] / one:.2f}×")
    biggest = label(args.big)
    log(
        f"target: {biggest} ≤ {TARGET}× 1 item: "
        + ("met" if times[biggest][0] <= TARGET * one else "NOT met")
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description="Benchmark the criterion page.")
    parser.add_argument("--big", type=int, default=600)
    parser.add_argument("--medium", type=int, default=134)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="first print the N costliest calls of one in-process rendering",
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    root = Path(tempfile.mkdtemp(prefix="nrlabel-bench-criterion-"))
    try:
        from collective.nrlabel.testing import write_instance

        run(args, write_instance(root))
    finally:
        close_database()
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
