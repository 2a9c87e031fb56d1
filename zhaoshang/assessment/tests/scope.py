"""Object URLs of the assessment app, for the generic scope check (zhaoshang/testing.py)."""

import datetime
from decimal import Decimal

from zhaoshang.testing import ScopeCheck


def _scheme(personas):
    from zhaoshang.assessment.models import AssessmentScheme
    from zhaoshang.assessment.services import save_scheme

    return save_scheme(
        personas.bureau,
        AssessmentScheme(name="乡镇考核", year=2024, parent=personas.county),
        [("signed_count", Decimal(100))],
        [],
    )


def town_b_entry(personas):
    from zhaoshang.assessment.models import ManualEntry
    from zhaoshang.assessment.services import save_entry

    entry = ManualEntry(
        scheme=_scheme(personas),
        unit=personas.town_b,
        kind="adjustment",
        date=datetime.date(2024, 6, 1),
        points=Decimal(2),
        reason="河口镇的加分",
    )
    return {"pk": save_entry(personas.bureau, entry).pk}


def published(personas):
    from zhaoshang.assessment.services import publish

    return publish(personas.bureau, _scheme(personas), "m6", today=datetime.date(2024, 7, 10))


def town_b_breakdown(personas):
    return {"pk": published(personas).pk, "unit_id": personas.town_b.pk}


SCOPE_CHECKS = [
    ScopeCheck("assessment:entry_detail", town_b_entry),
    ScopeCheck("assessment:result_unit", town_b_breakdown),
]

# A published ranking is read by every business user; the breakdowns are scoped above.
SHARED_CHECKS = [ScopeCheck("assessment:result", lambda p: {"pk": published(p).pk})]

# The bureau's pages and the live (unpublished) scores: no officer reaches them.
ADMIN_ONLY_URLS = [
    "assessment:scores",
    "assessment:scheme_edit",
    "assessment:breakdown",
    "assessment:export",
    "assessment:publish",
    "assessment:entries",
    "assessment:entry_edit",
    "assessment:entry_delete",
    "assessment:result_export",
]
