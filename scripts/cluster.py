"""Several Zope processes on shared data: a ZEO server, or RelStorage on PostgreSQL,
and WSGI clients.

One place that writes the configuration (from etc/*.in) and starts, stops and
cleans the processes, for `make start-zeo`, `make start-relstorage`, `make pack-zeo`,
`make pack-relstorage`, tests/cluster/ and bench/cluster.py::

    python scripts/cluster.py serve zeo [--ports 8080,8081] [--demo]
    python scripts/cluster.py serve relstorage --pg-dsn "dbname=plone host=…"
    python scripts/cluster.py pack zeo|relstorage [--days 0]

Everything lives under ``--root`` (the checkout by default): ``instance/etc/`` for
the generated configuration, ``var/`` for data, caches and one pair of logs per
process (``var/log/<process>.event.log``, ``.access.log``).
"""

from pathlib import Path

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


PROJECT = Path(__file__).resolve().parents[1]
ETC = PROJECT / "etc"
STORAGES = ("zeo", "relstorage")
SETUP = "setup"  # the client that creates the site, then exits


def fill(template: Path, **values) -> str:
    """The template with every ``@KEY@`` replaced; refuses a placeholder left over."""
    text = template.read_text()
    for key, value in values.items():
        text = text.replace(f"@{key}@", str(value))
    left = re.findall(r"@[A-Z_]+@", text)
    if left:
        raise ValueError(f"{template.name}: {', '.join(left)} not filled")
    return text


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def remove_partial_blobs(directory: Path) -> list[Path]:
    """Delete what a process killed mid-transfer leaves in a blob directory.

    Only while no process uses ``directory``: a ZEO server's ``tmp/`` (uploads
    being received), a ZEO client cache's ``*.dl`` (downloads being received),
    and ``*.tmp`` files (blobs being written). Committed ``*.blob`` files stay.
    """
    if not directory.is_dir():
        return []
    partial = [
        p for p in directory.rglob("*") if p.is_file() and _is_partial(p, directory)
    ]
    for path in partial:
        path.unlink(missing_ok=True)
    return partial


def _is_partial(path: Path, root: Path) -> bool:
    return (
        path.suffix in (".dl", ".tmp")
        or path.parent == root / "tmp"
        or path.name.startswith("tmp")
    )


