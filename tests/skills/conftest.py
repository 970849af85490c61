import pytest

from skills.classifications import classifications_load


@pytest.fixture
def classifications(db):
    """NACE Rev. 2.1, ISCO-08 and the starter skills, as `load_classifications` loads them."""
    return classifications_load()
