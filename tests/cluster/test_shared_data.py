"""Both clients serve the same data at once: what one writes, the other serves on
the next request (ZEO clients with ``server-sync on``; RelStorage polls at each
transaction start)."""

from concurrent.futures import ThreadPoolExecutor
from threading import Event


READERS = 6


def _write_there_read_here(shared, worker, rounds):
    """Create on one client, read, submit and approve on the other at once;
    what went stale: [(title, step, status)]."""
    stale = []
    for i in range(rounds):
        ports = shared.cluster.ports
        writer, reader = ports[(worker + i) % 2], ports[(worker + i + 1) % 2]
        title = f"Lue ailleurs {worker}-{i}"
        created = shared.add_evidence(writer, title)
        assert created.status_code == 201, created.text[:500]
        url = created.json()["@id"]
        # No 404: the other client sees the creation right away.
        read = shared.evidence_on(reader, url)
        if read.status_code != 200:
            stale.append((title, "read", read.status_code))
            continue
        # No "Draft" 400: submitted on one, approved on the other at once.
        submitted = shared.transition(reader, url, "author", "submit")
        approved = shared.transition(writer, url, "reviewer", "approve")
        for step, response in (("submit", submitted), ("approve", approved)):
            if response.status_code != 200:
                stale.append((title, step, response.status_code))
    return stale


def test_created_on_one_client_is_served_by_the_other_at_once(shared):
    # Other people reading keep both clients busy, as on a working day: a client
    # then takes longer to hear of a commit made on the other.
    stop = Event()

    def read(port):
        while not stop.is_set():
            shared.get(port, "criterion", "reader")

    with ThreadPoolExecutor(READERS) as pool:
        for n in range(READERS):
            pool.submit(read, shared.cluster.ports[n % 2])
        try:
            stale = _write_there_read_here(shared, 0, 12)
        finally:
            stop.set()
    assert stale == []


def test_auditor_access_opened_on_one_client_is_used_on_the_other(shared):
    audit = shared.paths["audit"]
    assert shared.get(shared.a, "programme", "ext-auditor").status_code in (401, 403)
    started = shared.request(
        "POST", shared.a, audit, "lead", suffix="/@workflow/start_audit"
    )
    assert started.status_code == 200, started.text[:500]
    assert shared.get(shared.b, "programme", "ext-auditor").status_code == 200
    closed = shared.request(
        "POST", shared.b, audit, "lead", suffix="/@workflow/close_audit"
    )
    assert closed.status_code == 200, closed.text[:500]
    # Not served for a moment after the audit closed on the other client.
    for port in (shared.a, shared.b):
        assert shared.get(port, "programme", "ext-auditor").status_code in (401, 403)


def test_readiness_is_the_same_on_both_clients(shared):
    created = shared.add_evidence(shared.a, "Pour la préparation")
    assert created.status_code == 201
    url = created.json()["@id"]
    assert shared.transition(shared.b, url, "author", "submit").status_code == 200
    assert shared.transition(shared.a, url, "reviewer", "approve").status_code == 200
    readiness = [
        shared.get(port, "programme", suffix="/@nr-readiness")
        for port in shared.cluster.ports
    ]
    assert [r.status_code for r in readiness] == [200, 200]
    # The same answer once each client's own address is taken out of the URLs.
    same = [
        r.text.replace(shared.cluster.url(port), "http://client/")
        for r, port in zip(readiness, shared.cluster.ports, strict=True)
    ]
    assert same[0] == same[1]
    assert readiness[0].json()["criteria"]  # not an empty answer
