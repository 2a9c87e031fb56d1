"""The engine's hand-made dataset, shared by the roll-up tests."""

from zhaoshang.stats.tests.test_engine import dataset  # noqa: F401
