"""The readiness dashboard as the lead reads it, over HTTP: KPI cards that lead to
the list behind them in proper singular and plural, the predicted level in words,
the criteria matrix filtered by light, theme and owner (hostile values refused
with a 400, never echoed unescaped), explained columns, and charts whose full
labels are page text and whose SVG text stays readable on a 390 px phone."""

from collective.nrlabel.action_plan import plan_action
from collective.nrlabel.browser.charts import MIN_TEXT_PX
from collective.nrlabel.browser.charts import PHONE_CHART_PX
from collective.nrlabel.content.action_plan import ACTION_PLAN_ID
from collective.nrlabel.programme_tree import referential_tree
from datetime import date
from nr_setup import add_audit
from nr_setup import assess
from nr_setup import criterion_at
from nr_setup import evidence_in_state
from nr_setup import PASSWORD
from plone import api

import html
import lxml.html
import pytest
import re
import requests
import transaction


TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def today(clock):
    clock(TODAY)


@pytest.fixture
def dashboard_programme(functional_programme):
    """1.1.1 green (2 approved, 1 pending; owner editor; maturity 3) · 1.1.2 amber
    (pending) · 1.2.1 amber (approved, expires 06-20, before the audit's end) ·
    1.3.4 not applicable · 2.1.1 red (owner reviewer) · every other criterion red.
    One overdue action; the next audit ends 06-30."""
    programme = functional_programme
    c = lambda code: criterion_at(programme, code)  # noqa: E731
    evidence_in_state(c("1.1.1"), "approved", title="Charte")
    evidence_in_state(c("1.1.1"), "approved", title="Charte signée")
    evidence_in_state(c("1.1.1"), "pending", title="Charte annexe")
    evidence_in_state(c("1.1.2"), "pending", title="Organigramme")
    evidence_in_state(
        c("1.2.1"), "approved", title="Plan", valid_until=date(2026, 6, 20)
    )
    assess(programme, "1.3.4", None, applicable=False, justification="Pas une ESN.")
    assess(programme, "1.1.1", 3)
    for code, owner in (("1.1.1", "editor"), ("2.1.1", "reviewer")):
        c(code).owner = owner
        c(code).reindexObject()
    plan_action(c("1.1.1"), "Signer la charte", due_date=date(2026, 6, 1))
    add_audit(programme, date(2026, 6, 1), date(2026, 6, 30))
    transaction.commit()
    return programme


def get(url, user="lead", **params):
    return requests.get(url, auth=(user, PASSWORD), params=params, timeout=60)


def set_language(language, user="lead"):
    api.user.get(userid=user).setMemberProperties({"language": language})
    transaction.commit()


def page(programme, **params):
    response = get(f"{programme.absolute_url()}/@@nr-dashboard", **params)
    return response, lxml.html.fromstring(response.text)


def text_of(node):
    return re.sub(r"\s+", " ", node.text_content()).strip()


def cards(tree):
    return [
        (text_of(card), card.xpath(".//a/@href"))
        for card in tree.xpath("//li[contains(@class, 'nr-kpi-card')]")
    ]


def matrix_codes(tree):
    return [
        text_of(row.xpath(".//span[@class='nr-code']")[0])
        for row in tree.xpath("//table[@id='nr-matrix']/tbody/tr")
    ]


# -- KPI cards -----------------------------------------------------------------


def test_every_kpi_card_links_to_the_list_behind_it(dashboard_programme):
    url = dashboard_programme.absolute_url()
    response, tree = page(dashboard_programme)
    assert response.status_code == 200
    found = cards(tree)
    assert len(found) == 5
    linked = {href: text for text, hrefs in found for href in hrefs}
    uncovered = linked[f"{url}/@@nr-dashboard?light=red#nr-matrix"]
    assert "sans preuve" in uncovered
    assert "en attente de relecture" in linked[f"{url}/@@nr-review-queue"]
    assert "en retard" in linked[f"{url}/{ACTION_PLAN_ID}?show=overdue"]
    assert "expire" in linked[f"{url}/@@nr-expiring-evidence"]
    # The uncovered card counts what its link lists (the red criteria).
    _r, red = page(dashboard_programme, light="red")
    assert f"{len(matrix_codes(red))} critères sans preuve" in uncovered
    # Sentence-case labels, and words on every card, not only a number.
    assert "Critères couverts" in found[0][0]
    assert "1 sur 46 critères applicables" in found[0][0]
    for text, _hrefs in found:
        assert re.search(r"[a-zé]{4,}", text), text


