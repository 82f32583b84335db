"""Build a programme with one user per person of DESIGN.md §1, and evidence in any state."""

from collective.nrlabel.programme_tree import criterion_by_code
from datetime import date
from plone import api
from plone.namedfile.file import NamedBlobFile
from z3c.relationfield import RelationValue
from zope.component import getUtility
from zope.intid.interfaces import IIntIds

import base64
import email
import email.header
import requests


PASSWORD = "secret-password-1"

# user id → local role on the programme ("author" is the intranet editor who owns
# the evidence under test; the others are who the permission matrix is about).
USERS = {
    "author": "NR Editor",
    "reader": "NR Reader",
    "contributor": "NR Contributor",
    "editor": "NR Editor",
    "reviewer": "NR Reviewer",
    "reviewer2": "NR Reviewer",
    "lead": "NR Lead",
    "auditor": "NR Auditor",
}


def build_programme(portal, language="fr"):
    """A seeded programme and its users; returns the programme."""
    api.portal.set_registry_record("plone.default_language", language)
    with api.env.adopt_roles(["Manager"]):
        _create_users(language)
        programme = api.content.create(
            container=portal, type="nr_programme", title="Programme NR"
        )
    for user_id, role in USERS.items():
        api.user.grant_roles(username=user_id, obj=programme, roles=[role])
    programme.reindexObjectSecurity()
    return programme


def _create_users(language):
    for user_id in USERS:
        if api.user.get(userid=user_id) is None:
            api.user.create(
                username=user_id,
                email=f"{user_id}@example.org",
                password=PASSWORD,
                properties={"fullname": user_id.title(), "language": language},
            )
    if api.user.get(userid="manager") is None:
        api.user.create(
            username="manager", email="manager@example.org", password=PASSWORD
        )
        api.user.grant_roles(username="manager", roles=["Manager"])


def pdf(name="politique.pdf", size=2048):
    return NamedBlobFile(
        data=b"%PDF-1.4\n" + b"x" * size, contentType="application/pdf", filename=name
    )


def add_evidence(criterion, user_id="author", title="Politique NR", **fields):
    fields.setdefault("file", pdf())
    fields.setdefault("document_date", date(2026, 1, 10))
    fields.setdefault("kind", "policy")
    with api.env.adopt_user(username=user_id):
        return api.content.create(
            container=criterion, type="nr_evidence", title=title, **fields
        )


PATHS = {
    "draft": (),
    "pending": (("author", "submit"),),
    "approved": (("author", "submit"), ("reviewer", "approve")),
    "rejected": (("author", "submit"), ("reviewer", "reject")),
}


def transition(obj, user_id, transition_id, comment=""):
    """Take a transition as ``user_id``, as the @workflow service does."""
    with api.env.adopt_user(username=user_id):
        api.portal.get_tool("portal_workflow").doActionFor(
            obj, transition_id, comment=comment
        )


def evidence_in_state(criterion, state, **fields):
    evidence = add_evidence(criterion, **fields)
    for user_id, transition_id in PATHS[state]:
        comment = "Insuffisant" if transition_id == "reject" else ""
        transition(evidence, user_id, transition_id, comment)
    assert api.content.get_state(evidence) == state
    return evidence


def criterion_at(programme, code):
    return criterion_by_code(programme, code)


def assess(programme, code, maturity=None, applicable=True, justification=None):
    criterion = criterion_at(programme, code)
    criterion.applicability = "applicable" if applicable else "not_applicable"
    criterion.justification = justification
    criterion.maturity = maturity
    criterion.reindexObject()
    return criterion


def add_audit(programme, start, end, auditors=("auditor",), **fields):
    with api.env.adopt_roles(["Manager"]):
        return api.content.create(
            container=programme,
            type="nr_audit",
            title=fields.pop("title", "Audit initial"),
            kind=fields.pop("kind", "initial"),
            audit_body="SGS",
            window_start=start,
            window_end=end,
            auditors=list(auditors),
            **fields,
        )


def audit_transition(audit, *transitions):
    with api.env.adopt_user(username="lead"):
        for transition_id in transitions:
            api.portal.get_tool("portal_workflow").doActionFor(audit, transition_id)


def relation(obj):
    """A relation to ``obj``, as relation fields store it."""
    return RelationValue(getUtility(IIntIds).getId(obj))


def add_finding(audit, criterion, title, text, finding_type="minor_nc"):
    with api.env.adopt_roles(["Manager"]):
        return api.content.create(
            container=audit,
            type="nr_finding",
            title=title,
            criterion=relation(criterion),
            finding_type=finding_type,
            text=text,
        )


# -- over HTTP: the functional layer's server runs in this process ---------------


def session(user_id=None):
    """A requests session signed in as ``user_id`` (anonymous without one)."""
    s = requests.Session()
    if user_id:
        s.auth = (user_id, PASSWORD)
    return s


def rest_session(user_id):
    """A session for plone.restapi: signed in, asking for JSON."""
    s = session(user_id)
    s.headers["Accept"] = "application/json"
    return s


def http(method, url, user_id, **kwargs):
    """One REST request as ``user_id`` (anonymous when None)."""
    auth = (user_id, PASSWORD) if user_id else None
    return requests.request(
        method,
        url,
        auth=auth,
        headers={"Accept": "application/json"},
        timeout=30,
        **kwargs,
    )


def token_of(user_id):
    """The CSRF token plone.protect expects from ``user_id``."""
    from plone.protect.authenticator import createToken

    with api.env.adopt_user(username=user_id):
        return createToken()


def file_payload(data=b"%PDF-1.4 charte", filename="Charte NR.pdf", mime=None):
    """A file field as plone.restapi takes it."""
    return {
        "data": base64.b64encode(data).decode(),
        "encoding": "base64",
        "filename": filename,
        "content-type": mime or "application/pdf",
    }


def evidence_json(**fields):
    """The body of a REST request adding evidence."""
    return {
        "@type": "nr_evidence",
        "title": "Charte numérique responsable",
        "kind": "policy",
        "document_date": "2026-01-10",
        **fields,
    }


# -- mails: the MOCK_MAILHOST_FIXTURE keeps them in MailHost.messages -------------


def mails(mailhost):
    return [email.message_from_bytes(m) for m in mailhost.messages]


def subject(message):
    return str(email.header.make_header(email.header.decode_header(message["Subject"])))


def body(message):
    return message.get_payload(decode=True).decode("utf-8")
