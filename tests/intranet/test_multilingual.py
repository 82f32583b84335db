"""plone.app.multilingual: a programme is seeded in the language of its section
(/fr or /en), NR content is not translated and "Translate into" is refused with
the reason (never an error), and both programmes work (readiness, start page)."""

from collective.nrlabel.content.programme import DEFAULT_REFERENTIAL
from collective.nrlabel.multilingual import retitle_programmes_in_their_language
from collective.nrlabel.nr_content import NR_TYPES
from collective.nrlabel.programme_tree import criterion_by_code
from collective.nrlabel.readiness import readiness
from collective.nrlabel.referential.registry import get_referential
from nr_setup import _create_users
from nr_setup import add_evidence
from nr_setup import PASSWORD
from nr_setup import USERS
from plone import api
from plone.app.multilingual.setuphandlers import enable_translatable_behavior

import pytest
import re
import requests
import transaction


REFUSED = {
    "en": "Label NR content is not translated",
    "fr": "Les contenus du label NR ne se traduisent pas",
}


def programme_in(portal, language, title=None):
    """A programme added in the ``language`` section, with the NR users' roles."""
    with api.env.adopt_roles(["Manager"]):
        _create_users(language)
        programme = api.content.create(
            container=portal[language],
            type="nr_programme",
            title=title or f"Programme {language}",
        )
    for user_id, role in USERS.items():
        api.user.grant_roles(username=user_id, obj=programme, roles=[role])
    programme.reindexObjectSecurity()
    return programme


def expected_titles(language):
    """code → title of the shipped referential in ``language``."""
    referential = get_referential(DEFAULT_REFERENTIAL)
    return {node.code: node.text("title", language) for node in referential.nodes}


def seeded_titles(programme):
    path = "/".join(programme.getPhysicalPath())
    brains = api.content.find(
        path=path,
        portal_type=("nr_theme", "nr_principle", "nr_criterion"),
        unrestricted=True,
    )
    return {brain.nr_code: brain.Title for brain in brains}


def nr_items_under(portal, language):
    path = "/".join(portal[language].getPhysicalPath())
    return api.content.find(path=path, portal_type=NR_TYPES, unrestricted=True)


# -- Seeding in the section's language (integration) ---------------------------


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_programme_is_seeded_in_its_sections_language(intranet_integration, language):
    portal = intranet_integration["portal"]
    programme = programme_in(portal, language)
    titles = seeded_titles(programme)
    assert titles == expected_titles(language)
    assert len(titles) == 66
    assert programme.language == language
    criterion = programme["1"]["1.1"]["1.1.1"]
    guidance = {"en": "Signed management commitment", "fr": "Engagement signé"}
    assert criterion.guidance.startswith(guidance[language])
    plan_title = {"en": "Action plan", "fr": "Plan d'action"}[language]
    assert programme["action-plan"].title == plan_title
    brains = api.content.find(UID=programme.UID(), Language=language)
    assert len(brains) == 1


def test_no_french_tree_under_en(intranet_integration):
    portal = intranet_integration["portal"]
    programme_in(portal, "fr")
    programme_in(portal, "en")
    english = expected_titles("en")
    french = expected_titles("fr")
    for brain in nr_items_under(portal, "en"):
        if brain.portal_type in ("nr_theme", "nr_principle", "nr_criterion"):
            assert brain.Title == english[brain.nr_code]
            assert brain.Title != french[brain.nr_code] or brain.nr_code == "3"
    assert len(nr_items_under(portal, "fr")) == len(nr_items_under(portal, "en"))


def test_site_default_when_the_place_has_no_language(intranet_integration):
    """Outside the language sections (the site root), the site's default."""
    portal = intranet_integration["portal"]
    with api.env.adopt_roles(["Manager"]):
        programme = api.content.create(
            container=portal, type="nr_programme", title="Racine"
        )
    assert seeded_titles(programme) == expected_titles("fr")
    assert not programme.language


def test_readiness_of_both_programmes(intranet_integration):
    portal = intranet_integration["portal"]
    for language in ("fr", "en"):
        programme = programme_in(portal, language)
        add_evidence(programme["1"]["1.1"]["1.1.1"])
        report = readiness(programme)
        assert len(report.criteria) == 47
        assert report.total.applicable == 47
        assert report.total.covered == 0
        titles = {c.code: c.title for c in report.criteria}
        assert titles["1.1.1"] == expected_titles(language)["1.1.1"]


