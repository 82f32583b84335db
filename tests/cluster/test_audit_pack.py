"""The audit pack with a size-limited blob cache (the clients' blob-cache-size is
BLOB_CACHE_SIZE in conftest.py): six approved files that together are three times
the cache, downloaded from each client. Collecting every blob path first and
opening them later fails with FileNotFoundError once the cache pruner has deleted
some: each blob must be opened when it is streamed."""

from nr_setup import file_payload

import hashlib
import io
import os
import zipfile


FILES = 6
SIZE = 1024 * 1024


def test_audit_pack_with_a_small_blob_cache(shared):
    sent = {}
    for i in range(FILES):
        data = b"%PDF-1.4\n" + os.urandom(SIZE)
        filename = f"preuve-lourde-{i}.pdf"
        created = shared.request(
            "POST",
            shared.a,
            "other_criterion",
            "author",
            json={
                "@type": "nr_evidence",
                "title": f"Preuve lourde {i}",
                "kind": "policy",
                "document_date": "2026-01-10",
                "file": file_payload(data=data, filename=filename),
            },
        )
        assert created.status_code == 201, created.text[:500]
        url = created.json()["@id"]
        assert shared.transition(shared.a, url, "author", "submit").status_code == 200
        assert (
            shared.transition(shared.b, url, "reviewer", "approve").status_code == 200
        )
        sent[filename] = hashlib.sha256(data).hexdigest()

    for port in (shared.b, shared.a):
        response = shared.get(port, "programme", "lead", suffix="/@@nr-audit-pack")
        assert response.status_code == 200, response.text[:300]
        with zipfile.ZipFile(io.BytesIO(response.content)) as pack:
            assert pack.testzip() is None
            received = {
                name.rpartition("/")[2]: hashlib.sha256(pack.read(name)).hexdigest()
                for name in pack.namelist()
                if name.rpartition("/")[2] in sent
            }
        assert received == sent
