"""Fixtures for the adapter tests (until tests/conftest.py registers them for the suite)."""

from tests.fixtures.telegram import telegram_double

__all__ = ["telegram_double"]
