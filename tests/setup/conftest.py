from collective.nrlabel.testing import write_instance

import pytest


@pytest.fixture(scope="module")
def zope_conf(tmp_path_factory):
    """A Zope instance like `make instance` writes, with its data in a temp folder."""
    return write_instance(tmp_path_factory.mktemp("instance"))
