"""Both clients serve the same data at once: what one writes, the other serves on
the next request (ZEO clients with ``server-sync on``; RelStorage polls at each
transaction start)."""


def test_created_on_one_client_is_served_by_the_other_at_once(shared):
    for i in range(10):
        writer, reader = (shared.a, shared.b) if i % 2 == 0 else (shared.b, shared.a)
        created = shared.add_evidence(writer, f"Lue ailleurs {i}")
        assert created.status_code == 201, created.text[:500]
        url = created.json()["@id"]
        # No 404: the other client sees the creation right away.
        assert shared.evidence_on(reader, url).status_code == 200
        # No "Draft" 400: submitted on one, approved on the other at once.
        submitted = shared.transition(reader, url, "author", "submit")
        assert submitted.status_code == 200, submitted.text[:500]
        approved = shared.transition(writer, url, "reviewer", "approve")
        assert approved.status_code == 200, approved.text[:500]
        for port in (shared.a, shared.b):
            assert shared.evidence_on(port, url).json()["review_state"] == "approved"


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
