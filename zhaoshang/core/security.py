"""Security events: refused access (403, and 404 on a URL naming an object) logged for the
auditor, rate-limited, apart from the business audit trail."""

import logging

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from zhaoshang.core.models import SecurityEvent

logger = logging.getLogger("zhaoshang.security")


def is_refusal(request, status: int) -> bool:
    """A 403 anywhere; a 404 only where the URL names an object (a probe of another
    town's project id), not a mistyped address."""
    if status == 403:
        return True
    match = getattr(request, "resolver_match", None)
    return status == 404 and bool(match and match.kwargs)


def record_refusal(request, status: int, ip: str | None) -> None:
    """Log one refusal and count it in the hour's row for this user, path and answer.

    Never raises: the user is already being refused, and a locked or failing database must
    not turn that answer into a 500."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    username = user.get_username() if signed_in else ""
    path = request.path[:500]
    logger.warning("refused user=%s ip=%s path=%s status=%s", username or "-", ip or "-", path, status)
    now = timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    key = {"username": username, "path": path, "status": status, "hour": hour}
    try:
        with transaction.atomic():
            updated = SecurityEvent.objects.filter(**key).update(count=F("count") + 1, last_at=now, ip=ip)
            if not updated:
                try:
                    with transaction.atomic():
                        SecurityEvent.objects.create(
                            **key, user=user if signed_in else None, ip=ip, first_at=now, last_at=now
                        )
                except IntegrityError:  # another request of the same hour created it first
                    SecurityEvent.objects.filter(**key).update(count=F("count") + 1, last_at=now, ip=ip)
    except DatabaseError:
        logger.exception("security event not stored: user=%s path=%s status=%s", username or "-", path, status)
