"""A new programme gets its referential's tree and its action plan."""

from collective.nrlabel.action_plan import add_action_plan
from collective.nrlabel.activity import create_log
from collective.nrlabel.content.programme import DEFAULT_REFERENTIAL
from collective.nrlabel.evidence_ledger import rebuild
from collective.nrlabel.migration import importing
from collective.nrlabel.multilingual import programme_language
from collective.nrlabel.multilingual import record_language
from collective.nrlabel.referential.registry import get_referential
from collective.nrlabel.referential.seeding import seed_programme
from Products.CMFCore.indexing import processQueue


def seed_new_programme(programme, event):
    """Create the referential's tree in a newly added, still empty programme,
    and its evidence ledger (evidence_ledger.py).

    A programme that arrives with content (a copy, an import) keeps its tree.
    Texts are in the programme's language: a programme added in a multilingual
    site's ``/en`` gets the English referential, in ``/fr`` the French one.
    """
    if importing():
        return  # an import brings its own tree and counts (migration.py)
    # A copy's ledger came with it, counting the original's items: start over.
    rebuild(programme)
    if programme.objectIds():
        return
    referential = get_referential(programme.referential or DEFAULT_REFERENTIAL)
    language = programme_language(programme)
    record_language(programme, language)
    seed_programme(programme, referential, language)
    add_action_plan(programme)
    # An empty log now, not by the first reviews, which would all write it.
    create_log(programme)
    # Index the tree now: the programme is often renamed right after being added
    # (title to id), and the move must find its children in the catalog.
    processQueue()
