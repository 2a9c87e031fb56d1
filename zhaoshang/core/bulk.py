"""Writes to many projects made together, told to listeners once.

Apps that keep something derived from projects (the statistics roll-up) listen to model
signals row by row. A writer that changes many rows at once — a bulk insert, which sends no
model signals, or an import's thousands of versioned saves — wraps its writes in
``writing_together()`` instead of calling those apps:

- ``projects_writing`` is sent, inside the block's transaction, for project ids whose rows
  are about to change (declared on entry, or found by a listener at a row's first write),
  while their stored rows are still the old ones;
- ``projects_written`` is sent once at the end of the block, still inside the transaction,
  with every project id the block wrote (``created`` ones included).

Per-row listeners call ``current()`` and, inside a block, leave their work to its end.
Core knows no listener: stats connects its own receivers (stats/apps.py).
"""

import gc
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.dispatch import Signal

projects_writing = Signal()  # kwargs: block, project_ids (frozenset)
projects_written = Signal()  # kwargs: block, project_ids (frozenset)


class WritingTogether:
    """One block of writes: the project ids it touched, and room for listeners' state."""

    def __init__(self, untouched=()):
        self.project_ids: set[int] = set()
        self.state: dict = {}  # per listener, keyed by the listener's name
        # Models (labels, "funds.fundstranche") the writer promises not to write in the
        # block: listeners may leave out what only those rows move (and refuse such a write).
        self.untouched: frozenset[str] = frozenset(untouched)

    def include(self, project_ids) -> None:
        """These projects are about to be written (their rows are still the stored ones)."""
        new = frozenset(pk for pk in project_ids if pk) - self.project_ids
        if new:
            self.project_ids |= new
            projects_writing.send(sender=WritingTogether, block=self, project_ids=new)

    def created(self, project_ids) -> None:
        """These projects were inserted by the block (bulk inserts send no model signals):
        they had no rows before it."""
        self.project_ids |= {pk for pk in project_ids if pk}


_current: ContextVar[WritingTogether | None] = ContextVar("core_writing_together", default=None)


def current() -> WritingTogether | None:
    return _current.get()


@contextmanager
def writing_together(project_ids=(), *, untouched=()):
    """A transaction whose writes to projects are told to listeners once, at its end. A
    block inside another joins it (the outer one tells, and its ``untouched`` holds).
    ``untouched``: labels of models the block will not write (``WritingTogether``)."""
    outer = _current.get()
    if outer is not None:
        with transaction.atomic():
            outer.include(project_ids)
            yield outer
        return
    block = WritingTogether(untouched)
    with transaction.atomic():
        token = _current.set(block)
        try:
            block.include(project_ids)
            yield block
        finally:
            _current.reset(token)
        projects_written.send(sender=WritingTogether, block=block, project_ids=frozenset(block.project_ids))


@contextmanager
def collector_paused():
    """Python's cyclic garbage collector paused for the length of a commit (of a ledger
    import, or a rebuild of the statistics roll-up).

    A 10,000-row commit builds some 300,000 objects (model instances, their audit
    snapshots, parsed rows) that all stay alive until it ends; every full collection walks
    all of them again, and the collector ran ten of those per commit: 1.3–2 s of about
    10 s, measured on SQLite and PostgreSQL alike. Reference counting still frees
    everything else at once; the few cycles left behind (≈ 30 MB) are collected when the
    block ends. The switch is process-wide: it is put back as it was found (a block inside
    another leaves the collector off until the outer one ends). So it is used in the job
    worker only (``imports.jobs.commit_job``), where no other request shares the process;
    the small files that commit in a request do not need it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
