"""Object URLs of the bulletins app, for the generic scope check (zhaoshang/testing.py).

A bulletin's scope puts it in an officer's reach: a bulletin published for 河口镇 is read
by 河口镇's officer and not by 城关镇's (the city's bulletin is read by both, tested in
test_access.py)."""

import datetime

from zhaoshang.testing import ScopeCheck


def town_b_bulletin(personas):
    from zhaoshang.bulletins.models import Bulletin
    from zhaoshang.bulletins.services import create_draft, publish

    draft = create_draft(
        personas.bureau,
        Bulletin(
            kind="monthly",
            year=2024,
            month=7,
            scope=personas.town_b,
            issuer="市投资促进局",
            issue_date=datetime.date(2024, 8, 5),
        ),
    )
    return publish(personas.bureau, draft)


SCOPE_CHECKS = [
    ScopeCheck("bulletins:detail", lambda p: {"pk": town_b_bulletin(p).pk}),
    ScopeCheck("bulletins:download", lambda p: {"pk": town_b_bulletin(p).pk, "fmt": "docx"}),
]

# The bureau's workflow (publish, delete a draft) and the comparison with today's data
# (bureau and leaders, who see every unit): no officer reaches them.
# The 红黑榜 rules are the bureau's alone.
ADMIN_ONLY_URLS = [
    "bulletins:publish",
    "bulletins:delete",
    "bulletins:changes",
    "bulletins:honour_rule_edit",
    "bulletins:honour_rule_delete",
]
