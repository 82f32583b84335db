"""The contention benchmark (bench/contention.py) on two Zope clients of ZEO and of
RelStorage, against one client of the same storage, in one run.

    .venv/bin/python bench/cluster.py [--threads 8] [--seconds 60]
                                      [--storages zeo,relstorage] [--single]
    PG_DSN="host=… user=… dbname=postgres" .venv/bin/python bench/cluster.py

For each storage it starts a throw-away cluster in a temporary folder with
scripts/cluster.py (as `make start-zeo` / `make start-relstorage` do: a ZEO server,
or a new database on the PostgreSQL server of ``PG_DSN``, dropped afterwards; two
WSGI clients of 4 threads), creates the site, then runs bench/contention.py
``--target`` first against one client, then against both (round-robin), each for
``--seconds``, with the clients' event logs to count conflict retries. ``--single``
adds bench/contention.py's own-process run (one process on a FileStorage) as the
baseline row. RelStorage is skipped without ``PG_DSN``.

It prints each run's report, then one table: per storage and number of clients,
the answers 2xx / 409 / 5xx over all requests, the conflict retries, the cycles
per second, and the ratio of two clients to one. It asserts nothing.
"""

from pathlib import Path

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import uuid


BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
CONTENTION = BENCH / "contention.py"


def _processes():
    spec = importlib.util.spec_from_file_location(
        "nrlabel_cluster", PROJECT / "scripts" / "cluster.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


processes = _processes()


def contention(args, extra):
    """Run bench/contention.py; its figures (its --json)."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        figures = Path(out.name)
    try:
        subprocess.run(
            [
                sys.executable,
                CONTENTION,
                "--threads",
                str(args.threads),
                "--seconds",
                str(args.seconds),
                "--json",
                figures,
                *extra,
            ],
            check=True,
        )
        return json.loads(figures.read_text())
    finally:
        figures.unlink(missing_ok=True)


def summary(figures):
    answers = {"2xx": 0, "409": 0, "5xx": 0, "other": 0}
    for step in figures["answers"].values():
        for kind, count in step.items():
            answers[kind if kind in answers else "other"] += count
    return {
        **answers,
        "retries": figures.get("retries"),
        "cycles/s": figures["cycles"] / figures["seconds"],
    }


def database(dsn):
    """A new database on the server of ``dsn`` and a function that drops it."""
    import psycopg2
    import psycopg2.extensions

    name = f"nrlabel_bench_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(dsn)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with admin.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s",
                (name,),
            )
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()

    return psycopg2.extensions.make_dsn(dsn, dbname=name), drop


def on_cluster(args, storage, root):
    """{1: figures, 2: figures} for one and two clients of ``storage``."""
    drop = None
    pg_dsn = None
    if storage == "relstorage":
        pg_dsn, drop = database(args.pg_dsn)
    cluster = processes.Cluster(
        root,
        storage,
        ports=[processes.free_port(), processes.free_port()],
        pg_dsn=pg_dsn,
        blob_cache_size="500MB",
    )
    try:
        cluster.write_configs()
        cluster.start_server()
        cluster.run_setup("--site", "Plone", "setup-site", "--language", "fr")
        cluster.start_clients()
        urls = [cluster.url(port, "Plone") for port in cluster.ports]
        logs = [
            str(cluster.var / "log" / f"{cluster.process_name(port)}.event.log")
            for port in cluster.ports
        ]
        results = {}
        for clients in (1, 2):
            print(f"\n== {storage}, {clients} client(s)", flush=True)
            results[clients] = contention(
                args,
                [
                    "--target",
                    ",".join(urls[:clients]),
                    "--event-log",
                    ",".join(logs[:clients]),
                ],
            )
        return results
    finally:
        cluster.stop()
        if drop is not None:
            drop()


def table(rows):
    lines = [
        "",
        f"{'storage':<14}{'clients':>8}{'2xx':>8}{'409':>7}{'5xx':>7}{'other':>7}"
        f"{'retries':>9}{'cycles/s':>10}{'× 1 client':>12}",
    ]
    for storage, clients, figures, ratio in rows:
        retries = "-" if figures["retries"] is None else figures["retries"]
        lines.append(
            f"{storage:<14}{clients:>8}{figures['2xx']:>8}{figures['409']:>7}"
            f"{figures['5xx']:>7}{figures['other']:>7}{retries:>9}"
            f"{figures['cycles/s']:>10.2f}{ratio:>12}"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--storages", default="zeo,relstorage")
    parser.add_argument("--pg-dsn", default=os.environ.get("PG_DSN"))
    parser.add_argument(
        "--single",
        action="store_true",
        help="also the own-process run of bench/contention.py (FileStorage)",
    )
    args = parser.parse_args(argv)
    if not CONTENTION.exists():
        raise SystemExit(f"{CONTENTION} is missing: this benchmark drives it")
    rows = []
    if args.single:
        print("\n== one process, FileStorage", flush=True)
        rows.append(("filestorage", 1, summary(contention(args, [])), ""))
    for storage in args.storages.split(","):
        if storage == "relstorage" and not args.pg_dsn:
            print("\nRelStorage skipped: PG_DSN is not set.")
            continue
        with tempfile.TemporaryDirectory(prefix=f"nrlabel-bench-{storage}-") as root:
            results = on_cluster(args, storage, Path(root))
        one, two = summary(results[1]), summary(results[2])
        ratio = two["cycles/s"] / one["cycles/s"] if one["cycles/s"] else 0
        rows.append((storage, 1, one, "1.00"))
        rows.append((storage, 2, two, f"{ratio:.2f}"))
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
