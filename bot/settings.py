"""Settings from the environment (LOTSE_*), checked once at start."""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs
from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from sqlalchemy.engine import make_url

from bot.errors import ConfigError
from knowledge.loader import BUNDLED_DIR

PREFIX = "LOTSE_"
FILE_SUFFIX = "_FILE"
"""``LOTSE_X_FILE=/run/secrets/x`` reads the value of ``LOTSE_X`` from that file (secrets)."""
NOT_SETTINGS = ("LOTSE_TEST_",)
"""Prefixes of LOTSE_ variables that the test suite reads, not the bot."""


def default_cache_dir() -> Path:
    """The user's cache folder (``~/.cache/lotse`` on Linux), never the working folder."""
    return Path(platformdirs.user_cache_dir("lotse", appauthor=False))


def default_data_dir() -> Path:
    """The user's data folder (``~/.local/share/lotse`` on Linux): what must survive a
    restart and is not in the database (the Matrix encryption keys)."""
    return Path(platformdirs.user_data_dir("lotse", appauthor=False))


class Settings(BaseSettings):
    """Built from keyword arguments only (tests, code); :meth:`from_env` reads LOTSE_*."""

    model_config = SettingsConfigDict(frozen=True, extra="forbid", env_prefix=PREFIX)

    database_url: str = "sqlite:///lotse.sqlite3"
    database_password: str | None = Field(default=None, repr=False)
    """Put into the database URL (give it as LOTSE_DATABASE_PASSWORD_FILE, a secret)."""
    knowledge_dir: Path = BUNDLED_DIR
    cache_dir: Path = Field(default_factory=default_cache_dir)
    data_dir: Path = Field(default_factory=default_data_dir)
    """Kept across restarts, backed up: the Matrix keys live in its ``matrix`` folder."""
    semantic: bool = True
    """Use the sentence-embedding layer (LOTSE_SEMANTIC=0 turns it off: faster, less accurate)."""
    log_level: str = "INFO"
    log_format: str = Field(default="text", pattern="^(text|json)$")
    """``json``: one JSON object a line (for log collectors)."""
    http_listen: str = "127.0.0.1:9464"
    """``host:port`` of /healthz, /readyz and /metrics; empty turns the server off."""
    knowledge_poll_seconds: float = 10.0
    telegram_token: str | None = None
    telegram_base_url: str | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_listen: str = "127.0.0.1:8443"
    telegram_webhook_secret: str | None = None
    matrix_homeserver: str | None = None
    matrix_user: str | None = None
    matrix_password: str | None = None
    matrix_access_token: str | None = None
    matrix_device_id: str | None = None
    """Reuse one device across restarts (otherwise each password login makes a new one)."""
    matrix_encryption: bool = True
    """Read and answer end-to-end encrypted rooms (keys in ``data_dir/matrix``)."""
    database_pool_size: int = 10
    """PostgreSQL connections kept open; messages handled at once are bounded to it, the rest
    wait their turn in order (back-pressure instead of pool time-outs)."""
    staff_roster: Path | None = None
    """A YAML file naming staff members, their offices, languages and channel ids."""
    unanswered_days: int = 30
    """How long questions nothing answered are kept for `lotse report unanswered` (0: off)."""
    retention_conversation_days: int = Field(default=30, ge=1)
    retention_handled_ids_days: int = Field(default=30, ge=1)
    retention_booking_days: int = Field(default=30, ge=1)
    retention_closed_case_days: int = Field(default=90, ge=1)
    retention_outbox_days: int = Field(default=30, ge=1)

    @model_validator(mode="after")
    def _password_into_url(self) -> Settings:
        if self.database_password:
            url = make_url(self.database_url).set(password=self.database_password)
            object.__setattr__(self, "database_url", url.render_as_string(hide_password=False))
            object.__setattr__(self, "database_password", None)
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Only what the caller passes: from_env reads the environment itself, so that it can
        # take *_FILE secrets and name a misspelt variable instead of ignoring it.
        return (init_settings,)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The settings the environment gives. Raises :class:`ConfigError` naming the
        variable for an unknown LOTSE_ name, an unreadable secret file or a bad value."""
        env = os.environ if env is None else env
        names = {f"{PREFIX}{name.upper()}": name for name in cls.model_fields}
        values: dict[str, object] = {}
        for key, value in env.items():
            if not key.startswith(PREFIX) or key.startswith(NOT_SETTINGS):
                continue
            if key in names:
                if value != "":
                    values.setdefault(names[key], value)
                continue
            if key.endswith(FILE_SUFFIX) and key[: -len(FILE_SUFFIX)] in names:
                values[names[key[: -len(FILE_SUFFIX)]]] = _read_secret(key, value)
                continue
            close = difflib.get_close_matches(key, list(names), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ConfigError(f"unknown setting {key}{hint}; see the README's configuration")
        try:
            return cls(**values)  # type: ignore[arg-type]
        except ValidationError as exc:
            problems = "; ".join(
                f"{PREFIX}{str(e['loc'][0]).upper()}: {e['msg']}" for e in exc.errors()
            )
            raise ConfigError(f"bad setting: {problems}") from exc


def _read_secret(key: str, path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"{key}: cannot read {path}: {exc.strerror}") from exc
