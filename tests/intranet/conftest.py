"""An existing intranet (``testing.IntranetLayer``: intranet_workflow, content,
users with site-wide roles, plone.app.multilingual, iterate, caching and
discussion), with collective.nrlabel installed on top: issue #14's tests."""

from collective.nrlabel.testing import INTRANET_FUNCTIONAL_TESTING
from collective.nrlabel.testing import INTRANET_INTEGRATION_TESTING
from pytest_plone import fixtures_factory


globals().update(
    fixtures_factory(
        (
            (INTRANET_FUNCTIONAL_TESTING, "intranet_functional"),
            (INTRANET_INTEGRATION_TESTING, "intranet_integration"),
        )
    )
)
