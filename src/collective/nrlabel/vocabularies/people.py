"""collective.nrlabel.ProgrammePeople: who may own a criterion (or an action) of a
programme.

The people holding one of the add-on's roles on the programme's Sharing tab,
directly or through a group, titled by full name and sorted by name. Never its
auditors: an auditor checks the evidence and cannot be the one who gathers it,
so anyone holding *NR Auditor* on the programme (directly, through a group, or
as an auditor of one of its audits, whose access the time-boxed groups of
audit/access.py open and close) is left out, whatever other role they hold.

A site-wide role grants nothing here: the programme blocks inherited local roles
and only its own local roles are read.
"""

from Acquisition import aq_base
from collective.nrlabel.audit.access import AUDITOR_ROLE
from collective.nrlabel.audit.lifecycle import audits
from collective.nrlabel.programme_tree import programme_of
from collective.nrlabel.worklist import NR_ROLES
from dataclasses import dataclass
from plone import api
from zope.globalrequest import getRequest
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary

import unicodedata


VOCABULARY = "collective.nrlabel.ProgrammePeople"
OWNER_ROLES = tuple(role for role in NR_ROLES if role != AUDITOR_ROLE)
# The time-boxed groups of audit/access.py: their members are an audit's auditors.
AUDIT_GROUP_PREFIX = "nr-audit-"
# Fields that name a person of the programme: a value set before its holder left
# the programme stays listed, so that the edit form shows it and does not fail.
PERSON_ATTRIBUTES = ("owner", "responsible")


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str


def _full_name(user, user_id):
    return (user is not None and user.getProperty("fullname", "")) or user_id


def _sort_key(person):
    """Names in alphabetical order whatever their accents ("Élodie" before "Zoé")."""
    plain = unicodedata.normalize("NFKD", person.name)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return (plain.casefold(), person.user_id)


def _members(principal_id):
    """The users ``principal_id`` stands for: itself, or a group's members ([]
    for a principal that no longer exists)."""
    if api.group.get(groupname=principal_id) is not None:
        return [
            (user.getId(), user) for user in api.user.get_users(groupname=principal_id)
        ]
    user = api.user.get(userid=principal_id)
    return [(principal_id, user)] if user is not None else []


def programme_auditors(programme) -> set:
    """Everyone who audits ``programme`` or has audited it: the auditors named on
    its audits (whether their window is open or not)."""
    auditors = set()
    for brain in audits(programme, unrestricted=True):
        audit = brain._unrestrictedGetObject()
        auditors.update(getattr(audit, "auditors", None) or ())
    return auditors


def programme_people(programme) -> list[Person]:
    """The people of ``programme`` who may own its work, by name (see module)."""
    if programme is None:
        return []
    people, excluded = {}, programme_auditors(programme)
    for principal_id, roles in programme.get_local_roles():
        if principal_id.startswith(AUDIT_GROUP_PREFIX):
            continue
        auditor = AUDITOR_ROLE in roles
        owner = any(role in OWNER_ROLES for role in roles)
        if not (auditor or owner):
            continue
        for user_id, user in _members(principal_id):
            if auditor:
                excluded.add(user_id)
            else:
                people[user_id] = Person(user_id, _full_name(user, user_id))
    kept = [person for user_id, person in people.items() if user_id not in excluded]
    return sorted(kept, key=_sort_key)


def _content(context):
    """The content the vocabulary is for: ``context``, or the page's context when
    a form gives none (z3c.form's add forms may bind fields to nothing)."""
    if context is not None and hasattr(context, "aq_chain"):
        return context
    request = getRequest()
    published = request.get("PUBLISHED") if request is not None else None
    context = getattr(published, "context", None)
    return context if hasattr(context, "aq_chain") else None


def _token(user_id):
    """Terms' tokens must be ASCII; a user id that is not is escaped."""
    return user_id.encode("ascii", "backslashreplace").decode("ascii")


def person_term(user_id, name):
    return SimpleTerm(value=user_id, token=_token(user_id), title=name)


@provider(IVocabularyFactory)
def programme_people_vocabulary(context):
    """The named vocabulary: the people of the context's programme, plus the
    context's current owner (or action responsible) if they are no longer one of
    them, so that an old value stays readable and the edit form still works."""
    context = _content(context)
    people = programme_people(programme_of(context) if context is not None else None)
    terms = [person_term(p.user_id, p.name) for p in people]
    known = {p.user_id for p in people}
    base = aq_base(context) if context is not None else None
    for attribute in PERSON_ATTRIBUTES:
        current = getattr(base, attribute, None)
        if isinstance(current, str) and current and current not in known:
            user = api.user.get(userid=current)
            terms.append(person_term(current, _full_name(user, current)))
            known.add(current)
    return SimpleVocabulary(terms)
