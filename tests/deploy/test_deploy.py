"""The deployment files: the compose file against the compose spec and wired as the bot needs,
the systemd unit through systemd-analyze."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from bot.settings import Settings

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"


def compose() -> dict[str, Any]:
    loaded = YAML(typ="safe").load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_compose_file_matches_the_compose_spec() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec",
         str(DEPLOY / "compose.yaml")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_wires_database_secret_knowledge_and_cache(tmp_path: Path) -> None:
    spec = compose()
    bot, postgres = spec["services"]["lotse"], spec["services"]["postgres"]
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert postgres["environment"]["POSTGRES_PASSWORD_FILE"] == "/run/secrets/db_password"
    assert "POSTGRES_PASSWORD" not in postgres["environment"]
    assert any(v.startswith("pgdata:/var/lib/postgresql/data") for v in postgres["volumes"])
    mounts = {v.split(":")[1]: v.split(":")[0] for v in bot["volumes"]}
    env = bot["environment"]
    assert mounts[env["LOTSE_KNOWLEDGE_DIR"]] == "./knowledge"
    assert mounts[env["LOTSE_CACHE_DIR"]] == "cache"
    # The bot's own settings parse what compose gives it: the database is the postgres
    # service (not 127.0.0.1, the container itself), with the secret's password.
    secret = tmp_path / "db_password"
    secret.write_text("s3cret\n", encoding="utf-8")
    settings = Settings.from_env({**env, "LOTSE_DATABASE_PASSWORD_FILE": str(secret)})
    assert settings.database_url == "postgresql://lotse:s3cret@postgres:5432/lotse"
    assert settings.http_listen.endswith(":9464")
    assert (
        "9464" in bot["healthcheck"]["test"][-1] and "/healthz" in bot["healthcheck"]["test"][-1]
    )


def test_container_starts_with_lotse_run() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert 'CMD ["lotse", "run"]' in dockerfile
    assert "chown lotse /var/cache/lotse" in dockerfile


def test_systemd_unit_verifies(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed on this machine")
    lotse = shutil.which("lotse") or str(Path(sys.executable).with_name("lotse"))
    unit = (DEPLOY / "lotse.service").read_text(encoding="utf-8")
    assert "CacheDirectory=lotse" in unit and "StateDirectory=lotse" in unit
    # Where this checkout has lotse installed, instead of /srv/lotse.
    unit = unit.replace("/srv/lotse/.venv/bin/lotse", lotse).replace("/srv/lotse", str(REPO))
    (tmp_path / "lotse.service").write_text(unit, encoding="utf-8")
    result = subprocess.run(
        [analyze, "verify", str(tmp_path / "lotse.service")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0 and "lotse.service" not in result.stderr, result.stderr


def test_stop_timeouts_leave_room_for_the_10s_stop() -> None:
    """systemd and compose wait longer than `lotse run` needs to stop (its budget plus the
    close of the database), so neither has to SIGKILL it and lose a reply in flight."""
    from bot.runner import STOP_BUDGET_SECONDS

    assert STOP_BUDGET_SECONDS < 10
    unit = (DEPLOY / "lotse.service").read_text(encoding="utf-8").splitlines()
    assert "KillSignal=SIGTERM" in unit
    (timeout,) = [line.split("=", 1)[1] for line in unit if line.startswith("TimeoutStopSec=")]
    assert int(timeout) >= 2 * 10
    grace = str(compose()["services"]["lotse"]["stop_grace_period"])
    assert grace.endswith("s") and int(grace[:-1]) >= 2 * 10
