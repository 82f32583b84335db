"""Create the site, the programme and its users on the shared data (run by
tests/cluster/conftest.py as a short-lived client: ``python seed.py ZOPE_CONF OUT``).

Writes the paths the tests need to OUT, as JSON.
"""

from collective.nrlabel import clock
from collective.nrlabel.commands import as_manager
from collective.nrlabel.commands import zope_app
from collective.nrlabel.demo import ensure_admin
from collective.nrlabel.demo import ensure_site
from datetime import timedelta
from nr_setup import add_audit
from nr_setup import build_programme
from nr_setup import criterion_at
from nr_setup import PASSWORD
from plone import api

import json
import sys


def main(zope_conf, out):
    with zope_app(zope_conf) as app:
        ensure_admin(app, "admin")
    with zope_app(zope_conf) as app:
        with as_manager(app):
            site, _created = ensure_site(app, "Plone", "fr")
        with as_manager(app, site):
            programme = build_programme(site)
            api.user.create(
                username="ext-auditor", email="audit@sgs.example", password=PASSWORD
            )
            today = clock.today()
            audit = add_audit(
                programme,
                today - timedelta(days=1),
                today + timedelta(days=30),
                auditors=["ext-auditor"],
            )
            paths = {
                "programme": "/".join(programme.getPhysicalPath()),
                "criterion": "/".join(
                    criterion_at(programme, "1.1.1").getPhysicalPath()
                ),
                "other_criterion": "/".join(
                    criterion_at(programme, "1.1.2").getPhysicalPath()
                ),
                "audit": "/".join(audit.getPhysicalPath()),
            }
    with open(out, "w") as f:
        json.dump(paths, f)


if __name__ == "__main__":
    main(*sys.argv[1:3])
