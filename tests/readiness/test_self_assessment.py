"""The self-assessment grid (@@nr-self-assessment), over HTTP as the lead: 47
criteria in one page load and one save, row-level errors that save nothing, the
owners it offers, who may use it, and the referential text the lead cannot
change by accident."""

from collective.nrlabel.content.criterion import ICriterion
from collective.nrlabel.vocabularies.people import programme_people_vocabulary
from datetime import date
from nr_setup import add_audit
from nr_setup import criterion_at
from nr_setup import PASSWORD
from nr_setup import session
from nr_setup import token_of
from plone import api

import lxml.html
import pytest
import transaction


FIELDS = ("applicability", "justification", "maturity", "owner", "target_date")


@pytest.fixture
def people(functional_programme):
    """Colleagues with a site-wide role and no role on the programme."""
    with api.env.adopt_roles(["Manager"]):
        for user_id, role in (("site-editor", "Editor"), ("site-reader", "Reader")):
            api.user.create(
                username=user_id,
                email=f"{user_id}@example.org",
                password=PASSWORD,
                properties={"fullname": user_id.title()},
            )
            api.user.grant_roles(username=user_id, roles=[role])
    transaction.commit()
    return functional_programme


def grid_url(programme):
    return f"{programme.absolute_url()}/@@nr-self-assessment"


def counted_session(user_id, counter):
    """A session that counts the requests it sends."""
    s = session(user_id)
    s.hooks["response"].append(lambda response, *a, **k: counter.append(response))
    return s


def the_form(html, xpath="//form[contains(@class, 'nr-sa-form')]"):
    return lxml.html.fromstring(html).xpath(xpath)[0]


def control_names(form):
    """The names of every control the form shows (empty ones included)."""
    return set(form.xpath(".//input/@name | .//select/@name | .//textarea/@name"))


def refused(response):
    """Unauthorized: 401/403, or Plone's redirect to its log-in page."""
    return response.status_code in (401, 403) or (
        response.status_code == 302
        and "require_login" in response.headers.get("Location", "")
    )


def form_rows(form):
    """{uid: {field: value}} as the page shows them, and the CSRF token."""
    values = dict(form.form_values())
    uids = [v for k, v in form.form_values() if k == "uids:list"]
    rows = {uid: {f: values.get(f"{f}-{uid}", "") for f in FIELDS} for uid in uids}
    return rows, values["_authenticator"]


def payload(rows, token):
    data = [("_authenticator", token)] if token else []
    for uid, row in rows.items():
        data.append(("uids:list", uid))
        data.extend((f"{name}-{uid}", value) for name, value in row.items())
    return data


def snapshot(programme):
    """Every criterion's self-assessment as the database now holds it."""
    transaction.begin()
    brains = api.content.find(
        portal_type="nr_criterion", path="/".join(programme.getPhysicalPath())
    )
    return {
        brain.nr_code: tuple(getattr(brain.getObject(), f) for f in FIELDS)
        for brain in brains
    }


def uid_of(programme, code):
    return criterion_at(programme, code).UID()


def readiness_of(programme):
    response = session("lead").get(
        f"{programme.absolute_url()}/@nr-readiness",
        headers={"Accept": "application/json"},
        timeout=60,
    )
    return response.json()


def test_the_grid_lists_every_criterion_by_theme_and_principle(functional_programme):
    response = session("lead").get(grid_url(functional_programme), timeout=60)
    assert response.status_code == 200
    page = lxml.html.fromstring(response.text)
    tables = page.xpath("//table[contains(@class, 'nr-sa-table')]")
    assert len(tables) == 5
    assert [t.xpath("string(caption)").split()[0] for t in tables] == list("12345")
    assert len(page.xpath("//tr[contains(@class, 'nr-sa-principle')]")) == 14
    rows = page.xpath("//tr[contains(@class, 'nr-sa-row')]")
    assert len(rows) == 47
    assert rows[0].get("id") == "criterion-1-1-1"
    assert page.xpath("//tr[@id='criterion-1-1-3']")
    # Every control has a label naming its criterion (French: the lead's language).
    uid = uid_of(functional_programme, "1.1.3")
    for name, label in (
        ("applicability", "Applicabilité de 1.1.3"),
        ("justification", "Pourquoi 1.1.3 ne s'applique pas"),
        ("maturity", "Maturité de 1.1.3"),
        ("owner", "Responsable de 1.1.3"),
        ("target_date", "Date cible de 1.1.3"),
    ):
        labels = page.xpath(f"//label[@for='{name}-{uid}']")
        assert " ".join(labels[0].text_content().split()) == label
        assert page.xpath(f"//*[@id='{name}-{uid}']")
    assert page.xpath(f"//input[@id='target_date-{uid}']/@type") == ["date"]
    # The maturity levels by name, the predicted level in words.
    options = page.xpath(f"//select[@id='maturity-{uid}']/option/text()")
    assert options[1:] == [
        "0 — Non engagé",
        "1 — Initié",
        "2 — Déployé",
        "3 — Maîtrisé",
    ]
    assert "Sous le niveau 1 (il faut 300/1000)" in response.text
    assert "Sans preuve" in rows[0].text_content()


