import csv
from pathlib import Path

import pytest

from zhaoshang.accounts.models import Unit

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def shifan_units(personas):
    """The units of 示范县 from the shared sample, under the personas' 示范县."""
    with open(SAMPLES / "units.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["code"] == "SFX":
                continue
            unit = Unit.objects.filter(code=row["code"]).first()
            aliases = [alias for alias in row["aliases"].split(";") if alias]
            if unit is None:
                Unit.objects.create(
                    code=row["code"], name=row["name"], type=row["type"], parent=personas.county, aliases=aliases
                )
            else:
                unit.aliases = aliases
                unit.save()
    return personas


def sample_bytes(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()
