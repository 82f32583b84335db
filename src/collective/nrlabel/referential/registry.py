"""The referentials a site offers: those shipped with the package and imported ones.

Shipped referentials are files in ``data/``; imported ones are kept, as validated
JSON, in an annotation on the site root so that they survive restarts and travel
with the database.
"""

from __future__ import annotations

from collective.nrlabel import _
from collective.nrlabel.referential.model import Referential
from collective.nrlabel.referential.model import ReferentialError
from collective.nrlabel.referential.readers import read_referential
from functools import cache
from pathlib import Path
from persistent.mapping import PersistentMapping
from plone import api
from zope.annotation.interfaces import IAnnotations

import json


DATA_DIRECTORY = Path(__file__).parent / "data"
ANNOTATION_KEY = "collective.nrlabel.referentials"


@cache
def shipped_referentials() -> dict[str, Referential]:
    """The referentials in the package's ``data`` folder, by id."""
    referentials = {}
    for path in sorted(DATA_DIRECTORY.glob("*.yaml")):
        referential = read_referential(path.read_bytes(), path.name)
        referentials[referential.id] = referential
    return referentials


def _storage(create: bool = False) -> PersistentMapping | dict[str, str]:
    annotations = IAnnotations(api.portal.get())
    if create and ANNOTATION_KEY not in annotations:
        annotations[ANNOTATION_KEY] = PersistentMapping()
    return annotations.get(ANNOTATION_KEY, {})


def imported_referentials() -> dict[str, Referential]:
    """The referentials imported into this site, by id."""
    return {
        id: Referential.from_dict(json.loads(data)) for id, data in _storage().items()
    }


def available_referentials() -> dict[str, Referential]:
    """Every referential a programme can be created from, shipped ones first."""
    return {**shipped_referentials(), **imported_referentials()}


def get_referential(referential_id: str) -> Referential:
    """The referential with this id; ``ReferentialError`` if the site has none."""
    referential = shipped_referentials().get(referential_id)
    if referential is not None:
        return referential
    data = _storage().get(referential_id)
    if data is None:
        raise ReferentialError(
            f"There is no referential with the id {referential_id!r}."
        )
    return Referential.from_dict(json.loads(data))


def register_referential(
    referential: Referential, replace: bool = False
) -> Referential:
    """Offer a validated referential to new programmes of this site.

    Shipped referentials cannot be replaced; an imported one only with ``replace``.
    Existing programmes keep the tree they were seeded with.
    """
    if referential.id in shipped_referentials():
        raise ReferentialError(
            _(
                "import_error_shipped_id",
                default="The id '${id}' belongs to a referential shipped with "
                "collective.nrlabel; give the imported one another id.",
                mapping={"id": referential.id},
            )
        )
    storage = _storage(create=True)
    if referential.id in storage and not replace:
        raise ReferentialError(
            _(
                "import_error_already_imported",
                default="A referential with the id '${id}' was already imported; "
                "choose to replace it or give this one another id.",
                mapping={"id": referential.id},
            )
        )
    storage[referential.id] = json.dumps(referential.as_dict(), ensure_ascii=False)
    return referential
