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


# -- An existing intranet, then the add-on (issue #14) ------------------------------

# Users an intranet has, with Plone's site-wide roles: none of them holds an NR
# role, so none may see a programme.
INTRANET_USERS = (
    ("intranet-editor", "Site Editor", ("Editor", "Contributor", "Reviewer")),
    ("intranet-reader", "Site Reader", ("Reader",)),
    ("intranet-admin", "Site Administrator", ("Site Administrator",)),
    ("intranet-member", "Staff member", ()),
)
INTRANET_PASSWORD = "intranet-secret-42"
INTRANET_ADDONS = (
    "plone.app.multilingual:default",
    "plone.app.iterate:default",
    "plone.app.caching:default",
    "plone.app.caching:with-caching-proxy",
    "plone.app.discussion:default",
)


class IntranetLayer(PloneSandboxLayer):
    """A French intranet as an integrator finds it: ``intranet_workflow``,
    folders, pages, files and news, users and a group with site-wide roles and
    local roles, plone.app.multilingual (fr and en), plone.app.iterate,
    plone.app.caching (with-caching-proxy) and plone.app.discussion (comments
    allowed site-wide); then collective.nrlabel installed on top."""

    defaultBases = (PLONE_APP_CONTENTTYPES_FIXTURE,)

    def setUpZope(self, app, configurationContext):
        import plone.app.caching
        import plone.app.discussion
        import plone.app.iterate
        import plone.app.multilingual
        import plone.restapi

        for package in (
            plone.app.multilingual,
            plone.app.iterate,
            plone.app.caching,
            plone.app.discussion,
            plone.restapi,
            collective.nrlabel,
        ):
            self.loadZCML(package=package)

    def setUpPloneSite(self, portal):
        from plone import api

        api.portal.set_registry_record("plone.available_languages", ["fr", "en"])
        api.portal.set_registry_record("plone.default_language", "fr")
        for profile in INTRANET_ADDONS:
            applyProfile(portal, profile)
        api.portal.set_registry_record(
            "plone.app.discussion.interfaces.IDiscussionSettings.globally_enabled",
            True,
        )
        api.portal.get_tool("portal_workflow").setDefaultChain("intranet_workflow")
        build_intranet_content(portal)
        applyProfile(portal, "collective.nrlabel:default")


def build_intranet_content(portal):
    """The intranet's own content, users and group (see ``IntranetLayer``)."""
    from plone import api
    from plone.app.textfield.value import RichTextValue
    from plone.namedfile.file import NamedBlobFile

    with api.env.adopt_roles(["Manager"]):
        for user_id, fullname, roles in INTRANET_USERS:
            api.user.create(
                username=user_id,
                email=f"{user_id}@intranet.example",
                password=INTRANET_PASSWORD,
                properties={"fullname": fullname},
            )
            if roles:
                api.user.grant_roles(username=user_id, roles=list(roles))
        api.group.create(groupname="staff", title="Staff", roles=["Reader"])
        api.group.add_user(groupname="staff", username="intranet-member")
        container = portal["fr"] if "fr" in portal.objectIds() else portal
        folder = api.content.create(
            container=container, type="Folder", id="politiques", title="Politiques"
        )
        page = api.content.create(
            container=folder,
            type="Document",
            id="politique-nr",
            title="Politique numérique responsable",
            text=RichTextValue("<p>Version 1.</p>", "text/html", "text/html"),
        )
        api.content.create(
            container=folder,
            type="File",
            id="rapport",
            title="Rapport annuel",
            file=NamedBlobFile(b"%PDF-1.4 rapport", filename="rapport.pdf"),
        )
        api.content.create(
            container=container, type="News Item", id="actualite", title="Actualité"
        )
        api.user.grant_roles(username="intranet-editor", obj=folder, roles=["Editor"])
        for obj in (folder, page):
            api.content.transition(obj=obj, transition="publish_internally")


INTRANET_FIXTURE = IntranetLayer()

INTRANET_INTEGRATION_TESTING = IntegrationTesting(
    bases=(INTRANET_FIXTURE, MOCK_MAILHOST_FIXTURE),
    name="collective.nrlabel:IntranetIntegrationTesting",
)

INTRANET_FUNCTIONAL_TESTING = FunctionalTesting(
    bases=(INTRANET_FIXTURE, MOCK_MAILHOST_FIXTURE, WSGI_SERVER_FIXTURE),
    name="collective.nrlabel:IntranetFunctionalTesting",
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
    conf.write_text(
        (etc / "zope.conf.in")
        .read_text()
        .replace("@ROOT@", str(root))
        .replace("@STORAGE_CONF@", str(etc / "storage-filestorage.conf"))
    )
    (root / "instance" / "etc" / "site.zcml").write_text(
        (etc / "site.zcml").read_text()
    )
    return conf
