"""The package's layering (pyproject.toml [tool.importlinter]): no room imports a room above it."""

from importlinter.cli import lint_imports


def test_no_upward_imports():
    assert lint_imports(config_filename="pyproject.toml") == 0
