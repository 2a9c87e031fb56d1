"""Zhaoshang 招商: an investment-promotion platform for local government."""

# The release number shown in every page's footer; pyproject.toml says the same (a test holds
# them equal) and CHANGELOG.md has a section for it.
__version__ = "0.2.0"
