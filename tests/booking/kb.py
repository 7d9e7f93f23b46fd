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
    # Booking is off unless admins turn it on: on here, Lanstrop allows two open bookings.
    text = _with_booking(
        text, "lokal-willkommen-lanstrop", "{enabled: true, max_open_per_person: 2}"
    )
    text = _with_booking(text, "lokal-willkommen-luetgendortmund", "{enabled: true}")
    offices.write_text(text, encoding="utf-8")
    return target


def kb_booking_at_lanstrop(tmp_path: Path) -> Path:
    """The bundled KB with booking turned on for the Lanstrop office hour only."""
    target = tmp_path / "kb-lanstrop"
    shutil.copytree(BUNDLED_DIR, target)
    offices = target / "offices.yaml"
    text = _with_booking(offices.read_text(encoding="utf-8"), "lokal-willkommen-lanstrop",
                         "{enabled: true}")  # fmt: skip
    offices.write_text(text, encoding="utf-8")
    return target


def _with_booking(text: str, office_id: str, block: str) -> str:
    line = f"  - id: {office_id}\n"
    at = text.index(line) + len(line)
    return text[:at] + f"    booking: {block}\n" + text[at:]


STAFF_ROSTER = """members:
  - name: Test Staff
    identities: {matrix: "@staff:example.test"}
    languages: [de]
rooms:
  - channel: matrix
    chat_id: "!staff:example.test"
"""


def staff_roster(tmp_path: Path) -> Path:
    """A roster whose one staff room serves every office (test-only ids)."""
    path = tmp_path / "roster.yaml"
    path.write_text(STAFF_ROSTER, encoding="utf-8")
    return path
