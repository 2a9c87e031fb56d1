"""The request context: who is acting, from where, under which request id.

It travels in a ContextVar so that the audit log can be written from a model's save()
without threading the request through every call. Management commands and tests set it
with ``acting_as``.
"""

import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class RequestContext:
    user_id: int | None = None
    username: str = ""
    ip: str | None = None
    request_id: str = ""
    source: str = "system"  # web, api, command, system


_current: ContextVar[RequestContext] = ContextVar("zhaoshang_request_context", default=RequestContext())  # noqa: B039 (frozen)


def current_context() -> RequestContext:
    return _current.get()


def set_context(context: RequestContext):
    return _current.set(context)


def reset_context(token) -> None:
    _current.reset(token)


def update_context(**changes) -> None:
    """Change fields of the current context in place (used once auth has run)."""
    _current.set(replace(_current.get(), **changes))


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]


@contextmanager
def acting_as(user=None, source: str = "command", ip: str | None = None):
    """Run a block as ``user`` (or as the system), e.g. in a management command."""
    context = RequestContext(
        user_id=getattr(user, "pk", None),
        username=getattr(user, "username", "") or ("system" if user is None else ""),
        ip=ip,
        request_id=new_request_id(),
        source=source,
    )
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)