def test_one_page_load_and_one_save_assess_all_47_criteria(people):
    programme = people
    before = readiness_of(programme)
    assert before["score"] == 0 and before["predicted_level"] == 0
    requests_sent = []
    lead = counted_session("lead", requests_sent)

    page = lead.get(grid_url(programme), timeout=60)
    rows, token = form_rows(the_form(page.text))
    assert len(rows) == 47
    not_applicable = uid_of(programme, "1.3.4")
    for uid, row in rows.items():
        row.update(maturity="3", owner="editor", target_date="2026-12-31")
        if uid == not_applicable:
            row.update(applicability="not_applicable", justification="Pas une ESN.")
    saved = lead.post(
        grid_url(programme), data=payload(rows, token), allow_redirects=False
    )
    assert saved.status_code == 302
    assert saved.headers["Location"] == grid_url(programme)
    # One GET and one POST for the 47 criteria (the redirect then shows the grid).
    assert [r.request.method for r in requests_sent] == ["GET", "POST"]

    shown = lead.get(saved.headers["Location"], timeout=60).text
    assert "Enregistré : 47 critères modifiés." in shown
    after = snapshot(programme)
    assert after["1.1.1"] == ("applicable", None, 3, "editor", date(2026, 12, 31))
    assert after["1.3.4"][:2] == ("not_applicable", "Pas une ESN.")
    assert all(values[2:4] == (3, "editor") for values in after.values())
    # The score and predicted level follow at once, on the dashboard's numbers.
    now = readiness_of(programme)
    assert now["score"] == 1000 and now["predicted_level"] == 2
    assert "Niveau 2, le plus haut" in shown or "Niveau 2" in shown
    summary = lxml.html.fromstring(shown).xpath("//section[@class='nr-sa-summary']")
    assert "dont la maturité est renseignée : 46 / 46" in " ".join(
        summary[0].text_content().split()
    )
    # Saving the same grid again changes nothing.
    rows, token = form_rows(the_form(shown))
    again = lead.post(grid_url(programme), data=payload(rows, token))
    assert "Rien n'a changé" in again.text


def test_two_bad_rows_save_nothing_and_are_named(people):
    programme = people
    before = snapshot(programme)
    lead = session("lead")
    rows, token = form_rows(the_form(lead.get(grid_url(programme), timeout=60).text))
    bad_applicability = uid_of(programme, "1.1.1")
    bad_owner = uid_of(programme, "2.1.1")
    good = uid_of(programme, "1.1.3")
    rows[bad_applicability].update(applicability="not_applicable", justification=" ")
    rows[bad_owner].update(owner="auditor", maturity="2")
    rows[good].update(maturity="2", owner="lead")

    response = lead.post(grid_url(programme), data=payload(rows, token))
    assert response.status_code == 400
    page = lxml.html.fromstring(response.text)
    summary = page.xpath("//*[@id='nr-sa-errors']")[0]
    text = " ".join(summary.text_content().split())
    assert "2 problèmes à corriger : rien n'a été enregistré." in text
    assert "1.1.1" in text and "2.1.1" in text and "1.1.3" not in text
    links = summary.xpath(".//a/@href")
    assert links == [f"#justification-{bad_applicability}", f"#owner-{bad_owner}"]
    for control in (f"justification-{bad_applicability}", f"owner-{bad_owner}"):
        element = page.xpath(f"//*[@id='{control}']")[0]
        assert element.get("aria-invalid") == "true"
        assert element.get("aria-describedby") == f"error-{control}"
        assert page.xpath(f"//*[@id='error-{control}']")
    # What was typed is kept.
    assert page.xpath(f"//select[@id='maturity-{good}']/option[@selected]/@value") == [
        "2"
    ]
    assert page.xpath(
        f"//select[@id='applicability-{bad_applicability}']/option[@selected]/@value"
    ) == ["not_applicable"]
    assert snapshot(programme) == before


