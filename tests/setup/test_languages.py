"""French and English: the language a user gets, and every add-on page in it.

Each page of the add-on is rendered over HTTP in French and in English (the user's
language preference; the site's default stays French) and must show no string of
the other language from a known list and no raw msgid. Adding a page is one line
in ``PAGES`` (tests/addon_pages.py).
"""

from addon_pages import build_content
from addon_pages import page_url
from addon_pages import PAGES
from collective.nrlabel.languages import offer_languages
from nr_setup import evidence_in_state
from nr_setup import PASSWORD
from pathlib import Path
from plone import api

import csv
import html
import io
import lxml.html
import pytest
import re
import requests
import transaction


LOCALES = Path(__file__).resolve().parents[2] / "src/collective/nrlabel/locales"

# Words of the other language that must not appear (whole words, case-sensitive).
FOREIGN = {
    "fr": (
        "Draft",
        "Rejected",
        "Approved",
        "Current",
        "Planned",
        "In progress",
        "Completed",
        "Cancelled",
        "Action plan",
        "Pending review",
        "Awaiting review",
        "Preparation",
        "Audit in progress",
        "Labelling committee",
        "Evidence",
        "Criterion",
        "Criteria",
        "Submit",
        "Approve",
        "Reject",
        "Give up",
        "Mark done",
        "Save",
        "Maturity",
        "Owner",
        "Self-assessment",
        "Dashboard",
        "Readiness",
        "Expires",
        "Valid until",
        "Not applicable",
    ),
    "en": (
        "Brouillon",
        "Refusée",
        "Rejetée",
        "Approuvée",
        "En vigueur",
        "Prévue",
        "En cours",
        "Réalisée",
        "Abandonnée",
        "Plan d'action",
        "En attente de relecture",
        "En attente de modération",
        "Préparation",
        "Comité de labellisation",
        "Preuve",
        "Preuves",
        "Critère",
        "Critères",
        "Soumettre",
        "Approuver",
        "Rejeter",
        "Enregistrer",
        "Annuler",
        "Maturité",
        "Applicabilité",
        "Tableau de bord",
        "Auto-évaluation",
        "Valide jusqu'au",
        "Non applicable",
    ),
}

# A raw msgid of the add-on on a page: a prefix the catalogue uses, "_", words.
MSGID = re.compile(
    r"\b(?:about|audit|auditor|badge|button|caption|chart|column|criteria|dashboard"
    r"|description|error|evidence|fieldset|finding|heading|help|history|import"
    r"|kind|kpi|label|light|link|mail|maturity|message|no|origin|priority|refusal"
    r"|reminder|reminders|renewal|score|step|text|title|waiting)_[a-z0-9_]+\b"
)
# Words that look like msgids and are not: the import format's column names.
NOT_MSGIDS = {"title_fr", "title_en", "guidance_fr", "guidance_en", "parent_code"}
# Dates as a machine writes them, and two-digit years ("10/01/26").
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
SHORT_YEAR = re.compile(r"\b\d{1,2}[/.]\d{1,2}[/.]\d{2}\b(?![/.]?\d)")


# (name, user, path relative to the programme or "/" for the site root).
# ``{draft}`` etc. are filled from ``Content``; a line per page.
def visible_text(page):
    """What a person reads: text outside scripts and styles, and the attributes
    browsers show (tooltips, placeholders, button values, accessible names)."""
    tree = lxml.html.fromstring(page)
    for node in tree.xpath("//script|//style|//template|//noscript"):
        node.drop_tree()
    parts = [tree.text_content()]
    for attribute in ("title", "placeholder", "aria-label", "alt"):
        parts += tree.xpath(f"//@{attribute}")
    parts += tree.xpath("//input[@type='submit' or @type='button']/@value")
    return html.unescape(re.sub(r"\s+", " ", " ".join(parts)))


def problems_of(text, language):
    found = [
        f"{language!r} page shows {word!r}"
        for word in FOREIGN[language]
        if re.search(rf"(?<![\w'’-]){re.escape(word)}(?![\w'’-])", text)
    ]
    found += [
        f"raw msgid {m.group(0)!r}"
        for m in MSGID.finditer(text)
        if m.group(0) not in NOT_MSGIDS
    ]
    found += [f"ISO date {m.group(0)!r}" for m in ISO_DATE.finditer(text)]
    found += [f"two-digit year {m.group(0)!r}" for m in SHORT_YEAR.finditer(text)]
    return found


