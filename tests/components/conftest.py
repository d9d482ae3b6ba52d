"""Fixtures of the component tests."""
from tests.components.ram_fs import ram_root  # pylint: disable=unused-import
