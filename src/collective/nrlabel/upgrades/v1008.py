"""1007 → 1008: living in an existing intranet (issue #14).

- Comments: only comments on NR content follow ``nr_comment_workflow`` (a chain
  adapter); the site-wide binding of "Discussion Item" that 1005 made is given
  back, and "Reply to item" on evidence loses Plone's site-wide roles and Owner
  (the ``workflows`` import step brings the new permission maps).
- Working copies: plone.app.iterate no longer checks out NR content; copies made
  before are listed in the log for the integrator to cancel.
- plone.app.multilingual: programmes added in an English section before 1008 were
  seeded in French; their untouched items get the English referential's text.

Uninstall, caching headers and the collective.exportimport hooks need no data
change: they take effect with the code.
"""

from collective.nrlabel.evidence.comments import restore_comment_chain
from collective.nrlabel.evidence.comments import update_evidence_reply
from collective.nrlabel.multilingual import retitle_programmes_in_their_language
from collective.nrlabel.working_copies import report_nr_working_copies

import logging


logger = logging.getLogger("collective.nrlabel")


def give_back_the_comment_workflow(context) -> None:
    """Comments that are not on NR content go back to the site's workflow."""
    logger.info("Re-applied the workflow of %d comments", restore_comment_chain())


def update_reply_on_evidence(context) -> None:
    """Existing evidence gets the new "Reply to item" mapping."""
    logger.info("Updated who may comment on %d evidence items", update_evidence_reply())


def list_working_copies(context) -> None:
    """Working copies of NR content made before 1008, for the integrator."""
    report_nr_working_copies()


def retitle_programmes(context) -> None:
    """Programmes in an English section get the English referential's text."""
    logger.info(
        "Retitled %d items in their programme's language",
        retitle_programmes_in_their_language(),
    )
