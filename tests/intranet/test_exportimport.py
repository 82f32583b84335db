"""Moving an intranet with its programme to a new site with collective.exportimport
(docs/install.md, "Migrating with collective.exportimport") loses nothing.

A programme with every kind of data is exported from the intranet with
collective.exportimport's views (the add-on's hooks: browser/exportimport.py,
migration.py), imported into a second, fresh site of the same Zope in the
documented order, and the two are compared item by item.
"""

from collective.nrlabel.nr_content import NR_TYPES
from datetime import date
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.textfield.value import RichTextValue
from zope.component.hooks import setSite
from zope.event import notify
from zope.globalrequest import setRequest
from zope.interface import alsoProvides
from zope.lifecycleevent import Attributes
from zope.lifecycleevent import ObjectModifiedEvent

import json
import pytest
import transaction


pytest.importorskip("collective.exportimport")

from collective.nrlabel.action_plan import create_action_from_finding  # noqa: E402
from collective.nrlabel.activity import activity  # noqa: E402
from collective.nrlabel.audit.access import access_plugin  # noqa: E402
from collective.nrlabel.audit.access import group_id  # noqa: E402
from collective.nrlabel.audit.downloads import downloads  # noqa: E402
from collective.nrlabel.audit.downloads import record_download  # noqa: E402
from collective.nrlabel.evidence.intranet import content_bytes  # noqa: E402
from collective.nrlabel.evidence.intranet import pin_of  # noqa: E402
from collective.nrlabel.evidence.intranet import pinned_copy  # noqa: E402
from collective.nrlabel.evidence.intranet import pinned_version  # noqa: E402
from collective.nrlabel.evidence.intranet import stale_of  # noqa: E402
from collective.nrlabel.evidence.rules import record_author  # noqa: E402
from collective.nrlabel.interfaces import IBrowserLayer  # noqa: E402
from collective.nrlabel.readiness import readiness  # noqa: E402
from collective.nrlabel.relations import related_uids  # noqa: E402
from collective.nrlabel.testing import INTRANET_ADDONS  # noqa: E402
from nr_setup import add_audit  # noqa: E402
from nr_setup import add_evidence  # noqa: E402
from nr_setup import add_finding  # noqa: E402
from nr_setup import assess  # noqa: E402
from nr_setup import audit_transition  # noqa: E402
from nr_setup import build_programme  # noqa: E402
from nr_setup import criterion_at  # noqa: E402
from nr_setup import evidence_in_state  # noqa: E402
from nr_setup import relation  # noqa: E402
from nr_setup import transition  # noqa: E402


TODAY = date(2026, 5, 4)
OTHER_EXPORTS = ("relations", "members", "localroles", "ordering")


@pytest.fixture(autouse=True)
def today(clock):
    clock(TODAY)


# -- The programme: every kind of data ---------------------------------------------


def intranet_evidence(criterion, item, title):
    evidence = add_evidence(
        criterion, title=title, file=None, intranet_item=relation(item)
    )
    transition(evidence, "author", "submit")
    transition(evidence, "reviewer", "approve")
    return evidence


def fill_programme(portal):
    programme = build_programme(portal)
    criterion = criterion_at(programme, "1.1.1")
    other = criterion_at(programme, "1.1.2")
    for state in ("draft", "pending", "approved", "rejected"):
        evidence_in_state(criterion, state, title=f"Preuve {state}")
    evidence_in_state(
        other, "approved", title="Lien", file=None, link="https://example.org/nr"
    )
    note = evidence_in_state(
        other,
        "pending",
        title="Note",
        file=None,
        note=RichTextValue("<p>Vu.</p>", "text/html", "text/x-html-safe"),
    )
    shared = criterion["preuve-approved"]
    shared.supported_criteria = [
        relation(other),
        relation(criterion_at(programme, "2.1.1")),
    ]
    notify(ObjectModifiedEvent(shared, Attributes(None, "supported_criteria")))
    folder = portal["fr"]["politiques"]
    intranet_evidence(criterion, folder["politique-nr"], "Politique (intranet)")
    stale = intranet_evidence(other, folder["rapport"], "Rapport (intranet)")
    with api.env.adopt_roles(["Manager"]):
        folder["rapport"].title = "Rapport annuel 2026"
        notify(
            ObjectModifiedEvent(
                folder["rapport"], Attributes(None, "IDublinCore.title")
            )
        )
    assert stale_of(stale) is not None
    record_author(note, "editor")  # a second author
    assess(programme, "1.1.1", maturity=3)
    assess(programme, "1.1.2", applicable=False, justification="Pas de flotte")
    assess(programme, "2.1.1", maturity=1)
    audit = add_audit(programme, date(2026, 5, 1), date(2026, 5, 15))
    finding = add_finding(audit, criterion, "Écart", "Pas de revue annuelle")
    with api.env.adopt_roles(["Manager"]):
        create_action_from_finding(finding)
    audit_transition(audit, "start_audit")
    record_download(shared, api.user.get(userid="auditor"), "politique.pdf")
    return programme