def test_plural_and_singular_in_french_and_english(dashboard_programme):
    _r, tree = page(dashboard_programme)
    texts = " | ".join(text for text, _h in cards(tree))
    assert "1 action en retard" in texts
    assert "2 preuves en attente de relecture" in texts
    assert "1 preuve expire avant la fin de l'audit" in texts
    assert "actions en retard" not in texts

    plan_action(
        criterion_at(dashboard_programme, "2.1.1"), "Former", due_date=date(2026, 6, 2)
    )
    transaction.commit()
    _r, tree = page(dashboard_programme)
    texts = " | ".join(text for text, _h in cards(tree))
    assert "2 actions en retard" in texts

    set_language("en")
    _r, tree = page(dashboard_programme)
    texts = " | ".join(text for text, _h in cards(tree))
    assert "2 overdue actions" in texts
    assert "2 evidence items awaiting review" in texts
    assert "1 evidence item expires before the audit ends" in texts
    assert "Criteria covered" in texts
    # Back to one overdue action: singular in English too.
    api.content.transition(
        obj=api.content.find(portal_type="nr_action", Title="Former")[0].getObject(),
        to_state="cancelled",
    )
    transaction.commit()
    _r, tree = page(dashboard_programme)
    texts = " | ".join(text for text, _h in cards(tree))
    assert "1 overdue action " in texts + " " and "1 overdue actions" not in texts


def test_the_score_card_says_the_level_in_words(dashboard_programme):
    _r, tree = page(dashboard_programme)
    score_card = cards(tree)[1][0]
    assert "Score estimé" in score_card
    assert "Sous le niveau 1" in score_card
    assert "niveau prévu 0" not in score_card
    set_language("en")
    _r, tree = page(dashboard_programme)
    assert "Below level 1" in cards(tree)[1][0]


# -- the criteria matrix ---------------------------------------------------------


def test_filter_by_light_shows_only_those_rows_and_their_count(dashboard_programme):
    _r, tree = page(dashboard_programme)
    everything = matrix_codes(tree)
    assert len(everything) == 47
    response, tree = page(dashboard_programme, light="amber")
    assert response.status_code == 200
    assert matrix_codes(tree) == ["1.1.2", "1.2.1"]
    rows = tree.xpath("//table[@id='nr-matrix']/tbody/tr")
    assert {row.get("class") for row in rows} == {"nr-light-amber"}
    assert "2 critères sur 47 affichés." in text_of(
        tree.xpath("//table[@id='nr-matrix']/caption")[0]
    )
    # The form shows the filter chosen, and offers to clear it.
    assert tree.xpath("//select[@name='light']/option[@selected]/@value") == ["amber"]
    assert tree.xpath("//form[contains(@class,'nr-matrix-filters')]//a[@href]")

    _r, tree = page(dashboard_programme, light="red")
    red = matrix_codes(tree)
    assert "1.1.1" not in red and "2.1.1" in red and "1.3.4" not in red
    assert len(red) == 47 - 1 - 2 - 1
    _r, tree = page(dashboard_programme, light="green")
    assert matrix_codes(tree) == ["1.1.1"]
    caption = text_of(tree.xpath("//table[@id='nr-matrix']/caption")[0])
    assert caption == "1 critère sur 47 affiché."


def test_filter_by_theme_and_by_owner(dashboard_programme):
    _r, tree = page(dashboard_programme, theme="2")
    codes = matrix_codes(tree)
    assert codes and all(code.startswith("2.") for code in codes)
    _r, tree = page(dashboard_programme, owner="editor")
    assert matrix_codes(tree) == ["1.1.1"]
    _r, tree = page(dashboard_programme, owner="reviewer", theme="1")
    assert matrix_codes(tree) == []
    assert "Aucun critère ne correspond à ces filtres." in text_of(tree)
    # An owner by full name, in the matrix and in the filter's choices.
    _r, tree = page(dashboard_programme, owner="reviewer")
    [row] = tree.xpath("//table[@id='nr-matrix']/tbody/tr")
    assert "Reviewer" in text_of(row)
    assert "Reviewer" in tree.xpath("//select[@name='owner']/option/text()")


def test_the_matrix_explains_its_columns(dashboard_programme):
    _r, tree = page(dashboard_programme, theme="1")
    row = next(
        r
        for r in tree.xpath("//table[@id='nr-matrix']/tbody/tr")
        if "1.1.1" in text_of(r)
    )
    assert "2 approuvées, 1 en attente de relecture" in text_of(row)
    assert "3 — Maîtrisé" in text_of(row)
    assert "Editor" in text_of(row)
    legend = text_of(tree.xpath("//dl[contains(@class, 'nr-matrix-legend')]")[0])
    for words in ("Couvert :", "À surveiller :", "Sans preuve :", "Non applicable :"):
        assert words in legend
    for level in ("0 Non engagé", "1 Initié", "2 Déployé", "3 Maîtrisé"):
        assert level in legend
    assert "30/06/2026" in legend
    # Cells carry their column's name for the phone layout.
    assert row.xpath("./td[@data-label='Maturité']")

    set_language("en")
    _r, tree = page(dashboard_programme, theme="1")
    text = text_of(tree)
    assert "2 approved, 1 awaiting review" in text
    assert "Not assessed" in text


