"""Settings from the environment (LOTSE_*), checked once at start."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from knowledge.loader import BUNDLED_DIR


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    database_url: str = "sqlite:///lotse.sqlite3"
    knowledge_dir: Path = BUNDLED_DIR
    cache_dir: Path = Path(".lotse-cache")
    semantic: bool = True
    """Use the sentence-embedding layer (LOTSE_SEMANTIC=0 turns it off: faster, less accurate)."""
    log_level: str = "INFO"
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
    database_pool_size: int = 10
    """PostgreSQL connections kept open; messages handled at once are bounded to it, the rest
    wait their turn in order (back-pressure instead of pool time-outs)."""
    staff_roster: Path | None = None
    """A YAML file naming staff members, their offices, languages and channel ids."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for name in cls.model_fields:
            key = f"LOTSE_{name.upper()}"
            if key in env and env[key] != "":
                values[name] = env[key]
        if "semantic" in values:
            values["semantic"] = str(values["semantic"]).lower() not in ("0", "false", "no", "off")
        return cls.model_validate(values)
