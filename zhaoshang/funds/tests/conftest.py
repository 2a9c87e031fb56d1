from zhaoshang.imports.tests.conftest import shifan_units  # noqa: F401 (the sample's units, as a fixture)
