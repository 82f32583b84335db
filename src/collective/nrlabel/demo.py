"""The demo site of ``make start``: a French Classic-UI site, users and a programme."""

from collective.nrlabel.programme_tree import criterion_by_code
from datetime import date
from plone import api


DEMO_PROGRAMME_ID = "label-nr"

# login, full name, local role on the demo programme, who they are (DESIGN.md §1)
DEMO_USERS = (
    ("lead", "Léa Martin", "NR Lead", "NR lead: runs the programme"),
    ("reviewer", "Rémi Bernard", "NR Reviewer", "internal reviewer"),
    ("editor", "Emma Petit", "NR Editor", "intranet editor"),
    ("contributor", "Camille Durand", "NR Contributor", "intranet contributor"),
    ("auditor", "Anne Lefèvre", None, "external auditor (listed on the demo audit)"),
    ("colleague", "Claude Moreau", "NR Reader", "colleague (reads the programme)"),
)


def demo_password(login):
    return f"{login}-demo"


ADMIN_PASSWORD_HINT = "(ADMIN_PASSWORD or admin)"


def demo_logins():
    """(login, password, who) of every demo login, the Zope admin first.

    From the constants alone, not the database: ``nrlabel demo-users`` prints them
    while the site is running (which holds the database's lock).
    """
    return [("admin", ADMIN_PASSWORD_HINT, "Manager (Zope root)")] + [
        (login, demo_password(login), f"{fullname}, {who}")
        for login, fullname, _role, who in DEMO_USERS
    ]


# Plone serves hosts in this list without its theme, and lists 127.0.0.1 by
# default: the address ``make start`` prints.
UNTHEMED_HOSTS = "plone.app.theming.interfaces.IThemeSettings.hostnameBlacklist"


def is_demo_site(site):
    """A site ``setup-site --demo`` created: it holds the demo programme."""
    return DEMO_PROGRAMME_ID in site.objectIds()


def theme_every_host(site):
    """Serve the demo site themed on every host name, 127.0.0.1 included.

    Only the demo site: a real site keeps Plone's setting, which its
    administrators may rely on to compare the themed and the plain site.
    Idempotent; returns whether the setting changed.
    """
    if not api.portal.get_registry_record(UNTHEMED_HOSTS, default=None):
        return False
    api.portal.set_registry_record(UNTHEMED_HOSTS, [])
    return True


def ensure_admin(app, password):
    """A Zope-root ``admin`` Manager, created once (its password is then kept)."""
    users = app.acl_users
    if users.getUserById("admin") is None:
        users._doAddUser("admin", password, ["Manager"], [])


def ensure_site(app, site_id, language):
    """The Classic-UI Plone site with collective.nrlabel; (site, created)."""
    from Products.CMFPlone.factory import addPloneSite

    if site_id in app.objectIds():
        return app[site_id], False
    site = addPloneSite(
        app,
        site_id,
        title="Intranet",
        distribution_name="classic",
        default_language=language,
        portal_timezone="Europe/Paris",
        setup_content=False,
    )
    api.addon.install("collective.nrlabel")
    return site, True


def ensure_admin_and_site(app, site_id="Plone", language="fr"):
    """The Zope ``admin`` and the site, each committed: what the benchmarks and
    the cluster tests start from. Returns the site."""
    from collective.nrlabel.commands import as_manager

    import transaction

    ensure_admin(app, "admin")
    transaction.commit()
    with as_manager(app):
        site, _created = ensure_site(app, site_id, language)
    transaction.commit()
    return site


DEMO_EVIDENCE = (
    # criterion, title, author, state, extra fields
    ("1.1.1", "Charte numérique responsable signée", "editor", "approved", {}),
    ("1.2.1", "Plan d'action NR 2026", "editor", "pending", {}),
    ("1.2.4", "Bilan de l'empreinte du numérique 2025", "contributor", "rejected", {}),
    ("2.1.1", "Plan de formation 2026", "editor", "draft", {}),
    ("3.3.3", "Certificats de traitement DEEE", "contributor", "approved", {}),
)