class Cluster:
    """A storage server (ZEO) or database (RelStorage) and Zope clients on ports."""

    def __init__(
        self,
        root: Path,
        storage: str,
        ports=(8080, 8081),
        host="127.0.0.1",
        zeo_address=None,
        pg_dsn=None,
        blob_cache_size="500MB",
        bin_dir=None,
    ):
        if storage not in STORAGES:
            raise ValueError(f"storage must be one of {STORAGES}")
        if storage == "relstorage" and not pg_dsn:
            raise ValueError("RelStorage needs a PostgreSQL DSN (PG_DSN)")
        self.root = Path(root).resolve()
        self.storage = storage
        self.ports = list(ports)
        self.host = host
        self.zeo_address = zeo_address or f"127.0.0.1:{free_port()}"
        self.pg_dsn = pg_dsn
        self.blob_cache_size = blob_cache_size
        self.bin = Path(bin_dir or Path(sys.executable).parent)
        self.server = None
        self.clients = {}
        self.etc = self.root / "instance" / "etc"
        self.var = self.root / "var"

    # -- configuration -------------------------------------------------------

    def process_name(self, client) -> str:
        return f"{self.storage}-{client}"

    def zope_conf(self, client=SETUP) -> Path:
        return self.etc / f"zope-{self.process_name(client)}.conf"

    def zope_ini(self, port) -> Path:
        return self.etc / f"zope-{self.process_name(port)}.ini"

    def url(self, port, path="") -> str:
        return f"http://{self.host}:{port}/{path}"

    def write_configs(self):
        for name in ("filestorage", "blobstorage", "log", "cache", "zeocache"):
            (self.var / name).mkdir(parents=True, exist_ok=True)
        self.etc.mkdir(parents=True, exist_ok=True)
        (self.etc / "site.zcml").write_text((ETC / "site.zcml").read_text())
        if self.storage == "zeo":
            (self.etc / "zeo.conf").write_text(
                fill(ETC / "zeo.conf.in", VAR=self.var, ZEO_ADDRESS=self.zeo_address)
            )
        for client in [SETUP, *self.ports]:
            self._write_client(client)

    def _write_client(self, client):
        name = self.process_name(client)
        storage_conf = self.etc / f"storage-{name}.conf"
        storage_conf.write_text(
            fill(
                ETC / f"storage-{self.storage}.conf.in",
                VAR=self.var,
                CLIENT=name,
                ZEO_ADDRESS=self.zeo_address,
                BLOB_CACHE_SIZE=self.blob_cache_size,
                PG_DSN=self.pg_dsn or "",
            )
        )
        self.zope_conf(client).write_text(
            fill(ETC / "zope.conf.in", ROOT=self.root, STORAGE_CONF=storage_conf)
        )
        if client != SETUP:
            self.zope_ini(client).write_text(
                fill(
                    ETC / "zope.ini.in",
                    ROOT=self.root,
                    HOST=self.host,
                    PORT=client,
                    PROCESS=name,
                    ZOPE_CONF=self.zope_conf(client),
                    # The event log only (bounded, rotated): no copy on the console,
                    # which goes to an unbounded var/log/<process>.stdout.log.
                    ROOT_HANDLERS="eventlog",
                )
            )

    # -- the storage server ----------------------------------------------------

    def start_server(self, timeout=60):
        """Start the ZEO server (nothing to start for RelStorage: PostgreSQL runs)."""
        if self.storage != "zeo":
            return
        cleaned = remove_partial_blobs(self.var / "blobstorage" / "tmp")
        if cleaned:
            print(f"Removed {len(cleaned)} partial blob file(s) from the server's tmp.")
        log = open(self.var / "log" / "zeo.stdout.log", "ab")  # noqa: SIM115
        self.server = subprocess.Popen(
            [self.bin / "runzeo", "-C", self.etc / "zeo.conf"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        host, port = self.zeo_address.rsplit(":", 1)
        self._wait(lambda: port_open(host, int(port)), timeout, "the ZEO server")

    def stop_server(self, kill=False):
        if self.server is not None:
            _stop(self.server, kill)
            self.server = None

    # -- the clients -------------------------------------------------------------

    def run_setup(self, *nrlabel_args, check=True):
        """Run an `nrlabel` command as a short-lived client of the shared data."""
        self._clean_client_cache(SETUP)
        return subprocess.run(
            [self.bin / "nrlabel", "--zope-conf", self.zope_conf(SETUP), *nrlabel_args],
            check=check,
        )

    def run_script(self, script: Path, *args, env=None):
        """Run a Python script as a short-lived client: it gets the zope.conf path
        as its first argument."""
        self._clean_client_cache(SETUP)
        return subprocess.run(
            [self.bin / "python", script, self.zope_conf(SETUP), *args],
            check=True,
            env={**os.environ, **(env or {})},
        )

    def start_client(self, port):
        self._clean_client_cache(port)
        log = open(self.var / "log" / f"{self.process_name(port)}.stdout.log", "ab")  # noqa: SIM115
        self.clients[port] = subprocess.Popen(
            [self.bin / "runwsgi", self.zope_ini(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def wait_client(self, port, timeout=180):
        process = self.clients[port]

        def answers():
            if process.poll() is not None:
                raise RuntimeError(
                    f"the client on port {port} exited ({process.returncode}); "
                    f"see {self.var / 'log'}"
                )
            try:
                urllib.request.urlopen(self.url(port), timeout=5)
            except urllib.error.HTTPError:
                return True
            except OSError:
                return False
            return True

        self._wait(answers, timeout, f"the client on port {port}")

    def start_clients(self, timeout=180):
        for port in self.ports:
            self.start_client(port)
        for port in self.ports:
            self.wait_client(port, timeout)

    def stop_client(self, port, kill=False):
        process = self.clients.pop(port, None)
        if process is not None:
            _stop(process, kill)

    def stop(self):
        for port in list(self.clients):
            self.stop_client(port)
        self.stop_server()

    def _clean_client_cache(self, client):
        cache = self.var / "blobcache" / self.process_name(client)
        cleaned = remove_partial_blobs(cache)
        if cleaned:
            print(f"Removed {len(cleaned)} partial blob file(s) from {cache}.")

    @staticmethod
    def _wait(condition, timeout, what):
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what} did not start within {timeout} s")
            time.sleep(0.3)

    # -- packing ---------------------------------------------------------------

    def pack(self, days=0):
        """Pack the shared database: objects (and blobs) unreachable or older than
        ``days`` days of history go."""
        if self.storage == "zeo":
            host, port = self.zeo_address.rsplit(":", 1)
            command = [self.bin / "zeopack", "-d", str(days), f"{host}:{port}"]
        else:
            conf = self.etc / "zodbpack-relstorage.conf"
            storage = (
                self.etc / f"storage-{self.process_name(SETUP)}.conf"
            ).read_text()
            conf.write_text(
                f"%define VAR {self.var}\n"
                + storage.replace("<relstorage>", "<relstorage source>", 1)
            )
            command = [self.bin / "zodbpack", "--days", str(days), conf]
        return subprocess.run(command, check=True)


def _stop(process, kill):
    if process.poll() is not None:
        return
    if kill:
        process.kill()
    else:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _cluster(args) -> Cluster:
    return Cluster(
        root=args.root,
        storage=args.storage,
        ports=[int(p) for p in args.ports.split(",")],
        host=args.host,
        zeo_address=args.zeo_address,
        pg_dsn=args.pg_dsn,
        blob_cache_size=args.blob_cache_size,
    )


def serve(args):
    cluster = _cluster(args)
    cluster.write_configs()

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        cluster.start_server()
        setup = ["--site", args.site, "setup-site", "--language", args.language]
        cluster.run_setup(*setup, *(["--demo"] if args.demo else []))
        cluster.start_clients()
        for port in cluster.ports:
            print(f"Serving {cluster.url(port, args.site)}")
        print(f"Logs in {cluster.var / 'log'}. Stop with Ctrl-C.", flush=True)
        while all(p.poll() is None for p in cluster.clients.values()):
            time.sleep(1)
        print("A client exited: stopping.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        cluster.stop()


def pack(args):
    cluster = _cluster(args)
    cluster.write_configs()
    cluster.pack(args.days)
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("serve", "pack", "configure"))
    parser.add_argument("storage", choices=STORAGES)
    parser.add_argument("--root", type=Path, default=PROJECT)
    parser.add_argument("--ports", default="8080,8081")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--zeo-address", default="127.0.0.1:8100")
    parser.add_argument("--pg-dsn", default=os.environ.get("PG_DSN"))
    parser.add_argument("--blob-cache-size", default="500MB")
    parser.add_argument("--site", default="Plone")
    parser.add_argument("--language", default="fr", choices=("fr", "en"))
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--days", type=int, default=0)
    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve(args)
    if args.command == "pack":
        return pack(args)
    _cluster(args).write_configs()
    return 0


if __name__ == "__main__":
    sys.exit(main())
