from collective.nrlabel import clock as addon_clock
from collective.nrlabel.testing import FUNCTIONAL_TESTING
from collective.nrlabel.testing import INTEGRATION_TESTING
from nr_setup import build_programme
from pathlib import Path
from pytest_plone import fixtures_factory

import pytest
import transaction


pytest_plugins = ["pytest_plone"]

globals().update(
    fixtures_factory(
        (
            (FUNCTIONAL_TESTING, "functional"),
            (INTEGRATION_TESTING, "integration"),
        ),
        keep_session=False,
    )
)

# tests/intranet/ runs on a sibling layer (an existing intranet, then the add-on).
# plone.testing keeps one stack of databases per base layer, so two sibling Plone
# sites kept set up in one session see each other's database: that directory runs
# in its own pytest session (`make test` runs both). tests/cluster/ runs real Zope
# processes on ZEO / RelStorage and needs no in-process layer: its own session too.
TESTS = Path(__file__).resolve().parent
INTRANET_TESTS = TESTS / "intranet"
CLUSTER_TESTS = TESTS / "cluster"
OWN_SESSIONS = (INTRANET_TESTS, CLUSTER_TESTS)


def _session_of(item):
    """The directory of OWN_SESSIONS ``item`` belongs to, or None for the rest."""
    parents = Path(item.path).resolve().parents
    return next((d for d in OWN_SESSIONS if d in parents), None)


def pytest_collection_modifyitems(config, items):
    kinds = {_session_of(item) for item in items}
    if len(kinds) > 1:
        raise pytest.UsageError(
            "tests/intranet/ and tests/cluster/ each run in their own pytest "
            "session: `pytest --ignore=tests/intranet --ignore=tests/cluster`, "
            "then `pytest tests/intranet`, then `pytest tests/cluster` "
            "(make test runs all three)"
        )


@pytest.fixture(autouse=True, scope="session")
def _keep_layers_for_session(request):
    """The add-on's two layers stay set up for the whole session (pytest-plone's
    keep_session), unless the session is tests/intranet/'s or tests/cluster/'s."""
    if not any(_session_of(item) for item in request.session.items):
        request.getfixturevalue("functional_session")
        request.getfixturevalue("integration_session")


SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def package_name() -> str:
    return "collective.nrlabel"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The project's ../shared folder; tests that need it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not available on this machine")
    return SHARED


@pytest.fixture
def clock(monkeypatch):
    """``clock(day)`` sets the date every rule and view reads, until the test ends.

    The functional layer's server runs in this process, so pages follow it too.
    """

    def set_today(day):
        monkeypatch.setattr(addon_clock, "today", lambda: day)

    return set_today


@pytest.fixture
def programme(portal):
    """A seeded programme and its users (nr_setup.USERS), on the integration portal."""
    return build_programme(portal)


@pytest.fixture
def functional_programme(functional_portal):
    """The same programme on the functional portal, committed for the test server."""
    programme = build_programme(functional_portal)
    transaction.commit()
    return programme


@pytest.fixture
def functional_criterion(functional_programme):
    return functional_programme["1"]["1.1"]["1.1.1"]