def ensure_demo(site):
    """Demo users and a demo programme, on a site served themed on every host;
    returns the demo logins (``demo_logins()``)."""
    api.portal.set_registry_record("plone.email_from_address", "label-nr@example.org")
    api.portal.set_registry_record("plone.email_from_name", "Label NR")
    theme_every_host(site)
    for login, fullname, _role, _who in DEMO_USERS:
        if api.user.get(username=login) is None:
            api.user.create(
                username=login,
                email=f"{login}@example.org",
                password=demo_password(login),
                properties={"fullname": fullname},
            )
    programme = site.get(DEMO_PROGRAMME_ID)
    if programme is None:
        programme = api.content.create(
            container=site,
            type="nr_programme",
            id=DEMO_PROGRAMME_ID,
            title="Programme Label NR",
            description="Démarche de labellisation Numérique Responsable de l'organisation.",
            organisation="Exemple SA",
            community_entry_date=date(2026, 1, 15),
        )
    for login, _fullname, role, _who in DEMO_USERS:
        if role:
            api.user.grant_roles(username=login, obj=programme, roles=[role])
    # plone.api leaves the catalog's security indexes to the caller.
    programme.reindexObjectSecurity()
    _demo_evidence(programme)
    _demo_cycle(programme)
    return demo_logins()


def _demo_evidence(programme):
    """A little evidence in each state, created and reviewed by the demo users."""
    from plone.namedfile.file import NamedBlobFile

    workflow = api.portal.get_tool("portal_workflow")
    for code, title, author, state, fields in DEMO_EVIDENCE:
        criterion = criterion_by_code(programme, code)
        with api.env.adopt_user(username=author):
            evidence = api.content.create(
                container=criterion,
                type="nr_evidence",
                id=f"demo-{code}",
                title=title,
                kind="policy" if code == "1.1.1" else "record",
                document_date=date(2026, 1, 15),
                file=NamedBlobFile(
                    data=f"%PDF-1.4\n% {title}\n".encode(),
                    contentType="application/pdf",
                    filename=f"{code}-demo.pdf",
                ),
                **fields,
            )
            if state != "draft":
                workflow.doActionFor(evidence, "submit", comment="")
        if state in ("approved", "rejected"):
            transition = "approve" if state == "approved" else "reject"
            comment = "" if state == "approved" else "Le périmètre du bilan manque."
            with api.env.adopt_user(username="reviewer"):
                workflow.doActionFor(evidence, transition, comment=comment)


DEMO_MATURITY = {"1.1.1": 2, "1.1.2": 1, "1.2.1": 1, "3.3.3": 3, "4.3.3": 2}


def _demo_cycle(programme):
    """Some self-assessment, an action, and an audit in progress this month.

    The demo auditor reads the programme through the audit only, while today is
    inside its window.
    """
    from collective.nrlabel import clock
    from datetime import timedelta
    from z3c.relationfield import RelationValue
    from zope.component import getUtility
    from zope.intid.interfaces import IIntIds

    programme.training_date = date(2026, 2, 10)
    for code, maturity in DEMO_MATURITY.items():
        criterion = criterion_by_code(programme, code)
        criterion.maturity = maturity
        criterion.owner = "editor"
        criterion.reindexObject()
    not_applicable = criterion_by_code(programme, "1.3.4")
    not_applicable.applicability = "not_applicable"
    not_applicable.justification = "Nous ne sommes pas une ESN."
    not_applicable.reindexObject()

    intids = getUtility(IIntIds)
    with api.env.adopt_user(username="lead"):
        api.content.create(
            container=programme["action-plan"],
            type="nr_action",
            id="former-les-equipes",
            title="Former les équipes aux écogestes",
            criteria=[
                RelationValue(intids.getId(criterion_by_code(programme, "2.1.1")))
            ],
            responsible="editor",
            due_date=date(2026, 3, 31),
            priority="high",
            progress=40,
        )
    today = clock.today()
    audit = add_initial_audit(
        programme, today - timedelta(days=7), today + timedelta(days=30), ["auditor"]
    )
    api.portal.get_tool("portal_workflow").doActionFor(audit, "start_audit")


def add_initial_audit(programme, start, end, auditors=()):
    """The initial labelling audit of the demo (and of the benchmark's programme)."""
    return api.content.create(
        container=programme,
        type="nr_audit",
        id="audit-initial",
        title="Audit initial de labellisation",
        kind="initial",
        audit_body="SGS",
        window_start=start,
        window_end=end,
        auditors=list(auditors),
    )