# -- Export, a fresh site, import ----------------------------------------------------


def call(name, context, request, **kwargs):
    request.form.clear()
    request.form["form.submitted"] = True
    view = api.content.get_view(name, context, request)
    return view(**kwargs)


def export_all(portal, request, directory):
    catalog = api.portal.get_tool("portal_catalog")
    # The language folders are the new site's own (plone.app.multilingual).
    types = sorted(set(catalog.uniqueValuesFor("portal_type")) - {"LRF", "LIF"})
    assert "nr_evidence" in types
    call(
        "export_content",
        portal,
        request,
        portal_type=types,
        include_blobs=1,
        download_to_server=True,
        migration=True,
    )
    for name in OTHER_EXPORTS:
        call(f"export_{name}", portal, request, download_to_server=True)
    files = {p.stem: p.read_text() for p in directory.glob("*.json")}
    assert set(files) == {"plone", *(f"export_{name}" for name in OTHER_EXPORTS)}, (
        files.keys()
    )
    return files


def fresh_site(app):
    """A new site as the intranet's was set up, without its content (and without
    the test's request: it carries the intranet's browser layers)."""
    from plone.app.testing import applyProfile
    from Products.CMFPlone.factory import addPloneSite

    setRequest(None)
    site = addPloneSite(
        app,
        "target",
        extension_ids=("plone.app.contenttypes:default",),
        setup_content=False,
        default_language="fr",
    )
    setSite(site)
    api.portal.set_registry_record("plone.available_languages", ["fr", "en"])
    api.portal.set_registry_record("plone.default_language", "fr")
    for profile in INTRANET_ADDONS:
        applyProfile(site, profile)
    api.portal.get_tool("portal_workflow").setDefaultChain("intranet_workflow")
    applyProfile(site, "collective.nrlabel:default")
    return site


def same_language_folders(portal, site):
    """The new site's language folders stand for the old ones (the new site
    has another id here, so collective.exportimport finds parents by UID)."""
    from plone.uuid.interfaces import IMutableUUID
    from plone.uuid.interfaces import IUUID

    for language in ("fr", "en"):
        IMutableUUID(site[language]).set(IUUID(portal[language]))
        site[language].reindexObject(idxs=["UID"])


def import_all(site, request, files):
    """The documented order: members, content, relations, local roles, ordering."""
    call("import_members", site, request, jsonfile=files["export_members"])
    request.form.clear()
    request.form.update({"form.submitted": True, "handle_existing_content": "0"})
    view = api.content.get_view("import_content", site, request)
    view(jsonfile=files["plone"], return_json=True)
    for name in ("relations", "localroles", "ordering"):
        call(f"import_{name}", site, request, jsonfile=files[f"export_{name}"])
    transaction.commit()


@pytest.fixture
def round_trip(intranet_functional, tmp_path, monkeypatch):
    import collective.exportimport.config

    monkeypatch.setattr(
        collective.exportimport.config, "CENTRAL_DIRECTORY", str(tmp_path)
    )
    portal, app = intranet_functional["portal"], intranet_functional["app"]
    request = intranet_functional["request"]
    alsoProvides(request, IBrowserLayer)
    setRequest(request)
    with api.env.adopt_roles(["Manager"]):
        source = fill_programme(portal)
    transaction.commit()
    owner = app.acl_users.getUser(SITE_OWNER_NAME).__of__(app.acl_users)
    with api.env.adopt_user(user=owner):
        files = export_all(portal, request, tmp_path)
        site = fresh_site(app)
        same_language_folders(portal, site)
        transaction.commit()
        setRequest(request)
        import_all(site, request, files)
    target = site[source.getId()]
    yield source, target
    setSite(portal)


# -- What must be equal --------------------------------------------------------------


def site_of(programme):
    """Work in ``programme``'s site (its catalog, its tools)."""
    site = programme.aq_inner.aq_parent  # programmes sit at the site's root here
    setSite(site)
    return site


