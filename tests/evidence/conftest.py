import pytest


@pytest.fixture
def criterion(programme):
    """Criterion 1.1.1 of the integration programme."""
    return programme["1"]["1.1"]["1.1.1"]
