"""The ``nrlabel`` command against a real Zope instance on a FileStorage."""

from pathlib import Path
from referential_files import csv_bytes
from referential_files import HEADER
from zc.lockfile import LockFile

import os
import pytest
import subprocess
import sys


NRLABEL = Path(sys.executable).parent / "nrlabel"

pytestmark = pytest.mark.slow

# A valid referential: one theme, one criterion.
ACHATS = csv_bytes(
    [
        HEADER,
        ["A", "", "theme", "Achats", "", "", ""],
        ["A.1", "A", "criterion", "Clauses", "", "", ""],
    ]
)


def nrlabel(zope_conf, *args, **env):
    return subprocess.run(
        [str(NRLABEL), "--zope-conf", str(zope_conf), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "ADMIN_PASSWORD": "s3cret-admin", **env},
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
    assert "Upgraded" not in again.stdout  # nothing pending

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([HEADER, ["1", "", "chapitre", "X", "", "", ""]]))
    refused = nrlabel(zope_conf, "import-referential", str(bad))
    assert refused.returncode == 1
    assert "Row 2 (code 1): unknown level 'chapitre'" in refused.stderr

    good = tmp_path / "achats.csv"
    good.write_bytes(ACHATS)
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


ENGLISH = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}


def test_import_refusals_are_messages_not_tracebacks(zope_conf, tmp_path):
    missing = nrlabel(
        zope_conf, "import-referential", str(tmp_path / "nope.csv"), **ENGLISH
    )
    assert missing.returncode == 1
    assert "Traceback" not in missing.stderr
    assert f"Cannot read the file {tmp_path / 'nope.csv'}: No such file" in (
        missing.stderr
    )

    bomb = tmp_path / "bomb.yaml"
    bomb.write_text('a: &a ["lol", "lol"]\nb: &b [*a, *a]\nthemes: [*b]\n')
    refused = nrlabel(zope_conf, "import-referential", str(bomb), **ENGLISH)
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert "Nothing was imported:" in refused.stderr
    assert "The YAML uses an anchor or an alias (& or *) at line 1" in refused.stderr


def test_import_problems_in_the_terminal_language(zope_conf, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([HEADER, ["1", "", "chapitre", "X", "", "", ""]]))
    refused = nrlabel(
        zope_conf, "import-referential", str(bad), **{**ENGLISH, "LANGUAGE": "fr"}
    )
    assert refused.returncode == 1
    assert "Rien n'a été importé :" in refused.stderr
    assert "Ligne 2 (code 1) : niveau inconnu 'chapitre'" in refused.stderr


def test_import_while_the_site_runs(zope_conf, tmp_path):
    """A running site holds the FileStorage's lock: say so, do not crash."""
    good = tmp_path / "good.csv"
    good.write_bytes(ACHATS)
    data_fs = zope_conf.parents[2] / "var" / "filestorage" / "Data.fs"
    lock = LockFile(f"{data_fs}.lock")
    try:
        locked = nrlabel(zope_conf, "import-referential", str(good), **ENGLISH)
        reminders = nrlabel(zope_conf, "send-reminders", **ENGLISH)
    finally:
        lock.close()
    assert reminders.returncode == 1
    assert "Traceback" not in reminders.stderr
    assert "The database is in use: stop the site first" in reminders.stderr
    assert locked.returncode == 1
    assert "Traceback" not in locked.stderr
    assert (
        "the database is in use: stop the site first (Ctrl-C in the terminal "
        "running make start), or use the import form in the site." in locked.stderr
    )