@pytest.mark.parametrize(
    "params",
    [
        {"light": "<script>alert(1)</script>"},
        {"theme": "../../"},
        {"theme": "9"},
        {"owner": '"><img src=x onerror=alert(1)>'},
        {"light": ["red", "green"]},
    ],
)
def test_hostile_filters_are_refused_with_a_clear_message(dashboard_programme, params):
    response, tree = page(dashboard_programme, **params)
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in response.text
    assert "<img src=x" not in response.text
    alert = text_of(tree.xpath("//div[contains(@class, 'alert-danger')]")[0])
    assert "La matrice des critères n'a pas de filtre" in alert
    assert matrix_codes(tree) == []
    # The rest of the dashboard still shows, and a link leads back to everything.
    assert len(cards(tree)) == 5
    assert tree.xpath("//div[contains(@class,'alert-danger')]//a/@href")


# -- links for the lead ------------------------------------------------------------


def test_links_to_the_grid_and_the_activity_log(dashboard_programme):
    url = dashboard_programme.absolute_url()
    _r, tree = page(dashboard_programme)
    hrefs = tree.xpath("//p[contains(@class,'nr-exports')]//a/@href")
    assert f"{url}/@@nr-activity" in hrefs
    may_grid = True
    try:
        with api.env.adopt_user(username="lead"):
            may_grid = api.user.has_permission(
                "collective.nrlabel: Self-assess", obj=dashboard_programme
            )
    except Exception:  # not declared yet on this site
        may_grid = False
    assert (f"{url}/@@nr-self-assessment" in hrefs) is may_grid
    # A reviewer sees the dashboard but may not self-assess.
    _r, tree = page_as(dashboard_programme, "reviewer")
    assert f"{url}/@@nr-self-assessment" not in tree.xpath("//a/@href")


def page_as(programme, user):
    response = get(f"{programme.absolute_url()}/@@nr-dashboard", user=user)
    assert response.status_code == 200
    return response, lxml.html.fromstring(response.text)


# -- charts ------------------------------------------------------------------------


def titles_by_code(programme):
    titles, stack = {}, list(referential_tree(programme))
    while stack:
        node = stack.pop()
        if node.portal_type != "nr_criterion":
            titles[node.code] = node.title
            stack.extend(node.children)
    return titles


def test_charts_show_every_full_title(dashboard_programme):
    _r, tree = page(dashboard_programme)
    titles = titles_by_code(dashboard_programme)
    assert any(len(title) > 40 for title in titles.values())

    def labels(chart):
        return [
            text_of(n)
            for n in tree.xpath(f"//*[@id='{chart}']//*[@class='nr-bar-label']")
        ]

    themes = {code: t for code, t in titles.items() if "." not in code}
    principles = {code: t for code, t in titles.items() if "." in code}
    assert sorted(labels("nr-theme-bars")) == sorted(
        f"{c} {t}" for c, t in themes.items()
    )
    assert sorted(labels("nr-principle-bars")) == sorted(
        f"{c} {t}" for c, t in principles.items()
    )
    legend = [text_of(li) for li in tree.xpath("//ul[@class='nr-radar-legend']/li")]
    for code, title in themes.items():
        assert any(item.startswith(f"{code} {title} ") for item in legend), title
    assert "…" not in text_of(
        tree.xpath("//section[@aria-labelledby='nr-charts-title']")[0]
    )


def test_radar_text_is_at_least_12_px_on_a_phone(dashboard_programme):
    response, _tree = page(dashboard_programme)
    # The add-on's charts (Plone's icons are SVG too).
    svgs = re.findall(r'<svg\b[^>]*\bid="nr-.*?</svg>', response.text, re.S)
    assert svgs
    for svg in svgs:
        view_box = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg, re.I)
        width = float(view_box.group(1))
        # The SVG takes its column's width: on a phone, text renders at
        # font-size × column / view box width.
        sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)]
        assert sizes and "<text" in svg
        assert min(sizes) * PHONE_CHART_PX / width >= MIN_TEXT_PX == 12
        assert svg.count("<text") == len(sizes)
        # Accessible name and description, with the full theme names.
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    radar = next(svg for svg in svgs if "nr-maturity-radar" in svg)
    desc = html.unescape(re.search(r"<desc[^>]*>(.*?)</desc>", radar, re.S).group(1))
    for code, title in titles_by_code(dashboard_programme).items():
        if "." not in code:
            assert title in desc
