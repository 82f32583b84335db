"""Deleting evidence that has comments leaves nothing in the catalog: neither
the evidence (plone.app.discussion reindexes it while it removes the comments)
nor its comments."""

from nr_setup import build_programme
from nr_setup import evidence_in_state
from plone import api
from plone.app.discussion.interfaces import IComment
from plone.app.discussion.interfaces import IConversation
from zope.component import createObject

import pytest


def add_comment(evidence, text):
    comment = createObject("plone.Comment")
    comment.text = text
    comment.author_username = "author"
    IConversation(evidence).addComment(comment)
    return comment


@pytest.mark.parametrize("deleted", ["evidence", "programme"])
def test_deleting_commented_evidence_leaves_no_catalog_entry(portal, deleted):
    programme = build_programme(portal)
    evidence = evidence_in_state(programme["1"]["1.1"]["1.1.1"], "draft")
    # Another commented item in the programme: each is cleaned, not only the first.
    other = evidence_in_state(programme["1"]["1.1"]["1.1.2"], "draft", title="Autre")
    add_comment(other, "Sur l'autre")
    other_path = "/".join(other.getPhysicalPath())
    add_comment(evidence, "Première remarque")
    add_comment(evidence, "Seconde remarque")
    path = "/".join(evidence.getPhysicalPath())
    catalog = api.portal.get_tool("portal_catalog")
    under = {"query": path}
    assert len(catalog.unrestrictedSearchResults(path=under)) == 3

    with api.env.adopt_roles(["Manager"]):
        api.content.delete(evidence if deleted == "evidence" else programme)

    left = [b.getPath() for b in catalog.unrestrictedSearchResults(path=under)]
    assert left == []
    if deleted == "programme":
        assert not catalog.unrestrictedSearchResults(path={"query": other_path})
    assert not [
        b
        for b in catalog.unrestrictedSearchResults(
            object_provides=IComment.__identifier__
        )
        if b.getPath().startswith(path)
    ]