@pytest.mark.parametrize(
    "field, value",
    [
        ("maturity", "7"),
        ("maturity", "deux"),
        ("target_date", "0226-01-01"),
        ("target_date", "demain"),
        ("applicability", "perhaps"),
        ("owner", "nobody-here"),
    ],
)
def test_hostile_values_are_refused(people, field, value):
    programme = people
    before = snapshot(programme)
    lead = session("lead")
    rows, token = form_rows(the_form(lead.get(grid_url(programme), timeout=60).text))
    uid = uid_of(programme, "1.2.1")
    rows[uid][field] = value
    rows[uid_of(programme, "1.1.1")]["maturity"] = "1"
    response = lead.post(grid_url(programme), data=payload(rows, token))
    assert response.status_code == 400
    assert f'href="#{field}-{uid}"' in response.text
    assert snapshot(programme) == before


def test_an_unknown_criterion_is_refused(people):
    programme = people
    before = snapshot(programme)
    lead = session("lead")
    rows, token = form_rows(the_form(lead.get(grid_url(programme), timeout=60).text))
    rows["not-a-uid"] = {"maturity": "2"}
    response = lead.post(grid_url(programme), data=payload(rows, token))
    assert response.status_code == 400
    assert "ne fait pas partie du programme" in response.text
    assert snapshot(programme) == before


def test_owners_offered_are_the_programme_people_without_auditors(people):
    programme = people
    vocabulary = programme_people_vocabulary(criterion_at(programme, "1.1.1"))
    offered = {term.value for term in vocabulary}
    assert {"lead", "editor", "reviewer", "reader", "contributor"} <= offered
    assert not offered & {"auditor", "site-editor", "site-reader", "manager"}
    assert [t.title for t in vocabulary] == sorted(t.title for t in vocabulary)
    # From an add form's context (a principle) too.
    principle = programme["1"]["1.1"]
    assert {t.value for t in programme_people_vocabulary(principle)} == offered
    # Over HTTP: the grid's owner select says the same, by full name.
    page = lxml.html.fromstring(session("lead").get(grid_url(programme)).text)
    uid = uid_of(programme, "1.1.1")
    values = page.xpath(f"//select[@id='owner-{uid}']/option/@value")
    assert set(values) == offered | {""}
    assert "Reviewer" in page.xpath(f"//select[@id='owner-{uid}']/option/text()")


def test_auditors_of_an_audit_are_never_owners(people):
    """Someone named auditor of an audit is left out even with an editor role."""
    programme = people
    add_audit(programme, date(2026, 6, 1), date(2026, 6, 30), auditors=["contributor"])
    transaction.commit()
    offered = {t.value for t in programme_people_vocabulary(programme)}
    assert "contributor" not in offered and "editor" in offered


def test_a_former_member_who_owns_a_criterion_stays_readable(people):
    programme = people
    criterion = criterion_at(programme, "1.1.2")
    criterion.owner = "site-editor"  # never had a role: a former member
    criterion.reindexObject()
    transaction.commit()
    vocabulary = programme_people_vocabulary(criterion)
    assert "site-editor" in vocabulary
    assert "site-editor" not in programme_people_vocabulary(
        criterion_at(programme, "1.1.1")
    )
    lead = session("lead")
    edit = lead.get(f"{criterion.absolute_url()}/@@edit", timeout=60)
    assert edit.status_code == 200
    # The grid keeps that owner and saves the other rows.
    rows, token = form_rows(the_form(lead.get(grid_url(programme)).text))
    assert rows[criterion.UID()]["owner"] == "site-editor"
    rows[criterion.UID()]["maturity"] = "1"
    saved = lead.post(grid_url(programme), data=payload(rows, token))
    assert saved.status_code == 200 and "1 critère modifié" in saved.text
    assert snapshot(programme)["1.1.2"][2:4] == (1, "site-editor")


