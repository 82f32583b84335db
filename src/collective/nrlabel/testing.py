"""Test layers: a real Plone site with collective.nrlabel installed; and
write_instance(), a throw-away Zope instance for the command and the benchmark."""

from pathlib import Path
from plone.app.contenttypes.testing import PLONE_APP_CONTENTTYPES_FIXTURE
from plone.app.testing import applyProfile
from plone.app.testing import FunctionalTesting
from plone.app.testing import IntegrationTesting
from plone.app.testing import MOCK_MAILHOST_FIXTURE
from plone.app.testing import PloneSandboxLayer
from plone.testing.zope import WSGI_SERVER_FIXTURE

import collective.nrlabel
import os


# The source checkout (an editable install): etc/ holds the instance templates.
PROJECT = Path(__file__).resolve().parents[3]

# Compile the .po catalogues on load, as a real instance does.
os.environ.setdefault("zope_i18n_compile_mo_files", "true")


class Layer(PloneSandboxLayer):
    defaultBases = (PLONE_APP_CONTENTTYPES_FIXTURE,)

    def setUpZope(self, app, configurationContext):
        import plone.restapi

        self.loadZCML(package=plone.restapi)
        self.loadZCML(package=collective.nrlabel)

    def setUpPloneSite(self, portal):
        applyProfile(portal, "collective.nrlabel:default")


FIXTURE = Layer()

INTEGRATION_TESTING = IntegrationTesting(
    bases=(FIXTURE, MOCK_MAILHOST_FIXTURE),
    name="collective.nrlabel:IntegrationTesting",
)

FUNCTIONAL_TESTING = FunctionalTesting(
    bases=(FIXTURE, MOCK_MAILHOST_FIXTURE, WSGI_SERVER_FIXTURE),
    name="collective.nrlabel:FunctionalTesting",
)


def write_instance(root: Path) -> Path:
    """Write a throw-away Zope instance in ``root``, like `make instance` does.

    Its FileStorage, blob storage, cache and log go under ``root/var``; the
    configuration comes from the checkout's ``etc/zope.conf.in`` and
    ``etc/site.zcml``. Returns the path of its ``zope.conf``, for the ``nrlabel``
    command or ``collective.nrlabel.commands.zope_app``. Used by
    tests/setup/ and bench/run.py.
    """
    for name in (
        "instance/etc",
        "var/filestorage",
        "var/blobstorage",
        "var/cache",
        "var/log",
    ):
        (root / name).mkdir(parents=True, exist_ok=True)
    etc = PROJECT / "etc"
    conf = root / "instance" / "etc" / "zope.conf"
    conf.write_text((etc / "zope.conf.in").read_text().replace("@ROOT@", str(root)))
    (root / "instance" / "etc" / "site.zcml").write_text(
        (etc / "site.zcml").read_text()
    )
    return conf
