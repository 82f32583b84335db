"""The demo site of ``make start``: a French Classic-UI site, users and a programme."""

from datetime import date
from plone import api


DEMO_PROGRAMME_ID = "label-nr"

# login, full name, local role on the demo programme, who they are (DESIGN.md §1)
DEMO_USERS = (
    ("lead", "Léa Martin", "NR Lead", "NR lead: runs the programme"),
    ("reviewer", "Rémi Bernard", "NR Reviewer", "internal reviewer"),
    ("editor", "Emma Petit", "Editor", "intranet editor"),
    ("contributor", "Camille Durand", "Contributor", "intranet contributor"),
    ("auditor", "Anne Lefèvre", "NR Auditor", "external auditor"),
    ("colleague", "Claude Moreau", "Reader", "colleague (reads the programme)"),
)


def demo_password(login):
    return f"{login}-demo"


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


def ensure_demo(site):
    """Demo users and a demo programme; returns (login, password, who) rows."""
    rows = []
    for login, fullname, _role, who in DEMO_USERS:
        if api.user.get(username=login) is None:
            api.user.create(
                username=login,
                email=f"{login}@example.org",
                password=demo_password(login),
                properties={"fullname": fullname},
            )
        rows.append((login, demo_password(login), who))
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
        api.user.grant_roles(username=login, obj=programme, roles=[role])
    return [("admin", "(ADMIN_PASSWORD or admin)", "Manager")] + rows
