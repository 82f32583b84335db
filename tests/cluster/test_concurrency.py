"""Several people add and approve evidence on one criterion at once, half of them on
each client: no 5xx, nothing lost, and both clients agree."""

from cluster_http import with_retries
from concurrent.futures import ThreadPoolExecutor


THREADS = 8
ITEMS_PER_THREAD = 3


def _work(shared, thread):
    """Create, submit and approve ITEMS_PER_THREAD items; the reviewer acts on the
    other client. Returns [(title, [status codes]), …] and the retries."""
    results, retries = [], 0
    writer = shared.cluster.ports[thread % 2]
    reviewer = shared.cluster.ports[(thread + 1) % 2]
    for i in range(ITEMS_PER_THREAD):
        title = f"Concurrente {thread}-{i}"
        created, r1 = with_retries(lambda t=title: shared.add_evidence(writer, t))
        codes = [created.status_code]
        retries += r1
        if created.status_code == 201:
            url = created.json()["@id"]
            submitted, r2 = with_retries(
                lambda u=url: shared.transition(writer, u, "author", "submit")
            )
            approved, r3 = with_retries(
                lambda u=url: shared.transition(reviewer, u, "reviewer", "approve")
            )
            codes += [submitted.status_code, approved.status_code]
            retries += r2 + r3
        results.append((title, codes))
    return results, retries


def test_concurrent_creation_and_approval_on_one_criterion(shared):
    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = list(pool.map(lambda t: _work(shared, t), range(THREADS)))
    results = [result for thread_results, _ in outcomes for result in thread_results]
    codes = [code for _, thread_codes in results for code in thread_codes]
    print(
        f"{shared.storage}: {len(results)} creations, "
        f"{sum(retries for _, retries in outcomes)} retries after a 409, "
        f"status codes {sorted(set(codes))}"
    )
    assert not [code for code in codes if code >= 500]
    assert [codes for _, codes in results if codes != [201, 200, 200]] == []
    expected = {title: "approved" for title, _ in results}
    for port in shared.cluster.ports:
        found = shared.evidence_titles(port)
        assert {t: found.get(t) for t in expected} == expected