@pytest.mark.parametrize(
    "user_id", ["editor", "reader", "contributor", "site-editor", "site-reader"]
)
def test_others_may_neither_see_nor_post_the_grid(people, user_id):
    programme = people
    before = snapshot(programme)
    rows, token = form_rows(the_form(session("lead").get(grid_url(programme)).text))
    for uid in rows:
        rows[uid]["maturity"] = "3"
    other = session(user_id)
    assert refused(other.get(grid_url(programme), allow_redirects=False))
    posted = other.post(
        grid_url(programme),
        data=payload(rows, token_of(user_id)),
        allow_redirects=False,
    )
    assert refused(posted)
    assert snapshot(programme) == before


def test_a_post_without_the_csrf_token_is_refused(people):
    programme = people
    before = snapshot(programme)
    lead = session("lead")
    rows, _token = form_rows(the_form(lead.get(grid_url(programme)).text))
    for uid in rows:
        rows[uid]["maturity"] = "3"
    response = lead.post(grid_url(programme), data=payload(rows, None))
    assert response.status_code == 403
    assert snapshot(programme) == before


def edit_criterion(user_id, criterion, **changes):
    """Post the criterion's edit form as ``user_id`` with ``changes`` to the
    controls the form shows (and to those it does not)."""
    s = session(user_id)
    html = s.get(f"{criterion.absolute_url()}/@@edit", timeout=60).text
    form = the_form(html, "//form[@id='form']")
    data = dict(form.form_values())
    shown = control_names(form)
    data.update(changes)
    data["form.buttons.save"] = "Enregistrer"
    s.post(f"{criterion.absolute_url()}/@@edit", data=data, timeout=60)
    return shown