def excerpt(text, problem):
    word = problem.split("'")[-2] if "'" in problem else ""
    at = text.find(word)
    return text[max(0, at - 60) : at + 60] if at >= 0 else ""


@pytest.fixture
def language_content(functional_portal, request):
    language = request.param
    programme, content = build_content(functional_portal, language)
    transaction.commit()
    return language, programme, content


@pytest.mark.parametrize("language_content", ["fr", "en"], indirect=True)
def test_every_page_in_the_users_language(language_content):
    language, programme, content = language_content
    report = []
    for name, user_id, path in PAGES:
        url = page_url(programme, path, content)
        response = requests.get(url, auth=(user_id, PASSWORD), timeout=60)
        if response.status_code == 404 and name == "home":
            continue  # @@nr-home comes with the start page
        if response.status_code != 200:
            report.append(f"{name}: HTTP {response.status_code} ({url})")
            continue
        text = visible_text(response.text)
        for problem in problems_of(text, language):
            report.append(f"{name}: {problem} … {excerpt(text, problem)} …")
    assert not report, "\n".join(report)


# -- which language: offered languages, the user's preference, the browser -------


def test_install_offers_french_and_english(portal):
    assert {"fr", "en"} <= set(
        api.portal.get_registry_record("plone.available_languages")
    )
    assert api.portal.get_registry_record("plone.use_request_negotiation") is True


def test_offer_languages_keeps_the_integrators_choices(portal):
    api.portal.set_registry_record("plone.available_languages", ["de"])
    api.portal.set_registry_record("plone.use_request_negotiation", False)
    api.portal.set_registry_record("plone.use_cookie_negotiation", True)
    offer_languages()
    assert api.portal.get_registry_record("plone.available_languages") == [
        "de",
        "fr",
        "en",
    ]
    # The site negotiates already (cookie): the add-on adds no scheme.
    assert api.portal.get_registry_record("plone.use_request_negotiation") is False


def html_language(url, user_id=None, accept=None, preference=None):
    if user_id and preference is not None:
        api.user.get(userid=user_id).setMemberProperties({"language": preference})
        transaction.commit()
    headers = {"Accept-Language": accept} if accept else {}
    auth = (user_id, PASSWORD) if user_id else None
    page = requests.get(url, auth=auth, headers=headers, timeout=60).text
    return re.search(r'<html[^>]*\blang="([^"]+)"', page).group(1)


@pytest.mark.parametrize(
    "preference, accept, expected",
    [
        ("en", "fr-FR,fr;q=0.9", "en"),  # the preference wins over the browser
        ("fr", "en-US,en;q=0.9", "fr"),
        ("en-gb", None, "en"),  # a variant the site does not offer: its base
        ("", "en-US,en;q=0.9", "en"),  # no preference: the browser
        ("", None, "fr"),  # nothing: the site's default
        ("de", "en", "en"),  # a language the site does not offer: ignored
    ],
)
def test_language_follows_the_preference_then_the_browser(
    functional_programme, preference, accept, expected
):
    url = functional_programme.absolute_url()
    assert html_language(url, "reader", accept, preference) == expected


def test_anonymous_visitors_get_their_browsers_language(functional_portal):
    transaction.commit()
    url = functional_portal.absolute_url() + "/login"
    assert html_language(url, accept="en-US,en;q=0.9") == "en"
    assert html_language(url, accept="fr-FR") == "fr"


def test_language_cookie_of_the_selector_still_wins(functional_programme):
    api.portal.set_registry_record("plone.use_cookie_negotiation", True)
    api.user.get(userid="reader").setMemberProperties({"language": "en"})
    transaction.commit()
    page = requests.get(
        functional_programme.absolute_url(),
        auth=("reader", PASSWORD),
        cookies={"I18N_LANGUAGE": "fr"},
        timeout=60,
    ).text
    assert '<html lang="fr"' in page or 'lang="fr"' in page.split(">", 2)[1]


# -- one name per state and transition, in both languages ------------------------


def workflow_titles():
    """Every state's and transition's title, and the transitions' descriptions
    (the state menu's tooltips), of the add-on's workflows."""
    from lxml import etree

    folder = LOCALES.parent / "profiles/default/workflows"
    titles = set()
    for definition in folder.glob("*/definition.xml"):
        root = etree.parse(str(definition)).getroot()
        titles.add(root.get("title"))
        for node in root.findall("state") + root.findall("transition"):
            titles.add(node.get("title"))
            description = (node.findtext("description") or "").strip()
            if description:
                titles.add(description)
    return sorted(titles)


