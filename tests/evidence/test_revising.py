"""Revising and saving evidence as people do it: the reviewer's reason stays in
sight on the edit form, saving expired evidence says it will not count, and the
note asks for no format."""

from datetime import date
from nr_setup import add_evidence
from nr_setup import evidence_in_state
from nr_setup import PASSWORD
from plone import api
from plone.testing.zope import Browser

import pytest
import transaction


TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def today(clock):
    clock(TODAY)


def browser_for(app, user_id):
    browser = Browser(app)
    browser.handleErrors = False
    browser.raiseHttpErrors = False
    browser.addHeader("Authorization", f"Basic {user_id}:{PASSWORD}")
    return browser


def test_the_edit_form_of_rejected_evidence_shows_the_reason(
    functional_app, functional_criterion
):
    evidence = evidence_in_state(functional_criterion, "rejected")
    transaction.commit()
    browser = browser_for(functional_app, "author")
    browser.open(f"{evidence.absolute_url()}/edit")
    html = browser.contents
    assert "nr-rejection-reason" in html
    assert "Insuffisant" in html
    assert html.index("nr-rejection") < html.index("form.widgets.file")

    draft = add_evidence(functional_criterion, title="Brouillon")
    transaction.commit()
    browser.open(f"{draft.absolute_url()}/edit")
    assert "nr-rejection" not in browser.contents
    browser.open(functional_criterion.absolute_url())
    # The row's link, not the per-state counts above the list ("Brouillon : 1").
    row = browser.contents.split(">Brouillon</a>", 1)[1].split("</tr>", 1)[0]
    assert "sans date de fin" in row  # no valid-until: it does not expire


def test_saving_expired_evidence_warns_that_it_does_not_count(
    functional_app, functional_criterion
):
    evidence = add_evidence(functional_criterion, title="Charte")
    transaction.commit()
    browser = browser_for(functional_app, "author")
    browser.open(f"{evidence.absolute_url()}/edit")
    browser.getControl(name="form.widgets.valid_until").value = "2026-06-01"
    browser.getControl(name="form.buttons.save").click()
    assert "a expiré le 01/06/2026" in browser.contents
    transaction.begin()
    assert api.content.get(UID=evidence.UID()).valid_until == date(2026, 6, 1)

    browser.open(f"{evidence.absolute_url()}/edit")
    browser.getControl(name="form.widgets.valid_until").value = "2027-06-01"
    browser.getControl(name="form.buttons.save").click()
    assert "a expiré" not in browser.contents


def test_the_note_asks_for_no_format(functional_app, functional_criterion):
    browser = browser_for(functional_app, "author")
    browser.open(f"{functional_criterion.absolute_url()}/++add++nr_evidence")
    assert "form.widgets.note" in browser.contents
    assert "form.widgets.note.mimeType" not in browser.contents
    assert "text/x-web-textile" not in browser.contents
