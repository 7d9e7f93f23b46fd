"""A small knowledge-base copy for booking tests: the bundled one plus hours and desks."""

from __future__ import annotations

import shutil
from pathlib import Path

from knowledge.loader import BUNDLED_DIR

LUETGENDORTMUND_HOURS = """    hours:
      mon: ["09:00-12:00"]
      wed: ["09:00-12:00"]
    services:
      - id: advice
        name:
          de: Beratung
          en: Advice
          uk: Консультація
          ru: Консультация
          ar: استشارة
          fa: مشوره
          tr: Danışmanlık
          ro: Consiliere
          bg: Консултация
          pl: Porada
          ps: مشوره
          ku: Şêwirmendî
          so: La-talin
          ti: ምኽሪ
          sq: Këshillim
          fr: Conseil
        slot_minutes: 30
        desks: 3
"""


def kb_with_two_bookable_offices(tmp_path: Path, *, lanstrop_desks: int = 1) -> Path:
    """Copy the bundled KB; Lütgendortmund gets (test-only, invented) hours with three desks."""
    target = tmp_path / "kb"
    shutil.copytree(BUNDLED_DIR, target)
    offices = target / "offices.yaml"
    text = offices.read_text(encoding="utf-8")
    marker = "  - id: lokal-willkommen-luetgendortmund\n"
    start = text.index(marker)
    hours_at = text.index("    hours: {}\n", start)
    text = text[:hours_at] + LUETGENDORTMUND_HOURS + text[hours_at + len("    hours: {}\n") :]
    unverified = text.index("    unverified: [location, hours, contacts]", start)
    text = text[:unverified] + text[unverified:].replace(
        "[location, hours, contacts]", "[location, contacts]", 1
    )
    text = text.replace(
        "        slot_minutes: 30\n        desks: 1\n",
        f"        slot_minutes: 30\n        desks: {lanstrop_desks}\n",
        1,
    )
    offices.write_text(text, encoding="utf-8")
    return target