def test_the_lead_cannot_change_the_referential_text(people):
    programme = people
    criterion = criterion_at(programme, "1.1.3")
    title, code, guidance = criterion.Title(), criterion.code, criterion.guidance
    shown = edit_criterion(
        "lead",
        criterion,
        **{
            "form.widgets.IBasic.title": "Titre changé",
            "form.widgets.IBasic.description": "Autre",
            "form.widgets.code": "9.9.9",
            "form.widgets.guidance": "Rien",
            "form.widgets.notes": "Vu en réunion",
        },
    )
    # Read-only for the lead: no input for the referential text.
    assert "form.widgets.IBasic.title" not in shown
    assert "form.widgets.code" not in shown
    assert "form.widgets.notes" in shown
    transaction.begin()
    assert (criterion.Title(), criterion.code, criterion.guidance) == (
        title,
        code,
        guidance,
    )
    assert criterion.notes == "Vu en réunion"  # the self-assessment is theirs
    # Nor through the REST API.
    response = session("lead").patch(
        criterion.absolute_url(),
        json={"title": "Titre changé", "code": "9.9.9", "notes": "API"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 204
    transaction.begin()
    assert (criterion.Title(), criterion.code, criterion.notes) == (title, code, "API")
    # A site administrator still can.
    edit_criterion("manager", criterion, **{"form.widgets.IBasic.title": "Corrigé"})
    transaction.begin()
    assert criterion.Title() == "Corrigé"


def test_the_lead_still_adds_a_criterion_with_its_code(people):
    programme = people
    principle = programme["1"]["1.1"]
    lead = session("lead")
    html = lead.get(f"{principle.absolute_url()}/++add++nr_criterion").text
    form = the_form(html, "//form[@id='form']")
    data = dict(form.form_values())
    assert {"form.widgets.code", "form.widgets.IBasic.title"} <= control_names(form)
    data.update(
        {
            "form.widgets.IBasic.title": "Critère maison",
            "form.widgets.code": "1.1.9",
            "form.buttons.save": "Enregistrer",
        }
    )
    lead.post(f"{principle.absolute_url()}/++add++nr_criterion", data=data)
    transaction.begin()
    added = [c for c in principle.objectValues() if c.Title() == "Critère maison"]
    assert [c.code for c in added] == ["1.1.9"]


def test_groups_count_by_their_role_on_the_programme(programme):
    """Members of a group holding an editor role are offered; members of a group
    holding NR Auditor are not, whatever else they hold."""
    with api.env.adopt_roles(["Manager"]):
        for group_id, role, members in (
            ("nr-team", "NR Contributor", ["site-member"]),
            ("sgs", "NR Auditor", ["contributor"]),
        ):
            api.group.create(groupname=group_id)
            for user_id in members:
                if api.user.get(userid=user_id) is None:
                    api.user.create(username=user_id, email=f"{user_id}@example.org")
                api.group.add_user(groupname=group_id, username=user_id)
            api.group.grant_roles(groupname=group_id, roles=[role], obj=programme)
    offered = {t.value for t in programme_people_vocabulary(programme)}
    assert "site-member" in offered
    assert "contributor" not in offered  # an auditor through the group
    assert "editor" in offered


def test_a_save_names_the_changed_fields_in_its_event(programme):
    """The activity log hears which fields changed, for changed criteria only."""
    from collective.nrlabel.self_assessment import apply_rows
    from zope.component import getGlobalSiteManager
    from zope.lifecycleevent.interfaces import IObjectModifiedEvent

    heard = []

    def listen(obj, event):
        heard.append(
            (obj.code, sorted(n for d in event.descriptions for n in d.attributes))
        )

    gsm = getGlobalSiteManager()
    gsm.registerHandler(listen, (ICriterion, IObjectModifiedEvent))
    try:
        with api.env.adopt_user(username="lead"):
            result = apply_rows(
                programme,
                {
                    uid_of(programme, "1.1.1"): {"maturity": "2", "owner": "editor"},
                    uid_of(programme, "1.1.2"): {"maturity": ""},  # unchanged
                },
            )
    finally:
        gsm.unregisterHandler(listen, (ICriterion, IObjectModifiedEvent))
    assert result.errors == [] and result.changed == ["1.1.1"]
    assert heard == [("1.1.1", ["maturity", "owner"])]
    assert api.content.find(UID=uid_of(programme, "1.1.1"))[0].nr_maturity == 2


# -- hostile input found by the probe ---------------------------------------------


def post_grid(programme, data, files=None):
    return session("lead").post(
        grid_url(programme), data=data, files=files, allow_redirects=False, timeout=60
    )


def test_control_characters_are_dropped_and_the_xlsx_still_opens(functional_programme):
    programme = functional_programme
    uid = uid_of(programme, "1.1.2")
    saved = post_grid(
        programme,
        [
            ("_authenticator", token_of("lead")),
            ("uids:list", uid),
            (f"applicability-{uid}", "not_applicable"),
            (f"justification-{uid}", "\x00\x01Pas\x0b concerné\x1f\nLigne 2"),
        ],
    )
    assert saved.status_code == 302
    assert snapshot(programme)["1.1.2"][1] == "Pas concerné\nLigne 2"
    export = session("lead").get(f"{programme.absolute_url()}/@@nr-matrix.xlsx")
    assert export.status_code == 200
    assert export.content[:2] == b"PK"


@pytest.mark.parametrize(
    "data",
    [
        [("uids:int", "5")],
        [],
    ],
    ids=["uids-as-a-number", "no-rows"],
)
def test_a_post_without_rows_says_so_and_saves_nothing(functional_programme, data):
    before = snapshot(functional_programme)
    response = post_grid(
        functional_programme, [("_authenticator", token_of("lead")), *data]
    )
    assert response.status_code == 400
    assert "Aucun critère n'a été envoyé" in response.text
    assert snapshot(functional_programme) == before


def test_a_file_as_justification_repeated_fields_and_a_huge_text_are_row_errors(
    functional_programme,
):
    programme = functional_programme
    first, second, third = (uid_of(programme, c) for c in ("1.1.1", "1.1.2", "1.1.3"))
    before = snapshot(programme)
    response = post_grid(
        programme,
        [
            ("_authenticator", token_of("lead")),
            ("uids:list", first),
            (f"applicability-{first}", "not_applicable"),
            ("uids:list", second),
            (f"maturity-{second}", "abc"),
            (f"maturity-{second}", "1"),
            ("uids:list", third),
            (f"applicability-{third}", "not_applicable"),
            (f"justification-{third}", "x" * 6000),
        ],
        files={f"justification-{first}": ("note.txt", b"bytes", "text/plain")},
    )
    assert response.status_code == 400
    text = " ".join(response.text.split())
    assert "3 problèmes à corriger" in text
    assert "envoyé deux fois" in text
    assert "moins de 5000 caractères" in text
    summary = lxml.html.fromstring(response.text).xpath("//div[@id='nr-sa-errors']")
    # French typography in the summary: a (no-break) space before the colon.
    assert "Maturité :" in " ".join(summary[0].text_content().split())
    assert snapshot(programme) == before
