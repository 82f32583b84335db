"""Editors and reviewers at work on one criterion at the same time, over the REST
API of the functional layer's server (4 threads, Zope's 3 retries): nobody gets
an error, and what is stored is exactly what they were told."""

from collections import Counter
from datetime import date
from nr_setup import PASSWORD
from plone import api

import logging
import random
import requests
import threading
import time
import transaction


THREADS = 4
CYCLES = 4
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
]


def session(user_id):
    http = requests.Session()
    http.auth = (user_id, PASSWORD)
    http.headers["Accept"] = "application/json"
    return http


def seed(criterion, count=48):
    """A criterion in use: evidence approved, some waiting for review or still
    in draft (as a programme at work has: Plone's catalog keeps the documents
    of each state in a set, and a set that two transactions empty or whose
    first document both remove conflicts), the words of the titles common
    (ZCTextIndex keeps the documents of a word in a dict in a shared bucket up
    to ten of them)."""
    rng = random.Random(0)
    for index in range(count):
        with api.env.adopt_user(username="author"):
            evidence = api.content.create(
                container=criterion,
                type="nr_evidence",
                title=" ".join(rng.sample(WORDS, 3)),
                kind="policy",
                document_date=date(2026, 1, 10),
                link="https://intranet.example.org/seed",
            )
            if index % 8 == 0:
                continue  # draft
            api.content.transition(obj=evidence, transition="submit")
        if index % 8 == 1:
            continue  # pending
        with api.env.adopt_user(username="reviewer"):
            api.content.transition(obj=evidence, transition="approve")


def pause(rng):
    """A person's pause between two clicks, short (a tenth of a second at most):
    four people at work, not four robots with no pause, which would make every
    set of documents the catalog keeps per state a hot spot no add-on removes."""
    time.sleep(rng.uniform(0, 0.1))


def work(number, criterion_url, told, answers, lock):
    """Create, submit and approve CYCLES evidence; note every answer."""
    author, reviewer = (
        session("author"),
        session("reviewer" if number % 2 else "reviewer2"),
    )
    rng = random.Random(number)
    for index in range(CYCLES):
        pause(rng)
        response = author.post(
            criterion_url,
            json={
                "@type": "nr_evidence",
                "title": " ".join(rng.sample(WORDS, 3)),
                "kind": "policy",
                "document_date": "2026-01-10",
                "link": f"https://intranet.example.org/{number}/{index}",
            },
        )
        with lock:
            answers[("create", response.status_code)] += 1
        if response.status_code != 201:
            continue
        url = response.json()["@id"]
        with lock:
            told["created"].append(url.rsplit("/", 1)[1])
        for http, step in ((author, "submit"), (reviewer, "approve")):
            pause(rng)
            response = http.post(f"{url}/@workflow/{step}")
            with lock:
                answers[(step, response.status_code)] += 1
            if response.status_code != 200:
                break
        else:
            with lock:
                told["approved"].append(url.rsplit("/", 1)[1])


def test_concurrent_creates_and_approvals_on_one_criterion(
    functional_criterion, zope_retries, caplog
):
    caplog.set_level(logging.INFO, logger="collective.nrlabel.conflicts")
    seed(functional_criterion)
    transaction.commit()
    before = set(functional_criterion.objectIds())
    told = {"created": [], "approved": []}
    answers = Counter()
    lock = threading.Lock()
    threads = [
        threading.Thread(
            target=work,
            args=(n, functional_criterion.absolute_url(), told, answers, lock),
        )
        for n in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)

    total = THREADS * CYCLES
    assert answers == Counter(
        {("create", 201): total, ("submit", 200): total, ("approve", 200): total}
    )
    transaction.begin()  # what the server committed
    added = set(functional_criterion.objectIds()) - before
    assert added == set(told["created"])
    assert len(told["created"]) == total  # each created once
    states = Counter(
        api.content.get_state(functional_criterion[name]) for name in added
    )
    assert states == Counter({"approved": total})
    assert sorted(told["approved"]) == sorted(told["created"])
    catalog = api.content.find(context=functional_criterion, portal_type="nr_evidence")
    assert len(catalog) == len(functional_criterion.objectIds())
    assert Counter(b.review_state for b in catalog) == Counter(
        api.content.get_state(o) for o in functional_criterion.objectValues()
    )
    assert {b.getId for b in catalog} == set(functional_criterion.objectIds())
    # Nothing answered 409: a conflict, if any, was retried (and logged).
    gave_up = [
        r
        for r in caplog.records
        if r.name == "collective.nrlabel.conflicts" and r.levelname == "WARNING"
    ]
    assert gave_up == []
    print(
        "RETRIES",
        sum(1 for r in caplog.records if r.name == "collective.nrlabel.conflicts"),
    )