def test_the_nr_types_are_not_translatable(intranet_integration):
    """PAM made every type of the intranet translatable; the NR types are not."""
    types = api.portal.get_tool("portal_types")
    assert "plone.translatable" in types["Document"].behaviors
    for name in NR_TYPES:
        assert "plone.translatable" not in types[name].behaviors, name


# -- Over HTTP (functional) ----------------------------------------------------


@pytest.fixture
def site(intranet_functional):
    """Both programmes, with evidence in /en, committed for the test server."""
    portal = intranet_functional["portal"]
    programmes = {lang: programme_in(portal, lang) for lang in ("fr", "en")}
    evidence = add_evidence(programmes["en"]["1"]["1.1"]["1.1.1"], title="Charter")
    transaction.commit()
    return {"portal": portal, "programmes": programmes, "evidence": evidence}


def get(url, user="manager", **kwargs):
    kwargs.setdefault("timeout", 60)
    return requests.get(url, auth=(user, PASSWORD), **kwargs)


def refused(response, language="en"):
    """The refusal: a redirect to the item, shown with the reason."""
    assert response.status_code == 200, response.status_code
    assert response.history and response.history[0].status_code == 302
    assert REFUSED[language] in response.text


def test_translate_into_is_refused_on_nr_content(site):
    portal = site["portal"]
    programme = site["programmes"]["en"]
    items = (programme, programme["1"]["1.1"]["1.1.1"], site["evidence"])
    for item in items:
        page = get(item.absolute_url())
        assert page.status_code == 200
        assert "plone-contentmenu-multilingual" not in page.text
        answer = get(
            item.absolute_url() + "/@@create_translation",
            params={"language": "fr"},
            headers={"Accept-Language": "en"},
        )
        refused(answer)
        assert answer.url == item.absolute_url()
    before = len(nr_items_under(portal, "fr"))
    answer = get(
        f"{portal['fr'].absolute_url()}/++addtranslation++{items[1].UID()}",
        headers={"Accept-Language": "en"},
    )
    # Back in /fr, whose pages are in French (PAM's content negotiation).
    refused(answer, "fr")
    assert answer.url == portal["fr"].absolute_url()
    transaction.begin()
    assert len(nr_items_under(portal, "fr")) == before


def test_translation_refused_when_an_integrator_made_nr_types_translatable(site):
    """PAM's install step (run again after the add-on's) adds plone.translatable
    to every type: the menu then shows, and translating is still refused."""
    portal = site["portal"]
    enable_translatable_behavior(portal)
    transaction.commit()
    programme = programme_in(portal, "en", title="Programme translatable")
    transaction.commit()
    assert seeded_titles(programme) == expected_titles("en")
    criterion = programme["1"]["1.1"]["1.1.1"]
    page = get(criterion.absolute_url())
    assert page.status_code == 200
    assert "plone-contentmenu-multilingual" in page.text
    before = len(nr_items_under(portal, "fr"))
    for item in (programme, criterion):
        answer = get(
            item.absolute_url() + "/@@create_translation",
            params={"language": "fr"},
            headers={"Accept-Language": "en"},
        )
        refused(answer)
    transaction.begin()
    assert len(nr_items_under(portal, "fr")) == before
    # Other content is still translated by PAM.
    page = portal["fr"]["politiques"]["politique-nr"]
    answer = get(
        page.absolute_url() + "/@@create_translation",
        params={"language": "en"},
        allow_redirects=False,
    )
    assert answer.status_code == 302
    assert "++addtranslation++" in answer.headers["Location"]
    # Reinstalling or upgrading the add-on sets the NR types' behaviours again:
    # plone.translatable goes, the content made meanwhile keeps working.
    setup = api.portal.get_tool("portal_setup")
    setup.runImportStepFromProfile("profile-collective.nrlabel:default", "typeinfo")
    transaction.commit()
    types = api.portal.get_tool("portal_types")
    assert "plone.translatable" not in types["nr_criterion"].behaviors
    assert "plone.translatable" in types["Document"].behaviors
    page = get(criterion.absolute_url())
    assert page.status_code == 200
    assert "plone-contentmenu-multilingual" not in page.text
    answer = get(
        criterion.absolute_url() + "/@@create_translation",
        params={"language": "fr"},
        headers={"Accept-Language": "en"},
    )
    refused(answer)


