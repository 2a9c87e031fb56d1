"""Object URLs of the notifications app, for the generic scope check (zhaoshang/testing.py).

A notification belongs to its recipient alone: town A's officer gets 404 for town B's
officer's notification (and so would anyone else)."""

from zhaoshang.testing import ScopeCheck


def town_b_notification(personas):
    from zhaoshang.notifications.services import notify

    (notification,) = notify([personas.officer_b], "assignment", "请核实河口镇项目进度", url="/projects/")
    return {"pk": notification.pk}


SCOPE_CHECKS = [
    ScopeCheck("notifications:open", town_b_notification),
    ScopeCheck("notifications:mark_read", town_b_notification, method="post"),
]

# Group robots and the outbox: the bureau and the system admin only.
ADMIN_ONLY_URLS = [
    "notifications:webhook_edit",
    "notifications:webhook_delete",
    "notifications:webhook_test",
    "notifications:delivery_retry",
]
