"""Relations between the add-on's content (evidence → other criteria, action →
criteria): the one walk that skips broken or dangling relations."""

from plone.uuid.interfaces import IUUID


def related_objects(relations) -> list:
    """The objects ``relations`` point to, broken or deleted targets left out."""
    return [
        relation.to_object
        for relation in relations or ()
        if relation is not None
        and not relation.isBroken()
        and relation.to_object is not None
    ]


def related_object(relation):
    """The object one relation points to, or None (no relation, broken, deleted)."""
    found = related_objects([relation])
    return found[0] if found else None


def related_uids(relations) -> list[str]:
    """The UIDs of ``related_objects(relations)``."""
    return [IUUID(obj) for obj in related_objects(relations)]
