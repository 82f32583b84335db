"""Import a referential file into the site, all or nothing.

Shared by the import form and the ``nrlabel import-referential`` command, so that
both apply the site's limits and refuse the same files with the same messages.
"""

from __future__ import annotations

from collective.nrlabel.referential.model import Referential
from collective.nrlabel.referential.readers import Limits
from collective.nrlabel.referential.readers import read_referential
from collective.nrlabel.referential.registry import register_referential
from plone import api
from plone.api.types import Container
from plone.api.types import Content


def import_referential(
    data: bytes,
    filename: str,
    id: str | None = None,
    version: str | None = None,
    title: str | None = None,
    language: str = "fr",
    replace: bool = False,
) -> Referential:
    """Read, validate and register a referential; return it.

    Raises ``ReferentialError`` (listing every problem) before anything is stored.
    The file's size, rows and depth are bounded by the site's Label NR settings.
    """
    referential = read_referential(
        data,
        filename,
        id=id,
        version=version,
        title=title,
        language=language,
        limits=Limits.from_settings(),
    )
    return register_referential(referential, replace=replace)


def create_programme(container: Container, title: str, referential_id: str) -> Content:
    """Add a programme seeded from ``referential_id`` to ``container``."""
    return api.content.create(
        container=container,
        type="nr_programme",
        title=title,
        referential=referential_id,
    )
