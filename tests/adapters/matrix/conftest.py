"""Makes the Synapse fixture available here until tests/conftest.py registers it as a plugin."""

from tests.fixtures.synapse import synapse

__all__ = ["synapse"]
