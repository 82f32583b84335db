"""A new programme is seeded with the Label NR 2019 referential."""

from collective.nrlabel.referential.model import CRITERION
from collective.nrlabel.referential.model import PRINCIPLE
from collective.nrlabel.referential.model import THEME
from collective.nrlabel.referential.registry import get_referential
from plone import api
from seed_text import parse_seed

import pytest


def create_programme(portal, language="fr", **fields):
    api.portal.set_registry_record("plone.default_language", language)
    with api.env.adopt_roles(["Manager"]):
        return api.content.create(
            container=portal, type="nr_programme", title="Programme", **fields
        )


def items(programme, portal_type):
    return api.content.find(context=programme, portal_type=portal_type, sort_on="path")


class TestShippedReferential:
    def test_counts(self):
        referential = get_referential("label-nr-2019")
        assert referential.count(THEME) == 5
        assert referential.count(PRINCIPLE) == 14
        assert referential.count(CRITERION) == 47

    def test_french_matches_seed_word_for_word(self, shared_dir):
        seed = parse_seed(
            (shared_dir / "seed" / "label-nr-organisations.md").read_text("utf-8")
        )
        referential = get_referential("label-nr-2019")
        shipped = [(n.code, n.level, n.title["fr"]) for n in referential.nodes]
        assert shipped == seed

    def test_every_item_is_translated(self):
        referential = get_referential("label-nr-2019")
        for node in referential.nodes:
            assert node.title.get("en"), node.code
            if node.level == CRITERION:
                assert node.guidance.get("fr") and node.guidance.get("en"), node.code


class TestSeeding:
    def test_programme_gets_5_14_47(self, portal):
        programme = create_programme(portal)
        assert len(items(programme, "nr_theme")) == 5
        assert len(items(programme, "nr_principle")) == 14
        assert len(items(programme, "nr_criterion")) == 47
        assert programme.referential == "label-nr-2019"
        assert programme.referential_version == "2019"

    def test_codes_and_french_titles(self, portal):
        programme = create_programme(portal)
        referential = get_referential("label-nr-2019")
        criterion = programme["1"]["1.1"]["1.1.1"]
        assert criterion.code == "1.1.1"
        assert criterion.title == "Engagement de la direction"
        assert criterion.portal_type == "nr_criterion"
        # Every item has the title and code of its node, in the referential's order.
        for node in referential.nodes:
            path = node.code.split(".")
            obj = programme
            for depth in range(1, len(path) + 1):
                obj = obj[".".join(path[:depth])]
            assert (obj.code, obj.title) == (node.code, node.title["fr"])
        themes = [
            item for item in programme.objectValues() if item.portal_type == "nr_theme"
        ]
        assert [theme.code for theme in themes] == list("12345")
        assert programme["action-plan"].portal_type == "nr_action_plan"

    def test_english_site_gets_english_titles(self, portal):
        programme = create_programme(portal, language="en")
        assert programme["1"].title == "Strategy and governance"
        assert programme["1"]["1.1"]["1.1.1"].guidance

    def test_catalog_knows_codes(self, portal):
        programme = create_programme(portal)
        brains = api.content.find(context=programme, nr_code="5.2.4")
        assert [b.Title for b in brains] == [
            "Mise en œuvre d'une gestion NR de l'infrastructure"
        ]

    def test_unknown_referential_is_refused(self, portal):
        with pytest.raises(Exception, match="no-such-referential"):
            create_programme(portal, referential="no-such-referential")

    def test_themes_only_in_programmes(self, portal):
        with api.env.adopt_roles(["Manager"]):
            folder = api.content.create(container=portal, type="Folder", title="F")
            with pytest.raises(Exception, match="nr_theme"):
                api.content.create(
                    container=folder, type="nr_theme", title="T", code="1"
                )
