"""The ``nrlabel`` command against a real Zope instance on a FileStorage."""

from pathlib import Path
from referential_files import csv_bytes
from referential_files import HEADER

import os
import pytest
import subprocess
import sys


ROOT = Path(__file__).resolve().parents[1]
NRLABEL = Path(sys.executable).parent / "nrlabel"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def zope_conf(tmp_path_factory):
    """A Zope instance like `make instance` writes, with its data in a temp folder."""
    root = tmp_path_factory.mktemp("instance")
    for name in (
        "instance/etc",
        "var/filestorage",
        "var/blobstorage",
        "var/cache",
        "var/log",
    ):
        (root / name).mkdir(parents=True)
    template = (ROOT / "etc" / "zope.conf.in").read_text()
    conf = root / "instance" / "etc" / "zope.conf"
    conf.write_text(template.replace("@ROOT@", str(root)))
    (root / "instance" / "etc" / "site.zcml").write_text(
        (ROOT / "etc" / "site.zcml").read_text()
    )
    return conf


def nrlabel(zope_conf, *args):
    return subprocess.run(
        [str(NRLABEL), "--zope-conf", str(zope_conf), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "ADMIN_PASSWORD": "s3cret-admin"},
    )


def test_setup_site_then_import(zope_conf, tmp_path):
    created = nrlabel(zope_conf, "setup-site", "--demo")
    assert created.returncode == 0, created.stderr
    assert "Created the Plone site 'Plone' (fr)." in created.stdout
    for login in ("lead", "reviewer", "editor", "contributor", "auditor", "colleague"):
        assert f"  {login} " in created.stdout

    again = nrlabel(zope_conf, "setup-site", "--demo")
    assert again.returncode == 0, again.stderr
    assert "its data is kept" in again.stdout

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([HEADER, ["1", "", "chapitre", "X", "", "", ""]]))
    refused = nrlabel(zope_conf, "import-referential", str(bad))
    assert refused.returncode == 1
    assert "Row 2 (code 1): unknown level 'chapitre'" in refused.stderr

    good = tmp_path / "achats.csv"
    good.write_bytes(
        csv_bytes(
            [
                HEADER,
                ["A", "", "theme", "Achats", "", "", ""],
                ["A.1", "A", "criterion", "Clauses", "", "", ""],
            ]
        )
    )
    imported = nrlabel(
        zope_conf,
        "import-referential",
        str(good),
        "--version",
        "2026",
        "--create-programme",
        "/Plone",
        "--programme-title",
        "Achats responsables",
    )
    assert imported.returncode == 0, imported.stderr
    assert (
        "Imported referential achats 2026: 1 themes, 0 principles, 1 criteria."
        in imported.stdout
    )
    assert "Created programme Plone/achats-responsables." in imported.stdout


def test_send_reminders_twice_a_day(zope_conf):
    first = nrlabel(zope_conf, "send-reminders", "--date", "2026-06-15")
    assert first.returncode == 0, first.stderr
    assert "reminder mail(s)" in first.stdout
    second = nrlabel(zope_conf, "send-reminders", "--date", "2026-06-15")
    assert second.returncode == 0, second.stderr
    assert "0 reminder mail(s) about 0 item(s)." in second.stdout
