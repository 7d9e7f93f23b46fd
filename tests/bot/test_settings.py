"""Settings from the environment: every LOTSE_ name, *_FILE secrets, misspelt names named."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.logcontext import configure_logging
from bot.settings import Settings, default_cache_dir


def test_settings_read_every_documented_variable() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"LOTSE_{name.upper()}" in readme, f"LOTSE_{name.upper()} is not in the README"
    settings = Settings.from_env(
        {"LOTSE_SEMANTIC": "0", "LOTSE_HTTP_LISTEN": "0.0.0.0:9000", "HOME": "/x"}
    )
    assert settings.semantic is False and settings.http_listen == "0.0.0.0:9000"


def test_settings_secret_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "token"
    secret.write_text("123:abc\n", encoding="utf-8")
    settings = Settings.from_env({"LOTSE_TELEGRAM_TOKEN_FILE": str(secret)})
    assert settings.telegram_token == "123:abc"
    with pytest.raises(ConfigError, match="LOTSE_MATRIX_PASSWORD_FILE"):
        Settings.from_env({"LOTSE_MATRIX_PASSWORD_FILE": str(tmp_path / "missing")})


def test_settings_misspelt_variable_is_named() -> None:
    with pytest.raises(ConfigError, match=r"LOTSE_DATABSE_URL \(did you mean LOTSE_DATABASE_URL"):
        Settings.from_env({"LOTSE_DATABSE_URL": "sqlite:///x"})
    with pytest.raises(ConfigError, match="LOTSE_RETENTION_BOOKING_DAYS"):
        Settings.from_env({"LOTSE_RETENTION_BOOKING_DAYS": "0"})
    # The test suite's own variables are not settings.
    assert Settings.from_env({"LOTSE_TEST_POSTGRES_URL": "postgresql://x"}).semantic


def test_settings_cache_is_never_the_working_folder() -> None:
    assert Settings().cache_dir == default_cache_dir()
    assert default_cache_dir().is_absolute() and default_cache_dir() != Path.cwd()


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_settings_json_logs_hide_exception_text(restore_logging: None) -> None:
    out = io.StringIO()
    configure_logging("INFO", stream=out, log_format="json")
    try:
        raise ValueError("Mallinckrodtstraße 17")
    except ValueError:
        logging.getLogger("lotse.test").exception("it failed")
    entry = json.loads(out.getvalue().splitlines()[-1])
    assert entry["message"] == "it failed" and entry["level"] == "ERROR"
    assert "ValueError" in entry["exception"] and "Mallinckrodt" not in out.getvalue()