def nr_items(programme):
    catalog = site_of(programme).portal_catalog
    root = "/".join(programme.getPhysicalPath())
    brains = catalog.unrestrictedSearchResults(path=root, portal_type=NR_TYPES)
    return {b.getPath()[len(root) :]: b._unrestrictedGetObject() for b in brains}


def history(obj):
    return {
        wf: [
            {**step, "time": step["time"].ISO8601()} if step.get("time") else step
            for step in steps
        ]
        for wf, steps in (obj.workflow_history or {}).items()
    }


def facts(obj):
    """Everything of an NR item that must survive the move, site-independent."""
    data = {
        "uid": obj.UID(),
        "state": api.content.get_state(obj, default=None),
        "history": history(obj),
        "creators": obj.listCreators(),
        "owner": obj.getOwnerTuple()[1],
        "local_roles": {k: sorted(v) for k, v in obj.__ac_local_roles__.items()},
        "modifiers": getattr(obj.aq_base, "nr_modifiers", ()),
        "title": obj.Title(),
    }
    for name in ("supported_criteria", "criteria", "criterion", "intranet_item"):
        if hasattr(obj.aq_base, name):
            value = getattr(obj, name)
            data[name] = related_uids(value if isinstance(value, list) else [value])
    if obj.portal_type == "nr_evidence":
        data["file"] = obj.file.data if obj.file else None
        data["pin"] = pin_of(obj)
        data["stale"] = stale_of(obj)
        # What the audit pack shows: the pinned copy, else the pinned version
        # (versions stay behind: the import keeps their bytes as the copy).
        copy, version = pinned_copy(obj), pinned_version(obj)
        data["approved"] = (
            copy.data if copy else version and b"".join(content_bytes(version))
        )
    if obj.portal_type == "nr_criterion":
        data["assessment"] = (obj.applicability, obj.maturity, obj.justification)
    return data


def catalogued(programme):
    catalog = site_of(programme).portal_catalog
    root = "/".join(programme.getPhysicalPath())
    brains = catalog.unrestrictedSearchResults(
        path=root, portal_type=("nr_evidence", "nr_action")
    )
    return {
        b.getPath()[len(root) :]: (
            sorted(b.nr_criteria or ()),
            b.review_state,
            b.Creator,
        )
        for b in brains
    }


def site_neutral(data, source, target):
    text = json.dumps(data, sort_keys=True, default=str)
    return text.replace(target.absolute_url(), source.absolute_url())


class TestRoundTrip:
    def test_every_item_comes_back_with_its_uid_state_and_history(self, round_trip):
        source, target = round_trip
        before, after = nr_items(source), nr_items(target)
        assert sorted(after) == sorted(before)  # nothing seeded twice, nothing lost
        assert len([p for p in after if after[p].portal_type == "nr_criterion"]) > 40
        site_of(target)
        moved = {path: facts(obj) for path, obj in after.items()}
        site_of(source)
        for path, obj in before.items():
            assert moved[path] == facts(obj), path
        approved = [f["approved"] for f in moved.values() if f.get("approved")]
        assert len(approved) == 2  # the page (a version) and the file (a copy)

    def test_catalog_is_up_to_date(self, round_trip):
        source, target = round_trip
        assert catalogued(target) == catalogued(source)

    def test_readiness_is_the_same(self, round_trip):
        source, target = round_trip
        with api.env.adopt_roles(["Manager"]):
            setSite(source.aq_parent)
            before = readiness(source).as_dict()
            setSite(target.aq_parent)
            after = readiness(target).as_dict()
        assert before["score"] and before["readiness"]["covered"]
        assert site_neutral(after, source, target) == site_neutral(
            before, source, target
        )

    def test_logs_come_back(self, round_trip):
        source, target = round_trip
        assert activity(target, size=500) == activity(source, size=500)
        assert activity(source).total > 5
        assert downloads(target) == downloads(source)

    def test_auditor_access_is_rebuilt_from_the_audits(self, round_trip):
        source, target = round_trip
        audit = target["audit-initial"]
        setSite(target.aq_parent)
        plugin = access_plugin()
        assert dict(plugin._audits) == {audit.UID(): plugin._audits[audit.UID()]}
        assert plugin._audits[audit.UID()][0] == "in_audit"
        assert api.group.get(groupname=group_id(audit.UID())) is not None
        groups = [g.getId() for g in api.group.get_groups(username="auditor")]
        assert group_id(audit.UID()) in groups
        assert "NR Auditor" in api.user.get_roles(username="auditor", obj=target)
        stale = [g for g in api.group.get_groups() if g.getId().startswith("nr-audit-")]
        assert [g.getId() for g in stale] == [group_id(audit.UID())]
