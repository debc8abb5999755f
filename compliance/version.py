"""The tool's version (one source: the build reads it from here, see pyproject.toml)."""

__version__ = "0.1.0"
