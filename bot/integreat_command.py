"""`lotse kb import-integreat REGION`: the command around knowledge.integreat.importer."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from pathlib import Path

import click

from bot.clock import BERLIN
from bot.errors import SourceError

KNOWN_REGIONS: dict[str, str] = {"dortmund": "dortmund"}
"""Integreat region slug -> Lotse city id, where they are the same place. Other regions (the
Kreis Recklinghausen region, for Dorsten) need ``--city``."""


@click.command("import-integreat")
@click.argument("region")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Knowledge-base folder to write into (default: LOTSE_KNOWLEDGE_DIR).",
)
@click.option("--base-url", default=None, help="The CMS (default: https://cms.integreat-app.de).")
@click.option("--city", default=None, help="Lotse city id of the pages and offices.")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds per request.")
@click.option("--licence", default=None, help="Attribution stored with every page.")
def import_integreat(
    region: str,
    out: Path | None,
    base_url: str | None,
    city: str | None,
    timeout: float,
    licence: str | None,
) -> None:
    """Read an Integreat region's pages and locations; write what changed."""
    from bot.settings import Settings
    from knowledge.integreat.api import DEFAULT_BASE_URL, IntegreatApi, api_client
    from knowledge.integreat.importer import DEFAULT_LICENCE, ImportTarget, import_region

    region = region.strip().lower()
    city = city or KNOWN_REGIONS.get(region)
    if city is None:
        raise click.UsageError(
            f"which Lotse city is the region '{region}'? Give --city (e.g. --city dorsten)"
        )
    target = ImportTarget(
        out=out or Settings.from_env().knowledge_dir,
        region=region,
        city=city,
        licence=licence or DEFAULT_LICENCE.format(region=region),
    )
    logging.basicConfig(level=logging.WARNING)

    async def go() -> str:
        async with api_client(base_url or DEFAULT_BASE_URL, timeout) as client:
            report = await import_region(
                IntegreatApi(client, region), target, datetime.now(BERLIN).date()
            )
        return report.summary()

    try:
        click.echo(asyncio.run(go()))
    except SourceError as exc:
        click.echo(f"import-integreat: {exc}; nothing was changed", err=True)
        raise SystemExit(1) from exc
    except OSError as exc:
        click.echo(f"import-integreat: cannot write {target.out}: {exc}", err=True)
        raise SystemExit(1) from exc