def test_workflow_titles_have_one_name_in_each_language(portal):
    from zope.i18n import translate

    wrong = []
    for title in workflow_titles():
        french = translate(title, domain="plone", target_language="fr")
        english = translate(title, domain="plone", target_language="en")
        addon = translate(title, domain="collective.nrlabel", target_language="fr")
        if french == title and title not in ("SHA-256",):
            wrong.append(f"{title!r} has no French name in Plone's domain")
        if english != title:
            wrong.append(f"{title!r} is {english!r} in English")
        if addon != title and addon != french:
            wrong.append(f"{title!r}: {french!r} in the toolbar, {addon!r} in pages")
    assert not wrong, "\n".join(wrong)
    assert (
        translate("Awaiting review", domain="plone", target_language="fr")
        == "En attente de relecture"
    )


def test_evidence_state_has_one_name_on_its_page(functional_criterion):
    evidence = evidence_in_state(functional_criterion, "pending")
    transaction.commit()
    page = requests.get(
        evidence.absolute_url(), auth=("lead", PASSWORD), timeout=60
    ).text
    text = visible_text(page)
    assert "En attente de modération" not in text
    # The toolbar's state menu and the page's badge.
    assert text.count("En attente de relecture") >= 2


# -- mockup's widgets, the browser's own checks ----------------------------------


def test_widgets_of_the_criteria_picker_are_translated(functional_portal):
    transaction.commit()
    base = functional_portal.absolute_url() + "/@@plonejsi18n?domain=widgets"
    french = requests.get(base + "&language=fr", timeout=60).json()
    english = requests.get(base + "&language=en", timeout=60).json()
    assert french["${current} of ${total} selected"] == (
        "${current} sur ${total} sélectionné(s)"
    )
    assert french["select ${preview_path}"] == "sélectionner ${preview_path}"
    assert french["created"] == "créé le"
    assert english["review_state"] == "state"
    # Plone's own translations are kept.
    assert french["Select"] == "Sélectionner"


def test_forms_are_checked_by_the_server_in_the_users_language(
    functional_programme,
):
    page = requests.get(
        functional_programme.absolute_url() + "/++add++nr_audit",
        auth=("lead", PASSWORD),
        timeout=60,
    ).text
    assert "++resource++collective.nrlabel/nrlabel-forms.js" in page
    script = requests.get(
        api.portal.get().absolute_url()
        + "/++resource++collective.nrlabel/nrlabel-forms.js",
        timeout=60,
    )
    assert script.status_code == 200 and "noValidate = true" in script.text
    for language, message in (("fr", "Champ obligatoire"), ("en", "Required input")):
        api.user.get(userid="lead").setMemberProperties({"language": language})
        transaction.commit()
        response = requests.post(
            functional_programme.absolute_url() + "/++add++nr_audit",
            auth=("lead", PASSWORD),
            data={"form.buttons.save": "Save"},
            timeout=60,
        )
        assert message in visible_text(response.text), language


# -- exports and the maturity scale ---------------------------------------------


@pytest.mark.parametrize(
    "language, header, yes",
    [
        ("fr", ["Code", "Thématique", "Principe", "Critère", "Applicable"], "oui"),
        ("en", ["Code", "Theme", "Principle", "Criterion", "Applicable"], "yes"),
    ],
)
def test_matrix_export_in_the_users_language(
    functional_programme, language, header, yes
):
    api.user.get(userid="lead").setMemberProperties({"language": language})
    transaction.commit()
    response = requests.get(
        functional_programme.absolute_url() + "/@@nr-matrix.csv",
        auth=("lead", PASSWORD),
        timeout=60,
    )
    # ";" separates the cells for French users (their Excel splits on it).
    delimiter = ";" if language == "fr" else ","
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    assert rows[0][:5] == header
    assert rows[1][4] == yes
    text = " ".join(" ".join(row) for row in rows)
    assert not problems_of(text, language)


def test_default_maturity_scale_follows_the_language_a_typed_one_does_not(portal):
    from collective.nrlabel.settings import maturity_levels

    assert maturity_levels("en")[0] == "Not engaged"
    assert maturity_levels("fr")[3] == "Maîtrisé"
    api.portal.set_registry_record(
        "collective.nrlabel.maturity_levels", ["Absent", "Partiel", "Complet"]
    )
    assert maturity_levels("en") == ["Absent", "Partiel", "Complet"]
