"""Reminder mails, sent once a day whatever the number of runs."""

from collective.nrlabel.reminders import collect_reminders
from collective.nrlabel.reminders import send_reminders
from datetime import date
from nr_setup import add_audit
from nr_setup import audit_transition
from nr_setup import criterion_at
from nr_setup import evidence_in_state
from nr_setup import relation
from plone import api

import email
import pytest
import transaction


@pytest.fixture(autouse=True)
def today(clock):
    clock(date(2026, 6, 15))


@pytest.fixture
def due_items(functional_portal, functional_programme):
    """Evidence expiring, an overdue action and a label expiring on 2026-06-15."""
    programme = functional_programme
    criterion = criterion_at(programme, "1.1.1")
    evidence_in_state(
        criterion, "approved", title="Expire bientôt", valid_until=date(2026, 7, 1)
    )
    evidence_in_state(
        criterion,
        "approved",
        title="Expire avant la fin de l'audit",
        valid_until=date(2026, 9, 20),
    )
    evidence_in_state(
        criterion, "approved", title="Valide longtemps", valid_until=date(2028, 1, 1)
    )
    add_audit(
        programme, date(2026, 9, 1), date(2026, 9, 30), title="Audit de septembre"
    )
    labelled = add_audit(
        programme,
        date(2023, 9, 1),
        date(2023, 9, 30),
        title="Audit 2023",
        granted_date=date(2023, 10, 1),
    )
    audit_transition(labelled, "start_audit", "close_audit", "grant")
    with api.env.adopt_user(username="lead"):
        api.content.create(
            container=programme["action-plan"],
            type="nr_action",
            title="Former les équipes",
            criteria=[relation(criterion)],
            responsible="editor",
            due_date=date(2026, 6, 1),
        )
    transaction.commit()
    functional_portal.MailHost.reset()


def mails(portal):
    return {
        m["To"]: m.get_payload(decode=True).decode()
        for m in (email.message_from_bytes(raw) for raw in portal.MailHost.messages)
    }


def test_what_is_due(due_items):
    kinds = {(r.kind, r.title, r.recipient) for r in collect_reminders()}
    assert ("evidence_expiring", "Expire bientôt", "author") in kinds
    assert ("evidence_expiring", "Expire avant la fin de l'audit", "lead") in kinds
    assert not any(title == "Valide longtemps" for _k, title, _r in kinds)
    assert ("action_overdue", "Former les équipes", "editor") in kinds
    assert ("label_expiring", "Programme NR", "lead") in kinds


def test_sent_once_a_day(functional_portal, due_items, clock):
    mails_sent, items = send_reminders()
    transaction.commit()
    received = mails(functional_portal)
    assert set(received) == {
        "author@example.org",
        "lead@example.org",
        "editor@example.org",
    }
    assert "Former les équipes" in received["editor@example.org"]
    assert "Expire bientôt" in received["lead@example.org"]
    assert mails_sent == 3 and items >= 5

    functional_portal.MailHost.reset()
    assert send_reminders() == (0, 0)
    transaction.commit()
    assert functional_portal.MailHost.messages == []

    clock(date(2026, 6, 16))
    assert send_reminders()[0] == 3


def test_manager_page(functional_app, functional_portal, due_items):
    from plone.app.testing import SITE_OWNER_NAME
    from plone.app.testing import SITE_OWNER_PASSWORD
    from plone.testing.zope import Browser

    browser = Browser(functional_app)
    browser.addHeader("Authorization", f"Basic {SITE_OWNER_NAME}:{SITE_OWNER_PASSWORD}")
    browser.open(f"{functional_portal.absolute_url()}/@@nr-send-reminders")
    assert "Former les équipes" in browser.contents
    browser.getControl(name="form.buttons.send").click()
    result = browser.contents.split("nr-reminders-sent", 1)[1].split("</div>", 1)[0]
    assert "3" in result  # mails
    browser.getControl(name="form.buttons.send").click()
    result = browser.contents.split("nr-reminders-sent", 1)[1].split("</div>", 1)[0]
    assert "0" in result  # nothing new today
