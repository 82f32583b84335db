"""collective.exportimport's views, with the add-on's hooks (see ``migration``).

Registered (``exportimport.zcml``) only when collective.exportimport is
installed, under its own names and for the add-on's browser layer: the standard
procedure (``@@export_content``, ``@@import_content``, ``@@import_relations``…)
keeps every programme whole. A project that has its own subclasses of these
views mixes ``NRExportMixin`` / ``NRImportMixin`` / ``NRRelationsMixin`` in.
"""

from collective.exportimport.export_content import ExportContent as BaseExport
from collective.exportimport.import_content import ImportContent as BaseImport
from collective.exportimport.import_other import ImportRelations as BaseRelations
from collective.nrlabel import migration
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zope.interface import alsoProvides
from zope.interface import noLongerProvides

import collective.exportimport
import os


# collective.exportimport's own form (the page itself is unchanged).
TEMPLATES = os.path.join(os.path.dirname(collective.exportimport.__file__), "templates")


class NRExportMixin:
    """Export what an NR item holds beyond its schema."""

    def global_dict_hook(self, item, obj):
        item = super().global_dict_hook(item, obj)
        if item:
            extra = migration.export_extra(obj)
            if extra is not None:
                item[migration.KEY] = extra
        return item


class NRImportMixin:
    """Import without the add-on's side effects, then put back what it needs."""

    def start(self):
        super().start()
        alsoProvides(self.request, migration.IImportingContent)

    def finish(self):
        super().finish()
        if migration.importing(self.request):
            noLongerProvides(self.request, migration.IImportingContent)
            migration.finish_import()

    def global_obj_hook_before_deserializing(self, obj, item):
        obj, item = super().global_obj_hook_before_deserializing(obj, item)
        migration.before_deserializing(obj, item.get(migration.KEY))
        return obj, item

    def global_obj_hook(self, obj, item):
        obj = super().global_obj_hook(obj, item)
        migration.import_extra(obj, item.get(migration.KEY))
        return obj

    def import_review_state(self, obj, item):
        # NR items: the state comes with the workflow history, no transition.
        if migration.KEY not in item:
            super().import_review_state(obj, item)

    def import_workflow_history(self, obj, item):
        super().import_workflow_history(obj, item)
        if migration.KEY in item:
            migration.restore_workflow_state(obj)
            obj.reindexObject()


class NRRelationsMixin:
    """Relations are imported after content: reindex what depends on them."""

    def import_relations(self, data):
        with migration.import_marker(self.request):
            result = super().import_relations(data)
        migration.finish_import()
        return result


class ExportContent(NRExportMixin, BaseExport):
    pass


class ImportContent(NRImportMixin, BaseImport):
    pass


class ImportRelations(NRRelationsMixin, BaseRelations):
    index = ViewPageTemplateFile(os.path.join(TEMPLATES, "import_relations.pt"))
