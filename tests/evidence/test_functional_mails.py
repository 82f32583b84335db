"""Review mails leave through Plone's MailHost after the transaction commits."""

from nr_setup import add_evidence
from nr_setup import body
from nr_setup import evidence_in_state
from nr_setup import mails
from nr_setup import subject
from nr_setup import transition
from plone import api
from Products.MailHost.interfaces import IMailHost
from Products.MailHost.MailHost import MailHost
from zope.component import getSiteManager

import pytest
import socket
import transaction


@pytest.fixture
def mailhost(functional_portal, functional_criterion):
    """The MailHost, emptied once the programme is built."""
    functional_portal.MailHost.reset()
    return functional_portal.MailHost


def test_submit_mails_reviewers_and_leads(functional_criterion, mailhost):
    evidence = add_evidence(functional_criterion)
    transition(evidence, "author", "submit")
    assert mailhost.messages == []  # nothing leaves before the commit
    transaction.commit()
    recipients = sorted(m["To"] for m in mails(mailhost))
    assert recipients == [
        "lead@example.org",
        "reviewer2@example.org",
        "reviewer@example.org",
    ]
    message = mails(mailhost)[0]
    assert "1.1.1" in subject(message)
    assert evidence.absolute_url() in body(message)


def test_mails_are_in_the_recipients_language(functional_criterion, mailhost):
    api.user.get(userid="reviewer").setMemberProperties({"language": "en"})
    evidence = add_evidence(functional_criterion)
    transition(evidence, "author", "submit")
    transaction.commit()
    by_recipient = {m["To"]: subject(m) for m in mails(mailhost)}
    assert by_recipient["reviewer@example.org"].startswith(
        "[Label NR] Evidence to review"
    )
    french = by_recipient["lead@example.org"]
    assert french.startswith("[Label NR] ") and "1.1.1" in french
    assert french != by_recipient["reviewer@example.org"]


def test_reject_mails_submitter_with_reason(functional_criterion, mailhost):
    evidence = evidence_in_state(functional_criterion, "pending")
    transaction.commit()
    mailhost.reset()
    transition(evidence, "reviewer", "reject", comment="Document non signé")
    transaction.commit()
    [message] = mails(mailhost)
    assert message["To"] == "author@example.org"
    assert "Document non signé" in body(message)


def test_approve_mails_submitter(functional_criterion, mailhost):
    evidence = evidence_in_state(functional_criterion, "pending")
    transaction.commit()
    mailhost.reset()
    transition(evidence, "reviewer", "approve")
    transaction.commit()
    [message] = mails(mailhost)
    assert message["To"] == "author@example.org"
    assert evidence.Title() in subject(message)


def test_aborted_transition_sends_nothing(functional_criterion, mailhost):
    evidence = add_evidence(functional_criterion)
    transition(evidence, "author", "submit")
    transaction.abort()
    assert mailhost.messages == []


def test_mail_server_down_does_not_block_the_review(
    functional_portal, functional_criterion
):
    """A real MailHost pointed at a closed port: the review still commits."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    real = MailHost("MailHost", smtp_host="127.0.0.1", smtp_port=closed_port)
    site_manager = getSiteManager(functional_portal)
    mock = functional_portal.MailHost
    functional_portal.MailHost = real
    site_manager.registerUtility(real, provided=IMailHost)
    try:
        evidence = add_evidence(functional_criterion)
        transition(evidence, "author", "submit")
        transaction.commit()
        transaction.begin()
        assert api.content.get_state(evidence) == "pending"
    finally:
        functional_portal.MailHost = mock
        site_manager.registerUtility(mock, provided=IMailHost)
        transaction.commit()