def test_the_refusal_is_in_french_for_french_users(site):
    criterion = site["programmes"]["fr"]["1"]["1.1"]["1.1.1"]
    answer = get(
        criterion.absolute_url() + "/@@create_translation",
        params={"language": "en"},
        headers={"Accept-Language": "fr"},
    )
    refused(answer, "fr")


def test_add_form_in_en_seeds_english(site):
    portal = site["portal"]
    session = requests.Session()
    session.auth = ("manager", PASSWORD)
    add_url = portal["en"].absolute_url() + "/++add++nr_programme"
    form = session.get(add_url, timeout=60)
    assert form.status_code == 200
    token = re.search(r'data-token="([^"]+)"', form.text).group(1)
    answer = session.post(
        add_url,
        data={
            "_authenticator": token,
            "form.widgets.IBasic.title": "Form programme",
            "form.widgets.referential:list": DEFAULT_REFERENTIAL,
            "form.buttons.save": "Save",
        },
        timeout=60,
    )
    assert answer.status_code == 200
    transaction.begin()
    programme = portal["en"]["form-programme"]
    assert seeded_titles(programme) == expected_titles("en")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_rest_api_creation_seeds_the_sections_language(site, language):
    portal = site["portal"]
    answer = requests.post(
        portal[language].absolute_url(),
        json={"@type": "nr_programme", "title": f"REST {language}"},
        headers={"Accept": "application/json"},
        auth=("manager", PASSWORD),
        timeout=60,
    )
    assert answer.status_code == 201, answer.text
    transaction.begin()
    programme = portal[language][f"rest-{language}"]
    assert seeded_titles(programme) == expected_titles(language)
    tree = get(
        programme.absolute_url() + "/1/1.1",
        headers={"Accept": "application/json"},
    ).json()
    assert tree["title"] == expected_titles(language)["1.1"]


def test_both_programmes_work_over_http(site):
    for language, programme in site["programmes"].items():
        url = programme.absolute_url()
        answer = get(url + "/@nr-readiness", headers={"Accept": "application/json"})
        assert answer.status_code == 200, answer.text
        data = answer.json()
        assert data["readiness"] == {"applicable": 47, "covered": 0, "percent": 0}
        assert len(data["criteria"]) == 47
        page = get(url + "/@@nr-dashboard", user="lead")
        assert page.status_code == 200
        assert expected_titles(language)["1"] in page.text
        # The way to the start page, from inside either section.
        page = get(url, user="lead")
        assert page.status_code == 200
        assert site["portal"].absolute_url() + "/@@nr-home" in page.text
    home = get(site["portal"].absolute_url() + "/@@nr-home", user="lead")
    assert home.status_code == 200
    for programme in site["programmes"].values():
        assert programme.absolute_url() in home.text


def test_existing_programme_in_en_gets_english_texts(intranet_integration):
    """A programme added in /en before this version was seeded in French: the
    upgrade gives its untouched items the English texts, edited ones stay."""
    portal = intranet_integration["portal"]
    programme = programme_in(portal, "en")
    referential = get_referential(DEFAULT_REFERENTIAL)
    programme.language = ""
    for node in referential.nodes:
        item = criterion_by_code(programme, node.code)
        item.title = node.text("title", "fr")
        if node.level == "criterion":
            item.guidance = node.text("guidance", "fr")
        item.reindexObject()
    programme["1"]["1.1"]["1.1.2"].title = "Notre organisation NR"
    programme["1"]["1.1"]["1.1.2"].reindexObject()
    criterion = programme["1"]["1.1"]["1.1.1"]
    uid = criterion.UID()

    changed = retitle_programmes_in_their_language()

    assert changed == 66  # 1.1.2 too: its guidance was untouched
    titles = seeded_titles(programme)
    assert titles.pop("1.1.2") == "Notre organisation NR"
    english = expected_titles("en")
    english.pop("1.1.2")
    assert titles == english
    assert criterion.guidance.startswith("Signed management commitment")
    assert criterion.UID() == uid
    assert programme.language == "en"
    assert retitle_programmes_in_their_language() == 0
