"""Test helpers of the roll-up."""

from contextlib import contextmanager

from zhaoshang.stats import facts


@contextmanager
def rollup_rebuilt_once():
    """Build test data with the roll-up off, then rebuild it once: for fixtures that are not
    about keeping the roll-up write by write (stats/tests and imports/tests are), where
    every claim and verification would otherwise recompute its project's facts twice.
    What the tests then read is the same: ``rebuild`` is the recomputation the roll-up
    equals (``rebuild_stats --check``)."""
    with facts.unchanged():
        yield
    facts.rebuild()
