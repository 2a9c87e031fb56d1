import pytest
from django.core.management import call_command


@pytest.fixture
def calendar(db):
    """The holiday calendar as shipped (2004–2026, 法定节假日 and 调休)."""
    call_command("load_reference", only="holidays", verbosity=0)
