"""Builders for bulletin tests."""

import datetime

from zhaoshang.bulletins.models import Bulletin
from zhaoshang.bulletins.services import create_draft


def draft(bureau, scope, *, year=2024, month=7, kind="monthly", **fields) -> Bulletin:
    fields.setdefault("issuer", "示范市投资促进局")
    fields.setdefault("issue_date", datetime.date(year if month < 12 else year + 1, month % 12 + 1, 5))
    return create_draft(bureau, Bulletin(kind=kind, year=year, month=month, scope=scope, **fields))
