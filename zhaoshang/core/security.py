"""Security events: refused access (403, and 404 on a URL naming an object) and refused
API tokens, logged for the auditor, rate-limited, apart from the business audit trail."""

import logging
import threading
import time

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
    _count(username, user if signed_in else None, path, status, "", ip, 1)


# Every refused token's reason starts so (the auditor's pages filter by it).
TOKEN_REASON_PREFIX = "API 令牌"  # noqa: S105 (a label, not a secret)

# A refused API token is written at most this often per (user, route, answer, reason) and
# process; the refusals in between are counted in memory and added with the next write.
TOKEN_WRITE_SECONDS = 10
_pending: dict[tuple, list] = {}  # key → [refusals not yet written, monotonic time of the last write]
_pending_lock = threading.Lock()


def record_token_refusal(request, status: int, reason: str, user=None, ip: str | None = None) -> None:
    """A refused API token (invalid, expired, revoked, source address or scope): a security
    event like a refused page, with its reason.

    Machine clients retry: a misconfigured one, or a script trying tokens, sends thousands
    a minute, and a write transaction for each (on SQLite the one writer's lock) would slow
    the whole site. So each is logged in full to the ``zhaoshang.security`` logger, and the
    table is written at most every TOKEN_WRITE_SECONDS per key, the count including those
    in between (the last ones of a flood that stops are in the log, and in the table with
    the next refusal of the same key). The path is the route (``/api/v1/projects/<id>``),
    not the address, so that probing ids or junk paths adds no rows; the user is the
    token's owner when the token was found, else none."""
    match = getattr(request, "resolver_match", None)
    path = ("/" + match.route if match and match.route else request.path)[:500]
    username = user.get_username() if user is not None else ""
    logger.warning(
        "api token refused user=%s ip=%s path=%s status=%s reason=%s", username or "-", ip or "-", path, status, reason
    )
    key = (username, path, status, reason[:200])
    now = time.monotonic()
    with _pending_lock:
        entry = _pending.setdefault(key, [0, float("-inf")])
        entry[0] += 1
        if now - entry[1] < TOKEN_WRITE_SECONDS:
            return
        count, entry[0], entry[1] = entry[0], 0, now
    _count(username, user, path, status, reason[:200], ip, count)


def _count(username: str, user, path: str, status: int, reason: str, ip: str | None, count: int) -> None:
    now = timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    key = {"username": username, "path": path, "status": status, "reason": reason, "hour": hour}
    try:
        with transaction.atomic():
            updated = SecurityEvent.objects.filter(**key).update(count=F("count") + count, last_at=now, ip=ip)
            if not updated:
                try:
                    with transaction.atomic():
                        SecurityEvent.objects.create(**key, user=user, ip=ip, count=count, first_at=now, last_at=now)
                except IntegrityError:  # another request of the same hour created it first
                    SecurityEvent.objects.filter(**key).update(count=F("count") + count, last_at=now, ip=ip)
    except DatabaseError:
        logger.exception("security event not stored: user=%s path=%s status=%s", username or "-", path, status)
