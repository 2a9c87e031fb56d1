from zhaoshang.stats.tests.test_engine import dataset  # noqa: F401 (the engine's hand-made data, as a fixture)
